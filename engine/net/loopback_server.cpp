#include "net/loopback_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>

#include "net/http_headers.h"

namespace fl::net {
namespace {

constexpr int kSliceMs = 20;                // every wait is cut into slices this long so stop() is prompt
constexpr size_t kMaxRequestBytes = 16384;  // request line + headers
constexpr auto kIdleTimeout = std::chrono::seconds(10);

// Waits for `events` on `fd` in slices until it is ready (true) or `stopping` is set / the deadline passes.
bool waitFor(int fd, short events, const std::atomic<bool>& stopping,
             std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max()) {
    while (!stopping.load() && std::chrono::steady_clock::now() < deadline) {
        pollfd p{fd, events, 0};
        int r = poll(&p, 1, kSliceMs);
        if (r > 0) return true;
        if (r < 0 && errno != EINTR) return false;
    }
    return false;
}

bool sendAll(int fd, const char* data, size_t size, const std::atomic<bool>& stopping) {
    while (size > 0) {
        ssize_t n = ::send(fd, data, size, MSG_NOSIGNAL);
        if (n > 0) {
            data += n;
            size -= size_t(n);
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
            if (!waitFor(fd, POLLOUT, stopping)) return false;
        } else {
            return false;
        }
    }
    return true;
}

bool sendAll(int fd, const std::string& s, const std::atomic<bool>& stopping) {
    return sendAll(fd, s.data(), s.size(), stopping);
}

std::string head(int status, size_t contentLength, bool keepAlive, const std::string& extra = "") {
    std::string reason(reasonPhrase(status));
    return "HTTP/1.1 " + std::to_string(status) + " " + (reason.empty() ? "Status" : reason) +
           "\r\nContent-Length: " + std::to_string(contentLength) +
           "\r\nContent-Type: application/octet-stream\r\nConnection: " + (keepAlive ? "keep-alive" : "close") +
           "\r\n" + extra + "\r\n";
}

// Size of a regular file, nullopt when it cannot be opened (answered with 404).
// Regular files only: a directory opens as an ifstream on Linux and "ends" near 2^63, which the range read then
// tried to allocate (a GET of "/", as GDAL's /vsicurl/ sends to list a folder, aborted the server).
std::optional<uint64_t> fileSize(const std::string& path) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) return std::nullopt;
    const uintmax_t size = std::filesystem::file_size(path, ec);
    if (ec) return std::nullopt;
    return uint64_t(size);
}

// Only the requested bytes: benchmarks serve archives of ~100 MB with thousands of small range requests,
// and reading the whole file per request would measure the server instead of the client.
std::optional<std::string> readFileRange(const std::string& path, uint64_t offset, uint64_t length) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::string bytes(length, '\0');
    in.seekg(std::streamoff(offset));
    if (!in.read(bytes.data(), std::streamsize(length))) return std::nullopt;
    return bytes;
}

void sleepUnlessStopping(int ms, const std::atomic<bool>& stopping) {
    auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
    while (!stopping.load() && std::chrono::steady_clock::now() < until) {
        std::this_thread::sleep_for(std::chrono::milliseconds(std::min(ms, 5)));
    }
}

}  // namespace

LoopbackHttpServer::LoopbackHttpServer(std::string root) : m_root(std::move(root)) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) return;
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t len = sizeof addr;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd, 128) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
        ::close(fd);
        return;
    }
    m_listenFd = fd;
    m_port = ntohs(addr.sin_port);
    m_acceptor = std::thread([this] { acceptLoop(); });
}

LoopbackHttpServer::~LoopbackHttpServer() {
    stop();
}

std::string LoopbackHttpServer::url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(m_port) + path;
}

void LoopbackHttpServer::stop() {
    m_stopping = true;
    if (m_acceptor.joinable()) m_acceptor.join();  // it joins the connection threads on its way out
    if (m_listenFd >= 0) {
        ::close(m_listenFd);
        m_listenFd = -1;
    }
}

void LoopbackHttpServer::setFault(const std::string& pathPrefix, HttpFault fault) {
    std::lock_guard lock(m_mutex);
    m_faults[pathPrefix] = fault;
}

