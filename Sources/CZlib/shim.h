// zlib from the system (Debian: zlib1g-dev), for reading gzipped event logs.
#include <zlib.h>
