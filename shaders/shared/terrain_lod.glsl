// Shared GLSL of the GPU-driven terrain: the terrain descriptor set, the resident-page hash table, page
// references, and the one function that places a Web Mercator point on the WGS84 ellipsoid relative to the
// camera. Selection (terrain_select.comp) and drawing (terrain_lod.vert) must agree bit for bit on all of
// it: a vertex two patches share is computed by both from the same inputs, so they meet without cracks.
#ifndef FRONTLINE_TERRAIN_LOD_GLSL
#define FRONTLINE_TERRAIN_LOD_GLSL

#include "shared/gpu_types.h"

#ifndef TERRAIN_STORAGE
#define TERRAIN_STORAGE readonly
#endif

layout(set = 1, binding = 0) uniform sampler2DArray heightPages;  // R32F, 258^2 per page (tile_page.h)
layout(set = 1, binding = 1) uniform sampler2DArray gradientPages;  // RG16F slopes at sample corners
layout(set = 1, binding = 3) uniform sampler2D geoidGrid;           // EGM96 undulation (m)
layout(set = 1, binding = 4, std430) readonly buffer PageTable { uvec4 pageTable[]; };
layout(set = 1, binding = 5, std430) TERRAIN_STORAGE buffer PageBounds { vec2 pageBounds[]; };
layout(set = 1, binding = 8, std430) TERRAIN_STORAGE buffer Patches { TerrainPatch patches[]; };
layout(set = 1, binding = 9, std140) uniform TerrainBlock { TerrainUniforms terrain; };
layout(set = 1, binding = 10, std430) TERRAIN_STORAGE buffer Order { uint patchOrder[]; };
#ifdef TERRAIN_COUNTERS
// The compute passes' counters; render/terrain_renderer.cpp has the same layout as byte offsets.
layout(set = 1, binding = 7, std430) buffer Counters {
    uvec4 levelArgs[FRONTLINE_MAX_LEVELS];  // xyz: dispatch size of the level, w: nodes in it
    uvec4 patchArgs;                        // xyz: dispatch size over patches, w: patches
    uint drawArgs[8];                       // VkDrawIndexedIndirectCommand
    uint stats[8];                          // 0: nodes visited, 1: node overflow, 2: patch overflow
    uint bins[FRONTLINE_TERRAIN_BINS];      // patches per log-distance bin
    uint binCursor[FRONTLINE_TERRAIN_BINS];
    // The level terrain_select.comp walks, written by the CPU before each of its dispatches. Read from here,
    // not from a push constant: lavapipe 22.3 compiles (and never frees) a new shader variant at every
    // dispatch whose push constants steer control flow (gpu/pipeline.h).
    uint walkLevel;
};
#endif

const float kPi = 3.14159265358979;
const float kSemiMajor = 6378137.0;
const float kEcc2 = 0.00669437999014;  // WGS84 first eccentricity squared
const int kCells = FRONTLINE_TERRAIN_CELLS;
const float kTileSamples = 256.0;
const float kPageSamples = 258.0;
const uint kNoPage = 0xFFFFFFFFu;

// --- The resident-page table (render/terrain_renderer.cpp builds the same hash on the CPU). ---
uint tileHash(uint z, uint x, uint y) {
    uint h = (x * 0x9E3779B1u) ^ ((y + 0x7F4A7C15u) * 0x85EBCA77u) ^ (z * 0xC2B2AE3Du);
    return h ^ (h >> 15);
}

// Page layer of tile (z, x, y), or kNoPage. Open addressing with linear probing; the table is at most a
// quarter full, so probes are short.
uint findPage(uint z, uint x, uint y) {
    uint key = x | (z << 24);
    uint mask = terrain.table.x;
    uint i = tileHash(z, x, y) & mask;
    for (uint probe = 0u; probe <= mask; ++probe) {
        uvec4 e = pageTable[i];
        if (e.x == kNoPage) return kNoPage;
        if (e.x == key && e.y == y) return e.z;
        i = (i + 1u) & mask;
    }
    return kNoPage;
}

// A page reference: tile (zoom, x, y) and its layer, packed as (x | zoom << 24, y | layer << 20).
uvec2 packRef(uint z, uint x, uint y, uint layer) {
    return uvec2(x | (z << 24), y | (layer << 20));
}
uint refZoom(uvec2 r) { return r.x >> 24; }
uvec2 refTile(uvec2 r) { return uvec2(r.x & 0xFFFFFFu, r.y & 0xFFFFFu); }
uint refLayer(uvec2 r) { return r.y >> 20; }
uvec2 patchRef(TerrainPatch p, uint k) {
    uvec4 v = p.refs[k >> 1];
    return (k & 1u) == 0u ? v.xy : v.zw;
}

// Page texel coordinate (texel centres at k + 0.5) of Mercator point `uv` in the page of `r`. Exact in
// float: uv is a multiple of a power of two and the scale is one.
vec2 refPageCoord(uvec2 r, vec2 uv) {
    vec2 f = uv * float(1u << refZoom(r)) - vec2(refTile(r));
    return f * kTileSamples + 1.0;
}

