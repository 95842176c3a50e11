// Picking fidelity on the rendered frame (lavapipe, validation on): a pixel's depth gives lat, lon and
// heights that must agree with the elevation archive read directly (not through the streamer or the
// sampling code under test) and with the camera's own projection.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <numbers>
#include <optional>

#include "core/paths.h"
#include "gpu/context.h"
#include "render/offscreen.h"
#include "scene/scene.h"
#include "scene/views.h"
#include "support/render_fixture.h"
#include "terrain/height_codec.h"
#include "terrain/pmtiles.h"

using namespace fl;

namespace {

using fl::testing::fixture;
using fl::testing::viewPose;

// The archive's heights, read with the PMTiles reader and the PNG codec alone: the deepest zoom the
// archive has at a point, bilinear over that zoom's sample grid (sample i centred at (i + 0.5) / 256 of its
// tile in Web Mercator), samples of tiles the archive lacks clamped into the point's own tile.
class ArchiveHeights {
public:
    static std::optional<ArchiveHeights> open(const std::string& path) {
        auto bytes = terrain::FileByteSource::open(path);
        if (!bytes) return std::nullopt;
        auto reader = terrain::PmtilesReader::open(std::move(bytes).value());
        if (!reader) return std::nullopt;
        ArchiveHeights a(std::move(reader).value());
        const auto meta = a.m_reader.metadataJson();
        if (meta && meta->find("terrain-rgb") != std::string::npos)
            a.m_encoding = terrain::HeightEncoding::MapboxTerrainRgb;
        return a;
    }

    struct Answer {
        double height;
        int zoom;
    };
    std::optional<Answer> height(double lat, double lon) {
        for (int z = m_reader.header().maxZoom; z >= m_reader.header().minZoom; --z) {
            const double n = std::ldexp(1.0, z) * terrain::kTileSize;
            const double gx = (lon + 180.0) / 360.0 * n;
            const double gy = (1.0 - std::asinh(std::tan(lat * std::numbers::pi / 180.0)) / std::numbers::pi) / 2.0 * n;
            const int64_t tx = int64_t(std::floor(gx)) / terrain::kTileSize;
            const int64_t ty = int64_t(std::floor(gy)) / terrain::kTileSize;
            if (!tile(z, tx, ty)) continue;
            auto sample = [&](int64_t gi, int64_t gj) {
                if (!tile(z, gi / terrain::kTileSize, gj / terrain::kTileSize)) {
                    gi = std::clamp<int64_t>(gi, tx * terrain::kTileSize, tx * terrain::kTileSize + 255);
                    gj = std::clamp<int64_t>(gj, ty * terrain::kTileSize, ty * terrain::kTileSize + 255);
                }
                const terrain::HeightTile* t = tile(z, gi / terrain::kTileSize, gj / terrain::kTileSize);
                return double(
                    t->heights[size_t(gj % terrain::kTileSize) * terrain::kTileSize + gi % terrain::kTileSize]);
            };
            const double u = gx - 0.5, v = gy - 0.5;
            const int64_t i = int64_t(std::floor(u)), j = int64_t(std::floor(v));
            const double fx = u - double(i), fy = v - double(j);
            const double h = (1 - fy) * ((1 - fx) * sample(i, j) + fx * sample(i + 1, j)) +
                             fy * ((1 - fx) * sample(i, j + 1) + fx * sample(i + 1, j + 1));
            return Answer{h, z};
        }
        return std::nullopt;
    }

private:
    explicit ArchiveHeights(terrain::PmtilesReader reader) : m_reader(std::move(reader)) {}

