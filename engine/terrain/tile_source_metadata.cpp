#include "terrain/tile_source_metadata.h"

#include <cpl_json.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "terrain/gdal_support.h"

namespace fl::terrain {

namespace {

using JsonType = CPLJSONObject::Type;

bool present(const CPLJSONObject& o) {
    return o.IsValid() && o.GetType() != JsonType::Null;
}

const char* typeName(JsonType t) {
    switch (t) {
        case JsonType::Object:
            return "an object";
        case JsonType::Array:
            return "an array";
        case JsonType::Boolean:
            return "a boolean";
        case JsonType::String:
            return "a string";
        case JsonType::Integer:
        case JsonType::Long:
        case JsonType::Double:
            return "a number";
        default:
            return "null";
    }
}

std::optional<double> asNumber(const CPLJSONObject& o) {
    switch (o.GetType()) {
        case JsonType::Integer:
        case JsonType::Long:
        case JsonType::Double:
            return o.ToDouble();
        case JsonType::String: {
            // mb-util and some exporters write every metadata value as a string.
            const std::string s = o.ToString();
            double v = 0;
            const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
            if (ec != std::errc() || end != s.data() + s.size() || s.empty()) return std::nullopt;
            return v;
        }
        default:
            return std::nullopt;
    }
}

// Reads metadata keys into SourceMetadata; the first problem is kept and named with its key.
class Parser {
public:
    explicit Parser(const std::string& name) : m_name(name) {}

    bool failed() const { return m_error.has_value(); }
    Error error() const { return *m_error; }

    void fail(const std::string& key, const std::string& problem) {
        if (!m_error) m_error = Error::inFile(m_name, "metadata \"" + key + "\" " + problem);
    }

    std::optional<int> integer(const CPLJSONObject& o, const std::string& key, int lo, int hi) {
        if (!present(o)) return std::nullopt;
        const auto v = asNumber(o);
        if (!v || !std::isfinite(*v) || *v != std::floor(*v)) {
            fail(key, "is " + describe(o) + ", not an integer");
            return std::nullopt;
        }
        if (*v < lo || *v > hi) {
            fail(key, "is " + std::to_string(int64_t(std::clamp(*v, -1e18, 1e18))) + ", outside " + std::to_string(lo) +
                          ".." + std::to_string(hi));
            return std::nullopt;
        }
        return int(*v);
    }

    std::string string(const CPLJSONObject& o, const std::string& key) {
        if (!present(o)) return {};
        if (o.GetType() != JsonType::String) {
            fail(key, "is " + describe(o) + ", not a string");
            return {};
        }
        return o.ToString();
    }

    std::optional<TileBounds> bounds(const CPLJSONObject& o, const std::string& key) {
        if (!present(o)) return std::nullopt;
        std::vector<double> v;
        if (o.GetType() == JsonType::Array) {
            for (const CPLJSONObject& item : o.ToArray()) {
                const auto n = asNumber(item);
                if (!n) break;
                v.push_back(*n);
            }
        } else if (o.GetType() == JsonType::String) {
            // "west,south,east,north", as mb-util writes it.
            const std::string s = o.ToString();
            size_t begin = 0;
            while (begin <= s.size()) {
                size_t end = s.find(',', begin);
                if (end == std::string::npos) end = s.size();
                std::string part = s.substr(begin, end - begin);
                part.erase(0, part.find_first_not_of(' '));
                part.erase(part.find_last_not_of(' ') + 1);
                double d = 0;
                const auto [stop, ec] = std::from_chars(part.data(), part.data() + part.size(), d);
                if (ec != std::errc() || stop != part.data() + part.size() || part.empty()) {
                    v.clear();
                    break;
                }
                v.push_back(d);
                begin = end + 1;
            }
        }
        const bool shaped =
            v.size() == 4 && std::isfinite(v[0]) && std::isfinite(v[1]) && std::isfinite(v[2]) && std::isfinite(v[3]);
        if (!shaped) {
            fail(key, "is not [west, south, east, north] in degrees");
            return std::nullopt;
        }
        const TileBounds b{v[0], v[1], v[2], v[3]};
        if (b.west < -180 || b.east > 180 || b.south < -90 || b.north > 90 || b.west >= b.east || b.south >= b.north) {
            fail(key, "is " + o.Format(CPLJSONObject::PrettyFormat::Plain) +
                          ", not a west < east, south < north box in degrees");
            return std::nullopt;
        }
        return b;
    }

private:
    static std::string describe(const CPLJSONObject& o) {
        if (o.GetType() != JsonType::String) return typeName(o.GetType());
        // Built by appending: GCC 12 warns (-Wrestrict, a false positive) on "\"" + std::string.
        std::string quoted(1, '"');
        quoted += o.ToString();
        quoted += '"';
        return quoted;
    }

