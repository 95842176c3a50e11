#version 450
#extension GL_GOOGLE_include_directive : require
#include "shared/common.glsl"

layout(set = 0, binding = 1) uniform sampler2D glyphAtlas;

layout(location = 0) in vec2 inUv;
layout(location = 1) in vec4 inColor;
layout(location = 2) in vec4 inHalo;
layout(location = 3) in vec4 inParams;
layout(location = 0) out vec4 outColor;

void main() {
    // Signed distance to the shape's outline in output pixels, positive inside. Glyphs read it from the
    // SDF atlas (0.5 = outline, scaled by params.z px per unit); discs compute it from the centre.
    float d = inParams.x < 0.5 ? (texture(glyphAtlas, inUv).r - 0.5) * inParams.z
                               : inParams.z - length(inUv);
    float fill = clamp(d + 0.5, 0.0, 1.0);
    float halo = clamp(d + inParams.y + 0.5, 0.0, 1.0);
    vec4 c = mix(inHalo * halo, inColor, fill);
    if (c.a <= 0.0) discard;
    outColor = c;
}
