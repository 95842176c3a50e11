// pyramid/pyramid_builder.h — PMTiles elevation pyramids built from GDAL rasters (`frontline tiles build`).
// Owns: PyramidBuildOptions, buildPyramid (warp down to the sources' native zoom, fill holes from coarser
// levels, optionally synthesize mean-preserving detail beyond it, encode Terrarium, write deterministically).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "pyramid/detail_synthesis.h"
#include "terrain/tile_id.h"

namespace fl::pyramid {

using terrain::HeightTile;
using terrain::TileBounds;
using terrain::TileId;

struct PyramidBuildOptions {
    std::vector<std::string> inputs;  // GDAL rasters, mosaicked in order: later inputs on top (see TileWarper)
    std::string outPath;              // the .pmtiles file, replaced atomically when the build succeeds
    int minZoom = 0;                  // lowest zoom written
    // Highest zoom written. nullopt = the zoom whose pixel matches the finest input at the bbox's centre
    // latitude (the native zoom): beyond it a plain warp only interpolates, which synthesizeDetail replaces.
    std::optional<int> maxZoom;
    // West, south, east, north in degrees. nullopt = the union of the inputs' extents (clamped to Mercator).
    std::optional<TileBounds> bbox;
    // Zooms up to this one cover everything the inputs cover, not just the bbox: cheap context around the
    // region (a 90" grid is ~10 tiles a level there) so wide shots have terrain to the horizon.
    std::optional<int> contextMaxZoom;
    // Zooms beyond the native zoom are synthesized (mean-preserving fBm, see detail_synthesis.h) instead of
    // interpolated, and the archive says so (attribution and metadata). Needs the previous level of the bbox
    // in memory (4 bytes a pixel: ~200 MB for a 2 x 2 degree bbox at z12); fine for regional pyramids, not
    // for continents.
    bool synthesizeDetail = false;
    DetailSynthesisOptions detail;  // seed and tuning of the synthesis (its seed is recorded in the metadata)
    // Worker threads for the tiles of each level; 0 = std::thread::hardware_concurrency(). The output does
    // not depend on it.
    int threads = 0;
    // Credit line; nullopt = known from the inputs (GMTED2010), else their file names.
    std::optional<std::string> attribution;
    // Called after every tile (from worker threads, one call at a time): tiles done of the total, which
    // includes the one-tile ring around the bbox that coarser levels compute for the finer ones' edges.
    std::function<void(size_t done, size_t total)> progress;
};

struct PyramidBuildReport {
    struct Level {
        int zoom = 0;
        size_t tiles = 0;  // written (all-nodata tiles are skipped)
        bool synthesized = false;
    };
    std::vector<Level> levels;  // written zooms, ascending
    size_t tiles = 0;
    uint64_t bytes = 0;  // archive size
    double seconds = 0;
    int nativeZoom = 0;
    std::optional<int> synthesizedFromZoom;
    double sourceResolutionMetres = 0;
    TileBounds bounds;
    std::string metadataJson;
};

Result<PyramidBuildReport> buildPyramid(const PyramidBuildOptions& options);

// `bbox` is usable as a Mercator region: finite, west < east, south < north, inside +-180 / +-kMaxMercatorLat.
// Error{"...: problem"} naming `what` (e.g. "--bbox") otherwise.
Result<TileBounds> checkBbox(const TileBounds& bbox, const std::string& what);

}  // namespace fl::pyramid
