// libudev for Swift (CustodyUdev is its only user). Debian: libudev-dev.
#ifndef CUSTODY_CLIBUDEV_H
#define CUSTODY_CLIBUDEV_H

#include <libudev.h>

#endif
