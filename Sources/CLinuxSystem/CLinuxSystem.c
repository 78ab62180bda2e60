#define _GNU_SOURCE 1
#include <fcntl.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "CLinuxSystem.h"

int custody_syncfs(int fd) { return syncfs(fd); }
int custody_mkostemp(char *template_path, int flags) { return mkostemp(template_path, flags); }
int custody_o_noatime(void) { return O_NOATIME; }
int custody_so_peercred(void) { return SO_PEERCRED; }
int custody_start_writeback(int fd, long long offset, long long count) {
    return sync_file_range(fd, offset, count, SYNC_FILE_RANGE_WRITE);
}
