#include "terrain/tile_streamer.h"

#include <algorithm>
#include <cmath>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "core/log.h"
#include "terrain/height_sample.h"
#include "terrain/lru_cache.h"

namespace fl::terrain {

namespace {

using Clock = std::chrono::steady_clock;
using TilePtr = std::shared_ptr<const HeightTile>;

struct Job {
    TileId tile;
    CancelFlag cancel;
};

struct Completed {
    TileId tile;
    TileFetch::Status status = TileFetch::Status::Failed;
    TilePtr heights;
    Error error;
    bool retryable = false;
    uint64_t pngBytes = 0;
};

std::string tileName(const TileSourceInfo& info, TileId t) {
    return info.name + " tile " + toString(t);
}

std::optional<HeightRange> rangeOf(const HeightTile& t) {
    float lo = INFINITY, hi = -INFINITY;
    for (float h : t.heights)
        if (!std::isnan(h)) lo = std::min(lo, h), hi = std::max(hi, h);
    if (lo > hi) return std::nullopt;
    return HeightRange{lo, hi};
}

}  // namespace

struct TileStreamer::Impl {
    std::shared_ptr<TileSource> source;
    TileSourceInfo info;
    TilePageUploader& uploader;
    StreamingOptions options;

    // ---- worker side (guarded by mutex) ----
    std::mutex mutex;
    std::condition_variable workCv, doneCv;
    std::deque<std::shared_ptr<Job>> loadQueue;
    std::deque<std::pair<std::shared_ptr<Job>, std::vector<uint8_t>>> decodeQueue;
    std::vector<Completed> completed;
    bool stopping = false;
    std::vector<std::thread> threads;

    // ---- render-thread side ----
    std::unordered_map<TileId, std::shared_ptr<Job>> inFlight;
    LruCache<TileId, TilePtr> cpu;
    std::unordered_map<TileId, HeightRange> ranges;  // of the resident coarse tiles: the selection's boxes
    std::unordered_set<TileId> absent;
    struct Failure {
        int attempts = 0;
        Clock::time_point retryAt{};
        Error error;
        bool permanent = false;
    };
    std::unordered_map<TileId, Failure> failures;

    LruCache<TileId, uint32_t> gpu;  // tile -> page
    std::vector<uint64_t> pageLastUsed;
    std::vector<uint32_t> freePages;
    std::vector<uint32_t> retiring;  // replaced pages waiting for their frames to finish
    std::unordered_map<TileId, uint8_t> pageFilled;
    uint32_t capacity = 0;

    std::vector<TileId> residentTiles;
    std::unordered_set<TileId> residentSet, cpuPinned, gpuPinned;

    std::vector<SelectedTile> leaves;
    std::unordered_set<TileId> leafSet;
    // What the view needs on the GPU: the resident coarse levels, the leaves and every ancestor of a
    // leaf. Only these pages are published to the GPU, and each with every existing same-zoom neighbour in
    // its border, so that the GPU's choice of page (the deepest at or above its level's zoom) and the
    // page's contents are functions of the view alone, not of load order or of earlier views.
    std::vector<TileId> needed;
    std::unordered_set<TileId> neededSet;
    std::vector<TileDraw> draws;
    StreamingStats stats;
    FrameClock clock;

    Impl(std::shared_ptr<TileSource> src, TilePageUploader& up, const StreamingOptions& opt)
        : source(std::move(src)), info(source->info()), uploader(up), options(opt), cpu(opt.cpuCacheBytes), gpu(0) {
        capacity = std::max<uint32_t>(1, std::min<uint64_t>(uploader.pageCapacity(), opt.gpuCacheBytes / kPageBytes));
        gpu.setBudget(uint64_t(capacity) * kPageBytes);
        pageLastUsed.assign(capacity, 0);
        for (uint32_t p = capacity; p-- > 0;) freePages.push_back(p);
        chooseResidentTiles();
        const int loaders = std::max(1, options.maxLoadsInFlight);
        int decoders = options.decodeThreads > 0 ? options.decodeThreads : int(std::thread::hardware_concurrency());
        decoders = std::max(1, decoders);
        for (int i = 0; i < loaders; ++i) threads.emplace_back([this] { loadLoop(); });
        for (int i = 0; i < decoders; ++i) threads.emplace_back([this] { decodeLoop(); });
    }

