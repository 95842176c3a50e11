// Shared by the GDAL-backed fuzz targets: keeps GDAL off the network and hands the input to a loader as
// a file in GDAL's in-memory filesystem (the loaders take paths, as users give them).
#pragma once

#include <cpl_conv.h>
#include <cpl_vsi.h>

#include <cstddef>
#include <cstdint>

// Inputs can be VRTs naming other files or URLs.
inline void keepGdalOffline() {
    CPLSetConfigOption("CPL_VSIL_CURL_ALLOWED_EXTENSIONS", ".fuzz-none");
    CPLSetConfigOption("GDAL_HTTP_TIMEOUT", "1");
}

template <typename Fn>
void withInMemoryFile(const char* path, const uint8_t* data, size_t size, Fn&& fn) {
    VSILFILE* f = VSIFileFromMemBuffer(path, const_cast<GByte*>(data), size, FALSE);
    if (!f) return;
    VSIFCloseL(f);
    fn(path);
    VSIUnlink(path);
}
