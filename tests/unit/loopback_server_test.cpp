// The loopback HTTP server's request parsing and what it refuses to serve: it answers GDAL's /vsicurl/ (which
// asks for folders) and fuzzed requests with a status, never by aborting.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "net/http.h"
#include "net/loopback_server.h"

namespace fs = std::filesystem;
using namespace fl::net;

TEST(LoopbackRequest, ParsesTheRequestLineAndTheHeadersItUses) {
    auto r =
        parseLoopbackRequest("GET /a/b.png?x=1 HTTP/1.1\r\nHost: h\r\nRange: bytes=0-9\r\nConnection: close\r\n\r\n");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->method, "GET");
    EXPECT_EQ(r->path, "/a/b.png");
    EXPECT_EQ(r->rangeValue, "bytes=0-9");
    EXPECT_FALSE(r->keepAlive);
}

TEST(LoopbackRequest, MalformedRequestsAreRefusedNotMisread) {
    EXPECT_FALSE(parseLoopbackRequest(""));
    EXPECT_FALSE(parseLoopbackRequest("GET"));
    EXPECT_FALSE(parseLoopbackRequest("GET /x\r\n\r\n"));
    auto noHeaders = parseLoopbackRequest("GET / HTTP/1.1");  // no CRLF at all
    ASSERT_TRUE(noHeaders);
    EXPECT_EQ(noHeaders->path, "/");
    EXPECT_FALSE(isServablePath(""));
    EXPECT_FALSE(isServablePath("x"));
    EXPECT_FALSE(isServablePath("/../etc/passwd"));
    EXPECT_FALSE(isServablePath(std::string_view("/a\0b", 4)));
    EXPECT_TRUE(isServablePath("/a/b.png"));
}

TEST(LoopbackServer, AFolderIsNotFoundInsteadOfAbortingTheServer) {
    const fs::path root = fs::temp_directory_path() / ("frontline-loopback-" + std::to_string(::getpid()));
    fs::create_directories(root / "sub");
    std::ofstream(root / "file.bin") << "0123456789";
    {
        LoopbackHttpServer server(root.string());
        ASSERT_TRUE(server.ok());
        HttpOptions o;
        o.maxRetries = 0;
        HttpClient client(o);
        for (const char* folder : {"/", "/sub", "/sub/"}) {
            auto r = client.get(server.url(folder));
            ASSERT_FALSE(r) << folder;
            EXPECT_NE(r.error().message.find("404"), std::string::npos) << folder << ": " << r.error().message;
        }
        auto file = client.get(server.url("/file.bin"));
        ASSERT_TRUE(file) << file.error().message;
        EXPECT_EQ(file->body.size(), 10u);
    }
    fs::remove_all(root);
}
