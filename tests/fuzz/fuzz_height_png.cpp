// libFuzzer target: arbitrary bytes as a height tile PNG, decoded with both encodings; a tile that decodes
// is re-encoded as Terrarium. Must never crash, hang or leak; any Result is fine.
#include <cstddef>
#include <cstdint>
#include <span>

#include "terrain/height_codec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace fl::terrain;
    const std::span<const uint8_t> bytes(data, size);
    for (HeightEncoding encoding : {HeightEncoding::Terrarium, HeightEncoding::MapboxTerrainRgb}) {
        auto tile = decodeHeightPng(bytes, encoding, "fuzz.png");
        if (tile) (void)encodeTerrariumPng(*tile);
    }
    return 0;
}
