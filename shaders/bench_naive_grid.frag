#version 450
#extension GL_GOOGLE_include_directive : require
#include "shared/common.glsl"
#include "shared/terrain_shading.glsl"
#include "shared/bench_passes.glsl"

layout(location = 0) in vec3 inRelPos;
layout(location = 1) in vec3 inUp;
layout(location = 2) in vec3 inPage;
layout(location = 3) in float inHeight;
layout(location = 4) flat in uint inTile;

layout(location = 0) out vec4 outColor;

// The terrain fragment: slopes from four filtered page fetches, then the shared shading.
void main() {
    BenchTile tile = benchTiles[inTile];
    vec3 slopes = benchPageSlopes(inPage);
    // Ground size of one sample: Mercator is conformal, so east and north scale alike.
    float sampleSize = tile.axisU.w * tile.axisN.w * tile.tile.y / kBenchTileSamples;
    vec2 grad = slopes.xy / (2.0 * sampleSize);
    vec3 gradient = tile.axisE.xyz * grad.x + tile.axisN.xyz * grad.y;
    outColor = shadeTerrain(inRelPos, inUp, gradient, inHeight, sampleSize);
}
