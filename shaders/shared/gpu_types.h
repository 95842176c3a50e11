// shaders/shared/gpu_types.h — GPU-visible structs, included by both C++ and GLSL.
// Owns: the layout of every uniform block and push-constant block the passes share. Only vec4/mat4
// members, so std140 and C++ agree without padding rules; sizes are guarded by static_assert in C++.
#ifndef FRONTLINE_GPU_TYPES_H
#define FRONTLINE_GPU_TYPES_H

#ifdef __cplusplus
#include <glm/glm.hpp>
namespace fl::gpu_types {
using vec4 = glm::vec4;
using mat4 = glm::mat4;
#endif

// Per frame, binding 0 of set 0. The scene frame is a local East-North-Up frame around the region;
// every position the GPU sees is relative to the camera, so floats stay precise near the eye.
struct FrameUniforms {
    mat4 viewProj;     // camera-relative view rotation * reversed-Z infinite perspective (Vulkan clip)
    mat4 invViewProj;  // for sky rays
    vec4 sunDir;       // xyz: towards the sun, scene frame
    vec4 cameraUp;     // xyz: ellipsoid normal under the camera, scene frame; w: camera height above MSL (m)
    vec4 params;       // x: vertical exaggeration, y: haze density (1/m), z: output height in px, w: time s
    vec4 skyZenith;    // rgb linear
    vec4 skyHorizon;   // rgb linear
    vec4 haze;         // rgb linear, a: max haze amount
    vec4 viewport;     // width, height, 1/width, 1/height
    vec4 light;        // x: ambient, y: hillshade strength, z: sun intensity, w: relief z-factor
};

// Push constants for one terrain chunk or one line batch.
struct DrawPush {
    vec4 originFromCamera;  // xyz: chunk/batch origin minus camera position, scene frame, metres
    vec4 color;             // lines: core colour (linear, premultiplied)
    vec4 haloColor;         // lines: halo colour
    vec4 style;             // lines: x core width px, y halo width px, z dash length px (0 = solid), w: unused
};

// Push constants for one streamed terrain tile (terrain_tile.vert/.frag). The vertex shader computes
// each grid vertex on the WGS84 ellipsoid from the tile's centre with difference formulas that stay
// exact in float (see terrain_tile.vert), so tiles of any zoom meet without cracks or jitter.
struct TilePush {
    vec4 originFromCamera;  // xyz: tile centre on the ellipsoid minus camera, scene frame; w: skirt depth (m)
    vec4 axisE;             // xyz: east at the tile centre, scene frame; w: sin(lat0)
    vec4 axisN;             // xyz: north; w: cos(lat0)
    vec4 axisU;             // xyz: up; w: prime-vertical radius N(lat0) (m)
    vec4 tile;              // x: Mercator y of the centre (rad), y: tile span (rad), z: page layer, w: geoid (m)
    vec4 pageRect;          // xy: offset, zw: scale of the drawn area inside the page's tile (0..1)
};

#ifdef __cplusplus
static_assert(sizeof(TilePush) == 96, "TilePush must fit the 128-byte push-constant minimum");
static_assert(sizeof(FrameUniforms) == 2 * 64 + 8 * 16, "FrameUniforms must match the std140 layout");
static_assert(sizeof(DrawPush) == 64, "DrawPush must fit the 128-byte push-constant minimum");
}  // namespace fl::gpu_types
#endif

#endif
