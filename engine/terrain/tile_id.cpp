#include "terrain/tile_id.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <numbers>

namespace fl::terrain {

namespace {

constexpr double kDeg = 180.0 / std::numbers::pi;

// Tiles at all zooms below z: 1 + 4 + ... + 4^(z-1) = (4^z - 1) / 3. Fits 64 bits for z <= 32.
uint64_t tilesBelowZoom(int z) {
    assert(z >= 0 && z <= 32);
    if (z == 32) return 0x5555555555555555ull;  // (2^64 - 1) / 3; 4^32 itself does not fit
    return ((uint64_t(1) << (2 * z)) - 1) / 3;
}

double latOfMercatorRow(double rowFraction) {  // 0 at the north edge, 1 at the south edge
    return std::atan(std::sinh(std::numbers::pi * (1.0 - 2.0 * rowFraction))) * kDeg;
}

}  // namespace

bool isValid(TileId tile) {
    if (tile.z > kMaxTileZoom) return false;
    const uint64_t n = uint64_t(1) << tile.z;
    return tile.x < n && tile.y < n;
}

std::string toString(TileId tile) {
    return std::to_string(tile.z) + "/" + std::to_string(tile.x) + "/" + std::to_string(tile.y);
}

TileBounds tileBounds(TileId tile) {
    assert(isValid(tile));
    const double n = std::ldexp(1.0, tile.z);
    TileBounds b;
    b.west = tile.x / n * 360.0 - 180.0;
    b.east = (tile.x + 1.0) / n * 360.0 - 180.0;
    b.north = latOfMercatorRow(tile.y / n);
    b.south = latOfMercatorRow((tile.y + 1.0) / n);
    return b;
}

namespace {
// Pixel centres (at k + 0.5) in the global pixel interval [a, b].
double centresIn(double a, double b) {
    return std::max(0.0, std::floor(b - 0.5) - std::ceil(a - 0.5) + 1.0);
}
double mercatorRow(double lat) {  // 0 at the north edge of the square, 1 at the south
    const double phi = std::clamp(lat, -kMaxMercatorLat, kMaxMercatorLat) / kDeg;
    return (1.0 - std::asinh(std::tan(phi)) / std::numbers::pi) / 2.0;
}
}  // namespace

int coarsestSampledZoom(const TileBounds& b, int size) {
    for (int z = 0; z < kMaxTileZoom; ++z) {
        const double n = std::ldexp(double(size), z);
        const double x0 = (b.west + 180.0) / 360.0 * n, x1 = (b.east + 180.0) / 360.0 * n;
        const double y0 = mercatorRow(b.north) * n, y1 = mercatorRow(b.south) * n;
        if (centresIn(x0, x1) >= 2 && centresIn(y0, y1) >= 2) return z;
    }
    return kMaxTileZoom;
}

TileId tileAt(double lat, double lon, int z) {
    assert(z >= 0 && z <= kMaxTileZoom);
    z = std::clamp(z, 0, kMaxTileZoom);
    if (std::isnan(lat)) lat = 0;
    if (std::isnan(lon)) lon = 0;
    lat = std::clamp(lat, -kMaxMercatorLat, kMaxMercatorLat);
    lon = std::clamp(lon, -180.0, 180.0);
    const double n = std::ldexp(1.0, z);
    const double phi = lat / kDeg;
    const double fx = (lon + 180.0) / 360.0;
    const double fy = (1.0 - std::asinh(std::tan(phi)) / std::numbers::pi) / 2.0;
    // Clamp in double before converting: the edges (lon 180, lat -85.05) land exactly on n.
    const double maxIndex = n - 1.0;
    TileId t;
    t.z = uint8_t(z);
    t.x = uint32_t(std::clamp(std::floor(fx * n), 0.0, maxIndex));
    t.y = uint32_t(std::clamp(std::floor(fy * n), 0.0, maxIndex));
    return t;
}

LatLon pixelCenter(TileId tile, int i, int j, int size) {
    assert(isValid(tile) && size > 0);
    const double n = std::ldexp(1.0, tile.z);
    const double fx = (tile.x + (i + 0.5) / size) / n;
    const double fy = (tile.y + (j + 0.5) / size) / n;
    return {latOfMercatorRow(fy), fx * 360.0 - 180.0};
}

TileId parent(TileId tile) {
    assert(tile.z > 0);
    return {uint8_t(tile.z - 1), tile.x >> 1, tile.y >> 1};
}

std::array<TileId, 4> children(TileId tile) {
    assert(tile.z < kMaxTileZoom);
    const uint8_t z = uint8_t(tile.z + 1);
    const uint32_t x = tile.x * 2, y = tile.y * 2;
    return {TileId{z, x, y}, TileId{z, x + 1, y}, TileId{z, x, y + 1}, TileId{z, x + 1, y + 1}};
}

// Hilbert index by the classic quadrant walk: at each scale s, pick the quadrant (whose order along the curve
// is (3*rx) ^ ry), then rotate/reflect the remaining low bits into that quadrant's frame. Reflection uses
// ~v & (s-1) so nothing depends on the already-consumed high bits.
uint64_t pmtilesTileId(TileId tile) {
    assert(isValid(tile));
    uint64_t x = tile.x, y = tile.y, d = 0;
    for (uint64_t s = tile.z ? uint64_t(1) << (tile.z - 1) : 0; s > 0; s >>= 1) {
        const uint64_t rx = (x & s) ? 1 : 0;
        const uint64_t ry = (y & s) ? 1 : 0;
        d += s * s * ((3 * rx) ^ ry);
        if (ry == 0) {
            if (rx == 1) {
                x = ~x & (s - 1);
                y = ~y & (s - 1);
            }
            std::swap(x, y);
        }
        x &= s - 1;
        y &= s - 1;
    }
    return tilesBelowZoom(tile.z) + d;
}

std::optional<TileId> pmtilesTileFromId(uint64_t id) {
    int z = 0;
    while (z < 32 && id >= tilesBelowZoom(z + 1)) ++z;
    if (z > kMaxTileZoom) return std::nullopt;
    uint64_t t = id - tilesBelowZoom(z);
    uint64_t x = 0, y = 0;
    // Inverse walk, from the finest scale up: undo each quadrant's rotation on the bits placed so far.
    for (uint64_t s = 1; s < (uint64_t(1) << z); s <<= 1) {
        const uint64_t rx = 1 & (t >> 1);
        const uint64_t ry = 1 & (t ^ rx);
        if (ry == 0) {
            if (rx == 1) {
                x = s - 1 - x;
                y = s - 1 - y;
            }
            std::swap(x, y);
        }
        x += s * rx;
        y += s * ry;
        t >>= 2;
    }
    return TileId{uint8_t(z), uint32_t(x), uint32_t(y)};
}

}  // namespace fl::terrain
