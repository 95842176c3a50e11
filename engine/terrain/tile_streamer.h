// terrain/tile_streamer.h — streaming elevation tiles for a moving view.
// Owns: the scheduler (what to load, in which order, what to cancel), the worker threads that fetch and
// decode, the CPU tile cache and the GPU page pool bookkeeping (budgets, LRU, pinning), per-frame uploads,
// and the offline-readiness answer the recorder waits on. The GPU side is behind TilePageUploader.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/result.h"
#include "terrain/height_sample.h"
#include "terrain/tile_page.h"
#include "terrain/tile_selection.h"
#include "terrain/tile_source.h"

namespace fl::terrain {

struct StreamingOptions {
    // Screen-space error target in pixels (see SelectionOptions::maxScreenSpaceError).
    double maxScreenSpaceError = 2.0;
    // Decoded tiles kept in memory (256x256 floats = 256 KiB each): 256 MiB ~ 1000 tiles, several views'
    // worth, so flying back and forth does not refetch.
    uint64_t cpuCacheBytes = 256ull << 20;
    // GPU page pool (258x258 floats = 260 KiB per page): 128 MiB ~ 500 pages; a 4K view needs ~300.
    // Capped by the device's image array layers.
    uint64_t gpuCacheBytes = 128ull << 20;
    // Fetches in flight. Hides HTTP latency; local archives are served by the first few.
    int maxLoadsInFlight = 16;
    // Threads decoding PNGs. 0 = hardware threads (at least 1).
    int decodeThreads = 0;
    // Bytes copied to the GPU per frame: 4 MiB ~ 16 pages, ~1 ms of PCIe, so uploads never stall a frame;
    // a recorder that waits for full detail may raise it.
    uint64_t uploadBytesPerFrame = 4ull << 20;
    // Coarse levels kept resident (pinned in both caches) so that there is always something to draw: every
    // zoom from the source's minimum whose tiles over the source bounds, summed, stay within this count.
    int residentTileLimit = 32;
    // Scheduler retries of retryable failures (after the source's own retries), with exponential backoff.
    int maxRetries = 2;
    std::chrono::milliseconds retryBackoff{500};
};

// The GPU side of the page pool: a fixed array of pages. Faked in tests.
class TilePageUploader {
public:
    virtual ~TilePageUploader() = default;
    virtual uint32_t pageCapacity() const = 0;
    // Copy a page's heights (kPageSize^2 floats) into slot `page`, ordered before this frame's draws. The
    // streamer guarantees no frame still in flight reads that slot.
    virtual void upload(uint32_t page, const TilePage& data) = 0;
    // The pages the GPU may draw from this frame (page, tile), sorted by page; called once per update().
    // Pages that are resident but not listed (left over from earlier views or from the loading order) must
    // stay invisible: what is drawn then depends on the view alone, never on what happened to be cached.
    virtual void publish(const std::vector<std::pair<uint32_t, TileId>>& pages) { (void)pages; }
};

// One draw: the area of tile `region`, with heights from the page of `pageTile` (region itself or an
// ancestor whose sub-rectangle covers it while the finer tile is not there yet).
struct TileDraw {
    TileId region;
    TileId pageTile;
    uint32_t page = 0;
    HeightRange heights;
};

struct StreamingStats {
    uint64_t requested = 0, loaded = 0, failed = 0, missing = 0, cancelled = 0, retried = 0;
    uint64_t decodedBytes = 0;  // PNG bytes decoded
    uint64_t uploads = 0, uploadedBytes = 0;
    uint64_t cpuBytes = 0, cpuPeakBytes = 0, cpuBudget = 0;
    uint64_t gpuBytes = 0, gpuPeakBytes = 0, gpuBudget = 0;
    uint32_t loadsInFlight = 0, peakLoadsInFlight = 0;
    uint32_t leaves = 0, draws = 0;
};

// "Is this view at full detail?" The recorder waits for `resolved`.
struct Readiness {
    bool resolved = false;
    double progress = 0;                           // fraction of needed tiles at full detail, 0..1
    std::vector<TileId> missing;                   // needed tiles not yet resident at their own level
    std::vector<std::pair<TileId, Error>> failed;  // tiles that will not come (errors name source and tile)
    // Tiles the last update() drew. 0 once resolved means the source has nothing where the camera looks
    // (wrong place, wrong file): the caller must say so rather than show an empty sky as if it were right.
    size_t drawn = 0;
};

// The warnings a still prints about failed tiles: the first `listed` errors as they are, then one line that
// counts the rest by reason ("and 348 more tiles failed (HTTP 404 Not Found: 348)"). A server probed outside
// its coverage used to print one line per tile, hundreds of them. Empty when nothing failed.
std::vector<std::string> describeFailures(const Readiness& readiness, size_t listed = 3);

struct FrameClock {
    uint64_t frame = 0;      // number of the frame being prepared (monotonic)
    uint64_t completed = 0;  // every frame <= this one has finished on the GPU (pages it used are free)
};

class TileStreamer {
public:
    TileStreamer(std::shared_ptr<TileSource> source, TilePageUploader& uploader, const StreamingOptions& options = {});
    ~TileStreamer();  // cancels and joins the workers
    TileStreamer(const TileStreamer&) = delete;
    TileStreamer& operator=(const TileStreamer&) = delete;

    // Once per frame on the render thread: takes finished loads, selects the tiles the view needs,
    // uploads within the byte budget, cancels stale loads and starts new ones. Returns what to draw.
    const std::vector<TileDraw>& update(const SelectionView& view, FrameClock clock);

    // Full-detail state of the view of the last update(). Failed tiles count as unresolved.
    Readiness readiness() const;
    // Nothing in flight or queued (a test or the recorder can wait on it).
    bool idle() const;
    // Blocks until a load finishes or `timeout` passes (lets the recorder wait without spinning).
    void waitForProgress(std::chrono::milliseconds timeout);

    StreamingStats stats() const;
    const TileSourceInfo& sourceInfo() const;
    const StreamingOptions& options() const;
    // The renderer's error target changes with the view (exaggeration, pixel error): the streamer follows.
    void setMaxScreenSpaceError(double pixels);
    // Known height range of a tile (its own or its nearest decoded ancestor's).
    std::optional<HeightRange> heightRange(TileId tile) const;
    // Bilinear height at (lat, lon) from the deepest tile in the CPU cache that contains the point, sampled
    // as the GPU samples that tile's page (height_sample.h); nullopt where no cached tile contains it.
    // Render thread only, like update(): workers never touch the cache (update() moves their results in).
    std::optional<HeightSample> sampleHeight(double lat, double lon) const;

private:
    struct Impl;
    std::unique_ptr<Impl> m;
};

}  // namespace fl::terrain
