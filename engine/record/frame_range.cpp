#include <cmath>
#include <filesystem>

#include "core/parse.h"
#include "record/frame_writer.h"

namespace fl::record {

Result<Format> parseFormat(const std::string& name) {
    if (name == "png") return Format::Png;
    if (name == "png16") return Format::Png16;
    if (name == "exr") return Format::Exr;
    if (name == "prores") return Format::ProRes;
    return Error{"--format: unknown format '" + name + "' (known: png, png16, exr, prores)"};
}

const char* formatName(Format f) {
    switch (f) {
        case Format::Png:
            return "png";
        case Format::Png16:
            return "png16";
        case Format::Exr:
            return "exr";
        case Format::ProRes:
            return "prores";
    }
    return "?";
}

bool isSequence(Format f) {
    return f != Format::ProRes;
}

Result<FrameRange> parseFrameRange(const std::string& text) {
    const size_t dash = text.find('-', 1);
    auto whole = [&](std::string_view part) -> std::optional<int64_t> {
        auto v = parseDouble(part, "--frames");
        if (!v || *v < 0 || *v > 1e9 || *v != std::floor(*v)) return std::nullopt;
        return int64_t(*v);
    };
    const auto a = whole(std::string_view(text).substr(0, dash));
    const auto b = dash == std::string::npos ? a : whole(std::string_view(text).substr(dash + 1));
    if (text.empty() || !a || !b) return Error{"--frames: '" + text + "' is not a frame range like 0-99"};
    if (*b < *a) return Error{"--frames: '" + text + "' is an inverted range (the last frame is before the first)"};
    return FrameRange{*a, *b};
}

FrameRange framesOf(double seconds, const timecode::FrameRate& rate) {
    // Exact for the rationals: seconds * num / den, less a hair so that 20 s at 25 fps is 500 frames, not 501.
    const int64_t n = std::max<int64_t>(1, int64_t(std::ceil(seconds * double(rate.num) / double(rate.den) - 1e-9)));
    return {0, n - 1};
}

std::string sequencePath(const std::string& out, int64_t frame, const std::string& extension) {
    const size_t hashes = out.find('#');
    if (hashes == std::string::npos) {
        char name[64];
        std::snprintf(name, sizeof name, "frame.%06lld.%s", static_cast<long long>(frame), extension.c_str());
        return (std::filesystem::path(out) / name).string();
    }
    size_t end = hashes;
    while (end < out.size() && out[end] == '#') ++end;
    std::string number = std::to_string(frame);
    if (number.size() < end - hashes) number.insert(0, end - hashes - number.size(), '0');
    return out.substr(0, hashes) + number + out.substr(end);
}

float srgbToLinear(float v) {
    return v <= 0.04045f ? v / 12.92f : std::pow((v + 0.055f) / 1.055f, 2.4f);
}

}  // namespace fl::record