    ~Impl() {
        {
            std::lock_guard lock(mutex);
            stopping = true;
            for (auto& j : loadQueue) j->cancel.cancel();
            for (auto& [t, j] : inFlight) j->cancel.cancel();
        }
        workCv.notify_all();
        for (auto& t : threads) t.join();
    }

    void chooseResidentTiles() {
        const TileBounds& b = info.bounds;
        for (int z = std::max(0, info.minZoom); z <= info.maxZoom; ++z) {
            const TileId nw = tileAt(b.north, b.west, z), se = tileAt(b.south, b.east, z);
            std::vector<TileId> level;
            for (uint32_t y = nw.y; y <= se.y; ++y)
                for (uint32_t x = nw.x; x <= se.x; ++x)
                    if (TileId t{uint8_t(z), x, y}; overlaps(tileBounds(t), b)) level.push_back(t);
            // Always keep the coarsest level, even over the limit: without it nothing can be drawn at all.
            if (!residentTiles.empty() && int(residentTiles.size() + level.size()) > options.residentTileLimit) break;
            residentTiles.insert(residentTiles.end(), level.begin(), level.end());
        }
        residentSet.insert(residentTiles.begin(), residentTiles.end());
    }

    // ---- workers ----
    void loadLoop() {
        for (;;) {
            std::shared_ptr<Job> job;
            {
                std::unique_lock lock(mutex);
                workCv.wait(lock, [&] { return stopping || !loadQueue.empty(); });
                if (stopping) return;
                job = std::move(loadQueue.front());
                loadQueue.pop_front();
            }
            if (job->cancel.cancelled()) {
                finish({job->tile, TileFetch::Status::Cancelled});
                continue;
            }
            TileFetch f = source->fetch(job->tile, job->cancel);
            if (f.status == TileFetch::Status::Ok && !f.heights) {
                {
                    std::lock_guard lock(mutex);
                    decodeQueue.emplace_back(job, std::move(f.png));
                }
                workCv.notify_all();
                continue;
            }
            Completed c{job->tile, f.status};
            if (f.status == TileFetch::Status::Ok) {
                if (f.heights->width != f.heights->height ||
                    (f.heights->width != kTileSize && f.heights->width != 512)) {
                    c.status = TileFetch::Status::Failed;
                    c.error = Error{tileName(info, job->tile) + ": tile is " + std::to_string(f.heights->width) + "x" +
                                    std::to_string(f.heights->height) + ", expected 256x256 or 512x512"};
                } else {
                    c.heights = std::make_shared<HeightTile>(toPageResolution(std::move(*f.heights)));
                }
            } else if (f.status == TileFetch::Status::Failed) {
                c.error = std::move(f.error);
                c.retryable = f.retryable;
            }
            finish(std::move(c));
        }
    }

    void decodeLoop() {
        for (;;) {
            std::shared_ptr<Job> job;
            std::vector<uint8_t> png;
            {
                std::unique_lock lock(mutex);
                workCv.wait(lock, [&] { return stopping || !decodeQueue.empty(); });
                if (stopping) return;
                job = std::move(decodeQueue.front().first);
                png = std::move(decodeQueue.front().second);
                decodeQueue.pop_front();
            }
            Completed c{job->tile};
            c.pngBytes = png.size();
            if (job->cancel.cancelled()) {
                c.status = TileFetch::Status::Cancelled;
            } else if (auto t = decodeHeightPng(png, info.encoding, tileName(info, job->tile))) {
                c.status = TileFetch::Status::Ok;
                c.heights = std::make_shared<HeightTile>(toPageResolution(std::move(*t)));
            } else {
                c.error = t.error();  // corrupt data: retrying fetches the same bytes
            }
            finish(std::move(c));
        }
    }

    void finish(Completed c) {
        {
            std::lock_guard lock(mutex);
            completed.push_back(std::move(c));
        }
        doneCv.notify_all();
    }

