// `frontline bench streaming`: how fast tiles decode and how long the streamer takes to reach full detail
// after a camera cut, measured without a GPU so the numbers are comparable on any machine (CI, laptops,
// lavapipe containers). Pages are uploaded by memcpy into host memory, so the copy cost stays in.
#include <png.h>
#include <time.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "args.h"
#include "bench.h"
#include "bench_timing.h"
#include "commands.h"
#include "core/camera.h"
#include "core/paths.h"
#include "net/loopback_server.h"
#include "scene/scene.h"
#include "scene/views.h"
#include "terrain/height_codec.h"
#include "terrain/tile_page.h"
#include "terrain/tile_source.h"
#include "terrain/tile_streamer.h"

namespace fl::app {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

std::string benchUsage() {
    return "usage: frontline bench streaming [--json] [--quick] [--terrain SOURCE] [--encoding NAME]\n"
           "       frontline bench terrain [--json] [--quick] [--terrain SOURCE] [--sizes WxH,...] ...\n"
           "       frontline bench overlays [--json] [--quick] [--story FILE] [--sizes WxH,...] ...\n"
           "\n"
           "Measures tile decoding (decodeHeightPng against a plain libpng decode) and the time to full detail\n"
           "after a camera cut for the named views, from the archive and from the same archive served over\n"
           "loopback HTTP. Needs no GPU: pages are copied into host memory. Keys: docs/benchmarks.md.\n"
           "\n"
           "  --json             one JSON object per line, each with a \"metric\" key\n"
           "  --quick            one view, a short decode loop (a smoke test, < 10 s)\n"
           "  --terrain SOURCE   tile source (default: the sample Kandahar pyramid); loopback HTTP only for a\n"
           "                     local .pmtiles file\n"
           "  --encoding NAME    terrarium | mapbox, where the source cannot say\n"
           "\n" +
           terrainBenchUsage() + "\n" + overlaysBenchUsage() + "\n" + storyBenchUsage() + "\n" + soakBenchUsage();
}

struct BenchOptions {
    bool json = false;
    bool quick = false;
    std::string terrain = paths::sampleTerrain();
    terrain::TileSourceOptions source;
};

double secondsSince(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

// CPU time of the whole process: on a shared machine wall time also counts other people's work, so the
// decode rates are given per CPU second as well.
double processCpuSeconds() {
    timespec t{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return double(t.tv_sec) + double(t.tv_nsec) * 1e-9;
}

double mib(double bytes) {
    return bytes / double(1 << 20);
}

// ---- decode throughput -------------------------------------------------------------------------------------

// The tiles of the two zooms at or above zoom 11 that the source covers, capped at ~256 around the centre of
// its bounds. For the sample pyramid that is all of z10-z11 (~190 real tiles, not synthesized ones).
std::vector<terrain::TileId> decodeSet(const terrain::TileSourceInfo& info) {
    const int top = std::clamp(11, info.minZoom, info.maxZoom);
    std::vector<terrain::TileId> tiles;
    for (int z = std::max(info.minZoom, top - 1); z <= top; ++z) {
        const terrain::TileBounds& b = info.bounds;
        const terrain::TileId nw = terrain::tileAt(b.north, b.west, z);
        const terrain::TileId se = terrain::tileAt(b.south, b.east, z);
        const terrain::TileId c = terrain::tileAt((b.north + b.south) / 2, (b.west + b.east) / 2, z);
        constexpr uint32_t kHalf = 6;  // at most 12x12 tiles per zoom for sources covering the world
        const uint32_t x0 = std::max(nw.x, c.x > kHalf ? c.x - kHalf : 0), x1 = std::min(se.x, c.x + kHalf);
        const uint32_t y0 = std::max(nw.y, c.y > kHalf ? c.y - kHalf : 0), y1 = std::min(se.y, c.y + kHalf);
        for (uint32_t y = y0; y <= y1; ++y)
            for (uint32_t x = x0; x <= x1; ++x) tiles.push_back({uint8_t(z), x, y});
    }
    return tiles;
}

// The baseline: the PNG work alone (inflate, unfilter, expand to RGBA8), without the height conversion and the
// plausibility check decodeHeightPng adds on top.
bool decodeRgba8(const std::vector<uint8_t>& png, std::vector<uint8_t>& pixels) {
    png_image image{};
    image.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_memory(&image, png.data(), png.size())) return false;
    image.format = PNG_FORMAT_RGBA;
    pixels.resize(PNG_IMAGE_SIZE(image));
    const bool ok = png_image_finish_read(&image, nullptr, pixels.data(), 0, nullptr) != 0;
    png_image_free(&image);
    return ok;
}

struct DecodeRun {
    uint64_t decodes = 0, bytes = 0;
    double seconds = 0, cpuSeconds = 0;
    bool failed = false;
};

// Decodes the set round-robin on `threads` threads until `minSeconds` have passed, stopping at the next pass
// boundary so every tile weighs about the same.
template <typename Decode>
DecodeRun decodeLoop(const std::vector<std::vector<uint8_t>>& pngs, int threads, double minSeconds, Decode decode) {
    const uint64_t n = pngs.size();
    std::atomic<uint64_t> next{0}, limit{UINT64_MAX}, done{0}, bytes{0};
    std::atomic<bool> failed{false};
    const Clock::time_point start = Clock::now();
    const double cpuStart = processCpuSeconds();
    auto work = [&] {
        std::vector<uint8_t> scratch;
        for (;;) {
            const uint64_t i = next.fetch_add(1);
            if (i >= limit.load()) return;
            if (i % n == 0 && i > 0 && secondsSince(start) >= minSeconds) {
                limit.store(i);  // indices are handed out in order: no thread starts one past this
                return;
            }
            if (!decode(pngs[i % n], scratch)) failed = true;
            bytes += pngs[i % n].size();
            ++done;
        }
    };
    std::vector<std::thread> pool;
    for (int t = 1; t < threads; ++t) pool.emplace_back(work);
    work();
    for (auto& t : pool) t.join();
    return {done.load(), bytes.load(), secondsSince(start), processCpuSeconds() - cpuStart, failed.load()};
}

Record decodeRecord(const std::string& decoder, int threads, size_t tiles, const DecodeRun& run) {
    Record r("decode");
    r.set("decoder", decoder)
        .set("threads", threads)
        .set("tiles", uint64_t(tiles))
        .set("decodes", run.decodes)
        .set("seconds", run.seconds)
        .set("cpu_seconds", run.cpuSeconds)
        .set("tiles_per_s", double(run.decodes) / run.seconds)
        .set("tiles_per_cpu_s", double(run.decodes) / std::max(run.cpuSeconds, 1e-9))
        .set("mb_per_s", double(run.bytes) / 1e6 / run.seconds)
        .set("ok", !run.failed);
    return r;
}

// ---- time to full detail -----------------------------------------------------------------------------------

// The GPU page pool as host memory: the streamer's uploads are real copies, as into a staging buffer.
class MemcpyUploader final : public terrain::TilePageUploader {
public:
    explicit MemcpyUploader(uint32_t pages) : m_pages(pages), m_memory(size_t(pages) * terrain::kPageBytes / 4) {}
    uint32_t pageCapacity() const override { return m_pages; }
    void upload(uint32_t page, const terrain::TilePage& data) override {
        std::memcpy(m_memory.data() + size_t(page) * terrain::kPageSize * terrain::kPageSize, data.heights.data(),
                    terrain::kPageBytes);
    }

private:
    uint32_t m_pages;
    std::vector<float> m_memory;
};

struct ViewCase {
    std::string name;
    terrain::SelectionView view;
};

// A camera cut to `view` with cold caches: a fresh source and streamer. Frames run back to back while the
// streamer has pages to upload; when it has none, the frame loop waits for a load (as the recorder does).
Record timeToFullDetail(const ViewCase& view, const std::string& sourceLabel,
                        std::shared_ptr<terrain::TileSource> source, double timeoutSeconds) {
    terrain::StreamingOptions options;  // the app's defaults
    // As the renderer sizes its pool: the budget in pages, at least 16 (lavapipe allows 2048 layers).
    const uint32_t pages = uint32_t(std::max<uint64_t>(16, options.gpuCacheBytes / terrain::kPageBytes));
    MemcpyUploader uploader(pages);
    terrain::TileStreamer streamer(std::move(source), uploader, options);
    const Clock::time_point start = Clock::now();
    uint64_t frame = 0;
    terrain::Readiness readiness;
    bool timedOut = false;
    for (;;) {
        ++frame;
        const uint64_t uploadsBefore = streamer.stats().uploads;
        streamer.update(view.view, terrain::FrameClock{frame, frame - 1});
        readiness = streamer.readiness();
        if (readiness.resolved) break;
        if (readiness.missing.empty() && streamer.idle()) break;  // only failed tiles are left
        if (secondsSince(start) > timeoutSeconds) {
            timedOut = true;
            break;
        }
        if (streamer.stats().uploads == uploadsBefore) streamer.waitForProgress(std::chrono::milliseconds(20));
    }
    const double ms = secondsSince(start) * 1e3;
    const terrain::StreamingStats s = streamer.stats();
    Record r("time_to_full_detail");
    r.set("view", view.name)
        .set("source", sourceLabel)
        .set("resolved", readiness.resolved)
        .set("timed_out", timedOut)
        .set("ms", ms)
        .set("frames", frame)
        .set("requested", s.requested)
        .set("loaded", s.loaded)
        .set("missing", s.missing)
        .set("failed", s.failed)
        .set("cancelled", s.cancelled)
        .set("needed", s.leaves)
        .set("fetched_per_needed", s.leaves ? double(s.loaded) / s.leaves : 0.0)
        .set("cpu_peak_bytes", s.cpuPeakBytes)
        .set("cpu_budget_bytes", s.cpuBudget)
        .set("gpu_peak_bytes", s.gpuPeakBytes)
        .set("gpu_budget_bytes", s.gpuBudget)
        .set("decoded_bytes", s.decodedBytes)
        .set("uploads", s.uploads)
        .set("uploaded_bytes", s.uploadedBytes);
    return r;
}

// ---- output ------------------------------------------------------------------------------------------------

class Printer {
public:
    explicit Printer(bool json) : m_json(json) {}

    void header(const std::string& text) {
        if (!m_json) std::printf("%s\n", text.c_str());
    }

    void record(const Record& r) {
        if (m_json) {
            std::printf("%s\n", r.json().c_str());
            std::fflush(stdout);
            return;
        }
        const std::string metric = r.text("metric");
        if (metric == "source") {
            std::printf("source: %s (%s), zooms %d..%d; %d hardware threads\n", r.text("name").c_str(),
                        r.text("kind").c_str(), int(r.number("min_zoom")), int(r.number("max_zoom")),
                        int(r.number("hardware_threads")));
        } else if (metric == "decode_set") {
            std::printf("decode set: %d tiles from z%d-z%d, %.2f MB of PNG (%.1f KB a tile)\n", int(r.number("tiles")),
                        int(r.number("min_zoom")), int(r.number("max_zoom")), r.number("png_bytes") / 1e6,
                        r.number("png_bytes") / 1e3 / std::max(1.0, r.number("tiles")));
        } else if (metric == "decode") {
            std::printf(
                "  %-18s %2d thread%s %6.0f tiles/s %6.1f MB/s %6.0f tiles/CPU-s  (%llu decodes, %.2f s, "
                "%.2f CPU-s)%s\n",
                r.text("decoder").c_str(), int(r.number("threads")), r.number("threads") == 1 ? " " : "s",
                r.number("tiles_per_s"), r.number("mb_per_s"), r.number("tiles_per_cpu_s"),
                (unsigned long long)r.number("decodes"), r.number("seconds"), r.number("cpu_seconds"),
                r.flag("ok") ? "" : "  DECODE ERRORS");
        } else if (metric == "decode_overhead") {
            std::printf("  decode_height_png takes %.2fx the CPU time of the plain libpng decode\n",
                        r.number("time_ratio"));
        } else if (metric == "time_to_full_detail") {
            if (!m_tableHeader) {
                std::printf(
                    "time to full detail after a camera cut (1920x1080, exaggeration 2, cold caches):\n"
                    "  %-18s %-14s %8s %6s %7s %7s %6s %8s %17s %17s %9s\n",
                    "view", "source", "ms", "frames", "loaded", "needed", "ratio", "requests", "cpu peak/budget",
                    "gpu peak/budget", "decoded");
                m_tableHeader = true;
            }
            std::printf("  %-18s %-14s %8.0f %6d %7d %7d %6.2f %8d %7.1f/%5.0f MiB %7.1f/%5.0f MiB %6.1f MB%s\n",
                        r.text("view").c_str(), r.text("source").c_str(), r.number("ms"), int(r.number("frames")),
                        int(r.number("loaded")), int(r.number("needed")), r.number("fetched_per_needed"),
                        int(r.number("requested")), mib(r.number("cpu_peak_bytes")), mib(r.number("cpu_budget_bytes")),
                        mib(r.number("gpu_peak_bytes")), mib(r.number("gpu_budget_bytes")),
                        r.number("decoded_bytes") / 1e6,
                        r.flag("resolved") ? "" : (r.flag("timed_out") ? "  TIMED OUT" : "  UNRESOLVED"));
            if (r.number("http_requests") > 0)
                std::printf("  %-18s %-14s %d HTTP requests served\n", "", "", int(r.number("http_requests")));
        } else if (metric == "skipped") {
            std::printf("skipped: %s\n", r.text("what").c_str());
        } else if (metric == "summary") {
            std::printf(
                "summary: decode %.0f tiles/s (libpng alone %.0f, %.2fx), %d thread%s %.0f tiles/s; full detail "
                "in %.0f ms at worst over %d runs%s; bench took %.1f s\n",
                r.number("decode_tiles_per_s"), r.number("libpng_tiles_per_s"), r.number("decode_time_ratio"),
                int(r.number("decode_threads")), r.number("decode_threads") == 1 ? "" : "s",
                r.number("parallel_tiles_per_s"), r.number("worst_ms_to_full_detail"), int(r.number("runs")),
                r.flag("all_resolved") ? ", all resolved" : ", SOME UNRESOLVED", r.number("seconds"));
        }
        std::fflush(stdout);
    }

private:
    bool m_json;
    bool m_tableHeader = false;
};

Result<BenchOptions> parseBench(const std::vector<std::string>& args) {
    BenchOptions o;
    ArgParser p("bench streaming: ", "bench");
    p.flag("--json", [&] { o.json = true; });
    p.flag("--quick", [&] { o.quick = true; });
    declareTerrainOptions(p, o.terrain, o.source);
    if (Status s = p.parse(args); !s) return s.error();
    return o;
}

bool isLocalPmtiles(const std::string& spec) {
    std::error_code ec;
    return spec.size() > 8 && spec.compare(spec.size() - 8, 8, ".pmtiles") == 0 && fs::is_regular_file(spec, ec);
}

int runStreaming(const BenchOptions& o) {
    const Clock::time_point benchStart = Clock::now();
    Printer out(o.json);

    scene::SceneOptions sceneOptions;
    sceneOptions.terrain = o.terrain;
    sceneOptions.terrainSource = o.source;
    auto scene = scene::loadScene(sceneOptions);
    if (!scene) {
        printError(scene.error().message);
        return kExitError;
    }
    const terrain::TileSourceInfo info = scene->terrain->info();
    const int hardwareThreads = std::max(1, int(std::thread::hardware_concurrency()));
    out.record(Record("source")
                   .set("name", info.name)
                   .set("kind", std::string(terrain::kindName(info.kind)))
                   .set("min_zoom", info.minZoom)
                   .set("max_zoom", info.maxZoom)
                   .set("hardware_threads", hardwareThreads)
                   .set("quick", o.quick));

    // a. Decode throughput on real tiles of the source.
    double heightRate = 0, libpngRate = 0, parallelRate = 0, timeRatio = 0;
    std::vector<std::vector<uint8_t>> pngs;
    std::vector<terrain::TileId> set = decodeSet(info);
    if (o.quick && set.size() > 48) set.erase(set.begin(), set.end() - 48);  // the finest zoom's tiles
    uint64_t pngBytes = 0;
    for (terrain::TileId t : set) {
        terrain::CancelFlag never;
        terrain::TileFetch f = scene->terrain->fetch(t, never);
        if (f.status == terrain::TileFetch::Status::Failed) {
            printError(f.error.message);
            return kExitError;
        }
        if (f.status != terrain::TileFetch::Status::Ok || f.png.empty()) continue;
        pngBytes += f.png.size();
        pngs.push_back(std::move(f.png));
    }
    if (pngs.empty()) {
        out.record(Record("skipped").set("what",
                                         "decode throughput: the source has no PNG tiles at z10-z11 (a GDAL "
                                         "raster computes heights itself)"));
    } else {
        out.record(Record("decode_set")
                       .set("tiles", uint64_t(pngs.size()))
                       .set("min_zoom", int(set.front().z))
                       .set("max_zoom", int(set.back().z))
                       .set("png_bytes", pngBytes));
        const double minSeconds = o.quick ? 0.2 : 1.0;
        const terrain::HeightEncoding encoding = info.encoding;
        auto libpng = [](const std::vector<uint8_t>& png, std::vector<uint8_t>& scratch) {
            return decodeRgba8(png, scratch);
        };
        auto heights = [encoding](const std::vector<uint8_t>& png, std::vector<uint8_t>&) {
            return bool(terrain::decodeHeightPng(png, encoding, "bench"));
        };
        const DecodeRun base = decodeLoop(pngs, 1, minSeconds, libpng);
        const Record baseRecord = decodeRecord("libpng_rgba8", 1, pngs.size(), base);
        out.record(baseRecord);
        const DecodeRun full = decodeLoop(pngs, 1, minSeconds, heights);
        const Record fullRecord = decodeRecord("decode_height_png", 1, pngs.size(), full);
        out.record(fullRecord);
        libpngRate = baseRecord.number("tiles_per_s");
        heightRate = fullRecord.number("tiles_per_s");
        // By CPU time per decode: on a shared machine the wall-clock rates also move with other processes' load.
        timeRatio = baseRecord.number("tiles_per_cpu_s") / fullRecord.number("tiles_per_cpu_s");
        // As many threads as the streamer's decode pool gets by default (StreamingOptions::decodeThreads = 0).
        const DecodeRun parallel = decodeLoop(pngs, hardwareThreads, minSeconds, heights);
        const Record parallelRecord = decodeRecord("decode_height_png", hardwareThreads, pngs.size(), parallel);
        out.record(parallelRecord);
        parallelRate = parallelRecord.number("tiles_per_s");
        out.record(Record("decode_overhead").set("time_ratio", timeRatio));
        if (base.failed || full.failed) {
            printError("bench streaming: tiles of " + info.name + " failed to decode (wrong --encoding?)");
            return kExitError;
        }
    }

    // b. Time to full detail after a camera cut.
    std::vector<ViewCase> views;
    for (const char* name : {"kandahar-overview", "spin-boldak", "region-top-down"}) {
        const scene::CameraSpec* spec = scene::findView(name);
        if (!spec) continue;
        const CameraPose pose = scene::toPose(*spec, scene->geoidModel());
        views.push_back({name, {computeView(scene->frame, pose, 1920, 1080), scene->frame, 2.0}});
        if (o.quick) break;
    }
    std::optional<net::LoopbackHttpServer> server;
    std::string remoteUrl;
    if (isLocalPmtiles(o.terrain)) {
        const fs::path path = fs::absolute(o.terrain);
        server.emplace(path.parent_path().string());
        if (!server->ok()) {
            printError("bench streaming: cannot listen on 127.0.0.1 for the loopback HTTP run");
            return kExitError;
        }
        // Appended rather than "/" + name: GCC 12 warns falsely (-Wrestrict) on operator+(const char*, string&&).
        std::string urlPath = "/";
        urlPath += path.filename().string();
        remoteUrl = server->url(urlPath);
    } else {
        out.record(Record("skipped").set("what", "loopback HTTP: --terrain is not a local .pmtiles file"));
    }
    const double timeoutSeconds = o.quick ? 20 : 30;
    double worstMs = 0;
    bool allResolved = true;
    int runs = 0;
    for (const ViewCase& view : views) {
        for (int remote = 0; remote < (server ? 2 : 1); ++remote) {
            auto source = terrain::openTileSource(remote ? remoteUrl : o.terrain, o.source);
            if (!source) {
                printError(source.error().message);
                return kExitError;
            }
            if (remote) server->resetCounters();
            Record r = timeToFullDetail(view, remote ? "loopback_http" : "file",
                                        std::shared_ptr<terrain::TileSource>(std::move(*source)), timeoutSeconds);
            if (remote) r.set("http_requests", uint64_t(server->totalRequests()));
            out.record(r);
            worstMs = std::max(worstMs, r.number("ms"));
            allResolved = allResolved && r.flag("resolved");
            ++runs;
        }
    }

    out.record(Record("summary")
                   .set("decode_tiles_per_s", heightRate)
                   .set("libpng_tiles_per_s", libpngRate)
                   .set("decode_time_ratio", timeRatio)
                   .set("decode_threads", hardwareThreads)
                   .set("parallel_tiles_per_s", parallelRate)
                   .set("runs", runs)
                   .set("worst_ms_to_full_detail", worstMs)
                   .set("all_resolved", allResolved)
                   .set("seconds", secondsSince(benchStart)));
    return kExitOk;
}

}  // namespace

int runBench(const Command& cmd) {
    const std::vector<std::string>& rest = cmd.rest;
    if (rest.empty()) {
        printError(
            "bench: missing benchmark (known: streaming, terrain, overlays, story, soak; try `frontline bench "
            "--help`)");
        return kExitUsage;
    }
    for (const auto& a : rest)
        if (a == "--help" || a == "-h" || a == "help") {
            std::fputs(benchUsage().c_str(), stdout);
            return kExitOk;
        }
    if (rest[0] == "terrain") return runTerrainBench(std::vector<std::string>(rest.begin() + 1, rest.end()));
    if (rest[0] == "overlays") return runOverlaysBench(std::vector<std::string>(rest.begin() + 1, rest.end()));
    if (rest[0] == "story") return runStoryBench(std::vector<std::string>(rest.begin() + 1, rest.end()));
    if (rest[0] == "soak") return runSoakBench(std::vector<std::string>(rest.begin() + 1, rest.end()));
    if (rest[0] != "streaming") {
        printError("bench: unknown benchmark '" + rest[0] + "' (known: streaming, terrain, overlays, story, soak)");
        return kExitUsage;
    }
    auto options = parseBench(std::vector<std::string>(rest.begin() + 1, rest.end()));
    if (!options) {
        printError(options.error().message);
        return kExitUsage;
    }
    return runStreaming(*options);
}

}  // namespace fl::app
