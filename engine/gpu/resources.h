// gpu/resources.h — RAII wrappers for Vulkan objects.
// Owns: buffers and images with their memory, the generic DeviceHandle for everything else, and the
// upload path (direct map where device memory is host-visible, staging copy where it is not).
#pragma once

#include <vulkan/vulkan.h>

#include <cstddef>
#include <utility>

namespace fl::gpu {

class Context;

// Move-only owner of one VkDevice child object, destroyed with its vkDestroy* function.
template <typename T, void (*Destroy)(VkDevice, T, const VkAllocationCallbacks*)>
class DeviceHandle {
public:
    DeviceHandle() = default;
    DeviceHandle(VkDevice device, T handle) : m_device(device), m_handle(handle) {}
    DeviceHandle(DeviceHandle&& o) noexcept { swap(o); }
    DeviceHandle& operator=(DeviceHandle&& o) noexcept {
        DeviceHandle tmp(std::move(o));
        swap(tmp);
        return *this;
    }
    DeviceHandle(const DeviceHandle&) = delete;
    DeviceHandle& operator=(const DeviceHandle&) = delete;
    ~DeviceHandle() {
        if (m_handle != VK_NULL_HANDLE) Destroy(m_device, m_handle, nullptr);
    }
    T get() const { return m_handle; }
    operator T() const { return m_handle; }
    explicit operator bool() const { return m_handle != VK_NULL_HANDLE; }

private:
    void swap(DeviceHandle& o) {
        std::swap(m_device, o.m_device);
        std::swap(m_handle, o.m_handle);
    }
    VkDevice m_device = VK_NULL_HANDLE;
    T m_handle = VK_NULL_HANDLE;
};

using ShaderModule = DeviceHandle<VkShaderModule, vkDestroyShaderModule>;
using PipelineLayout = DeviceHandle<VkPipelineLayout, vkDestroyPipelineLayout>;
using Pipeline = DeviceHandle<VkPipeline, vkDestroyPipeline>;
using DescriptorSetLayout = DeviceHandle<VkDescriptorSetLayout, vkDestroyDescriptorSetLayout>;
using DescriptorPool = DeviceHandle<VkDescriptorPool, vkDestroyDescriptorPool>;
using RenderPass = DeviceHandle<VkRenderPass, vkDestroyRenderPass>;
using Framebuffer = DeviceHandle<VkFramebuffer, vkDestroyFramebuffer>;
using ImageView = DeviceHandle<VkImageView, vkDestroyImageView>;
using Sampler = DeviceHandle<VkSampler, vkDestroySampler>;
using Fence = DeviceHandle<VkFence, vkDestroyFence>;
using Semaphore = DeviceHandle<VkSemaphore, vkDestroySemaphore>;
using CommandPool = DeviceHandle<VkCommandPool, vkDestroyCommandPool>;

enum class MemoryUsage {
    GpuOnly,   // device-local; filled by upload() (staging where it is not host-visible)
    Upload,    // host-visible, written by the CPU every frame (uniforms, overlay vertices)
    Readback,  // host-visible + cached, read by the CPU (frame readback)
};

class Buffer {
public:
    Buffer() = default;
    Buffer(Context& ctx, VkDeviceSize size, VkBufferUsageFlags usage, MemoryUsage memory);
    Buffer(Buffer&& o) noexcept;
    Buffer& operator=(Buffer&& o) noexcept;
    Buffer(const Buffer&) = delete;
    Buffer& operator=(const Buffer&) = delete;
    ~Buffer();

    VkBuffer handle() const { return m_buffer; }
    VkDeviceSize size() const { return m_size; }
    void* mapped() const { return m_mapped; }  // non-null for host-visible memory (persistently mapped)
    explicit operator bool() const { return m_buffer != VK_NULL_HANDLE; }

    // Copies bytes into the buffer at `offset`: memcpy when host-visible (and the context does not
    // force staging), otherwise through a staging buffer and vkCmdCopyBuffer. Load-time use.
    void upload(const void* data, VkDeviceSize bytes, VkDeviceSize offset = 0);

private:
    void release();
    Context* m_ctx = nullptr;
    VkBuffer m_buffer = VK_NULL_HANDLE;
    VkDeviceMemory m_memory = VK_NULL_HANDLE;
    VkDeviceSize m_size = 0;
    void* m_mapped = nullptr;
};

struct ImageDesc {
    uint32_t width = 1, height = 1;
    VkFormat format = VK_FORMAT_R8G8B8A8_UNORM;
    VkImageUsageFlags usage = VK_IMAGE_USAGE_SAMPLED_BIT;
    VkImageAspectFlags aspect = VK_IMAGE_ASPECT_COLOR_BIT;
    // Layers > 1, or arrayView, make a 2D-array image with a 2D_ARRAY view (texture arrays such as the
    // terrain page pool; arrayView keeps the shader's sampler2DArray valid even for one layer).
    uint32_t layers = 1;
    bool arrayView = false;
};

class Image {
public:
    Image() = default;
    Image(Context& ctx, const ImageDesc& desc);
    Image(Image&& o) noexcept;
    Image& operator=(Image&& o) noexcept;
    Image(const Image&) = delete;
    Image& operator=(const Image&) = delete;
    ~Image();

    VkImage handle() const { return m_image; }
    VkImageView view() const { return m_view; }
    const ImageDesc& desc() const { return m_desc; }
    explicit operator bool() const { return m_image != VK_NULL_HANDLE; }

    // Uploads tightly packed texels for the whole image through a staging buffer and leaves it in
    // SHADER_READ_ONLY_OPTIMAL.
    void upload(const void* texels, VkDeviceSize bytes);

private:
    void release();
    Context* m_ctx = nullptr;
    ImageDesc m_desc;
    VkImage m_image = VK_NULL_HANDLE;
    VkDeviceMemory m_memory = VK_NULL_HANDLE;
    VkImageView m_view = VK_NULL_HANDLE;
};

// One image-layout transition with a full-strength barrier; for load-time and readback paths.
// Covers every array layer.
void transitionImage(VkCommandBuffer cmd, VkImage image, VkImageAspectFlags aspect, VkImageLayout from,
                     VkImageLayout to);

}  // namespace fl::gpu
