// HTTP: the header parsers on good and hostile values, and HttpClient, HttpByteSource and the XYZ URL template
// source against a real loopback server that injects faults (404/500, fail-first-N, truncation, stalls,
// delays, ignored or wrong ranges). Timeouts are a few hundred ms so the whole suite stays fast.
#include <gtest/gtest.h>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "net/http.h"
#include "net/loopback_server.h"
#include "terrain/height_codec.h"
#include "terrain/http_tile_source.h"
#include "terrain/pmtiles.h"
#include "terrain/tile_source.h"
#include "terrain/tile_streamer.h"

namespace fs = std::filesystem;
using fl::net::ByteRange;
using fl::net::ContentRange;
using fl::net::HttpClient;
using fl::net::HttpError;
using fl::net::HttpFault;
using fl::net::HttpOptions;
using fl::net::LoopbackHttpServer;
using fl::terrain::TileId;
using Clock = std::chrono::steady_clock;
using Bytes = std::vector<uint8_t>;

namespace {

double msSince(Clock::time_point start) {
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// A fresh directory under the system temp dir, removed with its contents at the end of the test.
class TempDir {
public:
    TempDir() {
        std::random_device rd;
        m_path = fs::temp_directory_path() / ("frontline_http_" + std::to_string(rd()) + std::to_string(rd()));
        fs::create_directories(m_path);
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(m_path, ec);
    }
    std::string str() const { return m_path.string(); }
    void write(const std::string& relative, const Bytes& bytes) const {
        fs::path p = m_path / relative;
        fs::create_directories(p.parent_path());
        std::ofstream(p, std::ios::binary)
            .write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
    }

private:
    fs::path m_path;
};

Bytes pattern(size_t n) {
    Bytes b(n);
    for (size_t i = 0; i < n; ++i) b[i] = uint8_t((i * 131 + i / 256) & 0xff);
    return b;
}

// Fast policy for tests: short stalls, quick backoff.
HttpOptions fastOptions() {
    HttpOptions o;
    o.connectTimeoutMs = 1000;
    o.requestTimeoutMs = 3000;
    o.stallTimeoutMs = 250;
    o.maxRetries = 2;
    o.retryBackoffMs = 10;
    o.maxBackoffMs = 40;
    return o;
}

// Timeouts and backoffs of a minute or more: in a test that uses them, only the behaviour under test (a cancel, a
// stall) can end a request within kLongerThanAnyPromptAnswerMs, so that bound tells "promptly" from "waited for the
// timeout" on however loaded a machine, and no test asserts a tight wall-clock bound.
HttpOptions patientOptions() {
    HttpOptions o = fastOptions();
    o.connectTimeoutMs = 60000;
    o.requestTimeoutMs = 120000;
    o.stallTimeoutMs = 60000;
    o.retryBackoffMs = 60000;
    o.maxBackoffMs = 60000;
    return o;
}
constexpr double kLongerThanAnyPromptAnswerMs = 30000;  // typically 1-20 ms; 816 ms seen on a busy machine

// A port that nothing listens on: bind an ephemeral one and close it again.
uint16_t unusedPort() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    ::close(fd);
    return ntohs(addr.sin_port);
}

struct Served {
    TempDir dir;
    LoopbackHttpServer server{dir.str()};
    Served() { dir.write("file.bin", pattern(10000)); }
};

}  // namespace

// ---- header parsers ----

TEST(HttpContentRange, ParsesSatisfiedRanges) {
    using fl::net::parseContentRange;
    EXPECT_EQ(parseContentRange("bytes 0-99/1234"), (ContentRange{{0, 99}, 1234}));
    EXPECT_EQ(parseContentRange("  BYTES 5-5/6\r\n"), (ContentRange{{5, 5}, 6}));
    EXPECT_EQ(parseContentRange("bytes 10-19/*"), (ContentRange{{10, 19}, std::nullopt}));
    EXPECT_EQ(parseContentRange("bytes 0-9223372036854775806/9223372036854775807"),
              (ContentRange{{0, 9223372036854775806ull}, 9223372036854775807ull}));
}

TEST(HttpContentRange, RejectsMalformedValues) {
    using fl::net::parseContentRange;
    for (const char* bad : {"", "bytes", "bytes ", "bytes */1234", "bytes 5-4/10", "bytes 0-10/10", "bytes 0-9",
                            "bytes 0-9/", "bytes -1-9/10", "bytes 0-9/10x", "items 0-9/10", "bytes0-9/10",
                            "bytes 0 - 9/10", "bytes 0-99999999999999999999/*", "bytes 0-9/*x", "bytes +0-9/10"}) {
        EXPECT_FALSE(parseContentRange(bad)) << bad;
    }
}

