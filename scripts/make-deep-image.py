#!/usr/bin/python3
"""A crafted FAT16 card whose directories nest DEPTH levels deep, each named with a
NAME_LENGTH-character VFAT long name, with one small file at the bottom: the medium
that makes a naive listing's memory grow with the square of the depth (every path
holds its whole ancestry).

    make-deep-image.py OUT [--depth 4000] [--name-length 255] [--size-mib 16]

The file system itself is made by mkfs.fat (dosfstools); this script only writes the
directory clusters and the FAT entries (both copies) of the nested tree, as a FAT
driver would. The result passes `fsck.fat -n` and The Sleuth Kit reads it (`fsstat`,
`fls`; fls itself stops descending after its own depth bound).
"""

import argparse
import struct
import subprocess
import sys


def lfn_checksum(short: bytes) -> int:
    total = 0
    for byte in short:
        total = (((total & 1) << 7) | (total >> 1)) + byte
        total &= 0xFF
    return total


def long_name_entries(name: str, short: bytes) -> bytes:
    """The VFAT long-name entries of `name`, in on-disk order (last part first)."""
    units = list(name.encode("utf-16-le"))
    chars = [units[i] | units[i + 1] << 8 for i in range(0, len(units), 2)]
    parts = (len(chars) + 12) // 13
    chars += [0x0000] if len(chars) % 13 else []
    chars += [0xFFFF] * (parts * 13 - len(chars))
    checksum = lfn_checksum(short)
    out = b""
    for sequence in range(parts, 0, -1):
        piece = chars[(sequence - 1) * 13:sequence * 13]
        order = sequence | (0x40 if sequence == parts else 0)
        entry = bytes([order])
        entry += b"".join(struct.pack("<H", c) for c in piece[0:5])
        entry += bytes([0x0F, 0x00, checksum])
        entry += b"".join(struct.pack("<H", c) for c in piece[5:11])
        entry += b"\0\0"
        entry += b"".join(struct.pack("<H", c) for c in piece[11:13])
        out += entry
    return out


# 2024-03-05 14:07:32, as DOS date and time.
DOS_DATE = ((2024 - 1980) << 9) | (3 << 5) | 5
DOS_TIME = (14 << 11) | (7 << 5) | (32 // 2)


def short_entry(name11: bytes, attributes: int, cluster: int, size: int) -> bytes:
    return struct.pack("<11sBBBHHHHHHHI", name11, attributes, 0, 0, DOS_TIME, DOS_DATE, DOS_DATE,
                       0, DOS_TIME, DOS_DATE, cluster, size)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("--depth", type=int, default=4000)
    parser.add_argument("--name-length", type=int, default=255)
    parser.add_argument("--size-mib", type=int, default=16)
    args = parser.parse_args()
    if not 1 <= args.name_length <= 255:
        parser.error("--name-length must be 1 to 255 (VFAT's limit)")

    with open(args.out, "wb") as f:
        f.truncate(args.size_mib << 20)
    subprocess.run(["mkfs.fat", "-F", "16", "-s", "2", "-S", "512", "-n", "DEEPCARD", args.out],
                   check=True, capture_output=True)

    with open(args.out, "r+b") as f:
        boot = f.read(512)
        bytes_per_sector, sectors_per_cluster, reserved, fats, root_entries = struct.unpack_from("<HBHBH", boot, 11)
        total16, = struct.unpack_from("<H", boot, 19)
        fat_sectors, = struct.unpack_from("<H", boot, 22)
        total32, = struct.unpack_from("<I", boot, 32)
        total = total16 or total32
        cluster_size = bytes_per_sector * sectors_per_cluster
        fat_offset = reserved * bytes_per_sector
        root_offset = (reserved + fats * fat_sectors) * bytes_per_sector
        data_offset = root_offset + root_entries * 32
        clusters = (total - data_offset // bytes_per_sector) // sectors_per_cluster
        need = args.depth + 1
        if need > clusters:
            sys.exit(f"make-deep-image: {args.depth} levels need {need} clusters; the volume has {clusters}")
        directory_bytes = 2 * 32 + ((args.name_length + 12) // 13 + 1) * 32
        if directory_bytes > cluster_size:
            sys.exit("make-deep-image: a directory does not fit one cluster")

        def name(level: int) -> str:
            stem = f"level {level:05d} "
            return (stem + "x" * args.name_length)[:args.name_length]

        short = b"LEVEL~1    "
        fat = bytearray(fat_sectors * bytes_per_sector)
        f.seek(fat_offset)
        fat[:] = f.read(len(fat))

        def cluster_offset(cluster: int) -> int:
            return data_offset + (cluster - 2) * cluster_size

        # Level 1 in the root directory: after the volume label entry mkfs.fat wrote.
        f.seek(root_offset)
        root = f.read(root_entries * 32)
        free_slot = next(i for i in range(0, len(root), 32) if root[i] == 0)
        f.seek(root_offset + free_slot)
        f.write(long_name_entries(name(1), short) + short_entry(short, 0x10, 2, 0))

        for level in range(1, args.depth + 1):
            cluster = level + 1                     # level 1 is cluster 2, …
            parent = cluster - 1 if level > 1 else 0
            body = short_entry(b".          ", 0x10, cluster, 0) + short_entry(b"..         ", 0x10, parent, 0)
            child = cluster + 1
            if level < args.depth:
                body += long_name_entries(name(level + 1), short) + short_entry(short, 0x10, child, 0)
            else:
                content = b"the bottom of the tree\n"
                body += short_entry(b"BOTTOM  TXT", 0x20, child, len(content))
                f.seek(cluster_offset(child))
                f.write(content.ljust(cluster_size, b"\0"))
                struct.pack_into("<H", fat, child * 2, 0xFFFF)
            f.seek(cluster_offset(cluster))
            f.write(body.ljust(cluster_size, b"\0"))
            struct.pack_into("<H", fat, cluster * 2, 0xFFFF)

        for copy in range(fats):
            f.seek(fat_offset + copy * fat_sectors * bytes_per_sector)
            f.write(fat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
