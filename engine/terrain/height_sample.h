// terrain/height_sample.h — the height at a point, read from decoded tiles exactly as the GPU reads pages.
// Owns: the CPU side of the sample convention (sample i of a 256-sample row centred at tile fraction
// (i + 0.5) / 256 in Web Mercator, borders as tile_page.h builds them) and HeightProbe, full-detail heights
// fetched straight from a tile source for queries (picking) that must not depend on what the view streamed.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <unordered_set>

#include "core/result.h"
#include "terrain/height_codec.h"
#include "terrain/lru_cache.h"
#include "terrain/tile_id.h"

namespace fl::terrain {

class TileSource;

struct HeightSample {
    double heightMsl = 0;  // metres, bilinear between sample centres
    TileId tile;           // the tile whose samples gave it (its zoom is the detail of the answer)
};

// A decoded 256x256 tile by id, or nullptr where none is at hand.
using TileLookup = std::function<const HeightTile*(TileId)>;

// Position of (lat, lon) in `tile`, in sample units: sample i's centre is at i + 0.5 (continuous, x east,
// y south, unclamped, so points beyond the tile give values outside [0, 256]).
struct SamplePos {
    double x = 0, y = 0;
};
SamplePos samplePosition(TileId tile, double lat, double lon);

// Bilinear height at (lat, lon) in `tile` (256x256, which contains the point), with what the GPU page of
// that tile holds: across an edge the same-zoom neighbour's samples when `neighbours` has that neighbour,
// else the edge sample repeated; NaN samples as the tile's valid mean (assemblePage's rules).
double sampleTile(TileId id, const HeightTile& tile, const TileLookup& neighbours, double lat, double lon);

// The deepest tile containing the point, from `maxZoom` up to `minZoom`, that `lookup` has, sampled with
// sampleTile (neighbours from `lookup` too). nullopt when no zoom has one.
std::optional<HeightSample> sampleDeepest(double lat, double lon, int minZoom, int maxZoom, const TileLookup& lookup);

// 512-sample tiles (Terrain-RGB @2x) averaged 2x2 to the 256 that pages hold (NaN samples left out).
HeightTile toPageResolution(HeightTile tile);

// Full-detail heights straight from a source: the deepest tile the source has at a point, fetched and
// decoded on the caller's thread (blocking: an HTTP source makes this slow) and kept in a small cache.
// Not thread-safe; one per user.
class HeightProbe {
public:
    // `cacheTiles`: decoded tiles kept (256 KiB each); picks cluster, so a few dozen cover a view.
    explicit HeightProbe(std::shared_ptr<TileSource> source, size_t cacheTiles = 64);

    // Deepest the source has at (lat, lon), from its max zoom up to `aboveZoom` + 1 (a coarser answer the
    // caller already has). nullopt when no such zoom has the tile; an Error when a fetch fails.
    Result<std::optional<HeightSample>> sample(double lat, double lon, int aboveZoom = -1);

private:
    // nullptr: the source has no such tile. Shared so that a tile stays alive while it is sampled even if
    // fetching its neighbours pushes it out of the cache.
    Result<std::shared_ptr<const HeightTile>> tile(TileId id);

    std::shared_ptr<TileSource> m_source;
    LruCache<TileId, std::shared_ptr<const HeightTile>> m_cache;
    std::unordered_set<TileId> m_absent;
};

}  // namespace fl::terrain
