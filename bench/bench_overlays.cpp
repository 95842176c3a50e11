// `frontline bench overlays`: what the story costs on top of the terrain, for the three named views. In one
// run on one device: (1) terrain alone, (2) the default story at a fixed time (areas, fronts, routes, border,
// arrow, labels, caption, legend), right after (1); then
// (3) the story with its time advancing every frame (a playing story: keyframe weights, the arrow growing,
// the caption), against (2). The overlay field's counters say how much compute each pass caused.
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "args.h"
#include "bench.h"
#include "bench_frame.h"
#include "bench_timing.h"
#include "commands.h"
#include "compose/compose.h"
#include "core/parse.h"
#include "core/paths.h"
#include "document/document.h"
#include "gpu/context.h"
#include "render/overlay_field.h"
#include "render/scene_renderer.h"
#include "scene/scene.h"
#include "scene/views.h"
#include "story/story.h"

namespace fl::app {

std::string overlaysBenchUsage() {
    return "usage: frontline bench overlays [--json] [--quick] [--story FILE] [--sizes WxH,...] [--frames N]\n"
           "\n"
           "Times the default story over the terrain against the terrain alone (median GPU ms, ratio), and a\n"
           "story whose time advances every frame against the same story held still, for kandahar-overview,\n"
           "spin-boldak and region-top-down, each streamed to full detail first. Needs a Vulkan device.\n"
           "\n"
           "  --json           one JSON object per line, each with a \"metric\" key\n"
           "  --quick          640x360 only, 3 frames: a smoke test\n"
           "  --story FILE     the story (default: the embedded Spin Boldak 2021 story)\n"
           "  --sizes WxH,...  output sizes (default 1280x720,1920x1080)\n"
           "  --frames N       timed frames per pass, median reported (default 9)\n";
}

namespace {

struct OverlaysBenchOptions {
    bool json = false;
    bool quick = false;
    std::string story = paths::asset("stories/spin-boldak-2021.json");
    std::vector<ImageSize> sizes;
    int frames = 9;  // as bench terrain: the median of 9 holds within a few % on a shared 2-core machine
    std::chrono::seconds detailTimeout{120};
};

Result<OverlaysBenchOptions> parseOverlaysBench(const std::vector<std::string>& args) {
    OverlaysBenchOptions o;
    ArgParser p("bench overlays: ", "bench");
    p.flag("--json", [&] { o.json = true; });
    p.flag("--quick", [&] { o.quick = true; });
    p.option("--story", "FILE", [&](const std::string& v) -> Status {
        o.story = v;
        return Ok{};
    });
    p.option("--sizes", "WxH,...", [&](const std::string& v) -> Status {
        auto sizes = parseSizeList(v);
        if (!sizes) return Error{"bench overlays: " + sizes.error().message};
        o.sizes = std::move(sizes).value();
        return Ok{};
    });
    p.option("--frames", "N", [&](const std::string& v) -> Status {
        auto n = parseDouble(v, "--frames");
        if (!n || *n < 1 || *n != std::floor(*n)) return Error{"bench overlays: --frames: '" + v + "' is not a count"};
        o.frames = int(*n);
        return Ok{};
    });
    if (Status s = p.parse(args); !s) return s.error();
    if (o.quick) {
        o.frames = 3;
        if (o.sizes.empty()) o.sizes = {{640, 360}};
    }
    if (o.sizes.empty()) o.sizes = {{1280, 720}, {1920, 1080}};
    return o;
}

}  // namespace

int runOverlaysBench(const std::vector<std::string>& args) {
    auto parsed = parseOverlaysBench(args);
    if (!parsed) {
        printError(parsed.error().message);
        return kExitUsage;
    }
    const OverlaysBenchOptions& o = *parsed;
    if (o.story.empty()) {
        printError("bench overlays: needs a story (--story FILE)");
        return kExitUsage;
    }
    auto loaded = scene::loadScene();
    if (!loaded) {
        printError(loaded.error().message);
        return kExitError;
    }
    const scene::Scene& scene = *loaded;
    auto doc = document::Document::load(o.story);
    if (!doc) {
        printError(doc.error().message);
        return kExitError;
    }
    auto gpuResult = openBenchGpu(scene);
    if (!gpuResult) {
        printError(gpuResult.error().message);
        return kExitError;
    }
    gpu::Context& ctx = *gpuResult->ctx;
    bench::BenchFrame& frame = *gpuResult->frame;
    render::SceneRenderer& renderer = *gpuResult->renderer;
    if (!renderer.terrain()) {
        printError("bench overlays: overlays drape on streamed terrain, and the scene has none");
        return kExitError;
    }
    const story::Story& st = doc->story();
    const double storyTime = story::lastKeyframe(st);

    render::RenderSettings terrainOnly;  // as bench terrain: no border, labels, overlays or furniture
    terrainOnly.borders = terrainOnly.labels = terrainOnly.furniture = terrainOnly.overlays = false;
    render::RenderSettings withStory;
    static_cast<Look&>(withStory) = doc->look();
    // The story at a fixed time; its revision is unchanged between frames, so (2) measures a still story.
    (void)renderer.setContent(compose::compose(*doc, storyTime, withStory));

    if (o.json)
        std::printf("%s\n", Record("device")
                                .set("device", ctx.info().describe())
                                .set("timing", std::string(frame.timestamps() ? "timestamps" : "wall"))
                                .set("story", st.title)
                                .set("frames", o.frames)
                                .set("quick", o.quick)
                                .json()
                                .c_str());
    else
        std::printf(
            "device: %s; GPU times from %s; %d frames a pass, median\nstory: %s\n\n%-18s %-9s %9s %9s %7s "
            "%11s %7s %10s %12s\n",
            ctx.info().describe().c_str(), frame.timestamps() ? "timestamps" : "wall", o.frames, st.title.c_str(),
            "view", "size", "terrain", "story", "ratio", "time/frame", "ratio", "dispatches", "texels/frame");

    const glm::vec4 clear{0, 0, 0, 1};
    const char* const views[] = {"kandahar-overview", "spin-boldak", "region-top-down"};
    for (const char* name : views) {
        const scene::CameraSpec* spec = scene::findView(name);
        if (!spec) continue;
        const CameraPose pose = scene::toPose(*spec, scene.geoidModel());
        for (const ImageSize size : o.sizes) {
            frame.resize(size.width, size.height);
            const ViewState view = computeView(scene.frame, pose, size.width, size.height);
            streamToFullDetail(frame, renderer, view, withStory, o.detailTimeout);
            auto draw = [&](VkCommandBuffer cmd) { renderer.draw(cmd, bench::BenchFrame::kSlot); };
            auto transfers = [&](VkCommandBuffer cmd) { renderer.recordTransfers(cmd); };

            // (1), then (2) after one untimed frame (its fields are then cached, as in a still). Not
            // interleaved: switching overlays off and on every frame would recompute the fields each time.
            TimedPass terrainPass{"terrain", o.frames,
                                  [&] { renderer.prepare(bench::BenchFrame::kSlot, view, terrainOnly); }, transfers,
                                  draw};
            TimedPass storyPass{"story", o.frames, [&] { renderer.prepare(bench::BenchFrame::kSlot, view, withStory); },
                                transfers, draw};
            timeInterleaved(frame, {&terrainPass}, 1, clear);
            const render::OverlayFieldStats stillBefore = renderer.terrain()->overlays().stats();
            timeInterleaved(frame, {&storyPass}, 1, clear);
            const render::OverlayFieldStats stillAfter = renderer.terrain()->overlays().stats();

            // (3) a playing story: each frame a new time between 13 July 18:00 and 14 July 10:00 (the arrow
            // grows, the district's keyframes change at 00:00 and 06:00), alone so nothing else moves its time.
            const double start = *story::parseStoryTime("2021-07-13T18:00:00Z");
            const double step = 16.0 * 3600.0 / o.frames;
            int k = 0;
            render::RenderSettings playing = withStory;
            const render::OverlayFieldStats before = renderer.terrain()->overlays().stats();
            TimedPass playingPass{"playing", o.frames,
                                  [&] {
                                      (void)renderer.setContent(compose::compose(*doc, start + step * k++, playing));
                                      renderer.prepare(bench::BenchFrame::kSlot, view, playing);
                                  },
                                  transfers, draw};
            timeInterleaved(frame, {&playingPass}, 0, clear);
            (void)renderer.setContent(compose::compose(*doc, storyTime, withStory));
            const render::OverlayFieldStats after = renderer.terrain()->overlays().stats();

            const double msTerrain = median(terrainPass.gpuMs), msStory = median(storyPass.gpuMs),
                         msPlaying = median(playingPass.gpuMs);
            const double dispatches = double(after.dispatches - before.dispatches) / o.frames;
            const double texels = double(after.texelsComputed - before.texelsComputed) / o.frames;
            Record r("overlays");
            r.set("view", std::string(name))
                .set("width", size.width)
                .set("height", size.height)
                .set("ms_terrain", msTerrain)
                .set("ms_story", msStory)
                .set("ratio_story", msStory / msTerrain)
                .set("ms_story_time_changing", msPlaying)
                .set("ratio_time_changing", msPlaying / msStory)
                .set("cpu_ms_story", median(storyPass.cpuMs))
                .set("field_dispatches_still", double(stillAfter.dispatches - stillBefore.dispatches))
                .set("cpu_ms_time_changing", median(playingPass.cpuMs))
                .set("field_dispatches_per_frame", dispatches)
                .set("field_texels_per_frame", texels)
                .set("binning_ms_last", after.lastBinningMs);
            if (o.json)
                std::printf("%s\n", r.json().c_str());
            else
                std::printf("%-18s %4dx%-4d %9.1f %9.1f %6.2fx %11.1f %6.2fx %10.1f %12.0f\n", name, size.width,
                            size.height, msTerrain, msStory, msStory / msTerrain, msPlaying, msPlaying / msStory,
                            dispatches, texels);
            std::fflush(stdout);
        }
    }
    if (ctx.validationErrors() > 0) {
        printError(std::to_string(ctx.validationErrors()) + " Vulkan validation error(s)");
        return kExitError;
    }
    return kExitOk;
}

}  // namespace fl::app
