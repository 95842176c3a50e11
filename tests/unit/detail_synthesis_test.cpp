// Mean-preserving detail synthesis: 2x2 means, determinism, seamless tiles, presence and size of the detail.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <vector>

#include "pyramid/detail_synthesis.h"
#include "terrain/tile_warp.h"

using namespace fl::terrain;
using namespace fl::pyramid;

namespace {

const std::string kDemAsset = FRONTLINE_ASSET_DIR "/dem/gmted2010_mean_90s_afpak_60-71E_27-36N.tif";

// A mountainous parent field in global pixel coordinates of its zoom: ridges of ~400 m at ~1.5 km.
double mountains(int64_t gx, int64_t gy) {
    const double x = double(gx), y = double(gy);
    return 1500 + 300 * std::sin(x * 0.05 + 0.3 * std::sin(y * 0.02)) * std::cos(y * 0.043) +
           80 * std::sin(x * 0.21 + y * 0.17);
}

std::vector<float> parentRegion(TileId child, const std::function<double(int64_t, int64_t)>& f) {
    const int a = detailApron();
    const int side = kTileSize / 2 + 2 * a;
    std::vector<float> region(size_t(side) * side);
    const int64_t x0 = int64_t(child.x) * 128 - a, y0 = int64_t(child.y) * 128 - a;
    for (int y = 0; y < side; ++y)
        for (int x = 0; x < side; ++x) region[size_t(y) * side + x] = float(f(x0 + x, y0 + y));
    return region;
}

// Parent pixel (px, py) of the tile's own footprint (0..127).
float parentAt(const std::vector<float>& region, int px, int py) {
    const int a = detailApron(), side = kTileSize / 2 + 2 * a;
    return region[size_t(py + a) * side + px + a];
}

}  // namespace

TEST(DetailSynthesis, BlockMeansEqualTheParent) {
    const TileId child{12, 2805, 1679};
    const auto parent = parentRegion(child, mountains);
    const int a = detailApron(), side = kTileSize / 2 + 2 * a;
    const std::vector<double> region =
        synthesizeChildren(11, int64_t(child.x) * 128 - a, int64_t(child.y) * 128 - a, side, side, parent);
    // Every block, apron included: the final per-block fix makes them all exact.
    double worst = 0;
    for (int y = 0; y < side; ++y)
        for (int x = 0; x < side; ++x) {
            const size_t W = 2 * side;
            const double mean = (region[2 * y * W + 2 * x] + region[2 * y * W + 2 * x + 1] +
                                 region[(2 * y + 1) * W + 2 * x] + region[(2 * y + 1) * W + 2 * x + 1]) /
                                4;
            worst = std::max(worst, std::abs(mean - parent[size_t(y) * side + x]));
        }
    EXPECT_LT(worst, 1e-9);

    // And in float, as the tile is handed out (before Terrarium quantization).
    const HeightTile tile = synthesizeChildTile(child, parent);
    for (int py = 0; py < 128; ++py)
        for (int px = 0; px < 128; ++px) {
            const auto at = [&](int x, int y) { return double(tile.heights[size_t(y) * 256 + x]); };
            const double mean =
                (at(2 * px, 2 * py) + at(2 * px + 1, 2 * py) + at(2 * px, 2 * py + 1) + at(2 * px + 1, 2 * py + 1)) / 4;
            ASSERT_NEAR(mean, parentAt(parent, px, py), 2e-4);  // float spacing at ~2000 m is 1.2e-4
        }
}

TEST(DetailSynthesis, DeterministicAndSeedDependent) {
    const TileId child{12, 2805, 1679};
    const auto parent = parentRegion(child, mountains);
    const HeightTile a = synthesizeChildTile(child, parent);
    const HeightTile b = synthesizeChildTile(child, parent);
    EXPECT_EQ(a.heights, b.heights);
    DetailSynthesisOptions other;
    other.seed = 7;
    const HeightTile c = synthesizeChildTile(child, parent, other);
    EXPECT_NE(a.heights, c.heights);
}

TEST(DetailSynthesis, AdjacentTilesAreSeamless) {
    const TileId left{12, 2805, 1679}, right{12, 2806, 1679};
    const HeightTile l = synthesizeChildTile(left, parentRegion(left, mountains));
    const HeightTile r = synthesizeChildTile(right, parentRegion(right, mountains));
    double edge = 0, interior = 0;
    for (int y = 0; y < 256; ++y) {
        edge += std::abs(l.heights[size_t(y) * 256 + 255] - r.heights[size_t(y) * 256]);
        interior += std::abs(l.heights[size_t(y) * 256 + 254] - l.heights[size_t(y) * 256 + 255]) +
                    std::abs(r.heights[size_t(y) * 256] - r.heights[size_t(y) * 256 + 1]);
    }
    interior /= 2;
    EXPECT_LT(edge, 1.5 * interior) << "edge " << edge / 256 << " m vs interior " << interior / 256 << " m";

    // Stronger: both tiles are exactly the crops of one region computed at once (the apron covers the
    // dependency cone), so there is no seam at all.
    const int a = detailApron();
    const int w = 256 + 2 * a, h = 128 + 2 * a;
    std::vector<float> wide(size_t(w) * h);
    const int64_t x0 = int64_t(left.x) * 128 - a, y0 = int64_t(left.y) * 128 - a;
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) wide[size_t(y) * w + x] = float(mountains(x0 + x, y0 + y));
    const std::vector<double> both = synthesizeChildren(11, x0, y0, w, h, wide);
    for (int y = 0; y < 256; ++y)
        for (int x = 0; x < 512; ++x) {
            const float expected = float(both[size_t(2 * a + y) * (2 * w) + 2 * a + x]);
            const float got = x < 256 ? l.heights[size_t(y) * 256 + x] : r.heights[size_t(y) * 256 + x - 256];
            ASSERT_EQ(got, expected) << x << "," << y;
        }
}

