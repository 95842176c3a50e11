// `frontline tiles build`: PMTiles elevation pyramids from GDAL rasters; `frontline tiles info`: what a tile
// source says about itself. `tiles` has its own grammar (inputs are positional), so its arguments arrive
// unparsed in Command::rest and are parsed here.
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "args.h"
#include "commands.h"
#include "core/parse.h"
#include "pyramid/pyramid_builder.h"
#include "terrain/tile_source.h"

namespace fl::app {
namespace {

std::string tilesUsage() {
    return "usage: frontline tiles build INPUT... --out FILE.pmtiles [OPTIONS]\n"
           "       frontline tiles info SOURCE [--encoding terrarium|mapbox]\n"
           "\n"
           "info: opens SOURCE as --terrain does (FILE.pmtiles, https://…/x.pmtiles, an XYZ directory,\n"
           "https://…/{z}/{x}/{y}.png, or a GDAL raster) and prints its kind, bounds, zooms, tile count, height\n"
           "encoding, tile size, attribution, synthesized detail and provenance.\n"
           "\n"
           "build:\n"
           "Builds a Terrarium PMTiles pyramid (256 px Web Mercator tiles, heights above MSL) from one or more\n"
           "GDAL rasters; later inputs are drawn on top of earlier ones, nodata is filled from coarser data.\n"
           "\n"
           "  --out FILE.pmtiles     output archive (required)\n"
           "  --max-zoom N           highest zoom, 0..20 (default: the finest input's native zoom)\n"
           "  --context-max-zoom N   zooms up to N cover all of the inputs, not just --bbox (context for wide shots)\n"
           "  --min-zoom N           lowest zoom, 0..20 (default 0)\n"
           "  --bbox W,S,E,N         region in degrees (default: the inputs' extent)\n"
           "  --synthesize-detail    fractal detail beyond the native zoom, averaging back to the source\n"
           "  --seed N               seed of the synthesized detail (default " +
           std::to_string(pyramid::kDefaultDetailSeed) +
           ")\n"
           "  --threads N            worker threads (default: all cores)\n"
           "  --attribution TEXT     credit line (default: known from the inputs, else their file names)\n"
           "  --allow-network        let inputs reach the network from inside (a VRT's URLs; see the README)\n";
}

constexpr int kMaxCliZoom = 20;

Result<int> parseInt(const std::string& text, const std::string& flag, int lo, int hi) {
    auto v = parseDouble(text, flag);
    if (!v) return v.error();
    if (*v != std::floor(*v) || *v < lo || *v > hi)
        return Error{flag + ": '" + text + "' is not a whole number in " + std::to_string(lo) + ".." +
                     std::to_string(hi)};
    return int(*v);
}

Result<pyramid::PyramidBuildOptions> parseBuild(const std::vector<std::string>& args) {
    pyramid::PyramidBuildOptions o;
    ArgParser p("tiles build: ", "tiles");
    p.flag("--synthesize-detail", [&] { o.synthesizeDetail = true; });
    p.flag(kAllowNetworkFlag, [] {});  // read in main(): GDAL's network switch is process-wide
    p.positionals(o.inputs);
    p.option("--out", "FILE", [&](const std::string& v) -> Status {
        o.outPath = v;
        return Ok{};
    });
    p.option("--context-max-zoom", "N", [&](const std::string& v) -> Status {
        auto z = parseInt(v, "--context-max-zoom", 0, kMaxCliZoom);
        if (!z) return z.error();
        o.contextMaxZoom = *z;
        return Ok{};
    });
    p.option("--min-zoom", "N", [&](const std::string& v) -> Status {
        auto z = parseInt(v, "--min-zoom", 0, kMaxCliZoom);
        if (!z) return z.error();
        o.minZoom = *z;
        return Ok{};
    });
    p.option("--max-zoom", "N", [&](const std::string& v) -> Status {
        auto z = parseInt(v, "--max-zoom", 0, kMaxCliZoom);
        if (!z) return z.error();
        o.maxZoom = *z;
        return Ok{};
    });
    p.option("--bbox", "W,S,E,N", [&](const std::string& v) -> Status {
        auto list = parseDoubleList(v, 4, "--bbox");
        if (!list) return Error{list.error().message + " (expected W,S,E,N in degrees)"};
        auto bbox = pyramid::checkBbox({(*list)[0], (*list)[1], (*list)[2], (*list)[3]}, "--bbox");
        if (!bbox) return bbox.error();
        o.bbox = *bbox;
        return Ok{};
    });
    p.option("--seed", "N", [&](const std::string& v) -> Status {
        auto seed = parseDouble(v, "--seed");
        if (!seed || *seed < 0 || *seed != std::floor(*seed) || *seed > 9007199254740992.0)
            return Error{"--seed: '" + v + "' is not a non-negative whole number"};
        o.detail.seed = uint64_t(*seed);
        return Ok{};
    });
    p.option("--threads", "N", [&](const std::string& v) -> Status {
        auto n = parseInt(v, "--threads", 1, 1024);
        if (!n) return n.error();
        o.threads = *n;
        return Ok{};
    });
    p.option("--attribution", "TEXT", [&](const std::string& v) -> Status {
        o.attribution = v;
        return Ok{};
    });
    if (Status s = p.parse(args); !s) return s.error();
    if (o.inputs.empty()) return Error{"tiles build: no input rasters (try `frontline tiles --help`)"};
    if (o.outPath.empty()) return Error{"tiles build: --out FILE.pmtiles is required"};
    if (o.maxZoom && *o.maxZoom < o.minZoom)
        return Error{"--max-zoom " + std::to_string(*o.maxZoom) + " is below --min-zoom " + std::to_string(o.minZoom)};
    return o;
}

// On a terminal one line redrawn with \r; in logs a line every 10 %, so CI output stays short.
class ProgressBar {
public:
    ProgressBar() : m_tty(::isatty(::fileno(stderr)) != 0), m_start(std::chrono::steady_clock::now()) {}

