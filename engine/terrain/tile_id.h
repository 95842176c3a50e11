// terrain/tile_id.h — addressing of Web Mercator XYZ tiles.
// Owns: TileId (z/x/y, y down from the north as in OSM and Terrarium), the spherical Web Mercator maths
// (tile bounds, the tile at a point, pixel-centre positions, parent/children) and PMTiles v3 Hilbert ids.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace fl::terrain {

struct TileId {
    uint8_t z = 0;
    uint32_t x = 0, y = 0;

    friend bool operator==(const TileId&, const TileId&) = default;
};

// 31 is the deepest zoom whose every tile has a PMTiles id (the cumulative count overflows 64 bits at 32);
// at z31 a tile is ~2 cm wide, far below any elevation source.
inline constexpr int kMaxTileZoom = 31;
inline constexpr int kTileSize = 256;  // pixels per side of a standard raster tile
// Latitude where the Web Mercator square ends: atan(sinh(pi)).
inline constexpr double kMaxMercatorLat = 85.051128779806592;

// z <= kMaxTileZoom and x, y < 2^z. Ids from files or arguments must be checked with this first.
bool isValid(TileId tile);
std::string toString(TileId tile);  // "z/x/y"

struct TileBounds {
    double west = 0, south = 0, east = 0, north = 0;  // degrees (WGS84 treated as a sphere, EPSG:3857)
};

struct LatLon {
    double lat = 0, lon = 0;  // degrees
};

TileBounds tileBounds(TileId tile);
// The tile holding the point at zoom z (0..kMaxTileZoom). Latitudes beyond the Mercator square clamp to the
// first/last row and longitude 180 belongs to the last column, so every finite input has a tile; NaN is
// treated as 0.
TileId tileAt(double lat, double lon, int z);
// Position of the centre of pixel (i, j) of a tile `size` pixels across (i east, j south). Pixels are
// areas, as in Terrarium/Terrain-RGB: pixel (0, 0) covers the tile's north-west corner.
LatLon pixelCenter(TileId tile, int i, int j, int size = kTileSize);

// The coarsest zoom at which `bounds` holds at least two pixel centres (of tiles `size` pixels across) in
// each direction: below it a raster that small leaves no sample in any tile, so a source that covers only
// `bounds` has no tile there. Sources report it as their minimum zoom; kMaxTileZoom if the bounds are empty.
int coarsestSampledZoom(const TileBounds& bounds, int size = kTileSize);

TileId parent(TileId tile);  // tile.z > 0
// North-west, north-east, south-west, south-east; tile.z < kMaxTileZoom.
std::array<TileId, 4> children(TileId tile);

// PMTiles v3 tile id: the number of tiles at all lower zooms, (4^z - 1) / 3, plus the tile's position on
// the order-z Hilbert curve (starting at x = y = 0, first step towards +y). isValid(tile) required.
uint64_t pmtilesTileId(TileId tile);
// Inverse of pmtilesTileId. Ids from files are arbitrary 64-bit values: the ones past zoom
// kMaxTileZoom (>= (4^32 - 1) / 3) give nullopt.
std::optional<TileId> pmtilesTileFromId(uint64_t id);

}  // namespace fl::terrain

template <>
struct std::hash<fl::terrain::TileId> {
    size_t operator()(const fl::terrain::TileId& t) const noexcept {
        // x and y fit 32 bits; z is mixed in so that z1/0/0 and z2/0/0 differ.
        uint64_t k = (uint64_t(t.x) << 32 | t.y) ^ (uint64_t(t.z) * 0x9e3779b97f4a7c15ull);
        return std::hash<uint64_t>{}(k ^ (k >> 29));
    }
};