// Bilinear height (m above MSL) with exact texel fetches, independent of the device's filtering.
float pageHeight(vec2 coord, uint layer) {
    vec2 p = coord - 0.5;
    ivec2 i = clamp(ivec2(floor(p)), ivec2(0), ivec2(int(kPageSamples) - 2));
    vec2 t = clamp(p - vec2(i), 0.0, 1.0);
    int l = int(layer);
    float h00 = texelFetch(heightPages, ivec3(i, l), 0).r;
    float h10 = texelFetch(heightPages, ivec3(i + ivec2(1, 0), l), 0).r;
    float h01 = texelFetch(heightPages, ivec3(i + ivec2(0, 1), l), 0).r;
    float h11 = texelFetch(heightPages, ivec3(i + ivec2(1, 1), l), 0).r;
    return mix(mix(h00, h10, t.x), mix(h01, h11, t.x), t.y);
}

float refHeight(uvec2 r, vec2 uv) {
    return pageHeight(refPageCoord(r, uv), refLayer(r));
}

// Slope (dh/dEast, dh/dNorth) at page coordinate `coord`: the gradient page holds corner values, corner k
// at coordinate k, so texel k's centre (k + 0.5) is sampled at coord + 0.5.
vec2 pageGradient(vec2 coord, uint layer) {
    return texture(gradientPages, vec3((coord + 0.5) / kPageSamples, float(layer))).xy;
}

// Geoid undulation N (m) at a latitude/longitude in degrees; 0 without a geoid. Branch-free on purpose: a branch
// on a uniform makes lavapipe 22.3 compile (and never free) a new variant of the shader each frame
// (gpu/pipeline.h); the sample of a missing grid (1x1, zeros) is multiplied away.
float geoidAt(float latDeg, float lonDeg) {
    vec2 cell = vec2((lonDeg - terrain.geoid.y) / terrain.geoid.w, (terrain.geoid.x - latDeg) / terrain.geoid.z);
    float n = texture(geoidGrid, cell / max(vec2(terrain.table.yz), vec2(1.0))).r;
    return n * float(terrain.table.w != 0u);
}

// --- Position: Mercator (u, v) at `lift` metres above the ellipsoid, relative to the eye, camera ENU. ---
struct Surface {
    vec3 rel;    // eye to the point, camera ENU (m)
    vec3 up;     // ellipsoid normal at the point, camera ENU
    vec3 east;   // local east at the point, camera ENU
    float lat;   // degrees (for the geoid)
    float lon;
    float cosLat;
};

Surface placeOnEllipsoid(vec2 uv, float lift) {
    // (u - camera) is exact: both are close floats (Sterbenz) and the remainder is added after.
    vec2 d = (uv - terrain.camMerc.xy) - terrain.camMerc.zw;
    float dLon = 2.0 * kPi * d.x;
    float dY = -2.0 * kPi * d.y;  // Mercator y grows north, v grows south
    float yc = terrain.camGeo.w;
    // Difference of Gudermannians: gd(yc + dY) - gd(yc) without cancellation.
    float dLat = 2.0 * atan(sinh(0.5 * dY) / cosh(yc + 0.5 * dY));
    float s0 = terrain.camGeo.x, c0 = terrain.camGeo.y, N0 = terrain.camGeo.z;
    float sdl = sin(dLat), cdl = cos(dLat), shl = sin(0.5 * dLat);
    float s = s0 * cdl + c0 * sdl;  // sin(lat)
    float c = c0 * cdl - s0 * sdl;  // cos(lat)
    float hs = sin(0.5 * dLon);
    float oneMinusCosLon = 2.0 * hs * hs;
    float sinLon = sin(dLon);
    vec3 U = vec3(c * sinLon, sdl + s0 * c * oneMinusCosLon, cdl - c0 * c * oneMinusCosLon);
    // Every term a product of small differences: sin(lat) - sin(lat0), N(lat) - N(lat0).
    float ds = 2.0 * (c0 * cos(0.5 * dLat) - s0 * shl) * shl;
    float w = sqrt(1.0 - kEcc2 * s * s), w0 = sqrt(1.0 - kEcc2 * s0 * s0);
    float N = kSemiMajor / w;
    float dN = N * N0 * kEcc2 * ds * (s + s0) / (kSemiMajor * (w + w0));
    float nsDiff = N * ds + dN * s0;  // N sin(lat) - N0 sin(lat0)
    float uMinus1 = -2.0 * shl * shl - c0 * c * oneMinusCosLon;
    vec3 G = vec3(N * c * sinLon, N * U.y - kEcc2 * c0 * nsDiff, dN * U.z + N0 * uMinus1 - kEcc2 * s0 * nsDiff);
    Surface o;
    // G is the point on the ellipsoid from the ellipsoid point under the eye; the eye is camHeight.x above it.
    o.rel = G + U * lift - vec3(0.0, 0.0, terrain.camHeight.x);
    o.up = U;
    o.east = vec3(cos(dLon), s0 * sinLon, -c0 * sinLon);
    o.lat = terrain.camLatLon.x + degrees(dLat);
    o.lon = terrain.camLatLon.y + degrees(dLon);
    o.cosLat = c;
    return o;
}

// Ground size (m) of one grid cell of a level-`level` patch at latitude cos `cosLat`.
float cellSize(uint level, float cosLat) {
    return 2.0 * kPi * kSemiMajor * cosLat / (float(1u << level) * float(kCells));
}

// Distance below which level `level` is too coarse for the pixel-error target (selection subdivides
// closer than this; vertices of the next finer level finish morphing into this level's grid at it).
float lodRange(uint level, float cosLat) {
    float cell = cellSize(level, cosLat);
    return max(terrain.lod.x * cell, terrain.lod.y * cell * float(kCells));
}

#endif
