#version 450
#extension GL_GOOGLE_include_directive : require
// One overlay field rect (render/overlay_field.cpp prepares it): per texel the exact distance to the
// nearest edge among the edges binned to its 16x16 tile (|d| clamped to the band), and for areas the
// even-odd sign from the crossings of its row left of it. One workgroup per tile.
#include "shared/gpu_types.h"

layout(local_size_x = FRONTLINE_OVERLAY_TILE, local_size_y = FRONTLINE_OVERLAY_TILE) in;

layout(set = 0, binding = 0, r32f) uniform writeonly image2DArray field;
layout(set = 0, binding = 1, std430) readonly buffer Input { uint words[]; };
layout(push_constant, std430) uniform JobBlock { OverlayFieldJob job; };
// 1 for areas (the even-odd sign), 0 for lines: one pipeline each, because lavapipe 22.3 compiles (and leaks) a
// new shader variant at every dispatch whose push constants steer a branch (gpu/pipeline.h).
layout(constant_id = 0) const uint kArea = 1u;

float segmentDistance(vec2 p, vec2 a, vec2 b) {
    vec2 ab = b - a, ap = p - a;
    float len2 = dot(ab, ab);
    float t = len2 > 0.0 ? clamp(dot(ap, ab) / len2, 0.0, 1.0) : 0.0;
    return length(ap - t * ab);
}

void main() {
    uvec2 tile = gl_WorkGroupID.xy;
    ivec2 texel = ivec2(job.rect.xy + gl_GlobalInvocationID.xy);
    vec2 p = vec2(texel) + 0.5;
    float band = uintBitsToFloat(job.target.z);

    uint tileIndex = tile.y * job.rect.z + tile.x;
    uint first = words[job.offsets.y + 2u * tileIndex], count = words[job.offsets.y + 2u * tileIndex + 1u];
    float d = band;
    for (uint i = 0u; i < count; ++i) {
        uint e = job.offsets.x + 4u * words[job.offsets.z + first + i];
        vec2 a = vec2(uintBitsToFloat(words[e]), uintBitsToFloat(words[e + 1u]));
        vec2 b = vec2(uintBitsToFloat(words[e + 2u]), uintBitsToFloat(words[e + 3u]));
        d = min(d, segmentDistance(p, a, b));
    }

    if (kArea != 0u) {
        // Crossings of this row's centre line, sorted: count those left of the texel centre.
        uint row = uint(texel.y) - job.rect.y;
        uint rowFirst = words[job.offsets.w + 2u * row], rowCount = words[job.offsets.w + 2u * row + 1u];
        uint base = job.more.x + rowFirst;
        uint lo = 0u, hi = rowCount;  // the first crossing >= p.x
        while (lo < hi) {
            uint mid = (lo + hi) / 2u;
            if (uintBitsToFloat(words[base + mid]) < p.x)
                lo = mid + 1u;
            else
                hi = mid;
        }
        if ((lo & 1u) == 1u) d = -d;
    }
    imageStore(field, ivec3(texel, int(job.target.x)), vec4(d));
}
