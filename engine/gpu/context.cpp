#include "gpu/context.h"

#include <cstdlib>
#include <cstring>

#include "core/log.h"
#include "gpu/check.h"

namespace fl::gpu {

namespace {

constexpr const char* kValidationLayer = "VK_LAYER_KHRONOS_validation";

const char* typeName(VkPhysicalDeviceType t) {
    switch (t) {
        case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU:
            return "discrete GPU";
        case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU:
            return "integrated GPU";
        case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU:
            return "virtual GPU";
        case VK_PHYSICAL_DEVICE_TYPE_CPU:
            return "CPU";
        default:
            return "other";
    }
}

int typeScore(VkPhysicalDeviceType t) {
    switch (t) {
        case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU:
            return 4;
        case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU:
            return 3;
        case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU:
            return 2;
        case VK_PHYSICAL_DEVICE_TYPE_CPU:
            return 1;
        default:
            return 0;
    }
}

bool layerAvailable(const char* name) {
    uint32_t count = 0;
    vkEnumerateInstanceLayerProperties(&count, nullptr);
    std::vector<VkLayerProperties> layers(count);
    vkEnumerateInstanceLayerProperties(&count, layers.data());
    for (const auto& l : layers)
        if (std::strcmp(l.layerName, name) == 0) return true;
    return false;
}

DeviceInfo describeDevice(VkPhysicalDevice pd, uint32_t index) {
    VkPhysicalDeviceProperties p;
    vkGetPhysicalDeviceProperties(pd, &p);
    return {p.deviceName, typeName(p.deviceType), p.apiVersion, index};
}

// A queue family with graphics + compute (+ present to `surface` when given).
int findQueueFamily(VkPhysicalDevice pd, VkSurfaceKHR surface) {
    uint32_t count = 0;
    vkGetPhysicalDeviceQueueFamilyProperties(pd, &count, nullptr);
    std::vector<VkQueueFamilyProperties> families(count);
    vkGetPhysicalDeviceQueueFamilyProperties(pd, &count, families.data());
    for (uint32_t i = 0; i < count; ++i) {
        const VkQueueFlags need = VK_QUEUE_GRAPHICS_BIT | VK_QUEUE_COMPUTE_BIT;
        if ((families[i].queueFlags & need) != need) continue;
        if (surface) {
            VkBool32 present = VK_FALSE;
            vkGetPhysicalDeviceSurfaceSupportKHR(pd, i, surface, &present);
            if (!present) continue;
        }
        return static_cast<int>(i);
    }
    return -1;
}

}  // namespace

VKAPI_ATTR VkBool32 VKAPI_CALL debugCallback(VkDebugUtilsMessageSeverityFlagBitsEXT severity,
                                             VkDebugUtilsMessageTypeFlagsEXT,
                                             const VkDebugUtilsMessengerCallbackDataEXT* data, void* user) {
    auto* ctx = static_cast<Context*>(user);
    if (severity & VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT) {
        ctx->m_validationErrors++;
        log::error(std::string("vulkan validation: ") + data->pMessage);
    } else if (severity & VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT) {
        ctx->m_validationWarnings++;
        log::warn(std::string("vulkan validation: ") + data->pMessage);
    }
    return VK_FALSE;
}

std::string DeviceInfo::describe() const {
    return name + " [" + type + ", Vulkan " + std::to_string(VK_API_VERSION_MAJOR(apiVersion)) + "." +
           std::to_string(VK_API_VERSION_MINOR(apiVersion)) + "." + std::to_string(VK_API_VERSION_PATCH(apiVersion)) +
           ", device " + std::to_string(index) + "]";
}

ContextOptions ContextOptions::fromEnvironment() {
    ContextOptions o;
    const char* v = std::getenv("FRONTLINE_VALIDATION");
    o.validation = v && std::strcmp(v, "0") != 0 && *v;
    return o;
}

Result<std::vector<DeviceInfo>> Context::enumerateDevices() {
    VkApplicationInfo app{VK_STRUCTURE_TYPE_APPLICATION_INFO};
    app.apiVersion = VK_API_VERSION_1_2;
    VkInstanceCreateInfo ci{VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO};
    ci.pApplicationInfo = &app;
    VkInstance instance = VK_NULL_HANDLE;
    if (VkResult r = vkCreateInstance(&ci, nullptr, &instance); r != VK_SUCCESS)
        return Error{std::string("no Vulkan device: cannot create a Vulkan instance (") + resultString(r) +
                     "); install a Vulkan driver (mesa-vulkan-drivers provides lavapipe)"};
    uint32_t count = 0;
    vkEnumeratePhysicalDevices(instance, &count, nullptr);
    std::vector<VkPhysicalDevice> devices(count);
    vkEnumeratePhysicalDevices(instance, &count, devices.data());
    std::vector<DeviceInfo> out;
    for (uint32_t i = 0; i < count; ++i) out.push_back(describeDevice(devices[i], i));
    vkDestroyInstance(instance, nullptr);
    return out;
}

Result<std::unique_ptr<Context>> Context::create(const ContextOptions& options) {
    std::unique_ptr<Context> ctx(new Context());
    ctx->m_forceStaging = options.forceStaging;

    std::vector<const char*> extensions;
    for (const auto& e : options.instanceExtensions) extensions.push_back(e.c_str());
    std::vector<const char*> layers;
    bool validation = options.validation;
    if (validation && !layerAvailable(kValidationLayer)) {
        log::warn(
            "validation requested but VK_LAYER_KHRONOS_validation is not installed "
            "(apt-get install vulkan-validationlayers)");
        validation = false;
    }
    if (validation) {
        layers.push_back(kValidationLayer);
        extensions.push_back(VK_EXT_DEBUG_UTILS_EXTENSION_NAME);
    }

    VkApplicationInfo app{VK_STRUCTURE_TYPE_APPLICATION_INFO};
    app.pApplicationName = "Frontline";
    app.pEngineName = "Frontline";
    app.apiVersion = VK_API_VERSION_1_2;

    VkDebugUtilsMessengerCreateInfoEXT dbg{VK_STRUCTURE_TYPE_DEBUG_UTILS_MESSENGER_CREATE_INFO_EXT};
    dbg.messageSeverity =
        VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT | VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT;
    dbg.messageType = VK_DEBUG_UTILS_MESSAGE_TYPE_GENERAL_BIT_EXT | VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT |
                      VK_DEBUG_UTILS_MESSAGE_TYPE_PERFORMANCE_BIT_EXT;
    dbg.pfnUserCallback = debugCallback;
    dbg.pUserData = ctx.get();

    VkInstanceCreateInfo ci{VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO};
    ci.pApplicationInfo = &app;
    ci.enabledExtensionCount = static_cast<uint32_t>(extensions.size());
    ci.ppEnabledExtensionNames = extensions.data();
    ci.enabledLayerCount = static_cast<uint32_t>(layers.size());
    ci.ppEnabledLayerNames = layers.data();
    if (validation) ci.pNext = &dbg;  // also catches messages from vkCreateInstance itself
    if (VkResult r = vkCreateInstance(&ci, nullptr, &ctx->m_instance); r != VK_SUCCESS)
        return Error{std::string("no Vulkan device: cannot create a Vulkan instance (") + resultString(r) +
                     "); install a Vulkan driver (mesa-vulkan-drivers provides lavapipe)"};

    if (validation) {
        auto create = reinterpret_cast<PFN_vkCreateDebugUtilsMessengerEXT>(
            vkGetInstanceProcAddr(ctx->m_instance, "vkCreateDebugUtilsMessengerEXT"));
        if (create) VK_CHECK(create(ctx->m_instance, &dbg, nullptr, &ctx->m_messenger));
    }
    if (options.createSurface) {
        ctx->m_surface = options.createSurface(ctx->m_instance);
        if (!ctx->m_surface) return Error{"cannot create a window surface for Vulkan"};
    }

    uint32_t count = 0;
    vkEnumeratePhysicalDevices(ctx->m_instance, &count, nullptr);
    std::vector<VkPhysicalDevice> devices(count);
    vkEnumeratePhysicalDevices(ctx->m_instance, &count, devices.data());
    if (count == 0) return Error{"no Vulkan device found; install a GPU driver or mesa-vulkan-drivers (lavapipe)"};

    int chosen = -1, family = -1;
    if (options.deviceIndex >= 0) {
        if (options.deviceIndex >= static_cast<int>(count))
            return Error{"--device " + std::to_string(options.deviceIndex) + ": no such Vulkan device (" +
                         std::to_string(count) + " present, numbered from 0)"};
        chosen = options.deviceIndex;
        family = findQueueFamily(devices[chosen], ctx->m_surface);
        if (family < 0)
            return Error{"--device " + std::to_string(chosen) + " (" + describeDevice(devices[chosen], chosen).name +
                         ") has no graphics+compute queue" + (ctx->m_surface ? " that can present" : "")};
    } else {
        int bestScore = -1;
        for (uint32_t i = 0; i < count; ++i) {
            const int f = findQueueFamily(devices[i], ctx->m_surface);
            if (f < 0) continue;
            VkPhysicalDeviceProperties p;
            vkGetPhysicalDeviceProperties(devices[i], &p);
            if (p.apiVersion < VK_API_VERSION_1_2) continue;
            if (typeScore(p.deviceType) > bestScore) {
                bestScore = typeScore(p.deviceType);
                chosen = static_cast<int>(i);
                family = f;
            }
        }
        if (chosen < 0) return Error{"no Vulkan 1.2 device with a graphics+compute queue found"};
    }

    ctx->m_physical = devices[chosen];
    ctx->m_queueFamily = static_cast<uint32_t>(family);
    ctx->m_info = describeDevice(ctx->m_physical, chosen);
    vkGetPhysicalDeviceProperties(ctx->m_physical, &ctx->m_properties);
    vkGetPhysicalDeviceMemoryProperties(ctx->m_physical, &ctx->m_memory);

    const float priority = 1.0f;
    VkDeviceQueueCreateInfo qci{VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO};
    qci.queueFamilyIndex = ctx->m_queueFamily;
    qci.queueCount = 1;
    qci.pQueuePriorities = &priority;
    std::vector<const char*> deviceExtensions;
    if (ctx->m_surface) deviceExtensions.push_back(VK_KHR_SWAPCHAIN_EXTENSION_NAME);
    VkDeviceCreateInfo dci{VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO};
    dci.queueCreateInfoCount = 1;
    dci.pQueueCreateInfos = &qci;
    dci.enabledExtensionCount = static_cast<uint32_t>(deviceExtensions.size());
    dci.ppEnabledExtensionNames = deviceExtensions.data();
    if (VkResult r = vkCreateDevice(ctx->m_physical, &dci, nullptr, &ctx->m_device); r != VK_SUCCESS)
        return Error{"cannot create the Vulkan device on " + ctx->m_info.name + " (" + resultString(r) + ")"};
    vkGetDeviceQueue(ctx->m_device, ctx->m_queueFamily, 0, &ctx->m_queue);

    VkCommandPoolCreateInfo pci{VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO};
    pci.flags = VK_COMMAND_POOL_CREATE_TRANSIENT_BIT;
    pci.queueFamilyIndex = ctx->m_queueFamily;
    VK_CHECK(vkCreateCommandPool(ctx->m_device, &pci, nullptr, &ctx->m_uploadPool));
    return ctx;
}

Context::~Context() {
    if (m_device) {
        vkDeviceWaitIdle(m_device);
        vkDestroyCommandPool(m_device, m_uploadPool, nullptr);
        vkDestroyDevice(m_device, nullptr);
    }
    if (m_surface) vkDestroySurfaceKHR(m_instance, m_surface, nullptr);
    if (m_messenger) {
        auto destroy = reinterpret_cast<PFN_vkDestroyDebugUtilsMessengerEXT>(
            vkGetInstanceProcAddr(m_instance, "vkDestroyDebugUtilsMessengerEXT"));
        if (destroy) destroy(m_instance, m_messenger, nullptr);
    }
    if (m_instance) vkDestroyInstance(m_instance, nullptr);
}

uint32_t Context::findMemoryType(uint32_t typeBits, VkMemoryPropertyFlags required,
                                 VkMemoryPropertyFlags preferred) const {
    uint32_t fallback = UINT32_MAX;
    for (uint32_t i = 0; i < m_memory.memoryTypeCount; ++i) {
        if (!(typeBits & (1u << i))) continue;
        const VkMemoryPropertyFlags f = m_memory.memoryTypes[i].propertyFlags;
        if ((f & required) != required) continue;
        if ((f & preferred) == preferred) return i;
        if (fallback == UINT32_MAX) fallback = i;
    }
    return fallback;
}

void Context::submitAndWait(const std::function<void(VkCommandBuffer)>& record) {
    VkCommandBufferAllocateInfo ai{VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO};
    ai.commandPool = m_uploadPool;
    ai.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
    ai.commandBufferCount = 1;
    VkCommandBuffer cmd;
    VK_CHECK(vkAllocateCommandBuffers(m_device, &ai, &cmd));
    VkCommandBufferBeginInfo bi{VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
    bi.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
    VK_CHECK(vkBeginCommandBuffer(cmd, &bi));
    record(cmd);
    VK_CHECK(vkEndCommandBuffer(cmd));
    VkFenceCreateInfo fci{VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
    VkFence fence;
    VK_CHECK(vkCreateFence(m_device, &fci, nullptr, &fence));
    VkSubmitInfo si{VK_STRUCTURE_TYPE_SUBMIT_INFO};
    si.commandBufferCount = 1;
    si.pCommandBuffers = &cmd;
    VK_CHECK(vkQueueSubmit(m_queue, 1, &si, fence));
    VK_CHECK(vkWaitForFences(m_device, 1, &fence, VK_TRUE, UINT64_MAX));
    vkDestroyFence(m_device, fence, nullptr);
    vkFreeCommandBuffers(m_device, m_uploadPool, 1, &cmd);
}

void Context::waitIdle() const {
    VK_CHECK(vkDeviceWaitIdle(m_device));
}

}  // namespace fl::gpu
