// bench/bench.h — what the `frontline bench` benchmarks share.
// Owns: the output record (one JSON object per line with --json, or the fields a table row prints) and
// the entry point of each benchmark (bench_command.cpp: streaming, bench_terrain.cpp: terrain).
#pragma once

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace fl::app {

// One output record: printed as a JSON object (--json) or read by the human-readable printers.
class Record {
public:
    using Value = std::variant<std::string, double, int64_t, bool>;
    explicit Record(std::string metric) { set("metric", std::move(metric)); }

    // Booleans stay booleans, integers are written without a fraction, everything else as text.
    template <typename T>
    Record& set(const std::string& key, const T& value) {
        if constexpr (std::is_same_v<T, bool>)
            return put(key, Value(value));
        else if constexpr (std::is_integral_v<T>)
            return put(key, Value(int64_t(value)));
        else if constexpr (std::is_floating_point_v<T>)
            return put(key, Value(double(value)));
        else
            return put(key, Value(std::string(value)));
    }

    double number(const std::string& key) const {
        for (const auto& [k, v] : m_fields) {
            if (k != key) continue;
            if (auto* d = std::get_if<double>(&v)) return *d;
            if (auto* i = std::get_if<int64_t>(&v)) return double(*i);
        }
        return 0;
    }
    std::string text(const std::string& key) const {
        for (const auto& [k, v] : m_fields)
            if (k == key)
                if (auto* s = std::get_if<std::string>(&v)) return *s;
        return {};
    }
    bool flag(const std::string& key) const {
        for (const auto& [k, v] : m_fields)
            if (k == key)
                if (auto* b = std::get_if<bool>(&v)) return *b;
        return false;
    }

    std::string json() const {
        std::string out = "{";
        for (const auto& [k, v] : m_fields) {
            if (out.size() > 1) out += ",";
            out += quote(k) + ":";
            if (auto* s = std::get_if<std::string>(&v)) {
                out += quote(*s);
            } else if (auto* d = std::get_if<double>(&v)) {
                char buffer[32];
                // JSON has no NaN or infinity; a measurement that produced one is reported as null.
                if (std::isfinite(*d))
                    std::snprintf(buffer, sizeof buffer, "%.6g", *d);
                else
                    std::snprintf(buffer, sizeof buffer, "null");
                out += buffer;
            } else if (auto* i = std::get_if<int64_t>(&v)) {
                out += std::to_string(*i);
            } else {
                out += std::get<bool>(v) ? "true" : "false";
            }
        }
        return out + "}";
    }

private:
    Record& put(const std::string& key, Value value) {
        for (auto& [k, v] : m_fields)
            if (k == key) {
                v = std::move(value);
                return *this;
            }
        m_fields.emplace_back(key, std::move(value));
        return *this;
    }

    static std::string quote(const std::string& s) {
        std::string out = "\"";
        for (char c : s) {
            if (c == '"' || c == '\\') {
                out += '\\';
                out += c;
            } else if (static_cast<unsigned char>(c) < 0x20) {
                char buffer[8];
                std::snprintf(buffer, sizeof buffer, "\\u%04x", c);
                out += buffer;
            } else {
                out += c;
            }
        }
        return out + "\"";
    }

    std::vector<std::pair<std::string, Value>> m_fields;
};

// `frontline bench terrain ...` (bench_terrain.cpp); `args` follow the word "terrain".
int runTerrainBench(const std::vector<std::string>& args);
std::string terrainBenchUsage();
// `frontline bench overlays ...` (bench_overlays.cpp).
int runOverlaysBench(const std::vector<std::string>& args);
std::string overlaysBenchUsage();
// `frontline bench story ...` (bench_story.cpp): import and render cost against an area's vertex count.
int runStoryBench(const std::vector<std::string>& args);
std::string storyBenchUsage();
// `frontline bench soak ...` (bench_soak.cpp): memory over a long run of the window's frame loop.
int runSoakBench(const std::vector<std::string>& args);
std::string soakBenchUsage();

}  // namespace fl::app
