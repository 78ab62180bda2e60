#define _GNU_SOURCE 1
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>
#if __has_include(<linux/openat2.h>)
#include <linux/openat2.h>
#endif

#include "CLinuxSystem.h"

int custody_syncfs(int fd) { return syncfs(fd); }
int custody_mkostemp(char *template_path, int flags) { return mkostemp(template_path, flags); }
int custody_o_noatime(void) { return O_NOATIME; }
int custody_so_peercred(void) { return SO_PEERCRED; }
int custody_start_writeback(int fd, long long offset, long long count) {
    return sync_file_range(fd, offset, count, SYNC_FILE_RANGE_WRITE);
}

int custody_openat2_no_links(int dirfd, const char *path, int flags, int beneath) {
#if defined(SYS_openat2) && defined(RESOLVE_NO_SYMLINKS)
    struct open_how how;
    memset(&how, 0, sizeof how);
    how.flags = (unsigned long long)(flags | O_CLOEXEC);
    how.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS | (beneath ? RESOLVE_BENEATH : 0);
    return (int)syscall(SYS_openat2, dirfd, path, &how, sizeof how);
#else
    (void)dirfd; (void)path; (void)flags; (void)beneath;
    errno = ENOSYS;
    return -1;
#endif
}

int custody_o_path(void) { return O_PATH; }
int custody_o_direct(void) { return O_DIRECT; }

int custody_drop_cached_pages(int fd) {
    int code = posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
    if (code != 0) { errno = code; return -1; }
    return 0;
}

int custody_drop_cached_range(int fd, long long offset, long long count) {
    int code = posix_fadvise(fd, offset, count, POSIX_FADV_DONTNEED);
    if (code != 0) { errno = code; return -1; }
    return 0;
}

int custody_write_out_and_wait(int fd, long long offset, long long count) {
    return sync_file_range(fd, offset, count,
                           SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER);
}

long custody_resident_pages(int fd, long long length) {
    if (length <= 0) return 0;
    long page = sysconf(_SC_PAGESIZE);
    size_t pages = (size_t)((length + page - 1) / page);
    void *map = mmap(NULL, (size_t)length, PROT_READ, MAP_SHARED, fd, 0);
    if (map == MAP_FAILED) return -1;
    unsigned char *vector = malloc(pages);
    if (vector == NULL) { munmap(map, (size_t)length); errno = ENOMEM; return -1; }
    long resident = -1;
    if (mincore(map, (size_t)length, vector) == 0) {
        resident = 0;
        for (size_t i = 0; i < pages; i++) resident += vector[i] & 1;
    }
    int saved = errno;
    free(vector);
    munmap(map, (size_t)length);
    errno = saved;
    return resident;
}
