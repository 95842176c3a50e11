// The streaming scheduler and its caches, headless: a fake source (latency, failures, cancellation) and a
// fake uploader that plays the GPU with frames in flight and checks no page in use is overwritten.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <functional>
#include <mutex>
#include <numbers>
#include <random>
#include <set>
#include <thread>
#include <unordered_map>

#include "terrain/height_sample.h"
#include "terrain/tile_page.h"
#include "terrain/tile_streamer.h"

using namespace fl;
using namespace fl::terrain;

namespace {

// Heights as a smooth function of position, so any tile can be checked against "the source".
float truthHeight(double lat, double lon) {
    return float(1000.0 + 800.0 * std::sin(lat * 3.1) * std::cos(lon * 2.3));
}

class FakeSource : public TileSource {
public:
    explicit FakeSource(int minZoom = 5, int maxZoom = 12, TileBounds bounds = {65.0, 30.4, 67.2, 32.0}) {
        m_info.name = "fake://kandahar";
        m_info.minZoom = minZoom;
        m_info.maxZoom = maxZoom;
        m_info.bounds = bounds;
    }
    const TileSourceInfo& info() const override { return m_info; }

    TileFetch fetch(TileId tile, const CancelFlag& cancel) override {
        const int now = ++m_concurrent;
        int peak = m_peakConcurrent.load();
        while (now > peak && !m_peakConcurrent.compare_exchange_weak(peak, now)) {
        }
        struct Leave {
            std::atomic<int>& c;
            ~Leave() { --c; }
        } leave{m_concurrent};
        int attempt;
        {
            std::lock_guard lock(m_mutex);
            attempt = ++m_fetches[tile];
        }
        int latency = latencyMs;
        if (latencyFor) latency = latencyFor(tile);
        if (jitterMs > 0)  // a fixed pseudo-random delay per tile: loads complete in a scrambled order
            latency += int((pmtilesTileId(tile) * 2654435761ull >> 7) % uint64_t(jitterMs));
        if (latency > 0) ++m_delayedStarts;
        for (int waited = 0; waited < latency; waited += 2) {
            if (cancel.cancelled()) {
                ++m_cancelSeen;
                return TileFetch::cancelled();
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
        }
        if (failAlways.count(toString(tile)))
            return TileFetch::failed(Error{m_info.name + " tile " + toString(tile) + ": HTTP 404 Not Found"}, false);
        if (attempt <= failFirstAttempts) return TileFetch::failed(Error{"fake: HTTP 503"}, true);
        if (!overlaps(tileBounds(tile), m_info.bounds) || tile.z < dataFromZoom) return TileFetch::missing();
        HeightTile t;
        t.heights.resize(size_t(kTileSize) * kTileSize);
        for (int j = 0; j < kTileSize; ++j)
            for (int i = 0; i < kTileSize; ++i) {
                const LatLon p = pixelCenter(tile, i, j);
                t.heights[size_t(j) * kTileSize + i] = truthHeight(p.lat, p.lon);
            }
        return TileFetch::ok(std::move(t));
    }

    int fetches(TileId t) {
        std::lock_guard lock(m_mutex);
        auto it = m_fetches.find(t);
        return it == m_fetches.end() ? 0 : it->second;
    }
    std::set<TileId, bool (*)(const TileId&, const TileId&)> fetchedTiles() {
        std::lock_guard lock(m_mutex);
        std::set<TileId, bool (*)(const TileId&, const TileId&)> s(
            [](const TileId& a, const TileId& b) { return pmtilesTileId(a) < pmtilesTileId(b); });
        for (auto& [t, n] : m_fetches) s.insert(t);
        return s;
    }

    int latencyMs = 0;
    std::function<int(TileId)> latencyFor;  // overrides latencyMs where set
    int jitterMs = 0;
    int failFirstAttempts = 0;
    int dataFromZoom = 0;  // coarser tiles are missing although minZoom says 0 (a small raster, a foreign archive)
    std::set<std::string> failAlways;
    std::atomic<int> m_peakConcurrent{0}, m_cancelSeen{0}, m_delayedStarts{0};

private:
    TileSourceInfo m_info;
    std::atomic<int> m_concurrent{0};
    std::mutex m_mutex;
    std::unordered_map<TileId, int> m_fetches;
};

// Plays the GPU: pages written, and which pages each frame in flight reads.
class FakeGpu : public TilePageUploader {
public:
    explicit FakeGpu(uint32_t capacity) : m_pages(capacity) {}
    uint32_t pageCapacity() const override { return uint32_t(m_pages.size()); }
    void upload(uint32_t page, const TilePage& data) override {
        ASSERT_LT(page, m_pages.size());
        ASSERT_EQ(data.heights.size(), size_t(kPageSize) * kPageSize);
        for (auto& [frame, pages] : m_inFlight)
            ASSERT_FALSE(pages.count(page)) << "page " << page << " overwritten while frame " << frame << " reads it";
        m_pages[page] = data.heights;
        ++uploadsThisFrame;
    }
    // Frames up to `completed` have finished: their pages may be written again.
    void complete(uint64_t completed) {
        std::erase_if(m_inFlight, [&](auto& f) { return f.first <= completed; });
    }
    void publish(const std::vector<std::pair<uint32_t, TileId>>& pages) override { m_published = pages; }
    // Submits a frame that reads the draws' pages and every published page (the GPU may read any of them).
    void submit(uint64_t frame, const std::vector<TileDraw>& draws) {
        auto& pages = m_inFlight[frame];
        for (const TileDraw& d : draws) pages.insert(d.page);
        for (const auto& [page, tile] : m_published) pages.insert(page);
    }
    // What the GPU would see: each published tile with its page's contents.
    std::map<uint64_t, std::vector<float>> publishedContents() const {
        std::map<uint64_t, std::vector<float>> out;
        for (const auto& [page, tile] : m_published) out[pmtilesTileId(tile)] = m_pages[page];
        return out;
    }
    const std::vector<float>& page(uint32_t p) const { return m_pages[p]; }
    int uploadsThisFrame = 0;

private:
    std::vector<std::vector<float>> m_pages;
    std::map<uint64_t, std::set<uint32_t>> m_inFlight;
    std::vector<std::pair<uint32_t, TileId>> m_published;
};

SelectionView makeView(double lat, double lon, double altitude, double heading, double pitch, double w = 640,
                       double h = 360) {
    SelectionView v;
    v.frame = geo::EnuFrame({31.2, 66.1, 0});
    v.exaggeration = 1.0;
    CameraPose pose{lat, lon, altitude, heading, pitch, 45};
    v.view = computeView(v.frame, pose, w, h);
    return v;
}

// Runs frames (2 in flight) until the view is fully resolved; returns frames taken (-1 on timeout).
int runUntilResolved(TileStreamer& s, FakeGpu& gpu, const SelectionView& view, uint64_t& frame, int maxFrames = 3000) {
    for (int i = 0; i < maxFrames; ++i, ++frame) {
        gpu.uploadsThisFrame = 0;
        const FrameClock clock{frame, frame >= 2 ? frame - 2 : 0};
        gpu.complete(clock.completed);
        const auto& draws = s.update(view, clock);
        gpu.submit(frame, draws);
        if (s.readiness().resolved) return i;
        s.waitForProgress(std::chrono::milliseconds(5));
    }
    return -1;
}

// Runs frames until nothing is in flight after an update: everything fetched is then in the CPU cache.
void runUntilIdle(TileStreamer& s, FakeGpu& gpu, const SelectionView& view, uint64_t& frame) {
    for (int i = 0; i < 3000; ++i, ++frame) {
        gpu.complete(frame - 1);
        gpu.submit(frame, s.update(view, {frame, frame - 1}));
        if (s.idle()) return;
        s.waitForProgress(std::chrono::milliseconds(5));
    }
    ADD_FAILURE() << "streamer never went idle";
}

// The point at sample position (sx, sy) of `tile` (sample units, sample i centred at i + 0.5, Web Mercator).
LatLon atSamplePosition(TileId tile, double sx, double sy) {
    const double n = std::ldexp(1.0, tile.z);
    const double gx = (tile.x + sx / kTileSize) / n, gy = (tile.y + sy / kTileSize) / n;
    return {std::atan(std::sinh(std::numbers::pi * (1.0 - 2.0 * gy))) * 180.0 / std::numbers::pi, gx * 360.0 - 180.0};
}

// What FakeSource stores for sample (gi, gj) of the whole zoom-z grid (any tile, so neighbours too).
double storedSample(int z, int64_t gi, int64_t gj) {
    const TileId t{uint8_t(z), uint32_t(gi / kTileSize), uint32_t(gj / kTileSize)};
    const LatLon p = pixelCenter(t, int(gi % kTileSize), int(gj % kTileSize));
    return truthHeight(p.lat, p.lon);
}

// Bilinear over the zoom's sample grid at sample position (sx, sy) of `tile`; `clampToTile` repeats the tile's
// edge samples instead of reading its neighbours' (what the page holds when they are not loaded).
double expectedBilinear(TileId tile, double sx, double sy, bool clampToTile) {
    const double u = sx - 0.5, v = sy - 0.5;
    const double i0 = std::floor(u), j0 = std::floor(v), tx = u - i0, ty = v - j0;
    auto at = [&](int64_t i, int64_t j) {
        if (clampToTile) i = std::clamp<int64_t>(i, 0, kTileSize - 1), j = std::clamp<int64_t>(j, 0, kTileSize - 1);
        return storedSample(tile.z, int64_t(tile.x) * kTileSize + i, int64_t(tile.y) * kTileSize + j);
    };
    const int64_t i = int64_t(i0), j = int64_t(j0);
    const double top = at(i, j) + (at(i + 1, j) - at(i, j)) * tx;
    const double bottom = at(i, j + 1) + (at(i + 1, j + 1) - at(i, j + 1)) * tx;
    return top + (bottom - top) * ty;
}

bool isAncestorOf(TileId a, TileId b) {
    while (b.z > a.z) b = parent(b);
    return a == b;
}

}  // namespace

TEST(TileSelection, RefinesNearTheCameraAndCoarsensAway) {
    const SelectionView v = makeView(31.0, 66.3, 3000, 90, -15);
    SelectionOptions o;
    o.minZoom = 5, o.maxZoom = 12, o.bounds = {65.0, 30.4, 67.2, 32.0};
    const Selection s = selectTiles(v, o, {});
    ASSERT_FALSE(s.leaves.empty());
    // The tile under the camera is at full zoom; distant leaves are coarser.
    int nearZ = 0, farZ = 99;
    for (const auto& l : s.leaves) {
        if (l.distance < 2000) nearZ = std::max<int>(nearZ, l.tile.z);
        if (l.distance > 80000) farZ = std::min<int>(farZ, l.tile.z);
        EXPECT_TRUE(l.screenSpaceError <= o.maxScreenSpaceError || l.tile.z == o.maxZoom) << toString(l.tile);
    }
    EXPECT_EQ(nearZ, 12);
    EXPECT_LE(farZ, 10);
    // A cut: no leaf contains another, and every leaf lies in the source bounds.
    for (size_t i = 0; i < s.leaves.size(); ++i) {
        EXPECT_TRUE(overlaps(tileBounds(s.leaves[i].tile), o.bounds));
        for (size_t j = 0; j < s.leaves.size(); ++j)
            if (i != j) EXPECT_FALSE(isAncestorOf(s.leaves[i].tile, s.leaves[j].tile));
    }
}

TEST(TileSelection, LooksAwayFromTheRegionSelectsOnlyCoarseTiles) {
    // Looking up at the sky from the region's west edge: nothing in the frustum needs detail.
    const SelectionView v = makeView(31.2, 64.0, 3000, 270, 30);
    SelectionOptions o;
    o.minZoom = 5, o.maxZoom = 12, o.bounds = {65.0, 30.4, 67.2, 32.0};
    const Selection s = selectTiles(v, o, {});
    for (const auto& l : s.leaves) EXPECT_LE(l.tile.z, 6) << toString(l.tile);
}

TEST(TilePage, BorderComesFromNeighboursAndNaNIsFilled) {
    const TileId t{10, 700, 420};
    auto make = [](float base) {
        HeightTile h;
        h.heights.resize(size_t(kTileSize) * kTileSize);
        for (int j = 0; j < kTileSize; ++j)
            for (int i = 0; i < kTileSize; ++i) h.heights[size_t(j) * kTileSize + i] = base + i + 1000 * j;
        return h;
    };
    HeightTile centre = make(0), east = make(0.5f), north = make(0.25f);
    centre.heights[5] = NAN;
    std::array<const HeightTile*, 8> nb{};
    nb[kEast] = &east;
    nb[kNorth] = &north;
    const TilePage p = assemblePage(centre, nb);
    auto at = [&](int i, int j) { return p.heights[size_t(j + 1) * kPageSize + i + 1]; };
    EXPECT_EQ(p.filled, (1u << kEast) | (1u << kNorth));
    EXPECT_FLOAT_EQ(at(256, 10), east.heights[size_t(10) * kTileSize + 0]);  // east border = east's column 0
    EXPECT_FLOAT_EQ(at(7, -1), north.heights[size_t(255) * kTileSize + 7]);  // north border = north's last row
    EXPECT_FLOAT_EQ(at(-1, 9), centre.heights[size_t(9) * kTileSize + 0]);   // no west: own edge repeated
    EXPECT_FALSE(std::isnan(at(5, 0)));
    for (float h : p.heights) ASSERT_FALSE(std::isnan(h));
    EXPECT_EQ(neighbour({3, 7, 2}, kEast)->x, 0u);  // wraps at the antimeridian
    EXPECT_FALSE(neighbour({3, 1, 0}, kNorth).has_value());
    EXPECT_EQ(t.z, 10);
}

TEST(TileStreamer, ReachesFullDetailWithTheSourceHeights) {
    auto source = std::make_shared<FakeSource>();
    FakeGpu gpu(512);
    TileStreamer s(source, gpu);
    const SelectionView view = makeView(31.0, 66.3, 4000, 60, -20);
    uint64_t frame = 1;
    ASSERT_GE(runUntilResolved(s, gpu, view, frame), 0) << "never resolved; missing " << s.readiness().missing.size();
    const Readiness r = s.readiness();
    EXPECT_DOUBLE_EQ(r.progress, 1.0);
    gpu.complete(frame - 1);
    const auto& draws = s.update(view, {frame, frame - 1});
    ASSERT_FALSE(draws.empty());
    for (const TileDraw& d : draws) {
        ASSERT_EQ(d.region, d.pageTile) << "resolved view still draws a fallback for " << toString(d.region);
        // The page holds the source's heights at the tile's pixel centres.
        const auto& page = gpu.page(d.page);
        for (auto [i, j] : {std::pair{0, 0}, {128, 77}, {255, 255}}) {
            const LatLon p = pixelCenter(d.region, i, j);
            EXPECT_NEAR(page[size_t(j + 1) * kPageSize + i + 1], truthHeight(p.lat, p.lon), 1e-3);
        }
    }
}

// Issue 11 finding 1: a source whose coarsest tiles are missing (a 1 x 1 degree .hgt has no sample at z0)
// used to draw nothing at all: the walk started from those tiles and stopped there.
TEST(TileStreamer, SourceWhoseCoarseTilesAreMissingStillDraws) {
    auto source = std::make_shared<FakeSource>(0, 11, TileBounds{66.0, 31.0, 67.0, 32.0});
    source->dataFromZoom = 7;
    FakeGpu gpu(512);
    TileStreamer s(source, gpu);
    const SelectionView view = makeView(31.5, 66.5, 60000, 0, -90);
    uint64_t frame = 1;
    ASSERT_GE(runUntilResolved(s, gpu, view, frame), 0) << "never resolved; missing " << s.readiness().missing.size();
    EXPECT_GT(s.readiness().drawn, 0u);
    for (const TileDraw& d : s.update(view, {frame, frame - 1})) EXPECT_GE(d.pageTile.z, 7) << toString(d.region);
}

TEST(TileStreamer, SourceOutsideTheViewDrawsNothingAndSaysSoThroughReadiness) {
    auto source = std::make_shared<FakeSource>(7, 11, TileBounds{66.0, 31.0, 67.0, 32.0});
    FakeGpu gpu(512);
    TileStreamer s(source, gpu);
    const SelectionView view = makeView(29.0, 62.0, 20000, 0, -90);
    uint64_t frame = 1;
    ASSERT_GE(runUntilResolved(s, gpu, view, frame), 0);
    EXPECT_EQ(s.readiness().drawn, 0u);
}

TEST(TileId, CoarsestSampledZoomIsWhereASmallExtentHasPixelCentres) {
    EXPECT_EQ(coarsestSampledZoom({-180, -kMaxMercatorLat, 180, kMaxMercatorLat}), 0);
    const int z = coarsestSampledZoom({66.0, 31.0, 67.0, 32.0});  // one SRTM tile: ~1.4 degree pixels at z0
    EXPECT_GE(z, 1);
    EXPECT_LE(z, 3);  // 0.09 degree pixels at z2: ~11 across
    EXPECT_EQ(coarsestSampledZoom({66.0, 31.0, 66.0, 31.0}), kMaxTileZoom);
}

TEST(TileStreamer, LoadsWhatTheViewNeedsAndLittleElse) {
    auto source = std::make_shared<FakeSource>();
    FakeGpu gpu(512);
    TileStreamer s(source, gpu);
    const SelectionView view = makeView(31.3, 66.0, 6000, 135, -25);
    uint64_t frame = 1;
    ASSERT_GE(runUntilResolved(s, gpu, view, frame), 0);
    SelectionOptions o;
    o.minZoom = 5, o.maxZoom = 12, o.bounds = source->info().bounds;
    const Selection needed = selectTiles(view, o, [&](TileId t) { return s.heightRange(t); });
    const auto fetchedTiles = source->fetchedTiles();
    for (const auto& l : needed.leaves) EXPECT_GE(source->fetches(l.tile), 1) << toString(l.tile) << " never loaded";
    // Every fetch has a reason: a leaf or one of its ancestors (drawn where the GPU wants coarser data),
    // a same-zoom neighbour of one of those (its samples fill the page border, for seamless normals), or a
    // preloaded child of a leaf. Nothing else is loaded.
    std::set<TileId, bool (*)(const TileId&, const TileId&)> drawn(
        [](const TileId& a, const TileId& b) { return pmtilesTileId(a) < pmtilesTileId(b); });
    for (const auto& l : needed.leaves)
        for (TileId t = l.tile;; t = parent(t)) {
            drawn.insert(t);
            if (t.z <= 5) break;
        }
    size_t leaves = 0, ancestors = 0, ring = 0, preload = 0, other = 0;
    for (TileId t : fetchedTiles) {
        const bool isLeaf =
            std::any_of(needed.leaves.begin(), needed.leaves.end(), [&](const SelectedTile& l) { return l.tile == t; });
        bool isRing = false;
        for (int n = 0; n < 8 && !isRing; ++n)
            if (auto id = neighbour(t, n)) isRing = drawn.count(*id) != 0;
        const bool isPreload = t.z > 0 && std::any_of(needed.leaves.begin(), needed.leaves.end(),
                                                      [&](const SelectedTile& l) { return l.tile == parent(t); });
        if (isLeaf)
            ++leaves;
        else if (drawn.count(t) || t.z <= 6)  // z <= 6: the pinned coarse levels of this source
            ++ancestors;
        else if (isRing)
            ++ring;
        else if (isPreload)
            ++preload;
        else
            ++other;  // needed by the first frames, before the coarse levels' height ranges sharpened the boxes
    }
    std::printf("%zu leaves, %zu ancestors, %zu ring, %zu preload, %zu other\n", leaves, ancestors, ring, preload,
                other);
    EXPECT_LE(other, leaves / 2);
    // The border ring is the price of seamless normals; it stays a fraction of what is drawn.
    EXPECT_LE(double(ring), 2.0 * double(leaves + ancestors))
        << leaves << " leaves, " << ancestors << " ancestors, " << ring << " ring, " << preload << " preload";
}

TEST(TileStreamer, WhatTheGpuSeesDependsOnTheViewAloneNotOnLoadOrderOrHistory) {
    // Every frame must be reproducible from (story, camera, time): once resolved, the published pages and
    // their contents (borders included) must not depend on the order loads completed in, nor on what an
    // earlier view left in the caches.
    const SelectionView view = makeView(31.0, 66.4, 3000, 120, -15);
    auto plain = std::make_shared<FakeSource>();
    FakeGpu gpuA(512);
    TileStreamer a(plain, gpuA);
    uint64_t frameA = 1;
    ASSERT_GE(runUntilResolved(a, gpuA, view, frameA), 0);

    auto scrambled = std::make_shared<FakeSource>();
    scrambled->jitterMs = 40;
    FakeGpu gpuB(512);
    TileStreamer b(scrambled, gpuB);
    uint64_t frameB = 1;
    ASSERT_GE(runUntilResolved(b, gpuB, makeView(31.4, 65.9, 5000, 200, -30), frameB), 0);  // history
    ASSERT_GE(runUntilResolved(b, gpuB, view, frameB), 0);

    const auto seenA = gpuA.publishedContents(), seenB = gpuB.publishedContents();
    ASSERT_FALSE(seenA.empty());
    ASSERT_EQ(seenA.size(), seenB.size());
    for (const auto& [id, heights] : seenA) {
        auto it = seenB.find(id);
        ASSERT_NE(it, seenB.end()) << toString(*pmtilesTileFromId(id)) << " published by one streamer only";
        EXPECT_TRUE(it->second == heights) << toString(*pmtilesTileFromId(id)) << ": page contents differ";
    }
}

TEST(TileStreamer, FailedTileIsNamedAndItsParentDrawn) {
    auto source = std::make_shared<FakeSource>();
    const SelectionView view = makeView(31.0, 66.3, 4000, 60, -20);
    // A first run finds the z12 tiles the view needs; then one of them fails for good.
    TileId victim{};
    {
        FakeGpu gpu(512);
        TileStreamer s(source, gpu);
        uint64_t frame = 1;
        ASSERT_GE(runUntilResolved(s, gpu, view, frame), 0);
        for (const TileDraw& d : s.update(view, {frame, frame - 1}))
            if (d.region.z == 12) victim = d.region;
    }
    ASSERT_EQ(victim.z, 12);
    source->failAlways.insert(toString(victim));
    const int before = source->fetches(victim);
    FakeGpu gpu(512);
    TileStreamer s(source, gpu);
    uint64_t frame = 1;
    for (int i = 0; i < 600; ++i, ++frame) {
        gpu.complete(frame - 1);
        gpu.submit(frame, s.update(view, {frame, frame - 1}));
        const Readiness r = s.readiness();
        if (r.missing.empty() && !r.failed.empty()) break;
        s.waitForProgress(std::chrono::milliseconds(5));
    }
    const Readiness r = s.readiness();
    EXPECT_FALSE(r.resolved);
    bool named = false;
    for (auto& [t, e] : r.failed)
        if (t == victim) named = e.message.find(toString(victim)) != std::string::npos;
    EXPECT_TRUE(named) << "the failure must name the tile";
    EXPECT_EQ(source->fetches(victim) - before, 1) << "a non-retryable failure is not retried";
    bool drawnFromParent = false;
    gpu.complete(frame - 1);
    for (const TileDraw& d : s.update(view, {frame, frame - 1}))
        if (d.region == victim) drawnFromParent = d.pageTile.z < victim.z;
    EXPECT_TRUE(drawnFromParent);
}

TEST(TileStreamer, RetryableFailuresAreRetriedWithBackoff) {
    auto source = std::make_shared<FakeSource>();
    source->failFirstAttempts = 2;
    FakeGpu gpu(512);
    StreamingOptions opt;
    opt.maxRetries = 2;
    opt.retryBackoff = std::chrono::milliseconds(5);
    TileStreamer s(source, gpu, opt);
    uint64_t frame = 1;
    ASSERT_GE(runUntilResolved(s, gpu, makeView(31.6, 65.7, 20000, 0, -40), frame), 0);
    EXPECT_GT(s.stats().retried, 0u);
    EXPECT_EQ(s.stats().failed, 0u);
}

TEST(TileStreamer, RespectsTheCapOnLoadsInFlight) {
    auto source = std::make_shared<FakeSource>();
    source->latencyMs = 10;
    FakeGpu gpu(512);
    StreamingOptions opt;
    opt.maxLoadsInFlight = 3;
    TileStreamer s(source, gpu, opt);
    uint64_t frame = 1;
    ASSERT_GE(runUntilResolved(s, gpu, makeView(31.6, 65.7, 30000, 0, -50), frame), 0);
    EXPECT_LE(source->m_peakConcurrent.load(), 3);
    EXPECT_LE(s.stats().peakLoadsInFlight, 3u);
}

TEST(TileStreamer, CancelsLoadsTheViewNoLongerNeeds) {
    // Fine tiles wholly east of 66.5°E (only the east view needs them) take a minute unless cancelled; the rest
    // load at once. So the east view's own loads are certainly in flight when the view turns west, however
    // slow the machine (a fixed latency raced the frame loop and lost under a loaded CI).
    auto source = std::make_shared<FakeSource>();
    source->latencyFor = [](TileId t) { return t.z >= 10 && tileBounds(t).west > 66.5 ? 60000 : 0; };
    FakeGpu gpu(512);
    StreamingOptions opt;
    opt.maxLoadsInFlight = 8;
    opt.residentTileLimit = 1;  // just the coarsest level: finer tiles are the view's own
    TileStreamer s(source, gpu, opt);
    uint64_t frame = 1;
    const SelectionView east = makeView(31.0, 67.0, 3000, 90, -20), west = makeView(31.9, 65.1, 3000, 270, -20);
    // Up to 30 s each (hang guards): both typically take a few frames.
    for (int i = 0; i < 3000 && source->m_delayedStarts.load() == 0; ++i, ++frame) {
        gpu.complete(frame - 1);
        gpu.submit(frame, s.update(east, {frame, frame - 1}));
        s.waitForProgress(std::chrono::milliseconds(10));
    }
    ASSERT_GT(source->m_delayedStarts.load(), 0) << "the east view never started a slow load";
    for (int i = 0; i < 3000 && source->m_cancelSeen.load() == 0; ++i, ++frame) {
        gpu.complete(frame - 1);
        gpu.submit(frame, s.update(west, {frame, frame - 1}));
        s.waitForProgress(std::chrono::milliseconds(10));
    }
    EXPECT_GT(source->m_cancelSeen.load(), 0) << "stale loads were not cancelled";
}

TEST(TileStreamer, ScriptedFlightNeverExceedsEitherBudget) {
    auto source = std::make_shared<FakeSource>();
    StreamingOptions opt;
    opt.cpuCacheBytes = 60 * uint64_t(kTileSize) * kTileSize * 4;  // 60 tiles
    opt.gpuCacheBytes = 80 * kPageBytes;                           // 80 pages
    opt.uploadBytesPerFrame = 3 * kPageBytes;
    FakeGpu gpu(2048);
    TileStreamer s(source, gpu, opt);
    uint64_t frame = 1;
    // Kandahar city to Spin Boldak, descending, heading round: every step needs new tiles.
    for (int step = 0; step <= 120; ++step, ++frame) {
        const double t = step / 120.0;
        const SelectionView v =
            makeView(31.61 + (31.00 - 31.61) * t, 65.71 + (66.40 - 65.71) * t, 30000 - 26000 * t, 120 + 90 * t, -30);
        gpu.uploadsThisFrame = 0;
        const FrameClock clock{frame, frame >= 2 ? frame - 2 : 0};
        gpu.complete(clock.completed);
        gpu.submit(frame, s.update(v, clock));
        const StreamingStats st = s.stats();
        ASSERT_LE(st.cpuBytes, opt.cpuCacheBytes) << "step " << step;
        ASSERT_LE(st.gpuBytes, opt.gpuCacheBytes) << "step " << step;
        ASSERT_LE(gpu.uploadsThisFrame, 3) << "upload budget exceeded at step " << step;
        s.waitForProgress(std::chrono::milliseconds(3));
    }
    const StreamingStats st = s.stats();
    EXPECT_LE(st.cpuPeakBytes, opt.cpuCacheBytes);
    EXPECT_LE(st.gpuPeakBytes, opt.gpuCacheBytes);
    EXPECT_GT(st.uploads, 80u) << "the flight should have cycled the pool";
}

TEST(TileStreamer, CoarseLevelsStayResidentThroughEviction) {
    auto source = std::make_shared<FakeSource>();
    StreamingOptions opt;
    opt.cpuCacheBytes = 40 * uint64_t(kTileSize) * kTileSize * 4;
    opt.gpuCacheBytes = 48 * kPageBytes;
    FakeGpu gpu(2048);
    TileStreamer s(source, gpu, opt);
    uint64_t frame = 1;
    for (int step = 0; step <= 80; ++step, ++frame) {
        const double t = step / 80.0;
        const SelectionView v = makeView(31.8 - 0.8 * t, 65.2 + 1.8 * t, 5000, 90, -20);
        gpu.complete(frame - 1);
        gpu.submit(frame, s.update(v, {frame, frame - 1}));
        s.waitForProgress(std::chrono::milliseconds(3));
        // Every leaf always has something to draw (its own page or an ancestor's) once started.
        if (step > 10) {
            const auto& draws = s.update(v, {frame, frame - 1});
            EXPECT_EQ(draws.size(), s.stats().leaves) << "a hole at step " << step;
        }
    }
}

TEST(HeightSample, ReproducesTheAssembledPage) {
    // The CPU sample must equal bilinear over the page assemblePage builds for the GPU, borders, corners
    // and NaN fill included, whatever subset of neighbours is there.
    std::mt19937 rng(7);
    std::uniform_real_distribution<float> height(500.0f, 900.0f);
    auto randomTile = [&] {
        HeightTile t;
        t.heights.resize(size_t(kTileSize) * kTileSize);
        for (float& h : t.heights) h = height(rng);
        return t;
    };
    const TileId id{10, 700, 420};
    HeightTile centre = randomTile();
    centre.heights[0] = NAN;                       // north-west corner sample
    centre.heights[size_t(kTileSize) * 40] = NAN;  // on the west edge
    std::vector<HeightTile> others(8);
    for (auto& t : others) t = randomTile();
    others[kEast].heights[size_t(kTileSize) * 41] = NAN;  // a NaN in a neighbour takes the centre's fill
    for (uint32_t mask : {0x00u, 0xffu, 0x0bu, 0xa6u}) {
        std::array<const HeightTile*, 8> nb{};
        for (int n = 0; n < 8; ++n)
            if (mask & (1u << n)) nb[n] = &others[n];
        const TilePage page = assemblePage(centre, nb);
        const TileLookup lookup = [&](TileId t) -> const HeightTile* {
            for (int n = 0; n < 8; ++n)
                if (nb[n] && neighbour(id, n) == t) return nb[n];
            return nullptr;
        };
        std::uniform_real_distribution<double> pos(0.0, 256.0);
        std::vector<std::pair<double, double>> points = {{0.0, 0.0},  {256.0, 0.0},  {0.0, 256.0}, {256.0, 256.0},
                                                         {0.2, 40.7}, {255.9, 41.3}, {128.5, 0.1}};
        for (int k = 0; k < 400; ++k) points.emplace_back(pos(rng), pos(rng));
        for (auto [sx, sy] : points) {
            const LatLon p = atSamplePosition(id, sx, sy);
            // Page texel coordinate = sample position + 1 (one border sample), texel centres at k + 0.5.
            const SamplePos sp = samplePosition(id, p.lat, p.lon);
            const double u = sp.x + 1.0 - 0.5, v = sp.y + 1.0 - 0.5;
            const int i = int(std::floor(u)), j = int(std::floor(v));
            const double tx = u - i, ty = v - j;
            auto at = [&](int a, int b) { return double(page.heights[size_t(b) * kPageSize + a]); };
            const double top = at(i, j) + (at(i + 1, j) - at(i, j)) * tx;
            const double bottom = at(i, j + 1) + (at(i + 1, j + 1) - at(i, j + 1)) * tx;
            ASSERT_NEAR(sampleTile(id, centre, lookup, p.lat, p.lon), top + (bottom - top) * ty, 1e-9)
                << "mask " << mask << " at sample position " << sx << ", " << sy;
        }
    }
}

TEST(TileStreamer, SampleHeightIsBilinearOverTheDeepestCachedTile) {
    auto source = std::make_shared<FakeSource>();
    FakeGpu gpu(512);
    TileStreamer s(source, gpu);
    const SelectionView view = makeView(31.0, 66.3, 4000, 60, -20);
    uint64_t frame = 1;
    EXPECT_FALSE(s.sampleHeight(31.0, 66.3).has_value()) << "nothing is cached yet";
    ASSERT_GE(runUntilResolved(s, gpu, view, frame), 0);
    runUntilIdle(s, gpu, view, frame);
    // With no latency nothing is cancelled mid-fetch and the cache has room for all: every tile the source
    // served (those overlapping its bounds) is in the cache.
    std::vector<TileId> cached;
    for (TileId t : source->fetchedTiles())
        if (overlaps(tileBounds(t), source->info().bounds)) cached.push_back(t);

    int atMaxZoom = 0, coarser = 0, interior = 0;
    for (int a = 0; a < 25; ++a)
        for (int b = 0; b < 25; ++b) {
            const double lat = 30.45 + 1.5 * a / 24.0, lon = 65.05 + 2.1 * b / 24.0;
            const auto sample = s.sampleHeight(lat, lon);
            ASSERT_TRUE(sample.has_value()) << lat << ", " << lon;
            TileId deepest{};
            bool found = false;
            for (TileId t : cached)
                if (t == tileAt(lat, lon, t.z) && (!found || t.z > deepest.z)) deepest = t, found = true;
            ASSERT_TRUE(found);
            ASSERT_EQ(sample->tile, deepest) << lat << ", " << lon;
            (deepest.z == 12 ? atMaxZoom : coarser)++;
            // Away from the tile's edges only its own samples count: exactly the source's bilinear.
            const SamplePos p = samplePosition(deepest, lat, lon);
            if (p.x > 0.5 && p.x < kTileSize - 0.5 && p.y > 0.5 && p.y < kTileSize - 0.5) {
                ++interior;
                EXPECT_NEAR(sample->heightMsl, expectedBilinear(deepest, p.x, p.y, false), 1e-3) << lat << ", " << lon;
            }
        }
    EXPECT_GT(atMaxZoom, 0) << "the view's near tiles are at full zoom";
    EXPECT_GT(coarser, 0) << "far away only coarse tiles are cached";
    EXPECT_GT(interior, 500);
    EXPECT_FALSE(s.sampleHeight(10.0, 10.0).has_value()) << "far outside the source";
    EXPECT_FALSE(s.sampleHeight(NAN, 66.0).has_value());
    EXPECT_FALSE(s.sampleHeight(31.0, NAN).has_value());
}

TEST(TileStreamer, SampleHeightAcrossTileEdgesUsesCachedNeighboursElseRepeatsTheEdge) {
    // One zoom only, and bounds that make exactly the tiles we want resident: a lone tile (its neighbours
    // are outside the source) and a pair of tiles side by side.
    const TileId west = tileAt(31.0, 66.0, 10);
    const TileId east{west.z, west.x + 1, west.y};
    const TileBounds wb = tileBounds(west);
    const double midLat = 0.5 * (wb.north + wb.south), midLon = 0.5 * (wb.west + wb.east);
    struct Case {
        TileBounds bounds;
        bool eastCached;
    };
    for (const Case& c : {Case{{midLon - 0.01, midLat - 0.01, midLon + 0.01, midLat + 0.01}, false},
                          Case{{wb.east - 0.01, midLat - 0.01, wb.east + 0.01, midLat + 0.01}, true}}) {
        auto source = std::make_shared<FakeSource>(10, 10, c.bounds);
        FakeGpu gpu(64);
        TileStreamer s(source, gpu);
        const SelectionView view = makeView(midLat, midLon, 20000, 90, -30);
        uint64_t frame = 1;
        runUntilIdle(s, gpu, view, frame);
        // A quarter sample inside the west tile's east edge, and (when cached) a quarter inside the east tile.
        for (double sy : {17.5, 100.3, 200.8}) {
            const LatLon p = atSamplePosition(west, kTileSize - 0.25, sy);
            const auto sample = s.sampleHeight(p.lat, p.lon);
            ASSERT_TRUE(sample.has_value());
            EXPECT_EQ(sample->tile, west);
            const SamplePos sp = samplePosition(west, p.lat, p.lon);
            EXPECT_NEAR(sample->heightMsl, expectedBilinear(west, sp.x, sp.y, !c.eastCached), 1e-3);
            const LatLon q = atSamplePosition(east, 0.25, sy);
            const auto other = s.sampleHeight(q.lat, q.lon);
            ASSERT_EQ(other.has_value(), c.eastCached);
            if (other) {
                EXPECT_EQ(other->tile, east);
                const SamplePos sq = samplePosition(east, q.lat, q.lon);
                EXPECT_NEAR(other->heightMsl, expectedBilinear(east, sq.x, sq.y, false), 1e-3);
            }
        }
        // The edge samples differ enough that clamping and reading the neighbour are told apart.
        const LatLon p = atSamplePosition(west, kTileSize - 0.25, 100.3);
        const SamplePos sp = samplePosition(west, p.lat, p.lon);
        EXPECT_GT(std::abs(expectedBilinear(west, sp.x, sp.y, true) - expectedBilinear(west, sp.x, sp.y, false)), 0.01);
    }
}

TEST(HeightProbe, SamplesTheDeepestTileTheSourceHas) {
    auto source = std::make_shared<FakeSource>();
    HeightProbe probe(source);
    // Inside the source's bounds its maximum zoom has every tile: exactly the source's bilinear there.
    auto inside = probe.sample(31.123, 66.456);
    ASSERT_TRUE(inside.ok()) << inside.error().message;
    ASSERT_TRUE(inside->has_value());
    const HeightSample s = **inside;
    EXPECT_EQ(s.tile, tileAt(31.123, 66.456, 12));
    const SamplePos p = samplePosition(s.tile, 31.123, 66.456);
    EXPECT_NEAR(s.heightMsl, expectedBilinear(s.tile, p.x, p.y, false), 1e-3);
    // Just south of the bounds only tiles reaching into them exist: the deepest such one answers.
    auto outside = probe.sample(30.2, 66.0);
    ASSERT_TRUE(outside.ok() && outside->has_value());
    EXPECT_LT((*outside)->tile.z, 12);
    EXPECT_TRUE(overlaps(tileBounds((*outside)->tile), source->info().bounds));
    EXPECT_FALSE(overlaps(tileBounds(tileAt(30.2, 66.0, (*outside)->tile.z + 1)), source->info().bounds));
    // Nothing deeper than what the caller has: no answer. Far away: none.
    auto above = probe.sample(31.123, 66.456, 12);
    ASSERT_TRUE(above.ok());
    EXPECT_FALSE(above->has_value());
    auto far = probe.sample(10.0, 10.0);
    ASSERT_TRUE(far.ok());
    EXPECT_FALSE(far->has_value());
    // Cached: asking again fetches nothing.
    const int before = source->fetches(s.tile);
    ASSERT_TRUE(probe.sample(31.123, 66.456).ok());
    EXPECT_EQ(source->fetches(s.tile), before);
    // A failing source is an error that names the tile.
    source->failAlways.insert(toString(tileAt(31.5, 66.5, 12)));
    auto failed = probe.sample(31.5, 66.5);
    ASSERT_FALSE(failed.ok());
    EXPECT_NE(failed.error().message.find(toString(tileAt(31.5, 66.5, 12))), std::string::npos);
}
