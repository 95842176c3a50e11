#version 450
#extension GL_GOOGLE_include_directive : require
#define FRONTLINE_TILE_PUSH
#include "shared/common.glsl"
#include "shared/terrain_tile.glsl"

// One vertex of the shared tile grid: xy = fraction of the drawn area (x east, y south), z = 1 on the
// skirt (a curtain hanging from the tile's edge that hides cracks between tiles of different zoom).
layout(location = 0) in vec4 inGrid;

layout(location = 0) out vec3 outRelPos;
layout(location = 1) out vec3 outUp;
layout(location = 2) out vec3 outPage;  // page texel coordinate (xy) and layer (z) for the normals
layout(location = 3) out float outHeight;

const float kEcc2 = 0.00669437999014;  // WGS84 first eccentricity squared
const float kSemiMajor = 6378137.0;

// Bilinear height from the page with exact texel fetches (no dependence on the device's filtering).
float pageHeight(vec2 coord, float layer) {
    vec2 p = coord - 0.5;
    ivec2 i = ivec2(floor(p));
    vec2 t = p - vec2(i);
    int l = int(layer);
    i = clamp(i, ivec2(0), ivec2(int(kPageSamples) - 2));
    float h00 = texelFetch(pages, ivec3(i, l), 0).r, h10 = texelFetch(pages, ivec3(i + ivec2(1, 0), l), 0).r;
    float h01 = texelFetch(pages, ivec3(i + ivec2(0, 1), l), 0).r, h11 = texelFetch(pages, ivec3(i + ivec2(1, 1), l), 0).r;
    return mix(mix(h00, h10, t.x), mix(h01, h11, t.x), t.y);
}

void main() {
    vec2 f = inGrid.xy;                            // fraction of the drawn region
    vec2 pf = push.pageRect.xy + f * push.pageRect.zw;  // fraction of the page's tile
    vec3 page = vec3(pageCoord(pf), push.tile.z);
    float h = pageHeight(page.xy, page.z);

    // Position on the ellipsoid relative to the tile centre (lat0, lon0), in the tile's own ENU frame.
    // Longitude is linear in x; latitude comes from the Mercator y offset through an identity for the
    // difference of Gudermannians, and every term below is a product of small differences, so float
    // keeps millimetres at any zoom instead of losing half a metre to 6.4e6-sized cancellations.
    float span = push.tile.y;
    float dLon = (f.x - 0.5) * span;
    float dY = (0.5 - f.y) * span;  // Mercator y grows north
    float y0 = push.tile.x;
    float dLat = 2.0 * atan(sinh(0.5 * dY) / cosh(y0 + 0.5 * dY));
    float s0 = push.axisE.w, c0 = push.axisN.w, N0 = push.axisU.w;
    float sdl = sin(dLat), cdl = cos(dLat), shl = sin(0.5 * dLat);
    float s = s0 * cdl + c0 * sdl;  // sin(lat)
    float c = c0 * cdl - s0 * sdl;  // cos(lat)
    float hs = sin(0.5 * dLon);
    float oneMinusCosLon = 2.0 * hs * hs;
    vec3 U = vec3(c * sin(dLon), sdl + s0 * c * oneMinusCosLon, cdl - c0 * c * oneMinusCosLon);
    // sin(lat) - sin(lat0) and N(lat) - N(lat0) as differences.
    float ds = 2.0 * (c0 * cos(0.5 * dLat) - s0 * shl) * shl;
    float w = sqrt(1.0 - kEcc2 * s * s), w0 = sqrt(1.0 - kEcc2 * s0 * s0);
    float N = kSemiMajor / w;
    float dN = N * N0 * kEcc2 * ds * (s + s0) / (kSemiMajor * (w + w0));
    float nsDiff = N * ds + dN * s0;  // N sin(lat) - N0 sin(lat0)
    float uMinus1 = -2.0 * shl * shl - c0 * c * oneMinusCosLon;
    vec3 G = vec3(N * c * sin(dLon), N * U.y - kEcc2 * c0 * nsDiff, dN * U.z + N0 * uMinus1 - kEcc2 * s0 * nsDiff);

    // Heights: MSL sample, exaggerated, on the geoid (one undulation per tile); skirts hang below.
    float lift = h * frame.params.x + push.tile.w - inGrid.z * push.originFromCamera.w;
    vec3 local = G + U * lift;
    mat3 toScene = mat3(push.axisE.xyz, push.axisN.xyz, push.axisU.xyz);
    vec3 rel = push.originFromCamera.xyz + toScene * local;
    outRelPos = rel;
    outUp = toScene * U;
    outPage = page;
    outHeight = h;
    gl_Position = frame.viewProj * vec4(rel, 1.0);
}
