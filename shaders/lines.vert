#version 450
#extension GL_GOOGLE_include_directive : require
#include "shared/common.glsl"

// One instance per segment; six vertices make a screen-aligned quad of the line's full width
// (core + halo), so the width is in pixels whatever the distance.
layout(location = 0) in vec4 inP0;   // xyz: geoid point rel. batch origin, w: height MSL
layout(location = 1) in vec4 inUp0;  // xyz: ellipsoid normal, w: distance along the line (m)
layout(location = 2) in vec4 inP1;
layout(location = 3) in vec4 inUp1;

layout(location = 0) out float outAcross;  // -1..1 across the quad
layout(location = 1) out float outAlongPx;
layout(location = 2) out float outHalfWidthPx;

void main() {
    // Draped lines sit on the same exaggerated surface as the terrain; pull them a little toward the
    // eye so they win the depth test against the triangles they lie on. They are still draped on the
    // 90" grid while the streamed tiles carry finer (partly synthesized) relief, so they also ride 40 m
    // above it until overlays drape on the tiles themselves (issue 5).
    const float kLiftM = 40.0;
    vec3 a = push.originFromCamera.xyz + exaggerated(inP0.xyz, inUp0.xyz, inP0.w + kLiftM);
    vec3 b = push.originFromCamera.xyz + exaggerated(inP1.xyz, inUp1.xyz, inP1.w + kLiftM);
    a *= 0.9985;
    b *= 0.9985;
    vec4 ca = frame.viewProj * vec4(a, 1.0);
    vec4 cb = frame.viewProj * vec4(b, 1.0);
    const float nearW = 0.5;
    if (ca.w < nearW && cb.w < nearW) {  // wholly behind the eye
        gl_Position = vec4(0.0, 0.0, -1.0, 1.0);
        return;
    }
    // Clip against a plane just in front of the eye so the screen-space expansion stays finite.
    if (ca.w < nearW) ca = mix(ca, cb, (nearW - ca.w) / (cb.w - ca.w));
    if (cb.w < nearW) cb = mix(cb, ca, (nearW - cb.w) / (ca.w - cb.w));

    vec2 viewport = frame.viewport.xy;
    vec2 sa = ca.xy / ca.w * 0.5 * viewport;
    vec2 sb = cb.xy / cb.w * 0.5 * viewport;
    vec2 dir = sb - sa;
    float len = length(dir);
    dir = len > 1e-4 ? dir / len : vec2(1.0, 0.0);
    vec2 normal = vec2(-dir.y, dir.x);
    float halfWidth = 0.5 * push.style.x + push.style.y + 1.0;  // +1 px for antialiasing

    int corner = gl_VertexIndex % 6;  // two triangles: (0,1,2) (2,1,3) as a strip of a quad
    const int kEnd[6] = int[](0, 1, 0, 0, 1, 1);
    const float kSide[6] = float[](-1.0, -1.0, 1.0, 1.0, -1.0, 1.0);
    vec4 c = kEnd[corner] == 0 ? ca : cb;
    vec2 offsetPx = normal * kSide[corner] * halfWidth + dir * (kEnd[corner] == 0 ? -1.0 : 1.0) * 0.5 * push.style.x;
    c.xy += offsetPx / (0.5 * viewport) * c.w;
    outAcross = kSide[corner];
    outAlongPx = kEnd[corner] == 0 ? 0.0 : len;
    outHalfWidthPx = halfWidth;
    gl_Position = c;
}
