// terrain/http_tile_source.h — tile sources over HTTP(S), on net::HttpClient.
// Owns: HttpByteSource (PMTiles archive bytes over range requests) and the XYZ URL template expansion used by
// openHttpXyzSource; both sources are opened through terrain/tile_source.h.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "net/http.h"
#include "terrain/pmtiles.h"
#include "terrain/tile_id.h"

namespace fl::terrain {

// Archive bytes read with "Range: bytes=a-b". A 206 must carry a Content-Range naming exactly the bytes asked
// for; a 200 (a server that ignores ranges) is accepted too: the whole body is kept (within the client's
// maxBodyBytes) and later reads are sliced from it. size() is known after the first answer. Thread-safe.
class HttpByteSource final : public ByteSource {
public:
    HttpByteSource(std::shared_ptr<net::HttpClient> client, std::string url);

    Result<std::vector<uint8_t>> read(uint64_t offset, uint64_t length) override;
    std::string name() const override { return m_url; }
    std::optional<uint64_t> size() const override;
    // Whether the last answer was a whole body because the server ignores Range (tests and diagnostics).
    bool serverIgnoresRanges() const;

    // ByteSource::read has no cancel argument, so a fetch that reads through a PmtilesReader sets the flag
    // for its thread with this scope; reads on that thread then abort when it is set (Error "…: cancelled").
    class CancelScope {
    public:
        explicit CancelScope(const std::atomic<bool>* cancel);
        ~CancelScope();
        CancelScope(const CancelScope&) = delete;
        CancelScope& operator=(const CancelScope&) = delete;

    private:
        const std::atomic<bool>* m_previous;
    };

private:
    std::shared_ptr<net::HttpClient> m_client;
    std::string m_url;
    mutable std::mutex m_mutex;  // guards the members below
    std::optional<uint64_t> m_size;
    std::shared_ptr<const std::vector<uint8_t>> m_wholeFile;  // set when the server answered 200 to a range
};

// An XYZ URL template: http(s):// with {z}, {x} and {y} ({-y}: TMS rows, counted from the south).
class UrlTemplate {
public:
    static Result<UrlTemplate> parse(const std::string& text);
    std::string expand(TileId tile) const;
    const std::string& text() const { return m_text; }

private:
    std::string m_text;
};

// Where a server keeps the TileJSON of an URL template, in the order tried: tiles.json, then metadata.json
// (mb-util, tippecanoe) in the folder above the first templated segment (".../{z}/{x}/{y}.png" ->
// ".../tiles.json"). openHttpXyzSource reads bounds, zooms, encoding and attribution from the first found.
std::vector<std::string> tileJsonUrls(const std::string& urlTemplate);

}  // namespace fl::terrain