TEST(HttpContentRange, OtherHeaderParsers) {
    using namespace fl::net;
    EXPECT_EQ(parseRangeHeader("bytes=0-126"), (ByteRange{0, 126}));
    EXPECT_FALSE(parseRangeHeader("bytes=5-"));
    EXPECT_FALSE(parseRangeHeader("bytes=-5"));
    EXPECT_FALSE(parseRangeHeader("bytes=0-1,4-5"));
    EXPECT_FALSE(parseRangeHeader("bytes=9-1"));
    EXPECT_EQ(parseContentLength(" 42\r\n"), 42u);
    EXPECT_FALSE(parseContentLength("42a"));
    EXPECT_FALSE(parseContentLength("-1"));
    EXPECT_FALSE(parseContentLength("99999999999999999999"));
    auto line = splitHeaderLine("Content-Range:  bytes 1-2/3 \r\n");
    ASSERT_TRUE(line);
    EXPECT_EQ(line->first, "Content-Range");
    EXPECT_EQ(line->second, "bytes 1-2/3");
    EXPECT_FALSE(splitHeaderLine("Bad Name: x"));
    EXPECT_FALSE(splitHeaderLine(": x"));
    EXPECT_FALSE(splitHeaderLine("no colon"));
    auto status = parseStatusLine("HTTP/1.1 404 Not Found\r\n");
    ASSERT_TRUE(status);
    EXPECT_EQ(status->status, 404);
    EXPECT_EQ(status->reason, "Not Found");
    EXPECT_EQ(parseStatusLine("HTTP/2 200")->status, 200);
    EXPECT_FALSE(parseStatusLine("HTTP/1.1 2000 OK"));
    EXPECT_FALSE(parseStatusLine("HTTP/1.1 099"));
    EXPECT_FALSE(parseStatusLine("ICY 200 OK"));
}

// ---- HttpClient ----

TEST(HttpClient, Gets200Body) {
    Served s;
    HttpClient client(fastOptions());
    auto r = client.get(s.server.url("/file.bin"));
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body, pattern(10000));
    EXPECT_EQ(r->attempts, 1);
    EXPECT_FALSE(r->contentRange);
}

TEST(HttpClient, Gets206Range) {
    Served s;
    HttpClient client(fastOptions());
    auto r = client.get(s.server.url("/file.bin"), ByteRange{100, 199});
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->status, 206);
    Bytes all = pattern(10000);
    EXPECT_EQ(r->body, Bytes(all.begin() + 100, all.begin() + 200));
    EXPECT_EQ(r->contentRange, (ContentRange{{100, 199}, 10000}));
    // Past the end: 416, which is final.
    auto past = client.get(s.server.url("/file.bin"), ByteRange{20000, 20001});
    ASSERT_FALSE(past);
    EXPECT_EQ(past.failure().status, 416);
    EXPECT_FALSE(past.retryable());
}

TEST(HttpClient, NotFoundIsNotRetried) {
    Served s;
    HttpClient client(fastOptions());
    std::string url = s.server.url("/12/5/6.png");
    auto r = client.get(url);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message, url + ": HTTP 404 Not Found");
    EXPECT_EQ(r.failure().kind, HttpError::Kind::Status);
    EXPECT_FALSE(r.retryable());
    EXPECT_EQ(s.server.requests("/12/5/6.png"), 1u);
}

TEST(HttpClient, ServerErrorsAreRetriedUntilSuccess) {
    Served s;
    s.server.setFault("/file.bin", HttpFault{.failFirst = 2});
    HttpClient client(fastOptions());
    auto r = client.get(s.server.url("/file.bin"));
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->body, pattern(10000));
    EXPECT_EQ(r->attempts, 3);
    EXPECT_EQ(s.server.requests("/file.bin"), 3u);
}

TEST(HttpClient, PersistentServerErrorFailsAfterRetries) {
    Served s;
    s.server.setFault("/", HttpFault{.status = 500});
    HttpOptions o = fastOptions();
    o.maxRetries = 3;
    HttpClient client(o);
    std::string url = s.server.url("/file.bin");
    auto r = client.get(url);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message, url + ": HTTP 500 Internal Server Error after 4 attempts");
    EXPECT_TRUE(r.retryable());
    EXPECT_EQ(r.failure().attempts, 4);
    EXPECT_EQ(s.server.requests("/file.bin"), 4u);
    // 503 is retryable too, 403 is not.
    s.server.setFault("/", HttpFault{.status = 403});
    auto forbidden = client.get(url);
    EXPECT_FALSE(forbidden.retryable());
    EXPECT_EQ(forbidden.failure().attempts, 1);
}

