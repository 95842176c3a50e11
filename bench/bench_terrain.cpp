// `frontline bench terrain`: what the scene renderer's terrain costs for three fixed views, read against two
// references drawn in the same run on the same device: the practical floor (one full-screen pass with the same
// shading) and the naive full-resolution grid (the view's tiles at one cell per height sample, no LOD). Also
// the renderer's CPU selection cost with a one-tile source and with the full pyramid. Keys: docs/benchmarks.md.
//
// The renderer is measured only through SceneRenderer's public API (prepare / recordTransfers / draw, stats(),
// streamer()), so a different terrain renderer behind it is measured by the same code.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "args.h"
#include "bench.h"
#include "bench_frame.h"
#include "bench_timing.h"
#include "commands.h"
#include "core/camera.h"
#include "core/parse.h"
#include "core/paths.h"
#include "gpu/context.h"
#include "output/image.h"
#include "reference_passes.h"
#include "render/scene_renderer.h"
#include "scene/scene.h"
#include "scene/views.h"
#include "terrain/tile_page.h"
#include "terrain/tile_source.h"
#include "terrain/tile_streamer.h"

namespace fl::app {

std::string terrainBenchUsage() {
    return "usage: frontline bench terrain [--json] [--quick] [--terrain SOURCE] [--encoding NAME] [--sizes WxH,...]\n"
           "                               [--frames N] [--naive-frames N] [--images DIR]\n"
           "\n"
           "Times the scene renderer's terrain (median GPU ms, triangles, draws, CPU ms of prepare + recording) for\n"
           "kandahar-overview, spin-boldak and region-top-down, each streamed to full detail first, against the\n"
           "practical floor (one full-screen pass with the same shading) and the naive full-resolution grid, and\n"
           "the renderer's CPU selection cost with a one-tile source and with the full pyramid. Needs a Vulkan\n"
           "device. Keys: docs/benchmarks.md.\n"
           "\n"
           "  --json             one JSON object per line, each with a \"metric\" key\n"
           "  --quick            640x360 only, 3 frames (naive grid: 1): a smoke test\n"
           "  --terrain SOURCE   tile source (default: the sample Kandahar pyramid)\n"
           "  --encoding NAME    terrarium | mapbox, where the source cannot say\n"
           "  --sizes WxH,...    output sizes (default 1280x720,1920x1080)\n"
           "  --frames N         timed frames of the terrain and the floor, median reported (default 9)\n"
           "  --naive-frames N   timed frames of the naive grid, ~1 s each on lavapipe (default 3)\n"
           "  --images DIR       also write what each timed pass drew: DIR/<view>_<WxH>_<pass>.png\n";
}

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using terrain::TileId;

struct TerrainBenchOptions {
    bool json = false;
    bool quick = false;
    std::string terrain = paths::sampleTerrain();
    terrain::TileSourceOptions source;
    // The two broadcast sizes; --quick: 640x360 alone.
    std::vector<ImageSize> sizes;
    // Timed frames per pass; the median is reported. 9 keeps the median within a few % on a shared 2-core
    // machine. The naive grid takes ~1 s a frame on lavapipe (several million triangles), so it gets 3.
    int frames = 9;
    int naiveFrames = 3;
    // Untimed frames before each pass's timed ones: the first frame of a pipeline pays lavapipe's JIT
    // (+0.25 .. 1.5 s) and the first at a size touches fresh target memory.
    int warmupFrames = 1;
    std::string imagesDir;  // --images: PNGs of what was timed ("" = none)
    // Streaming to full detail gives up after this (a remote source may be slow); the record says so.
    std::chrono::seconds detailTimeout{120};
};

const char* const kViews[] = {"kandahar-overview", "spin-boldak", "region-top-down"};

// The hook for a GPU-driven renderer: when FrameStats carries `gpuSelectionMs` (the GPU time of its LOD
// selection, from timestamps), it is reported as `gpu_selection_ms`; until then the key is null. Detected at
// compile time so this file needs no change when the field arrives.
template <typename Stats>
double gpuSelectionMs(const Stats& stats) {
    if constexpr (requires { stats.gpuSelectionMs; })
        return double(stats.gpuSelectionMs);
    else
        return std::nan("");
}

// Terrain draw calls of the frame. FrameStats::draws is filled by renderers that count their draw calls (1 for
// an indirect draw); the per-tile renderer leaves it 0 and issues one draw per tile drawn (chunksDrawn).
uint32_t terrainDraws(const render::FrameStats& stats) {
    return stats.draws ? stats.draws : stats.chunksDrawn;
}

// ---- the one-tile source -----------------------------------------------------------------------------------

// The coarsest tile over the source's centre and nothing else: the renderer's per-frame cost with the least
// there is to select, against which the full pyramid's selection cost reads.
class OneTileSource final : public terrain::TileSource {
public:
    explicit OneTileSource(std::shared_ptr<terrain::TileSource> inner)
        : m_inner(std::move(inner)), m_info(m_inner->info()) {
        const terrain::TileBounds& b = m_info.bounds;
        m_tile = terrain::tileAt((b.north + b.south) / 2, (b.west + b.east) / 2, m_info.minZoom);
        m_info.name += " (one tile: " + terrain::toString(m_tile) + ")";
        m_info.maxZoom = m_info.minZoom;
        m_info.bounds = terrain::tileBounds(m_tile);
        m_info.tileCount.reset();
    }
    const terrain::TileSourceInfo& info() const override { return m_info; }
    terrain::TileFetch fetch(TileId tile, const terrain::CancelFlag& cancel) override {
        return tile == m_tile ? m_inner->fetch(tile, cancel) : terrain::TileFetch::missing();
    }

private:
    std::shared_ptr<terrain::TileSource> m_inner;
    terrain::TileSourceInfo m_info;
    TileId m_tile;
};

// ---- the naive grid's tiles --------------------------------------------------------------------------------

// The page pool as host memory that keeps what is uploaded: the naive grid draws from the pages a streamer
// makes (the tile plus its neighbours' border), so its heights and coverage are the renderer's.
class CapturingUploader final : public terrain::TilePageUploader {
public:
    explicit CapturingUploader(uint32_t pages) : m_pages(pages) {}
    uint32_t pageCapacity() const override { return uint32_t(m_pages.size()); }
    void upload(uint32_t page, const terrain::TilePage& data) override { m_pages[page] = data; }
    const terrain::TilePage& page(uint32_t i) const { return m_pages[i]; }

private:
    std::vector<terrain::TilePage> m_pages;
};

// The streamer's selection for the naive grid. The renderer's own streamer only hands its draw list to the
// renderer (calling update() from here would take uploads meant for its GPU pool), so a second streamer with
// the same options follows the same views in the same order, over the same source, into host memory.
class NaiveTileStreamer {
public:
    NaiveTileStreamer(std::shared_ptr<terrain::TileSource> source, const terrain::StreamingOptions& options,
                      uint32_t maxPages)
        : m_uploader(uint32_t(
              std::max<uint64_t>(16, std::min<uint64_t>(maxPages, options.gpuCacheBytes / terrain::kPageBytes)))),
          m_streamer(std::move(source), m_uploader, withUnlimitedUploads(options)) {}

