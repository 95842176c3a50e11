#version 450
#extension GL_GOOGLE_include_directive : require
#include "shared/common.glsl"

// Screen-space overlay: label glyphs, place markers, leader lines and the furniture (panels, legend
// swatches), positioned in pixels by the CPU.
layout(location = 0) in vec4 inPosUv;   // xy: pixels (y down), zw: atlas uv
layout(location = 1) in vec4 inColor;   // fill colour, premultiplied, output space
layout(location = 2) in vec4 inHalo;    // halo colour
layout(location = 3) in vec4 inParams;  // x: 0 glyph, 1 disc, 2 bar, 3 swatch; y..w: see overlay.frag
layout(location = 4) in vec4 inStyle;   // swatches: see overlay.frag

layout(location = 0) out vec2 outUv;
layout(location = 1) out vec4 outColor;
layout(location = 2) out vec4 outHalo;
layout(location = 3) out vec4 outParams;
layout(location = 4) out vec4 outStyle;

void main() {
    vec2 ndc = inPosUv.xy * frame.viewport.zw * 2.0 - 1.0;
    outUv = inPosUv.zw;
    outColor = inColor;
    outHalo = inHalo;
    outParams = inParams;
    outStyle = inStyle;
    gl_Position = vec4(ndc, 0.5, 1.0);  // drawn last, without depth test
}
