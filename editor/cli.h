// editor/cli.h — the command line of `frontline`.
// Owns: turning argv into options shared by every subcommand (terrain source, device, look settings)
// and the per-command ones, with one-line errors for anything malformed.
#pragma once

#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "core/look.h"
#include "core/parse.h"
#include "core/paths.h"
#include "core/result.h"
#include "render/scene_renderer.h"
#include "scene/scene.h"
#include "scene/views.h"

namespace fl::app {

struct CommonOptions {
    scene::SceneOptions scene;
    int deviceIndex = -1;  // --device N
    bool allowNetwork =
        false;  // --allow-network: GDAL inputs may reach the network from inside (README); main() applies it
    // The story drawn over the terrain (`--story FILE`; "" = none, `--story none`): control areas, fronts,
    // routes, arrows, its labels (which replace the scene's markers) and the caption, legend and attribution.
    std::string storyPath = paths::asset("stories/spin-boldak-2021.json");
    // The playhead (`--time`): a story time, or NaN for the story's last keyframe.
    double storyTime = std::numeric_limits<double>::quiet_NaN();
    // The frame's switches; its look part is the defaults, replaced by the story's look and then by these
    // options where given (see lookFor()).
    render::RenderSettings settings;
    // --strict: a story key that is a near miss of a known one ("stauts") fails the load instead of being a
    // warning. Default off: unknown keys are kept for forward compatibility.
    bool strict = false;
    std::optional<double> exaggeration;              // --exaggeration
    std::optional<double> sunAzimuth, sunElevation;  // --sun AZ,EL
};

// The look a frame uses: the story's (`story` may be null), with what the command line set on top.
Look lookFor(const CommonOptions& common, const Look* story);

struct RenderOptions {
    std::optional<scene::CameraSpec> camera;  // --view NAME or --camera LAT,LON,ALT_M,HEADING_DEG,PITCH_DEG
    ImageSize size{1280, 720};                // --size WxH
    std::string out;                          // --out FILE.png (default out/<view>.png)
    bool allowDegraded = false;               // --allow-degraded: exit 0 even when not at full detail
    // --at SECONDS: the story's shot at that presentation time (its camera track and its clock together)
    std::optional<double> at;
};

// `frontline record` (record_command.cpp); values that depend on each other are checked there.
struct RecordOptions {
    std::string format = "png";         // --format png|png16|exr|prores
    std::string fps = "25";             // --fps 25|29.97|50|59.94 (and 23.976, 24, 30, 60)
    std::optional<std::string> frames;  // --frames A-B (default: the whole shot)
    std::string startTimecode;          // --start-timecode HH:MM:SS:FF (default 00:00:00:00)
    bool alpha = false;                 // --alpha: the sky transparent (key and fill)
    bool graphicsOnly = false;          // --layers graphics: the story's graphics alone, with alpha
    int samples = 1;                    // --samples N: temporal sub-frames per frame
    double shutter = 180;               // --shutter DEG: the open shutter, of 360 per frame
    bool json = false;                  // --json: a JSON line per frame on stdout
    bool resume = false;                // --resume: skip the sequence's complete frames
    double timeoutSeconds = 120;        // --timeout SECONDS: per frame, for full detail
    std::string job;                    // --job slurm|openjd: write a job script instead
    int chunk = 50;                     // --chunk N: frames per farm task
};

struct WindowOptions {
    int frames = 0;            // --frames N: quit after N frames (smoke tests, screenshots); 0 = run until closed
    bool logFrames = false;    // --log-frames: a line per frame on stderr, for scripts that wait on the window
    bool followTrack = false;  // --follow-track: start on the story's camera track (the panel switches it)
};

struct Command {
    std::string name;  // "", "render", "record", "window", "views", "devices", "tiles", "bench", "story", "help"
    CommonOptions common;
    RenderOptions render;
    WindowOptions window;
    RecordOptions record;
    std::vector<std::string> args;  // the command line as given (without the program): job scripts repeat it
    // `tiles`, `bench`, `story`: everything after the command, parsed by the command itself
    std::vector<std::string> rest;
};

inline constexpr const char* kAllowNetworkFlag = "--allow-network";

Result<Command> parseCommandLine(const std::vector<std::string>& args);
// Whether GDAL may use the network for this run: --allow-network anywhere, or a remote GDAL input named on the
// command line (the user's own intent). A URL inside a file is never intent.
bool commandLineAllowsNetwork(const std::vector<std::string>& args);
std::string usage();

}  // namespace fl::app
