#include "gpu/check.h"

#include <cstring>

namespace fl::gpu {

const char* resultString(VkResult r) {
    switch (r) {
#define FL_CASE(x) \
    case x:        \
        return #x;
        FL_CASE(VK_SUCCESS)
        FL_CASE(VK_NOT_READY)
        FL_CASE(VK_TIMEOUT)
        FL_CASE(VK_EVENT_SET)
        FL_CASE(VK_EVENT_RESET)
        FL_CASE(VK_INCOMPLETE)
        FL_CASE(VK_SUBOPTIMAL_KHR)
        FL_CASE(VK_ERROR_OUT_OF_HOST_MEMORY)
        FL_CASE(VK_ERROR_OUT_OF_DEVICE_MEMORY)
        FL_CASE(VK_ERROR_INITIALIZATION_FAILED)
        FL_CASE(VK_ERROR_DEVICE_LOST)
        FL_CASE(VK_ERROR_MEMORY_MAP_FAILED)
        FL_CASE(VK_ERROR_LAYER_NOT_PRESENT)
        FL_CASE(VK_ERROR_EXTENSION_NOT_PRESENT)
        FL_CASE(VK_ERROR_FEATURE_NOT_PRESENT)
        FL_CASE(VK_ERROR_INCOMPATIBLE_DRIVER)
        FL_CASE(VK_ERROR_TOO_MANY_OBJECTS)
        FL_CASE(VK_ERROR_FORMAT_NOT_SUPPORTED)
        FL_CASE(VK_ERROR_FRAGMENTED_POOL)
        FL_CASE(VK_ERROR_UNKNOWN)
        FL_CASE(VK_ERROR_OUT_OF_POOL_MEMORY)
        FL_CASE(VK_ERROR_SURFACE_LOST_KHR)
        FL_CASE(VK_ERROR_NATIVE_WINDOW_IN_USE_KHR)
        FL_CASE(VK_ERROR_OUT_OF_DATE_KHR)
        FL_CASE(VK_ERROR_VALIDATION_FAILED_EXT)
#undef FL_CASE
        default:
            return "VK_RESULT_UNKNOWN";
    }
}

void throwVulkanError(VkResult result, const char* call, const char* file, int line) {
    // Keep the path short: "gpu/context.cpp" reads better than the absolute build path.
    const char* shortFile = std::strstr(file, "engine/");
    shortFile = shortFile ? shortFile + 7 : file;
    throw VulkanError(result, std::string(call) + " failed: " + resultString(result) + " at " + shortFile + ":" +
                                  std::to_string(line));
}

}  // namespace fl::gpu
