#version 450
#extension GL_GOOGLE_include_directive : require
#include "shared/common.glsl"

layout(location = 0) out vec2 outNdc;

// One full-screen triangle: the practical floor of `frontline bench terrain` shades every pixel once.
void main() {
    vec2 p = vec2((gl_VertexIndex << 1) & 2, gl_VertexIndex & 2) * 2.0 - 1.0;
    outNdc = p;
    gl_Position = vec4(p, 0.5, 1.0);
}
