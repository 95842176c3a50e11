#version 450
#extension GL_GOOGLE_include_directive : require
#include "shared/common.glsl"

layout(set = 0, binding = 1) uniform sampler2D glyphAtlas;

layout(location = 0) in vec2 inUv;
layout(location = 1) in vec4 inColor;
layout(location = 2) in vec4 inHalo;
layout(location = 3) in vec4 inParams;
layout(location = 0) out vec4 outColor;

// Legend swatch: uv in pixels inside the swatch, params.yz its size, params.w the pattern (0 solid,
// 1 hatched, 2 cross-hatched, 3 outline-dashed). The halo colour is the outline's.
vec4 swatch() {
    vec2 p = inUv, size = inParams.yz;
    int pattern = int(inParams.w + 0.5);
    float outline = max(1.0, size.y * 0.09);
    float edge = min(min(p.x, size.x - p.x), min(p.y, size.y - p.y));  // px to the border
    float border = clamp(outline + 0.5 - edge, 0.0, 1.0);
    float period = max(4.0, size.y * 0.32);
    // Stripes half a period wide along each diagonal, antialiased over a pixel.
    float s1 = abs(mod(p.x + p.y, period) - 0.5 * period);
    float s2 = abs(mod(p.x - p.y + 1000.0 * period, period) - 0.5 * period);
    float stripe1 = clamp(0.25 * period * 1.41 - s1 * 1.41 + 0.5, 0.0, 1.0);
    float stripe2 = clamp(0.25 * period * 1.41 - s2 * 1.41 + 0.5, 0.0, 1.0);
    float fill = 1.0;
    if (pattern == 1) fill = mix(0.25, 1.0, stripe1);
    if (pattern == 2) fill = mix(0.25, 1.0, max(stripe1, stripe2));
    if (pattern == 3) {
        fill = 0.18;
        float dash = max(3.0, size.y * 0.25);
        border *= mod(p.x + p.y, 2.0 * dash) < dash ? 1.0 : 0.0;
    }
    return mix(inColor * fill, inHalo, border);
}

void main() {
    int kind = int(inParams.x + 0.5);
    vec4 c;
    if (kind == 3) {
        c = swatch();
    } else {
        // Signed distance to the shape's outline in output pixels, positive inside: glyphs read it from the
        // SDF atlas (0.5 = outline, scaled by params.z px per unit); discs compute it from the centre (z =
        // radius); bars (leader lines, panels) from the centre line (uv.x = px across, z = half width).
        float d = kind == 0 ? (texture(glyphAtlas, inUv).r - 0.5) * inParams.z
                : kind == 1 ? inParams.z - length(inUv)
                            : inParams.z - abs(inUv.x);
        float fill = clamp(d + 0.5, 0.0, 1.0);
        float halo = clamp(d + inParams.y + 0.5, 0.0, 1.0);
        c = mix(inHalo * halo, inColor, fill);
    }
    if (c.a <= 0.0) discard;
    outColor = c;
}