    struct Tiles {
        std::vector<terrain::TileDraw> draws;  // `page` indexes `pages`
        std::vector<terrain::TilePage> pages;
        uint32_t leaves = 0;
        bool resolved = false;
    };

    // Streams to full detail for `view` (or until `timeout`), then returns its draws with dense pages.
    // `maxScreenSpaceError`: the renderer's streamer's current target (the GPU terrain sets it per view).
    Tiles streamTo(const terrain::SelectionView& view, double maxScreenSpaceError, std::chrono::seconds timeout) {
        m_streamer.setMaxScreenSpaceError(maxScreenSpaceError);
        const auto deadline = Clock::now() + timeout;
        Tiles out;
        std::vector<terrain::TileDraw> draws;
        for (;;) {
            ++m_frame;  // host memory: every earlier frame is complete
            draws = m_streamer.update(view, {m_frame, m_frame - 1});
            const terrain::Readiness r = m_streamer.readiness();
            out.resolved = r.resolved;
            if (r.resolved || (r.missing.empty() && m_streamer.idle()) || Clock::now() > deadline) break;
            m_streamer.waitForProgress(std::chrono::milliseconds(20));
        }
        std::unordered_map<uint32_t, uint32_t> dense;
        for (terrain::TileDraw d : draws) {
            auto [it, inserted] = dense.emplace(d.page, uint32_t(out.pages.size()));
            if (inserted) out.pages.push_back(m_uploader.page(d.page));
            d.page = it->second;
            out.draws.push_back(d);
        }
        out.leaves = m_streamer.stats().leaves;
        return out;
    }

private:
    // Host copies are cheap: land every decoded tile at once instead of a GPU's per-frame budget.
    static terrain::StreamingOptions withUnlimitedUploads(terrain::StreamingOptions o) {
        o.uploadBytesPerFrame = uint64_t(1) << 40;
        return o;
    }

