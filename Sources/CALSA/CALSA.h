// alsa-lib for Swift (CustodyAudio is its only user). Debian: libasound2-dev.
#ifndef CUSTODY_CALSA_H
#define CUSTODY_CALSA_H

#include <alsa/asoundlib.h>

#endif