    const terrain::HeightTile* tile(int z, int64_t x, int64_t y) {
        const int64_t n = int64_t(1) << z;
        if (x < 0 || y < 0 || x >= n || y >= n) return nullptr;
        const terrain::TileId id{uint8_t(z), uint32_t(x), uint32_t(y)};
        const uint64_t key = terrain::pmtilesTileId(id);
        if (auto it = m_tiles.find(key); it != m_tiles.end()) return it->second ? &*it->second : nullptr;
        std::optional<terrain::HeightTile> decoded;
        if (auto bytes = m_reader.getTile(id); bytes && bytes->has_value()) {
            auto t = terrain::decodeHeightPng(**bytes, m_encoding, terrain::toString(id));
            EXPECT_TRUE(t.ok()) << t.error().message;
            if (t) {
                EXPECT_EQ(t->width, terrain::kTileSize) << "the reference reads 256-sample tiles only";
                decoded = std::move(t).value();
            }
        }
        return (m_tiles[key] = std::move(decoded)) ? &*m_tiles[key] : nullptr;
    }

    terrain::PmtilesReader m_reader;
    terrain::HeightEncoding m_encoding = terrain::HeightEncoding::Terrarium;
    std::map<uint64_t, std::optional<terrain::HeightTile>> m_tiles;
};

}  // namespace

class PickTest : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_NE(fixture().renderer, nullptr);
        ASSERT_NE(fixture().scene.terrain, nullptr) << "the pick tests need the streamed sample terrain";
        ASSERT_TRUE(fixture().ctx->validationEnabled()) << "install vulkan-validationlayers: the tests need them";
    }
    void TearDown() override {
        EXPECT_EQ(fixture().ctx->validationErrors(), 0u) << "Vulkan validation errors (see the log above)";
    }
};

TEST_F(PickTest, Fidelity) {
    auto archive = ArchiveHeights::open(paths::sampleTerrain());
    ASSERT_TRUE(archive.has_value()) << "cannot read " << paths::sampleTerrain();
    const auto& scene = fixture().scene;
    render::OffscreenRenderer& renderer = *fixture().renderer;
    const int w = 640, h = 360;
    const render::RenderSettings settings;
    for (const char* name : {"kandahar-overview", "spin-boldak", "region-top-down"}) {
        SCOPED_TRACE(name);
        (void)renderer.render(viewPose(name), w, h, settings);
        ASSERT_TRUE(renderer.lastReadiness().resolved) << "the view never reached full detail";
        // 200 pixel centres on a 20 x 10 grid; in oblique views the top rows are sky and are skipped.
        std::vector<glm::dvec2> pixels;
        for (int j = 0; j < 10; ++j)
            for (int i = 0; i < 20; ++i) pixels.emplace_back(16 + 32 * i + 0.5, 18 + 36 * j + 0.5);
        const auto picks = renderer.pick(pixels);
        ASSERT_EQ(picks.size(), pixels.size());
        int terrain = 0;
        double maxData = 0, maxReproject = 0;
        int fromSource = 0;
        struct Spread {
            double max = 0, sum = 0;
            void add(double d) { max = std::max(max, d), sum += d; }
        } metres, pixelsSeen;
        const double pxAngle = renderer.lastView().fovY * std::numbers::pi / 180.0 / h;  // radians per pixel
        for (size_t k = 0; k < picks.size(); ++k) {
            const glm::dvec2 px = pixels[k];
            if (!picks[k]) {
                EXPECT_NE(picks[k].error().message.find("no terrain under pixel"), std::string::npos)
                    << picks[k].error().message;
                continue;
            }
            const render::PickResult& p = *picks[k];
            ++terrain;
            EXPECT_EQ(p.px, px.x);
            EXPECT_EQ(p.py, px.y);
            // (a) The data height at full detail, as the archive has it.
            const auto ref = archive->height(p.lat, p.lon);
            ASSERT_TRUE(ref.has_value()) << p.lat << ", " << p.lon << " is outside the archive";
            ASSERT_TRUE(p.heightTile.has_value());
            EXPECT_EQ(p.heightTile->z, ref->zoom) << "at " << p.lat << ", " << p.lon;
            EXPECT_NEAR(p.heightMsl, ref->height, 0.5)
                << "at " << p.lat << ", " << p.lon << " (pixel " << px.x << ", " << px.y << ")";
            maxData = std::max(maxData, std::abs(p.heightMsl - ref->height));
            // How often the streamed tiles alone would have been coarser than the data (the probe read deeper).
            if (auto streamed = renderer.streamer()->sampleHeight(p.lat, p.lon);
                !streamed || streamed->tile.z < ref->zoom)
                ++fromSource;
            // (b) Back onto the screen at the drawn surface's height: the pixel it came from.
            const double ellipsoidal = p.surfaceHeightMsl * settings.exaggeration + scene.undulation(p.lat, p.lon);
            const auto sp = projectToScreen(renderer.lastView(), scene.frame.fromGeodetic({p.lat, p.lon, ellipsoidal}));
            ASSERT_TRUE(sp.has_value());
            const double off = std::max(std::abs(sp->x - px.x), std::abs(sp->y - px.y));
            EXPECT_LE(off, 1.0) << "pixel " << px.x << ", " << px.y << " reprojects to " << sp->x << ", " << sp->y;
            maxReproject = std::max(maxReproject, off);
            // (c) The drawn mesh against the data: the terrain's promise is a geometric error of at most 1 px
            // (TerrainLodOptions::maxPixelError), so the vertical gap, exaggerated and seen from the eye,
            // must subtend no more than a pixel.
            const double d = std::abs(p.surfaceHeightMsl - p.heightMsl);
            const double seenPx = d * settings.exaggeration / p.distance / pxAngle;
            EXPECT_LE(seenPx, 1.0) << "drawn surface " << p.surfaceHeightMsl << " m vs data " << p.heightMsl << " m (z"
                                   << ref->zoom << ") at " << p.lat << ", " << p.lon << ", " << p.distance
                                   << " m away: " << seenPx << " px";
            metres.add(d);
            pixelsSeen.add(seenPx);
        }
        EXPECT_GE(terrain, 100) << "too few grid pixels show terrain";
        std::printf(
            "[ pick     ] %-17s %3d/200 on terrain, |data - archive| max %.4f m, reprojection max %.4f px, "
            "|drawn - data| max %.1f m mean %.1f m (seen from the eye: max %.2f px mean %.2f px); %d heights "
            "deeper than the streamed tiles\n",
            name, terrain, maxData, maxReproject, metres.max, metres.sum / std::max(terrain, 1), pixelsSeen.max,
            pixelsSeen.sum / std::max(terrain, 1), fromSource);
    }
}

