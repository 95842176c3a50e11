#version 450
#extension GL_GOOGLE_include_directive : require
#include "shared/common.glsl"

layout(location = 0) in float inAcross;
layout(location = 1) in float inAlongPx;
layout(location = 2) in float inHalfWidthPx;
layout(location = 0) out vec4 outColor;

void main() {
    float d = abs(inAcross) * inHalfWidthPx;  // pixels from the centre line
    float core = 0.5 * push.style.x;
    float halo = core + push.style.y;
    float coreA = clamp(core + 0.5 - d, 0.0, 1.0);
    float haloA = clamp(halo + 0.5 - d, 0.0, 1.0);
    if (push.style.z > 0.0) {  // dashes: gaps show the halo only
        float phase = mod(inAlongPx, 2.0 * push.style.z);
        coreA *= phase < push.style.z ? 1.0 : 0.0;
    }
    vec4 c = mix(push.haloColor * haloA, push.color, coreA);
    if (c.a <= 0.0) discard;
    outColor = c;  // premultiplied, already in output (sRGB) space
}
