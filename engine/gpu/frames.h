// gpu/frames.h — frames in flight and deferred destruction.
// Owns: one command buffer, fence and pair of semaphores per frame slot, and the per-slot garbage
// list: a resource released while the GPU may still read it dies only when its slot's fence signals.
#pragma once

#include <memory>
#include <utility>
#include <vector>

#include "gpu/resources.h"

namespace fl::gpu {

struct FrameSlot {
    VkCommandBuffer cmd = VK_NULL_HANDLE;
    Fence inFlight;
    Semaphore imageAcquired;  // swapchain image ready (window mode)
    Semaphore renderDone;     // rendering finished, safe to present (window mode)
    std::vector<std::shared_ptr<void>> garbage;
    bool submitted = false;
};

class FrameRing {
public:
    // Two frames in flight: the CPU records frame N+1 while the GPU renders N, no deeper queue
    // (latency matters more than throughput for live camera control).
    explicit FrameRing(Context& ctx, uint32_t framesInFlight = 2);
    ~FrameRing();
    FrameRing(const FrameRing&) = delete;
    FrameRing& operator=(const FrameRing&) = delete;

    // Waits for this slot's previous submission, destroys its garbage, and begins its command buffer.
    FrameSlot& begin();
    // Ends and submits the current slot; waits on / signals the semaphores when given (window mode).
    void submit(VkSemaphore wait = VK_NULL_HANDLE, VkPipelineStageFlags waitStage = 0,
                VkSemaphore signal = VK_NULL_HANDLE);
    // Blocks until the current slot's submission is complete (headless readback).
    void waitCurrent();

    // Keeps `resource` alive until the GPU has finished every frame submitted so far.
    template <typename T>
    void deferRelease(T&& resource) {
        m_slots[m_current].garbage.push_back(std::make_shared<std::decay_t<T>>(std::forward<T>(resource)));
    }

    FrameSlot& current() { return m_slots[m_current]; }
    uint32_t slotIndex() const { return m_current; }
    uint32_t slotCount() const { return static_cast<uint32_t>(m_slots.size()); }
    uint64_t frameNumber() const { return m_frameNumber; }

private:
    Context& m_ctx;
    CommandPool m_pool;
    std::vector<FrameSlot> m_slots;
    uint32_t m_current = 0;
    uint64_t m_frameNumber = 0;
    bool m_recording = false;
};

}  // namespace fl::gpu
