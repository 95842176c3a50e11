#version 450
#extension GL_GOOGLE_include_directive : require
#include "shared/common.glsl"
#include "shared/terrain_shading.glsl"
#include "shared/bench_passes.glsl"

layout(location = 0) in vec2 inNdc;
layout(location = 0) out vec4 outColor;

// The practical floor: the terrain fragment's work (four page fetches + shadeTerrain) once per pixel, with
// no geometry. Every pixel, sky included, is shaded as ground on a plane below the camera, textured with
// record 0's page repeated over the plane, so inputs vary across the screen as real terrain's do.
void main() {
    BenchTile tile = benchTiles[0];
    vec4 p = frame.invViewProj * vec4(inNdc, 1.0, 1.0);
    vec3 ray = normalize(p.xyz / p.w);
    vec3 up = frame.cameraUp.xyz;
    // originFromCamera.w: the camera's height above the plane (m). Rays at or above the horizon meet it
    // at a bounded distance instead of never.
    float t = min(tile.originFromCamera.w / max(-dot(ray, up), 1e-3), 4e5);
    vec3 rel = ray * t;

    float sampleSize = tile.axisU.w * tile.axisN.w * tile.tile.y / kBenchTileSamples;
    vec2 ground = vec2(dot(rel, tile.axisE.xyz), -dot(rel, tile.axisN.xyz)) / (sampleSize * kBenchTileSamples);
    vec3 page = vec3(benchPageCoord(fract(ground)), tile.tile.z);
    vec3 slopes = benchPageSlopes(page);
    vec2 grad = slopes.xy / (2.0 * sampleSize);
    vec3 gradient = tile.axisE.xyz * grad.x + tile.axisN.xyz * grad.y;
    outColor = shadeTerrain(rel, up, gradient, slopes.z, sampleSize);
}
