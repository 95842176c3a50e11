// `frontline record`: the story's shot, frame by frame, into sequences or a clip (record/frame_writer.h).
// Frame n is a function of (document, n, fps, size, options) alone: its instant is n / fps exactly on the
// story's one timeline (compose/timeline.h), labels are placed afresh (no continuity between frames), and it is
// drawn only once every tile it needs is resident and uploaded. So runs split by --frames give the same files.
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <filesystem>

#include "commands.h"
#include "compose/timeline.h"
#include "record/frame_writer.h"
#include "record/job_script.h"
#include "session.h"
#include "terrain/tile_id.h"

namespace fl::app {

namespace {

volatile std::sig_atomic_t g_interrupted = 0;

// Ctrl-C: finish the frame being drawn, then stop; a second Ctrl-C ends the process at once.
void onInterrupt(int) {
    g_interrupted = 1;
    std::signal(SIGINT, SIG_DFL);
}

// Everything checked before the device opens: a bad option costs no GPU start-up.
struct RecordPlan {
    record::WriterOptions writer;
    record::FrameRange frames;
    bool wholeShot = true;
};

Result<RecordPlan> plan(const Command& cmd, const story::Story* story) {
    const RecordOptions& r = cmd.record;
    RecordPlan p;
    auto format = record::parseFormat(r.format);
    if (!format) return format.error();
    auto rate = timecode::parseFrameRate(r.fps);
    if (!rate) return Error{"--fps: " + rate.error().message};
    p.writer.format = *format;
    p.writer.rate = *rate;
    p.writer.width = cmd.render.size.width;
    p.writer.height = cmd.render.size.height;
    if (!r.startTimecode.empty()) {
        auto tc = timecode::parse(r.startTimecode, *rate);
        if (!tc) return Error{"--start-timecode: " + tc.error().message};
        p.writer.startTimecodeFrame = *tc;
    }
    if (cmd.render.out.empty()) return Error{"--out: needs a folder, a pattern with #### or a .mov file"};
    p.writer.out = cmd.render.out;
    const std::string& out = cmd.render.out;
    if (*format == record::Format::ProRes && (out.size() < 4 || out.compare(out.size() - 4, 4, ".mov") != 0))
        return Error{"--out: a ProRes clip is a QuickTime file: name it *.mov"};
    if (r.resume && !record::isSequence(*format))
        return Error{"--resume: a clip is written whole; resume works with png, png16 and exr sequences"};
    if (!story) return Error{"record needs a story (not `--story none`)"};
    if (!story->camera && !cmd.render.camera)
        return Error{cmd.common.storyPath + ": the story has no camera track (\"camera\"); give --view or --camera"};
    const record::FrameRange all = record::framesOf(compose::timelineDuration(*story), *rate);
    p.frames = all;
    if (r.frames) {
        auto range = record::parseFrameRange(*r.frames);
        if (!range) return range.error();
        if (range->last > all.last)
            return Error{"--frames: " + *r.frames + " goes past the shot's last frame, " + std::to_string(all.last) +
                         " (" + std::to_string(all.count()) + " frames at " + rate->name() + " fps)"};
        p.frames = *range;
        p.wholeShot = false;
    }
    p.writer.firstFrame = p.frames.first;
    return p;
}

// The camera and story time of one instant; --view or --camera replace the track's camera.
struct Instant {
    CameraPose pose;
    double storyTime = 0;
};

Result<Instant> instantAt(const Session& s, const Command& cmd, const Look& look, double seconds) {
    const story::Story& story = s.document->story();
    const compose::TimelineFrame f = compose::timelineAt(story, seconds, drawnGround(s.scene, look.exaggeration));
    Instant out;
    out.storyTime = f.storyTime;
    if (cmd.render.camera) {
        auto pose = scene::checkedPose(*cmd.render.camera, s.scene.geoidModel(), "--view/--camera");
        if (!pose) return pose.error();
        out.pose = *pose;
        return out;
    }
    auto pose = trackPose(s.scene, *f.camera, seconds);
    if (!pose) return pose.error();
    out.pose = *pose;
    return out;
}

struct FrameReport {
    int64_t frame = 0;
    double seconds = 0, storyTime = 0;
    size_t tilesWaited = 0;
    double waitMs = 0, renderMs = 0, encodeMs = 0;
    bool degraded = false, skipped = false;
    std::vector<std::string> missing;  // tiles named when degraded
};

double msSince(std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count();
}

// Draws frame n: `samples` sub-frames spread over the shutter around n / fps, averaged in float. Each sub-frame
// waits for full detail; the report says how long and whether any came out degraded.
Result<output::ImageRgbaF> drawFrame(Session& s, const Command& cmd, const RecordPlan& p, int64_t n,
                                     FrameReport& report) {
    const RecordOptions& r = cmd.record;
    render::RenderSettings settings = frameSettings(cmd.common, &*s.document);
    settings.labelContinuity = false;  // a frame must not depend on the frames drawn before it in this run
    if (r.alpha || r.graphicsOnly) {
        settings.sky = false;
        settings.clearColor = {0, 0, 0, 0};
    }
    settings.graphicsOnly = r.graphicsOnly;
    const auto timeout = std::chrono::milliseconds(int64_t(r.timeoutSeconds * 1000));
    output::ImageRgbaF sum;
    const auto started = std::chrono::steady_clock::now();
    for (int i = 0; i < r.samples; ++i) {
        // Centred on the frame's instant: sample i at (i + 0.5) / N of the open shutter.
        const double offset = r.samples == 1 ? 0.0 : (r.shutter / 360.0) * ((i + 0.5) / r.samples - 0.5);
        const double seconds = (double(n) + offset) * double(p.writer.rate.den) / double(p.writer.rate.num);
        auto instant = instantAt(s, cmd, settings, seconds);
        if (!instant) return instant.error();
        if (i == 0 || r.samples == 1) {
            report.seconds = seconds;
            report.storyTime = instant->storyTime;
        }
        const render::FrameContent content = frameContent(&*s.document, instant->storyTime, settings);
        s.renderer->render({instant->pose, p.writer.width, p.writer.height, settings}, content, timeout);
        const render::DetailWait& wait = s.renderer->lastWait();
        report.tilesWaited += wait.tilesWaitedFor;
        report.waitMs += wait.waitMs;
        const terrain::Readiness& ready = s.renderer->lastReadiness();
        if (!ready.resolved) {
            report.degraded = true;
            for (const auto& t : ready.missing) report.missing.push_back(terrain::toString(t));
            for (const auto& [t, e] : ready.failed)
                report.missing.push_back(terrain::toString(t) + " (" + e.message + ")");
        }
        const output::ImageRgbaF& f = s.renderer->lastFloatFrame();
        if (i == 0)
            sum = f;
        else
            for (size_t k = 0; k < sum.pixels.size(); ++k) sum.pixels[k] += f.pixels[k];
    }
    if (r.samples > 1)
        for (float& v : sum.pixels) v /= float(r.samples);
    report.renderMs = msSince(started) - report.waitMs;
    return sum;
}

std::string jsonLine(const FrameReport& f, const record::FrameWriter& w, const timecode::FrameRate& rate,
                     int64_t startTc) {
    char text[512];
    std::snprintf(text, sizeof text,
                  "{\"frame\":%lld,\"timecode\":\"%s\",\"seconds\":%.6f,\"storyTime\":\"%s\",\"file\":\"%s\","
                  "\"skipped\":%s,\"tilesWaited\":%zu,\"waitMs\":%.1f,\"renderMs\":%.1f,\"encodeMs\":%.1f,"
                  "\"degraded\":%s}",
                  static_cast<long long>(f.frame), timecode::format(startTc + f.frame, rate).c_str(), f.seconds,
                  story::formatStoryTime(f.storyTime).c_str(), w.pathOf(f.frame).c_str(), f.skipped ? "true" : "false",
                  f.tilesWaited, f.waitMs, f.renderMs, f.encodeMs, f.degraded ? "true" : "false");
    return text;
}

// The command line a farm task runs: this one, less the job options, with its own --frames and --resume (a
// requeued task continues where it stopped).
std::vector<std::string> jobCommandLine(const Command& cmd) {
    std::vector<std::string> out{"record"};
    const std::vector<std::string>& a = cmd.args;
    for (size_t i = 1; i < a.size(); ++i) {
        if (a[i] == "--job" || a[i] == "--chunk" || a[i] == "--frames") {
            ++i;
            continue;
        }
        if (a[i].rfind("--job=", 0) == 0 || a[i].rfind("--chunk=", 0) == 0 || a[i].rfind("--frames=", 0) == 0 ||
            a[i] == "--resume")
            continue;
        out.push_back(a[i]);
    }
    return out;
}

std::string missingList(const std::vector<std::string>& tiles) {
    std::string out;
    for (size_t i = 0; i < tiles.size() && i < 8; ++i) out += (i ? ", " : "") + tiles[i];
    if (tiles.size() > 8) out += " and " + std::to_string(tiles.size() - 8) + " more";
    return out;
}

// One size of `bench record`: `count` consecutive frames of the shot after a warm-up frame (the JIT), split into
// waiting for detail, rendering and PNG encoding, and one `render`-style still (RGBA8 target, cold streamer) of
// the same instant for comparison.
struct BenchRow {
    ImageSize size;
    int frames = 0;
    double fps = 0, waitMs = 0, renderMs = 0, encodeMs = 0, tiles = 0, stillMs = 0;
    std::string error;
};

BenchRow benchSize(Session& s, const Command& base, ImageSize size, int64_t first, int count,
                   const std::filesystem::path& dir) {
    Command cmd = base;
    cmd.render.size = size;
    cmd.render.out = dir.string();
    auto p = plan(cmd, &s.document->story());
    if (!p) return {size, 0, 0, 0, 0, 0, 0, 0, p.error().message};
    auto writer = record::openFrameWriter(p->writer);
    if (!writer) return {size, 0, 0, 0, 0, 0, 0, 0, writer.error().message};
    FrameReport warm;
    (void)drawFrame(s, cmd, *p, first - 1, warm);
    double wait = 0, render = 0, encode = 0, tiles = 0;
    const auto started = std::chrono::steady_clock::now();
    for (int64_t n = first; n < first + count; ++n) {
        FrameReport r;
        auto image = drawFrame(s, cmd, *p, n, r);
        if (!image) return {size, 0, 0, 0, 0, 0, 0, 0, image.error().message};
        const auto t = std::chrono::steady_clock::now();
        (void)(*writer)->write(n, *image);
        encode += msSince(t);
        wait += r.waitMs;
        render += r.renderMs;
        tiles += double(r.tilesWaited);
    }
    const double totalMs = msSince(started);
    // The still: a fresh RGBA8 renderer, as `frontline render` makes one, at the first frame's instant.
    auto still = render::OffscreenRenderer::create(*s.ctx, s.scene, render::ColorTarget::Rgba8);
    double stillMs = 0;
    if (still) {
        render::RenderSettings settings = frameSettings(cmd.common, &*s.document);
        const double seconds = p->writer.rate.seconds(first);
        auto instant = instantAt(s, cmd, settings, seconds);
        if (instant) {
            const auto t = std::chrono::steady_clock::now();
            const output::ImageRgba8 image = (*still)->render({instant->pose, size.width, size.height, settings},
                                                              frameContent(&*s.document, instant->storyTime, settings));
            (void)output::writePng((dir / "still.png").string(), image);
            stillMs = msSince(t);
        }
    }
    BenchRow row;
    row.size = size;
    row.frames = count;
    row.fps = count / (totalMs / 1000.0);
    row.waitMs = wait / count;
    row.renderMs = render / count;
    row.encodeMs = encode / count;
    row.tiles = tiles / count;
    row.stillMs = stillMs;
    return row;
}

}  // namespace

int runBenchRecord(const Command& base, const std::vector<std::string>& args) {
    bool json = false, quick = false;
    for (const std::string& a : args) {
        if (a == "--json")
            json = true;
        else if (a == "--quick")
            quick = true;
        else {
            printError("bench record: unknown option '" + a + "' (known: --json, --quick)");
            return kExitUsage;
        }
    }
    Command cmd = base;
    cmd.common.storyPath = CommonOptions{}.storyPath;
    auto session = openSession(cmd.common, render::ColorTarget::Rgba16f);
    if (!session) {
        printError(session.error().message);
        return kExitError;
    }
    std::error_code ec;
    const std::filesystem::path dir =
        std::filesystem::temp_directory_path() / ("frontline-bench-record-" + std::to_string(::getpid()));
    // Frames 300.. at 25 fps: the fly-in, where every frame needs tiles the one before did not.
    for (ImageSize size : {ImageSize{1280, 720}, ImageSize{1920, 1080}}) {
        const BenchRow r = benchSize(**session, cmd, size, 300, quick ? 2 : 6, dir);
        if (!r.error.empty()) {
            printError("bench record: " + r.error);
            return kExitError;
        }
        if (json)
            std::printf(
                "{\"metric\":\"record\",\"size\":\"%dx%d\",\"frames\":%d,\"fps\":%.4g,\"wait_ms\":%.1f,"
                "\"render_ms\":%.1f,\"encode_png_ms\":%.1f,\"tiles_waited_per_frame\":%.1f,\"still_ms\":%.1f}\n",
                r.size.width, r.size.height, r.frames, r.fps, r.waitMs, r.renderMs, r.encodeMs, r.tiles, r.stillMs);
        else
            std::printf(
                "%dx%d: %.3f frames/s over %d frames; per frame: waiting for detail %.0f ms (%.1f tiles), "
                "rendering %.0f ms, PNG encoding %.0f ms; one `render` still: %.0f ms\n",
                r.size.width, r.size.height, r.fps, r.frames, r.waitMs, r.tiles, r.renderMs, r.encodeMs, r.stillMs);
        std::fflush(stdout);
    }
    std::filesystem::remove_all(dir, ec);
    return kExitOk;
}

int runRecord(const Command& cmd) {
    const RecordOptions& r = cmd.record;
    // The story first (cheap), so that every bad input is exit 2 before the device starts.
    std::optional<document::Document> doc;
    if (!cmd.common.storyPath.empty()) {
        auto loaded = document::Document::load(cmd.common.storyPath);
        if (!loaded) {
            printError(loaded.error().message);
            return kExitUsage;
        }
        doc.emplace(std::move(loaded).value());
    }
    auto p = plan(cmd, doc ? &doc->story() : nullptr);
    if (!p) {
        printError(p.error().message);
        return kExitUsage;
    }
    if (!r.job.empty()) {
        if (!record::isSequence(p->writer.format)) {
            printError(
                "--job: a clip cannot be split across tasks; record png16 or exr on the farm (or prores on one "
                "machine)");
            return kExitUsage;
        }
        std::error_code ec;
        const std::string exe = std::filesystem::read_symlink("/proc/self/exe", ec).string();
        // Relative paths in the command line are the submitting folder's: the script runs from there (sbatch
        // keeps the submit directory; an OpenJD worker needs a shared path).
        auto script = record::writeJobScript(r.job, p->frames, r.chunk, cmd.render.out, exe, jobCommandLine(cmd));
        if (!script) {
            printError(script.error().message);
            return kExitUsage;
        }
        std::printf("%s\n", script->c_str());
        return kExitOk;
    }
    auto writer = record::openFrameWriter(p->writer);
    if (!writer) {
        printError(writer.error().message);
        return kExitUsage;
    }
    auto session = openSession(cmd.common, render::ColorTarget::Rgba16f);
    if (!session) {
        printError(session.error().message);
        return kExitError;
    }
    Session& s = **session;
    g_interrupted = 0;
    std::signal(SIGINT, onInterrupt);
    std::signal(SIGTERM, onInterrupt);
    const bool tty = ::isatty(STDERR_FILENO);
    const auto runStart = std::chrono::steady_clock::now();
    int64_t drawn = 0, degradedFrames = 0;
    int exitCode = kExitOk;
    for (int64_t n = p->frames.first; n <= p->frames.last; ++n) {
        if (g_interrupted) {
            std::fprintf(stderr, "\nfrontline: interrupted: frames %lld..%lld are complete%s\n",
                         static_cast<long long>(p->frames.first), static_cast<long long>(n - 1),
                         record::isSequence(p->writer.format) ? "; run again with --resume to continue"
                                                              : "; the clip was not finished and is not kept");
            exitCode = 130;
            break;
        }
        FrameReport report;
        report.frame = n;
        if (r.resume && (*writer)->complete(n)) {
            report.skipped = true;
            if (r.json)
                std::printf("%s\n", jsonLine(report, **writer, p->writer.rate, p->writer.startTimecodeFrame).c_str());
            continue;
        }
        auto image = drawFrame(s, cmd, *p, n, report);
        if (!image) {
            printError(image.error().message);
            exitCode = kExitError;
            break;
        }
        if (report.degraded && !cmd.render.allowDegraded) {
            char after[32];
            std::snprintf(after, sizeof after, "%g", r.timeoutSeconds);
            printError("frame " + std::to_string(n) + " is not at full detail after " + after +
                       " s (--timeout): tiles " + missingList(report.missing) +
                       "; nothing was written for it (--allow-degraded records it anyway)");
            exitCode = kExitDegraded;
            break;
        }
        const auto encodeStart = std::chrono::steady_clock::now();
        if (Status st = (*writer)->write(n, *image); !st) {
            printError(st.error().message);
            exitCode = kExitError;
            break;
        }
        report.encodeMs = msSince(encodeStart);
        ++drawn;
        if (report.degraded) {
            ++degradedFrames;
            std::fprintf(stderr, "%sfrontline: warning: frame %lld recorded degraded (--allow-degraded): tiles %s\n",
                         tty ? "\n" : "", static_cast<long long>(n), missingList(report.missing).c_str());
        }
        if (r.json) {
            std::printf("%s\n", jsonLine(report, **writer, p->writer.rate, p->writer.startTimecodeFrame).c_str());
            std::fflush(stdout);
        }
        const double elapsed = msSince(runStart) / 1000.0, fps = drawn / std::max(elapsed, 1e-9);
        const double eta = double(p->frames.last - n) / std::max(fps, 1e-9);
        std::fprintf(stderr,
                     "%sframe %lld/%lld %s  waited %zu tiles %.0f ms, render %.0f ms, encode %.0f ms  %.2f fps  ETA "
                     "%.0f s%s",
                     tty ? "\r" : "frontline: ", static_cast<long long>(n), static_cast<long long>(p->frames.last),
                     timecode::format(p->writer.startTimecodeFrame + n, p->writer.rate).c_str(), report.tilesWaited,
                     report.waitMs, report.renderMs, report.encodeMs, fps, eta, tty ? "   " : "\n");
    }
    if (tty) std::fputc('\n', stderr);
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
    if (exitCode == kExitOk) {
        if (Status st = (*writer)->finish(); !st) {
            printError(st.error().message);
            return kExitError;
        }
        std::printf("%s\n",
                    record::isSequence(p->writer.format) ? p->writer.out.c_str() : (*writer)->pathOf(0).c_str());
    }
    if (degradedFrames > 0)
        std::fprintf(stderr, "frontline: warning: %lld frame(s) recorded below full detail\n",
                     static_cast<long long>(degradedFrames));
    if (s.ctx->validationErrors() > 0) {
        printError(std::to_string(s.ctx->validationErrors()) + " Vulkan validation error(s) (see messages above)");
        return kExitError;
    }
    return exitCode;
}

}  // namespace fl::app