TEST(HttpClient, StalledServerTimesOut) {
    Served s;
    s.server.setFault("/file.bin", HttpFault{.stall = true});
    HttpOptions o = fastOptions();
    o.maxRetries = 1;
    HttpClient client(o);
    auto start = Clock::now();
    auto r = client.get(s.server.url("/file.bin"));
    double ms = msSince(start);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.failure().kind, HttpError::Kind::Stalled);
    EXPECT_TRUE(r.retryable());
    EXPECT_NE(r.error().message.find("timed out after 2 attempts (server stopped sending for 250 ms)"),
              std::string::npos)
        << r.error().message;
    EXPECT_EQ(s.server.requests("/file.bin"), 2u);
    EXPECT_GE(ms, 2 * 250);
    EXPECT_LT(ms, 10 * (2 * 250 + 40)) << "a hang guard only: a loaded machine may be several times slower";
}

TEST(HttpClient, DelayedAnswerCountsAsStall) {
    Served s;
    // The answer would come after a minute; the 250 ms stall timeout ends the request long before that.
    s.server.setFault("/file.bin", HttpFault{.delayMs = 60000});
    HttpOptions o = patientOptions();
    o.stallTimeoutMs = 250;
    o.maxRetries = 0;
    HttpClient client(o);
    auto start = Clock::now();
    auto r = client.get(s.server.url("/file.bin"));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.failure().kind, HttpError::Kind::Stalled) << r.error().message;
    EXPECT_LT(msSince(start), kLongerThanAnyPromptAnswerMs);
}

TEST(HttpClient, TruncatedBodyIsANamedRetryableError) {
    Served s;
    s.server.setFault("/file.bin", HttpFault{.truncate = true});
    HttpOptions o = fastOptions();
    o.maxRetries = 1;
    HttpClient client(o);
    std::string url = s.server.url("/file.bin");
    auto r = client.get(url);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.failure().kind, HttpError::Kind::Truncated);
    EXPECT_TRUE(r.retryable());
    EXPECT_EQ(r.error().message.rfind(url + ": truncated body after 2 attempts", 0), 0u) << r.error().message;
    EXPECT_EQ(s.server.requests("/file.bin"), 2u);
}

TEST(HttpClient, CancellingAStalledRequestReturnsPromptly) {
    Served s;
    s.server.setFault("/file.bin", HttpFault{.stall = true});
    HttpClient client(patientOptions());
    std::atomic<bool> cancel{false};
    Clock::time_point cancelledAt;
    std::thread canceller([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(150));
        cancelledAt = Clock::now();
        cancel = true;
    });
    auto r = client.get(s.server.url("/file.bin"), std::nullopt, &cancel);
    auto returnedAt = Clock::now();
    canceller.join();
    ASSERT_FALSE(r);
    EXPECT_TRUE(r.failure().cancelled());
    EXPECT_FALSE(r.retryable());
    // Only the cancel can end it this side of a minute (patientOptions); typically it takes milliseconds.
    double ms = std::chrono::duration<double, std::milli>(returnedAt - cancelledAt).count();
    EXPECT_LT(ms, kLongerThanAnyPromptAnswerMs);
}

TEST(HttpClient, CancellingDuringBackoffReturnsPromptly) {
    Served s;
    s.server.setFault("/", HttpFault{.status = 503});
    HttpClient client(patientOptions());
    std::atomic<bool> cancel{false};
    std::thread canceller([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(150));
        cancel = true;
    });
    auto start = Clock::now();
    auto r = client.get(s.server.url("/file.bin"), std::nullopt, &cancel);
    canceller.join();
    ASSERT_FALSE(r);
    EXPECT_TRUE(r.failure().cancelled());
    EXPECT_LT(msSince(start), kLongerThanAnyPromptAnswerMs);
    EXPECT_EQ(s.server.requests("/file.bin"), 1u);
}

