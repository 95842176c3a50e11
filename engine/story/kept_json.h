// story/kept_json.h — bounds on the JSON a document keeps without reading it (unknown story keys, unknown GeoJSON
// properties), so that it can write them back.
// Owns: measuring a kept value without recursion, and the limits on its depth and written size.
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace fl::story {

struct KeptJsonLimits {
    // Levels of arrays and objects below the kept key. Copying and writing JSON recurse once per level, so an
    // unbounded depth (a 400 KB file can nest 200 000 levels) overflows the stack; real metadata uses a handful.
    size_t maxDepth = 64;
    // Bytes of one kept value as written back (indented). Bounds the output a small input can produce: a 101 KB
    // file nested 10 000 deep wrote 200 MB of indentation before this limit.
    size_t maxBytesPerKey = size_t(1) << 20;
    // Bytes of all kept values of one document together, for the same reason across many keys.
    size_t maxBytesTotal = size_t(8) << 20;
};

struct KeptJsonExtent {
    size_t depth = 0;  // 0 for a scalar, 1 for [1, 2], …; measurement stops once past the limit
    size_t bytes = 0;  // as written with two-space indentation, counted from the kept key's own level
};

// Walks the value with an explicit stack; stops early once either limit is passed.
KeptJsonExtent measureKeptJson(const nlohmann::json& value, const KeptJsonLimits& limits = {});

// Why `value`, kept under `key`, is refused ("unknown key "x" nests more than 64 levels deep …"), or nothing.
// `noun` names what the key is to the reader: "unknown key", "property".
std::optional<std::string> keptJsonProblem(const nlohmann::json& value, std::string_view key,
                                           std::string_view noun = "unknown key", const KeptJsonLimits& limits = {});

// Why the kept values of an object together pass the total, naming the key that crossed it; `spent` carries the
// running total across the objects of one document.
std::optional<std::string> keptTotalProblem(const nlohmann::json& extra, size_t& spent,
                                            const KeptJsonLimits& limits = {});

}  // namespace fl::story