TEST_F(PickTest, SkyAndBadPixelsAreErrors) {
    render::OffscreenRenderer& renderer = *fixture().renderer;
    (void)renderer.render(viewPose("kandahar-overview"), 320, 180, {});
    const auto sky = renderer.pick(160.5, 0.5);  // the top row of the oblique overview is sky
    ASSERT_FALSE(sky.ok());
    EXPECT_EQ(sky.error().message, "no terrain under pixel (160, 0)");
    for (auto [x, y] : {std::pair{NAN, 10.0}, {10.0, NAN}, {-0.5, 10.0}, {320.0, 10.0}, {10.0, 180.0}}) {
        const auto bad = renderer.pick(x, y);
        ASSERT_FALSE(bad.ok()) << x << ", " << y;
        EXPECT_NE(bad.error().message.find("outside the 320x180 frame"), std::string::npos) << bad.error().message;
    }
    const auto ground = renderer.pick(160.5, 179.5);  // the bottom row is terrain
    ASSERT_TRUE(ground.ok()) << ground.error().message;
    EXPECT_TRUE(std::isfinite(ground->heightMsl));
}

TEST_F(PickTest, NothingToPickBeforeAFrame) {
    auto fresh = render::OffscreenRenderer::create(*fixture().ctx, fixture().scene);
    ASSERT_TRUE(fresh.ok()) << fresh.error().message;
    const auto r = (*fresh)->pick(1.5, 1.5);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("no frame"), std::string::npos) << r.error().message;
}