    // ---- render thread ----
    // Height range for bounding boxes. Only the always-resident coarse tiles count: a range learnt from
    // whichever finer tiles happened to load first would make the selection, and so the frame, depend on
    // load timing, and every frame must be reproducible from (story, camera, time).
    std::optional<HeightRange> lookupRange(TileId t) const {
        for (;;) {
            if (auto it = ranges.find(t); it != ranges.end()) {
                HeightRange r = it->second;
                if (t.z > 0) {
                    // Finer tiles of synthesized or resampled data can overshoot their ancestor a little.
                    const float pad = 0.1f * (r.max - r.min) + 50.0f;
                    r.min -= pad, r.max += pad;
                }
                return r;
            }
            if (t.z == 0) return std::nullopt;
            t = parent(t);
        }
    }

    void drainCompleted() {
        std::vector<Completed> done;
        {
            std::lock_guard lock(mutex);
            done.swap(completed);
        }
        const auto now = Clock::now();
        for (Completed& c : done) {
            inFlight.erase(c.tile);
            switch (c.status) {
                case TileFetch::Status::Ok: {
                    stats.loaded++;
                    stats.decodedBytes += c.pngBytes;
                    // Only the resident levels' ranges are ever used (see lookupRange), so only they are kept.
                    if (residentSet.count(c.tile))
                        if (auto r = rangeOf(*c.heights)) ranges[c.tile] = *r;
                    failures.erase(c.tile);
                    cpu.put(c.tile, std::move(c.heights), uint64_t(kTileSize) * kTileSize * sizeof(float));
                    if (residentSet.count(c.tile) && cpuPinned.insert(c.tile).second) cpu.pin(c.tile);
                    break;
                }
                case TileFetch::Status::Missing:
                    stats.missing++;
                    absent.insert(c.tile);
                    break;
                case TileFetch::Status::Cancelled:
                    stats.cancelled++;
                    break;
                case TileFetch::Status::Failed: {
                    Failure& f = failures[c.tile];
                    f.attempts++;
                    f.error = c.error;
                    if (c.retryable && f.attempts <= options.maxRetries) {
                        f.retryAt = now + options.retryBackoff * (1 << (f.attempts - 1));
                        stats.retried++;
                    } else {
                        f.permanent = true;
                        stats.failed++;
                        log::warn(c.error.message + " (drawing its parent instead)");
                    }
                    break;
                }
            }
        }
        stats.cpuBytes = cpu.bytes();
        stats.cpuPeakBytes = cpu.peakBytes();
    }

    bool gpuResident(TileId t) const { return gpu.contains(t); }

    std::optional<uint32_t> acquirePage() {
        // Replaced pages come back once no frame in flight can read them.
        std::erase_if(retiring, [&](uint32_t p) {
            if (pageLastUsed[p] > clock.completed) return false;
            freePages.push_back(p);
            return true;
        });
        if (freePages.empty()) {
            uint32_t victimPage = 0;
            auto victim = gpu.evictColdest([&](const TileId&, const uint32_t& page) {
                if (pageLastUsed[page] > clock.completed) return false;  // a frame in flight reads it
                victimPage = page;
                return true;
            });
            if (!victim) return std::nullopt;
            freePages.push_back(victimPage);
            pageFilled.erase(*victim);
        }
        const uint32_t p = freePages.back();
        freePages.pop_back();
        return p;
    }

    std::array<const HeightTile*, 8> neighboursOf(TileId t) {
        std::array<const HeightTile*, 8> nb{};
        for (int n = 0; n < 8; ++n)
            if (auto id = neighbour(t, n))
                if (const TilePtr* p = cpu.peek(*id)) nb[n] = p->get();
        return nb;
    }

    bool upload(TileId t) {
        const TilePtr* data = cpu.get(t);
        if (!data) return false;
        const TilePtr keep = *data;  // acquirePage must not be able to drop it
        constexpr uint32_t kNone = ~0u;
        uint32_t old = gpu.contains(t) ? *gpu.get(t) : kNone;
        auto page = acquirePage();
        if (!page) return false;
        if (!gpu.contains(t)) old = kNone;  // the pool was so small it evicted the very tile (its page is free)
        TilePage assembled = assemblePage(*keep, neighboursOf(t));
        assembled.tile = t;
        uploader.upload(*page, assembled);
        if (old != kNone) retiring.push_back(old);
        gpu.put(t, *page, kPageBytes);
        pageFilled[t] = assembled.filled;
        if (residentSet.count(t) && gpuPinned.insert(t).second) gpu.pin(t);
        stats.uploads++;
        stats.uploadedBytes += kPageBytes;
        return true;
    }

