// Shared GLSL of the benchmark's reference passes (bench_floor.*, bench_naive_grid.*): their page array
// and tile records, in set 0 beside the frame uniforms of common.glsl.
#ifndef FRONTLINE_BENCH_PASSES_GLSL
#define FRONTLINE_BENCH_PASSES_GLSL

#include "shared/bench_types.h"

// Pages as the streamer lays them out (engine/terrain/tile_page.h): 256x256 samples plus a one-sample
// border, heights in metres above MSL, sample i of the tile centred at page texel coordinate i + 1.5.
layout(set = 0, binding = 1) uniform sampler2DArray benchPages;
layout(set = 0, binding = 2, std430) readonly buffer BenchTiles {
    BenchTile benchTiles[];
};

const float kBenchTileSamples = 256.0;
const float kBenchPageSamples = 258.0;

// Page texel coordinate (continuous, texel centres at k + 0.5) of tile fraction `f` of the page's tile.
vec2 benchPageCoord(vec2 f) {
    return f * kBenchTileSamples + 1.0;
}

// The terrain fragment's four filtered fetches: central differences over one sample around `page` (texel
// coordinate xy, layer z). Returns d(height)/d(east), d(height)/d(north) per sample, and the mean height.
vec3 benchPageSlopes(vec3 page) {
    vec2 inv = vec2(1.0 / kBenchPageSamples);
    vec2 uv = page.xy * inv;
    float l = page.z;
    float hE = texture(benchPages, vec3(uv + vec2(inv.x, 0), l)).r;
    float hW = texture(benchPages, vec3(uv - vec2(inv.x, 0), l)).r;
    float hS = texture(benchPages, vec3(uv + vec2(0, inv.y), l)).r;
    float hN = texture(benchPages, vec3(uv - vec2(0, inv.y), l)).r;
    return vec3(hE - hW, hN - hS, 0.25 * (hE + hW + hS + hN));
}

#endif
