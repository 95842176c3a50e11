#include "net/http_body.h"

namespace fl::net {
namespace {

using Kind = HttpError::Kind;

std::string str(uint64_t v) {
    return std::to_string(v);
}

std::string rangeText(uint64_t first, uint64_t last) {
    return str(first) + "-" + str(last);
}

ResponseProblem statusProblem(long status) {
    std::string problem = "HTTP " + std::to_string(status);
    std::string_view reason = reasonPhrase(status);
    if (!reason.empty()) problem.append(" ").append(reason);
    return {Kind::Status, problem, "", status};
}

}  // namespace

void readHeaderLine(ResponseHead& head, std::string_view line) {
    if (auto statusLine = parseStatusLine(line)) {
        head = ResponseHead{};
        head.status = statusLine->status;
        return;
    }
    auto header = splitHeaderLine(line);
    if (!header) return;
    auto [name, value] = *header;
    if (equalsIgnoreCase(name, "Content-Length")) {
        head.contentLength = parseContentLength(value);
    } else if (equalsIgnoreCase(name, "Content-Range")) {
        head.contentRange = parseContentRange(value);
        head.badContentRange = !head.contentRange;
    }
}

bool overBodyLimit(const ResponseHead& head, uint64_t bytes, uint64_t maxBodyBytes) {
    return head.success() && bytes > maxBodyBytes;
}

std::optional<ResponseProblem> judgeResponse(const ResponseHead& head, uint64_t bodyBytes, bool refusedTooLarge,
                                             bool rangeRequested, uint64_t maxBodyBytes) {
    if (refusedTooLarge && rangeRequested && head.status == 200) {
        // A 200 to a Range request is the whole file: the server ignores ranges (python3 -m http.server does).
        // "body too large" would blame the file; say what happened and what to do instead.
        const std::string size = head.contentLength ? str(*head.contentLength) + " bytes" : "its size unknown";
        return ResponseProblem{Kind::BodyTooLarge, "the server ignored the Range request",
                               "it answered 200 with the whole file (" + size + ", over the " + str(maxBodyBytes) +
                                   "-byte limit); use a server that supports HTTP range requests (nginx, Apache, S3, "
                                   "most CDNs; not python3 -m http.server), or download the file and open it locally"};
    }
    if (refusedTooLarge) return ResponseProblem{Kind::BodyTooLarge, "body too large", "over the limit of maxBodyBytes"};
    if (!head.success()) return statusProblem(head.status);
    if (head.contentLength && bodyBytes != *head.contentLength) {
        return ResponseProblem{Kind::Truncated, "truncated body",
                               "got " + str(bodyBytes) + " of " + str(*head.contentLength) + " bytes"};
    }
    if (head.badContentRange) return ResponseProblem{Kind::Other, "malformed Content-Range header", ""};
    return std::nullopt;
}

Result<RangeAnswer> judgeRangeAnswer(std::string_view url, ByteRange asked, long status,
                                     const std::optional<ContentRange>& contentRange, uint64_t bodyBytes,
                                     std::optional<uint64_t> knownSize) {
    const std::string where(url);
    const std::string askedText = rangeText(asked.first, asked.last);
    if (status == 200) return RangeAnswer{RangeAnswer::Use::WholeFile, std::nullopt};
    if (status != 206)
        return Error::inFile(where, "asked for bytes " + askedText + ", got HTTP " + std::to_string(status));
    if (!contentRange || contentRange->range != asked) {
        return Error::inFile(
            where, "asked for bytes " + askedText + ", got a 206 with " +
                       (contentRange ? "Content-Range " + rangeText(contentRange->range.first, contentRange->range.last)
                                     : std::string("no valid Content-Range")));
    }
    if (bodyBytes != asked.length()) {
        return Error::inFile(where, "asked for " + str(asked.length()) + " bytes, got " + str(bodyBytes));
    }
    if (contentRange->total && knownSize && *knownSize != *contentRange->total) {
        return Error::inFile(where, "the archive changed size from " + str(*knownSize) + " to " +
                                        str(*contentRange->total) + " bytes while being read");
    }
    return RangeAnswer{RangeAnswer::Use::Part, contentRange->total};
}

}  // namespace fl::net
