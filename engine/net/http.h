// net/http.h — HTTP(S) GETs for tile sources, on libcurl. net sits below terrain and includes none of it.
// Owns: HttpOptions (timeouts, retries with backoff, requests in flight), HttpClient (blocking, thread-safe
// GETs with optional byte ranges, cancellation, bounded bodies) and HttpError (what failed; retryable or not).
#pragma once

#include <atomic>
#include <cassert>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "core/result.h"
#include "net/http_headers.h"

namespace fl::net {

struct HttpOptions {
    // Connecting to a tile server that does not answer within this is a (retryable) failure.
    int connectTimeoutMs = 5000;
    // Whole request, including the body. A 256x256 PNG is ~100 KiB: 20 s is slow-network safe.
    int requestTimeoutMs = 20000;
    // Once the request is sent, no byte arriving for this long means the server stopped answering: abort and
    // retry. Checked every few ms, so sub-second values work (tests use 200 ms).
    int stallTimeoutMs = 8000;
    int maxRetries = 3;        // after the first attempt; only for retryable failures
    int retryBackoffMs = 250;  // first wait; doubles each retry, up to maxBackoffMs, then jittered to [50%, 100%]
    int maxBackoffMs = 4000;
    // Per client; further requests wait for a slot (a slot is held per attempt, not during backoff). Tile
    // servers throttle or ban clients that open dozens of connections; 8 keeps a view filling quickly.
    int maxRequestsInFlight = 8;
    uint64_t maxBodyBytes = 64ull << 20;  // larger bodies are refused, not retried (a tile is < 1 MiB)
    int maxRedirects = 5;                 // tile CDNs redirect to storage; more than this is a loop
    std::string userAgent = "Frontline/0.1 (terrain engine)";  // tile providers' usage policies ask for one
};

struct HttpResponse {
    long status = 0;  // always 2xx: other statuses come back as an HttpError
    std::vector<uint8_t> body;
    std::optional<ContentRange> contentRange;  // from a 206's Content-Range header (parsed, not yet checked)
    int attempts = 1;                          // requests made, retries included
};

// Why a get() failed. The client has already retried retryable failures maxRetries times, so a retryable
// error means "the server may answer later", not "call again right now".
struct HttpError {
    enum class Kind {
        BadUrl,        // malformed URL or a scheme other than http/https: final
        Connect,       // DNS, refused, reset, TLS handshake: retryable
        Timeout,       // connect or whole-request timeout: retryable
        Stalled,       // the server stopped sending for stallTimeoutMs: retryable
        Status,        // a non-2xx answer; `status` says which. Retryable for 5xx, 408 and 429 only
        Truncated,     // fewer body bytes than announced: retryable
        BodyTooLarge,  // over HttpOptions::maxBodyBytes: final
        Cancelled,     // the caller's cancel flag was set: final, and not a failure of the source
        Other,         // anything else libcurl reports (protocol errors, bad certificates): final
    };
    Kind kind = Kind::Other;
    Error error;      // one line: "URL: problem[ after N attempts][ (detail)]"
    long status = 0;  // the HTTP status for Kind::Status, else 0
    int attempts = 0;

    bool retryable() const;
    bool cancelled() const { return kind == Kind::Cancelled; }
};

// Result<HttpResponse> with the richer HttpError on failure. Reads like Result (ok(), value(), error());
// toResult() drops the kind where a plain Result is wanted.
class [[nodiscard]] HttpResult {
public:
    HttpResult(HttpResponse response) : m_v(std::move(response)) {}
    HttpResult(HttpError error) : m_v(std::move(error)) {}

    bool ok() const { return std::holds_alternative<HttpResponse>(m_v); }
    explicit operator bool() const { return ok(); }
    HttpResponse& value() & {
        assert(ok());
        return std::get<HttpResponse>(m_v);
    }
    const HttpResponse& value() const& {
        assert(ok());
        return std::get<HttpResponse>(m_v);
    }
    HttpResponse&& value() && {
        assert(ok());
        return std::get<HttpResponse>(std::move(m_v));
    }
    HttpResponse* operator->() { return &value(); }
    const HttpResponse* operator->() const { return &value(); }
    const HttpError& failure() const {
        assert(!ok());
        return std::get<HttpError>(m_v);
    }
    const Error& error() const { return failure().error; }
    bool retryable() const { return !ok() && failure().retryable(); }
    Result<HttpResponse> toResult() && {
        if (ok()) return std::move(*this).value();
        return failure().error;
    }

private:
    std::variant<HttpResponse, HttpError> m_v;
};

// Blocking GETs, safe to call from many threads at once. Keeps up to maxRequestsInFlight idle connections
// for reuse (keep-alive). Only http:// and https:// URLs, also after redirects.
class HttpClient {
public:
    explicit HttpClient(HttpOptions options = {});
    ~HttpClient();  // no get() may be running
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;

    // `range` asks for bytes first..last (inclusive) with "Range: bytes=first-last"; the server may still
    // answer 200 with the whole body (callers check status and contentRange). `cancel`, when set by another
    // thread, ends the request within a few ms: waiting for a slot, transferring, or backing off.
    HttpResult get(const std::string& url, std::optional<ByteRange> range = {},
                   const std::atomic<bool>* cancel = nullptr);

    const HttpOptions& options() const { return m_options; }

private:
    struct Impl;
    HttpOptions m_options;
    std::unique_ptr<Impl> m_impl;
};

// "http://" or "https://" prefix (case-insensitive): the only URLs the client accepts.
bool isHttpUrl(std::string_view url);

}  // namespace fl::net
