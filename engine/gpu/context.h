// gpu/context.h — the Vulkan device.
// Owns: instance, validation + debug messenger (counting errors), physical-device choice, the logical
// device with one graphics+compute queue, and one-shot command submission for uploads.
#pragma once

#include <vulkan/vulkan.h>

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/result.h"

namespace fl::gpu {

struct ContextOptions {
    // Validation layers + debug messenger. Default: on when FRONTLINE_VALIDATION=1 (the tests set it).
    bool validation = false;
    // Index into vkEnumeratePhysicalDevices; -1 picks the best (discrete > integrated > virtual > CPU).
    int deviceIndex = -1;
    // Instance extensions a window system needs (from glfwGetRequiredInstanceExtensions).
    std::vector<std::string> instanceExtensions;
    // Creates a presentation surface once the instance exists; the chosen queue must present to it.
    std::function<VkSurfaceKHR(VkInstance)> createSurface;
    // Use a staging buffer for uploads even where device memory is host-visible (lavapipe), so the
    // path real GPUs take is exercised on this machine too.
    bool forceStaging = false;

    static ContextOptions fromEnvironment();  // validation from FRONTLINE_VALIDATION
};

struct DeviceInfo {
    std::string name;
    std::string type;  // "discrete GPU", "integrated GPU", "virtual GPU", "CPU"
    uint32_t apiVersion = 0;
    uint32_t index = 0;
    std::string describe() const;  // "llvmpipe (LLVM 15.0.6, 256 bits) [CPU, Vulkan 1.3.230, device 0]"
};

class Context {
public:
    // Fails with a readable message when there is no Vulkan loader, no device, or the requested
    // --device index does not exist.
    static Result<std::unique_ptr<Context>> create(const ContextOptions& options);
    ~Context();
    Context(const Context&) = delete;
    Context& operator=(const Context&) = delete;

    VkInstance instance() const { return m_instance; }
    VkPhysicalDevice physicalDevice() const { return m_physical; }
    VkDevice device() const { return m_device; }
    VkQueue queue() const { return m_queue; }
    uint32_t queueFamily() const { return m_queueFamily; }
    VkSurfaceKHR surface() const { return m_surface; }
    const DeviceInfo& info() const { return m_info; }
    const VkPhysicalDeviceProperties& properties() const { return m_properties; }
    bool forceStaging() const { return m_forceStaging; }
    bool validationEnabled() const { return m_messenger != VK_NULL_HANDLE; }

    // Validation messages of severity error seen since creation (the tests assert zero).
    uint32_t validationErrors() const { return m_validationErrors.load(); }
    uint32_t validationWarnings() const { return m_validationWarnings.load(); }

    // Memory type with all `required` flags (and preferably `preferred` ones) among `typeBits`.
    // Returns UINT32_MAX if none.
    uint32_t findMemoryType(uint32_t typeBits, VkMemoryPropertyFlags required,
                            VkMemoryPropertyFlags preferred = 0) const;

    // Records `record` into a fresh command buffer, submits it and waits. For uploads at load time,
    // not for per-frame work.
    void submitAndWait(const std::function<void(VkCommandBuffer)>& record);

    void waitIdle() const;

    // Lists every physical device (for `--list-devices` and error messages).
    static Result<std::vector<DeviceInfo>> enumerateDevices();

private:
    Context() = default;
    friend VKAPI_ATTR VkBool32 VKAPI_CALL debugCallback(VkDebugUtilsMessageSeverityFlagBitsEXT,
                                                        VkDebugUtilsMessageTypeFlagsEXT,
                                                        const VkDebugUtilsMessengerCallbackDataEXT*, void*);

    VkInstance m_instance = VK_NULL_HANDLE;
    VkDebugUtilsMessengerEXT m_messenger = VK_NULL_HANDLE;
    VkSurfaceKHR m_surface = VK_NULL_HANDLE;
    VkPhysicalDevice m_physical = VK_NULL_HANDLE;
    VkDevice m_device = VK_NULL_HANDLE;
    VkQueue m_queue = VK_NULL_HANDLE;
    uint32_t m_queueFamily = 0;
    VkCommandPool m_uploadPool = VK_NULL_HANDLE;
    VkPhysicalDeviceProperties m_properties{};
    VkPhysicalDeviceMemoryProperties m_memory{};
    DeviceInfo m_info;
    bool m_forceStaging = false;
    std::atomic<uint32_t> m_validationErrors{0};
    std::atomic<uint32_t> m_validationWarnings{0};
};

}  // namespace fl::gpu
