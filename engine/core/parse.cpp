#include "core/parse.h"

#include <charconv>
#include <cmath>
#include <string>

namespace fl {

Result<double> parseDouble(std::string_view text, std::string_view what) {
    while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
    while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
    double v = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size())
        return Error{std::string(what) + ": '" + std::string(text) + "' is not a number"};
    if (!std::isfinite(v)) return Error{std::string(what) + ": '" + std::string(text) + "' is not a finite number"};
    return v;
}

Result<std::vector<double>> parseDoubleList(std::string_view text, int count, std::string_view what) {
    std::vector<double> out;
    size_t start = 0;
    while (true) {
        const size_t comma = text.find(',', start);
        const std::string_view part =
            text.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
        auto v = parseDouble(part, what);
        if (!v) return v.error();
        out.push_back(*v);
        if (comma == std::string_view::npos) break;
        start = comma + 1;
    }
    if (count >= 0 && static_cast<int>(out.size()) != count)
        return Error{std::string(what) + ": expected " + std::to_string(count) + " comma-separated numbers, got " +
                     std::to_string(out.size())};
    return out;
}

Result<ImageSize> parseImageSize(std::string_view text) {
    const size_t x = text.find_first_of("xX");
    auto bad = [&](const std::string& why) {
        return Error{"--size '" + std::string(text) + "': " + why + " (expected WIDTHxHEIGHT, e.g. 1920x1080)"};
    };
    if (x == std::string_view::npos) return bad("missing 'x'");
    int w = 0, h = 0;
    const std::string_view ws = text.substr(0, x), hs = text.substr(x + 1);
    auto r1 = std::from_chars(ws.data(), ws.data() + ws.size(), w);
    auto r2 = std::from_chars(hs.data(), hs.data() + hs.size(), h);
    if (ws.empty() || hs.empty() || r1.ec != std::errc() || r2.ec != std::errc() || r1.ptr != ws.data() + ws.size() ||
        r2.ptr != hs.data() + hs.size())
        return bad("not two whole numbers");
    if (w < 16 || h < 16 || w > 16384 || h > 16384) return bad("each side must be 16..16384 pixels");
    return ImageSize{w, h};
}

}  // namespace fl