TEST(HttpClient, RequestsInFlightAreCapped) {
    Served s;
    for (int i = 0; i < 16; ++i) s.dir.write("tiles/" + std::to_string(i) + ".png", pattern(1000 + i));
    s.server.setFault("/tiles/", HttpFault{.delayMs = 60});
    HttpOptions o = fastOptions();
    o.maxRequestsInFlight = 3;
    HttpClient client(o);
    std::atomic<int> okCount{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 16; ++i) {
        threads.emplace_back([&, i] {
            auto r = client.get(s.server.url("/tiles/" + std::to_string(i) + ".png"));
            if (r && r->body == pattern(1000 + i)) ++okCount;
        });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(okCount.load(), 16);
    EXPECT_LE(s.server.maxConcurrentRequests(), 3);
    EXPECT_GE(s.server.maxConcurrentRequests(), 2);  // the cap is a cap, not a serialisation
}

TEST(HttpClient, WaitingForASlotObservesCancellation) {
    Served s;
    s.server.setFault("/file.bin", HttpFault{.stall = true});
    HttpOptions o = patientOptions();
    o.maxRequestsInFlight = 1;
    HttpClient client(o);
    std::atomic<bool> cancelHolder{false}, cancelWaiter{false};
    std::thread holder([&] { (void)client.get(s.server.url("/file.bin"), std::nullopt, &cancelHolder); });
    while (s.server.totalRequests() == 0) std::this_thread::sleep_for(std::chrono::milliseconds(2));
    std::thread canceller([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        cancelWaiter = true;
    });
    auto start = Clock::now();
    auto r = client.get(s.server.url("/other.bin"), std::nullopt, &cancelWaiter);
    double ms = msSince(start);
    canceller.join();
    cancelHolder = true;
    holder.join();
    ASSERT_FALSE(r);
    EXPECT_TRUE(r.failure().cancelled());
    EXPECT_EQ(r.failure().attempts, 0);
    EXPECT_LT(ms, kLongerThanAnyPromptAnswerMs);
    EXPECT_EQ(s.server.requests("/other.bin"), 0u);  // it never got a slot
}

TEST(HttpClient, BodyOverTheLimitIsRefused) {
    Served s;
    HttpOptions o = fastOptions();
    o.maxBodyBytes = 4096;
    HttpClient client(o);
    auto r = client.get(s.server.url("/file.bin"));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.failure().kind, HttpError::Kind::BodyTooLarge);
    EXPECT_FALSE(r.retryable());
    EXPECT_EQ(s.server.requests("/file.bin"), 1u);
    EXPECT_TRUE(client.get(s.server.url("/file.bin"), ByteRange{0, 4095}));  // a range within it is fine
}

TEST(HttpClient, ConnectionRefusedIsRetryableAndNamesTheUrl) {
    HttpOptions o = fastOptions();
    o.maxRetries = 1;
    HttpClient client(o);
    std::string url = "http://127.0.0.1:" + std::to_string(unusedPort()) + "/0/0/0.png";
    auto r = client.get(url);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.failure().kind, HttpError::Kind::Connect);
    EXPECT_TRUE(r.retryable());
    EXPECT_EQ(r.error().message.rfind(url + ": connection failed after 2 attempts", 0), 0u) << r.error().message;
}

TEST(HttpClient, RejectsOtherSchemes) {
    HttpClient client(fastOptions());
    for (const char* url : {"file:///etc/passwd", "ftp://example.com/x", "http//x", ""}) {
        auto r = client.get(url);
        ASSERT_FALSE(r);
        EXPECT_EQ(r.failure().kind, HttpError::Kind::BadUrl) << url;
        EXPECT_FALSE(r.retryable());
    }
}

TEST(HttpClient, ReusesConnectionsAcrossManyRequests) {
    Served s;
    HttpClient client(fastOptions());
    for (int i = 0; i < 50; ++i) {
        auto r = client.get(s.server.url("/file.bin"), ByteRange{uint64_t(i), uint64_t(i + 10)});
        ASSERT_TRUE(r) << r.error().message;
    }
    EXPECT_EQ(s.server.totalRequests(), 50u);
    EXPECT_EQ(s.server.connectionsAccepted(), 1u);
}

// ---- HttpByteSource ----

namespace {

// Tiles to z4 with distinct contents, and a root small enough that leaf directories are read too.
Bytes sampleArchive(std::vector<TileId>* tiles) {
    fl::terrain::PmtilesWriter writer;
    for (uint8_t z = 0; z <= 4; ++z) {
        for (uint32_t x = 0; x < (1u << z); ++x) {
            for (uint32_t y = 0; y < (1u << z); ++y) {
                std::string s = "tile " + std::to_string(z) + "/" + std::to_string(x) + "/" + std::to_string(y);
                writer.addTile({z, x, y}, Bytes(s.begin(), s.end()));
                tiles->push_back({z, x, y});
            }
        }
    }
    fl::terrain::PmtilesWriteOptions options;
    options.maxRootDirectoryBytes = 200;
    options.leafDirectoryEntries = 40;
    auto bytes = writer.serialize(options);
    EXPECT_TRUE(bytes) << bytes.error().message;
    return bytes ? *bytes : Bytes{};
}

void expectSameTiles(fl::terrain::PmtilesReader& remote, fl::terrain::PmtilesReader& local,
                     const std::vector<TileId>& tiles) {
    for (TileId t : tiles) {
        auto a = remote.getTile(t);
        auto b = local.getTile(t);
        ASSERT_TRUE(a) << a.error().message;
        ASSERT_TRUE(b) << b.error().message;
        EXPECT_EQ(*a, *b) << fl::terrain::toString(t);
    }
    auto none = remote.getTile({9, 1, 1});
    ASSERT_TRUE(none);
    EXPECT_FALSE(*none);
}

}  // namespace

