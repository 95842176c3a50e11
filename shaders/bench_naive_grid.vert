#version 450
#extension GL_GOOGLE_include_directive : require
#include "shared/common.glsl"
#include "shared/bench_passes.glsl"

// The naive reference of `frontline bench terrain`: one instance per tile, each a full 256x256-cell grid
// (one cell per height sample, no LOD). Placement is the per-tile pipeline's (terrain_tile.vert at the time
// the bench was written), copied so the reference stays fixed while the renderer changes.
// xy = fraction of the drawn area (x east, y south), z = 1 on the skirt.
layout(location = 0) in vec4 inGrid;

layout(location = 0) out vec3 outRelPos;
layout(location = 1) out vec3 outUp;
layout(location = 2) out vec3 outPage;  // page texel coordinate (xy) and layer (z) for the normals
layout(location = 3) out float outHeight;
layout(location = 4) flat out uint outTile;

const float kEcc2 = 0.00669437999014;  // WGS84 first eccentricity squared
const float kSemiMajor = 6378137.0;

// Bilinear height from the page with exact texel fetches (no dependence on the device's filtering).
float pageHeight(vec2 coord, float layer) {
    vec2 p = coord - 0.5;
    ivec2 i = ivec2(floor(p));
    vec2 t = p - vec2(i);
    int l = int(layer);
    i = clamp(i, ivec2(0), ivec2(int(kBenchPageSamples) - 2));
    float h00 = texelFetch(benchPages, ivec3(i, l), 0).r;
    float h10 = texelFetch(benchPages, ivec3(i + ivec2(1, 0), l), 0).r;
    float h01 = texelFetch(benchPages, ivec3(i + ivec2(0, 1), l), 0).r;
    float h11 = texelFetch(benchPages, ivec3(i + ivec2(1, 1), l), 0).r;
    return mix(mix(h00, h10, t.x), mix(h01, h11, t.x), t.y);
}

void main() {
    BenchTile tile = benchTiles[gl_InstanceIndex];
    vec2 f = inGrid.xy;
    vec2 pf = tile.pageRect.xy + f * tile.pageRect.zw;
    vec3 page = vec3(benchPageCoord(pf), tile.tile.z);
    float h = pageHeight(page.xy, page.z);

    // Position on the ellipsoid relative to the tile centre in the tile's ENU frame, from products of small
    // differences (see the derivation in terrain_tile.vert of the per-tile pipeline).
    float span = tile.tile.y;
    float dLon = (f.x - 0.5) * span;
    float dY = (0.5 - f.y) * span;
    float y0 = tile.tile.x;
    float dLat = 2.0 * atan(sinh(0.5 * dY) / cosh(y0 + 0.5 * dY));
    float s0 = tile.axisE.w, c0 = tile.axisN.w, N0 = tile.axisU.w;
    float sdl = sin(dLat), cdl = cos(dLat), shl = sin(0.5 * dLat);
    float s = s0 * cdl + c0 * sdl;
    float c = c0 * cdl - s0 * sdl;
    float hs = sin(0.5 * dLon);
    float oneMinusCosLon = 2.0 * hs * hs;
    vec3 U = vec3(c * sin(dLon), sdl + s0 * c * oneMinusCosLon, cdl - c0 * c * oneMinusCosLon);
    float ds = 2.0 * (c0 * cos(0.5 * dLat) - s0 * shl) * shl;
    float w = sqrt(1.0 - kEcc2 * s * s), w0 = sqrt(1.0 - kEcc2 * s0 * s0);
    float N = kSemiMajor / w;
    float dN = N * N0 * kEcc2 * ds * (s + s0) / (kSemiMajor * (w + w0));
    float nsDiff = N * ds + dN * s0;
    float uMinus1 = -2.0 * shl * shl - c0 * c * oneMinusCosLon;
    vec3 G = vec3(N * c * sin(dLon), N * U.y - kEcc2 * c0 * nsDiff, dN * U.z + N0 * uMinus1 - kEcc2 * s0 * nsDiff);

    float lift = h * frame.params.x + tile.tile.w - inGrid.z * tile.originFromCamera.w;
    mat3 toScene = mat3(tile.axisE.xyz, tile.axisN.xyz, tile.axisU.xyz);
    vec3 rel = tile.originFromCamera.xyz + toScene * (G + U * lift);
    outRelPos = rel;
    outUp = toScene * U;
    outPage = page;
    outHeight = h;
    outTile = uint(gl_InstanceIndex);
    gl_Position = frame.viewProj * vec4(rel, 1.0);
}