    CapturingUploader m_uploader;
    terrain::TileStreamer m_streamer;
    uint64_t m_frame = 0;
};

// ---- output ------------------------------------------------------------------------------------------------

std::string sizeText(double w, double h) {
    return std::to_string(int(w)) + "x" + std::to_string(int(h));
}

class Printer {
public:
    explicit Printer(bool json) : m_json(json) {}
    void operator()(const Record& r);

private:
    bool m_json;
    bool m_selectionHeader = false;
};

void Printer::operator()(const Record& r) {
    if (m_json) {
        std::printf("%s\n", r.json().c_str());
        std::fflush(stdout);
        return;
    }
    const std::string metric = r.text("metric");
    if (metric == "device") {
        std::printf("device: %s; GPU times from %s; %d frames a pass (naive grid %d), median\n",
                    r.text("device").c_str(), r.text("timing").c_str(), int(r.number("frames")),
                    int(r.number("naive_frames")));
        std::printf("terrain source: %s\n\n", r.text("terrain").c_str());
        std::printf("%-18s %-9s %9s %8s %9s %10s %6s %7s %8s %8s %11s\n", "view", "size", "terrain", "floor", "naive",
                    "triangles", "draws", "cpu ms", "t/floor", "t/naive", "naive tris");
    } else if (metric == "terrain") {
        std::printf("%-18s %-9s %9.1f %8.1f %9.1f %10llu %6d %7.2f %7.2fx %7.3fx %11llu%s\n", r.text("view").c_str(),
                    sizeText(r.number("width"), r.number("height")).c_str(), r.number("ms_terrain"),
                    r.number("ms_floor"), r.number("ms_naive"), (unsigned long long)r.number("triangles"),
                    int(r.number("draws")), r.number("cpu_ms"), r.number("ratio_floor"), r.number("ratio_naive"),
                    (unsigned long long)r.number("naive_triangles"), r.flag("resolved") ? "" : "  NOT AT FULL DETAIL");
    } else if (metric == "selection") {
        if (!m_selectionHeader) {
            std::printf("\nselection cost: the renderer's prepare() on the CPU, median ms (leaves)\n");
            std::printf("%-18s %-9s %16s %16s\n", "view", "size", "one tile", "full pyramid");
            m_selectionHeader = true;
        }
        std::printf("%-18s %-9s %9.3f (%4d) %9.3f (%4d)\n", r.text("view").c_str(),
                    sizeText(r.number("width"), r.number("height")).c_str(), r.number("prepare_ms_one_tile"),
                    int(r.number("leaves_one_tile")), r.number("prepare_ms_full"), int(r.number("leaves_full")));
    } else if (metric == "summary") {
        std::printf("\nbench took %.1f s; %d Vulkan validation error(s)\n", r.number("seconds"),
                    int(r.number("validation_errors")));
    }
    std::fflush(stdout);
}

Result<TerrainBenchOptions> parseTerrainBench(const std::vector<std::string>& args) {
    TerrainBenchOptions o;
    bool sizesGiven = false, framesGiven = false, naiveGiven = false;
    auto count = [](const std::string& flag, const std::string& v) -> Result<int> {
        auto d = parseDouble(v, flag);
        if (!d) return d.error();
        if (*d < 1 || *d > 1000 || *d != std::floor(*d)) return Error{flag + ": expected a whole number 1..1000"};
        return int(*d);
    };
    ArgParser p("bench terrain: ", "bench");
    p.flag("--json", [&] { o.json = true; });
    p.flag("--quick", [&] { o.quick = true; });
    declareTerrainOptions(p, o.terrain, o.source);
    p.option("--sizes", "WxH,...", [&](const std::string& v) -> Status {
        sizesGiven = true;
        auto sizes = parseSizeList(v);
        if (!sizes) return sizes.error();
        o.sizes = std::move(sizes).value();
        return Ok{};
    });
    p.option("--frames", "N", [&](const std::string& v) -> Status {
        auto n = count("--frames", v);
        if (!n) return n.error();
        o.frames = *n;
        framesGiven = true;
        return Ok{};
    });
    p.option("--naive-frames", "N", [&](const std::string& v) -> Status {
        auto n = count("--naive-frames", v);
        if (!n) return n.error();
        o.naiveFrames = *n;
        naiveGiven = true;
        return Ok{};
    });
    p.option("--images", "DIRECTORY", [&](const std::string& v) -> Status {
        if (v.empty()) return Error{"--images needs a directory"};
        o.imagesDir = v;
        return Ok{};
    });
    if (Status s = p.parse(args); !s) return s.error();
    if (!sizesGiven)
        o.sizes = o.quick ? std::vector<ImageSize>{{640, 360}} : std::vector<ImageSize>{{1280, 720}, {1920, 1080}};
    if (o.quick && !framesGiven) o.frames = 3;
    if (o.quick && !naiveGiven) o.naiveFrames = 1;
    return o;
}

}  // namespace

