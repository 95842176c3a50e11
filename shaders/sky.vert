#version 450
#extension GL_GOOGLE_include_directive : require
#include "shared/common.glsl"

layout(location = 0) out vec2 outNdc;

// Full-screen triangle at the far plane (depth 0 in reversed-Z): drawn after the terrain, it only
// shades pixels the terrain left empty.
void main() {
    vec2 p = vec2((gl_VertexIndex << 1) & 2, gl_VertexIndex & 2) * 2.0 - 1.0;
    outNdc = p;
    gl_Position = vec4(p, 0.0, 1.0);
}
