#include "cli.h"

#include "args.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

#include "pyramid/pyramid_builder.h"
#include "story/story.h"
#include "terrain/gdal_network.h"

namespace fl::app {

namespace {

// A whole number in lo..hi, checked as a double before the cast: casting 1e10 to int is undefined behaviour
// (UBSan caught `--frames 1e10` and `--device 1e10`).
std::optional<int> wholeNumberIn(double v, int lo, int hi) {
    if (!(v >= lo && v <= hi) || v != std::floor(v)) return std::nullopt;
    return int(v);
}

}  // namespace

std::string usage() {
    return "usage: frontline [COMMAND] [OPTIONS]\n"
           "\n"
           "commands:\n"
           "  (none)    open the window when a display is available, otherwise render every named view to out/\n"
           "  window    open the interactive window (orbit: left drag, pan: right drag, zoom: wheel, quit: Esc)\n"
           "  render    render one frame offscreen to a PNG\n"
           "  record    record the story's shot: PNG/EXR sequences or a ProRes 4444 clip (see below)\n"
           "  views     list the named views\n"
           "  devices   list the Vulkan devices\n"
           "  tiles     elevation tile pyramids: `tiles build INPUT... --out FILE.pmtiles`, `tiles info SOURCE`\n"
           "            (see `tiles --help`)\n"
           "  bench     measurements: `bench streaming [--json] [--quick] [--terrain SOURCE]` (no GPU),\n"
           "            `bench terrain [--json] [--quick] [--sizes WxH,...]`, `bench overlays [--json] [--quick]\n"
           "            [--story FILE] [--sizes WxH,...]`, `bench story [--json]`, `bench soak [--frames N]`\n"
           "            (see `bench --help`)\n"
           "  story     the story document: `story import-geojson FILE --into STORY`,\n"
           "            `story export-geojson STORY --out FILE`, `story info STORY` (see `story --help`)\n"
           "\n"
           "render options:\n"
           "  --view NAME                              a named view (see `frontline views`)\n"
           "  --camera LAT,LON,ALT_M,HEADING_DEG,PITCH_DEG  a camera instead (altitude above mean sea level)\n"
           "  --at SECONDS                             the story's shot at that presentation time: its camera\n"
           "                                           track and its clock (the frame `record` writes then)\n"
           "  --size WxH                               output size (default 1280x720)\n"
           "  --out FILE.png                           output file (default out/<view>.png)\n"
           "  --time ISO-8601                          story time, e.g. 2021-07-14T12:00Z (default: the story's\n"
           "                                           last keyframe)\n"
           "  --allow-degraded                         exit 0 even when the still is not at full detail (otherwise\n"
           "                                           exit 3: tiles missing or drawn from coarser ones)\n"
           "\n"
           "record options (with --story, --size, --out, --allow-degraded, --view and the common ones):\n"
           "  --out PATH            a folder (frame.######.png), a pattern with #### for the frame number, or a .mov\n"
           "  --format F            png (8-bit, default) | png16 | exr (half, premultiplied, ZIP) | prores (4444)\n"
           "  --fps RATE            25 (default) | 29.97 | 50 | 59.94 | 23.976 | 24 | 30 | 60 (exact rationals)\n"
           "  --frames A-B          frames A..B inclusive (default: the whole shot); ranges split a job exactly\n"
           "  --start-timecode TC   timecode of frame 0, HH:MM:SS:FF (HH:MM:SS;FF drop-frame at 29.97/59.94)\n"
           "  --alpha               transparent sky, for key and fill\n"
           "  --layers graphics     the story's graphics alone (areas, fronts, arrows, routes, labels, caption,\n"
           "                        legend) with alpha, for compositing over other pictures\n"
           "  --samples N --shutter DEG  motion blur: N sub-frames over DEG of shutter (default 1, 180)\n"
           "  --resume              skip sequence frames already complete\n"
           "  --timeout SECONDS     per frame, for full detail (default 120), then fail naming the tiles\n"
           "  --json                a JSON line per frame on stdout (time, tiles waited for, ms)\n"
           "  --job slurm|openjd --chunk N  write a render-farm job script (one task per N frames) instead\n"
           "\n"
           "window options:\n"
           "  --view NAME           the view to start from (default kandahar-overview)\n"
           "  --frames N            quit after N frames\n"
           "  --size WxH            window size (default 1280x720)\n"
           "  --story FILE          watched: an outside save shows at once; one that does not parse shows a\n"
           "                        banner naming the problem and keeps the last good story\n"
           "  --log-frames          one line per frame on stderr (frame number, terrain detail, loads in flight)\n"
           "  --follow-track        start on the story's camera track (panel: \"Camera track\" / free camera, Play,\n"
           "                        and \"Safe areas\": title-safe 90 %, action-safe 93 %)\n"
           "\n"
           "common options:\n"
           "  --terrain SOURCE      streamed elevation: FILE.pmtiles, https://…/x.pmtiles, an XYZ directory,\n"
           "                        https://…/{z}/{x}/{y}.png, or any GDAL raster (default: the sample Kandahar "
           "pyramid)\n"
           "  --encoding NAME       terrarium | mapbox, where the terrain source cannot say\n"
           "  --bounds W,S,E,N      where an XYZ directory or URL template has tiles, where it has no TileJSON\n"
           "                        (tiles.json / metadata.json) saying so; no tile outside is requested\n"
           "  --min-zoom N, --max-zoom N  zooms of an XYZ directory or URL template (default: its TileJSON's,\n"
           "                        else 0..15)\n"
           "  --dem FILE            raster the lines and names are draped on, any GDAL format (default: the embedded\n"
           "                        Kandahar GMTED2010)\n"
           "  --story FILE          the story drawn over the terrain (default: the embedded Spin Boldak 2021\n"
           "                        story); `none` for terrain alone\n"
           "  --strict              a story key that looks like a typo of a known one (\"stauts\") is an error,\n"
           "                        not a warning\n"
           "  --device N            Vulkan device index (see `frontline devices`)\n"
           "  --exaggeration X      vertical exaggeration (default 2)\n"
           "  --sun AZ,EL           sun azimuth and elevation in degrees (default 250,30)\n"
           "  --no-labels           hide place names\n"
           "  --no-borders          hide the border line\n"
           "  --allow-network       let GDAL inputs reach the network from inside (a VRT's URLs, an http:// source in\n"
           "                        a file); a URL given here on the command line needs no flag\n"
           "environment: FRONTLINE_VALIDATION=1 enables the Vulkan validation layers.\n";
}

namespace {

// The options of the window, `render` and every command that draws (see usage()).
void declareOptions(ArgParser& p, Command& cmd) {
    p.flag("--no-labels", [&] { cmd.common.settings.labels = false; });
    p.flag("--no-borders", [&] { cmd.common.settings.borders = false; });
    p.flag("--strict", [&] { cmd.common.strict = true; });
    p.flag(kAllowNetworkFlag, [&] { cmd.common.allowNetwork = true; });
    p.flag("--allow-degraded", [&] { cmd.render.allowDegraded = true; });
    p.flag("--log-frames", [&] { cmd.window.logFrames = true; });
    p.flag("--follow-track", [&] { cmd.window.followTrack = true; });
    p.option("--view", "NAME", [&](const std::string& s) -> Status {
        const scene::CameraSpec* view = scene::findView(s);
        if (!view) return Error{"--view: unknown view '" + s + "' (known: " + scene::viewNames() + ")"};
        cmd.render.camera = *view;
        return Ok{};
    });
    p.option("--camera", "LAT,LON,ALT_M,HEADING_DEG,PITCH_DEG", [&](const std::string& s) -> Status {
        auto c = scene::parseCameraSpec(s);
        if (!c) return c.error();
        cmd.render.camera = *c;
        return Ok{};
    });
    p.option("--at", "SECONDS", [&](const std::string& s) -> Status {
        auto t = parseDouble(s, "--at");
        if (!t) return t.error();
        if (*t < 0) return Error{"--at: " + s + " is before the start of the story (0 s)"};
        cmd.render.at = *t;
        return Ok{};
    });
    p.option("--size", "WxH", [&](const std::string& s) -> Status {
        auto size = parseImageSize(s);
        if (!size) return size.error();
        cmd.render.size = *size;
        return Ok{};
    });
    p.option("--out", "FILE", [&](const std::string& s) -> Status {
        cmd.render.out = s;
        return Ok{};
    });
    p.option("--terrain", "SOURCE", [&](const std::string& s) -> Status {
        if (s.empty()) return Error{"--terrain needs a source"};
        cmd.common.scene.terrain = s;
        return Ok{};
    });
    p.option("--encoding", "NAME", [&](const std::string& s) -> Status {
        auto e = terrain::parseEncoding(s);
        if (!e) return Error{"--encoding: " + e.error().message};
        cmd.common.scene.terrainSource.encoding = *e;
        return Ok{};
    });
    p.option("--dem", "FILE", [&](const std::string& s) -> Status {
        cmd.common.scene.demPath = s;
        return Ok{};
    });
    p.option("--device", "N", [&](const std::string& s) -> Status {
        auto d = parseDouble(s, "--device");
        const auto index = d ? wholeNumberIn(*d, 0, 1 << 16) : std::nullopt;
        if (!index) return Error{"--device: '" + s + "' is not a device index"};
        cmd.common.deviceIndex = *index;
        return Ok{};
    });
    p.option("--exaggeration", "X", [&](const std::string& s) -> Status {
        auto x = parseDouble(s, "--exaggeration");
        if (!x) return x.error();
        if (*x < 0 || *x > 50) return Error{"--exaggeration: " + s + " is outside 0..50"};
        cmd.common.exaggeration = *x;
        return Ok{};
    });
    if (cmd.name != "record")
        p.option("--frames", "N", [&](const std::string& s) -> Status {
            auto n = parseDouble(s, "--frames");
            const auto frames = n ? wholeNumberIn(*n, 0, std::numeric_limits<int>::max()) : std::nullopt;
            if (!frames) return Error{"--frames: '" + s + "' is not a frame count"};
            cmd.window.frames = *frames;
            return Ok{};
        });
    p.option("--story", "FILE", [&](const std::string& s) -> Status {
        if (s.empty()) return Error{"--story needs a story file (or 'none')"};
        cmd.common.storyPath = s == "none" ? "" : s;
        return Ok{};
    });
    p.option("--time", "ISO-8601", [&](const std::string& s) -> Status {
        auto t = story::parseStoryTime(s);
        if (!t) return Error{"--time: " + t.error().message};
        cmd.common.storyTime = *t;
        return Ok{};
    });
    p.option("--bounds", "W,S,E,N", [&](const std::string& s) -> Status {
        auto b = parseDoubleList(s, 4, "--bounds");
        if (!b) return b.error();
        auto checked = pyramid::checkBbox({(*b)[0], (*b)[1], (*b)[2], (*b)[3]}, "--bounds");
        if (!checked) return checked.error();
        cmd.common.scene.terrainSource.bounds = *checked;
        return Ok{};
    });
    for (const char* name : {"--min-zoom", "--max-zoom"})
        p.option(name, "N", [&cmd, name = std::string(name)](const std::string& s) -> Status {
            auto z = parseDouble(s, name);
            if (!z || *z < 0 || *z > terrain::kMaxTileZoom || *z != static_cast<int>(*z))
                return Error{name + ": '" + s + "' is not a zoom 0.." + std::to_string(terrain::kMaxTileZoom)};
            (name == "--min-zoom" ? cmd.common.scene.terrainSource.minZoom : cmd.common.scene.terrainSource.maxZoom) =
                static_cast<int>(*z);
            return Ok{};
        });
    p.option("--sun", "AZ,EL", [&](const std::string& s) -> Status {
        auto sun = parseDoubleList(s, 2, "--sun");
        if (!sun) return sun.error();
        if ((*sun)[1] < 0 || (*sun)[1] > 90) return Error{"--sun: elevation must be 0..90 degrees"};
        cmd.common.sunAzimuth = (*sun)[0];
        cmd.common.sunElevation = (*sun)[1];
        return Ok{};
    });
}

// The recorder's own options (usage(): "record options").
void declareRecordOptions(ArgParser& p, RecordOptions& r) {
    auto text = [&p](const char* name, const char* what, std::string& out) {
        p.option(name, what, [&out, name = std::string(name)](const std::string& s) -> Status {
            if (s.empty()) return Error{name + " needs a value"};
            out = s;
            return Ok{};
        });
    };
    text("--format", "png|png16|exr|prores", r.format);
    text("--fps", "RATE", r.fps);
    text("--start-timecode", "HH:MM:SS:FF", r.startTimecode);
    text("--job", "slurm|openjd", r.job);
    p.option("--frames", "A-B", [&](const std::string& s) -> Status {
        r.frames = s;
        return Ok{};
    });
    p.flag("--alpha", [&] { r.alpha = true; });
    p.option("--layers", "all|graphics", [&](const std::string& s) -> Status {
        if (s != "all" && s != "graphics") return Error{"--layers: '" + s + "' is not all or graphics"};
        r.graphicsOnly = s == "graphics";
        return Ok{};
    });
    p.flag("--json", [&] { r.json = true; });
    p.flag("--resume", [&] { r.resume = true; });
    auto whole = [&p](const char* name, int lo, int hi, int& out) {
        p.option(name, "N", [&out, lo, hi, name = std::string(name)](const std::string& s) -> Status {
            auto v = parseDouble(s, name);
            const auto n = v ? wholeNumberIn(*v, lo, hi) : std::nullopt;
            if (!n)
                return Error{name + ": '" + s + "' is not a whole number " + std::to_string(lo) + ".." +
                             std::to_string(hi)};
            out = *n;
            return Ok{};
        });
    };
    whole("--samples", 1, 64, r.samples);
    whole("--chunk", 1, 1000000, r.chunk);
    p.option("--shutter", "DEG", [&](const std::string& s) -> Status {
        auto v = parseDouble(s, "--shutter");
        if (!v || *v < 0 || *v > 360) return Error{"--shutter: '" + s + "' is not an angle 0..360"};
        r.shutter = *v;
        return Ok{};
    });
    p.option("--timeout", "SECONDS", [&](const std::string& s) -> Status {
        auto v = parseDouble(s, "--timeout");
        if (!v || *v <= 0 || *v > 86400) return Error{"--timeout: '" + s + "' is not a number of seconds 0..86400"};
        r.timeoutSeconds = *v;
        return Ok{};
    });
}

}  // namespace

Result<Command> parseCommandLine(const std::vector<std::string>& args) {
    Command cmd;
    cmd.args = args;
    std::vector<std::string> options = args;
    if (!args.empty() && args[0].rfind("-", 0) != 0) {
        cmd.name = args[0];
        if (cmd.name != "render" && cmd.name != "record" && cmd.name != "window" && cmd.name != "views" &&
            cmd.name != "devices" && cmd.name != "tiles" && cmd.name != "bench" && cmd.name != "story" &&
            cmd.name != "help")
            return Error{"unknown command '" + cmd.name + "' (try `frontline --help`)"};
        if (cmd.name == "tiles" || cmd.name == "bench" || cmd.name == "story") {  // their own options: *_command.cpp
            cmd.rest.assign(args.begin() + 1, args.end());
            return cmd;
        }
        options.erase(options.begin());
    }
    ArgParser parser(cmd.name == "record" ? "record: " : "", "");
    declareOptions(parser, cmd);
    if (cmd.name == "record") declareRecordOptions(parser, cmd.record);
    if (Status s = parser.parse(options); !s) return s.error();
    if (parser.helpRequested()) cmd.name = "help";
    return cmd;
}

Look lookFor(const CommonOptions& common, const Look* story) {
    Look look = story ? *story : Look{};
    if (common.exaggeration) look.exaggeration = *common.exaggeration;
    if (common.sunAzimuth) look.sunAzimuth = *common.sunAzimuth;
    if (common.sunElevation) look.sunElevation = *common.sunElevation;
    // --no-labels, --no-borders: switches off, never on against the story's choice.
    look.labels = look.labels && common.settings.labels;
    look.borders = look.borders && common.settings.borders;
    return look;
}

bool commandLineAllowsNetwork(const std::vector<std::string>& args) {
    return std::any_of(args.begin(), args.end(),
                       [](const std::string& a) { return a == kAllowNetworkFlag || terrain::isRemoteGdalInput(a); });
}

}  // namespace fl::app
