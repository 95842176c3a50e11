// The terrain LOD's error model against the data: a level-L patch is a 32x32-cell grid whose vertices sit on
// sample corners of zoom L-2 (2x2 samples per cell). TerrainLodOptions::errorPerCell says how far such a grid
// strays from the samples, as a fraction of the cell's ground size; the selection's 1 px promise holds only
// where the data is no rougher than that. This measures it on the Kandahar pyramid, zoom by zoom.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/paths.h"
#include "render/terrain_renderer.h"
#include "terrain/height_codec.h"
#include "terrain/tile_selection.h"
#include "terrain/tile_source.h"

namespace fl {
namespace {

// Largest |sample - grid surface| over the tile's sample centres, for a grid with a vertex every
// `step` samples (at sample corners: the mean of the four samples around the corner), split along the
// cells' NW-SE diagonal as the renderer does.
double gridError(const terrain::HeightTile& t, int step) {
    auto h = [&](int x, int y) {
        x = std::clamp(x, 0, t.width - 1);
        y = std::clamp(y, 0, t.height - 1);
        return double(t.heights[size_t(y) * t.width + x]);
    };
    auto corner = [&](int cx, int cy) {
        return 0.25 * (h(cx - 1, cy - 1) + h(cx, cy - 1) + h(cx - 1, cy) + h(cx, cy));
    };
    double worst = 0;
    for (int cy = 0; cy + step <= t.height; cy += step)
        for (int cx = 0; cx + step <= t.width; cx += step) {
            const double a = corner(cx, cy), b = corner(cx + step, cy), c = corner(cx, cy + step),
                         d = corner(cx + step, cy + step);
            for (int y = 0; y < step; ++y)
                for (int x = 0; x < step; ++x) {
                    const double fx = (x + 0.5) / step, fy = (y + 0.5) / step;
                    // Triangles (a, c, d) below the diagonal a-d and (a, d, b) above it.
                    const double mesh = fy >= fx ? a + (d - c) * fx + (c - a) * fy : a + (b - a) * fx + (d - b) * fy;
                    worst = std::max(worst, std::abs(h(cx + x, cy + y) - mesh));
                }
        }
    return worst;
}

TEST(LodErrorModel, PatchGridsStayWithinTheModelOnTheKandaharPyramid) {
    auto source = terrain::openTileSource(paths::sampleTerrain());
    ASSERT_TRUE(source) << source.error().message;
    const render::TerrainLodOptions lod;
    double worstRatio = 0;
    // Kandahar city, the Spin Boldak plain, the ranges north-east of Kandahar, the hills at Quetta.
    const double points[][2] = {{31.61, 65.71}, {31.01, 66.40}, {32.1, 66.6}, {30.18, 67.00}, {30.6, 66.9}};
    for (int z = 3; z <= (*source)->info().maxZoom; ++z) {
        double zoomWorst = 0, zoomMean = 0;
        int n = 0;
        for (const auto& p : points) {
            const terrain::TileId id = terrain::tileAt(p[0], p[1], z);
            terrain::CancelFlag cancel;
            terrain::TileFetch f = (*source)->fetch(id, cancel);
            if (f.status != terrain::TileFetch::Status::Ok) continue;
            terrain::HeightTile tile;
            if (f.heights) {
                tile = std::move(*f.heights);
            } else {
                auto decoded = terrain::decodeHeightPng(f.png, (*source)->info().encoding, "sample");
                ASSERT_TRUE(decoded) << decoded.error().message;
                tile = std::move(*decoded);
            }
            const double cell = 2.0 * terrain::tileSampleSize(id);  // 2x2 samples per cell
            const double ratio = gridError(tile, 2) / cell;
            zoomWorst = std::max(zoomWorst, ratio);
            zoomMean += ratio;
            ++n;
        }
        ASSERT_GT(n, 0) << "no tiles at zoom " << z;
        std::printf("zoom %2d: patch error / cell size: max %.3f, mean of tile maxima %.3f\n", z, zoomWorst,
                    zoomMean / n);
        worstRatio = std::max(worstRatio, zoomWorst);
    }
    EXPECT_LE(worstRatio, lod.errorPerCell) << "the data is rougher than TerrainLodOptions::errorPerCell assumes";
}

}  // namespace
}  // namespace fl
