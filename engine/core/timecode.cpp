#include "core/timecode.h"

#include <cstdio>
#include <numeric>

namespace fl::timecode {

namespace {

FrameRate reduced(int64_t num, int64_t den) {
    const int64_t g = std::gcd(num, den);
    return {num / g, den / g};
}

// Frame numbers drop-frame skips at the start of each minute but every tenth: 2 at 29.97, 4 at 59.94.
int droppedPerMinute(const FrameRate& rate) {
    return rate.dropFrame() ? rate.nominal() / 15 : 0;
}

}  // namespace

int FrameRate::nominal() const {
    return int((num + den - 1) / den);  // ceil: 30000/1001 counts 30 frames to a timecode second
}

bool FrameRate::dropFrame() const {
    return den == 1001 && (num == 30000 || num == 60000);
}

std::string FrameRate::name() const {
    if (den == 1) return std::to_string(num);
    char text[32];
    std::snprintf(text, sizeof text, "%.3f", fps());
    std::string s = text;
    while (s.back() == '0') s.pop_back();  // 29.970 -> 29.97, 23.976 stays
    return s;
}

Result<FrameRate> parseFrameRate(std::string_view text) {
    static const struct {
        const char* name;
        int64_t num, den;
    } known[] = {{"23.976", 24000, 1001},
                 {"24", 24, 1},
                 {"25", 25, 1},
                 {"29.97", 30000, 1001},
                 {"30", 30, 1},
                 {"50", 50, 1},
                 {"59.94", 60000, 1001},
                 {"60", 60, 1},
                 {"24000/1001", 24000, 1001},
                 {"30000/1001", 30000, 1001},
                 {"60000/1001", 60000, 1001}};
    for (const auto& k : known)
        if (text == k.name) return reduced(k.num, k.den);
    return Error{"unknown frame rate '" + std::string(text) +
                 "' (known: 23.976, 24, 25, 29.97, 30, 50, 59.94, 60, or 30000/1001 style)"};
}

int64_t framesPerDay(const FrameRate& rate) {
    const int64_t nominalDay = int64_t(rate.nominal()) * 86400;
    // Drop-frame skips `drop` numbers in 54 of every 60 minutes: 24 * 54 minutes a day.
    return nominalDay - int64_t(droppedPerMinute(rate)) * 24 * 54;
}

std::string format(int64_t frame, const FrameRate& rate) {
    const int64_t day = framesPerDay(rate);
    frame %= day;
    if (frame < 0) frame += day;
    const int64_t fps = rate.nominal();
    const int64_t drop = droppedPerMinute(rate);
    if (drop > 0) {
        // Renumber: add back the numbers skipped so far, then count as if every number existed.
        const int64_t perTenMinutes = fps * 600 - 9 * drop;
        const int64_t perMinute = fps * 60 - drop;
        const int64_t tens = frame / perTenMinutes, rest = frame % perTenMinutes;
        frame += 9 * drop * tens + (rest > drop ? drop * ((rest - drop) / perMinute) : 0);
    }
    char text[32];
    std::snprintf(text, sizeof text, "%02d:%02d:%02d%c%02d", int(frame / (fps * 3600)), int(frame / (fps * 60) % 60),
                  int(frame / fps % 60), drop > 0 ? ';' : ':', int(frame % fps));
    return text;
}

Result<int64_t> parse(std::string_view text, const FrameRate& rate) {
    auto bad = [&](const std::string& why) { return Error{"timecode '" + std::string(text) + "': " + why}; };
    int f[4];
    if (text.size() != 11) return bad("expected HH:MM:SS:FF (or HH:MM:SS;FF for drop-frame)");
    for (int i = 0; i < 4; ++i) {
        const char a = text[i * 3], b = text[i * 3 + 1];
        if (a < '0' || a > '9' || b < '0' || b > '9')
            return bad("expected HH:MM:SS:FF (or HH:MM:SS;FF for drop-frame)");
        f[i] = (a - '0') * 10 + (b - '0');
        if (i < 3 && text[i * 3 + 2] != ':' && !(i == 2 && (text[8] == ';' || text[8] == '.' || text[8] == ',')))
            return bad("expected HH:MM:SS:FF (or HH:MM:SS;FF for drop-frame)");
    }
    const bool dropText = text[8] != ':';
    const int fps = rate.nominal();
    if (f[0] > 23 || f[1] > 59 || f[2] > 59) return bad("hours 0..23, minutes and seconds 0..59");
    if (f[3] >= fps) return bad("frames 0.." + std::to_string(fps - 1) + " at " + rate.name() + " fps");
    if (dropText != rate.dropFrame())
        return bad(rate.dropFrame() ? "29.97 and 59.94 count in drop-frame timecode: write HH:MM:SS;FF"
                                    : "drop-frame (';') exists only at 29.97 and 59.94; write HH:MM:SS:FF at " +
                                          rate.name() + " fps");
    const int drop = droppedPerMinute(rate);
    if (drop > 0 && f[2] == 0 && f[1] % 10 != 0 && f[3] < drop)
        return bad("drop-frame skips frames 00.." + std::to_string(drop - 1) + " at the start of this minute");
    const int64_t minutes = int64_t(f[0]) * 60 + f[1];
    return (minutes * 60 + f[2]) * fps + f[3] - int64_t(drop) * (minutes - minutes / 10);
}

}  // namespace fl::timecode