    void update(size_t done, size_t total) {
        const int percent = total ? int(done * 100 / total) : 100;
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - m_start).count();
        if (m_tty) {
            if (percent == m_lastPercent && done != total && seconds - m_lastDraw < 0.2) return;
            const int filled = percent * 30 / 100;
            std::fprintf(stderr, "\r[%s%s] %3d%%  %zu/%zu tiles  %.1f s", std::string(filled, '#').c_str(),
                         std::string(30 - filled, ' ').c_str(), percent, done, total, seconds);
            if (done == total) std::fputc('\n', stderr);
            std::fflush(stderr);
            m_lastDraw = seconds;
        } else if (percent / 10 > m_lastPercent / 10 || (m_lastPercent < 0 && percent >= 0 && done == total)) {
            std::fprintf(stderr, "frontline: tiles: %d%% (%zu/%zu tiles, %.1f s)\n", percent / 10 * 10, done, total,
                         seconds);
        }
        m_lastPercent = percent;
    }

private:
    bool m_tty;
    std::chrono::steady_clock::time_point m_start;
    int m_lastPercent = -1;
    double m_lastDraw = -1;
};

int runBuild(const std::vector<std::string>& args) {
    auto options = parseBuild(args);
    if (!options) {
        printError(options.error().message);
        return kExitUsage;
    }
    ProgressBar bar;
    options->progress = [&bar](size_t done, size_t total) { bar.update(done, total); };
    auto report = pyramid::buildPyramid(*options);
    if (!report) {
        printError(report.error().message);
        return kExitError;
    }
    std::string zooms;
    for (const auto& level : report->levels)
        zooms += " z" + std::to_string(level.zoom) + ":" + std::to_string(level.tiles) + (level.synthesized ? "*" : "");
    std::printf("%s: %zu tiles, %.1f MB in %.1f s (native zoom %d, source %.0f m%s)\n  tiles per zoom:%s\n",
                options->outPath.c_str(), report->tiles, double(report->bytes) / 1e6, report->seconds,
                report->nativeZoom, report->sourceResolutionMetres,
                report->synthesizedFromZoom
                    ? (", detail synthesized from z" + std::to_string(*report->synthesizedFromZoom) + " (*)").c_str()
                    : "",
                zooms.c_str());
    return kExitOk;
}

int runInfo(const std::vector<std::string>& args) {
    std::optional<std::string> spec;
    terrain::TileSourceOptions options;
    std::vector<std::string> sources;
    ArgParser p("tiles info: ", "tiles");
    p.flag(kAllowNetworkFlag, [] {});  // read in main()
    p.option("--encoding", "NAME", [&](const std::string& v) -> Status {
        auto e = terrain::parseEncoding(v);
        if (!e) return Error{"--encoding: " + e.error().message};
        options.encoding = *e;
        return Ok{};
    });
    p.positionals(sources);
    if (Status s = p.parse(args); !s) {
        printError(s.error().message);
        return kExitUsage;
    }
    if (sources.size() > 1) {
        printError("tiles info: one source at a time ('" + sources[0] + "', then '" + sources[1] + "')");
        return kExitUsage;
    }
    if (!sources.empty()) spec = sources[0];
    if (!spec) {
        printError("tiles info: no source (try `frontline tiles --help`)");
        return kExitUsage;
    }
    auto source = terrain::openTileSource(*spec, options);
    if (!source) {
        printError(source.error().message);
        return kExitError;
    }
    const terrain::TileSourceInfo& info = (*source)->info();
    std::string tiles = "unknown (only archives count their tiles)";
    if (info.tileCount) {
        auto count = [](uint64_t n) { return n ? std::to_string(n) : std::string("?"); };
        tiles = count(info.tileCount->addressed) + " addressed, " + count(info.tileCount->entries) +
                " directory entries, " + count(info.tileCount->contents) + " distinct contents";
    }
    // A GDAL source computes heights itself: no PNG encoding is involved.
    const std::string encoding = info.kind == terrain::TileSourceKind::GdalRaster
                                     ? "none (heights computed from the raster)"
                                     : std::string(terrain::encodingName(info.encoding));
    std::printf("name:         %s\n", info.name.c_str());
    std::printf("kind:         %s\n", std::string(terrain::kindName(info.kind)).c_str());
    std::printf("bounds:       %.6f,%.6f,%.6f,%.6f (W,S,E,N degrees)\n", info.bounds.west, info.bounds.south,
                info.bounds.east, info.bounds.north);
    std::printf("zooms:        %d..%d\n", info.minZoom, info.maxZoom);
    std::printf("tiles:        %s\n", tiles.c_str());
    std::printf("encoding:     %s\n", encoding.c_str());
    std::printf("tile size:    %d px\n", info.tileSize);
    std::printf("attribution:  %s\n", info.attribution.empty() ? "(none)" : info.attribution.c_str());
    if (info.synthesizedFromZoom)
        std::printf("synthesized:  detail from z%d (zooms %d..%d are synthesized, credit \"synthesized detail\")\n",
                    *info.synthesizedFromZoom, *info.synthesizedFromZoom, info.maxZoom);
    else
        std::printf("synthesized:  none\n");
    // Provenance is free text, one raster per line: each gets its own indented line.
    const char* label = "provenance:   ";
    size_t start = 0;
    if (info.provenance.empty()) std::printf("%s(none)\n", label);
    while (start < info.provenance.size()) {
        size_t end = info.provenance.find('\n', start);
        if (end == std::string::npos) end = info.provenance.size();
        if (end > start) {
            std::printf("%s%s\n", label, info.provenance.substr(start, end - start).c_str());
            label = "              ";
        }
        start = end + 1;
    }
    return kExitOk;
}

}  // namespace

int runTiles(const Command& cmd) {
    const std::vector<std::string>& rest = cmd.rest;
    if (rest.empty()) {
        printError("tiles: missing subcommand (known: build, info; try `frontline tiles --help`)");
        return kExitUsage;
    }
    if (rest[0] == "--help" || rest[0] == "-h" || rest[0] == "help") {
        std::fputs(tilesUsage().c_str(), stdout);
        return kExitOk;
    }
    if (rest[0] == "build") {
        const std::vector<std::string> args(rest.begin() + 1, rest.end());
        for (const auto& a : args)
            if (a == "--help" || a == "-h") {
                std::fputs(tilesUsage().c_str(), stdout);
                return kExitOk;
            }
        return runBuild(args);
    }
    if (rest[0] == "info") {
        const std::vector<std::string> args(rest.begin() + 1, rest.end());
        for (const auto& a : args)
            if (a == "--help" || a == "-h") {
                std::fputs(tilesUsage().c_str(), stdout);
                return kExitOk;
            }
        return runInfo(args);
    }
    printError("tiles: unknown subcommand '" + rest[0] + "' (known: build, info)");
    return kExitUsage;
}

}  // namespace fl::app
