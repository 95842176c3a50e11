#include "net/http.h"

#include "net/http_body.h"

#include <curl/curl.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <random>
#include <thread>

namespace fl::net {
namespace {

using Clock = std::chrono::steady_clock;
using Kind = HttpError::Kind;

// How often a running transfer looks at its cancel flag and stall clock. libcurl's own progress callback
// can be a second apart on an idle connection, too slow for "cancel within ~100 ms" and sub-second stalls,
// so each transfer drives its own multi handle and wakes at least this often.
constexpr int kPollMs = 10;

bool isCancelled(const std::atomic<bool>* cancel) {
    return cancel && cancel->load(std::memory_order_relaxed);
}

// curl_global_init is not thread-safe and must run once per process before any handle exists. It is never
// undone: clients may be created and destroyed in any order from any thread, and curl_global_cleanup would
// race with them.
CURLcode globalInit() {
    static std::once_flag once;
    static CURLcode code = CURLE_OK;
    std::call_once(once, [] { code = curl_global_init(CURL_GLOBAL_DEFAULT); });
    return code;
}

// One reusable connection context: the multi handle keeps the connection cache (keep-alive) between
// requests made through it.
struct Connection {
    CURLM* multi = nullptr;
    CURL* easy = nullptr;
    ~Connection() {
        if (easy) curl_easy_cleanup(easy);
        if (multi) curl_multi_cleanup(multi);
    }
};

// What one attempt collects from libcurl's callbacks.
struct Transfer {
    uint64_t maxBodyBytes = 0;
    ResponseHead head;  // of the latest header block (redirects and 100-continue start new ones)
    bool tooLarge = false;
    std::vector<uint8_t> body;
    Clock::time_point lastByte;
};

size_t onHeader(char* data, size_t size, size_t count, void* user) {
    auto& t = *static_cast<Transfer*>(user);
    size_t n = size * count;
    t.lastByte = Clock::now();
    readHeaderLine(t.head, std::string_view(data, n));
    // Refuse before the body arrives.
    if (t.head.contentLength && overBodyLimit(t.head, *t.head.contentLength, t.maxBodyBytes)) {
        t.tooLarge = true;
        return 0;  // aborts the transfer (CURLE_WRITE_ERROR)
    }
    return n;
}

size_t onBody(char* data, size_t size, size_t count, void* user) {
    auto& t = *static_cast<Transfer*>(user);
    size_t n = size * count;
    t.lastByte = Clock::now();
    if (!t.head.success()) return n;  // an error page: the status says all we report
    if (overBodyLimit(t.head, t.body.size() + n, t.maxBodyBytes)) {
        t.tooLarge = true;
        return 0;
    }
    if (t.body.empty() && t.head.contentLength) t.body.reserve(size_t(std::min(*t.head.contentLength, t.maxBodyBytes)));
    t.body.insert(t.body.end(), reinterpret_cast<uint8_t*>(data), reinterpret_cast<uint8_t*>(data) + n);
    return n;
}

// One failed attempt, before the URL and attempt count are added.
using Failure = ResponseProblem;

// A transfer libcurl ended with an error of its own (a body refused as too large is judged by judgeResponse).
Failure curlFailure(CURLcode code, const char* errorBuffer) {
    std::string detail = errorBuffer[0] ? errorBuffer : curl_easy_strerror(code);
    switch (code) {
        case CURLE_UNSUPPORTED_PROTOCOL:
        case CURLE_URL_MALFORMAT:
            return {Kind::BadUrl, "bad URL", detail};
        case CURLE_COULDNT_RESOLVE_PROXY:
        case CURLE_COULDNT_RESOLVE_HOST:
        case CURLE_COULDNT_CONNECT:
        case CURLE_SSL_CONNECT_ERROR:
        case CURLE_SEND_ERROR:
        case CURLE_RECV_ERROR:
        case CURLE_HTTP2:
        case CURLE_HTTP2_STREAM:
            return {Kind::Connect, "connection failed", detail};
        case CURLE_GOT_NOTHING:
            return {Kind::Connect, "connection failed", "the server closed the connection without answering"};
        case CURLE_OPERATION_TIMEDOUT:
            return {Kind::Timeout, "timed out", detail};
        case CURLE_PARTIAL_FILE:
            return {Kind::Truncated, "truncated body", detail};
        default:
            return {Kind::Other, "transfer failed", detail};
    }
}

// Exponential backoff with "equal jitter": half fixed, half random, so clients that failed together do not
// come back together.
int backoffMs(const HttpOptions& options, int retry) {
    int64_t wait = std::max(0, options.retryBackoffMs);
    for (int i = 1; i < retry && wait < options.maxBackoffMs; ++i) wait *= 2;
    wait = std::min<int64_t>(wait, std::max(0, options.maxBackoffMs));
    if (wait <= 1) return int(wait);
    thread_local std::minstd_rand rng(
        uint32_t(std::hash<std::thread::id>{}(std::this_thread::get_id()) ^ Clock::now().time_since_epoch().count()));
    return int(wait / 2 + std::uniform_int_distribution<int64_t>(0, wait - wait / 2)(rng));
}

// Sleeps `ms`, waking early when `cancel` is set. False when cancelled.
bool sleepUnlessCancelled(int ms, const std::atomic<bool>* cancel) {
    auto until = Clock::now() + std::chrono::milliseconds(ms);
    while (true) {
        if (isCancelled(cancel)) return false;
        auto now = Clock::now();
        if (now >= until) return true;
        std::this_thread::sleep_for(std::min<Clock::duration>(until - now, std::chrono::milliseconds(kPollMs)));
    }
}

}  // namespace

bool HttpError::retryable() const {
    switch (kind) {
        case Kind::Connect:
        case Kind::Timeout:
        case Kind::Stalled:
        case Kind::Truncated:
            return true;
        case Kind::Status:
            return status >= 500 || status == 408 || status == 429;
        default:
            return false;
    }
}

bool isHttpUrl(std::string_view url) {
    return (url.size() > 7 && equalsIgnoreCase(url.substr(0, 7), "http://")) ||
           (url.size() > 8 && equalsIgnoreCase(url.substr(0, 8), "https://"));
}

struct HttpClient::Impl {
    const HttpOptions& options;
    int maxInFlight = 1;

