// Timecode: exact rates, drop-frame arithmetic against published values, and round trips at every rate.
#include <gtest/gtest.h>

#include "core/timecode.h"

using namespace fl::timecode;

namespace {

FrameRate rate(const char* name) {
    auto r = parseFrameRate(name);
    EXPECT_TRUE(r) << name;
    return *r;
}

}  // namespace

TEST(Timecode, RatesAreExactRationals) {
    EXPECT_EQ(rate("29.97"), (FrameRate{30000, 1001}));
    EXPECT_EQ(rate("59.94"), (FrameRate{60000, 1001}));
    EXPECT_EQ(rate("30000/1001"), (FrameRate{30000, 1001}));
    EXPECT_EQ(rate("25"), (FrameRate{25, 1}));
    EXPECT_EQ(rate("29.97").nominal(), 30);
    EXPECT_EQ(rate("59.94").nominal(), 60);
    EXPECT_TRUE(rate("29.97").dropFrame());
    EXPECT_FALSE(rate("25").dropFrame());
    EXPECT_FALSE(rate("30").dropFrame());
    EXPECT_EQ(rate("29.97").name(), "29.97");
    EXPECT_EQ(rate("23.976").name(), "23.976");
    // Frame 30000 at 29.97 starts 1001 s in, exactly (no float accumulation over a long clip).
    EXPECT_EQ(rate("29.97").seconds(30000), 1001.0);
    EXPECT_FALSE(parseFrameRate("29.976"));
    EXPECT_FALSE(parseFrameRate(""));
    EXPECT_NE(parseFrameRate("31").error().message.find("29.97"), std::string::npos);
}

TEST(Timecode, DropFrameAt2997MatchesSmpte) {
    const FrameRate r = rate("29.97");
    EXPECT_EQ(format(0, r), "00:00:00;00");
    EXPECT_EQ(format(1799, r), "00:00:59;29");
    EXPECT_EQ(format(1800, r), "00:01:00;02");  // ;00 and ;01 are skipped
    EXPECT_EQ(format(3597, r), "00:01:59;29");
    EXPECT_EQ(format(3598, r), "00:02:00;02");
    EXPECT_EQ(format(17981, r), "00:09:59;29");
    EXPECT_EQ(format(17982, r), "00:10:00;00");  // every tenth minute keeps them
    EXPECT_EQ(format(17983, r), "00:10:00;01");
    EXPECT_EQ(format(107892, r), "01:00:00;00");  // one hour of 29.97 is 107892 frames
    EXPECT_EQ(framesPerDay(r), 2589408);
    EXPECT_EQ(format(framesPerDay(r), r), "00:00:00;00");  // wraps at 24 h
    EXPECT_EQ(format(-1, r), "23:59:59;29");
}

TEST(Timecode, DropFrameAt5994MatchesSmpte) {
    const FrameRate r = rate("59.94");
    EXPECT_EQ(format(3599, r), "00:00:59;59");
    EXPECT_EQ(format(3600, r), "00:01:00;04");  // four numbers skipped a minute
    EXPECT_EQ(format(35964, r), "00:10:00;00");
    EXPECT_EQ(format(215784, r), "01:00:00;00");
    EXPECT_EQ(*parse("00:01:00;04", r), 3600);
    EXPECT_EQ(*parse("00:10:00;00", r), 35964);
}

TEST(Timecode, NonDropCountsEveryFrame) {
    EXPECT_EQ(format(25 * 3600 + 25 * 61 + 3, rate("25")), "01:01:01:03");
    EXPECT_EQ(format(50 * 60, rate("50")), "00:01:00:00");
    EXPECT_EQ(*parse("10:00:00:00", rate("25")), 900000);
}

TEST(Timecode, ParsesDropFrameAndRejectsSkippedNumbers) {
    const FrameRate r = rate("29.97");
    EXPECT_EQ(*parse("00:01:00;02", r), 1800);
    EXPECT_EQ(*parse("00:10:00;00", r), 17982);
    EXPECT_EQ(*parse("00:01:00.02", r), 1800);  // '.' is how some systems write ';'
    EXPECT_FALSE(parse("00:01:00;00", r));      // skipped: does not exist
    EXPECT_FALSE(parse("00:01:00:02", r));      // non-drop text at a drop-frame rate
    EXPECT_FALSE(parse("00:00:00;00", rate("25")));
    EXPECT_FALSE(parse("24:00:00:00", rate("25")));
    EXPECT_FALSE(parse("00:00:00:25", rate("25")));
    EXPECT_FALSE(parse("0:00:00:00", rate("25")));
    EXPECT_FALSE(parse("aa:00:00:00", rate("25")));
    EXPECT_NE(parse("00:01:00;00", r).error().message.find("00:01:00;00"), std::string::npos);
}

TEST(Timecode, RoundTripsAtEveryRate) {
    for (const char* name : {"23.976", "24", "25", "29.97", "30", "50", "59.94", "60"}) {
        const FrameRate r = rate(name);
        const int64_t day = framesPerDay(r);
        // Every frame of the first 11 minutes (all drop-frame cases), then a stride over the whole day.
        for (int64_t f = 0; f < day; f += (f < r.nominal() * 660 ? 1 : 997)) {
            auto back = parse(format(f, r), r);
            ASSERT_TRUE(back) << name << " frame " << f << ": " << back.error().message;
            ASSERT_EQ(*back, f) << name << " " << format(f, r);
        }
    }
}
