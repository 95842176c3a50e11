// libFuzzer target: arbitrary bytes as HTTP header lines (split at '\n'), each given to every header parser in
// net/http_headers.h. Must never crash or read out of bounds; what parses must satisfy the parsers' promises
// (first <= last < total) and print back to text that parses to the same value.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "net/http.h"
#include "net/http_headers.h"

namespace {

void check(bool condition) {
    if (!condition) std::abort();
}

void fuzzLine(std::string_view line) {
    using namespace fl::net;
    if (auto cr = parseContentRange(line)) {
        check(cr->range.first <= cr->range.last);
        if (cr->total) check(cr->range.last < *cr->total);
        std::string text = "bytes " + std::to_string(cr->range.first) + "-" + std::to_string(cr->range.last) + "/" +
                           (cr->total ? std::to_string(*cr->total) : std::string("*"));
        check(parseContentRange(text) == cr);
    }
    if (auto range = parseRangeHeader(line)) {
        check(range->first <= range->last);
        check(parseRangeHeader("bytes=" + std::to_string(range->first) + "-" + std::to_string(range->last)) == range);
    }
    if (auto length = parseContentLength(line)) check(parseContentLength(std::to_string(*length)) == length);
    if (auto header = splitHeaderLine(line)) {
        check(!header->first.empty());
        // Both views lie inside the line.
        check(header->first.data() >= line.data() && header->first.data() + header->first.size() <= line.end());
        check(header->second.data() >= line.data() && header->second.data() + header->second.size() <= line.end());
        (void)parseContentRange(header->second);
    }
    if (auto status = parseStatusLine(line)) {
        check(status->status >= 100 && status->status <= 599);
        (void)reasonPhrase(status->status);
    }
    (void)isHttpUrl(line);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view input(reinterpret_cast<const char*>(data), size);
    fuzzLine(input);
    while (!input.empty()) {
        size_t end = input.find('\n');
        fuzzLine(input.substr(0, end));
        if (end == std::string_view::npos) break;
        input.remove_prefix(end + 1);
    }
    return 0;
}
