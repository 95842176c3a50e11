#include "terrain/http_tile_source.h"

#include <algorithm>

#include "net/http_body.h"
#include "terrain/tile_selection.h"
#include "terrain/tile_source.h"
#include "terrain/tile_source_metadata.h"

namespace fl::terrain {
namespace {

thread_local const std::atomic<bool>* t_cancel = nullptr;

std::string str(uint64_t v) {
    return std::to_string(v);
}

std::string rangeText(uint64_t first, uint64_t last) {
    return str(first) + "-" + str(last);
}

}  // namespace

HttpByteSource::CancelScope::CancelScope(const std::atomic<bool>* cancel) : m_previous(t_cancel) {
    t_cancel = cancel;
}
HttpByteSource::CancelScope::~CancelScope() {
    t_cancel = m_previous;
}

HttpByteSource::HttpByteSource(std::shared_ptr<net::HttpClient> client, std::string url)
    : m_client(std::move(client)), m_url(std::move(url)) {}

std::optional<uint64_t> HttpByteSource::size() const {
    std::lock_guard lock(m_mutex);
    return m_size;
}

bool HttpByteSource::serverIgnoresRanges() const {
    std::lock_guard lock(m_mutex);
    return m_wholeFile != nullptr;
}

Result<std::vector<uint8_t>> HttpByteSource::read(uint64_t offset, uint64_t length) {
    if (length == 0) return std::vector<uint8_t>{};
    const uint64_t last = offset + length - 1;
    if (last < offset)
        return Error::inFile(m_url, "read of " + str(length) + " bytes at " + str(offset) + " overflows");
    auto pastEnd = [&](uint64_t size) {
        return Error::inFile(m_url, "bytes " + rangeText(offset, last) + " go past the end (" + str(size) + " bytes)");
    };
    std::shared_ptr<const std::vector<uint8_t>> whole;
    {
        std::lock_guard lock(m_mutex);
        if (m_size && last >= *m_size) return pastEnd(*m_size);
        whole = m_wholeFile;
    }
    if (!whole) {
        auto response = m_client->get(m_url, net::ByteRange{offset, last}, t_cancel);
        if (!response) return response.error();
        std::lock_guard lock(m_mutex);
        auto answer = net::judgeRangeAnswer(m_url, {offset, last}, response->status, response->contentRange,
                                            response->body.size(), m_size);
        if (!answer) return answer.error();
        if (answer->use == net::RangeAnswer::Use::Part) {
            if (answer->total) m_size = answer->total;
            return std::move(response->body);
        }
        // The server ignores Range and sent everything: keep it, so later reads do not download it again.
        if (!m_wholeFile) {
            m_wholeFile = std::make_shared<const std::vector<uint8_t>>(std::move(response->body));
            m_size = m_wholeFile->size();
        }
        whole = m_wholeFile;
    }
    if (last >= whole->size()) return pastEnd(whole->size());
    return std::vector<uint8_t>(whole->begin() + ptrdiff_t(offset), whole->begin() + ptrdiff_t(last + 1));
}

Result<UrlTemplate> UrlTemplate::parse(const std::string& text) {
    if (!net::isHttpUrl(text)) return Error{text + ": an URL template must start with http:// or https://"};
    bool hasY = text.find("{y}") != std::string::npos || text.find("{-y}") != std::string::npos;
    if (text.find("{z}") == std::string::npos || text.find("{x}") == std::string::npos || !hasY) {
        return Error{text + ": an URL template needs {z}, {x} and {y} (or {-y} for TMS rows)"};
    }
    UrlTemplate t;
    t.m_text = text;
    return t;
}

std::string UrlTemplate::expand(TileId tile) const {
    const uint32_t tmsY = (tile.z < 32 ? (uint32_t((uint64_t(1) << tile.z) - 1)) : 0) - tile.y;
    std::string out;
    out.reserve(m_text.size() + 16);
    for (size_t i = 0; i < m_text.size();) {
        auto take = [&](std::string_view key, const std::string& value) {
            if (m_text.compare(i, key.size(), key) != 0) return false;
            out += value;
            i += key.size();
            return true;
        };
        if (m_text[i] == '{' && (take("{z}", str(tile.z)) || take("{x}", str(tile.x)) || take("{y}", str(tile.y)) ||
                                 take("{-y}", str(tmsY)))) {
            continue;
        }
        out += m_text[i++];
    }
    return out;
}

namespace {

class HttpXyzSource final : public TileSource {
public:
    HttpXyzSource(TileSourceInfo info, UrlTemplate urls, std::shared_ptr<net::HttpClient> client)
        : m_info(std::move(info)), m_urls(std::move(urls)), m_client(std::move(client)) {}

    const TileSourceInfo& info() const override { return m_info; }

