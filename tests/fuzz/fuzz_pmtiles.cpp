// libFuzzer target: arbitrary bytes as a PMTiles archive held in memory; open, read the metadata and look up a
// few tiles (the z0 root, tiles along the seed archives' ids, a deep tile). Must never crash, hang or leak;
// any Result is fine.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "terrain/pmtiles.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace fl::terrain;
    PmtilesReaderOptions options;
    // Small caps keep each input cheap; the logic under test is the same.
    options.maxDirectoryBytes = 1 << 20;
    options.maxMetadataBytes = 1 << 20;
    options.maxTileBytes = 1 << 20;
    options.leafCacheSize = 2;  // small, so eviction runs too
    auto reader = PmtilesReader::open(
        std::make_unique<MemoryByteSource>(std::vector<uint8_t>(data, data + size), "fuzz.pmtiles"), options);
    if (!reader) return 0;
    (void)reader->metadataJson();
    for (uint64_t id : {0ull, 1ull, 4ull, 7ull, 20ull, 21ull, 60ull, 84ull, 19078479ull}) {
        if (auto tile = pmtilesTileFromId(id)) (void)reader->getTile(*tile);
    }
    return 0;
}
