#version 450
#extension GL_GOOGLE_include_directive : require
// Per page, once after it is uploaded (and again when a neighbour's border arrives): the slopes the terrain
// is lit with (mode 0) and the min/max height pyramid the selection bounds nodes with (mode 1). The mode is a
// specialization constant (one pipeline each): as a push constant steering control flow, lavapipe 22.3
// compiled and leaked a new shader variant at every dispatch (gpu/pipeline.h).
//
// Slopes are computed at sample corners from the 2x2 samples around each corner, so a tile's edge corners
// use its own edge samples and its neighbour's (the page border): two tiles of a zoom compute identical
// slopes along their shared edge, and lighting has no seams.
#define TERRAIN_STORAGE
#include "shared/terrain_lod.glsl"

layout(local_size_x = 16, local_size_y = 16) in;
layout(push_constant) uniform Push {
    uint layer;
    uint zoom;
    uint tileY;
} pc;
layout(constant_id = 0) const uint kMode = 0u;
layout(set = 1, binding = 2, rg16f) uniform writeonly image2DArray gradientImage;

shared vec2 blocks[256];

float h(int x, int y) {
    return texelFetch(heightPages, ivec3(clamp(ivec2(x, y), ivec2(0), ivec2(257)), int(pc.layer)), 0).r;
}

void gradients() {
    ivec2 k = ivec2(gl_GlobalInvocationID.xy) + 1;  // corner k lies between texels k - 1 and k
    if (k.x > 257 || k.y > 257) return;
    // Ground size of a sample at the corner's latitude (Mercator is conformal: east and north alike).
    float v = (float(pc.tileY) + float(k.y - 1) / kTileSamples) / float(1u << pc.zoom);
    float cosLat = 1.0 / cosh(kPi * (1.0 - 2.0 * v));
    float size = 2.0 * kPi * kSemiMajor * cosLat / (float(1u << pc.zoom) * kTileSamples);
    float a = h(k.x - 1, k.y - 1), b = h(k.x, k.y - 1), c = h(k.x - 1, k.y), d = h(k.x, k.y);
    vec2 g = vec2((b - a) + (d - c), (a - c) + (b - d)) / (2.0 * size);  // east, north (rows run south)
    imageStore(gradientImage, ivec3(k, pc.layer), vec4(g, 0.0, 0.0));
    if (k.x == 1) imageStore(gradientImage, ivec3(0, k.y, pc.layer), vec4(g, 0.0, 0.0));
    if (k.y == 1) imageStore(gradientImage, ivec3(k.x, 0, pc.layer), vec4(g, 0.0, 0.0));
    if (k.x == 1 && k.y == 1) imageStore(gradientImage, ivec3(0, 0, pc.layer), vec4(g, 0.0, 0.0));
}

void bounds() {
    // Block (bx, by) of 16x16 samples plus the one-sample border around it: bilinear heights anywhere in
    // the block stay within these.
    uvec2 b = gl_LocalInvocationID.xy;
    vec2 mm = vec2(1e30, -1e30);
    for (int y = 0; y < 18; ++y)
        for (int x = 0; x < 18; ++x) {
            float v = h(int(b.x) * 16 + x, int(b.y) * 16 + y);
            mm = vec2(min(mm.x, v), max(mm.y, v));
        }
    uint base = pc.layer * uint(FRONTLINE_PAGE_BOUNDS);
    uint t = b.y * 16u + b.x;
    blocks[t] = mm;
    pageBounds[base + 85u + t] = mm;
    barrier();
    const uint offsets[4] = uint[](0u, 1u, 5u, 21u);
    for (int l = 3; l >= 0; --l) {
        uint n = 1u << uint(l);
        vec2 r = vec2(1e30, -1e30);
        bool inside = b.x < n && b.y < n;
        if (inside) {
            // Children of (b.x, b.y) at level l + 1 sit at 2b..2b+1 in a grid of 2n; they are stored in
            // `blocks` with the row stride of the level below (2n).
            for (uint cy = 0u; cy < 2u; ++cy)
                for (uint cx = 0u; cx < 2u; ++cx) {
                    vec2 c = blocks[(b.y * 2u + cy) * (2u * n) + b.x * 2u + cx];
                    r = vec2(min(r.x, c.x), max(r.y, c.y));
                }
        }
        barrier();
        if (inside) {
            blocks[b.y * n + b.x] = r;
            pageBounds[base + offsets[l] + b.y * n + b.x] = r;
        }
        barrier();
    }
}

void main() {
    if (kMode == 0u)
        gradients();
    else
        bounds();
}
