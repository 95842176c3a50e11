#include "render/label_layout.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "render/screen_index.h"

namespace fl::render {

namespace {

// Displaced directions, tried in this order: sideways first (a horizontal leader is the easiest to read),
// then the diagonals, then straight up and down.
constexpr float kDirs[8][2] = {
    {1, 0},  {-1, 0}, {0.7071f, -0.7071f}, {-0.7071f, -0.7071f}, {0.7071f, 0.7071f}, {-0.7071f, 0.7071f},
    {0, -1}, {0, 1}};

Box markerBox(const LabelInput& l) {
    const float r = l.markerRadius;
    return {l.anchor.x - r, l.anchor.y - r, l.anchor.x + r, l.anchor.y + r};
}

// Even-odd point in polygon; `ring` closed (its last point repeats the first).
bool insideRing(glm::vec2 p, const std::vector<glm::vec2>& ring) {
    bool in = false;
    for (size_t i = 0, j = ring.size() - 1; i < ring.size(); j = i++)
        if ((ring[i].y > p.y) != (ring[j].y > p.y) &&
            p.x < (ring[j].x - ring[i].x) * (p.y - ring[i].y) / (ring[j].y - ring[i].y) + ring[i].x)
            in = !in;
    return in;
}

glm::vec2 nearestPoint(const Box& b, glm::vec2 p) {
    return {std::clamp(p.x, b.x0, b.x1), std::clamp(p.y, b.y0, b.y1)};
}

}  // namespace

int candidateCount(const LabelLayoutOptions& o) {
    return 4 + 8 * int(o.leaderDistances.size());
}

Box candidateBox(glm::vec2 a, glm::vec2 size, float markerRadius, int position, const LabelLayoutOptions& o,
                 bool* leader, int* align) {
    const float w = size.x, h = size.y, g = markerRadius + o.gap;
    Box b{};
    int al = 0;
    bool lead = false;
    switch (position) {
        case 0:
            b = {a.x + g, a.y - h * 0.5f, a.x + g + w, a.y + h * 0.5f};
            al = -1;
            break;
        case 1:
            b = {a.x - g - w, a.y - h * 0.5f, a.x - g, a.y + h * 0.5f};
            al = 1;
            break;
        case 2:
            b = {a.x - w * 0.5f, a.y - g - h, a.x + w * 0.5f, a.y - g};
            break;
        case 3:
            b = {a.x - w * 0.5f, a.y + g, a.x + w * 0.5f, a.y + g + h};
            break;
        default: {
            const int k = position - 4;
            const float d = o.leaderDistances.at(size_t(k / 8)) * h;
            const float dx = kDirs[k % 8][0], dy = kDirs[k % 8][1];
            // The box edge facing the anchor sits `g + d` away along the direction.
            const float cx = a.x + dx * (g + d) + (dx > 0.1f ? w * 0.5f : dx < -0.1f ? -w * 0.5f : 0.0f);
            const float cy = a.y + dy * (g + d) + (dy > 0.1f ? h * 0.5f : dy < -0.1f ? -h * 0.5f : 0.0f);
            b = {cx - w * 0.5f, cy - h * 0.5f, cx + w * 0.5f, cy + h * 0.5f};
            al = dx > 0.1f ? -1 : dx < -0.1f ? 1 : 0;
            lead = true;
        }
    }
    if (leader) *leader = lead;
    if (align) *align = al;
    return b;
}

LabelLayoutResult layoutLabels(const std::vector<LabelInput>& labels, const LabelLayoutState& previous,
                               const LabelLayoutOptions& o) {
    LabelLayoutResult out;
    out.placements.resize(labels.size());
    const bool cut = previous.empty();
    const float fadeStep = (cut || o.fadeFrames <= 0) ? 1.0f : 1.0f / float(o.fadeFrames);

    // Debounced visibility (occlusion), and last frame's state, per label.
    std::vector<LabelState> prev(labels.size()), next(labels.size());
    for (size_t i = 0; i < labels.size(); ++i) {
        const LabelInput& l = labels[i];
        auto it = previous.find(l.id);
        const bool known = it != previous.end();
        if (known) prev[i] = it->second;
        LabelState& s = next[i];
        const bool raw = !l.occluded;
        if (!known) {
            s.wanted = raw;
        } else if (raw == prev[i].wanted) {
            s.wanted = raw;
            s.pending = 0;
        } else {
            s.wanted = prev[i].wanted;
            s.pending = prev[i].pending + 1;
            if (s.pending >= o.debounceFrames) {
                s.wanted = raw;
                s.pending = 0;
            }
        }
    }

    // What is on the screen, indexed by position: the layout asks only about what is near a candidate.
    ScreenIndex taken(o.width, o.height), markers(o.width, o.height), obstacles(o.width, o.height);
    ScreenIndex borders(o.width, o.height), routes(o.width, o.height), keepOff(o.width, o.height);
    ScreenIndex leaders(o.width, o.height);  // leader lines placed
    for (const Box& b : o.obstacles) obstacles.addBox(b);
    for (const auto& l : o.borders) borders.addPolyline(l, false);
    for (const auto& l : o.borders) routes.addPolyline(l, false);
    for (const auto& l : o.routes) routes.addPolyline(l, false);
    for (const auto& l : o.keepOff) keepOff.addPolyline(l, false);
    auto inside = [&](const Box& b) {
        return o.width <= 0 || (b.x0 >= 0 && b.y0 >= 0 && b.x1 <= o.width && b.y1 <= o.height);
    };
    // The map's lines: a name on its anchor's side of any border, a leader not along a border or route. A
    // name appearing must keep its whole box off the border; one already shown stays while its centre is on
    // its place's side (hysteresis: a border line sweeping past a box in a camera move does not blink it).
    auto respectsLines = [&](const LabelInput& l, const Box& text, bool leader, float clearance, bool shown) {
        const Box grown = text.grown(clearance);
        if (keepOff.anySegmentTouches(grown)) return false;
        const glm::vec2 to = nearestPoint(text, l.anchor);
        const glm::vec2 centre{0.5f * (text.x0 + text.x1), 0.5f * (text.y0 + text.y1)};
        for (const auto& ring : o.keepOff)  // wholly inside an arrow is on it too
            if (ring.size() >= 4 && ring.front() == ring.back() && insideRing(centre, ring)) return false;
        if (!l.onBorder) {
            if (borders.anySegmentCrosses(l.anchor, centre) || borders.anySegmentCrosses(l.anchor, to)) return false;
            if (!shown && borders.anySegmentTouches(grown)) return false;
        }
        if (leader)
            for (float t : {0.25f, 0.5f, 0.75f})
                if (routes.anySegmentWithin(l.anchor + (to - l.anchor) * t, o.leaderClearance)) return false;
        return true;
    };
    // Leaders cross no other leader or marker, and no name covers a leader: crossed leaders can be followed
    // to the wrong place. (A leader may pass a name: in a tight cluster the near names ring the place.)
    // A name already shown keeps its place (hysteresis, as for the margins).
    auto respectsLeaders = [&](size_t self, const LabelInput& l, const Box& text, bool leader, float clearance,
                               bool shown) {
        if (shown) return true;
        if (leaders.anySegmentTouches(text.grown(clearance))) return false;
        if (!leader) return true;
        const glm::vec2 to = nearestPoint(text, l.anchor);
        const glm::vec2 d = to - l.anchor;
        const float len = std::sqrt(d.x * d.x + d.y * d.y);
        // Tested from a little beyond the marker's rim: leaders of places at one spot share their start, and
        // markers there are the label's own place.
        const float skip = 2.0f * l.markerRadius + 1.0f;
        if (len <= skip) return true;
        const glm::vec2 from = l.anchor + d * (skip / len);
        return !leaders.anySegmentCrosses(from, to) && !markers.anyBoxTouchedBy(from, to, uint32_t(self));
    };
    auto free = [&](size_t self, const Box& text, const Box& marker, float clearance) {
        if (!inside(text)) return false;
        const Box grown = text.grown(clearance);
        if (taken.anyBoxOverlaps(grown)) return false;
        if (markers.anyBoxOverlaps(grown, uint32_t(self))) return false;  // a name may sit close to its own marker
        if (obstacles.anyBoxOverlaps(grown)) return false;
        // Our marker must not sit under a label already placed.
        if (taken.anyBoxOverlaps(marker.grown(clearance))) return false;
        return true;
    };
    auto candidateFree = [&](size_t self, int position, float clearance, bool shown) {
        const LabelInput& l = labels[self];
        bool leader = false;
        const Box b = candidateBox(l.anchor, l.size, l.markerRadius, position, o, &leader);
        return free(self, b, markerBox(l), clearance) && respectsLines(l, b, leader, clearance, shown) &&
               respectsLeaders(self, l, b, leader, clearance, shown);
    };
    auto place = [&](size_t i, int position, float alpha) {
        const LabelInput& l = labels[i];
        LabelPlacement& p = out.placements[i];
        bool leader = false;
        p.box = candidateBox(l.anchor, l.size, l.markerRadius, position, o, &leader, &p.align);
        p.position = position;
        p.anchor = l.anchor;
        p.alpha = alpha;
        p.visible = true;
        p.leader = leader;
        if (leader) {
            p.leaderTo = nearestPoint(p.box, l.anchor);
            const glm::vec2 d = p.leaderTo - l.anchor;
            const float len = std::sqrt(d.x * d.x + d.y * d.y);
            p.leaderFrom = len > l.markerRadius ? l.anchor + d * (l.markerRadius / len) : l.anchor;
        }
        taken.addBox(p.box);
        if (leader) leaders.addPolyline({p.leaderFrom, p.leaderTo}, false);
        if (p.markerAlpha <= 0) markers.addBox(markerBox(l), uint32_t(i));
        p.markerAlpha = std::max(p.markerAlpha, alpha);
        next[i].shown = true;
        next[i].position = position;
        next[i].alpha = alpha;
    };

    // 1. Labels fading out (shown, still on screen, no longer wanted) keep their place while they fade:
    //    they are still visible, so nothing may be put over them.
    std::vector<size_t> fading, wanted;
    for (size_t i = 0; i < labels.size(); ++i) {
        const bool wasShown = !cut && prev[i].shown && prev[i].alpha > 0 && prev[i].position >= 0;
        if (!labels[i].onScreen) continue;
        if (next[i].wanted)
            wanted.push_back(i);
        else if (wasShown && prev[i].position < candidateCount(o))
            fading.push_back(i);
    }
    auto byPriority = [&](std::vector<size_t>& v) {
        std::sort(v.begin(), v.end(), [&](size_t a, size_t b) {
            auto eff = [&](size_t i) {
                const bool incumbent = !cut && prev[i].shown && prev[i].alpha > 0;
                return labels[i].priority + (incumbent ? o.incumbentBonus : 0);
            };
            if (eff(a) != eff(b)) return eff(a) > eff(b);
            return labels[a].id < labels[b].id;
        });
    };
    byPriority(fading);
    byPriority(wanted);
    // Markers first: every place that is shown keeps its marker clear, whether or not its name fits, so a
    // more important name goes round a lesser place's marker instead of hiding it.
    for (size_t i : wanted) {
        markers.addBox(markerBox(labels[i]), uint32_t(i));
        out.placements[i].markerAlpha = 1;
    }
    for (size_t i : fading) {
        const float alpha = prev[i].alpha - fadeStep;
        if (alpha <= 0.0f) continue;
        if (candidateFree(i, prev[i].position, o.margin, true)) place(i, prev[i].position, alpha);
    }

    // 2. Wanted labels, greedy by priority. An incumbent tries its last position first and needs the plain
    //    margin; a newcomer needs the extra appear margin (hysteresis at collision boundaries).
    const int n = candidateCount(o);
    for (size_t i : wanted) {
        const bool incumbent = !cut && prev[i].shown && prev[i].alpha > 0 && prev[i].position >= 0;
        const float clearance = o.margin + (incumbent || cut ? 0.0f : o.appearMargin);
        std::vector<int> order(size_t(n), 0);
        std::iota(order.begin(), order.end(), 0);
        if (incumbent && prev[i].position < n)
            std::rotate(order.begin(), std::find(order.begin(), order.end(), prev[i].position),
                        std::find(order.begin(), order.end(), prev[i].position) + 1);
        for (int position : order) {
            if (!candidateFree(i, position, clearance, incumbent && position == prev[i].position)) continue;
            const float start = incumbent ? prev[i].alpha : 0.0f;
            place(i, position, std::min(1.0f, start + fadeStep));
            break;
        }
    }

    for (size_t i = 0; i < labels.size(); ++i) {
        if (!out.placements[i].visible) {
            next[i].shown = false;
            next[i].position = -1;
            next[i].alpha = 0;
        }
        out.state[labels[i].id] = next[i];
    }
    return out;
}

}  // namespace fl::render
