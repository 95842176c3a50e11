#include <algorithm>
#include <cmath>

#include "output/image.h"

namespace fl::output {

ImageRgba8 quantize(const ImageRgbaF& image) {
    ImageRgba8 out;
    out.width = image.width;
    out.height = image.height;
    out.pixels.resize(image.pixels.size());
    for (size_t i = 0; i < image.pixels.size(); ++i) {
        const float v = std::clamp(image.pixels[i], 0.0f, 1.0f);  // NaN -> 0 below
        out.pixels[i] = static_cast<uint8_t>(std::isnan(v) ? 0 : std::lround(v * 255.0f));
    }
    return out;
}

}  // namespace fl::output
