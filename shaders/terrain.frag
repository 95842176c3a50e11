#version 450
#extension GL_GOOGLE_include_directive : require
#include "shared/common.glsl"
#include "shared/terrain_shading.glsl"

layout(location = 0) in vec3 inRelPos;
layout(location = 1) in vec3 inUp;
layout(location = 2) in vec3 inGradient;
layout(location = 3) in float inHeight;

layout(location = 0) out vec4 outColor;

void main() {
    outColor = shadeTerrain(inRelPos, inUp, inGradient, inHeight, 2500.0);  // the 90" grid
}
