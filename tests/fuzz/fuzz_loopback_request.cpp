// libFuzzer target: arbitrary bytes as the head of a request to the loopback HTTP server (net/loopback_server.h):
// the request line, its headers, the path check and the Range value. Must never crash; a path it would serve
// must be absolute and free of "..", and a parsed range must be ordered.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "net/http_headers.h"
#include "net/loopback_server.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view head(reinterpret_cast<const char*>(data), size);
    auto request = fl::net::parseLoopbackRequest(head);
    if (!request) return 0;
    if (fl::net::isServablePath(request->path) &&
        (request->path[0] != '/' || request->path.find("..") != std::string_view::npos))
        std::abort();
    if (request->rangeValue)
        if (auto range = fl::net::parseRangeHeader(*request->rangeValue); range && range->first > range->last)
            std::abort();
    return 0;
}
