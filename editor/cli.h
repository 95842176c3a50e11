// editor/cli.h — the command line of `frontline`.
// Owns: turning argv into options shared by every subcommand (terrain source, device, look settings)
// and the per-command ones, with one-line errors for anything malformed.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/parse.h"
#include "core/result.h"
#include "render/scene_renderer.h"
#include "story/scene.h"
#include "story/views.h"

namespace fl::app {

struct CommonOptions {
    story::SceneOptions scene;
    int deviceIndex = -1;  // --device N
    bool allowNetwork = false;  // --allow-network: GDAL inputs may reach the network from inside (README); main() applies it
    render::RenderSettings settings;
};

struct RenderOptions {
    std::optional<story::CameraSpec> camera;  // --view NAME or --camera LAT,LON,ALT_M,HEADING_DEG,PITCH_DEG
    ImageSize size{1280, 720};                // --size WxH
    std::string out;                          // --out FILE.png (default out/<view>.png)
    bool allowDegraded = false;               // --allow-degraded: exit 0 even when not at full detail
};

struct WindowOptions {
    int frames = 0;  // --frames N: quit after N frames (smoke tests, screenshots); 0 = run until closed
};

struct Command {
    std::string name;  // "", "render", "window", "views", "devices", "tiles", "bench", "story", "help"
    CommonOptions common;
    RenderOptions render;
    WindowOptions window;
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
