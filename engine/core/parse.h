// core/parse.h — strict parsing of numbers and lists from command lines and text formats.
// Owns: parsers that reject trailing garbage, NaN and infinity instead of silently reading a prefix.
#pragma once

#include <string_view>
#include <vector>

#include "core/result.h"

namespace fl {

// A finite double; `what` names the argument in the error ("--camera latitude").
Result<double> parseDouble(std::string_view text, std::string_view what);
// Comma-separated finite doubles; exactly `count` of them unless count < 0.
Result<std::vector<double>> parseDoubleList(std::string_view text, int count, std::string_view what);

struct ImageSize {
    int width = 0, height = 0;
};
// "WxH", 16..16384 each side (the largest 2D image size Vulkan devices commonly allow).
Result<ImageSize> parseImageSize(std::string_view text);

}  // namespace fl
