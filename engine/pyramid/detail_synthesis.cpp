#include "pyramid/detail_synthesis.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>

namespace fl::pyramid {

// The pyramid is built of the streaming runtime's tiles, ids, codecs and archives.
using namespace fl::terrain;
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Catmull-Rom weights for a 2x upsample of pixel-is-area samples: child 2i sits 1/4 pixel west of parent i
// (taps i-2 .. i+1), child 2i+1 1/4 pixel east (taps i-1 .. i+2). Catmull-Rom rather than bilinear: it is
// C1, so a hillshade (which shows the gradient) has no creases along parent pixel centres, and as the
// correction's upsampler it damps the worst-case (checkerboard) residual by 0.47 per pass where bilinear
// only manages 0.75.
constexpr double kCatmullRom[2][4] = {{-0.0234375, 0.2265625, 0.8671875, -0.0703125},
                                      {-0.0703125, 0.8671875, 0.2265625, -0.0234375}};

// Dilation passes that fill nodata from valid neighbours before anything else looks at the parent: enough
// for the smoothing kernels next to a data edge; pixels further from data get 0, and their children are
// NaN anyway.
constexpr int kFillPasses = 2;
constexpr int kRoughnessRadius = 2;  // 5x5 parent window for roughness and the valley test

int clampIndex(int i, int n) {
    return std::clamp(i, 0, n - 1);
}

// 2x Catmull-Rom upsample of a w x h grid into a 2w x 2h one; the grid's edges are extended by clamping.
void upsample(const std::vector<double>& in, int w, int h, std::vector<double>& out, std::vector<double>& rows) {
    const int W = 2 * w;
    rows.resize(size_t(W) * h);
    out.resize(size_t(W) * 2 * h);
    for (int y = 0; y < h; ++y) {
        const double* src = &in[size_t(y) * w];
        double* dst = &rows[size_t(y) * W];
        for (int i = 0; i < w; ++i) {
            double even = 0, odd = 0;
            for (int k = 0; k < 4; ++k) {
                even += kCatmullRom[0][k] * src[clampIndex(i - 2 + k, w)];
                odd += kCatmullRom[1][k] * src[clampIndex(i - 1 + k, w)];
            }
            dst[2 * i] = even;
            dst[2 * i + 1] = odd;
        }
    }
    for (int j = 0; j < h; ++j) {
        for (int parity = 0; parity < 2; ++parity) {
            double* dst = &out[size_t(2 * j + parity) * W];
            std::fill(dst, dst + W, 0.0);
            for (int k = 0; k < 4; ++k) {
                const double wk = kCatmullRom[parity][k];
                const double* src = &rows[size_t(clampIndex(j - 2 + parity + k, h)) * W];
                for (int x = 0; x < W; ++x) dst[x] += wk * src[x];
            }
        }
    }
}

// Bilinear 2x upsample (pixel-is-area, clamped): for the amplitude field, where smoothness matters less than
// never overshooting below zero.
void upsampleBilinear(const std::vector<double>& in, int w, int h, std::vector<double>& out) {
    const int W = 2 * w, H = 2 * h;
    out.resize(size_t(W) * H);
    for (int cy = 0; cy < H; ++cy) {
        const int y0 = (cy & 1) ? cy / 2 : cy / 2 - 1;  // the parent row above the child centre
        const double ty = (cy & 1) ? 0.25 : 0.75;       // weight of the row below
        const int ya = clampIndex(y0, h), yb = clampIndex(y0 + 1, h);
        for (int cx = 0; cx < W; ++cx) {
            const int x0 = (cx & 1) ? cx / 2 : cx / 2 - 1;
            const double tx = (cx & 1) ? 0.25 : 0.75;
            const int xa = clampIndex(x0, w), xb = clampIndex(x0 + 1, w);
            const double top = (1 - tx) * in[size_t(ya) * w + xa] + tx * in[size_t(ya) * w + xb];
            const double bottom = (1 - tx) * in[size_t(yb) * w + xa] + tx * in[size_t(yb) * w + xb];
            out[size_t(cy) * W + cx] = (1 - ty) * top + ty * bottom;
        }
    }
}

uint64_t mix64(uint64_t z) {  // splitmix64's finalizer
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

// Uniform in [-1, 1) from the seed, zoom and global pixel alone: no generator state, so any tile on any
// thread computes the same value for the same pixel.
double hashUnit(uint64_t seed, int z, int64_t x, int64_t y) {
    uint64_t k = mix64(seed ^ (uint64_t(z + 1) * 0x9e3779b97f4a7c15ull));
    k = mix64(k + uint64_t(x) * 0xd1b54a32d192ed03ull);
    k = mix64(k + uint64_t(y) * 0xaef17502108ef2d9ull);
    return double(k >> 11) * 0x1.0p-52 - 1.0;
}

// Per-block residual: mean of each 2x2 child block minus its parent.
void blockResidual(const std::vector<double>& child, const std::vector<double>& parent, int w, int h,
                   std::vector<double>& residual) {
    const int W = 2 * w;
    residual.resize(size_t(w) * h);
    for (int y = 0; y < h; ++y) {
        const double* r0 = &child[size_t(2 * y) * W];
        const double* r1 = r0 + W;
        for (int x = 0; x < w; ++x)
            residual[size_t(y) * w + x] =
                (r0[2 * x] + r0[2 * x + 1] + r1[2 * x] + r1[2 * x + 1]) * 0.25 - parent[size_t(y) * w + x];
    }
}

}  // namespace

int detailApron(const DetailSynthesisOptions& options) {
    // Cone of a child pixel, in parent pixels: fill (kFillPasses) + roughness window and second difference
    // (kRoughnessRadius + 1) + amplitude upsample (1), or the Catmull-Rom base (2) after the fill; then 2 per
    // correction pass. One more for safety against an off-by-one in this sum (a test checks the cone).
    return kFillPasses + kRoughnessRadius + 1 + 1 + 2 * std::max(0, options.correctionIterations) + 1;
}

std::vector<double> synthesizeChildren(int parentZoom, int64_t originX, int64_t originY, int w, int h,
                                       std::span<const float> parent, const DetailSynthesisOptions& options) {
    assert(w > 0 && h > 0 && parent.size() >= size_t(w) * h);
    const size_t n = size_t(w) * h;
    const int W = 2 * w, H = 2 * h;

    // 1. Nodata filled from neighbours so the kernels below see finite numbers.
    std::vector<double> p(n);
    std::vector<uint8_t> valid(n);
    for (size_t i = 0; i < n; ++i) {
        valid[i] = std::isfinite(parent[i]);
        p[i] = valid[i] ? parent[i] : kNaN;
    }
    if (std::find(valid.begin(), valid.end(), uint8_t(0)) != valid.end()) {
        std::vector<double> prev;
        for (int pass = 0; pass < kFillPasses; ++pass) {
            prev = p;
            for (int y = 0; y < h; ++y) {
                for (int x = 0; x < w; ++x) {
                    if (!std::isnan(prev[size_t(y) * w + x])) continue;
                    double sum = 0;
                    int count = 0;
                    for (int dy = -1; dy <= 1; ++dy)
                        for (int dx = -1; dx <= 1; ++dx) {
                            const int xx = x + dx, yy = y + dy;
                            if (xx < 0 || yy < 0 || xx >= w || yy >= h) continue;
                            const double v = prev[size_t(yy) * w + xx];
                            if (std::isnan(v)) continue;
                            sum += v;
                            ++count;
                        }
                    if (count > 0) p[size_t(y) * w + x] = sum / count;
                }
            }
        }
        for (double& v : p)
            if (std::isnan(v)) v = 0;
    }

    // 2. Octave amplitude per parent pixel from local roughness (RMS second difference over a 5x5 window) and
    // the valley test (height within the window's range).
    std::vector<double> secondDiff2(n, 0.0);
    std::vector<uint8_t> hasSecondDiff(n, 0);
    for (int y = 0; y < h; ++y) {
        for (int x = 0; x < w; ++x) {
            const size_t i = size_t(y) * w + x;
            double sum = 0;
            int count = 0;
            if (x > 0 && x < w - 1) {
                const double d = p[i - 1] + p[i + 1] - 2 * p[i];
                sum += d * d;
                ++count;
            }
            if (y > 0 && y < h - 1) {
                const double d = p[i - w] + p[i + w] - 2 * p[i];
                sum += d * d;
                ++count;
            }
            if (count) {
                secondDiff2[i] = sum / count;
                hasSecondDiff[i] = 1;
            }
        }
    }
    const double octave = options.roughness * std::pow(2.0, -options.hurst);
    std::vector<double> amplitude(n);
    for (int y = 0; y < h; ++y) {
        for (int x = 0; x < w; ++x) {
            double sum = 0, lo = std::numeric_limits<double>::max(), hi = std::numeric_limits<double>::lowest();
            int count = 0;
            for (int yy = std::max(0, y - kRoughnessRadius); yy <= std::min(h - 1, y + kRoughnessRadius); ++yy) {
                for (int xx = std::max(0, x - kRoughnessRadius); xx <= std::min(w - 1, x + kRoughnessRadius); ++xx) {
                    const size_t j = size_t(yy) * w + xx;
                    lo = std::min(lo, p[j]);
                    hi = std::max(hi, p[j]);
                    if (!hasSecondDiff[j]) continue;
                    sum += secondDiff2[j];
                    ++count;
                }
            }
            const double roughness = count ? std::sqrt(sum / count) : 0.0;
            const double t = hi > lo ? (p[size_t(y) * w + x] - lo) / (hi - lo) : 0.5;
            const double ridge = t * t * (3 - 2 * t);  // smoothstep: 0 on the valley floor, 1 on the crest
            amplitude[size_t(y) * w + x] = octave * roughness * (1 - options.valleyDamping * (1 - ridge));
        }
    }

    // 3. Smooth base, 4. plus one octave of noise: hashed white noise, blurred with a 3x3 binomial so the
    // octave sits at 2-4 child pixels (unblurred it reads as grain in a hillshade), scaled to unit variance.
    std::vector<double> child, rows;
    upsample(p, w, h, child, rows);
    std::vector<double> childAmplitude;
    upsampleBilinear(amplitude, w, h, childAmplitude);
    const int childZoom = parentZoom + 1;
    const int64_t gx0 = 2 * originX - 1, gy0 = 2 * originY - 1;
    const int NW = W + 2, NH = H + 2;
    std::vector<double> white(size_t(NW) * NH), blurredRows(size_t(W) * NH);
    for (int y = 0; y < NH; ++y)
        for (int x = 0; x < NW; ++x) white[size_t(y) * NW + x] = hashUnit(options.seed, childZoom, gx0 + x, gy0 + y);
    for (int y = 0; y < NH; ++y)
        for (int x = 0; x < W; ++x) {
            const double* r = &white[size_t(y) * NW + x];
            blurredRows[size_t(y) * W + x] = 0.25 * r[0] + 0.5 * r[1] + 0.25 * r[2];
        }
    // Uniform [-1, 1) has variance 1/3; the binomial blur keeps 0.375^2 of it: scale back to 1.
    const double unitScale = std::sqrt(3.0) / 0.375;
    for (int y = 0; y < H; ++y)
        for (int x = 0; x < W; ++x) {
            const double v = 0.25 * blurredRows[size_t(y) * W + x] + 0.5 * blurredRows[size_t(y + 1) * W + x] +
                             0.25 * blurredRows[size_t(y + 2) * W + x];
            child[size_t(y) * W + x] += childAmplitude[size_t(y) * W + x] * v * unitScale;
        }

    // 5. Mean preservation, smoothly: subtract the upsampled block residual a few times (it shrinks
    // geometrically), then remove the tiny remainder per block.
    std::vector<double> residual, correction;
    for (int it = 0; it < options.correctionIterations; ++it) {
        blockResidual(child, p, w, h, residual);
        upsample(residual, w, h, correction, rows);
        for (size_t i = 0; i < child.size(); ++i) child[i] -= correction[i];
    }
    blockResidual(child, p, w, h, residual);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            const double r = residual[size_t(y) * w + x];
            const bool keep = valid[size_t(y) * w + x];
            for (int dy = 0; dy < 2; ++dy)
                for (int dx = 0; dx < 2; ++dx) {
                    double& c = child[size_t(2 * y + dy) * W + 2 * x + dx];
                    c = keep ? c - r : kNaN;
                }
        }
    return child;
}

HeightTile synthesizeChildTile(TileId child, std::span<const float> parentRegion,
                               const DetailSynthesisOptions& options) {
    assert(child.z >= 1);
    const int a = detailApron(options);
    const int side = kTileSize / 2 + 2 * a;
    assert(parentRegion.size() >= size_t(side) * side);
    const std::vector<double> region =
        synthesizeChildren(child.z - 1, int64_t(child.x) * (kTileSize / 2) - a, int64_t(child.y) * (kTileSize / 2) - a,
                           side, side, parentRegion, options);
    HeightTile tile;
    tile.width = tile.height = kTileSize;
    tile.heights.resize(size_t(kTileSize) * kTileSize);
    const int W = 2 * side;
    for (int y = 0; y < kTileSize; ++y)
        for (int x = 0; x < kTileSize; ++x)
            tile.heights[size_t(y) * kTileSize + x] = float(region[size_t(2 * a + y) * W + 2 * a + x]);
    return tile;
}

}  // namespace fl::pyramid
