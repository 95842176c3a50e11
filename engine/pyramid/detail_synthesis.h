// pyramid/detail_synthesis.h — plausible terrain detail below a source's resolution.
// Owns: mean-preserving fractal detail (one octave per zoom level: a smooth upsample of the parent level plus
// hashed fBm noise, corrected so every 2x2 child block averages to its parent pixel exactly).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "terrain/height_codec.h"
#include "terrain/tile_id.h"

namespace fl::pyramid {

using terrain::HeightTile;
using terrain::TileBounds;
using terrain::TileId;

// Recorded in archive metadata; changing it changes every synthesized tile.
inline constexpr uint64_t kDefaultDetailSeed = 20100;

struct DetailSynthesisOptions {
    // Mixed into the hash of every noise sample. Same seed, same tiles, on any machine and thread count.
    uint64_t seed = kDefaultDetailSeed;
    // Hurst exponent of the added fBm: each level's octave is 2^-hurst of the one before relative to local
    // roughness. 0.75 is typical of eroded mountain terrain; higher is smoother, lower rougher and noisier.
    double hurst = 0.75;
    // Octave amplitude per metre of the parent's local roughness (RMS second difference, which ignores
    // uniform slopes, so smooth fans and plains stay smooth and rugged ranges get rugged). Tuned so that the
    // roughness measured on a synthesized level falls by ~2^-hurst per level, i.e. the cascade neither dies
    // out nor grows.
    double roughness = 0.9;
    // Fraction of the detail taken away on valley floors (low in their 5x5 parent neighbourhood): sediment
    // fills valleys, so they read as flat floors between rough slopes. 0 = uniform detail.
    double valleyDamping = 0.6;
    // Smooth mean correction passes (Catmull-Rom upsample of the 2x2 block residual, subtracted). Each pass
    // shrinks the residual at least ~2x; what is left after them (~1e-4 of the first residual) is removed by a
    // per-block constant too small to show. More passes widen the apron (2 parent pixels each).
    int correctionIterations = 12;
};

// Parent pixels needed on every side of a child tile's parent footprint so that the tile does not depend on
// where the parent region ends (its dependency cone): adjacent tiles computed independently then agree
// exactly, as if the whole level had been computed at once.
int detailApron(const DetailSynthesisOptions& options = {});

// The four children of a parent region at once. `parent` is w x h heights (row-major, NaN = nodata) of zoom
// `parentZoom` whose pixel (0, 0) is global pixel (originX, originY) of that zoom (global = tile * 256 +
// pixel; origins may be negative or beyond the world when a caller pads). Returns 2w x 2h child heights of
// zoom parentZoom + 1, as doubles (before quantization). Children of NaN parents are NaN. Only the part more
// than 2 * detailApron() child pixels from the edge is final.
std::vector<double> synthesizeChildren(int parentZoom, int64_t originX, int64_t originY, int w, int h,
                                       std::span<const float> parent, const DetailSynthesisOptions& options = {});

// One child tile. `parentRegion` is (128 + 2a) x (128 + 2a) heights of zoom child.z - 1 with a =
// detailApron(options), starting at global parent pixel (child.x * 128 - a, child.y * 128 - a).
// child.z >= 1.
HeightTile synthesizeChildTile(TileId child, std::span<const float> parentRegion,
                               const DetailSynthesisOptions& options = {});

}  // namespace fl::pyramid
