// Web Mercator tile maths against the OSM slippy-map formulas, and PMTiles Hilbert ids against a curve built
// here independently (recursive quadrant construction) and the values published with the reference readers.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <numbers>
#include <unordered_set>
#include <utility>
#include <vector>

#include "terrain/tile_id.h"

using fl::terrain::TileBounds;
using fl::terrain::TileId;

namespace {

constexpr double kPi = std::numbers::pi;

// OSM wiki formula, written in its textbook form (log(tan + sec)) rather than the engine's asinh(tan).
std::pair<uint32_t, uint32_t> slippyTile(double lat, double lon, int z) {
    const double n = std::pow(2.0, z);
    const double r = lat * kPi / 180.0;
    const double x = std::floor((lon + 180.0) / 360.0 * n);
    const double y = std::floor((1.0 - std::log(std::tan(r) + 1.0 / std::cos(r)) / kPi) / 2.0 * n);
    return {uint32_t(x), uint32_t(y)};
}

double slippyLat(double y, int z) {
    const double n = std::pow(2.0, z);
    return std::atan(std::sinh(kPi * (1.0 - 2.0 * y / n))) * 180.0 / kPi;
}

// The order-z Hilbert curve as a list of cells, built by the textbook recursion: the order-1 "U" visits
// (0,0) (0,1) (1,1) (1,0); order n places four order n-1 curves in the quadrants in that same order, the
// first transposed and the last anti-transposed so the pieces join end to start.
std::vector<std::pair<uint32_t, uint32_t>> hilbertCurve(int z) {
    std::vector<std::pair<uint32_t, uint32_t>> curve = {{0, 0}};
    for (int order = 1; order <= z; ++order) {
        const uint32_t m = 1u << (order - 1);
        std::vector<std::pair<uint32_t, uint32_t>> next;
        next.reserve(curve.size() * 4);
        for (auto [x, y] : curve) next.push_back({y, x});
        for (auto [x, y] : curve) next.push_back({x, y + m});
        for (auto [x, y] : curve) next.push_back({x + m, y + m});
        for (auto [x, y] : curve) next.push_back({m - 1 - y + m, m - 1 - x});
        curve = std::move(next);
    }
    return curve;
}

}  // namespace

TEST(TileId, Zoom0CoversTheMercatorSquare) {
    const TileBounds b = fl::terrain::tileBounds({0, 0, 0});
    EXPECT_DOUBLE_EQ(b.west, -180.0);
    EXPECT_DOUBLE_EQ(b.east, 180.0);
    EXPECT_NEAR(b.north, fl::terrain::kMaxMercatorLat, 1e-12);
    EXPECT_NEAR(b.south, -fl::terrain::kMaxMercatorLat, 1e-12);
    EXPECT_EQ(fl::terrain::tileAt(31.0, 66.0, 0), (TileId{0, 0, 0}));
}

TEST(TileId, SpinBoldakAtZoom12MatchesSlippyFormula) {
    const double lat = 31.0058, lon = 66.4000;
    const TileId t = fl::terrain::tileAt(lat, lon, 12);
    EXPECT_EQ(t, (TileId{12, 2803, 1676}));  // values from the OSM wiki formula, computed independently
    const auto [sx, sy] = slippyTile(lat, lon, 12);
    EXPECT_EQ(t.x, sx);
    EXPECT_EQ(t.y, sy);
    const TileBounds b = fl::terrain::tileBounds(t);
    EXPECT_NEAR(b.west, 66.357421875, 1e-12);
    EXPECT_NEAR(b.east, 66.4453125, 1e-12);
    EXPECT_NEAR(b.north, slippyLat(1676, 12), 1e-12);
    EXPECT_NEAR(b.south, slippyLat(1677, 12), 1e-12);
    EXPECT_TRUE(b.south <= lat && lat <= b.north && b.west <= lon && lon <= b.east);
}

TEST(TileId, TileAtMatchesSlippyFormulaAndBoundsContainPoint) {
    uint64_t state = 12345;
    auto uniform = [&](double lo, double hi) {
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        return lo + (hi - lo) * double(state >> 11) / double(1ull << 53);
    };
    for (int i = 0; i < 2000; ++i) {
        const double lat = uniform(-85.0, 85.0), lon = uniform(-179.999, 179.999);
        const int z = i % 20;
        const TileId t = fl::terrain::tileAt(lat, lon, z);
        ASSERT_TRUE(fl::terrain::isValid(t));
        const auto [sx, sy] = slippyTile(lat, lon, z);
        EXPECT_EQ(t.x, sx) << lat << "," << lon << " z" << z;
        EXPECT_EQ(t.y, sy) << lat << "," << lon << " z" << z;
        const TileBounds b = fl::terrain::tileBounds(t);
        EXPECT_TRUE(b.south <= lat && lat <= b.north && b.west <= lon && lon <= b.east);
    }
}