TEST(DetailSynthesis, AddsDetailOnlyWhereThereIsRelief) {
    const TileId child{12, 2805, 1679};
    const auto rough = parentRegion(child, mountains);
    const auto plane = parentRegion(child, [](int64_t gx, int64_t gy) { return 900 + 0.5 * gx - 0.25 * gy; });
    const HeightTile r = synthesizeChildTile(child, rough);
    const HeightTile p = synthesizeChildTile(child, plane);
    // High-frequency energy: the child minus the mean of its 3x3 neighbourhood.
    const auto hf = [](const HeightTile& t) {
        double sum = 0;
        for (int y = 1; y < 255; ++y)
            for (int x = 1; x < 255; ++x) {
                double mean = 0;
                for (int dy = -1; dy <= 1; ++dy)
                    for (int dx = -1; dx <= 1; ++dx) mean += t.heights[size_t(y + dy) * 256 + x + dx];
                const double d = t.heights[size_t(y) * 256 + x] - mean / 9;
                sum += d * d;
            }
        return std::sqrt(sum / (254.0 * 254.0));
    };
    EXPECT_GT(hf(r), 0.3);   // metres
    EXPECT_LT(hf(p), 0.01);  // a uniform slope gets none (second differences are zero)
}

TEST(DetailSynthesis, AmplitudeIsSaneOnRealMountains) {
    // The Khojak ridge south-east of Chaman: z11 parent warped from the 90" asset, then one synthesized z12 tile.
    auto warper = TileWarper::open({kDemAsset});
    ASSERT_TRUE(warper) << warper.error().message;
    const TileId child = tileAt(30.85, 66.7, 12);
    const TileId p = parent(child);
    std::vector<float> level(size_t(768) * 768);
    for (int ty = -1; ty <= 1; ++ty)
        for (int tx = -1; tx <= 1; ++tx) {
            auto t = (*warper)->warpTile({11, p.x + tx, p.y + ty});
            ASSERT_TRUE(t) << t.error().message;
            for (int y = 0; y < 256; ++y)
                for (int x = 0; x < 256; ++x)
                    level[size_t((ty + 1) * 256 + y) * 768 + (tx + 1) * 256 + x] = t->heights[size_t(y) * 256 + x];
        }
    const int64_t lx0 = int64_t(p.x - 1) * 256, ly0 = int64_t(p.y - 1) * 256;
    const auto region =
        parentRegion(child, [&](int64_t gx, int64_t gy) { return level[size_t(gy - ly0) * 768 + (gx - lx0)]; });
    const HeightTile tile = synthesizeChildTile(child, region);
    double worst = 0;
    for (int y = 0; y < 256; ++y)
        for (int x = 0; x < 256; ++x) {
            // Bilinear of the parent at the child's centre (pixel-is-area).
            const double px = (x + 0.5) / 2 - 0.5, py = (y + 0.5) / 2 - 0.5;
            const int x0 = int(std::floor(px)), y0 = int(std::floor(py));
            const double tx = px - x0, ty = py - y0;
            const auto at = [&](int i, int j) { return double(parentAt(region, i, j)); };
            const double b = (1 - ty) * ((1 - tx) * at(x0, y0) + tx * at(x0 + 1, y0)) +
                             ty * ((1 - tx) * at(x0, y0 + 1) + tx * at(x0 + 1, y0 + 1));
            worst = std::max(worst, std::abs(tile.heights[size_t(y) * 256 + x] - b));
        }
    EXPECT_LT(worst, 60.0);
    EXPECT_GT(worst, 0.5);
}

TEST(DetailSynthesis, NodataParentsStayNodata) {
    const TileId child{12, 2805, 1679};
    auto parent = parentRegion(child, mountains);
    const int a = detailApron(), side = kTileSize / 2 + 2 * a;
    for (int y = a + 40; y < a + 60; ++y)
        for (int x = a + 40; x < a + 60; ++x) parent[size_t(y) * side + x] = NAN;
    const HeightTile tile = synthesizeChildTile(child, parent);
    for (int y = 0; y < 256; ++y)
        for (int x = 0; x < 256; ++x) {
            const bool hole = x / 2 >= 40 && x / 2 < 60 && y / 2 >= 40 && y / 2 < 60;
            ASSERT_EQ(std::isnan(tile.heights[size_t(y) * 256 + x]), hole) << x << "," << y;
        }
}