void LoopbackHttpServer::clearFaults() {
    std::lock_guard lock(m_mutex);
    m_faults.clear();
}

size_t LoopbackHttpServer::requests(const std::string& path) const {
    std::lock_guard lock(m_mutex);
    auto it = m_requestsByPath.find(path);
    return it == m_requestsByPath.end() ? 0 : it->second;
}

std::vector<std::string> LoopbackHttpServer::requestedPaths() const {
    std::lock_guard lock(m_mutex);
    std::vector<std::string> paths;
    for (const auto& [path, count] : m_requestsByPath) paths.push_back(path);
    return paths;
}

size_t LoopbackHttpServer::totalRequests() const {
    std::lock_guard lock(m_mutex);
    return m_totalRequests;
}

int LoopbackHttpServer::maxConcurrentRequests() const {
    std::lock_guard lock(m_mutex);
    return m_maxOpen;
}

void LoopbackHttpServer::resetCounters() {
    std::lock_guard lock(m_mutex);
    m_requestsByPath.clear();
    m_totalRequests = 0;
    m_maxOpen = m_open;
}

HttpFault LoopbackHttpServer::faultFor(const std::string& path) const {
    std::lock_guard lock(m_mutex);
    const HttpFault* best = nullptr;
    size_t bestLength = 0;
    for (const auto& [prefix, fault] : m_faults) {
        if (path.compare(0, prefix.size(), prefix) == 0 && (!best || prefix.size() >= bestLength)) {
            best = &fault;
            bestLength = prefix.size();
        }
    }
    return best ? *best : HttpFault{};
}

void LoopbackHttpServer::acceptLoop() {
    while (!m_stopping.load()) {
        pollfd p{m_listenFd, POLLIN, 0};
        if (poll(&p, 1, kSliceMs) <= 0) continue;
        int fd = ::accept4(m_listenFd, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
        if (fd < 0) continue;
        ++m_connectionsAccepted;
        // Headers and body go out in separate sends: without this, Nagle + delayed ACK add 40 ms per answer.
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        // Reap finished connections so a long test does not pile up threads.
        std::erase_if(m_connections, [](const std::unique_ptr<Connection>& c) {
            if (!c->done.load()) return false;
            c->thread.join();
            return true;
        });
        auto connection = std::make_unique<Connection>();
        Connection* c = connection.get();
        c->thread = std::thread([this, fd, c] {
            serve(fd);
            c->done = true;
        });
        m_connections.push_back(std::move(connection));
    }
    for (auto& c : m_connections) c->thread.join();
    m_connections.clear();
}

void LoopbackHttpServer::serve(int fd) {
    std::string buffer;
    while (!m_stopping.load()) {
        size_t end = buffer.find("\r\n\r\n");
        if (end == std::string::npos) {
            if (buffer.size() > kMaxRequestBytes) break;
            if (!waitFor(fd, POLLIN, m_stopping, std::chrono::steady_clock::now() + kIdleTimeout)) break;
            char chunk[4096];
            ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
            if (n == 0) break;
            if (n < 0) {
                if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) continue;
                break;
            }
            buffer.append(chunk, size_t(n));
            continue;
        }
        std::string request = buffer.substr(0, end + 4);
        buffer.erase(0, end + 4);
        if (!handle(fd, request)) break;
    }
    ::close(fd);
}

std::optional<LoopbackRequest> parseLoopbackRequest(std::string_view request) {
    // Request line: METHOD SP TARGET SP VERSION.
    const size_t lineEnd = request.find("\r\n");
    const std::string_view line = request.substr(0, lineEnd);
    const size_t sp1 = line.find(' '), sp2 = line.rfind(' ');
    if (sp1 == std::string_view::npos || sp2 == sp1) return std::nullopt;
    LoopbackRequest r;
    r.method = std::string(line.substr(0, sp1));
    const std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
    r.path = std::string(target.substr(0, target.find('?')));
    // lineEnd may be npos (no header lines): there is nothing after the request line then.
    for (size_t pos = lineEnd == std::string_view::npos ? request.size() : lineEnd + 2; pos < request.size();) {
        const size_t next = request.find("\r\n", pos);
        if (next == std::string_view::npos || next == pos) break;
        if (auto header = splitHeaderLine(request.substr(pos, next - pos))) {
            if (equalsIgnoreCase(header->first, "Range")) r.rangeValue = std::string(header->second);
            if (equalsIgnoreCase(header->first, "Connection") && equalsIgnoreCase(header->second, "close"))
                r.keepAlive = false;
        }
        pos = next + 2;
    }
    return r;
}

