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

#endif
