#include "compose/story_overlay.h"

#include <algorithm>
#include <cmath>
#include <optional>

namespace fl::compose {

using render::LegendEntry;
using render::OverlayKind;
using render::OverlayStyle;

namespace {

FieldShape toFieldLine(const std::vector<story::LonLat>& points) {
    FieldShape s;
    std::vector<glm::dvec2> r;
    for (const story::LonLat& p : points) r.emplace_back(p.lon, p.lat);
    if (r.size() >= 2) s.rings.push_back(std::move(r));
    return s;
}

// The colour of a faction other than `id` (the first in story order): who contests an area. Grey when the
// story has one faction.
glm::vec4 otherColour(const story::Story& story, const std::string& id) {
    for (const story::Faction& f : story.factions)
        if (f.id != id) return f.colour;
    return {0.5f, 0.5f, 0.5f, 1.0f};
}

// The legend: each faction as its confirmed areas look, then the statuses the story uses besides confirmed,
// drawn in the colours of the first area that has them (contested: in both factions' colours). Entries
// carry the map's styles, so the swatches are painted as the map paints (shared/area_paint.glsl).
std::vector<LegendEntry> legendEntries(const story::Story& story) {
    std::vector<LegendEntry> out;
    for (const story::Faction& fa : story.factions)
        out.push_back({fa.legend.empty() ? fa.name : fa.legend, OverlayStyle::confirmed(fa.colour)});
    if (!story.legend.showStatuses) return out;
    for (story::ClaimStatus status : {story::ClaimStatus::Claimed, story::ClaimStatus::Contested}) {
        const story::ControlArea* first = nullptr;
        for (const story::ControlArea& a : story.areas)
            for (const story::ControlKeyframe& k : a.keyframes)
                if (!first && k.status == status) first = &a;
        if (!first) continue;
        const story::Faction* faction = story::findFaction(story, first->faction);
        const glm::vec4 colour = faction ? faction->colour : glm::vec4(0.5f, 0.5f, 0.5f, 1.0f);
        out.push_back({status == story::ClaimStatus::Claimed ? "Claimed, unconfirmed" : "Contested",
                       areaStyle(status, colour, otherColour(story, first->faction))});
    }
    return out;
}

// The median ground height under the areas' outlines (their first keyframes, sampled), for the swatches'
// ground colour; none without a terrain to ask (the renderer then takes its regional grid's).
std::optional<float> legendGround(const story::Story& story,
                                  const std::function<double(double lat, double lon)>& groundMsl) {
    std::vector<double> heights;
    if (groundMsl)
        for (const story::ControlArea& a : story.areas) {
            if (a.keyframes.empty()) continue;
            for (const story::Polygon& p : a.keyframes.front().area) {
                const size_t step = std::max<size_t>(1, p.outer.size() / 16);
                for (size_t i = 0; i < p.outer.size(); i += step)
                    if (double h = groundMsl(p.outer[i].lat, p.outer[i].lon); std::isfinite(h)) heights.push_back(h);
            }
        }
    if (heights.empty()) return std::nullopt;
    std::nth_element(heights.begin(), heights.begin() + heights.size() / 2, heights.end());
    return float(heights[heights.size() / 2]);
}

}  // namespace

FieldShape toFieldShape(const story::MultiPolygon& area) {
    FieldShape s;
    auto addRing = [&](const story::Ring& ring) {
        std::vector<glm::dvec2> r;
        r.reserve(ring.size());
        for (const story::LonLat& p : ring) r.emplace_back(p.lon, p.lat);
        if (r.size() >= 3) s.rings.push_back(std::move(r));
    };
    for (const story::Polygon& p : area) {
        addRing(p.outer);
        for (const story::Ring& h : p.holes) addRing(h);
    }
    return s;
}

OverlayStyle areaStyle(story::ClaimStatus status, glm::vec4 colour, glm::vec4 other) {
    switch (status) {
        case story::ClaimStatus::Confirmed:
            return OverlayStyle::confirmed(colour);
        case story::ClaimStatus::Claimed:
            return OverlayStyle::claimed(colour);
        case story::ClaimStatus::Contested:
            return OverlayStyle::contested(colour, other);
    }
    return OverlayStyle::confirmed(colour);
}

StoryOverlay buildStoryOverlay(const story::Story& story, const story::StoryFrame& frame,
                               const std::function<double(double lat, double lon)>& groundMsl) {
    StoryOverlay out;
    for (const story::AreaState& a : frame.areas) {
        if (!a.visible || !a.from || !a.to) continue;
        const story::Faction* faction = story::findFaction(story, a.area->faction);
        const glm::vec4 colour = faction ? faction->colour : glm::vec4(0.5f, 0.5f, 0.5f, 1.0f);
        OverlayLayer layer;
        layer.from = toFieldShape(a.from->area);
        layer.to = a.to == a.from ? layer.from : toFieldShape(a.to->area);
        layer.weight = float(a.weight);
        layer.kind = OverlayKind::Area;
        layer.style = areaStyle(a.status, colour, otherColour(story, a.area->faction));
        out.layers.push_back(std::move(layer));
        out.borderLayer.push_back(false);
    }
    for (const story::LineFeature& l : story.lines) {
        OverlayLayer layer;
        layer.from = toFieldLine(l.points);
        layer.to = layer.from;
        layer.kind = OverlayKind::Line;
        const bool border = l.kind == "border";
        if (border) {
            layer.style = OverlayStyle::border(l.style.colour);
        } else {
            layer.style = OverlayStyle::route(l.style.colour, float(l.style.widthPx), l.style.dashed);
            if (!l.style.casing) layer.style.casingPx = 0.0f;
        }
        out.layers.push_back(std::move(layer));
        out.borderLayer.push_back(border);
    }
    out.keepLabelsOff.assign(out.layers.size(), false);
    for (const story::ArrowState& a : frame.arrows) {
        if (a.shape.outer.size() < 3) continue;  // not started yet
        const story::Faction* faction = story::findFaction(story, a.arrow->faction);
        OverlayLayer layer;
        layer.from = toFieldShape({a.shape});
        layer.to = layer.from;
        layer.kind = OverlayKind::Area;
        layer.style = OverlayStyle::arrow(faction ? faction->colour : glm::vec4(0.2f, 0.2f, 0.2f, 1.0f));
        out.layers.push_back(std::move(layer));
        out.borderLayer.push_back(false);
        out.keepLabelsOff.push_back(true);
    }

    for (const story::Label& l : story.labels) {
        LabelRequest r;
        r.id = l.id;
        r.text = l.text;
        r.textLocal = l.textLocal;
        r.lat = l.lat;
        r.lon = l.lon;
        r.heightMsl = groundMsl ? groundMsl(l.lat, l.lon) : 0.0;
        r.priority = l.priority;
        out.labels.push_back(std::move(r));
    }

    Furniture& f = out.furniture;
    f.caption = frame.caption;
    // The caption's first line is the headline; further captions (e.g. the day's event) go beneath.
    if (auto nl = f.caption.find('\n'); nl != std::string::npos) {
        f.subcaption = f.caption.substr(nl + 1);
        f.caption.resize(nl);
    }
    f.disclaimer = story.disclaimer;
    f.attribution = story.attribution;
    f.legendTitle = story.legend.title;
    f.legend = legendEntries(story);
    f.legendGroundMsl = legendGround(story, groundMsl);
    return out;
}

}  // namespace fl::compose
