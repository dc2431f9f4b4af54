#ifndef CZLIB_SHIM_H
#define CZLIB_SHIM_H
// deflateInit2 is a macro; Swift needs a function. No logic here.
#include <zlib.h>

/// A gzip (not raw zlib) stream at the given level.
int czlib_deflate_init_gzip(z_stream *stream, int level);
/// An inflater that reads gzip (for tests and round trips).
int czlib_inflate_init_gzip(z_stream *stream);

#endif
