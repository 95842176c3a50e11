// `frontline bench soak`: memory over a long run of the window's frame loop, without the window. Issue 12 saw
// the window grow by ~0.4 MB a frame (185 -> 654 MB over ~690 idle frames). This plays the default story (its
// time advancing, looping at the end) while the camera orbits, through the frame loop the window uses (two
// frames in flight, the composer and playhead, setContent/prepare/recordTransfers, recordFrame) into an
// offscreen target, and prints the resident set size at the start, after the warm-up and at the end, with
// the drift after the warm-up. The goal is a drift of at most 5 % over 10 000 frames.
#include <malloc.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "args.h"
#include "bench.h"
#include "bench_timing.h"
#include "commands.h"
#include "compose/compose.h"
#include "compose/playhead.h"
#include "core/parse.h"
#include "gpu/context.h"
#include "gpu/frames.h"
#include "orbit_controller.h"
#include "render/frame_target.h"
#include "render/render_pass.h"
#include "render/scene_renderer.h"
#include "scene/views.h"
#include "session.h"
#include "terrain/tile_streamer.h"

namespace fl::app {

std::string soakBenchUsage() {
    return "usage: frontline bench soak [--json] [--frames N] [--warmup N] [--size WxH]\n"
           "\n"
           "Plays the default story (time advancing, looping) with the camera orbiting Spin Boldak, through the\n"
           "window's frame loop into an offscreen target, and reports the resident set size (RSS) at the start,\n"
           "after the warm-up and at the end, and the drift after the warm-up (goal: at most 5 %). Needs a\n"
           "Vulkan device.\n"
           "\n"
           "  --json           one JSON object per line, each with a \"metric\" key\n"
           "  --frames N       frames in all, warm-up included (default 2000)\n"
           "  --warmup N       frames before the reference sample (default: a tenth of --frames, at least one\n"
           "                   turn of the camera and one pass of the story, at most half of --frames)\n"
           "  --size WxH       frame size (default 160x90)\n";
}

namespace {

struct SoakOptions {
    bool json = false;
    int frames = 2000;
    int warmup = -1;  // -1: see soakWarmup()
    ImageSize size{160, 90};
};

Result<int> parseCount(const std::string& name, const std::string& value, int min) {
    auto n = parseDouble(value, name);
    if (!n || *n < min || *n > 1e8 || *n != std::floor(*n))
        return Error{"bench soak: " + name + ": '" + value + "' is not a count of " + std::to_string(min) +
                     "..100000000"};
    return int(*n);
}

Result<SoakOptions> parseSoak(const std::vector<std::string>& args) {
    SoakOptions o;
    ArgParser p("bench soak: ", "bench");
    p.flag("--json", [&] { o.json = true; });
    p.option("--frames", "N", [&](const std::string& v) -> Status {
        auto n = parseCount("--frames", v, 1);
        if (!n) return n.error();
        o.frames = *n;
        return Ok{};
    });
    p.option("--warmup", "N", [&](const std::string& v) -> Status {
        auto n = parseCount("--warmup", v, 0);
        if (!n) return n.error();
        o.warmup = *n;
        return Ok{};
    });
    p.option("--size", "WxH", [&](const std::string& v) -> Status {
        auto size = parseImageSize(v);
        if (!size) return Error{"bench soak: " + size.error().message};
        o.size = *size;
        return Ok{};
    });
    if (Status s = p.parse(args); !s) return s.error();
    return o;
}

// The camera turns by kOrbitPxPerFrame * 0.25 degrees a frame (OrbitController::orbit), and the story plays at
// kStoryFps: caches fill (tiles of every side, labels and fields of every story time) during the first turn and
// the first pass of the story, so the reference sample comes after both.
constexpr double kOrbitPxPerFrame = 4.0;
constexpr double kStoryFps = 30.0;

int soakWarmup(const SoakOptions& o, double storySeconds) {
    if (o.warmup >= 0) return std::min(o.warmup, o.frames);
    const int turn = int(std::ceil(360.0 / (kOrbitPxPerFrame * 0.25)));
    const int story = int(std::ceil(storySeconds * kStoryFps));
    return std::min(std::max({o.frames / 10, turn, story}), o.frames / 2);
}

// What the process holds: resident pages (the measure) and the bytes malloc has handed out and not
// had back (growth there is an allocation someone keeps; RSS growth without it is the allocator or mappings).
struct MemorySample {
    int frame = 0;
    double rssMb = 0;
    double heapMb = 0;
};

MemorySample sampleMemory(int frame) {
    MemorySample s;
    s.frame = frame;
    std::ifstream status("/proc/self/status");
    for (std::string line; std::getline(status, line);)
        if (line.rfind("VmRSS:", 0) == 0) s.rssMb = std::stod(line.substr(6)) / 1024.0;
    const struct mallinfo2 m = mallinfo2();  // every arena; hblkhd: the blocks malloc mmapped on its own
    s.heapMb = double(m.uordblks + m.hblkhd) / (1024.0 * 1024.0);
    return s;
}

// The window's frame loop without the window: two frames in flight into one offscreen target (the GPU work of
// the two never overlaps in time here: the pass orders the writes, as the swapchain's shared depth does).
class SoakLoop {
public:
    static Result<std::unique_ptr<SoakLoop>> create(gpu::Context& ctx, StoryScene& loaded, ImageSize size);
    ~SoakLoop() { m_ctx.waitIdle(); }  // the renderer dies before the frame ring, which would wait too late
    void frame(const CameraPose& pose, double seconds);
    double storySeconds() const { return m_playhead.duration(); }
    // Decoded tiles held in host memory (MB), one of our caches that legitimately grows while new ground is seen;
    // bounded by the streamer's budget.
    double tileCacheMb() const {
        const terrain::TileStreamer* s = m_renderer->streamer();
        return s ? double(s->stats().cpuBytes) / (1024.0 * 1024.0) : 0.0;
    }

private:
    SoakLoop(gpu::Context& ctx, StoryScene& loaded) : m_ctx(ctx), m_loaded(loaded) {}