TEST(HttpByteSource, ReadsAPmtilesArchiveLikeTheInMemoryOne) {
    std::vector<TileId> tiles;
    Bytes archive = sampleArchive(&tiles);
    Served s;
    s.dir.write("a.pmtiles", archive);
    auto client = std::make_shared<HttpClient>(fastOptions());
    auto source = std::make_unique<fl::terrain::HttpByteSource>(client, s.server.url("/a.pmtiles"));
    auto* raw = source.get();
    auto remote = fl::terrain::PmtilesReader::open(std::move(source));
    ASSERT_TRUE(remote) << remote.error().message;
    auto local =
        fl::terrain::PmtilesReader::open(std::make_unique<fl::terrain::MemoryByteSource>(archive, "a.pmtiles"));
    ASSERT_TRUE(local);
    EXPECT_EQ(raw->size(), archive.size());
    EXPECT_FALSE(raw->serverIgnoresRanges());
    expectSameTiles(*remote, *local, tiles);
}

TEST(HttpByteSource, WorksWithAServerThatIgnoresRanges) {
    std::vector<TileId> tiles;
    Bytes archive = sampleArchive(&tiles);
    Served s;
    s.dir.write("a.pmtiles", archive);
    s.server.setFault("/a.pmtiles", HttpFault{.ignoreRange = true});
    auto client = std::make_shared<HttpClient>(fastOptions());
    auto source = std::make_unique<fl::terrain::HttpByteSource>(client, s.server.url("/a.pmtiles"));
    auto* raw = source.get();
    auto remote = fl::terrain::PmtilesReader::open(std::move(source));
    ASSERT_TRUE(remote) << remote.error().message;
    auto local =
        fl::terrain::PmtilesReader::open(std::make_unique<fl::terrain::MemoryByteSource>(archive, "a.pmtiles"));
    ASSERT_TRUE(local);
    EXPECT_TRUE(raw->serverIgnoresRanges());
    expectSameTiles(*remote, *local, tiles);
    EXPECT_EQ(s.server.requests("/a.pmtiles"), 1u);  // downloaded once, then sliced
}

// Issue 11 finding 5: a large remote archive on a server that ignores Range (python3 -m http.server) failed
// with "body too large (over the limit of maxBodyBytes)", which blames the file. Say what happened instead.
TEST(HttpByteSource, ServerIgnoringRangesOnALargeArchiveSaysSoAndWhatToDo) {
    std::vector<TileId> tiles;
    Bytes archive = sampleArchive(&tiles);
    Served s;
    s.dir.write("big.pmtiles", archive);
    s.server.setFault("/big.pmtiles", HttpFault{.ignoreRange = true});
    fl::terrain::TileSourceOptions options;
    options.http = fastOptions();
    options.http.maxBodyBytes = archive.size() / 2;  // the archive is "large": over the limit
    auto remote = fl::terrain::openRemotePmtilesSource(s.server.url("/big.pmtiles"), options);
    ASSERT_FALSE(remote);
    const std::string& m = remote.error().message;
    EXPECT_NE(m.find(s.server.url("/big.pmtiles")), std::string::npos) << m;
    EXPECT_NE(m.find("the server ignored the Range request"), std::string::npos) << m;
    EXPECT_NE(m.find("answered 200 with the whole file (" + std::to_string(archive.size()) + " bytes"),
              std::string::npos)
        << m;
    EXPECT_NE(m.find("supports HTTP range requests"), std::string::npos) << m;
    EXPECT_NE(m.find("download the file"), std::string::npos) << m;
    EXPECT_EQ(m.find("body too large"), std::string::npos) << m;
    EXPECT_EQ(s.server.requests("/big.pmtiles"), 1u) << "final: not retried";
}

TEST(HttpByteSource, WrongContentRangeIsAnError) {
    Served s;
    s.server.setFault("/file.bin", HttpFault{.wrongContentRange = true});
    std::string url = s.server.url("/file.bin");
    fl::terrain::HttpByteSource source(std::make_shared<HttpClient>(fastOptions()), url);
    auto r = source.read(0, 127);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message, url + ": asked for bytes 0-126, got a 206 with Content-Range 1-127");
}