    std::mutex mutex;
    std::condition_variable slotFreed;
    int inFlight = 0;
    std::vector<std::unique_ptr<Connection>> idle;  // at most maxInFlight

    explicit Impl(const HttpOptions& o) : options(o), maxInFlight(std::max(1, o.maxRequestsInFlight)) {}

    // Counting gate: false when `cancel` was set while waiting.
    bool acquireSlot(const std::atomic<bool>* cancel) {
        std::unique_lock lock(mutex);
        while (inFlight >= maxInFlight) {
            if (isCancelled(cancel)) return false;
            // Nobody notifies on cancel, so a cancellable waiter polls.
            if (cancel)
                slotFreed.wait_for(lock, std::chrono::milliseconds(kPollMs));
            else
                slotFreed.wait(lock);
        }
        ++inFlight;
        return true;
    }

    std::unique_ptr<Connection> takeConnection() {
        {
            std::lock_guard lock(mutex);
            if (!idle.empty()) {
                auto c = std::move(idle.back());
                idle.pop_back();
                return c;
            }
        }
        auto c = std::make_unique<Connection>();
        c->multi = curl_multi_init();
        c->easy = curl_easy_init();
        if (!c->multi || !c->easy) return nullptr;
        return c;
    }

    // Returns the connection to the pool and frees the slot.
    void release(std::unique_ptr<Connection> c) {
        std::lock_guard lock(mutex);
        if (c && int(idle.size()) < maxInFlight) idle.push_back(std::move(c));
        --inFlight;
        slotFreed.notify_one();
    }

