// libFuzzer target: HTTP body handling (net/http_body.h) as the client and HttpByteSource::read run it, with
// no socket. Input: two lines "FIRST LAST" (the range asked for; "-" for none) and "LIMIT KNOWN_SIZE" ("-" for
// unknown), then the header block up to an empty line, then the body. The body arrives in pieces and is refused
// at the limit as the client's callbacks do; the response and the range answer are then judged. Must never
// crash, and every verdict must keep its promises: a usable response is 2xx, within the limit and exactly as
// long as announced; a Part is a 206 naming exactly the bytes asked for, with exactly that many; a 200 refused
// as too large for a Range request says the server ignored the Range.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "net/http_body.h"

namespace {

using namespace fl::net;

void check(bool condition) {
    if (!condition) std::abort();
}

std::string_view takeLine(std::string_view& input) {
    size_t end = input.find('\n');
    std::string_view line = input.substr(0, end);
    input.remove_prefix(end == std::string_view::npos ? input.size() : end + 1);
    return line;
}

std::optional<uint64_t> number(std::string_view text) {
    if (text.empty() || text.size() > 19) return std::nullopt;
    uint64_t v = 0;
    for (char c : text) {
        if (c < '0' || c > '9') return std::nullopt;
        v = v * 10 + uint64_t(c - '0');
    }
    return v;
}

// "A B" -> two optional numbers.
std::pair<std::optional<uint64_t>, std::optional<uint64_t>> pairOf(std::string_view line) {
    size_t space = line.find(' ');
    if (space == std::string_view::npos) return {number(line), std::nullopt};
    return {number(line.substr(0, space)), number(line.substr(space + 1))};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view input(reinterpret_cast<const char*>(data), size);
    auto [first, last] = pairOf(takeLine(input));
    auto [limit, known] = pairOf(takeLine(input));
    std::optional<ByteRange> asked;
    if (first && last && *first <= *last) asked = ByteRange{*first, *last};
    const uint64_t maxBodyBytes = limit.value_or(1 << 16);

    // The header callback: line by line, refusing an announced body over the limit before it arrives.
    ResponseHead head;
    bool refused = false;
    while (!input.empty() && !refused) {
        std::string_view line = takeLine(input);
        if (line.empty() || line == "\r") break;
        readHeaderLine(head, line);
        if (head.contentLength && overBodyLimit(head, *head.contentLength, maxBodyBytes)) refused = true;
    }
    // The body callback: pieces of up to 97 bytes; an error page is discarded, a success body kept to the limit.
    uint64_t kept = 0;
    for (size_t at = 0; at < input.size() && !refused && head.success(); at += 97) {
        const uint64_t piece = std::min<uint64_t>(97, input.size() - at);
        if (overBodyLimit(head, kept + piece, maxBodyBytes))
            refused = true;
        else
            kept += piece;
    }

    auto problem = judgeResponse(head, kept, refused, asked.has_value(), maxBodyBytes);
    if (refused && asked && head.status == 200) {
        check(problem && problem->problem == "the server ignored the Range request");
    }
    if (problem) {
        check(!problem->problem.empty());
        if (problem->kind == HttpError::Kind::Status) check(!head.success());
        return 0;
    }
    check(head.success() && !refused && kept <= maxBodyBytes && !head.badContentRange);
    if (head.contentLength) check(kept == *head.contentLength);
    if (!asked) return 0;

    const std::string url = "http://fuzz.example/a.pmtiles";
    auto answer = judgeRangeAnswer(url, *asked, head.status, head.contentRange, kept, known);
    if (!answer) {
        check(answer.error().message.rfind(url + ": ", 0) == 0);
        return 0;
    }
    if (answer->use == RangeAnswer::Use::Part) {
        check(head.status == 206 && head.contentRange && head.contentRange->range == *asked);
        check(kept == asked->length());
        check(answer->total == head.contentRange->total);
        if (answer->total && known) check(*answer->total == *known);
        if (answer->total) check(asked->last < *answer->total);
    } else {
        check(head.status == 200);
    }
    return 0;
}
