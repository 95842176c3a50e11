// libFuzzer target: arbitrary text for the command-line value parsers (--camera, --size, numbers).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/parse.h"
#include "scene/views.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    (void)fl::scene::parseCameraSpec(text);
    (void)fl::parseImageSize(text);
    (void)fl::parseDoubleList(text, -1, "fuzz");
    return 0;
}