    std::variant<HttpResponse, Failure> attempt(Connection& c, const std::string& url, std::optional<ByteRange> range,
                                                const std::atomic<bool>* cancel);
};

std::variant<HttpResponse, Failure> HttpClient::Impl::attempt(Connection& c, const std::string& url,
                                                              std::optional<ByteRange> range,
                                                              const std::atomic<bool>* cancel) {
    CURL* easy = c.easy;
    curl_easy_reset(easy);  // keeps the connection cache, drops the previous request's options
    Transfer t;
    t.maxBodyBytes = options.maxBodyBytes;
    char errorBuffer[CURL_ERROR_SIZE] = {};
    std::string rangeText = range ? std::to_string(range->first) + "-" + std::to_string(range->last) : "";

    curl_easy_setopt(easy, CURLOPT_URL, url.c_str());
    curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(easy, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(easy, CURLOPT_MAXREDIRS, long(std::max(0, options.maxRedirects)));
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);  // no SIGALRM for DNS timeouts: we run on worker threads
    curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, long(std::max(1, options.connectTimeoutMs)));
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, long(std::max(1, options.requestTimeoutMs)));
    curl_easy_setopt(easy, CURLOPT_USERAGENT, options.userAgent.c_str());
    curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, errorBuffer);
    curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, onHeader);
    curl_easy_setopt(easy, CURLOPT_HEADERDATA, &t);
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, onBody);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, &t);
    // No CURLOPT_ACCEPT_ENCODING: tiles are already compressed, and decoding would break byte ranges.
    if (range) curl_easy_setopt(easy, CURLOPT_RANGE, rangeText.c_str());

    if (curl_multi_add_handle(c.multi, easy) != CURLM_OK) return Failure{Kind::Other, "transfer failed", "curl"};
    std::optional<Failure> aborted;
    bool requestSent = false;
    auto stallLimit = std::chrono::milliseconds(std::max(1, options.stallTimeoutMs));
    while (true) {
        int running = 0;
        if (curl_multi_perform(c.multi, &running) != CURLM_OK) {
            aborted = Failure{Kind::Other, "transfer failed", "curl_multi_perform"};
            break;
        }
        if (!running) break;
        if (isCancelled(cancel)) {
            aborted = Failure{Kind::Cancelled, "cancelled", ""};
            break;
        }
        // The stall clock starts once the request is out: before that the connect timeout is in charge.
        auto now = Clock::now();
        if (!requestSent) {
            long requestSize = 0;
            curl_easy_getinfo(easy, CURLINFO_REQUEST_SIZE, &requestSize);
            if (requestSize > 0) {
                requestSent = true;
                if (t.lastByte < now - stallLimit) t.lastByte = now;
            }
        }
        if (requestSent && now - t.lastByte > stallLimit) {
            aborted = Failure{Kind::Stalled, "timed out",
                              "server stopped sending for " + std::to_string(options.stallTimeoutMs) + " ms"};
            break;
        }
        curl_multi_poll(c.multi, nullptr, 0, kPollMs, nullptr);
    }
    CURLcode code = CURLE_OK;
    int queued = 0;
    while (CURLMsg* msg = curl_multi_info_read(c.multi, &queued)) {
        if (msg->msg == CURLMSG_DONE) code = msg->data.result;
    }
    // Removing a handle mid-transfer closes its connection, so an aborted request never leaves a
    // half-read response on a connection that would be reused.
    curl_multi_remove_handle(c.multi, easy);

    if (aborted) return *aborted;
    // A refused body ends the transfer with CURLE_WRITE_ERROR; judgeResponse says why.
    if (code != CURLE_OK && !t.tooLarge) return curlFailure(code, errorBuffer);
    long status = 0;
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
    if (status != 0) t.head.status = status;  // libcurl's reading of the final status line wins
    if (auto problem = judgeResponse(t.head, t.body.size(), t.tooLarge, range.has_value(), options.maxBodyBytes))
        return *problem;
    HttpResponse response;
    response.status = status;
    response.body = std::move(t.body);
    response.contentRange = t.head.contentRange;
    return response;
}

HttpClient::HttpClient(HttpOptions options) : m_options(std::move(options)), m_impl(std::make_unique<Impl>(m_options)) {
    globalInit();
}

HttpClient::~HttpClient() = default;

HttpResult HttpClient::get(const std::string& url, std::optional<ByteRange> range, const std::atomic<bool>* cancel) {
    auto fail = [&](const Failure& f, int attempts) {
        std::string message = url + ": " + f.problem;
        if (attempts > 1) message += " after " + std::to_string(attempts) + " attempts";
        if (!f.detail.empty()) message += " (" + f.detail + ")";
        return HttpError{f.kind, Error{message}, f.status, attempts};
    };
    if (!isHttpUrl(url)) return fail({Kind::BadUrl, "not an http:// or https:// URL", ""}, 0);
    if (range && range->first > range->last) return fail({Kind::BadUrl, "empty byte range", ""}, 0);
    if (CURLcode init = globalInit(); init != CURLE_OK) {
        return fail({Kind::Other, "libcurl failed to initialise", curl_easy_strerror(init)}, 0);
    }
    const Failure cancelled{Kind::Cancelled, "cancelled", ""};
    int attempts = 0;
    while (true) {
        if (isCancelled(cancel) || !m_impl->acquireSlot(cancel)) return fail(cancelled, attempts);
        auto connection = m_impl->takeConnection();
        std::variant<HttpResponse, Failure> outcome = Failure{Kind::Other, "out of memory for a curl handle", ""};
        if (connection) outcome = m_impl->attempt(*connection, url, range, cancel);
        m_impl->release(std::move(connection));
        ++attempts;

        if (auto* response = std::get_if<HttpResponse>(&outcome)) {
            response->attempts = attempts;
            return std::move(*response);
        }
        HttpError error = fail(std::get<Failure>(outcome), attempts);
        if (!error.retryable() || attempts > std::max(0, m_options.maxRetries)) return error;
        if (!sleepUnlessCancelled(backoffMs(m_options, attempts), cancel)) return fail(cancelled, attempts);
    }
}

}  // namespace fl::net
