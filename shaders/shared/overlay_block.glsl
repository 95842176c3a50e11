// Shared GLSL: the overlay uniforms (render/overlay_field.h), for the terrain's vertex and fragment shaders.
#ifndef FRONTLINE_OVERLAY_BLOCK_GLSL
#define FRONTLINE_OVERLAY_BLOCK_GLSL

#include "shared/gpu_types.h"

layout(set = 1, binding = 11, std140) uniform OverlayBlock { OverlayUniforms overlay; };

#endif
