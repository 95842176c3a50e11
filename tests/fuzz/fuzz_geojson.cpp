// libFuzzer target: arbitrary bytes as a GeoJSON file for loadLines() and loadPlaces().
#include "gdal_fuzz_input.h"
#include "scene/geodata.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    keepGdalOffline();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    withInMemoryFile("/vsimem/fuzz.geojson", data, size, [](const char* path) {
        (void)fl::scene::loadLines(path);
        (void)fl::scene::loadPlaces(path);
    });
    return 0;
}
