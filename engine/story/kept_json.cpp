#include "story/kept_json.h"

#include <utility>
#include <vector>

namespace fl::story {

using nlohmann::json;

namespace {

// Bytes of a scalar as nlohmann writes it, close enough for a limit (numbers are estimated, not formatted).
size_t scalarBytes(const json& v) {
    switch (v.type()) {
        case json::value_t::string:
            return v.get_ref<const json::string_t&>().size() + 2;
        case json::value_t::boolean:
            return 5;
        case json::value_t::null:
            return 4;
        case json::value_t::binary:
            return v.get_binary().size() * 4;
        default:
            return 24;  // numbers: at most 17 significant digits, a sign, an exponent
    }
}

std::string megabytes(size_t bytes) {
    const size_t tenths = (bytes * 10 + (size_t(1) << 19)) >> 20;
    return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10) + " MB";
}

std::string quotedKey(std::string_view key) {
    std::string out(1, '"');
    out.append(key.substr(0, 60));
    out.append(key.size() > 60 ? "…\"" : "\"");
    return out;
}

}  // namespace

KeptJsonExtent measureKeptJson(const json& value, const KeptJsonLimits& limits) {
    KeptJsonExtent e;
    // (value, its depth): an explicit stack, because the values measured here are the ones too deep to recurse.
    std::vector<std::pair<const json*, size_t>> stack{{&value, 0}};
    while (!stack.empty()) {
        auto [v, depth] = stack.back();
        stack.pop_back();
        const size_t indent = 2 * depth + 1;  // the line's indentation and its newline
        if (!v->is_structured()) {
            e.bytes += indent + scalarBytes(*v);
            continue;
        }
        e.depth = std::max(e.depth, depth + 1);
        e.bytes += 2 * indent;  // the opening and closing brackets
        if (e.depth > limits.maxDepth || e.bytes > limits.maxBytesTotal) return e;
        if (v->is_object())
            for (auto it = v->begin(); it != v->end(); ++it) {
                e.bytes += it.key().size() + 4;  // "key":
                stack.emplace_back(&it.value(), depth + 1);
            }
        else
            for (const json& item : *v) stack.emplace_back(&item, depth + 1);
    }
    return e;
}

std::optional<std::string> keptJsonProblem(const json& value, std::string_view key, std::string_view noun,
                                           const KeptJsonLimits& limits) {
    const KeptJsonExtent e = measureKeptJson(value, limits);
    const std::string named = std::string(noun) + " " + quotedKey(key);
    if (e.depth > limits.maxDepth)
        return named + " nests more than " + std::to_string(limits.maxDepth) +
               " levels deep (the limit for a value kept unread)";
    if (e.bytes > limits.maxBytesPerKey)
        return named + " would be kept at " + (e.bytes > limits.maxBytesTotal ? "over " : "") + megabytes(e.bytes) +
               " (the limit for a value kept unread is " + megabytes(limits.maxBytesPerKey) + ")";
    return std::nullopt;
}

std::optional<std::string> keptTotalProblem(const json& extra, size_t& spent, const KeptJsonLimits& limits) {
    if (!extra.is_object()) return std::nullopt;
    for (auto it = extra.begin(); it != extra.end(); ++it) {
        spent += measureKeptJson(it.value(), limits).bytes + it.key().size() + 4;
        if (spent > limits.maxBytesTotal)
            return "unknown keys kept unread pass " + megabytes(limits.maxBytesTotal) + " together (at key " +
                   quotedKey(it.key()) + ")";
    }
    return std::nullopt;
}

}  // namespace fl::story
