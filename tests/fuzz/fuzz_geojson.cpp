// libFuzzer target: arbitrary bytes as a GeoJSON file for loadLines() and loadPlaces().
#include <cpl_conv.h>
#include <cpl_vsi.h>

#include <cstddef>
#include <cstdint>

#include "story/geodata.h"

// Inputs can be VRTs naming other files or URLs: keep GDAL off the network while fuzzing.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
    CPLSetConfigOption("CPL_VSIL_CURL_ALLOWED_EXTENSIONS", ".fuzz-none");
    CPLSetConfigOption("GDAL_HTTP_TIMEOUT", "1");
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const char* path = "/vsimem/fuzz.geojson";
    VSILFILE* f = VSIFileFromMemBuffer(path, const_cast<GByte*>(data), size, FALSE);
    if (!f) return 0;
    VSIFCloseL(f);
    (void)fl::story::loadLines(path);
    (void)fl::story::loadPlaces(path);
    VSIUnlink(path);
    return 0;
}