bool isServablePath(std::string_view path) {
    return !path.empty() && path[0] == '/' && path.find("..") == std::string_view::npos &&
           path.find('\0') == std::string_view::npos;
}

bool LoopbackHttpServer::handle(int fd, const std::string& request) {
    const std::optional<LoopbackRequest> parsed = parseLoopbackRequest(request);
    if (!parsed) {
        sendAll(fd, head(400, 0, false), m_stopping);
        return false;
    }
    const std::string& method = parsed->method;
    const std::string& path = parsed->path;
    const bool keepAlive = parsed->keepAlive;
    const std::optional<std::string>& rangeValue = parsed->rangeValue;

    size_t count = 0;
    {
        std::lock_guard lock(m_mutex);
        count = ++m_requestsByPath[path];
        ++m_totalRequests;
        m_maxOpen = std::max(m_maxOpen, ++m_open);
    }
    struct Closer {
        LoopbackHttpServer* self;
        ~Closer() {
            std::lock_guard lock(self->m_mutex);
            --self->m_open;
        }
    } closer{this};

    const HttpFault fault = faultFor(path);
    if (fault.delayMs > 0) sleepUnlessStopping(fault.delayMs, m_stopping);
    auto answerStatus = [&](int status) {
        std::string body = std::to_string(status) + "\n";
        return sendAll(fd, head(status, body.size(), keepAlive) + body, m_stopping) && keepAlive;
    };
    if (fault.status != 0) return answerStatus(fault.status);
    if (fault.failFirst > 0 && count <= size_t(fault.failFirst)) return answerStatus(fault.failFirstStatus);
    if (method != "GET") return answerStatus(405);
    if (!isServablePath(path)) return answerStatus(400);
    const std::string filePath = m_root + path;
    const std::optional<uint64_t> size = fileSize(filePath);
    if (!size) return answerStatus(404);

    int status = 200;
    std::string extra;
    uint64_t first = 0, length = *size;
    if (rangeValue && !fault.ignoreRange) {
        if (auto range = parseRangeHeader(*rangeValue)) {
            if (range->first >= *size) {
                std::string unsatisfied = "Content-Range: bytes */" + std::to_string(*size) + "\r\n";
                return sendAll(fd, head(416, 0, keepAlive, unsatisfied), m_stopping) && keepAlive;
            }
            uint64_t last = std::min<uint64_t>(range->last, *size - 1);
            first = range->first;
            length = last - range->first + 1;
            int shift = fault.wrongContentRange ? 1 : 0;
            status = 206;
            extra = "Content-Range: bytes " + std::to_string(range->first + shift) + "-" +
                    std::to_string(last + shift) + "/" + std::to_string(*size + shift) + "\r\n";
        }
    }
    const std::optional<std::string> file = readFileRange(filePath, first, length);
    if (!file) return answerStatus(404);
    const std::string_view body = *file;
    if (fault.truncate || fault.stall) {
        if (!sendAll(fd, head(status, body.size(), keepAlive, extra), m_stopping) ||
            !sendAll(fd, body.data(), body.size() / 2, m_stopping))
            return false;
        if (fault.truncate) return false;  // the caller closes the connection mid-body
        // Stalled: hold the connection open, sending nothing, until the client gives up or we stop.
        while (waitFor(fd, POLLIN, m_stopping)) {
            char sink[512];
            ssize_t n = ::recv(fd, sink, sizeof sink, 0);
            if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) break;
        }
        return false;
    }
    return sendAll(fd, head(status, body.size(), keepAlive, extra), m_stopping) &&
           sendAll(fd, body.data(), body.size(), m_stopping) && keepAlive;
}

}  // namespace fl::net
