#version 450
#extension GL_GOOGLE_include_directive : require
#define FRONTLINE_TILE_PUSH
#include "shared/common.glsl"
#include "shared/terrain_shading.glsl"
#include "shared/terrain_tile.glsl"

layout(location = 0) in vec3 inRelPos;
layout(location = 1) in vec3 inUp;
layout(location = 2) in vec3 inPage;
layout(location = 3) in float inHeight;

layout(location = 0) out vec4 outColor;

void main() {
    // Slopes per pixel from the page itself (central differences over one sample, filtered by the
    // sampler), so shading has the tile's full 256-sample detail whatever the grid resolution.
    vec2 inv = vec2(1.0 / kPageSamples);
    vec2 uv = inPage.xy * inv;
    float l = inPage.z;
    float hE = texture(pages, vec3(uv + vec2(inv.x, 0), l)).r, hW = texture(pages, vec3(uv - vec2(inv.x, 0), l)).r;
    float hS = texture(pages, vec3(uv + vec2(0, inv.y), l)).r, hN = texture(pages, vec3(uv - vec2(0, inv.y), l)).r;
    // Ground size of one sample: Mercator is conformal, so east and north scale alike.
    float sampleSize = push.axisU.w * push.axisN.w * push.tile.y / kTileSamples;
    vec2 grad = vec2(hE - hW, hN - hS) / (2.0 * sampleSize);  // d/dEast, d/dNorth
    vec3 gradient = push.axisE.xyz * grad.x + push.axisN.xyz * grad.y;
    outColor = shadeTerrain(inRelPos, inUp, gradient, inHeight, sampleSize);
}
