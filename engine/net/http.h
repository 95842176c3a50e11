// net/http.h — HTTP(S) GETs for tile sources, on libcurl.
// Owns: HttpOptions (timeouts, retries with backoff, requests in flight), HttpClient (blocking, thread-safe
// GETs with optional byte ranges, cancellation, bounded bodies) and HttpByteSource (PMTiles over ranges).
// (Sketch by the lead: the net helper completes this header and its implementation.)
#pragma once

#include <cstdint>
#include <string>

namespace fl::net {

struct HttpOptions {
    // Connecting to a tile server that does not answer within this is a (retryable) failure.
    int connectTimeoutMs = 5000;
    // Whole request, including the body. A 256x256 PNG is ~100 KiB: 20 s is slow-network safe.
    int requestTimeoutMs = 20000;
    // A transfer that moves fewer than 1 byte/s for this long is a stalled server: abort and retry.
    int stallTimeoutMs = 8000;
    int maxRetries = 3;               // after the first attempt; only for retryable failures
    int retryBackoffMs = 250;         // first wait; doubles each retry (with jitter) up to maxBackoffMs
    int maxBackoffMs = 4000;
    int maxRequestsInFlight = 8;      // per client; further requests wait for a slot
    uint64_t maxBodyBytes = 64ull << 20;  // larger bodies are refused (a tile is < 1 MiB)
    std::string userAgent = "Frontline/0.1 (terrain engine)";
};

}  // namespace fl::net
