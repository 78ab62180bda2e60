// Linux-specific system calls that Swift's Glibc module does not expose (they need
// _GNU_SOURCE, which only CLinuxSystem.c defines, so no system header is shared
// with Swift in two configurations). Each returns what the C function returns and
// leaves errno as the call set it.
#ifndef CUSTODY_CLINUXSYSTEM_H
#define CUSTODY_CLINUXSYSTEM_H

/// syncfs(2): flush every dirty page and inode of the file system holding fd.
int custody_syncfs(int fd);

/// mkostemp(3): create a unique temporary file with extra open flags.
int custody_mkostemp(char *template_path, int flags);

/// The O_NOATIME open flag: reads do not update the access time.
int custody_o_noatime(void);

/// The SO_PEERCRED socket option: the peer's struct ucred (pid, uid, gid).
int custody_so_peercred(void);

/// sync_file_range(2) with SYNC_FILE_RANGE_WRITE: start writing back a range now,
/// without waiting, so that a later fdatasync has little left to do.
int custody_start_writeback(int fd, long long offset, long long count);

/// openat2(2) with RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS, and RESOLVE_BENEATH
/// when `beneath` is non-zero: no symbolic link (nor /proc magic link) is followed in
/// any component, and with `beneath` the path cannot leave `dirfd` (absolute paths and
/// ".." above it fail with EXDEV). -1 with errno ENOSYS where the kernel or the
/// headers lack openat2. O_CLOEXEC is always added.
int custody_openat2_no_links(int dirfd, const char *path, int flags, int beneath);

/// The O_DIRECT open flag: reads go to the device, around the page cache.
int custody_o_direct(void);

/// The O_PATH open flag: a descriptor that only locates a file (search permission).
int custody_o_path(void);

/// posix_fadvise(POSIX_FADV_DONTNEED) over a whole file: drops its clean cached pages.
int custody_drop_cached_pages(int fd);

/// posix_fadvise(POSIX_FADV_DONTNEED) over a range: drops its clean cached pages.
int custody_drop_cached_range(int fd, long long offset, long long count);

/// sync_file_range(2) with WAIT_BEFORE | WRITE | WAIT_AFTER: writes a range's dirty
/// pages to the device and waits until they are written (the pages are then clean).
int custody_write_out_and_wait(int fd, long long offset, long long count);

/// mincore(2) over a shared read-only mapping of the first `length` bytes of fd: how
/// many of its pages are in the page cache now (-1 on error, errno set).
long custody_resident_pages(int fd, long long length);

#endif