    const std::string& m_name;
    std::optional<Error> m_error;
};

}  // namespace

Result<SourceMetadata> parseSourceMetadata(std::string_view json, const std::string& name) {
    SourceMetadata out;
    // Archives from other tools may carry no metadata at all.
    if (json.find_first_not_of(" \t\r\n") == std::string_view::npos) return out;

    CPLJSONDocument document;
    {
        GdalErrorCapture gdal;
        if (!document.LoadMemory(std::string(json)))
            return Error::inFile(name, withGdal("metadata is not valid JSON", gdal));
    }
    const CPLJSONObject root = document.GetRoot();
    if (root.GetType() != JsonType::Object)
        return Error::inFile(name, std::string("metadata is ") + typeName(root.GetType()) + ", not a JSON object");

    Parser p(name);
    if (const std::string encoding = p.string(root.GetObj("encoding"), "encoding"); !encoding.empty()) {
        auto parsed = parseEncoding(encoding);
        if (!parsed) return Error::inFile(name, "metadata \"encoding\": " + parsed.error().message);
        out.encoding = *parsed;
    }
    out.attribution = p.string(root.GetObj("attribution"), "attribution");
    out.minZoom = p.integer(root.GetObj("minzoom"), "minzoom", 0, kMaxTileZoom);
    out.maxZoom = p.integer(root.GetObj("maxzoom"), "maxzoom", 0, kMaxTileZoom);
    if (out.minZoom && out.maxZoom && *out.minZoom > *out.maxZoom)
        p.fail("minzoom", std::to_string(*out.minZoom) + " is above maxzoom " + std::to_string(*out.maxZoom));
    out.bounds = p.bounds(root.GetObj("bounds"), "bounds");
    out.tileSize = p.integer(root.GetObj("tile_size"), "tile_size", 0, 1 << 16);
    if (out.tileSize && !isSupportedTileSize(*out.tileSize, *out.tileSize))
        p.fail("tile_size", "is " + std::to_string(*out.tileSize) + "; height tiles are 256 or 512 pixels");

    const CPLJSONObject frontline = root.GetObj("frontline");
    if (present(frontline)) {
        if (frontline.GetType() != JsonType::Object) {
            p.fail("frontline", "is not an object");
        } else {
            const CPLJSONObject synthesized = frontline.GetObj("synthesized_detail");
            if (present(synthesized)) {
                if (synthesized.GetType() != JsonType::Object)
                    p.fail("frontline.synthesized_detail", "is not an object");
                else if (!present(synthesized.GetObj("from_zoom")))
                    p.fail("frontline.synthesized_detail", "has no \"from_zoom\"");
                else
                    out.synthesizedFromZoom = p.integer(synthesized.GetObj("from_zoom"),
                                                        "frontline.synthesized_detail.from_zoom", 0, kMaxTileZoom);
            }
            const CPLJSONObject provenance = frontline.GetObj("provenance");
            if (present(provenance)) {
                if (provenance.GetType() != JsonType::Array) {
                    p.fail("frontline.provenance", "is not an array of strings");
                } else {
                    for (const CPLJSONObject& line : provenance.ToArray()) {
                        const std::string text = p.string(line, "frontline.provenance");
                        if (text.empty()) continue;
                        if (!out.provenance.empty()) out.provenance += '\n';
                        out.provenance += text;
                    }
                }
            }
        }
    }
    if (p.failed()) return p.error();
    return out;
}

Result<HeightEncoding> chooseEncoding(std::optional<HeightEncoding> fromSource,
                                      std::optional<HeightEncoding> fromOptions, const std::string& name,
                                      const std::string& where) {
    if (fromSource && fromOptions && *fromSource != *fromOptions)
        return Error::inFile(name, where + " says its heights are " + std::string(encodingName(*fromSource)) +
                                       " but --encoding says " + std::string(encodingName(*fromOptions)));
    if (fromSource) return *fromSource;
    if (fromOptions) return *fromOptions;
    return Error::inFile(name, where + " does not say its height encoding; pass --encoding terrarium|mapbox");
}

void applyXyzMetadata(TileSourceInfo& info, const SourceMetadata& metadata, const std::optional<TileBounds>& bounds) {
    if (bounds)
        info.bounds = *bounds;
    else if (metadata.bounds)
        info.bounds = *metadata.bounds;
    info.tileSize = metadata.tileSize.value_or(kTileSize);
    info.attribution = metadata.attribution;
    info.synthesizedFromZoom = metadata.synthesizedFromZoom;
    info.provenance = metadata.provenance;
}

}  // namespace fl::terrain
