// libusb-1.0 for Swift (CustodyUSB is its only user). Debian: libusb-1.0-0-dev;
// pkg-config libusb-1.0 adds -I/usr/include/libusb-1.0, the include below works either way.
#ifndef CUSTODY_CLIBUSB_H
#define CUSTODY_CLIBUSB_H

#include <libusb-1.0/libusb.h>

#endif
