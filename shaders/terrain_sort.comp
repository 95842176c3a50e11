#version 450
#extension GL_GOOGLE_include_directive : require
// Front-to-back order of the selected patches (early depth rejection saves fragment work, lavapipe's main
// cost) as a counting sort over log-distance bins, and the indirect draw's arguments. Three modes, one
// pipeline and dispatch each: 0 counts patches per bin, 1 turns counts into offsets and writes the draw (one
// group), 2 scatters patch indices into the order the vertex shader reads. The mode is a specialization
// constant, not a push constant: lavapipe 22.3 compiles (and leaks) a new variant per dispatch for push
// constants that steer control flow (gpu/pipeline.h).
#define TERRAIN_STORAGE
#define TERRAIN_COUNTERS
#include "shared/terrain_lod.glsl"

layout(local_size_x = 64) in;
layout(constant_id = 0) const uint kMode = 0u;


shared uint scan[FRONTLINE_TERRAIN_BINS];

uint binOf(uint index) {
    float d = uintBitsToFloat(patches[index].node.w);
    // 2.5 bins per octave from 1 m: 64 bins reach 50 000 km.
    return uint(clamp(log2(max(d, 1.0)) * 2.5, 0.0, float(FRONTLINE_TERRAIN_BINS - 1)));
}

void main() {
    uint count = min(patchArgs.w, terrain.levels.z);
    uint i = gl_GlobalInvocationID.x;
    if (kMode == 0u) {
        if (i < count) atomicAdd(bins[binOf(i)], 1u);
    } else if (kMode == 1u) {
        // Exclusive prefix sum of the 64 bins by one group (Hillis-Steele in shared memory).
        uint t = gl_LocalInvocationID.x;
        scan[t] = bins[t];
        barrier();
        for (uint off = 1u; off < uint(FRONTLINE_TERRAIN_BINS); off <<= 1) {
            uint v = t >= off ? scan[t - off] : 0u;
            barrier();
            scan[t] += v;
            barrier();
        }
        binCursor[t] = scan[t] - bins[t];
        if (t == 0u) {
            drawArgs[0] = uint(kCells * kCells * 6);  // indexCount
            drawArgs[1] = count;                      // instanceCount: one instance per patch
            drawArgs[2] = 0u;                         // firstIndex
            drawArgs[3] = 0u;                         // vertexOffset
            drawArgs[4] = 0u;                         // firstInstance
        }
    } else {
        if (i < count) patchOrder[atomicAdd(binCursor[binOf(i)], 1u)] = i;
    }
}
