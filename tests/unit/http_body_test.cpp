// HTTP body handling without a socket (net/http_body.h): the header block as the client reads it, the verdict
// on a finished response (limit, truncation, a 200 to a Range request that was too large) and on the answer
// to a byte-range read (206 with the right or a wrong range, 200 as the whole file, another status).
#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "net/http_body.h"

using fl::net::ByteRange;
using fl::net::ContentRange;
using fl::net::HttpError;
using fl::net::judgeRangeAnswer;
using fl::net::judgeResponse;
using fl::net::RangeAnswer;
using fl::net::ResponseHead;

namespace {

constexpr const char* kUrl = "http://tiles.example/kandahar.pmtiles";
constexpr uint64_t kLimit = 1000;

ResponseHead head(std::initializer_list<std::string_view> lines) {
    ResponseHead h;
    for (std::string_view line : lines) fl::net::readHeaderLine(h, line);
    return h;
}

bool contains(const std::string& text, std::string_view part) {
    return text.find(part) != std::string::npos;
}

}  // namespace

TEST(HttpBody, HeaderLinesOfTheLastBlockCount) {
    // A redirect's headers are forgotten when the final answer's status line arrives.
    ResponseHead h = head({"HTTP/1.1 302 Found\r\n", "Content-Length: 12\r\n", "Content-Range: nonsense\r\n",
                           "HTTP/1.1 206 Partial Content\r\n", "content-range: bytes 10-19/100\r\n",
                           "Content-Length: 10\r\n", "X-Junk no colon\r\n"});
    EXPECT_EQ(h.status, 206);
    EXPECT_EQ(h.contentLength, 10u);
    ASSERT_TRUE(h.contentRange);
    EXPECT_EQ(h.contentRange->range, (ByteRange{10, 19}));
    EXPECT_EQ(h.contentRange->total, 100u);
    EXPECT_FALSE(h.badContentRange);
    EXPECT_TRUE(head({"HTTP/1.1 206 Partial Content", "Content-Range: bytes 9-3/100"}).badContentRange);
}

TEST(HttpBody, ErrorPagesAreNeverTooLarge) {
    EXPECT_TRUE(fl::net::overBodyLimit(head({"HTTP/1.1 200 OK"}), kLimit + 1, kLimit));
    EXPECT_FALSE(fl::net::overBodyLimit(head({"HTTP/1.1 200 OK"}), kLimit, kLimit));
    EXPECT_FALSE(fl::net::overBodyLimit(head({"HTTP/1.1 404 Not Found"}), kLimit * 10, kLimit));
}

TEST(HttpBody, WholeBodyWithinTheLimitIsUsable) {
    EXPECT_FALSE(judgeResponse(head({"HTTP/1.1 200 OK", "Content-Length: 500"}), 500, false, true, kLimit));
    EXPECT_FALSE(judgeResponse(head({"HTTP/2 200"}), 500, false, false, kLimit));  // no Content-Length
}

TEST(HttpBody, TooLargeAnswerToARangeRequestSaysTheServerIgnoredIt) {
    auto problem = judgeResponse(head({"HTTP/1.1 200 OK", "Content-Length: 5000"}), 0, true, true, kLimit);
    ASSERT_TRUE(problem);
    EXPECT_EQ(problem->kind, HttpError::Kind::BodyTooLarge);
    EXPECT_EQ(problem->problem, "the server ignored the Range request");
    EXPECT_TRUE(contains(problem->detail, "5000 bytes")) << problem->detail;
    EXPECT_TRUE(contains(problem->detail, "1000-byte limit")) << problem->detail;
    EXPECT_TRUE(contains(problem->detail, "range requests")) << problem->detail;
    // Without a Range request (an XYZ tile), or with a 206, a refused body is only "too large".
    auto plain = judgeResponse(head({"HTTP/1.1 200 OK"}), kLimit, true, false, kLimit);
    ASSERT_TRUE(plain);
    EXPECT_EQ(plain->problem, "body too large");
    auto part = judgeResponse(head({"HTTP/1.1 206 Partial Content"}), kLimit, true, true, kLimit);
    ASSERT_TRUE(part);
    EXPECT_EQ(part->problem, "body too large");
}