TEST(TileId, TileAtClampsEdgesAndNaN) {
    EXPECT_EQ(fl::terrain::tileAt(0, 180.0, 3), (TileId{3, 7, 4}));
    EXPECT_EQ(fl::terrain::tileAt(0, -180.0, 3), (TileId{3, 0, 4}));
    EXPECT_EQ(fl::terrain::tileAt(90.0, 0, 3), (TileId{3, 4, 0}));
    EXPECT_EQ(fl::terrain::tileAt(-90.0, 0, 3), (TileId{3, 4, 7}));
    EXPECT_EQ(fl::terrain::tileAt(std::nan(""), std::nan(""), 2), (TileId{2, 2, 2}));
    EXPECT_TRUE(fl::terrain::isValid(fl::terrain::tileAt(-85.0511287798066, 179.9999999, 31)));
}

TEST(TileId, PixelCentresAreCentresOfTheTilesEightZoomsDown) {
    const TileId t{5, 22, 13};
    for (auto [i, j] : {std::pair{0, 0}, {255, 255}, {17, 200}, {128, 3}}) {
        const auto c = fl::terrain::pixelCenter(t, i, j);
        // A 256-pixel tile's pixel (i, j) is exactly tile (x*256+i, y*256+j) at z+8; its centre is the middle in
        // Mercator space: mid longitude, and between the edges in latitude.
        const TileId sub{13, t.x * 256 + uint32_t(i), t.y * 256 + uint32_t(j)};
        const TileBounds b = fl::terrain::tileBounds(sub);
        EXPECT_NEAR(c.lon, (b.west + b.east) / 2, 1e-12);
        EXPECT_NEAR(c.lat, slippyLat(sub.y + 0.5, 13), 1e-10);
        EXPECT_EQ(fl::terrain::tileAt(c.lat, c.lon, 13), sub);
    }
    // Symmetric about the equator on the z0 tile.
    EXPECT_NEAR(fl::terrain::pixelCenter({0, 0, 0}, 127, 127).lat, -fl::terrain::pixelCenter({0, 0, 0}, 128, 128).lat,
                1e-12);
    // 512-pixel tiles: pixel (2i+1, 2j+1) of a 512 tile is the south-east quarter of 256-pixel pixel (i, j).
    const auto c512 = fl::terrain::pixelCenter(t, 0, 0, 512);
    const auto c256 = fl::terrain::pixelCenter(t, 0, 0, 256);
    EXPECT_LT(c512.lon, c256.lon);
    EXPECT_GT(c512.lat, c256.lat);
}

TEST(TileId, ParentAndChildren) {
    const TileId t{7, 93, 54};
    const auto kids = fl::terrain::children(t);
    EXPECT_EQ(kids[0], (TileId{8, 186, 108}));
    EXPECT_EQ(kids[1], (TileId{8, 187, 108}));
    EXPECT_EQ(kids[2], (TileId{8, 186, 109}));
    EXPECT_EQ(kids[3], (TileId{8, 187, 109}));
    const TileBounds pb = fl::terrain::tileBounds(t);
    for (const TileId& k : kids) {
        EXPECT_EQ(fl::terrain::parent(k), t);
        const TileBounds kb = fl::terrain::tileBounds(k);
        EXPECT_TRUE(kb.west >= pb.west && kb.east <= pb.east && kb.south >= pb.south - 1e-12 &&
                    kb.north <= pb.north + 1e-12);
    }
    EXPECT_EQ(fl::terrain::tileBounds(kids[0]).north, pb.north);
    EXPECT_EQ(fl::terrain::toString(t), "7/93/54");
}

