// gpu/pipeline.h — shaders and pipelines.
// Owns: loading SPIR-V compiled at build time (shaders/*.spv) and building graphics pipelines from a
// small description, so each pass states only what differs (blend, depth, topology, vertex input).
#pragma once

#include <string>
#include <vector>

#include "core/result.h"
#include "gpu/resources.h"

namespace fl::gpu {

class Context;

// Directory of the compiled shaders: $FRONTLINE_SHADER_DIR if set, else the build tree's.
std::string shaderDirectory();
// Loads `<shaderDirectory()>/<name>.spv`, e.g. loadShader(ctx, "terrain.vert").
Result<ShaderModule> loadShader(Context& ctx, const std::string& name);

struct GraphicsPipelineDesc {
    VkShaderModule vertex = VK_NULL_HANDLE;
    VkShaderModule fragment = VK_NULL_HANDLE;
    VkPipelineLayout layout = VK_NULL_HANDLE;
    VkRenderPass renderPass = VK_NULL_HANDLE;
    std::vector<VkVertexInputBindingDescription> bindings;
    std::vector<VkVertexInputAttributeDescription> attributes;
    VkPrimitiveTopology topology = VK_PRIMITIVE_TOPOLOGY_TRIANGLE_LIST;
    VkCullModeFlags cull = VK_CULL_MODE_NONE;
    bool depthTest = true;
    bool depthWrite = true;
    // Reversed-Z: near = 1, far = 0, so GREATER_OR_EQUAL passes nearer fragments.
    VkCompareOp depthCompare = VK_COMPARE_OP_GREATER_OR_EQUAL;
    bool alphaBlend = false;  // premultiplied-alpha "over"
};

Pipeline createGraphicsPipeline(Context& ctx, const GraphicsPipelineDesc& desc);

PipelineLayout createPipelineLayout(Context& ctx, const std::vector<VkDescriptorSetLayout>& sets,
                                    uint32_t pushConstantBytes,
                                    VkShaderStageFlags pushStages = VK_SHADER_STAGE_VERTEX_BIT |
                                                                    VK_SHADER_STAGE_FRAGMENT_BIT);
// `specialization`: the shader's uint specialization constants, constant_id 0, 1, ... in order. A mode
// that changes what a dispatch does belongs there, not in a push constant: lavapipe 22.3 re-inlines push
// constants that steer control flow into a new shader variant at every dispatch and never frees it
// (~0.5 MB a frame; issue 12, finding 8).
Pipeline createComputePipeline(Context& ctx, VkShaderModule shader, VkPipelineLayout layout,
                               const std::vector<uint32_t>& specialization = {});

}  // namespace fl::gpu
