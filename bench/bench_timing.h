// bench/bench_timing.h — timing frames of the scene renderer for the GPU benchmarks.
// Owns: streaming a view to full detail before timing, interleaved timing of several passes (so a change
// of load on a shared machine shifts every pass alike), medians, and saving what a pass drew.
#pragma once

#include "args.h"

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <glm/vec4.hpp>

#include "bench_frame.h"
#include "core/camera.h"
#include "core/parse.h"
#include "core/result.h"
#include "render/scene_renderer.h"
#include "scene/scene.h"
#include "terrain/tile_streamer.h"

namespace fl::app {

using BenchClock = std::chrono::steady_clock;

double msSince(BenchClock::time_point start);
double median(std::vector<double> v);  // NaN for none

// Streams until the view is at full detail (as OffscreenRenderer does for stills), or only failed tiles
// remain, or `timeout` passes.
terrain::Readiness streamToFullDetail(bench::BenchFrame& frame, render::SceneRenderer& renderer, const ViewState& view,
                                      const render::RenderSettings& settings, std::chrono::seconds timeout);

// One pass to time: what a frame of it records, and its timings.
struct TimedPass {
    const char* name;  // the --images file suffix, e.g. "terrain", "floor", "naive"
    int frames = 0;    // timed frames
    std::function<void()> prepare;
    std::function<void(VkCommandBuffer)> transfers, draw;
    std::vector<double> gpuMs, cpuMs, prepareMs;
};

// `warmup` untimed frames of each pass, then the timed frames in rounds of one frame per pass: on a shared
// machine a change of load then shifts every pass alike, and the ratios between them stay honest.
void timeInterleaved(bench::BenchFrame& frame, std::vector<TimedPass*> passes, int warmup, const glm::vec4& clear);

// "WxH,WxH,...": the --sizes option of the GPU benchmarks.
Result<std::vector<ImageSize>> parseSizeList(const std::string& text);
// --terrain SOURCE and --encoding NAME, as the streaming and terrain benches take them.
void declareTerrainOptions(ArgParser& parser, std::string& terrain, terrain::TileSourceOptions& source);

// What a GPU benchmark draws with: a device (validation per the environment), a timed offscreen frame and
// the scene renderer in it. Created in that order so a missing device is reported before anything else.
struct BenchGpu {
    std::unique_ptr<gpu::Context> ctx;
    std::unique_ptr<bench::BenchFrame> frame;
    std::unique_ptr<render::SceneRenderer> renderer;
};
Result<BenchGpu> openBenchGpu(const scene::Scene& scene);

// DIR/<view>_<WxH>_<pass>.png of the frame's last image ("" dir: nothing).
Status saveImage(bench::BenchFrame& frame, const std::string& dir, const std::string& view, ImageSize size,
                 const char* pass);

}  // namespace fl::app
