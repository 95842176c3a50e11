// shaders/shared/bench_types.h — GPU-visible structs of the benchmark's reference passes (C++ and GLSL).
// Owns: the per-tile record the naive grid and the floor pass read from a storage buffer. Kept apart from
// gpu_types.h's push constants so the reference passes survive changes to the renderer's own layouts.
#ifndef FRONTLINE_BENCH_TYPES_H
#define FRONTLINE_BENCH_TYPES_H

#ifdef __cplusplus
#include <glm/glm.hpp>
namespace fl::bench_types {
using vec4 = glm::vec4;
#endif

// One tile of the naive grid, placed as the per-tile pipeline placed its tiles: every vertex is computed on
// the WGS84 ellipsoid from the tile centre with difference formulas that stay exact in float. The floor pass
// reads record 0 for its page, sample size and ground axes.
struct BenchTile {
    vec4 originFromCamera;  // xyz: tile centre on the ellipsoid minus camera, scene frame; w: skirt depth (m)
    vec4 axisE;             // xyz: east at the tile centre, scene frame; w: sin(lat0)
    vec4 axisN;             // xyz: north; w: cos(lat0)
    vec4 axisU;             // xyz: up; w: prime-vertical radius N(lat0) (m)
    vec4 tile;              // x: Mercator y of the centre (rad), y: tile span (rad), z: page layer, w: geoid (m)
    vec4 pageRect;          // xy: offset, zw: scale of the drawn area inside the page's tile (0..1)
};

#ifdef __cplusplus
static_assert(sizeof(BenchTile) == 96, "BenchTile must match the std430 array stride of 96 bytes");
}  // namespace fl::bench_types
#endif

#endif