TEST(HttpByteSource, ReadsPastTheEndAndErrorsAreNamed) {
    Served s;
    std::string url = s.server.url("/file.bin");
    fl::terrain::HttpByteSource source(std::make_shared<HttpClient>(fastOptions()), url);
    auto first = source.read(9990, 10);
    ASSERT_TRUE(first) << first.error().message;
    EXPECT_EQ(source.size(), 10000u);
    auto past = source.read(9995, 10);
    ASSERT_FALSE(past);
    EXPECT_EQ(past.error().message.rfind(url + ": ", 0), 0u);
    fl::terrain::HttpByteSource missing(std::make_shared<HttpClient>(fastOptions()), s.server.url("/none.pmtiles"));
    auto r = missing.read(0, 127);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message, s.server.url("/none.pmtiles") + ": HTTP 404 Not Found");
}

TEST(HttpByteSource, CancelScopeAbortsReadsOnItsThread) {
    Served s;
    s.server.setFault("/file.bin", HttpFault{.stall = true});
    fl::terrain::HttpByteSource source(std::make_shared<HttpClient>(patientOptions()), s.server.url("/file.bin"));
    std::atomic<bool> cancel{true};
    fl::terrain::HttpByteSource::CancelScope scope(&cancel);
    auto start = Clock::now();
    auto r = source.read(0, 100);
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("cancelled"), std::string::npos);
    EXPECT_LT(msSince(start), kLongerThanAnyPromptAnswerMs);
}

// ---- the XYZ URL template source ----

namespace {

fl::terrain::HeightTile tileWithHeight(float h) {
    fl::terrain::HeightTile t;
    t.heights.assign(size_t(t.width) * size_t(t.height), h);
    return t;
}

float heightOf(TileId t) {
    return float(t.z) * 1000.0f + float(t.x) * 100.0f + float(t.y) * 10.0f;
}

// Terrarium PNGs for z0..z2 at {z}/{x}/{y}.png (and at the TMS row under tms/).
void writeTerrariumTiles(const TempDir& dir) {
    for (uint8_t z = 0; z <= 2; ++z) {
        for (uint32_t x = 0; x < (1u << z); ++x) {
            for (uint32_t y = 0; y < (1u << z); ++y) {
                auto png = fl::terrain::encodeTerrariumPng(tileWithHeight(heightOf({z, x, y})));
                ASSERT_TRUE(png);
                std::string zx = std::to_string(z) + "/" + std::to_string(x) + "/";
                dir.write(zx + std::to_string(y) + ".png", *png);
                dir.write("tms/" + zx + std::to_string((1u << z) - 1 - y) + ".png", *png);
            }
        }
    }
}

fl::terrain::TileSourceOptions terrariumOptions() {
    fl::terrain::TileSourceOptions o;
    o.encoding = fl::terrain::HeightEncoding::Terrarium;
    o.maxZoom = 3;
    o.http = fastOptions();
    return o;
}

}  // namespace

TEST(HttpXyzSource, FetchesTerrariumTilesThatDecodeToTheirHeights) {
    TempDir dir;
    writeTerrariumTiles(dir);
    LoopbackHttpServer server(dir.str());
    for (std::string pattern : {"/{z}/{x}/{y}.png", "/tms/{z}/{x}/{-y}.png"}) {
        auto source = fl::terrain::openHttpXyzSource(server.url(pattern), terrariumOptions());
        ASSERT_TRUE(source) << source.error().message;
        EXPECT_EQ((*source)->info().maxZoom, 3);
        fl::terrain::CancelFlag cancel;
        for (TileId t : {TileId{0, 0, 0}, TileId{1, 1, 0}, TileId{2, 1, 3}, TileId{2, 3, 2}}) {
            auto f = (*source)->fetch(t, cancel);
            ASSERT_EQ(f.status, fl::terrain::TileFetch::Status::Ok) << f.error.message;
            auto decoded = fl::terrain::decodeHeightPng(f.png, fl::terrain::HeightEncoding::Terrarium, "tile");
            ASSERT_TRUE(decoded) << decoded.error().message;
            EXPECT_FLOAT_EQ(decoded->heights[0], heightOf(t)) << pattern << " " << fl::terrain::toString(t);
        }
        EXPECT_EQ((*source)->fetch({4, 0, 0}, cancel).status, fl::terrain::TileFetch::Status::Missing);
    }
}

