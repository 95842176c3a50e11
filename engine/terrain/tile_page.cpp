#include "terrain/tile_page.h"

#include <cassert>
#include <cmath>

namespace fl::terrain {

std::optional<TileId> neighbour(TileId t, int n) {
    static constexpr int kDx[8] = {0, 0, -1, 1, -1, 1, -1, 1};
    static constexpr int kDy[8] = {-1, 1, 0, 0, -1, -1, 1, 1};
    const int64_t size = int64_t(1) << t.z;
    const int64_t y = int64_t(t.y) + kDy[n];
    if (y < 0 || y >= size) return std::nullopt;
    const int64_t x = ((int64_t(t.x) + kDx[n]) % size + size) % size;
    return TileId{t.z, uint32_t(x), uint32_t(y)};
}

namespace {
float validMean(const HeightTile& t) {
    double sum = 0;
    size_t n = 0;
    for (float h : t.heights)
        if (!std::isnan(h)) sum += h, ++n;
    return n ? float(sum / double(n)) : 0.0f;
}
}  // namespace

TilePage assemblePage(const HeightTile& tile, const std::array<const HeightTile*, 8>& nb) {
    assert(tile.width == kTileSize && tile.height == kTileSize && tile.heights.size() == size_t(kTileSize) * kTileSize);
    const int s = kTileSize;
    TilePage page;
    page.heights.assign(size_t(kPageSize) * kPageSize, 0.0f);
    const float fill = validMean(tile);
    auto clean = [fill](float h) { return std::isnan(h) ? fill : h; };
    auto at = [&](int i, int j) -> float& {
        return page.heights[size_t(j + kPageBorder) * kPageSize + (i + kPageBorder)];
    };
    for (int j = 0; j < s; ++j)
        for (int i = 0; i < s; ++i) at(i, j) = clean(tile.heights[size_t(j) * s + i]);

    auto usable = [&](int n) {
        const HeightTile* t = nb[n];
        return t && t->width == s && t->height == s && t->heights.size() == size_t(s) * s;
    };
    auto sample = [&](int n, int i, int j) { return clean(nb[n]->heights[size_t(j) * s + i]); };
    for (int k = 0; k < s; ++k) {
        at(k, -1) = usable(kNorth) ? sample(kNorth, k, s - 1) : at(k, 0);
        at(k, s) = usable(kSouth) ? sample(kSouth, k, 0) : at(k, s - 1);
        at(-1, k) = usable(kWest) ? sample(kWest, s - 1, k) : at(0, k);
        at(s, k) = usable(kEast) ? sample(kEast, 0, k) : at(s - 1, k);
    }
    // Corners: the diagonal neighbour's corner sample, else the average of the two adjacent border samples.
    at(-1, -1) = usable(kNorthWest) ? sample(kNorthWest, s - 1, s - 1) : 0.5f * (at(0, -1) + at(-1, 0));
    at(s, -1) = usable(kNorthEast) ? sample(kNorthEast, 0, s - 1) : 0.5f * (at(s - 1, -1) + at(s, 0));
    at(-1, s) = usable(kSouthWest) ? sample(kSouthWest, s - 1, 0) : 0.5f * (at(0, s) + at(-1, s - 1));
    at(s, s) = usable(kSouthEast) ? sample(kSouthEast, 0, 0) : 0.5f * (at(s - 1, s) + at(s, s - 1));
    for (int n = 0; n < 8; ++n)
        if (usable(n)) page.filled |= uint8_t(1u << n);
    return page;
}

}  // namespace fl::terrain
