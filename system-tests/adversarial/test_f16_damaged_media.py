"""Finding 16: items read from damaged metadata differed from every original file and
carried no problem note. A real FAT16 card (mkfs.fat + mtools, with a fragmented clip)
is damaged three ways that leave every chain readable: two files' chains cross-linked
in both FAT copies, a link of the active FAT redirected so that clusters come in
another order (the second FAT still has the true chain), and a directory entry's first
cluster moved into another file. Every stored item whose bytes are no file of the card
must say what is wrong with it."""

import hashlib
import json
import shutil
import struct
import subprocess

import pytest

from test_volumes import fat_image, stored_bytes


class Fat16:
    """The intact card's layout and the chains of its files, read from its boot sector and FAT."""

    def __init__(self, image):
        self.raw = bytearray(image.read_bytes())
        bps, spc, reserved, fats, root_entries = struct.unpack_from("<HBHBH", self.raw, 11)
        fat_sectors, = struct.unpack_from("<H", self.raw, 22)
        self.fat = reserved * bps
        self.fat_bytes = fat_sectors * bps
        self.fats = fats

    def entry(self, cluster, copy=0):
        return struct.unpack_from("<H", self.raw, self.fat + copy * self.fat_bytes + cluster * 2)[0]

    def set(self, raw, cluster, value, copies=(0, 1)):
        for copy in copies:
            struct.pack_into("<H", raw, self.fat + copy * self.fat_bytes + cluster * 2, value)

    def dir_entry(self, short_name: bytes):
        at = self.raw.find(short_name)
        assert at > 0, short_name
        return at

    def chain(self, short_name: bytes):
        at = self.dir_entry(short_name)
        cluster, = struct.unpack_from("<H", self.raw, at + 26)
        chain = []
        while 2 <= cluster < 0xFFF8:
            chain.append(cluster)
            cluster = self.entry(cluster)
        return chain


def listing_order(image):
    out = subprocess.run(["fls", "-r", "-p", str(image)], capture_output=True, text=True, check=True).stdout
    return [line.split("\t", 1)[1] for line in out.splitlines() if "\t" in line]


CLIP = "DCIM/100MEDIA/FILE0001.MP4"
FRAGMENTED = "DCIM/100MEDIA/FRAGMENTED_CLIP_0099.MP4"
SHORT = {CLIP: b"FILE0001MP4", FRAGMENTED: b"FRAGME~1MP4"}


def first_and_second(image):
    """The two files in the order a reader lists them (their directory's order)."""
    order = listing_order(image)
    return sorted([CLIP, FRAGMENTED], key=order.index)


def cross_link_both_copies(card, image):
    first, second = first_and_second(image)
    a, b = card.chain(SHORT[first]), card.chain(SHORT[second])
    k = len(a) // 2
    # a's chain joins b's tail where the length comes out the same: readable, and wrong.
    j = len(b) - (len(a) - k - 1)
    assert 0 < j < len(b)
    raw = bytearray(card.raw)
    card.set(raw, a[k], b[j])
    return raw


def reorder_in_active_fat(card, image):
    c = card.chain(SHORT[FRAGMENTED])
    i = len(c) // 2
    raw = bytearray(card.raw)
    # c[i] → c[i+2] → c[i+1] → c[i+3]: the same clusters in another order, FAT 1 only.
    card.set(raw, c[i], c[i + 2], copies=(0,))
    card.set(raw, c[i + 2], c[i + 1], copies=(0,))
    card.set(raw, c[i + 1], c[i + 3], copies=(0,))
    return raw


def entry_moved_into_another_file(card, image):
    first, second = first_and_second(image)
    a, b = card.chain(SHORT[first]), card.chain(SHORT[second])
    start = b[len(b) - len(a)]
    raw = bytearray(card.raw)
    struct.pack_into("<H", raw, card.dir_entry(SHORT[first]) + 26, start)
    return raw


@pytest.mark.parametrize("damage", [cross_link_both_copies, reorder_in_active_fat, entry_moved_into_another_file])
def test_every_item_read_from_damaged_metadata_that_differs_says_so(daemon_factory, tmp_path, damage):
    intact = tmp_path / "intact.img"
    files = fat_image(intact, fat=16, size_mib=64)
    card = Fat16(intact)
    assert card.fats == 2
    d = daemon_factory()
    image = d.inbox / "damaged.img"
    shutil.copy(intact, image)
    image.write_bytes(bytes(damage(card, intact)))
    job = json.loads(d.ctl("--json", "ingest", "--image", image, "--wait").stdout)
    assert job["state"] in ("completed", "completedWithErrors"), job
    originals = {hashlib.sha256(data).hexdigest() for data in files.values()}
    items = d.request("GET", "/v1/items?limit=1000").json()["items"]
    differing = [i for i in items if hashlib.sha256(stored_bytes(d, i)).hexdigest() not in originals]
    assert differing, f"{damage.__name__}: the damage changed no stored file; the test proves nothing"
    for item in differing:
        assert item["metadataProblems"], f"{damage.__name__}: {item['source']['path']} differs from every file of the card and says nothing"