TEST(HttpXyzSource, NotFoundFailsNamingTheTile) {
    TempDir dir;
    LoopbackHttpServer server(dir.str());
    auto source = fl::terrain::openHttpXyzSource(server.url("/{z}/{x}/{y}.png"), terrariumOptions());
    ASSERT_TRUE(source);
    fl::terrain::CancelFlag cancel;
    auto f = (*source)->fetch({3, 5, 6}, cancel);
    EXPECT_EQ(f.status, fl::terrain::TileFetch::Status::Failed);
    EXPECT_FALSE(f.retryable);
    EXPECT_EQ(f.error.message, server.url("/3/5/6.png") + ": HTTP 404 Not Found (tile 3/5/6)");
    EXPECT_EQ(server.requests("/3/5/6.png"), 1u);
}

TEST(HttpXyzSource, ServerErrorsFailRetryablyAfterTheClientRetries) {
    TempDir dir;
    LoopbackHttpServer server(dir.str());
    server.setFault("/", HttpFault{.status = 503});
    auto source = fl::terrain::openHttpXyzSource(server.url("/{z}/{x}/{y}.png"), terrariumOptions());
    ASSERT_TRUE(source);
    fl::terrain::CancelFlag cancel;
    auto f = (*source)->fetch({1, 0, 1}, cancel);
    EXPECT_EQ(f.status, fl::terrain::TileFetch::Status::Failed);
    EXPECT_TRUE(f.retryable);
    EXPECT_NE(f.error.message.find("HTTP 503 Service Unavailable after 3 attempts (tile 1/0/1)"), std::string::npos)
        << f.error.message;
    EXPECT_EQ(server.requests("/1/0/1.png"), 3u);
    cancel.cancel();
    EXPECT_EQ((*source)->fetch({1, 0, 1}, cancel).status, fl::terrain::TileFetch::Status::Cancelled);
}

TEST(HttpXyzSource, BadTemplatesAndMissingEncodingAreErrors) {
    auto options = terrariumOptions();
    auto noZ = fl::terrain::openHttpXyzSource("http://example.com/{x}/{y}.png", options);
    ASSERT_FALSE(noZ);
    EXPECT_NE(noZ.error().message.find("needs {z}, {x} and {y}"), std::string::npos) << noZ.error().message;
    EXPECT_FALSE(fl::terrain::openHttpXyzSource("ftp://example.com/{z}/{x}/{y}.png", options));
    options.encoding.reset();
    auto noEncoding = fl::terrain::openHttpXyzSource("http://example.com/{z}/{x}/{y}.png", options);
    ASSERT_FALSE(noEncoding);
    EXPECT_EQ(noEncoding.error().message,
              "http://example.com/{z}/{x}/{y}.png: the server (no tiles.json or metadata.json beside the tiles) "
              "does not say its height encoding; pass --encoding terrarium|mapbox");
    auto notHttp = fl::terrain::openRemotePmtilesSource("/tmp/a.pmtiles", options);
    EXPECT_FALSE(notHttp);
}

// Issue 11 finding 4: a regional XYZ server was probed for the whole world at z0..15 (351 "HTTP 404" lines).
// With a TileJSON beside the tiles, or --bounds / --max-zoom, nothing outside is ever requested.
namespace {

class NoGpu : public fl::terrain::TilePageUploader {
public:
    uint32_t pageCapacity() const override { return 256; }
    void upload(uint32_t, const fl::terrain::TilePage&) override {}
};

// Streams an oblique view over southern Afghanistan that sees far beyond 66..67 E, 31..32 N.
std::vector<std::string> pathsRequestedByAWideView(LoopbackHttpServer& server,
                                                   const fl::terrain::TileSourceOptions& options) {
    auto source = fl::terrain::openHttpXyzSource(server.url("/{z}/{x}/{y}.png"), options);
    EXPECT_TRUE(source) << source.error().message;
    if (!source) return {};
    NoGpu gpu;
    fl::terrain::TileStreamer streamer(std::shared_ptr<fl::terrain::TileSource>(std::move(*source)), gpu);
    fl::terrain::SelectionView view;
    view.frame = fl::geo::EnuFrame({31.5, 66.5, 0});
    view.view = fl::computeView(view.frame, fl::CameraPose{30.0, 66.5, 400000, 0, -35, 60}, 640, 360);
    for (uint64_t frame = 1; frame < 2000; ++frame) {
        streamer.update(view, {frame, frame - 1});
        if (streamer.readiness().resolved || (frame > 5 && streamer.idle())) break;
        streamer.waitForProgress(std::chrono::milliseconds(5));
    }
    return server.requestedPaths();
}

bool tilePathInside(const std::string& path, fl::terrain::TileBounds bounds, int minZoom, int maxZoom) {
    unsigned z = 0, x = 0, y = 0;
    if (std::sscanf(path.c_str(), "/%u/%u/%u.png", &z, &x, &y) != 3) return true;  // not a tile (tiles.json)
    const TileId t{uint8_t(z), x, y};
    return int(z) >= minZoom && int(z) <= maxZoom && fl::terrain::overlaps(fl::terrain::tileBounds(t), bounds);
}

}  // namespace

