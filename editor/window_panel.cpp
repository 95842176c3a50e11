#include "window_panel.h"

#include <imgui.h>

#include <cmath>

#include "story/story.h"
#include "terrain/tile_streamer.h"

namespace fl::app {

namespace {

void drawStatus(const PanelInfo& info) {
    const render::SceneRenderer& r = *info.renderer;
    ImGui::Text("Device: %s", info.device.c_str());
    ImGui::Text("Frame: %.1f ms  (%u patches, 1 draw, %.2f M triangles)", info.frameMs, r.stats().patches,
                r.stats().triangles / 1e6);
    if (const terrain::TileStreamer* streamer = r.streamer()) {
        const auto st = streamer->stats();
        const auto ready = streamer->readiness();
        ImGui::Text("Tiles: %u drawn, detail %.0f%%", st.draws, ready.progress * 100.0);
        ImGui::Text("Loads: %u in flight, %llu done, %llu failed", st.loadsInFlight, (unsigned long long)st.loaded,
                    (unsigned long long)st.failed);
        ImGui::Text("Caches: CPU %.0f/%.0f MiB  GPU %.0f/%.0f MiB", st.cpuBytes / 1048576.0, st.cpuBudget / 1048576.0,
                    st.gpuBytes / 1048576.0, st.gpuBudget / 1048576.0);
        const auto& source = streamer->sourceInfo();
        ImGui::TextWrapped("Terrain: %s%s",
                           source.attribution.empty() ? source.name.c_str() : source.attribution.c_str(),
                           source.synthesizedFromZoom && source.attribution.find("synthesized") == std::string::npos
                               ? "; synthesized detail"
                               : "");
    }
    const CameraPose& pose = info.pose;
    ImGui::Text("Camera: %.4f N  %.4f E  %.0f m MSL", pose.lat, pose.lon, pose.altitude - info.geoidUndulation);
    ImGui::Text("Heading %.1f  Pitch %.1f", pose.heading, pose.pitch);
    const auto& cursor = *info.cursor;
    if (cursor && *cursor) {
        const render::PickResult& p = cursor->value();
        if (p.heightTile)
            ImGui::Text("Cursor: %.4f N  %.4f E  %.0f m (z%d data)", p.lat, p.lon, p.heightMsl, p.heightTile->z);
        else
            ImGui::Text("Cursor: %.4f N  %.4f E  %.0f m", p.lat, p.lon, p.heightMsl);
    } else {
        ImGui::TextUnformatted(cursor ? "Cursor: (sky)" : "Cursor: -");
    }
}

PanelEdits drawLook(render::RenderSettings& settings) {
    PanelEdits edits;
    float exag = static_cast<float>(settings.exaggeration);
    if (ImGui::SliderFloat("Exaggeration", &exag, 0.5f, 6.0f, "%.1fx")) {
        settings.exaggeration = exag;
        edits.exaggerationChanged = true;
    }
    float az = static_cast<float>(settings.sunAzimuth), el = static_cast<float>(settings.sunElevation);
    if (ImGui::SliderFloat("Sun azimuth", &az, 0.0f, 360.0f, "%.0f deg")) settings.sunAzimuth = az;
    if (ImGui::SliderFloat("Sun elevation", &el, 2.0f, 90.0f, "%.0f deg")) settings.sunElevation = el;
    // Renders and recordings always use 1 px; this is the live view's trade of detail for speed.
    float err = static_cast<float>(settings.terrainErrorPx.value_or(1.0));
    if (ImGui::SliderFloat("Terrain error", &err, 0.5f, 8.0f, "%.1f px", ImGuiSliderFlags_Logarithmic))
        settings.terrainErrorPx = err;
    ImGui::Checkbox("Place names", &settings.labels);
    ImGui::SameLine();
    ImGui::Checkbox("Border", &settings.borders);
    return edits;
}

void drawStory(const PanelInfo& info, render::RenderSettings& settings, compose::Playhead& playhead) {
    ImGui::Separator();
    ImGui::TextWrapped("Story: %s", info.storyTitle->c_str());
    if (info.followTrack) {
        ImGui::Checkbox("Camera track (off: free camera)", info.followTrack);
        ImGui::SameLine();
    }
    if (info.safeAreas) ImGui::Checkbox("Safe areas", info.safeAreas);
    float p = float(playhead.presentationSeconds());
    if (ImGui::SliderFloat("Story clock", &p, 0.0f, float(playhead.duration()), "%.1f s")) playhead.seek(p);
    if (ImGui::Button(playhead.playing() ? "Pause" : "Play")) playhead.togglePlay();
    ImGui::SameLine();
    const double t = playhead.storyTime();
    ImGui::Text("%s", std::isnan(t) ? "last keyframe" : story::formatStoryTime(t).c_str());
    ImGui::Checkbox("Areas, fronts, arrows", &settings.overlays);
    ImGui::SameLine();
    ImGui::Checkbox("Caption and legend", &settings.furniture);
}

}  // namespace

PanelEdits drawPanel(const PanelInfo& info, render::RenderSettings& settings, compose::Playhead* playhead) {
    ImGui::SetNextWindowPos(ImVec2(12, 12), ImGuiCond_FirstUseEver);
    // Below 720 lines the open panel would cover most of the picture (and its caption): start folded.
    ImGui::SetNextWindowCollapsed(ImGui::GetMainViewport()->Size.y < 720, ImGuiCond_FirstUseEver);
    ImGui::Begin("Frontline", nullptr, ImGuiWindowFlags_AlwaysAutoResize);
    drawStatus(info);
    ImGui::Separator();
    const PanelEdits edits = drawLook(settings);
    if (playhead && info.storyTitle) drawStory(info, settings, *playhead);
    ImGui::TextDisabled("Left drag: orbit  Right drag: pan  Wheel: zoom  Esc: quit");
    ImGui::End();
    return edits;
}

void drawSafeAreas() {
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    ImDrawList* draw = ImGui::GetBackgroundDrawList();
    for (const auto& [fraction, colour] :
         {std::pair{0.93f, IM_COL32(255, 255, 0, 160)}, std::pair{0.90f, IM_COL32(0, 255, 255, 160)}}) {
        const ImVec2 margin(vp->Size.x * (1 - fraction) / 2, vp->Size.y * (1 - fraction) / 2);
        draw->AddRect(ImVec2(vp->Pos.x + margin.x, vp->Pos.y + margin.y),
                      ImVec2(vp->Pos.x + vp->Size.x - margin.x, vp->Pos.y + vp->Size.y - margin.y), colour);
    }
}

void drawBanner(const std::string& text) {
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    ImGui::SetNextWindowPos(ImVec2(vp->Pos.x, vp->Pos.y));
    ImGui::SetNextWindowSize(ImVec2(vp->Size.x, 0));
    ImGui::PushStyleColor(ImGuiCol_WindowBg, ImVec4(0.70f, 0.08f, 0.08f, 0.95f));
    ImGui::Begin("##banner", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                     ImGuiWindowFlags_NoFocusOnAppearing | ImGuiWindowFlags_NoNav);
    ImGui::TextUnformatted(text.c_str());
    ImGui::End();
    ImGui::PopStyleColor();
}

}  // namespace fl::app
