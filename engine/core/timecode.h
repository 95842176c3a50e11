// core/timecode.h — frame rates as exact rationals and SMPTE timecode.
// Owns: the broadcast rates (25, 30000/1001, 50, 60000/1001 and the integer film/web rates), frame <-> time
// without floating-point drift, and frame <-> "HH:MM:SS:FF" (non-drop) or "HH:MM:SS;FF" (drop-frame, the
// only timecode that stays on the wall clock at 29.97 and 59.94). Timecodes wrap at 24 hours.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"

namespace fl::timecode {

struct FrameRate {
    int64_t num = 25, den = 1;  // frames per second = num / den, reduced

    // 30 for 30000/1001, 60 for 60000/1001: the frame count a timecode second holds.
    int nominal() const;
    // 29.97 and 59.94 count in drop-frame timecode (SMPTE 12M); every other rate counts every frame.
    bool dropFrame() const;
    double fps() const { return double(num) / double(den); }
    // Presentation seconds of frame n's start, exact up to the one final division.
    double seconds(int64_t frame) const { return double(frame * den) / double(num); }
    // "29.97", "25", "59.94": how a user names it.
    std::string name() const;

    bool operator==(const FrameRate&) const = default;
};

// "25", "50", "24", "30", "60", "29.97", "59.94", "23.976", or an exact "30000/1001". Other rates are an error
// naming the accepted ones: a recorder must not round 29.97 to 30 behind the user's back.
Result<FrameRate> parseFrameRate(std::string_view text);

// Frames in 24 hours of timecode at this rate (drop-frame: 2589408 at 29.97).
int64_t framesPerDay(const FrameRate& rate);

// Frame number (from 00:00:00:00) -> timecode; negative frames and frames past 24 h wrap around the day.
std::string format(int64_t frame, const FrameRate& rate);

// "HH:MM:SS:FF" or "HH:MM:SS;FF" (';', '.' or ',' before the frames all mean drop-frame, ':' non-drop) ->
// frame number at `rate`. Errors name the text: fields out of range, drop-frame at a rate without it, or a
// frame number that drop-frame skips (00:01:00;00 does not exist at 29.97).
Result<int64_t> parse(std::string_view text, const FrameRate& rate);

}  // namespace fl::timecode
