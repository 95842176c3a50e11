#version 450
#extension GL_GOOGLE_include_directive : require
// One vertex of a selected patch: the shared 32x32-cell grid, instanced once per patch in front-to-back
// order (no vertex buffer: the grid position comes from gl_VertexIndex).
//
// Geomorphing: as its distance approaches the parent level's range, a vertex slides onto the parent grid
// (odd grid lines collapse onto even ones) and its height blends to the parent level's height there, so a
// patch that is about to be replaced by its parent (or to replace it) already looks exactly like it: no
// popping when the camera moves slowly, and no cracks where a patch meets a coarser neighbour.
#include "shared/common.glsl"
#include "shared/terrain_lod.glsl"
#include "shared/overlay_block.glsl"

layout(location = 0) out vec3 outRelPos;
layout(location = 1) out vec3 outUp;
layout(location = 2) out vec3 outEast;
layout(location = 3) out vec2 outPageOwn;     // page coordinate in this level's page
layout(location = 4) out vec2 outPageParent;  // and in the parent level's page
layout(location = 5) out float outMorph;
layout(location = 6) out float outHeight;
layout(location = 7) flat out uvec4 outLayers;  // x: own layer, y: parent layer, z: zooms (own | parent << 8), w: level
layout(location = 8) out float outCosLat;
layout(location = 9) out vec2 outMercRel;  // Mercator (u, v) - camera: exact per vertex (overlay fields)
// What steers the fragment shader's branches: x overlay layers, y 1 = debug tint, z 1 = graphics only. Uniforms, handed on as a flat
// input so that lavapipe 22.3 does not compile (and leak) a variant of the fragment shader per frame for them.
layout(location = 10) flat out uvec3 outSteer;

uint vertexClass(ivec2 g, int n) {
    uint ci = g.x == 0 ? 0u : (g.x == n ? 2u : 1u);
    uint cj = g.y == 0 ? 0u : (g.y == n ? 2u : 1u);
    return cj * 3u + ci;
}

void main() {
    TerrainPatch p = patches[patchOrder[gl_InstanceIndex]];
    uint level = p.node.x;
    uvec2 tile = p.node.yz;
    ivec2 g = ivec2(gl_VertexIndex % (kCells + 1), gl_VertexIndex / (kCells + 1));

    // Grid point in Mercator: integers over a power of two, exact in float up to level 19.
    float scale = 1.0 / float(1u << (level + 5u));
    vec2 uv = (vec2(tile * uint(kCells)) + vec2(g)) * scale;

    // Morph factor from the distance at the reference height: a function of position alone, so two
    // patches sharing this vertex agree on it.
    Surface ref = placeOnEllipsoid(uv, terrain.camHeight.y);
    float range = lodRange(level - 1u, ref.cosLat);
    float ms = terrain.lod.z;
    float m = level > 0u ? clamp((length(ref.rel) - ms * range) / ((1.0 - ms) * range), 0.0, 1.0) : 0.0;
    m *= terrain.camHeight.w;

    // The parent grid point this vertex collapses onto, and where it is now.
    ivec2 target = g - (g & 1);
    vec2 uvTarget = (vec2(tile * uint(kCells)) + vec2(target)) * scale;
    vec2 uvNow = mix(uv, uvTarget, m);

    uvec2 own = patchRef(p, vertexClass(g, kCells));
    // The target's class in the parent's grid: this patch is one quadrant of it.
    ivec2 inParent = (ivec2(tile & 1u) * kCells + target) / 2;
    uvec2 parent = patchRef(p, 9u + vertexClass(inParent, kCells));
    float hOwn = refHeight(own, uvNow);
    float hParent = refHeight(parent, uvTarget);
    float h = mix(hOwn, hParent, m);

    Surface s = placeOnEllipsoid(uvNow, 0.0);
    float lift = h * terrain.camHeight.z + geoidAt(s.lat, s.lon);
    vec3 rel = s.rel + s.up * lift;

    mat3 toScene = mat3(terrain.toScene[0].xyz, terrain.toScene[1].xyz, terrain.toScene[2].xyz);
    outRelPos = toScene * rel;
    outUp = toScene * s.up;
    outEast = toScene * s.east;
    uvec2 ownInside = patchRef(p, 4u), parentInside = patchRef(p, 13u);
    outPageOwn = refPageCoord(ownInside, uvNow);
    outPageParent = refPageCoord(parentInside, uvNow);
    outMorph = m;
    outHeight = h;
    outLayers = uvec4(refLayer(ownInside), refLayer(parentInside), refZoom(ownInside) | (refZoom(parentInside) << 8), level);
    outCosLat = s.cosLat;
    outMercRel = (uvNow - terrain.camMerc.xy) - terrain.camMerc.zw;
    gl_Position = frame.viewProj * vec4(outRelPos, 1.0);
    outSteer = uvec3(uint(overlay.anchor.w), uint(terrain.debug.x > 0.0), uint(terrain.debug.y > 0.0));
}
