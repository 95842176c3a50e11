#include "gpu/frames.h"

#include <cassert>

#include "gpu/check.h"
#include "gpu/context.h"

namespace fl::gpu {

FrameRing::FrameRing(Context& ctx, uint32_t framesInFlight) : m_ctx(ctx), m_slots(framesInFlight) {
    assert(framesInFlight >= 1);
    VkDevice dev = ctx.device();
    VkCommandPoolCreateInfo pci{VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO};
    pci.flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT;
    pci.queueFamilyIndex = ctx.queueFamily();
    VkCommandPool pool;
    VK_CHECK(vkCreateCommandPool(dev, &pci, nullptr, &pool));
    m_pool = CommandPool(dev, pool);
    for (auto& s : m_slots) {
        VkCommandBufferAllocateInfo ai{VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO};
        ai.commandPool = pool;
        ai.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
        ai.commandBufferCount = 1;
        VK_CHECK(vkAllocateCommandBuffers(dev, &ai, &s.cmd));
        VkFenceCreateInfo fci{VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
        VkFence fence;
        VK_CHECK(vkCreateFence(dev, &fci, nullptr, &fence));
        s.inFlight = Fence(dev, fence);
        VkSemaphoreCreateInfo sci{VK_STRUCTURE_TYPE_SEMAPHORE_CREATE_INFO};
        VkSemaphore a, b;
        VK_CHECK(vkCreateSemaphore(dev, &sci, nullptr, &a));
        VK_CHECK(vkCreateSemaphore(dev, &sci, nullptr, &b));
        s.imageAcquired = Semaphore(dev, a);
        s.renderDone = Semaphore(dev, b);
    }
}

FrameRing::~FrameRing() {
    vkDeviceWaitIdle(m_ctx.device());
    for (auto& s : m_slots) s.garbage.clear();
}

FrameSlot& FrameRing::begin() {
    assert(!m_recording);
    m_current = static_cast<uint32_t>(m_frameNumber % m_slots.size());
    FrameSlot& s = m_slots[m_current];
    if (s.submitted) {
        VkFence f = s.inFlight;
        VK_CHECK(vkWaitForFences(m_ctx.device(), 1, &f, VK_TRUE, UINT64_MAX));
        VK_CHECK(vkResetFences(m_ctx.device(), 1, &f));
        s.submitted = false;
    }
    s.garbage.clear();  // everything released when this slot last ran is now unused by the GPU
    VK_CHECK(vkResetCommandBuffer(s.cmd, 0));
    VkCommandBufferBeginInfo bi{VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
    bi.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
    VK_CHECK(vkBeginCommandBuffer(s.cmd, &bi));
    m_recording = true;
    return s;
}

void FrameRing::submit(VkSemaphore wait, VkPipelineStageFlags waitStage, VkSemaphore signal) {
    assert(m_recording);
    FrameSlot& s = m_slots[m_current];
    VK_CHECK(vkEndCommandBuffer(s.cmd));
    VkSubmitInfo si{VK_STRUCTURE_TYPE_SUBMIT_INFO};
    si.commandBufferCount = 1;
    si.pCommandBuffers = &s.cmd;
    if (wait) {
        si.waitSemaphoreCount = 1;
        si.pWaitSemaphores = &wait;
        si.pWaitDstStageMask = &waitStage;
    }
    if (signal) {
        si.signalSemaphoreCount = 1;
        si.pSignalSemaphores = &signal;
    }
    VK_CHECK(vkQueueSubmit(m_ctx.queue(), 1, &si, s.inFlight));
    s.submitted = true;
    m_recording = false;
    ++m_frameNumber;
}

void FrameRing::waitCurrent() {
    FrameSlot& s = m_slots[m_current];
    if (!s.submitted) return;
    VkFence f = s.inFlight;
    VK_CHECK(vkWaitForFences(m_ctx.device(), 1, &f, VK_TRUE, UINT64_MAX));
}

}  // namespace fl::gpu
