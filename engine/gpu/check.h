// gpu/check.h — the Vulkan result check that stays on in every build type.
// Owns: VK_CHECK and VulkanError. Unexpected device failures (out of memory, device lost) become a
// VulkanError naming the call and the call site; the application turns it into one line and an exit code.
#pragma once

#include <vulkan/vulkan.h>

#include <stdexcept>
#include <string>

namespace fl::gpu {

const char* resultString(VkResult result);

class VulkanError : public std::runtime_error {
public:
    VulkanError(VkResult result, const std::string& what) : std::runtime_error(what), m_result(result) {}
    VkResult result() const { return m_result; }

private:
    VkResult m_result;
};

[[noreturn]] void throwVulkanError(VkResult result, const char* call, const char* file, int line);

}  // namespace fl::gpu

#define VK_CHECK(call)                                                                                      \
    do {                                                                                                    \
        const VkResult vk_check_result_ = (call);                                                           \
        if (vk_check_result_ < 0) ::fl::gpu::throwVulkanError(vk_check_result_, #call, __FILE__, __LINE__); \
    } while (0)
