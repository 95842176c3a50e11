// Shared GLSL: the frame uniform block and functions every pass must agree on.
#ifndef FRONTLINE_COMMON_GLSL
#define FRONTLINE_COMMON_GLSL

#include "shared/gpu_types.h"

layout(set = 0, binding = 0, std140) uniform FrameBlock { FrameUniforms frame; };
#ifndef FRONTLINE_NO_DRAW_PUSH
layout(push_constant, std140) uniform PushBlock { DrawPush push; };
#endif

// Vertical exaggeration is applied here and only here, so every layer draped on the terrain
// (lines, markers, later fronts) moves with it. `base` sits on the geoid (mean sea level),
// `up` is the ellipsoid normal, `heightMsl` is metres above mean sea level.
vec3 exaggerated(vec3 base, vec3 up, float heightMsl) {
    return base + up * (heightMsl * frame.params.x);
}

vec3 linearToSrgb(vec3 c) {
    c = clamp(c, 0.0, 1.0);
    return mix(c * 12.92, 1.055 * pow(c, vec3(1.0 / 2.4)) - 0.055, step(vec3(0.0031308), c));
}
vec3 srgbToLinear(vec3 c) {
    return mix(c / 12.92, pow((c + 0.055) / 1.055, vec3(2.4)), step(vec3(0.04045), c));
}

// Atmospheric perspective: distant terrain fades toward the haze colour (Beer-Lambert) through haze
// whose density falls off exponentially with height, so a view from orbit looks down through little
// of it while a low oblique view looks through a lot.
const float kHazeScaleHeight = 3000.0;  // metres
vec3 applyHaze(vec3 color, float distanceM, float pointHeightM) {
    float hc = frame.cameraUp.w, hp = pointHeightM;
    float dh = hc - hp;
    float ec = exp(-max(hc, 0.0) / kHazeScaleHeight), ep = exp(-max(hp, 0.0) / kHazeScaleHeight);
    // Mean density along the segment relative to sea level: the integral of exp(-h/H) over the ray.
    float meanDensity = abs(dh) > 1.0 ? kHazeScaleHeight * (ep - ec) / dh : ep;
    float amount = (1.0 - exp(-distanceM * frame.params.y * meanDensity)) * frame.haze.a;
    return mix(color, frame.haze.rgb, amount);
}

#endif
