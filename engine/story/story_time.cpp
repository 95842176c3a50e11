// Story times: ISO-8601 parsing and formatting (UTC, proleptic Gregorian) and the story clock's mapping to
// presentation seconds. Declared in story/story.h.
#include <cmath>
#include <cstdio>
#include <string>

#include "story/story.h"

namespace fl::story {

// ---------------------------------------------------------------------------------------------------------
// Times

namespace {

// Days since 1970-01-01 of a proleptic Gregorian date (the usual era-based count: 400-year eras of 146097 days).
int64_t daysFromCivil(int64_t y, int m, int d) {
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const int64_t yoe = y - era * 400;
    const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void civilFromDays(int64_t z, int64_t& y, int& m, int& d) {
    z += 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const int64_t doe = z - era * 146097;
    const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const int64_t mp = (5 * doy + 2) / 153;
    d = int(doy - (153 * mp + 2) / 5 + 1);
    m = int(mp < 10 ? mp + 3 : mp - 9);
    y = yoe + era * 400 + (m <= 2);
}

bool isLeap(int64_t y) {
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int daysInMonth(int64_t y, int m) {
    static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && isLeap(y) ? 29 : kDays[m - 1];
}

// Reads exactly `n` digits at `pos`.
bool digits(std::string_view s, size_t& pos, size_t n, int& out) {
    if (pos + n > s.size()) return false;
    out = 0;
    for (size_t i = 0; i < n; ++i) {
        const char c = s[pos + i];
        if (c < '0' || c > '9') return false;
        out = out * 10 + (c - '0');
    }
    pos += n;
    return true;
}

// Story times stay within years 0000..9999, so microsecond integers fit int64 comfortably.
constexpr double kMinTime = -62167219200.0;  // 0000-01-01T00:00:00Z
constexpr double kMaxTime = 253402300800.0;  // 10000-01-01T00:00:00Z

}  // namespace

Result<StoryTime> parseStoryTime(std::string_view s) {
    const std::string quoted = "'" + std::string(s.substr(0, 40)) + (s.size() > 40 ? "…'" : "'");
    auto bad = [&](const std::string& why) { return Error{"time " + quoted + " " + why}; };
    size_t pos = 0;
    int year = 0, month = 0, day = 0;
    if (!digits(s, pos, 4, year) || pos >= s.size() || s[pos++] != '-' || !digits(s, pos, 2, month) ||
        pos >= s.size() || s[pos++] != '-' || !digits(s, pos, 2, day))
        return bad("is not ISO-8601 (expected YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ)");
    if (month < 1 || month > 12) return bad("has month " + std::to_string(month));
    if (day < 1 || day > daysInMonth(year, month)) return bad("has no day " + std::to_string(day) + " in that month");
    double seconds = double(daysFromCivil(year, month, day)) * 86400.0;
    if (pos == s.size()) return seconds;  // date only: midnight UTC
    if (s[pos] != 'T') return bad("is not ISO-8601 (expected 'T' after the date)");
    ++pos;
    int hour = 0, minute = 0, second = 0;
    if (!digits(s, pos, 2, hour) || pos >= s.size() || s[pos++] != ':' || !digits(s, pos, 2, minute))
        return bad("is not ISO-8601 (expected HH:MM after 'T')");
    if (pos < s.size() && s[pos] == ':') {
        ++pos;
        if (!digits(s, pos, 2, second)) return bad("is not ISO-8601 (expected two digits of seconds)");
    }
    if (hour > 23 || minute > 59 || second > 59) return bad("has no such time of day");
    double fraction = 0;
    if (pos < s.size() && s[pos] == '.') {
        ++pos;
        double scale = 0.1;
        size_t n = 0;
        while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
            if (n < 9) fraction += (s[pos] - '0') * scale;
            scale /= 10;
            ++pos;
            ++n;
        }
        if (n == 0) return bad("has a '.' without fractional seconds");
    }
    seconds += hour * 3600.0 + minute * 60.0 + second + fraction;
    if (pos >= s.size()) return bad("has no time zone (add 'Z' for UTC or an offset like +04:30)");
    const char zone = s[pos++];
    if (zone == 'Z' || zone == 'z') {
        if (pos != s.size()) return bad("has text after the time zone");
        return seconds;
    }
    if (zone != '+' && zone != '-') return bad("has no time zone (add 'Z' for UTC or an offset like +04:30)");
    int offH = 0, offM = 0;
    if (!digits(s, pos, 2, offH)) return bad("has a malformed UTC offset");
    if (pos < s.size() && s[pos] == ':') ++pos;
    if (!digits(s, pos, 2, offM) || pos != s.size() || offH > 23 || offM > 59)
        return bad("has a malformed UTC offset (expected ±HH:MM)");
    const double offset = (offH * 3600.0 + offM * 60.0) * (zone == '+' ? 1 : -1);
    const double t = seconds - offset;
    if (t < kMinTime || t >= kMaxTime) return bad("is outside years 0000..9999 in UTC");
    return t;
}

std::string formatStoryTime(StoryTime t) {
    if (!std::isfinite(t) || t < kMinTime || t >= kMaxTime) return "(invalid time)";
    const int64_t micros = std::llround(t * 1e6);
    const int64_t perDay = int64_t(86400) * 1000000;
    int64_t days = micros / perDay, rest = micros % perDay;
    if (rest < 0) {
        rest += perDay;
        --days;
    }
    int64_t y = 0;
    int m = 0, d = 0;
    civilFromDays(days, y, m, d);
    const int64_t secs = rest / 1000000, frac = rest % 1000000;
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d", int(y), m, d, int(secs / 3600), int(secs / 60 % 60),
                  int(secs % 60));
    std::string out = buf;
    if (frac) {
        std::snprintf(buf, sizeof buf, ".%06d", int(frac));
        std::string f = buf;
        while (f.back() == '0') f.pop_back();
        out += f;
    }
    return out + "Z";
}

std::string formatStoryDate(StoryTime t) {
    if (!std::isfinite(t) || t < kMinTime || t >= kMaxTime) return "(invalid date)";
    static constexpr const char* kMonths[] = {"January", "February", "March",     "April",   "May",      "June",
                                              "July",    "August",   "September", "October", "November", "December"};
    int64_t y = 0;
    int m = 0, d = 0;
    civilFromDays(int64_t(std::floor(t / 86400.0)), y, m, d);
    return std::to_string(d) + " " + kMonths[m - 1] + " " + std::to_string(y);
}

StoryTime storyTimeAt(const StoryClock& clock, double presentationSeconds) {
    if (!(clock.seconds > 0)) return clock.start;
    const double u = std::clamp(presentationSeconds / clock.seconds, 0.0, 1.0);
    return clock.start + (clock.end - clock.start) * u;
}

double presentationSecondsAt(const StoryClock& clock, StoryTime t) {
    if (!(clock.end > clock.start)) return 0;
    return std::clamp((t - clock.start) / (clock.end - clock.start), 0.0, 1.0) * clock.seconds;
}

ClampedStoryTime clampToStoryClock(const StoryClock& clock, StoryTime requested, const std::string& storyName) {
    if (requested >= clock.start && requested <= clock.end) return {requested, std::nullopt};
    const bool before = requested < clock.start;
    const StoryTime used = before ? clock.start : clock.end;
    return {used, "--time " + formatStoryTime(requested) + " is " + (before ? "before" : "after") + " the story " +
                      storyName + " (" + formatStoryTime(clock.start) + " .. " + formatStoryTime(clock.end) +
                      "), which would show no areas and no caption: clamped, rendering at its " +
                      (before ? "start " : "end ") + formatStoryTime(used) + " instead"};
}

}  // namespace fl::story
