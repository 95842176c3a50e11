#include "net/http_headers.h"

namespace fl::net {
namespace {

constexpr uint64_t kMaxNumber = uint64_t(1) << 63;  // HTTP sizes beyond this are nonsense, and it avoids overflow

bool isSpace(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && isSpace(s.front())) s.remove_prefix(1);
    while (!s.empty() && isSpace(s.back())) s.remove_suffix(1);
    return s;
}

char lower(char c) {
    return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c;
}

// Leading decimal digits of `s` (at least one), consumed from `s`. nullopt on no digits or > kMaxNumber.
std::optional<uint64_t> takeNumber(std::string_view& s) {
    size_t i = 0;
    uint64_t v = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
        uint64_t digit = uint64_t(s[i] - '0');
        if (v > (kMaxNumber - digit) / 10) return std::nullopt;
        v = v * 10 + digit;
        ++i;
    }
    if (i == 0) return std::nullopt;
    s.remove_prefix(i);
    return v;
}

bool takePrefixIgnoreCase(std::string_view& s, std::string_view prefix) {
    if (s.size() < prefix.size() || !equalsIgnoreCase(s.substr(0, prefix.size()), prefix)) return false;
    s.remove_prefix(prefix.size());
    return true;
}

bool takeChar(std::string_view& s, char c) {
    if (s.empty() || s.front() != c) return false;
    s.remove_prefix(1);
    return true;
}

}  // namespace

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
        if (lower(a[i]) != lower(b[i])) return false;
    }
    return true;
}

std::optional<ContentRange> parseContentRange(std::string_view value) {
    std::string_view s = trim(value);
    if (!takePrefixIgnoreCase(s, "bytes")) return std::nullopt;
    // One or more spaces between unit and range (RFC 9110 says one; be lenient about more).
    if (s.empty() || s.front() != ' ') return std::nullopt;
    while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
    auto first = takeNumber(s);
    if (!first || !takeChar(s, '-')) return std::nullopt;
    auto last = takeNumber(s);
    if (!last || !takeChar(s, '/') || *first > *last) return std::nullopt;
    ContentRange out{{*first, *last}, std::nullopt};
    if (takeChar(s, '*')) {
        if (!s.empty()) return std::nullopt;
        return out;
    }
    auto total = takeNumber(s);
    if (!total || !s.empty() || *last >= *total) return std::nullopt;
    out.total = *total;
    return out;
}

std::optional<ByteRange> parseRangeHeader(std::string_view value) {
    std::string_view s = trim(value);
    if (!takePrefixIgnoreCase(s, "bytes=")) return std::nullopt;
    auto first = takeNumber(s);
    if (!first || !takeChar(s, '-')) return std::nullopt;
    auto last = takeNumber(s);
    if (!last || !s.empty() || *first > *last) return std::nullopt;
    return ByteRange{*first, *last};
}

std::optional<uint64_t> parseContentLength(std::string_view value) {
    std::string_view s = trim(value);
    auto n = takeNumber(s);
    if (!n || !s.empty()) return std::nullopt;
    return n;
}

std::optional<std::pair<std::string_view, std::string_view>> splitHeaderLine(std::string_view line) {
    size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) return std::nullopt;
    std::string_view name = line.substr(0, colon);
    for (char c : name) {
        // RFC 9110 token characters are visible ASCII except delimiters; rejecting space and controls is
        // what matters (no "Name : value" smuggling, no CR/LF inside a name).
        if (static_cast<unsigned char>(c) <= 0x20 || static_cast<unsigned char>(c) >= 0x7f) return std::nullopt;
    }
    return std::pair{name, trim(line.substr(colon + 1))};
}

std::optional<StatusLine> parseStatusLine(std::string_view line) {
    std::string_view s = line;
    while (!s.empty() && (s.back() == '\r' || s.back() == '\n')) s.remove_suffix(1);
    if (!takePrefixIgnoreCase(s, "HTTP/")) return std::nullopt;
    size_t space = s.find(' ');
    if (space == 0 || space == std::string_view::npos) return std::nullopt;
    s.remove_prefix(space + 1);
    if (s.size() < 3) return std::nullopt;
    int status = 0;
    for (int i = 0; i < 3; ++i) {
        if (s[i] < '0' || s[i] > '9') return std::nullopt;
        status = status * 10 + (s[i] - '0');
    }
    s.remove_prefix(3);
    if (status < 100 || status > 599) return std::nullopt;
    if (!s.empty() && s.front() != ' ') return std::nullopt;  // "2000" is not a status
    return StatusLine{status, trim(s)};
}

std::string_view reasonPhrase(long status) {
    switch (status) {
        case 200:
            return "OK";
        case 204:
            return "No Content";
        case 206:
            return "Partial Content";
        case 301:
            return "Moved Permanently";
        case 302:
            return "Found";
        case 304:
            return "Not Modified";
        case 400:
            return "Bad Request";
        case 401:
            return "Unauthorized";
        case 403:
            return "Forbidden";
        case 404:
            return "Not Found";
        case 405:
            return "Method Not Allowed";
        case 408:
            return "Request Timeout";
        case 410:
            return "Gone";
        case 416:
            return "Range Not Satisfiable";
        case 429:
            return "Too Many Requests";
        case 500:
            return "Internal Server Error";
        case 501:
            return "Not Implemented";
        case 502:
            return "Bad Gateway";
        case 503:
            return "Service Unavailable";
        case 504:
            return "Gateway Timeout";
        default:
            return "";
    }
}

}  // namespace fl::net