int runTerrainBench(const std::vector<std::string>& args) {
    auto parsed = parseTerrainBench(args);
    if (!parsed) {
        printError(parsed.error().message);
        return kExitUsage;
    }
    const TerrainBenchOptions& o = *parsed;
    const Clock::time_point benchStart = Clock::now();

    scene::SceneOptions sceneOptions;
    sceneOptions.terrain = o.terrain;
    sceneOptions.terrainSource = o.source;
    auto loaded = scene::loadScene(sceneOptions);
    if (!loaded) {
        printError(loaded.error().message);
        return kExitError;
    }
    const scene::Scene& scene = *loaded;
    auto gpuResult = openBenchGpu(scene);
    if (!gpuResult) {
        printError(gpuResult.error().message);
        return kExitError;
    }
    gpu::Context& ctx = *gpuResult->ctx;
    bench::BenchFrame& frame = *gpuResult->frame;
    std::unique_ptr<render::SceneRenderer>& renderer = gpuResult->renderer;
    auto refsResult = bench::ReferencePasses::create(ctx, frame.renderPass());
    if (!refsResult) {
        printError(refsResult.error().message);
        return kExitError;
    }
    bench::ReferencePasses& refs = **refsResult;
    if (!renderer->streamer()) {
        printError("bench terrain: the scene has no streamed terrain (--terrain)");
        return kExitError;
    }

    // Terrain alone: no border line, no labels; the sky stays (it fills what the terrain leaves uncovered).
    render::RenderSettings settings;
    settings.borders = false;
    settings.labels = false;
    const std::string device = ctx.info().describe();
    Printer print(o.json);
    print(Record("device")
              .set("device", device)
              .set("timing", std::string(frame.timestamps() ? "timestamps" : "wall"))
              .set("terrain", scene.terrain->info().name)
              .set("frames", o.frames)
              .set("naive_frames", o.naiveFrames)
              .set("warmup_frames", o.warmupFrames)
              .set("validation", ctx.validationEnabled())
              .set("quick", o.quick));

    // Selection is compared at the largest size asked for.
    const ImageSize selectionSize = *std::max_element(o.sizes.begin(), o.sizes.end(), [](auto a, auto b) {
        return int64_t(a.width) * a.height < int64_t(b.width) * b.height;
    });
    std::vector<std::pair<std::string, Record>> fullSelection;  // the terrain records at that size

    // The renderer's streamer options are its defaults (SceneRenderer::create without TerrainTileOptions).
    NaiveTileStreamer naiveStreamer(scene.terrain, renderer->streamer()->options(),
                                    ctx.properties().limits.maxImageArrayLayers);
    const glm::vec4 clear = settings.clearColor;
    for (const char* name : kViews) {
        const scene::CameraSpec* spec = scene::findView(name);
        if (!spec) continue;
        const CameraPose pose = scene::toPose(*spec, scene.geoidModel());
        for (const ImageSize size : o.sizes) {
            frame.resize(size.width, size.height);
            const ViewState view = computeView(scene.frame, pose, size.width, size.height);
            const Clock::time_point streamStart = Clock::now();
            const terrain::Readiness ready = streamToFullDetail(frame, *renderer, view, settings, o.detailTimeout);
            const double streamMs = msSince(streamStart);

            // (1) the renderer's terrain, (2) the naive full-resolution grid over the tiles the streamer's
            // selection needs, (3) the floor: the same shading once per pixel.
            NaiveTileStreamer::Tiles naive =
                naiveStreamer.streamTo({view, scene.frame, settings.exaggeration},
                                       renderer->streamer()->options().maxScreenSpaceError, o.detailTimeout);
            const uint32_t naiveLeaves = naive.leaves;
            const bool naiveResolved = naive.resolved;
            refs.setTiles(std::move(naive.draws), naive.pages);
            refs.prepare(scene, view, settings);
            TimedPass terrainPass{"terrain", o.frames,
                                  [&] { renderer->prepare(bench::BenchFrame::kSlot, view, settings); },
                                  [&](VkCommandBuffer cmd) { renderer->recordTransfers(cmd); },
                                  [&](VkCommandBuffer cmd) { renderer->draw(cmd, bench::BenchFrame::kSlot); }};
            TimedPass naivePass{"naive", o.naiveFrames, nullptr, nullptr,
                                [&](VkCommandBuffer cmd) { refs.drawNaiveGrid(cmd); }};
            TimedPass floorPass{"floor", o.frames, nullptr, nullptr, [&](VkCommandBuffer cmd) { refs.drawFloor(cmd); }};
            const std::vector<TimedPass*> passes = {&terrainPass, &floorPass, &naivePass};
            timeInterleaved(frame, passes, o.warmupFrames, clear);
            for (TimedPass* p : passes) {
                if (o.imagesDir.empty()) break;
                frame.run(p->prepare, p->transfers, p->draw, clear);
                if (auto st = saveImage(frame, o.imagesDir, name, size, p->name); !st) {
                    printError(st.error().message);
                    return kExitError;
                }
            }
            // The renderer's statistics of its last frame, read after draw(): a renderer may count while recording.
            frame.run(terrainPass.prepare, terrainPass.transfers, terrainPass.draw, clear);
            const render::FrameStats stats = renderer->stats();

            const double msTerrain = median(terrainPass.gpuMs), msFloor = median(floorPass.gpuMs),
                         msNaive = median(naivePass.gpuMs);
            Record r("terrain");
            r.set("view", std::string(name))
                .set("width", size.width)
                .set("height", size.height)
                .set("device", device)
                .set("ms_terrain", msTerrain)
                .set("ms_floor", msFloor)
                .set("ms_naive", msNaive)
                .set("triangles", stats.triangles)
                .set("draws", terrainDraws(stats))
                .set("patches", stats.patches)
                .set("tiles_drawn", stats.chunksDrawn)
                .set("cpu_ms", median(terrainPass.cpuMs))
                .set("prepare_ms", median(terrainPass.prepareMs))
                .set("gpu_selection_ms", gpuSelectionMs(stats))
                .set("ratio_floor", msTerrain / msFloor)
                .set("ratio_naive", msTerrain / msNaive)
                .set("naive_triangles", refs.naiveTriangles())
                .set("naive_tiles", refs.naiveTiles())
                .set("leaves", renderer->streamer()->stats().leaves)
                .set("naive_leaves", naiveLeaves)
                .set("frames", o.frames)
                .set("naive_frames", o.naiveFrames)
                .set("resolved", ready.resolved && naiveResolved)
                .set("stream_ms", streamMs);
            print(r);
            if (size.width == selectionSize.width && size.height == selectionSize.height)
                fullSelection.emplace_back(name, r);
        }
    }
    refs.setTiles({}, {});  // the naive grid's pages are not needed any more
    renderer.reset();       // nor the full pyramid's page pool

    // Selection cost: the same renderer over a source of one tile.
    scene::Scene oneTileScene = scene;
    oneTileScene.terrain = std::make_shared<OneTileSource>(scene.terrain);
    auto oneResult = render::SceneRenderer::create(ctx, oneTileScene, frame.renderPass(), 1);
    if (!oneResult) {
        printError(oneResult.error().message);
        return kExitError;
    }
    render::SceneRenderer& one = **oneResult;
    frame.resize(selectionSize.width, selectionSize.height);
    for (const auto& [name, full] : fullSelection) {
        const CameraPose pose = scene::toPose(*scene::findView(name), scene.geoidModel());
        const ViewState view = computeView(scene.frame, pose, selectionSize.width, selectionSize.height);
        streamToFullDetail(frame, one, view, settings, o.detailTimeout);
        TimedPass t{"one_tile", o.frames, [&] { one.prepare(bench::BenchFrame::kSlot, view, settings); },
                    [&](VkCommandBuffer cmd) { one.recordTransfers(cmd); },
                    [&](VkCommandBuffer cmd) { one.draw(cmd, bench::BenchFrame::kSlot); }};
        timeInterleaved(frame, {&t}, o.warmupFrames, clear);
        const render::FrameStats stats = one.stats();
        print(Record("selection")
                  .set("view", name)
                  .set("width", selectionSize.width)
                  .set("height", selectionSize.height)
                  .set("prepare_ms_one_tile", median(t.prepareMs))
                  .set("prepare_ms_full", full.number("prepare_ms"))
                  .set("cpu_ms_one_tile", median(t.cpuMs))
                  .set("cpu_ms_full", full.number("cpu_ms"))
                  .set("ms_one_tile", median(t.gpuMs))
                  .set("ms_full", full.number("ms_terrain"))
                  .set("leaves_one_tile", one.streamer()->stats().leaves)
                  .set("leaves_full", full.number("leaves"))
                  .set("triangles_one_tile", stats.triangles)
                  .set("draws_one_tile", terrainDraws(stats))
                  .set("triangles_full", full.number("triangles"))
                  .set("gpu_selection_ms_one_tile", gpuSelectionMs(stats))
                  .set("gpu_selection_ms_full", full.number("gpu_selection_ms")));
    }

    const uint32_t validationErrors = ctx.validationErrors();
    print(Record("summary").set("seconds", msSince(benchStart) / 1000.0).set("validation_errors", validationErrors));
    if (validationErrors) {
        printError(std::to_string(validationErrors) + " Vulkan validation error(s) (see messages above)");
        return kExitError;
    }
    return kExitOk;
}

}  // namespace fl::app
