// editor/window_panel.h — the window's Dear ImGui panel and error banner.
// Owns: what the panel shows (device, frame cost, tiles, camera, cursor) and the controls it offers (look,
// terrain error, layers, the story's playhead). It edits only what it is handed: the frame settings and
// the playhead; the shell decides what the edits mean.
#pragma once

#include <optional>
#include <string>

#include "compose/playhead.h"
#include "core/camera.h"
#include "core/result.h"
#include "render/picking.h"
#include "render/scene_renderer.h"

namespace fl::app {

struct PanelInfo {
    std::string device;
    double frameMs = 0;
    const render::SceneRenderer* renderer = nullptr;
    CameraPose pose;
    double geoidUndulation = 0;  // at the camera, for its height above MSL
    const std::optional<Result<render::PickResult>>* cursor = nullptr;
    const std::string* storyTitle = nullptr;  // null without a story
    bool* followTrack = nullptr;              // the story's camera track drives the view; null: it has none
    bool* safeAreas = nullptr;                // the title- and action-safe frames over the picture
};

struct PanelEdits {
    bool exaggerationChanged = false;
};

// The panel, sized to its text and collapsible, so it can be put away from the title-safe area.
PanelEdits drawPanel(const PanelInfo& info, render::RenderSettings& settings, compose::Playhead* playhead);
// Title-safe (90 %) and action-safe (93 %) frames, SMPTE ST 2046-1 (EBU R 95 uses the same for 16:9 HD), over
// the picture: a preview guide only, never in a rendered or recorded frame.
void drawSafeAreas();
// A one-line error across the top of the window, over the picture, until a good save replaces it.
void drawBanner(const std::string& text);

}  // namespace fl::app
