// editor/session.h — what every command that draws loads first: the scene and the story document.
// Owns: loading both in that order with errors that name the file, and turning (document, command line,
// playhead) into the frame's settings and content, the same way for the window, `render` and the benches.
#pragma once

#include <optional>

#include "cli.h"
#include "document/document.h"
#include "gpu/context.h"
#include "render/frame_content.h"
#include "render/offscreen.h"
#include "render/scene_renderer.h"
#include "scene/scene.h"
#include "story/camera_track.h"

namespace fl::app {

struct StoryScene {
    scene::Scene scene;
    std::optional<document::Document> document;  // none with `--story none`
    // Suspicious but not wrong (near-miss keys in the story, naming file, feature and key): the host prints them.
    std::vector<std::string> warnings;
};

Result<StoryScene> loadStoryScene(const CommonOptions& common);

// The command line's frame switches with the look of lookFor().
render::RenderSettings frameSettings(const CommonOptions& common, const document::Document* document);
// The document composed at `storyTime` (NaN: its last keyframe); the empty content without a document.
render::FrameContent frameContent(const document::Document* document, double storyTime, const Look& look);

// What a headless command draws with, loaded in this order so a bad file is reported before any GPU work: the
// scene and document, the device, the offscreen renderer (colour `target`). Prints the device and terrain.
struct Session {
    scene::Scene scene;
    std::optional<document::Document> document;
    std::unique_ptr<gpu::Context> ctx;
    std::unique_ptr<render::OffscreenRenderer> renderer;
};
Result<std::unique_ptr<Session>> openSession(const CommonOptions& common,
                                             render::ColorTarget target = render::ColorTarget::Rgba8);

// The drawn ground under a point (the scene's elevation grid times the exaggeration): what the camera track's
// clearance keeps above. nullopt outside the grid.
story::GroundHeight drawnGround(const scene::Scene& scene, double exaggeration);
// The renderer's pose for a sample of the camera track (its altitude through the scene's geoid); an error names
// the presentation time where the pose cannot be placed.
Result<CameraPose> trackPose(const scene::Scene& scene, const story::CameraSample& sample, double seconds);

}  // namespace fl::app
