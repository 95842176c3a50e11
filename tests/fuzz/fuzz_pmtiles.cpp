// libFuzzer target: arbitrary bytes as a PMTiles archive held in memory; open, read the metadata and look up a
// few tiles (the z0 root, tiles along the seed archives' ids, a deep tile), then open the same bytes as a tile
// source (header checks, metadata JSON) and fetch tiles chosen from the input within the header's zooms.
// Must never crash, hang or leak; any Result is fine.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "terrain/pmtiles.h"
#include "terrain/tile_source.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace fl::terrain;
    const std::vector<uint8_t> bytes(data, data + size);
    PmtilesReaderOptions options;
    // Small caps keep each input cheap; the logic under test is the same.
    options.maxDirectoryBytes = 1 << 20;
    options.maxMetadataBytes = 1 << 20;
    options.maxTileBytes = 1 << 20;
    options.leafCacheSize = 2;  // small, so eviction runs too
    auto reader = PmtilesReader::open(std::make_unique<MemoryByteSource>(bytes, "fuzz.pmtiles"), options);
    if (!reader) return 0;
    (void)reader->metadataJson();
    for (uint64_t id : {0ull, 1ull, 4ull, 7ull, 20ull, 21ull, 60ull, 84ull, 19078479ull}) {
        if (auto tile = pmtilesTileFromId(id)) (void)reader->getTile(*tile);
    }

    // The source path: an encoding is given so archives without one still get as far as fetching.
    TileSourceOptions sourceOptions;
    sourceOptions.encoding = HeightEncoding::Terrarium;
    auto source = openPmtilesSource(std::make_unique<MemoryByteSource>(bytes, "fuzz.pmtiles"), sourceOptions);
    if (!source) return 0;
    const TileSourceInfo& info = (*source)->info();
    CancelFlag cancel;
    // Tile ids from the input's last 16 bytes (it is >= 127 bytes, or the header would not have parsed), so the
    // fuzzer can steer lookups into the directories it builds.
    for (size_t i = 0; i < 4; ++i) {
        const uint8_t* p = data + size - 16 + 4 * i;
        const uint32_t seed = uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
        const int zooms = info.maxZoom - info.minZoom + 1;
        const uint8_t z = uint8_t(info.minZoom + int(seed % uint32_t(zooms)));
        const uint32_t mask = uint32_t((uint64_t(1) << z) - 1);
        (void)(*source)->fetch({z, (seed >> 5) & mask, (seed * 2654435761u) >> 3 & mask}, cancel);
    }
    (void)(*source)->fetch({uint8_t(info.minZoom), 0, 0}, cancel);
    return 0;
}
