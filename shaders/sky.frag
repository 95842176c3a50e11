#version 450
#extension GL_GOOGLE_include_directive : require
#include "shared/common.glsl"

layout(location = 0) in vec2 inNdc;
layout(location = 0) out vec4 outColor;

void main() {
    vec4 p = frame.invViewProj * vec4(inNdc, 1.0, 1.0);
    vec3 ray = normalize(p.xyz / p.w);
    float e = dot(ray, frame.cameraUp.xyz);  // sine of the ray's elevation
    // Horizon band fading into the zenith colour; below the horizon, the haze the terrain fades to.
    vec3 color = e >= 0.0 ? mix(frame.skyHorizon.rgb, frame.skyZenith.rgb, pow(clamp(e, 0.0, 1.0), 0.55))
                          : mix(frame.skyHorizon.rgb, frame.haze.rgb, clamp(-e * 8.0, 0.0, 1.0));
    outColor = vec4(linearToSrgb(color), 1.0);
}
