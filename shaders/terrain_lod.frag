#version 450
#extension GL_GOOGLE_include_directive : require
#include "shared/common.glsl"
#include "shared/terrain_shading.glsl"
#include "shared/terrain_lod.glsl"
#include "shared/overlay_shading.glsl"

layout(location = 0) in vec3 inRelPos;
layout(location = 1) in vec3 inUp;
layout(location = 2) in vec3 inEast;
layout(location = 3) in vec2 inPageOwn;
layout(location = 4) in vec2 inPageParent;
layout(location = 5) in float inMorph;
layout(location = 6) in float inHeight;
layout(location = 7) flat in uvec4 inLayers;
layout(location = 8) in float inCosLat;
layout(location = 9) in vec2 inMercRel;
layout(location = 10) flat in uvec3 inSteer;  // x: overlay layers, y: debug tint, z: graphics only (terrain_lod.vert)

layout(location = 0) out vec4 outColor;

void main() {
    // Slopes from the pages (computed per page in terrain_page.comp), blended with the geomorph so
    // lighting changes as smoothly as the geometry does.
    vec2 g = pageGradient(inPageOwn, inLayers.x);
    if (inMorph > 0.0) g = mix(g, pageGradient(inPageParent, inLayers.y), inMorph);
    vec3 up = normalize(inUp);
    vec3 east = normalize(inEast - up * dot(inEast, up));
    vec3 north = cross(up, east);
    // Sample size of the data being shown (the relief z-factor depends on it), blended like the slopes.
    float zoom = mix(float(inLayers.z & 0xFFu), float(inLayers.z >> 8), inMorph);
    float sampleSize = 2.0 * kPi * kSemiMajor * inCosLat / (exp2(zoom) * kTileSamples);
    if (inSteer.z != 0u) {
        // Graphics only (the recorder's --layers graphics): the overlays alone, unlit, their coverage as alpha,
        // for compositing over other pictures. Every overlay step is affine in the ground albedo (ground x (1 - a)
        // + premultiplied colour), so evaluating over black and over white recovers both. Steered by a flat input,
        // the same for the whole draw (a uniform would leak a shader variant a frame on lavapipe; terrain_lod.vert).
        vec3 over0 = applyOverlays(vec3(0.0), inMercRel, int(inSteer.x));
        vec3 over1 = applyOverlays(vec3(1.0), inMercRel, int(inSteer.x));
        float a = clamp(1.0 - dot(over1 - over0, vec3(1.0 / 3.0)), 0.0, 1.0);
        outColor = vec4(a > 1e-4 ? linearToSrgb(clamp(over0 / a, 0.0, 1.0)) : vec3(0.0), a);
        return;
    }
    // Overlays (control areas, fronts, arrows, routes, borders) change the ground's albedo, so they are lit
    // and hazed like the ground.
    vec3 albedo = applyOverlays(srgbToLinear(reliefColor(inHeight)), inMercRel, int(inSteer.x));
    outColor = shadeTerrainAlbedo(inRelPos, up, east * g.x + north * g.y, inHeight, sampleSize, albedo);
    if (inSteer.y != 0u) {
        const vec3 tints[6] = vec3[](vec3(1, 0.3, 0.3), vec3(0.3, 1, 0.3), vec3(0.3, 0.3, 1), vec3(1, 1, 0.3),
                                     vec3(1, 0.3, 1), vec3(0.3, 1, 1));
        outColor.rgb *= tints[inLayers.w % 6u];
    }
}
