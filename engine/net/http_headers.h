// net/http_headers.h — parsers for the HTTP header bytes a server (or, in tests, a client) sends us.
// They read untrusted input, so each is small, allocation-free, separately tested and fuzzed
// (tests/fuzz/fuzz_http.cpp): any input gives a value or nullopt, never a crash or an overflow.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>

namespace fl::net {

// Bytes first..last, inclusive, as HTTP writes them. first <= last.
struct ByteRange {
    uint64_t first = 0, last = 0;
    uint64_t length() const { return last - first + 1; }
    friend bool operator==(const ByteRange&, const ByteRange&) = default;
};

// A satisfied Content-Range: "bytes FIRST-LAST/TOTAL" or "bytes FIRST-LAST/*" (total unknown).
struct ContentRange {
    ByteRange range;
    std::optional<uint64_t> total;
    friend bool operator==(const ContentRange&, const ContentRange&) = default;
};

// The value of a Content-Range header (surrounding whitespace allowed, unit case-insensitive). nullopt for
// anything else, including "bytes */TOTAL" (the unsatisfied form of a 416), first > last, last >= total and
// numbers past 2^63.
std::optional<ContentRange> parseContentRange(std::string_view value);

// The value of a Range request header when it is one closed range "bytes=FIRST-LAST"; nullopt for suffix,
// open-ended and multiple ranges, which Frontline never sends.
std::optional<ByteRange> parseRangeHeader(std::string_view value);

// Content-Length: decimal digits only (surrounding whitespace allowed), at most 2^63.
std::optional<uint64_t> parseContentLength(std::string_view value);

// One header line "Name: value" (the CRLF may still be attached): name and trimmed value. nullopt for lines
// without a colon, with an empty name, or with whitespace or control bytes in the name.
std::optional<std::pair<std::string_view, std::string_view>> splitHeaderLine(std::string_view line);

struct StatusLine {
    int status = 0;           // 100..599
    std::string_view reason;  // as sent; may be empty (HTTP/2 has none)
};
// "HTTP/1.1 200 OK", "HTTP/2 404": the version, a three-digit status and an optional reason phrase.
std::optional<StatusLine> parseStatusLine(std::string_view line);

// Case-insensitive ASCII comparison for header names and tokens.
bool equalsIgnoreCase(std::string_view a, std::string_view b);

// The standard reason phrase for common statuses ("Not Found"), "" for others. Error messages use it rather
// than the server's text, so they read the same over HTTP/1.1 and HTTP/2 and cannot carry odd bytes.
std::string_view reasonPhrase(long status);

}  // namespace fl::net
