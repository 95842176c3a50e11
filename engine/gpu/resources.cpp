#include "gpu/resources.h"

#include <cassert>
#include <cstring>

#include "gpu/check.h"
#include "gpu/context.h"

namespace fl::gpu {

namespace {

VkDeviceMemory allocate(Context& ctx, const VkMemoryRequirements& req, MemoryUsage usage) {
    VkMemoryPropertyFlags required = 0, preferred = 0;
    switch (usage) {
        case MemoryUsage::GpuOnly:
            required = VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT;
            break;
        case MemoryUsage::Upload:
            required = VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
            preferred = VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT;
            break;
        case MemoryUsage::Readback:
            required = VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
            preferred = VK_MEMORY_PROPERTY_HOST_CACHED_BIT;
            break;
    }
    uint32_t type = ctx.findMemoryType(req.memoryTypeBits, required, preferred);
    if (type == UINT32_MAX && usage == MemoryUsage::GpuOnly) type = ctx.findMemoryType(req.memoryTypeBits, 0);
    if (type == UINT32_MAX) throwVulkanError(VK_ERROR_OUT_OF_DEVICE_MEMORY, "findMemoryType", __FILE__, __LINE__);
    VkMemoryAllocateInfo ai{VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO};
    ai.allocationSize = req.size;
    ai.memoryTypeIndex = type;
    VkDeviceMemory memory;
    VK_CHECK(vkAllocateMemory(ctx.device(), &ai, nullptr, &memory));
    return memory;
}

bool isHostVisible(Context& ctx, uint32_t typeBits, MemoryUsage usage) {
    // GpuOnly memory is treated as device-only unless the device exposes a single
    // device-local+host-visible type (lavapipe, integrated GPUs) and staging is not forced.
    if (usage != MemoryUsage::GpuOnly) return true;
    if (ctx.forceStaging()) return false;
    const uint32_t t = ctx.findMemoryType(typeBits, VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT);
    return t != UINT32_MAX &&
           t == ctx.findMemoryType(typeBits, VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT | VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT |
                                                 VK_MEMORY_PROPERTY_HOST_COHERENT_BIT);
}

}  // namespace

Buffer::Buffer(Context& ctx, VkDeviceSize size, VkBufferUsageFlags usage, MemoryUsage memory)
    : m_ctx(&ctx), m_size(size) {
    assert(size > 0);
    VkBufferCreateInfo ci{VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO};
    ci.size = size;
    ci.usage = usage | (memory == MemoryUsage::GpuOnly ? VK_BUFFER_USAGE_TRANSFER_DST_BIT : 0);
    ci.sharingMode = VK_SHARING_MODE_EXCLUSIVE;
    VK_CHECK(vkCreateBuffer(ctx.device(), &ci, nullptr, &m_buffer));
    VkMemoryRequirements req;
    vkGetBufferMemoryRequirements(ctx.device(), m_buffer, &req);
    m_memory = allocate(ctx, req, memory);
    VK_CHECK(vkBindBufferMemory(ctx.device(), m_buffer, m_memory, 0));
    if (isHostVisible(ctx, req.memoryTypeBits, memory))
        VK_CHECK(vkMapMemory(ctx.device(), m_memory, 0, VK_WHOLE_SIZE, 0, &m_mapped));
}

Buffer::Buffer(Buffer&& o) noexcept {
    *this = std::move(o);
}
Buffer& Buffer::operator=(Buffer&& o) noexcept {
    if (this != &o) {
        release();
        m_ctx = std::exchange(o.m_ctx, nullptr);
        m_buffer = std::exchange(o.m_buffer, VK_NULL_HANDLE);
        m_memory = std::exchange(o.m_memory, VK_NULL_HANDLE);
        m_size = std::exchange(o.m_size, 0);
        m_mapped = std::exchange(o.m_mapped, nullptr);
    }
    return *this;
}
Buffer::~Buffer() {
    release();
}

void Buffer::release() {
    if (!m_ctx) return;
    if (m_buffer) vkDestroyBuffer(m_ctx->device(), m_buffer, nullptr);
    if (m_memory) vkFreeMemory(m_ctx->device(), m_memory, nullptr);
    m_buffer = VK_NULL_HANDLE;
    m_memory = VK_NULL_HANDLE;
    m_mapped = nullptr;
}

void Buffer::upload(const void* data, VkDeviceSize bytes, VkDeviceSize offset) {
    assert(offset + bytes <= m_size);
    if (m_mapped) {
        std::memcpy(static_cast<char*>(m_mapped) + offset, data, bytes);
        return;
    }
    Buffer staging(*m_ctx, bytes, VK_BUFFER_USAGE_TRANSFER_SRC_BIT, MemoryUsage::Upload);
    std::memcpy(staging.mapped(), data, bytes);
    m_ctx->submitAndWait([&](VkCommandBuffer cmd) {
        VkBufferCopy region{0, offset, bytes};
        vkCmdCopyBuffer(cmd, staging.handle(), m_buffer, 1, &region);
    });
}

Image::Image(Context& ctx, const ImageDesc& desc) : m_ctx(&ctx), m_desc(desc) {
    VkImageCreateInfo ci{VK_STRUCTURE_TYPE_IMAGE_CREATE_INFO};
    ci.imageType = VK_IMAGE_TYPE_2D;
    ci.format = desc.format;
    ci.extent = {desc.width, desc.height, 1};
    ci.mipLevels = 1;
    ci.arrayLayers = desc.layers;
    ci.samples = VK_SAMPLE_COUNT_1_BIT;
    ci.tiling = VK_IMAGE_TILING_OPTIMAL;
    ci.usage = desc.usage;
    ci.initialLayout = VK_IMAGE_LAYOUT_UNDEFINED;
    VK_CHECK(vkCreateImage(ctx.device(), &ci, nullptr, &m_image));
    VkMemoryRequirements req;
    vkGetImageMemoryRequirements(ctx.device(), m_image, &req);
    m_memory = allocate(ctx, req, MemoryUsage::GpuOnly);
    VK_CHECK(vkBindImageMemory(ctx.device(), m_image, m_memory, 0));
    VkImageViewCreateInfo vi{VK_STRUCTURE_TYPE_IMAGE_VIEW_CREATE_INFO};
    vi.image = m_image;
    vi.viewType = desc.layers > 1 || desc.arrayView ? VK_IMAGE_VIEW_TYPE_2D_ARRAY : VK_IMAGE_VIEW_TYPE_2D;
    vi.format = desc.format;
    vi.subresourceRange = {desc.aspect, 0, 1, 0, desc.layers};
    VK_CHECK(vkCreateImageView(ctx.device(), &vi, nullptr, &m_view));
}

Image::Image(Image&& o) noexcept {
    *this = std::move(o);
}
Image& Image::operator=(Image&& o) noexcept {
    if (this != &o) {
        release();
        m_ctx = std::exchange(o.m_ctx, nullptr);
        m_desc = o.m_desc;
        m_image = std::exchange(o.m_image, VK_NULL_HANDLE);
        m_memory = std::exchange(o.m_memory, VK_NULL_HANDLE);
        m_view = std::exchange(o.m_view, VK_NULL_HANDLE);
    }
    return *this;
}
Image::~Image() {
    release();
}

void Image::release() {
    if (!m_ctx) return;
    if (m_view) vkDestroyImageView(m_ctx->device(), m_view, nullptr);
    if (m_image) vkDestroyImage(m_ctx->device(), m_image, nullptr);
    if (m_memory) vkFreeMemory(m_ctx->device(), m_memory, nullptr);
    m_view = VK_NULL_HANDLE;
    m_image = VK_NULL_HANDLE;
    m_memory = VK_NULL_HANDLE;
}

void Image::upload(const void* texels, VkDeviceSize bytes) {
    Buffer staging(*m_ctx, bytes, VK_BUFFER_USAGE_TRANSFER_SRC_BIT, MemoryUsage::Upload);
    std::memcpy(staging.mapped(), texels, bytes);
    m_ctx->submitAndWait([&](VkCommandBuffer cmd) {
        transitionImage(cmd, m_image, m_desc.aspect, VK_IMAGE_LAYOUT_UNDEFINED, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL);
        VkBufferImageCopy region{};
        region.imageSubresource = {m_desc.aspect, 0, 0, 1};
        region.imageExtent = {m_desc.width, m_desc.height, 1};
        vkCmdCopyBufferToImage(cmd, staging.handle(), m_image, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, 1, &region);
        transitionImage(cmd, m_image, m_desc.aspect, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL,
                        VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL);
    });
}

void transitionImage(VkCommandBuffer cmd, VkImage image, VkImageAspectFlags aspect, VkImageLayout from,
                     VkImageLayout to) {
    VkImageMemoryBarrier b{VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER};
    b.srcAccessMask = VK_ACCESS_MEMORY_WRITE_BIT;
    b.dstAccessMask = VK_ACCESS_MEMORY_READ_BIT | VK_ACCESS_MEMORY_WRITE_BIT;
    b.oldLayout = from;
    b.newLayout = to;
    b.srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
    b.dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
    b.image = image;
    b.subresourceRange = {aspect, 0, 1, 0, VK_REMAINING_ARRAY_LAYERS};
    vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_ALL_COMMANDS_BIT, VK_PIPELINE_STAGE_ALL_COMMANDS_BIT, 0, 0, nullptr, 0,
                         nullptr, 1, &b);
}

}  // namespace fl::gpu
