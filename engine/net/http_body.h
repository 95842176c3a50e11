// net/http_body.h — what a response's head and body mean, decided without a socket.
// Owns: ResponseHead (the header lines of the final block, read one by one), the body limit, the verdict on a
// finished response (judgeResponse) and on an answer to a byte-range request (judgeRangeAnswer). The client
// (net/http.cpp) and the PMTiles byte source (terrain/http_tile_source.cpp) decide only through these, so the
// unit tests and tests/fuzz/fuzz_http_body.cpp reach every decision with plain bytes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "net/http.h"
#include "net/http_headers.h"

namespace fl::net {

// What the header lines of the latest block said. A status line starts a new block (redirects and
// 100-continue send several), so only the final answer's headers count.
struct ResponseHead {
    long status = 0;
    std::optional<uint64_t> contentLength;
    std::optional<ContentRange> contentRange;
    bool badContentRange = false;  // a Content-Range header was there but did not parse

    bool success() const { return status >= 200 && status < 300; }
};

// Reads one header line (CRLF attached or not) into `head`. Unknown headers and junk lines are ignored.
void readHeaderLine(ResponseHead& head, std::string_view line);

// Whether `bytes` of body (announced by Content-Length, or received so far) are over `maxBodyBytes`. Only a
// success body is kept: an error page is discarded as it arrives, so it is never too large.
bool overBodyLimit(const ResponseHead& head, uint64_t bytes, uint64_t maxBodyBytes);

// Why one attempt failed, before the client adds the URL and the attempt count.
struct ResponseProblem {
    HttpError::Kind kind = HttpError::Kind::Other;
    std::string problem;  // "HTTP 404 Not Found", "truncated body", ...
    std::string detail;   // optional; goes in parentheses
    long status = 0;      // for Kind::Status
};

// The verdict on a response whose transfer ended, cleanly or because its body went over the limit
// (`refusedTooLarge`): nullopt when it is a usable 2xx. A 200 refused as too large for a Range request means
// the server ignored the Range and sent the whole file; that is said, with what to do instead.
std::optional<ResponseProblem> judgeResponse(const ResponseHead& head, uint64_t bodyBytes, bool refusedTooLarge,
                                             bool rangeRequested, uint64_t maxBodyBytes);

// What an answer to "Range: bytes=FIRST-LAST" gives a reader of a file.
struct RangeAnswer {
    enum class Use {
        Part,       // a 206 with exactly the bytes asked for
        WholeFile,  // a 200: the server ignores Range and sent the whole file; slice it (it may be short)
    };
    Use use = Use::Part;
    std::optional<uint64_t> total;  // Part: the file's size when Content-Range gave it
};

// Judges a usable (2xx) response to a request for `asked`. A 206 must carry a Content-Range naming exactly
// `asked`, exactly asked.length() body bytes, and a total equal to `knownSize` when both are known (else the
// file changed while being read). A 200 is the whole file. Any other status is an error. Errors name `url`.
Result<RangeAnswer> judgeRangeAnswer(std::string_view url, ByteRange asked, long status,
                                     const std::optional<ContentRange>& contentRange, uint64_t bodyBytes,
                                     std::optional<uint64_t> knownSize);

}  // namespace fl::net
