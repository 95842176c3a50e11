// The streaming scheduler and its caches, headless: a fake source (latency, failures, cancellation) and a
// fake uploader that plays the GPU with frames in flight and checks no page in use is overwritten.
#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <mutex>
#include <set>
#include <thread>
#include <unordered_map>

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
    FakeSource() {
        m_info.name = "fake://kandahar";
        m_info.minZoom = 5;
        m_info.maxZoom = 12;
        m_info.bounds = {65.0, 30.4, 67.2, 32.0};
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
        for (int waited = 0; waited < latencyMs; waited += 2) {
            if (cancel.cancelled()) {
                ++m_cancelSeen;
                return TileFetch::cancelled();
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
        }
        if (failAlways.count(toString(tile)))
            return TileFetch::failed(Error{m_info.name + " tile " + toString(tile) + ": HTTP 404 Not Found"}, false);
        if (attempt <= failFirstAttempts) return TileFetch::failed(Error{"fake: HTTP 503"}, true);
        if (!overlaps(tileBounds(tile), m_info.bounds)) return TileFetch::missing();
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
    int failFirstAttempts = 0;
    std::set<std::string> failAlways;
    std::atomic<int> m_peakConcurrent{0}, m_cancelSeen{0};

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
    // Submits a frame that reads the draws' pages.
    void submit(uint64_t frame, const std::vector<TileDraw>& draws) {
        auto& pages = m_inFlight[frame];
        for (const TileDraw& d : draws) pages.insert(d.page);
    }
    const std::vector<float>& page(uint32_t p) const { return m_pages[p]; }
    int uploadsThisFrame = 0;

private:
    std::vector<std::vector<float>> m_pages;
    std::map<uint64_t, std::set<uint32_t>> m_inFlight;
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
    size_t fetched = source->fetchedTiles().size();
    for (const auto& l : needed.leaves) EXPECT_GE(source->fetches(l.tile), 1) << toString(l.tile) << " never loaded";
    // Leaves, the resident coarse levels, a few progressive ancestors and preloaded children.
    EXPECT_LE(double(fetched), 3.0 * double(needed.leaves.size()) + 32) << fetched << " for " << needed.leaves.size();
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
    auto source = std::make_shared<FakeSource>();
    source->latencyMs = 300;
    FakeGpu gpu(512);
    StreamingOptions opt;
    opt.maxLoadsInFlight = 8;
    opt.residentTileLimit = 1;  // just the coarsest level, so the east view's own tiles are soon in flight
    TileStreamer s(source, gpu, opt);
    uint64_t frame = 1;
    const SelectionView east = makeView(31.0, 67.0, 3000, 90, -20), west = makeView(31.9, 65.1, 3000, 270, -20);
    for (int i = 0; i < 60; ++i, ++frame) {
        s.update(east, {frame, frame - 1});
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    for (int i = 0; i < 3; ++i, ++frame) s.update(west, {frame, frame - 1});
    for (int i = 0; i < 100 && source->m_cancelSeen.load() == 0; ++i) {
        s.waitForProgress(std::chrono::milliseconds(10));
        s.update(west, {frame, frame - 1});
        ++frame;
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
