// net/loopback_server.h — a real HTTP/1.1 static file server on 127.0.0.1.
// Owns: serving a directory (GET, one "Range: bytes=a-b", keep-alive), faults injected per path prefix
// (status codes, fail-first-N, truncated and stalled bodies, delays, ignored ranges) and request counters.
// It binds 127.0.0.1 only and is not hardened for the open network: it is for tests, benchmarks (remote
// sources without a network: `frontline bench streaming`) and, later, the presenter's local control API.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace fl::net {

// One request's head as the server reads it. Apart from the server so it can be fuzzed without sockets.
struct LoopbackRequest {
    std::string method;
    std::string path;                       // without the query string
    std::optional<std::string> rangeValue;  // the Range header's value, if any
    bool keepAlive = true;                  // false after "Connection: close"
};

// Parses "METHOD SP TARGET SP VERSION\r\n" and the header lines up to the blank line; nothing for a malformed
// request line. Never throws, whatever the bytes.
std::optional<LoopbackRequest> parseLoopbackRequest(std::string_view head);
// Whether `path` may be served below the root: absolute, no "..", no NUL.
bool isServablePath(std::string_view path);

// What the server does wrong for paths starting with a prefix. Fields combine (a delay then a 500, ...).
struct HttpFault {
    int status = 0;     // answer every request with this status (0: serve the file)
    int failFirst = 0;  // answer the first N requests (counted per path) with failFirstStatus, then serve
    int failFirstStatus = 500;
    bool truncate = false;           // announce the full Content-Length, send half the body, close the connection
    bool stall = false;              // send headers and half the body, then nothing until stop() or the client leaves
    int delayMs = 0;                 // wait this long before answering (stop() cuts it short)
    bool ignoreRange = false;        // answer a Range request with 200 and the whole file
    bool wrongContentRange = false;  // answer a Range request with 206 but a Content-Range one byte off
};

class LoopbackHttpServer {
public:
    // Serves files below `root` ("/a/b.png" -> root/a/b.png). Listens on an ephemeral port at once; check
    // ok() (false only if the socket calls fail).
    explicit LoopbackHttpServer(std::string root);
    ~LoopbackHttpServer();  // stop()
    LoopbackHttpServer(const LoopbackHttpServer&) = delete;
    LoopbackHttpServer& operator=(const LoopbackHttpServer&) = delete;

    bool ok() const { return m_listenFd >= 0; }
    uint16_t port() const { return m_port; }
    std::string url(const std::string& path) const;  // "http://127.0.0.1:PORT" + path

    // Closes every connection and joins every thread. Within ~50 ms: all waits are poll() slices.
    void stop();

    // The longest matching prefix wins. Set faults before requests are made, or between them.
    void setFault(const std::string& pathPrefix, HttpFault fault);
    void clearFaults();

    size_t requests(const std::string& path) const;  // complete requests received for exactly this path
    size_t totalRequests() const;
    std::vector<std::string> requestedPaths() const;  // every path asked for at least once, sorted
    int maxConcurrentRequests() const;                // most requests being answered at once since construction
    size_t connectionsAccepted() const { return m_connectionsAccepted.load(); }  // keep-alive reuse shows here
    void resetCounters();

private:
    struct Connection {
        std::thread thread;
        std::atomic<bool> done{false};
    };
    void acceptLoop();
    void serve(int fd);
    bool handle(int fd, const std::string& request);  // false: close the connection
    HttpFault faultFor(const std::string& path) const;

    std::string m_root;
    int m_listenFd = -1;
    uint16_t m_port = 0;
    std::atomic<bool> m_stopping{false};
    std::atomic<size_t> m_connectionsAccepted{0};
    std::thread m_acceptor;
    std::vector<std::unique_ptr<Connection>> m_connections;  // acceptor thread only, until stop() joins it

    mutable std::mutex m_mutex;  // guards the members below
    std::map<std::string, HttpFault> m_faults;
    std::map<std::string, size_t> m_requestsByPath;
    size_t m_totalRequests = 0;
    int m_open = 0, m_maxOpen = 0;
};

}  // namespace fl::net
