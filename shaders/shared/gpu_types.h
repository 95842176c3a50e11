// shaders/shared/gpu_types.h — GPU-visible structs, included by both C++ and GLSL.
// Owns: the layout of every uniform block and push-constant block the passes share. Only vec4/mat4
// members, so std140 and C++ agree without padding rules; sizes are guarded by static_assert in C++.
#ifndef FRONTLINE_GPU_TYPES_H
#define FRONTLINE_GPU_TYPES_H

#ifdef __cplusplus
#include <glm/glm.hpp>
namespace fl::gpu_types {
using vec4 = glm::vec4;
using uvec4 = glm::uvec4;
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

// The GPU-driven terrain (render/terrain_renderer.h, shaders/terrain_*.comp|vert|frag), binding 9 of the
// terrain set. Positions are built from Web Mercator tile coordinates relative to the camera: the camera's
// Mercator (u, v) is split into a float and its remainder so (u - camera) is exact, and every later term
// is a product of small differences (see terrain_lod.glsl), so floats keep millimetres next to the eye.
struct TerrainUniforms {
    vec4 camMerc;     // x, y: camera Mercator u, v (0..1, v south) rounded to float; z, w: the remainders
    vec4 camGeo;      // x: sin(lat), y: cos(lat), z: prime-vertical radius N(lat) (m), w: Mercator y (rad)
    vec4 camLatLon;   // x: camera latitude, y: longitude (degrees); zw: unused
    vec4 camHeight;   // x: eye height above the ellipsoid (m, exaggerated world); y: LOD reference lift
                      // (m, the ground under the camera, exaggerated); z: exaggeration; w: 1 = geomorph on
    vec4 toScene[3];  // columns: the camera's East, North, Up axes in the scene frame
    vec4 planes[5];   // frustum planes in camera ENU (camera at the origin): xyz normal, w distance
    vec4 lod;         // x: range factor q * K / tau (m of range per m of cell), y: minimum range in node
                      // sides, z: morph start (fraction of the range), w: pixels per radian K
    vec4 horizon;     // xyz: Earth's centre from the camera, camera ENU (m); w: occluder radius (m)
    vec4 geoid;       // x: north edge lat, y: west edge lon (deg), z: cell height, w: cell width (deg)
    uvec4 levels;     // x: deepest level drawn, y: coarsest resident zoom, z: max patches, w: max nodes
    uvec4 table;      // x: hash table mask, y: geoid grid width, z: height, w: 1 = geoid present
    vec4 bounds;      // the source's extent in Mercator: u west, v north, u east, v south
    vec4 debug;       // x: 1 = tint patches by level (diagnostics); y: 1 = graphics only (overlays, alpha)
};

// One selected patch: a 32x32-cell grid over Mercator tile (level, x, y), with the height pages it reads.
// refs[0..8]: pages for this level's heights, refs[9..17]: for the parent level (the geomorph target), each
// for the 3x3 vertex classes (corner/edge/interior; row-major from the north-west) of the grid it belongs to,
// chosen so that two patches sharing a vertex read the same page there (terrain_select.comp).
struct TerrainPatch {
    uvec4 node;     // x: level, y: tile x, z: tile y, w: distance key (float bits, m)
    uvec4 refs[9];  // page refs packed two per uvec4: (x | zoom << 24, y | layer << 20)
};

#define FRONTLINE_TERRAIN_CELLS 32
#define FRONTLINE_TERRAIN_BINS 64
#define FRONTLINE_MAX_LEVELS 24
// Min/max height blocks per page: levels of 1, 2x2, 4x4, 8x8 and 16x16 blocks.
#define FRONTLINE_PAGE_BOUNDS 341

// Overlay fields (render/overlay_field.h, shaders/overlay_field.comp, shaders/shared/overlay_shading.glsl).
// The field image is a 2D array of R32F N x N texels; its layer for (overlay layer l, keyframe k: 0 from,
// 1 to, cascade c) is (l * 2 + k) * FRONTLINE_OVERLAY_CASCADES + c. Distances are in texels of the cascade,
// negative inside an area, clamped to +-band.
#define FRONTLINE_OVERLAY_MAX_LAYERS 16
#define FRONTLINE_OVERLAY_CASCADES 4
#define FRONTLINE_OVERLAY_FIELDS (FRONTLINE_OVERLAY_MAX_LAYERS * 2 * FRONTLINE_OVERLAY_CASCADES)
#define FRONTLINE_OVERLAY_TILE 16

// One overlay layer's look, colours linear; sizes in px at 1080 output lines (the shader scales them).
struct OverlayLayerGpu {
    vec4 colour;      // rgb: fill/line colour, a: layer opacity
    vec4 second;      // rgb: hatch second colour / line casing / arrow outline, a: its opacity
    vec4 lineColour;  // rgb: the front line's colour, a: its opacity
    vec4 sizes;       // x: line width, y: glow, z: shadow, w: casing (px)
    vec4 params;      // x: keyframe weight (eased, 0..1), y: fill opacity, z: dash period px (0 = solid),
                      // w: hatch period px
    uvec4 info;       // x: kind (0 area, 1 line), y: pattern (0 solid, 1 hatched, 2 cross, 3 none),
                      // z: 1 = animated dash, w: keyframe slot of `to` (0 when from and to are one shape)
    vec4 morph;       // x: morph reach (Mercator): how far apart the two keyframes' boundaries are (0: same)
};

struct OverlayUniforms {
    vec4 cascades[FRONTLINE_OVERLAY_CASCADES];  // xy: window origin - camera (Mercator), z: texel size, w: 1/z
    vec4 anchor;  // xy: camera Mercator modulo 2^-10 (ground-fixed pattern phase), z: animation s, w: layers
    vec4 field;   // x: N (texels per side), y: band (texels), z: px scale (output lines / 1080), w: reach px
    uvec4 rects[FRONTLINE_OVERLAY_FIELDS];  // computed texel rect per field layer: x0, y0, x1, y1 (empty: x1 = 0)
    OverlayLayerGpu layers[FRONTLINE_OVERLAY_MAX_LAYERS];
};

// One field computation (overlay_field.comp): a tile-aligned texel rect of one field layer. Its inputs
// live in one word buffer at the given offsets (in 32-bit words).
struct OverlayFieldJob {
    uvec4 target;   // x: field layer, y: kind (0 signed area, 1 unsigned line), z: band (float bits), w: 0
    uvec4 rect;     // x0, y0 (texels, multiples of the tile), tiles across, tiles down
    uvec4 offsets;  // x: edges (vec4: a.xy, b.xy in window texels), y: per-tile (first, count) into
                    // z: the tiles' edge indices, w: per-row (first, count) into the sorted crossings
    uvec4 more;     // x: crossings (float x of every ring edge crossing the row's texel centres), yzw: 0
};

#ifdef __cplusplus
static_assert(sizeof(OverlayLayerGpu) == 7 * 16, "OverlayLayerGpu must match the std140 layout");
static_assert(sizeof(OverlayUniforms) == (6 + FRONTLINE_OVERLAY_FIELDS + 7 * FRONTLINE_OVERLAY_MAX_LAYERS) * 16,
              "OverlayUniforms must match the std140 layout");
static_assert(sizeof(OverlayFieldJob) == 64, "OverlayFieldJob must match the std430 layout");
static_assert(sizeof(TerrainUniforms) == 19 * 16, "TerrainUniforms must match the std140 layout");
static_assert(sizeof(TerrainPatch) == 160, "TerrainPatch must match the std430 layout");
static_assert(sizeof(FrameUniforms) == 2 * 64 + 8 * 16, "FrameUniforms must match the std140 layout");
static_assert(sizeof(DrawPush) == 64, "DrawPush must fit the 128-byte push-constant minimum");
}  // namespace fl::gpu_types
#endif

#endif