TEST(TileId, EqualityAndHashDistinguishTiles) {
    std::unordered_set<TileId> set;
    for (int z = 0; z <= 5; ++z)
        for (uint32_t x = 0; x < (1u << z); ++x)
            for (uint32_t y = 0; y < (1u << z); ++y) set.insert({uint8_t(z), x, y});
    EXPECT_EQ(set.size(), 1365u);  // (4^6 - 1) / 3
    EXPECT_TRUE(set.count({3, 1, 2}));
    EXPECT_FALSE(set.count({6, 1, 2}));
    EXPECT_NE((TileId{1, 0, 0}), (TileId{2, 0, 0}));
}

TEST(TileId, ValidityChecksRanges) {
    EXPECT_TRUE(fl::terrain::isValid({0, 0, 0}));
    EXPECT_FALSE(fl::terrain::isValid({0, 1, 0}));
    EXPECT_FALSE(fl::terrain::isValid({3, 0, 8}));
    EXPECT_TRUE(fl::terrain::isValid({31, 0x7fffffff, 0}));
    EXPECT_FALSE(fl::terrain::isValid({32, 0, 0}));
}

TEST(PmtilesTileId, SpecExamples) {
    using fl::terrain::pmtilesTileId;
    EXPECT_EQ(pmtilesTileId({0, 0, 0}), 0u);
    EXPECT_EQ(pmtilesTileId({1, 0, 0}), 1u);
    EXPECT_EQ(pmtilesTileId({1, 0, 1}), 2u);
    EXPECT_EQ(pmtilesTileId({1, 1, 1}), 3u);
    EXPECT_EQ(pmtilesTileId({1, 1, 0}), 4u);
    EXPECT_EQ(pmtilesTileId({2, 0, 0}), 5u);
    EXPECT_EQ(pmtilesTileId({2, 1, 3}), 11u);
    EXPECT_EQ(pmtilesTileId({3, 3, 0}), 26u);
    // Published with the reference implementations' tests.
    EXPECT_EQ(pmtilesTileId({12, 3423, 1763}), 19078479u);
    EXPECT_EQ(pmtilesTileId({20, 1234, 5678}), 366563052717u);
    EXPECT_EQ(pmtilesTileId({25, 1234, 5678}), 375299988763469u);
    EXPECT_EQ(pmtilesTileId({26, 67108863, 0}), 6004799503160660u);
}

TEST(PmtilesTileId, MatchesBruteForceHilbertCurve) {
    uint64_t base = 0;
    for (int z = 0; z <= 7; ++z) {
        const auto curve = hilbertCurve(z);
        ASSERT_EQ(curve.size(), size_t(1) << (2 * z));
        for (size_t d = 0; d < curve.size(); ++d) {
            const TileId t{uint8_t(z), curve[d].first, curve[d].second};
            ASSERT_EQ(fl::terrain::pmtilesTileId(t), base + d) << fl::terrain::toString(t);
            const auto back = fl::terrain::pmtilesTileFromId(base + d);
            ASSERT_TRUE(back.has_value());
            ASSERT_EQ(*back, t);
        }
        base += curve.size();
    }
}

TEST(PmtilesTileId, RoundTripsAcrossZooms) {
    uint64_t state = 99;
    auto next = [&] {
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        return state >> 16;
    };
    for (int z = 0; z <= fl::terrain::kMaxTileZoom; ++z) {
        const uint64_t n = uint64_t(1) << z;
        for (int i = 0; i < 200; ++i) {
            const TileId t{uint8_t(z), uint32_t(next() % n), uint32_t(next() % n)};
            const uint64_t id = fl::terrain::pmtilesTileId(t);
            const auto back = fl::terrain::pmtilesTileFromId(id);
            ASSERT_TRUE(back.has_value());
            ASSERT_EQ(*back, t) << fl::terrain::toString(t) << " id " << id;
        }
        // Zoom boundaries: first and last id of each zoom.
        const uint64_t first = ((uint64_t(1) << (2 * z)) - 1) / 3;
        EXPECT_EQ(fl::terrain::pmtilesTileFromId(first)->z, z);
        if (z > 0) {
            EXPECT_EQ(fl::terrain::pmtilesTileFromId(first - 1)->z, z - 1);
        }
    }
    // The last z31 tile on the curve is the highest id; anything above needs zoom 32.
    EXPECT_EQ(fl::terrain::pmtilesTileId({31, 0x7fffffff, 0}), 0x5555555555555554ull);
    EXPECT_FALSE(fl::terrain::pmtilesTileFromId(0x5555555555555555ull).has_value());
    EXPECT_FALSE(fl::terrain::pmtilesTileFromId(~uint64_t(0)).has_value());
}
