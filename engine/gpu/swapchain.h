// gpu/swapchain.h — presentation to a window surface.
// Owns: the VkSwapchainKHR, its image views, and recreation on resize. Knows nothing of GLFW: the
// window system only hands in a surface (created in Context) and the framebuffer size.
#pragma once

#include <vector>

#include "gpu/resources.h"

namespace fl::gpu {

class Context;

class Swapchain {
public:
    explicit Swapchain(Context& ctx);
    ~Swapchain();
    Swapchain(const Swapchain&) = delete;
    Swapchain& operator=(const Swapchain&) = delete;

    // (Re)creates for the given framebuffer size; the GPU must be idle. FIFO (vsync) presentation:
    // no tearing on a studio display, and the same pacing everywhere.
    void recreate(uint32_t width, uint32_t height);

    VkSwapchainKHR handle() const { return m_swapchain; }
    VkFormat format() const { return m_format; }
    VkExtent2D extent() const { return m_extent; }
    uint32_t imageCount() const { return static_cast<uint32_t>(m_images.size()); }
    VkImageView view(uint32_t i) const { return m_views[i]; }

    // Returns false when the swapchain is out of date and must be recreated.
    bool acquire(VkSemaphore signal, uint32_t& index);
    bool present(VkSemaphore wait, uint32_t index);

private:
    void destroyViews();
    Context& m_ctx;
    VkSwapchainKHR m_swapchain = VK_NULL_HANDLE;
    VkFormat m_format = VK_FORMAT_UNDEFINED;
    VkExtent2D m_extent{};
    std::vector<VkImage> m_images;
    std::vector<VkImageView> m_views;
};

// The UNORM 8-bit format the swapchain will use (the scene's shaders write sRGB-encoded values).
VkFormat chooseSurfaceFormat(Context& ctx);

}  // namespace fl::gpu
