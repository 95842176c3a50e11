// libFuzzer target: arbitrary bytes as an elevation raster, through GDAL's in-memory filesystem and
// loadDem(). Must never crash, hang or leak; any Result is fine.
#include <cpl_conv.h>
#include <cpl_vsi.h>

#include <cstddef>
#include <cstdint>

#include "terrain/dem.h"

// Inputs can be VRTs naming other files or URLs: keep GDAL off the network while fuzzing.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
    CPLSetConfigOption("CPL_VSIL_CURL_ALLOWED_EXTENSIONS", ".fuzz-none");
    CPLSetConfigOption("GDAL_HTTP_TIMEOUT", "1");
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const char* path = "/vsimem/fuzz.tif";
    VSILFILE* f = VSIFileFromMemBuffer(path, const_cast<GByte*>(data), size, FALSE);
    if (!f) return 0;
    VSIFCloseL(f);
    fl::terrain::DemImportOptions options;
    options.maxSamplesPerSide = 256;  // keep each input cheap
    auto dem = fl::terrain::loadDem(path, options);
    if (dem) fl::terrain::fillNodata(*dem);
    VSIUnlink(path);
    return 0;
}
