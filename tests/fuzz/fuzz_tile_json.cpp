// libFuzzer target: arbitrary bytes as a TileJSON (tiles.json / metadata.json of an XYZ source, local or from a
// server) or PMTiles metadata, through terrain::parseSourceMetadata. Must never crash or hang; what parses must
// be usable as is: zooms in 0..kMaxTileZoom and ordered, bounds finite and ordered.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "terrain/tile_source_metadata.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    auto meta = fl::terrain::parseSourceMetadata(text, "fuzz/tiles.json");
    if (!meta) {
        if (meta.error().message.find("fuzz/tiles.json") == std::string::npos) std::abort();  // errors name the file
        return 0;
    }
    for (const auto& z : {meta->minZoom, meta->maxZoom})
        if (z && (*z < 0 || *z > fl::terrain::kMaxTileZoom)) std::abort();
    if (meta->bounds) {
        const auto& b = *meta->bounds;
        if (!std::isfinite(b.west) || !std::isfinite(b.east) || !std::isfinite(b.south) || !std::isfinite(b.north))
            std::abort();
    }
    return 0;
}