    gpu::Context& m_ctx;
    StoryScene& m_loaded;
    gpu::RenderPass m_pass;
    render::OffscreenTarget m_target;
    std::unique_ptr<gpu::FrameRing> m_frames;
    std::unique_ptr<render::SceneRenderer> m_renderer;
    compose::Composer m_composer;
    compose::Playhead m_playhead;
    render::RenderSettings m_settings;
    ImageSize m_size;
};

Result<std::unique_ptr<SoakLoop>> SoakLoop::create(gpu::Context& ctx, StoryScene& loaded, ImageSize size) {
    std::unique_ptr<SoakLoop> loop(new SoakLoop(ctx, loaded));
    loop->m_size = size;
    loop->m_pass = render::createScenePass(ctx, render::kOffscreenColorFormat, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL);
    loop->m_target = render::OffscreenTarget(ctx, loop->m_pass, render::ColorTarget::Rgba8, uint32_t(size.width),
                                             uint32_t(size.height));
    loop->m_frames = std::make_unique<gpu::FrameRing>(ctx, 2);
    auto renderer = render::SceneRenderer::create(ctx, loaded.scene, loop->m_pass, loop->m_frames->slotCount());
    if (!renderer) return renderer.error();
    loop->m_renderer = std::move(renderer).value();
    CommonOptions common;
    loop->m_settings = frameSettings(common, loaded.document ? &*loaded.document : nullptr);
    loop->m_settings.labelContinuity = true;  // as the window: a moving camera
    loop->m_settings.terrainErrorPx = ctx.info().type == "CPU" ? 4.0 : 1.0;
    if (loaded.document) {
        loop->m_playhead = compose::Playhead(loaded.document->story(), compose::kLastKeyframe);
        loop->m_playhead.seek(0);
        loop->m_playhead.togglePlay();
    }
    return loop;
}

void SoakLoop::frame(const CameraPose& pose, double seconds) {
    const ViewState view = computeView(m_loaded.scene.frame, pose, m_size.width, m_size.height);
    gpu::FrameSlot& slot = m_frames->begin();
    const uint32_t slotIndex = m_frames->slotIndex();
    if (m_loaded.document) {
        if (!m_playhead.playing()) m_playhead.togglePlay();  // at the end: from the start again
        m_playhead.advance(seconds);
        (void)m_renderer->setContent(m_composer.at(*m_loaded.document, m_playhead.storyTime(), m_settings));
    }
    m_renderer->prepare(slotIndex, view, m_settings);
    m_renderer->recordTransfers(slot.cmd);
    render::recordFrame(slot.cmd, m_pass, m_target.target(), {0, 0, 0, 1},
                        [&](VkCommandBuffer c) { m_renderer->draw(c, slotIndex); });
    m_frames->submit();
}

void print(const SoakOptions& o, const Record& r, const std::string& text) {
    std::printf("%s\n", o.json ? r.json().c_str() : text.c_str());
    std::fflush(stdout);
}

}  // namespace

int runSoakBench(const std::vector<std::string>& args) {
    auto parsed = parseSoak(args);
    if (!parsed) {
        printError(parsed.error().message);
        return kExitUsage;
    }
    SoakOptions o = *parsed;
    const MemorySample start = sampleMemory(0);
    CommonOptions common;
    auto loaded = loadStoryScene(common);
    if (!loaded) {
        printError(loaded.error().message);
        return kExitError;
    }
    auto ctx = gpu::Context::create(gpu::ContextOptions::fromEnvironment());
    if (!ctx) {
        printError(ctx.error().message);
        return kExitError;
    }
    int code = kExitOk;
    {
        auto loop = SoakLoop::create(**ctx, *loaded, o.size);
        if (!loop) {
            printError(loop.error().message);
            return kExitError;
        }
        o.warmup = soakWarmup(o, (*loop)->storySeconds());
        OrbitController orbit(loaded->scene);
        const render::RenderSettings settings = frameSettings(common, loaded->document ? &*loaded->document : nullptr);
        orbit.setPose(scene::toPose(*scene::findView("spin-boldak"), loaded->scene.geoidModel()),
                      settings.exaggeration);
        print(o,
              Record("soak_start")
                  .set("device", (*ctx)->info().describe())
                  .set("frames", o.frames)
                  .set("warmup", o.warmup)
                  .set("story_seconds", (*loop)->storySeconds())
                  .set("size", std::to_string(o.size.width) + "x" + std::to_string(o.size.height))
                  .set("rss_mb", start.rssMb),
              "device: " + (*ctx)->info().describe() + "; " + std::to_string(o.frames) + " frames at " +
                  std::to_string(o.size.width) + "x" + std::to_string(o.size.height) + ", warm-up " +
                  std::to_string(o.warmup) + " (story " + std::to_string(int((*loop)->storySeconds())) +
                  " s a pass)\nframe        RSS MB   malloc'd MB  tile cache MB");
        const int every = std::max(1, o.frames / 20);
        MemorySample warm = sampleMemory(0), last = warm;
        double peak = start.rssMb;
        const auto began = BenchClock::now();
        for (int i = 1; i <= o.frames; ++i) {
            orbit.orbit(kOrbitPxPerFrame, 0.0);  // a slow drag: a turn every 360 frames
            (*loop)->frame(orbit.pose(), 1.0 / kStoryFps);
            if (i == o.warmup || i % every == 0 || i == o.frames) {
                (*ctx)->waitIdle();
                last = sampleMemory(i);
                peak = std::max(peak, last.rssMb);
                if (i == o.warmup) warm = last;
                const double tiles = (*loop)->tileCacheMb();
                char line[128];
                std::snprintf(line, sizeof line, "%6d %12.1f %12.1f %12.1f%s", i, last.rssMb, last.heapMb, tiles,
                              i == o.warmup ? "   (after warm-up)" : "");
                print(o,
                      Record("soak_sample")
                          .set("frame", i)
                          .set("rss_mb", last.rssMb)
                          .set("heap_mb", last.heapMb)
                          .set("tile_cache_mb", tiles),
                      line);
            }
        }
        const double seconds = msSince(began) / 1000.0;
        const double drift = warm.rssMb > 0 ? 100.0 * (last.rssMb - warm.rssMb) / warm.rssMb : 0.0;
        const int after = o.frames - o.warmup;
        const double perFrameKb = after > 0 ? 1024.0 * (last.rssMb - warm.rssMb) / after : 0.0;
        char text[320];
        std::snprintf(text, sizeof text,
                      "RSS: start %.1f MB, after warm-up (frame %d) %.1f MB, end %.1f MB, peak %.1f MB\n"
                      "drift after warm-up: %+.2f %% (%+.1f KB a frame over %d frames; malloc'd %.1f -> %.1f MB); "
                      "%.1f frames/s",
                      start.rssMb, o.warmup, warm.rssMb, last.rssMb, peak, drift, perFrameKb, after, warm.heapMb,
                      last.heapMb, o.frames / std::max(seconds, 1e-9));
        print(o,
              Record("soak")
                  .set("frames", o.frames)
                  .set("warmup", o.warmup)
                  .set("rss_start_mb", start.rssMb)
                  .set("rss_warm_mb", warm.rssMb)
                  .set("rss_end_mb", last.rssMb)
                  .set("rss_peak_mb", peak)
                  .set("drift_pct", drift)
                  .set("kb_per_frame", perFrameKb)
                  .set("heap_warm_mb", warm.heapMb)
                  .set("heap_end_mb", last.heapMb)
                  .set("seconds", seconds),
              text);
        (*ctx)->waitIdle();
    }
    if ((*ctx)->validationErrors()) {
        printError(std::to_string((*ctx)->validationErrors()) + " Vulkan validation error(s) (see messages above)");
        code = kExitError;
    }
    return code;
}

}  // namespace fl::app
