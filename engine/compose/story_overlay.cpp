#include "compose/story_overlay.h"

namespace fl::compose {

using render::LegendEntry;
using render::OverlayKind;

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

int legendPattern(story::FillPattern p) {
    return p == story::FillPattern::Solid ? 0 : 1;
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
    for (const story::Faction& fa : story.factions)
        f.legend.push_back({fa.legend.empty() ? fa.name : fa.legend, fa.colour, legendPattern(fa.pattern)});
    if (story.legend.showStatuses) {
        const glm::vec4 neutral{0.92f, 0.90f, 0.86f, 1.0f};
        f.legend.push_back({"Confirmed", neutral, 0});
        f.legend.push_back({"Claimed, unconfirmed", neutral, 1});
        f.legend.push_back({"Contested", neutral, 2});
    }
    return out;
}

}  // namespace fl::compose