TEST(HttpBody, TruncatedBodyIsARetryableProblem) {
    auto problem = judgeResponse(head({"HTTP/1.1 200 OK", "Content-Length: 500"}), 320, false, false, kLimit);
    ASSERT_TRUE(problem);
    EXPECT_EQ(problem->kind, HttpError::Kind::Truncated);
    EXPECT_EQ(problem->detail, "got 320 of 500 bytes");
    EXPECT_TRUE((HttpError{problem->kind}.retryable()));
}

TEST(HttpBody, StatusAndMalformedContentRangeAreProblems) {
    auto notFound = judgeResponse(head({"HTTP/1.1 404 Whatever"}), 0, false, true, kLimit);
    ASSERT_TRUE(notFound);
    EXPECT_EQ(notFound->kind, HttpError::Kind::Status);
    EXPECT_EQ(notFound->problem, "HTTP 404 Not Found");  // our phrase, not the server's
    EXPECT_EQ(notFound->status, 404);
    auto bad =
        judgeResponse(head({"HTTP/1.1 206 Partial Content", "Content-Range: bytes 1-2/x"}), 2, false, true, kLimit);
    ASSERT_TRUE(bad);
    EXPECT_EQ(bad->problem, "malformed Content-Range header");
}

TEST(HttpBody, PartialAnswerWithTheRangeAskedIsUsed) {
    auto answer = judgeRangeAnswer(kUrl, {100, 199}, 206, ContentRange{{100, 199}, 4096}, 100, std::nullopt);
    ASSERT_TRUE(answer) << answer.error().message;
    EXPECT_EQ(answer->use, RangeAnswer::Use::Part);
    EXPECT_EQ(answer->total, 4096u);
    // Total unknown ("bytes 100-199/*"), and a total that agrees with the size already known.
    EXPECT_TRUE(judgeRangeAnswer(kUrl, {100, 199}, 206, ContentRange{{100, 199}, std::nullopt}, 100, 4096));
    EXPECT_TRUE(judgeRangeAnswer(kUrl, {100, 199}, 206, ContentRange{{100, 199}, 4096}, 100, 4096));
}

TEST(HttpBody, PartialAnswerWithAnotherRangeOrSizeIsAnErrorNamingTheUrl) {
    auto wrong = judgeRangeAnswer(kUrl, {100, 199}, 206, ContentRange{{0, 99}, 4096}, 100, std::nullopt);
    ASSERT_FALSE(wrong);
    EXPECT_EQ(wrong.error().message,
              std::string(kUrl) + ": asked for bytes 100-199, got a 206 with Content-Range 0-99");
    auto none = judgeRangeAnswer(kUrl, {100, 199}, 206, std::nullopt, 100, std::nullopt);
    ASSERT_FALSE(none);
    EXPECT_TRUE(contains(none.error().message, "no valid Content-Range")) << none.error().message;
    auto shortBody = judgeRangeAnswer(kUrl, {100, 199}, 206, ContentRange{{100, 199}, 4096}, 60, std::nullopt);
    ASSERT_FALSE(shortBody);
    EXPECT_TRUE(contains(shortBody.error().message, "asked for 100 bytes, got 60")) << shortBody.error().message;
    auto changed = judgeRangeAnswer(kUrl, {100, 199}, 206, ContentRange{{100, 199}, 5000}, 100, 4096);
    ASSERT_FALSE(changed);
    EXPECT_TRUE(contains(changed.error().message, "changed size from 4096 to 5000")) << changed.error().message;
}

TEST(HttpBody, WholeFileAnswerIsSlicedByTheReaderAndOtherStatusesAreErrors) {
    auto whole = judgeRangeAnswer(kUrl, {100, 199}, 200, std::nullopt, 4096, std::nullopt);
    ASSERT_TRUE(whole);
    EXPECT_EQ(whole->use, RangeAnswer::Use::WholeFile);
    auto other = judgeRangeAnswer(kUrl, {100, 199}, 204, std::nullopt, 0, std::nullopt);
    ASSERT_FALSE(other);
    EXPECT_EQ(other.error().message, std::string(kUrl) + ": asked for bytes 100-199, got HTTP 204");
}