    TileFetch fetch(TileId tile, const CancelFlag& cancel) override {
        if (!isValid(tile) || tile.z < m_info.minZoom || tile.z > m_info.maxZoom) return TileFetch::missing();
        // Outside the server's bounds (TileJSON or --bounds) there is nothing to ask for: every such request
        // would be a 404 and a warning.
        if (!overlaps(tileBounds(tile), m_info.bounds)) return TileFetch::missing();
        if (cancel.cancelled()) return TileFetch::cancelled();
        auto response = m_client->get(m_urls.expand(tile), std::nullopt, &cancel.flag());
        if (!response) {
            if (response.failure().cancelled()) return TileFetch::cancelled();
            return TileFetch::failed(Error{response.error().message + " (tile " + toString(tile) + ")"},
                                     response.retryable());
        }
        // Some tile servers answer 204 for tiles they do not have (open ocean): that is coverage, not failure.
        if (response->status == 204) return TileFetch::missing();
        if (response->status != 200) {
            return TileFetch::failed(Error{m_urls.expand(tile) + ": unexpected HTTP " +
                                           std::to_string(response->status) + " (tile " + toString(tile) + ")"},
                                     false);
        }
        return TileFetch::ok(std::move(response->body));
    }

private:
    TileSourceInfo m_info;
    UrlTemplate m_urls;
    std::shared_ptr<net::HttpClient> m_client;  // one per source: the in-flight cap is per server
};

// The server's TileJSON, where it has one: what it serves (bounds, zooms, encoding) instead of the whole
// world at z0..15, which made a regional server answer hundreds of 404s. nullopt when there is none (any
// failure to fetch counts as none: the tiles themselves will say what is wrong with the server); an Error
// when there is one and it is malformed.
struct FoundTileJson {
    std::string url;
    SourceMetadata metadata;
};
Result<std::optional<FoundTileJson>> fetchTileJson(net::HttpClient& client, const std::string& urlTemplate) {
    for (const std::string& url : tileJsonUrls(urlTemplate)) {
        auto response = client.get(url);
        if (!response || response->status != 200) continue;
        const auto& body = response->body;
        auto parsed =
            parseSourceMetadata(std::string_view(reinterpret_cast<const char*>(body.data()), body.size()), url);
        if (!parsed) return parsed.error();
        return std::optional<FoundTileJson>(FoundTileJson{url, std::move(*parsed)});
    }
    return std::optional<FoundTileJson>();
}

}  // namespace

std::vector<std::string> tileJsonUrls(const std::string& urlTemplate) {
    const size_t brace = urlTemplate.find('{');
    const size_t slash = urlTemplate.rfind('/', brace);
    if (brace == std::string::npos || slash == std::string::npos) return {};
    const std::string folder = urlTemplate.substr(0, slash + 1);
    return {folder + "tiles.json", folder + "metadata.json"};
}

Result<std::unique_ptr<TileSource>> openHttpXyzSource(const std::string& urlTemplate,
                                                      const TileSourceOptions& options) {
    auto urls = UrlTemplate::parse(urlTemplate);
    if (!urls) return urls.error();
    auto client = std::make_shared<net::HttpClient>(options.http);
    auto tileJson = fetchTileJson(*client, urlTemplate);
    if (!tileJson) return tileJson.error();
    const SourceMetadata metadata = *tileJson ? (*tileJson)->metadata : SourceMetadata{};
    const std::string where =
        *tileJson ? (*tileJson)->url : "the server (no tiles.json or metadata.json beside the tiles)";
    auto encoding = chooseEncoding(metadata.encoding, options.encoding, urlTemplate, where);
    if (!encoding) return encoding.error();

    // Options (--bounds, --min-zoom/--max-zoom) win over the TileJSON, which wins over the whole world.
    TileSourceInfo info;
    info.name = urlTemplate;
    info.kind = TileSourceKind::XyzUrlTemplate;
    info.encoding = *encoding;
    info.minZoom = options.minZoom.value_or(metadata.minZoom.value_or(0));
    info.maxZoom = options.maxZoom.value_or(metadata.maxZoom.value_or(15));
    if (info.minZoom < 0 || info.maxZoom > kMaxTileZoom || info.minZoom > info.maxZoom) {
        return Error{urlTemplate + ": zoom range " + std::to_string(info.minZoom) + ".." +
                     std::to_string(info.maxZoom) + " is not within 0.." + std::to_string(kMaxTileZoom)};
    }
    applyXyzMetadata(info, metadata, options.bounds);
    return std::unique_ptr<TileSource>(std::make_unique<HttpXyzSource>(std::move(info), std::move(*urls), client));
}

Result<std::unique_ptr<TileSource>> openRemotePmtilesSource(const std::string& url, const TileSourceOptions& options) {
    if (!net::isHttpUrl(url)) return Error{url + ": a remote archive must be an http:// or https:// URL"};
    auto client = std::make_shared<net::HttpClient>(options.http);
    return openPmtilesSource(std::make_unique<HttpByteSource>(std::move(client), url), options);
}

}  // namespace fl::terrain