    // A same-zoom neighbour the source may have: inside its bounds and zooms, not known to be absent, not
    // failed for good. Until it is loaded (or found absent) the tile's border is incomplete.
    std::optional<TileId> existingNeighbour(TileId t, int n) const {
        auto id = neighbour(t, n);
        if (!id || id->z < info.minZoom || id->z > info.maxZoom || !overlaps(tileBounds(*id), info.bounds) ||
            absent.count(*id))
            return std::nullopt;
        if (auto it = failures.find(*id); it != failures.end() && it->second.permanent) return std::nullopt;
        return id;
    }

    // Neighbours whose samples a tile's border must hold: every existing same-zoom neighbour, drawn or not.
    // (Only the drawn ones would leave the border to whatever else happened to be cached at upload time.)
    uint8_t requiredNeighbours(TileId t) const {
        uint8_t mask = 0;
        for (int n = 0; n < 8; ++n)
            if (existingNeighbour(t, n)) mask |= uint8_t(1u << n);
        return mask;
    }

    bool borderStale(TileId t) {
        auto it = pageFilled.find(t);
        if (it == pageFilled.end()) return false;
        const uint8_t want = requiredNeighbours(t) & ~it->second;
        for (int n = 0; n < 8; ++n)
            if (want & (1u << n))
                if (auto id = neighbour(t, n); id && cpu.contains(*id)) return true;
        return false;
    }

    void doUploads() {
        // Priority: coarse resident levels, then tiles of the view (largest screen error first, deepest
        // available data first), then border refreshes.
        std::vector<TileId> order;
        for (TileId t : residentTiles)
            if (!gpuResident(t) && cpu.contains(t)) order.push_back(t);
        for (const SelectedTile& leaf : leaves) {
            for (TileId t = leaf.tile;; t = parent(t)) {
                if (gpuResident(t)) break;
                if (cpu.contains(t)) {
                    order.push_back(t);
                    break;
                }
                if (t.z == 0 || t.z <= info.minZoom) break;
            }
        }
        // Ancestors, coarse first: they are drawn wherever the GPU's level wants coarser data than the leaf.
        for (TileId t : needed)
            if (!gpuResident(t) && cpu.contains(t)) order.push_back(t);
        for (TileId t : needed)
            if (gpuResident(t) && borderStale(t)) order.push_back(t);

        std::unordered_set<TileId> done;
        uint64_t budget = options.uploadBytesPerFrame;
        bool first = true;
        for (TileId t : order) {
            if (!done.insert(t).second) continue;
            if (!first && budget < kPageBytes) break;
            if (!upload(t)) continue;
            first = false;
            budget = budget > kPageBytes ? budget - kPageBytes : 0;
        }
        stats.gpuBytes = gpu.bytes();
        stats.gpuPeakBytes = gpu.peakBytes();
    }

    void collectNeeded() {
        needed.clear();
        neededSet.clear();
        auto add = [&](TileId t) {
            if (neededSet.insert(t).second) needed.push_back(t);
        };
        for (TileId t : residentTiles) add(t);
        for (const SelectedTile& leaf : leaves) {
            add(leaf.tile);
            for (TileId t = leaf.tile; t.z > 0 && t.z > info.minZoom && !residentSet.count(t);) {
                t = parent(t);
                add(t);
            }
        }
        std::stable_sort(needed.begin(), needed.end(), [](TileId a, TileId b) { return a.z < b.z; });
    }

