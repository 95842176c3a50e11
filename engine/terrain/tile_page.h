// terrain/tile_page.h — a tile as the GPU samples it.
// Owns: the page layout (the tile's 256x256 heights plus a one-sample border copied from its eight
// same-zoom neighbours, so heights and normals agree exactly across tile edges) and assembling it.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "terrain/height_codec.h"
#include "terrain/tile_id.h"

namespace fl::terrain {

inline constexpr int kPageBorder = 1;
inline constexpr int kPageSize = kTileSize + 2 * kPageBorder;  // 258 samples per side
inline constexpr uint64_t kPageBytes = uint64_t(kPageSize) * kPageSize * sizeof(float);

// Neighbour order: N, S, W, E, NW, NE, SW, SE. Bit i of a mask is neighbour i.
enum Neighbour : int { kNorth, kSouth, kWest, kEast, kNorthWest, kNorthEast, kSouthWest, kSouthEast };
inline constexpr uint8_t kAllNeighbours = 0xff;

// The same-zoom neighbour in direction `n`; x wraps around the antimeridian, nullopt past the poles.
std::optional<TileId> neighbour(TileId tile, int n);

struct TilePage {
    TileId tile;                 // the tile whose heights these are (set by the streamer)
    std::vector<float> heights;  // kPageSize^2, row-major, row 0 = north; never NaN
    // Neighbours whose real samples fill the border; the rest are extended from the tile's own edge.
    uint8_t filled = 0;
};

// `neighbours[n]` may be null (not loaded, absent): that border repeats the tile's edge sample. NaN
// (nodata) samples become the mean of the tile's valid samples (0 if none): the GPU must never see NaN,
// and sources fill nodata from coarser data before this point wherever they can.
TilePage assemblePage(const HeightTile& tile, const std::array<const HeightTile*, 8>& neighbours);

}  // namespace fl::terrain
