#include "bench_timing.h"

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "gpu/context.h"
#include "output/image.h"

namespace fl::app {

namespace fs = std::filesystem;
using Clock = BenchClock;

double msSince(Clock::time_point start) {
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

double median(std::vector<double> v) {
    if (v.empty()) return std::nan("");
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

// Streams until the view is at full detail (as OffscreenRenderer does for stills), or only failed tiles
// remain, or `timeout` passes.
terrain::Readiness streamToFullDetail(bench::BenchFrame& frame, render::SceneRenderer& renderer, const ViewState& view,
                                      const render::RenderSettings& settings, std::chrono::seconds timeout) {
    const auto deadline = Clock::now() + timeout;
    for (;;) {
        frame.runTransfers([&] { renderer.prepare(bench::BenchFrame::kSlot, view, settings); },
                           [&](VkCommandBuffer cmd) { renderer.recordTransfers(cmd); });
        terrain::TileStreamer* streamer = renderer.streamer();
        if (!streamer) return {true, 1.0, {}, {}};
        terrain::Readiness r = streamer->readiness();
        if (r.resolved || (r.missing.empty() && streamer->idle()) || Clock::now() > deadline) return r;
        streamer->waitForProgress(std::chrono::milliseconds(20));
    }
}

// `warmup` untimed frames of each pass, then the timed frames in rounds of one frame per pass: on a shared
// machine a change of load then shifts every pass alike, and the ratios between them stay honest.
void timeInterleaved(bench::BenchFrame& frame, std::vector<TimedPass*> passes, int warmup, const glm::vec4& clear) {
    int rounds = 0;
    for (TimedPass* p : passes) rounds = std::max(rounds, p->frames);
    for (int i = -warmup; i < rounds; ++i)
        for (TimedPass* p : passes) {
            if (i >= p->frames) continue;
            const bench::FrameTiming f = frame.run(p->prepare, p->transfers, p->draw, clear);
            if (i < 0) continue;
            p->gpuMs.push_back(f.gpuMs);
            p->cpuMs.push_back(f.cpuMs);
            p->prepareMs.push_back(f.prepareMs);
        }
}

Result<std::vector<ImageSize>> parseSizeList(const std::string& text) {
    std::vector<ImageSize> sizes;
    size_t start = 0;
    for (;;) {
        const size_t comma = text.find(',', start);
        auto s = parseImageSize(text.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
        if (!s) return Error{"--sizes: " + s.error().message};
        sizes.push_back(*s);
        if (comma == std::string::npos) return sizes;
        start = comma + 1;
    }
}

Result<BenchGpu> openBenchGpu(const scene::Scene& scene) {
    BenchGpu g;
    auto ctx = gpu::Context::create(gpu::ContextOptions::fromEnvironment());
    if (!ctx) return ctx.error();
    g.ctx = std::move(ctx).value();
    auto frame = bench::BenchFrame::create(*g.ctx);
    if (!frame) return frame.error();
    g.frame = std::move(frame).value();
    auto renderer = render::SceneRenderer::create(*g.ctx, scene, g.frame->renderPass(), 1);
    if (!renderer) return renderer.error();
    g.renderer = std::move(renderer).value();
    return g;
}

Status saveImage(bench::BenchFrame& frame, const std::string& dir, const std::string& view, ImageSize size,
                 const char* pass) {
    if (dir.empty()) return Ok{};
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) return Error::inFile(dir, "cannot create directory: " + ec.message());
    const std::string path = (fs::path(dir) / (view + "_" + std::to_string(size.width) + "x" +
                                               std::to_string(size.height) + "_" + pass + ".png"))
                                 .string();
    return output::writePng(path, frame.readback());
}

void declareTerrainOptions(ArgParser& parser, std::string& terrain, terrain::TileSourceOptions& source) {
    parser.option("--terrain", "SOURCE", [&terrain](const std::string& v) -> Status {
        if (v.empty()) return Error{"--terrain needs a source"};
        terrain = v;
        return Ok{};
    });
    parser.option("--encoding", "NAME", [&source](const std::string& v) -> Status {
        auto e = terrain::parseEncoding(v);
        if (!e) return Error{"--encoding: " + e.error().message};
        source.encoding = *e;
        return Ok{};
    });
}

}  // namespace fl::app