    void publish() {
        std::vector<std::pair<uint32_t, TileId>> pages;
        pages.reserve(needed.size());
        for (TileId t : needed)
            if (const uint32_t* page = gpu.get(t)) {
                pageLastUsed[*page] = clock.frame;  // drawable this frame: not evicted while in flight
                pages.emplace_back(*page, t);
            }
        std::sort(pages.begin(), pages.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
        uploader.publish(pages);
    }

    void buildDraws() {
        draws.clear();
        for (const SelectedTile& leaf : leaves) {
            for (TileId t = leaf.tile;; t = parent(t)) {
                if (const uint32_t* page = gpu.get(t)) {
                    pageLastUsed[*page] = clock.frame;
                    draws.push_back({leaf.tile, t, *page, lookupRange(t).value_or(HeightRange{})});
                    break;
                }
                if (t.z == 0) break;
            }
        }
        stats.draws = uint32_t(draws.size());
    }

    bool loadable(TileId t, Clock::time_point now) const {
        if (cpu.contains(t) || absent.count(t) || inFlight.count(t)) return false;
        if (auto it = failures.find(t); it != failures.end())
            if (it->second.permanent || it->second.retryAt > now) return false;
        return true;
    }

    void schedule() {
        const auto now = Clock::now();
        struct Want {
            TileId tile;
            int group;  // 0 coarse levels and ancestors, 1 leaves, 2 border neighbours, 3 preload
            double score;
        };
        std::vector<Want> wants;
        std::unordered_set<TileId> wanted;
        auto want = [&](TileId t, int group, double score) {
            if (!wanted.insert(t).second) return;
            if (loadable(t, now)) wants.push_back({t, group, score});
        };
        for (TileId t : needed) want(t, 0, -t.z);  // coarse first: the picture sharpens level by level
        for (const SelectedTile& leaf : leaves)
            if (!gpuResident(leaf.tile)) want(leaf.tile, 1, leaf.screenSpaceError);
        // Border neighbours of everything drawn (normals across tile edges need their samples).
        for (TileId t : needed)
            for (int n = 0; n < 8; ++n)
                if (auto id = existingNeighbour(t, n)) want(*id, 2, -id->z);
        // Preload: children of leaves close to needing them, so a slow push-in finds them ready.
        for (const SelectedTile& leaf : leaves)
            if (leaf.screenSpaceError > 0.7 * options.maxScreenSpaceError && leaf.tile.z < info.maxZoom &&
                cpu.bytes() < cpu.budget() / 2)
                for (TileId c : children(leaf.tile))
                    if (overlaps(tileBounds(c), info.bounds)) want(c, 3, leaf.screenSpaceError);

        // Stale loads: the view moved on.
        for (auto& [t, job] : inFlight)
            if (!wanted.count(t)) job->cancel.cancel();

        std::stable_sort(wants.begin(), wants.end(), [](const Want& a, const Want& b) {
            return a.group != b.group ? a.group < b.group : a.score > b.score;
        });
        std::vector<std::shared_ptr<Job>> start;
        for (const Want& w : wants) {
            if (int(inFlight.size()) >= options.maxLoadsInFlight) break;
            auto job = std::make_shared<Job>();
            job->tile = w.tile;
            inFlight.emplace(w.tile, job);
            start.push_back(job);
            stats.requested++;
        }
        if (!start.empty()) {
            std::lock_guard lock(mutex);
            for (auto& j : start) loadQueue.push_back(std::move(j));
        }
        workCv.notify_all();
        stats.loadsInFlight = uint32_t(inFlight.size());
        stats.peakLoadsInFlight = std::max(stats.peakLoadsInFlight, stats.loadsInFlight);
    }
};

TileStreamer::TileStreamer(std::shared_ptr<TileSource> source, TilePageUploader& uploader,
                           const StreamingOptions& options)
    : m(std::make_unique<Impl>(std::move(source), uploader, options)) {
    m->stats.cpuBudget = m->cpu.budget();
    m->stats.gpuBudget = m->gpu.budget();
}

TileStreamer::~TileStreamer() = default;

const std::vector<TileDraw>& TileStreamer::update(const SelectionView& view, FrameClock clock) {
    m->clock = clock;
    m->drainCompleted();

    SelectionOptions sel;
    sel.maxScreenSpaceError = m->options.maxScreenSpaceError;
    sel.minZoom = m->info.minZoom;
    sel.maxZoom = m->info.maxZoom;
    sel.bounds = m->info.bounds;
    const Selection s = selectTiles(
        view, sel, [&](TileId t) { return m->lookupRange(t); }, [&](TileId t) { return m->absent.count(t) != 0; });
    m->leaves = s.leaves;
    m->leafSet.clear();
    for (const SelectedTile& l : m->leaves) m->leafSet.insert(l.tile);
    m->stats.leaves = uint32_t(m->leaves.size());

    m->collectNeeded();
    m->doUploads();
    m->buildDraws();
    m->publish();
    m->schedule();
    return m->draws;
}

namespace {
// "URL: HTTP 404 Not Found (tile 3/5/6)" -> "HTTP 404 Not Found": the part that is the same for every tile.
std::string failureReason(const std::string& message) {
    const size_t scheme = message.find("://");
    const size_t colon = message.find(": ", scheme == std::string::npos ? 0 : scheme + 3);
    std::string reason = colon == std::string::npos ? message : message.substr(colon + 2);
    if (const size_t tile = reason.rfind(" (tile "); tile != std::string::npos) reason.erase(tile);
    return reason;
}
}  // namespace

std::vector<std::string> describeFailures(const Readiness& readiness, size_t listed) {
    std::vector<std::string> lines;
    const auto& failed = readiness.failed;
    for (size_t i = 0; i < failed.size() && i < listed; ++i)
        lines.push_back(failed[i].second.message + " (drawn from a coarser tile)");
    if (failed.size() <= listed) return lines;
    std::vector<std::pair<std::string, size_t>> reasons;  // in order of first appearance
    for (size_t i = listed; i < failed.size(); ++i) {
        const std::string reason = failureReason(failed[i].second.message);
        auto it = std::find_if(reasons.begin(), reasons.end(), [&](const auto& r) { return r.first == reason; });
        if (it == reasons.end())
            reasons.emplace_back(reason, 1);
        else
            ++it->second;
    }
    std::string line = "and " + std::to_string(failed.size() - listed) + " more tiles failed (";
    for (size_t i = 0; i < reasons.size() && i < 3; ++i)
        line += (i ? "; " : "") + reasons[i].first + ": " + std::to_string(reasons[i].second);
    if (reasons.size() > 3) line += "; ...";
    lines.push_back(line + "), drawn from coarser tiles");
    return lines;
}

Readiness TileStreamer::readiness() const {
    // Resolved when every page the view can draw is resident with its whole border: from then on the frame
    // is a function of the view (see Impl::needed).
    Readiness r;
    size_t done = 0;
    for (TileId t : m->needed) {
        if (m->absent.count(t)) {
            ++done;
            continue;
        }
        if (auto it = m->failures.find(t); it != m->failures.end() && it->second.permanent) {
            r.failed.emplace_back(t, it->second.error);
            continue;
        }
        auto filled = m->pageFilled.find(t);
        if (m->gpu.contains(t) && filled != m->pageFilled.end()) {
            const uint8_t need = m->requiredNeighbours(t);
            if ((filled->second & need) == need) {
                ++done;
                continue;
            }
        }
        r.missing.push_back(t);
    }
    r.progress = m->needed.empty() ? 1.0 : double(done) / double(m->needed.size());
    r.resolved = r.missing.empty() && r.failed.empty();
    r.drawn = m->draws.size();
    return r;
}

bool TileStreamer::idle() const {
    return m->inFlight.empty();
}

void TileStreamer::waitForProgress(std::chrono::milliseconds timeout) {
    std::unique_lock lock(m->mutex);
    m->doneCv.wait_for(lock, timeout, [&] { return !m->completed.empty(); });
}

StreamingStats TileStreamer::stats() const {
    return m->stats;
}
const TileSourceInfo& TileStreamer::sourceInfo() const {
    return m->info;
}
void TileStreamer::setMaxScreenSpaceError(double pixels) {
    m->options.maxScreenSpaceError = std::max(0.05, pixels);
}

const StreamingOptions& TileStreamer::options() const {
    return m->options;
}
std::optional<HeightRange> TileStreamer::heightRange(TileId tile) const {
    return m->lookupRange(tile);
}
std::optional<HeightSample> TileStreamer::sampleHeight(double lat, double lon) const {
    // peek: a query must not change which tiles the LRU evicts next.
    return sampleDeepest(lat, lon, m->info.minZoom, m->info.maxZoom, [&](TileId t) -> const HeightTile* {
        const TilePtr* p = m->cpu.peek(t);
        return p ? p->get() : nullptr;
    });
}

}  // namespace fl::terrain
