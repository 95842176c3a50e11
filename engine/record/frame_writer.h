// record/frame_writer.h — what the recorder writes frames into, one format each.
// Owns: the output formats (PNG 8/16-bit sequences, OpenEXR half RGBA, ProRes 4444 in QuickTime), the frame
// ranges a job is split by, the names of sequence files, and what "already complete" means for --resume.
// Every file reaches its final name only by a rename of a finished temporary, so a name that exists is a
// whole frame (or a whole clip). Frames come in as the float target holds them: sRGB-encoded colour,
// straight alpha (render/frame_target.h).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "core/result.h"
#include "core/timecode.h"
#include "output/image.h"

namespace fl::record {

enum class Format { Png, Png16, Exr, ProRes };
// "png", "png16", "exr", "prores"; an error lists them.
Result<Format> parseFormat(const std::string& name);
const char* formatName(Format f);
bool isSequence(Format f);  // one file per frame (resumable, splittable into ranges of files)

// Frames first..last, inclusive.
struct FrameRange {
    int64_t first = 0, last = 0;
    int64_t count() const { return last - first + 1; }
};
// "A-B" (inclusive, A <= B) or "N" (one frame). Errors: "--frames: '9-3' is an inverted range".
Result<FrameRange> parseFrameRange(const std::string& text);
// Every frame that starts before `seconds` at `rate`: 0..ceil(seconds * fps) - 1 (600 frames for 20 s at 29.97).
FrameRange framesOf(double seconds, const timecode::FrameRate& rate);

struct WriterOptions {
    Format format = Format::Png;
    // Sequences: a path whose run of '#' is the zero-padded frame number ("out/shot.####.png"); without one,
    // a folder that receives "frame.######.EXT". ProRes: the .mov file.
    std::string out;
    timecode::FrameRate rate;
    int64_t startTimecodeFrame = 0;  // timecode of frame 0 (--start-timecode), as a frame number at `rate`
    int width = 0, height = 0;
    int64_t firstFrame = 0;  // the first frame of this run (the clip's first for ProRes)
};

class FrameWriter {
public:
    virtual ~FrameWriter() = default;
    // Writes frame `frame` (already complete on the host). Errors name the file.
    virtual Status write(int64_t frame, const output::ImageRgbaF& image) = 0;
    // True when frame `frame` is already there whole (--resume skips it). Always false for a clip.
    virtual bool complete(int64_t frame) const = 0;
    // Closes the output; for a clip, renames the finished temporary to its name.
    virtual Status finish() = 0;
    // Where frame `frame` goes (the clip's path for ProRes).
    virtual std::string pathOf(int64_t frame) const = 0;
};

// Checks the output location first (an unwritable folder is an error naming it, before any frame is drawn).
Result<std::unique_ptr<FrameWriter>> openFrameWriter(const WriterOptions& options);

// The sequence file of `frame` for an out pattern (see WriterOptions::out) and extension ("png", "exr").
std::string sequencePath(const std::string& out, int64_t frame, const std::string& extension);

// sRGB-encoded value -> linear light (the EXR path: OpenEXR holds scene-linear values).
float srgbToLinear(float v);

}  // namespace fl::record
