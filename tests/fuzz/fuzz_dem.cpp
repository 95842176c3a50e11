// libFuzzer target: arbitrary bytes as an elevation raster, through GDAL's in-memory filesystem and
// loadDem(). Must never crash, hang or leak; any Result is fine.
#include "gdal_fuzz_input.h"
#include "terrain/dem.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    keepGdalOffline();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    withInMemoryFile("/vsimem/fuzz.tif", data, size, [](const char* path) {
        fl::terrain::DemImportOptions options;
        options.maxSamplesPerSide = 256;  // keep each input cheap
        auto dem = fl::terrain::loadDem(path, options);
        if (dem) fl::terrain::fillNodata(*dem);
    });
    return 0;
}