TEST(HttpXyzSource, TileJsonBoundsAndZoomsAreReadAndNothingOutsideIsRequested) {
    TempDir dir;
    writeTerrariumTiles(dir);
    const std::string json = R"({"tilejson":"3.0.0","tiles":["/{z}/{x}/{y}.png"],"bounds":[66,31,67,32],)"
                             R"("minzoom":1,"maxzoom":2,"encoding":"terrarium","attribution":"Test DEM"})";
    dir.write("tiles.json", Bytes(json.begin(), json.end()));
    LoopbackHttpServer server(dir.str());
    fl::terrain::TileSourceOptions options;  // no --encoding: the TileJSON says it
    options.http = fastOptions();
    auto source = fl::terrain::openHttpXyzSource(server.url("/{z}/{x}/{y}.png"), options);
    ASSERT_TRUE(source) << source.error().message;
    EXPECT_EQ((*source)->info().minZoom, 1);
    EXPECT_EQ((*source)->info().maxZoom, 2);
    EXPECT_EQ((*source)->info().bounds.west, 66);
    EXPECT_EQ((*source)->info().attribution, "Test DEM");
    server.resetCounters();

    const fl::terrain::TileBounds bounds{66, 31, 67, 32};
    const auto paths = pathsRequestedByAWideView(server, options);
    EXPECT_NE(std::find(paths.begin(), paths.end(), "/2/2/1.png"), paths.end()) << "the covered tile is loaded";
    for (const std::string& p : paths) EXPECT_TRUE(tilePathInside(p, bounds, 1, 2)) << p << " is outside";
}

TEST(HttpXyzSource, BoundsAndMaxZoomOptionsStandInForAMissingTileJson) {
    TempDir dir;
    writeTerrariumTiles(dir);
    LoopbackHttpServer server(dir.str());
    fl::terrain::TileSourceOptions options = terrariumOptions();
    const fl::terrain::TileBounds bounds{66, 31, 67, 32};
    options.bounds = bounds;
    options.maxZoom = 2;
    const auto paths = pathsRequestedByAWideView(server, options);
    EXPECT_NE(std::find(paths.begin(), paths.end(), "/2/2/1.png"), paths.end());
    for (const std::string& p : paths) EXPECT_TRUE(tilePathInside(p, bounds, 0, 2)) << p << " is outside";
    EXPECT_EQ(server.requests("/tiles.json"), 1u);  // looked for, not there
}

TEST(HttpXyzSource, MalformedTileJsonIsAnErrorNamingIt) {
    TempDir dir;
    const std::string json = R"({"bounds":[66,31,67],"encoding":"terrarium"})";
    dir.write("tiles.json", Bytes(json.begin(), json.end()));
    LoopbackHttpServer server(dir.str());
    auto source = fl::terrain::openHttpXyzSource(server.url("/{z}/{x}/{y}.png"), terrariumOptions());
    ASSERT_FALSE(source);
    EXPECT_NE(source.error().message.find(server.url("/tiles.json")), std::string::npos) << source.error().message;
    EXPECT_NE(source.error().message.find("bounds"), std::string::npos) << source.error().message;
}

TEST(TileStreamerReport, HundredsOfFailuresAreSummarised) {
    fl::terrain::Readiness r;
    for (uint32_t i = 0; i < 351; ++i)
        r.failed.emplace_back(TileId{9, i, 7},
                              fl::Error{"http://127.0.0.1:8000/9/" + std::to_string(i) +
                                        "/7.png: HTTP 404 Not Found (tile 9/" + std::to_string(i) + "/7)"});
    r.failed.emplace_back(TileId{9, 0, 8}, fl::Error{"http://127.0.0.1:8000/9/0/8.png: timed out (tile 9/0/8)"});
    const auto lines = fl::terrain::describeFailures(r);
    ASSERT_EQ(lines.size(), 4u);
    EXPECT_EQ(lines[0], "http://127.0.0.1:8000/9/0/7.png: HTTP 404 Not Found (tile 9/0/7) (drawn from a coarser tile)");
    EXPECT_EQ(lines[3], "and 349 more tiles failed (HTTP 404 Not Found: 348; timed out: 1), drawn from coarser tiles");
    r.failed.resize(2);
    EXPECT_EQ(fl::terrain::describeFailures(r).size(), 2u);
}
