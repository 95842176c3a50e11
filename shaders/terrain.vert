#version 450
#extension GL_GOOGLE_include_directive : require
#include "shared/common.glsl"

// One grid vertex: its point on the geoid relative to the chunk origin, its height above mean sea
// level, the ellipsoid normal, and the height gradient (metres per metre, scene frame, tangent).
layout(location = 0) in vec4 inBaseHeight;
layout(location = 1) in vec4 inUp;
layout(location = 2) in vec4 inGradient;

layout(location = 0) out vec3 outRelPos;
layout(location = 1) out vec3 outUp;
layout(location = 2) out vec3 outGradient;
layout(location = 3) out float outHeight;

void main() {
    vec3 rel = push.originFromCamera.xyz + exaggerated(inBaseHeight.xyz, inUp.xyz, inBaseHeight.w);
    outRelPos = rel;
    outUp = inUp.xyz;
    outGradient = inGradient.xyz;
    outHeight = inBaseHeight.w;
    gl_Position = frame.viewProj * vec4(rel, 1.0);
}
