#include "gpu/swapchain.h"

#include <algorithm>

#include "gpu/check.h"
#include "gpu/context.h"

namespace fl::gpu {

VkFormat chooseSurfaceFormat(Context& ctx) {
    uint32_t count = 0;
    VK_CHECK(vkGetPhysicalDeviceSurfaceFormatsKHR(ctx.physicalDevice(), ctx.surface(), &count, nullptr));
    std::vector<VkSurfaceFormatKHR> formats(count);
    VK_CHECK(vkGetPhysicalDeviceSurfaceFormatsKHR(ctx.physicalDevice(), ctx.surface(), &count, formats.data()));
    for (VkFormat want : {VK_FORMAT_B8G8R8A8_UNORM, VK_FORMAT_R8G8B8A8_UNORM})
        for (const auto& f : formats)
            if (f.format == want && f.colorSpace == VK_COLOR_SPACE_SRGB_NONLINEAR_KHR) return want;
    return formats.empty() ? VK_FORMAT_B8G8R8A8_UNORM : formats[0].format;
}

Swapchain::Swapchain(Context& ctx) : m_ctx(ctx) {
    m_format = chooseSurfaceFormat(ctx);
}

Swapchain::~Swapchain() {
    destroyViews();
    if (m_swapchain) vkDestroySwapchainKHR(m_ctx.device(), m_swapchain, nullptr);
}

void Swapchain::destroyViews() {
    for (VkImageView v : m_views) vkDestroyImageView(m_ctx.device(), v, nullptr);
    m_views.clear();
}

void Swapchain::recreate(uint32_t width, uint32_t height) {
    VkSurfaceCapabilitiesKHR caps;
    VK_CHECK(vkGetPhysicalDeviceSurfaceCapabilitiesKHR(m_ctx.physicalDevice(), m_ctx.surface(), &caps));
    m_extent = caps.currentExtent.width != UINT32_MAX
                   ? caps.currentExtent
                   : VkExtent2D{std::clamp(width, caps.minImageExtent.width, caps.maxImageExtent.width),
                                std::clamp(height, caps.minImageExtent.height, caps.maxImageExtent.height)};
    uint32_t imageCount = std::max(caps.minImageCount + 1, 3u);
    if (caps.maxImageCount) imageCount = std::min(imageCount, caps.maxImageCount);

    VkSwapchainCreateInfoKHR ci{VK_STRUCTURE_TYPE_SWAPCHAIN_CREATE_INFO_KHR};
    ci.surface = m_ctx.surface();
    ci.minImageCount = imageCount;
    ci.imageFormat = m_format;
    ci.imageColorSpace = VK_COLOR_SPACE_SRGB_NONLINEAR_KHR;
    ci.imageExtent = m_extent;
    ci.imageArrayLayers = 1;
    ci.imageUsage = VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT | VK_IMAGE_USAGE_TRANSFER_SRC_BIT;
    ci.imageSharingMode = VK_SHARING_MODE_EXCLUSIVE;
    ci.preTransform = caps.currentTransform;
    ci.compositeAlpha = VK_COMPOSITE_ALPHA_OPAQUE_BIT_KHR;
    ci.presentMode = VK_PRESENT_MODE_FIFO_KHR;  // always supported
    ci.clipped = VK_TRUE;
    ci.oldSwapchain = m_swapchain;
    VkSwapchainKHR next;
    VK_CHECK(vkCreateSwapchainKHR(m_ctx.device(), &ci, nullptr, &next));
    destroyViews();
    if (m_swapchain) vkDestroySwapchainKHR(m_ctx.device(), m_swapchain, nullptr);
    m_swapchain = next;

    uint32_t count = 0;
    VK_CHECK(vkGetSwapchainImagesKHR(m_ctx.device(), m_swapchain, &count, nullptr));
    m_images.resize(count);
    VK_CHECK(vkGetSwapchainImagesKHR(m_ctx.device(), m_swapchain, &count, m_images.data()));
    for (VkImage image : m_images) {
        VkImageViewCreateInfo vi{VK_STRUCTURE_TYPE_IMAGE_VIEW_CREATE_INFO};
        vi.image = image;
        vi.viewType = VK_IMAGE_VIEW_TYPE_2D;
        vi.format = m_format;
        vi.subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1};
        VkImageView view;
        VK_CHECK(vkCreateImageView(m_ctx.device(), &vi, nullptr, &view));
        m_views.push_back(view);
    }
}

bool Swapchain::acquire(VkSemaphore signal, uint32_t& index) {
    const VkResult r = vkAcquireNextImageKHR(m_ctx.device(), m_swapchain, UINT64_MAX, signal, VK_NULL_HANDLE, &index);
    if (r == VK_ERROR_OUT_OF_DATE_KHR) return false;
    if (r != VK_SUBOPTIMAL_KHR) VK_CHECK(r);
    return true;
}

bool Swapchain::present(VkSemaphore wait, uint32_t index) {
    VkPresentInfoKHR pi{VK_STRUCTURE_TYPE_PRESENT_INFO_KHR};
    pi.waitSemaphoreCount = 1;
    pi.pWaitSemaphores = &wait;
    pi.swapchainCount = 1;
    pi.pSwapchains = &m_swapchain;
    pi.pImageIndices = &index;
    const VkResult r = vkQueuePresentKHR(m_ctx.queue(), &pi);
    if (r == VK_ERROR_OUT_OF_DATE_KHR || r == VK_SUBOPTIMAL_KHR) return false;
    VK_CHECK(r);
    return true;
}

}  // namespace fl::gpu
