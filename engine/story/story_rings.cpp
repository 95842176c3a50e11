// Ring geometry of the story document (planar in lon/lat degrees): orientation, simplicity, containment and
// the checks a ring read from a file must pass. Declared in story/story.h.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/segment_grid.h"
#include "story/story.h"

namespace fl::story {

// ---------------------------------------------------------------------------------------------------------
// Rings

double ringSignedArea(const Ring& r) {
    double a = 0;
    for (size_t i = 0, n = r.size(); i < n; ++i) {
        const LonLat& p = r[i];
        const LonLat& q = r[(i + 1) % n];
        a += (p.lon - r[0].lon) * (q.lat - r[0].lat) - (q.lon - r[0].lon) * (p.lat - r[0].lat);
    }
    return a / 2;
}

namespace {

double orient(const LonLat& a, const LonLat& b, const LonLat& c) {
    return (b.lon - a.lon) * (c.lat - a.lat) - (b.lat - a.lat) * (c.lon - a.lon);
}

bool onSegment(const LonLat& a, const LonLat& b, const LonLat& p) {
    return std::min(a.lon, b.lon) <= p.lon && p.lon <= std::max(a.lon, b.lon) && std::min(a.lat, b.lat) <= p.lat &&
           p.lat <= std::max(a.lat, b.lat);
}

int sign(double v) {
    return (v > 0) - (v < 0);
}

// Closed segments ab and cd share at least one point.
bool segmentsTouch(const LonLat& a, const LonLat& b, const LonLat& c, const LonLat& d) {
    if (std::max(a.lon, b.lon) < std::min(c.lon, d.lon) || std::max(c.lon, d.lon) < std::min(a.lon, b.lon) ||
        std::max(a.lat, b.lat) < std::min(c.lat, d.lat) || std::max(c.lat, d.lat) < std::min(a.lat, b.lat))
        return false;
    const int o1 = sign(orient(a, b, c)), o2 = sign(orient(a, b, d));
    const int o3 = sign(orient(c, d, a)), o4 = sign(orient(c, d, b));
    if (o1 != o2 && o3 != o4) return true;
    return (o1 == 0 && onSegment(a, b, c)) || (o2 == 0 && onSegment(a, b, d)) || (o3 == 0 && onSegment(c, d, a)) ||
           (o4 == 0 && onSegment(c, d, b));
}

// The closed edges of rings, in order (edge i of the first ring is segment i, and so on), for a SegmentGrid:
// real outlines have 10k..200k vertices, so every pair (O(n^2)) is out of the question.
std::vector<SegmentGrid::Segment> edgesOf(std::initializer_list<const Ring*> rings) {
    std::vector<SegmentGrid::Segment> edges;
    for (const Ring* r : rings)
        for (size_t i = 0, n = r->size(); i < n; ++i) {
            const LonLat &a = (*r)[i], &b = (*r)[(i + 1) % n];
            edges.push_back({{a.lon, a.lat}, {b.lon, b.lat}});
        }
    return edges;
}

LonLat lonLat(glm::dvec2 v) {
    return {v.x, v.y};
}

}  // namespace

bool ringsTouch(const Ring& r, const Ring& s) {
    const std::vector<SegmentGrid::Segment> edges = edgesOf({&r, &s});
    const uint32_t first = uint32_t(r.size());  // edges of s start here
    bool touch = false;
    SegmentGrid(edges).forEachCandidatePair([&](uint32_t i, uint32_t j) {
        if ((i < first) == (j < first)) return true;  // both from the same ring
        const auto &e = edges[i], &f = edges[j];
        touch = segmentsTouch(lonLat(e.a), lonLat(e.b), lonLat(f.a), lonLat(f.b));
        return !touch;
    });
    return touch;
}

std::string formatLonLat(const LonLat& p) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.6f,%.6f", p.lon, p.lat);
    return buf;
}

std::optional<EdgePair> findSelfIntersection(const Ring& r) {
    const size_t n = r.size();
    if (n < 3) return std::nullopt;
    // The reported pair is the first in the order (i, then a spike at i before any j > i + 1, then j), so the
    // message does not depend on how the candidates are found.
    struct Found {
        size_t i, rank;  // rank: 0 for a spike at i, else j
        EdgePair pair;
    };
    std::optional<Found> first;
    auto consider = [&](size_t i, size_t rank, EdgePair pair) {
        if (!first || std::pair{i, rank} < std::pair{first->i, first->rank}) first = Found{i, rank, pair};
    };
    for (size_t i = 0; i < n; ++i) {
        // The adjacent edge i+1 shares b: it may only fold back onto edge i (a spike).
        const LonLat &a = r[i], &b = r[(i + 1) % n], &c = r[(i + 2) % n];
        if (orient(a, b, c) == 0 && ((a.lon - b.lon) * (c.lon - b.lon) + (a.lat - b.lat) * (c.lat - b.lat)) > 0) {
            consider(i, 0, EdgePair{i, (i + 1) % n});
            break;  // no later i can come first
        }
    }
    const std::vector<SegmentGrid::Segment> edges = edgesOf({&r});
    SegmentGrid(edges).forEachCandidatePair([&](uint32_t i, uint32_t j) {
        if (j == i + 1 || (i == 0 && j == n - 1)) return true;  // adjacent: share a point by construction
        if (first && first->i < i) return true;                 // cannot come before what was found
        if (segmentsTouch(r[i], r[(i + 1) % n], r[j], r[(j + 1) % n])) consider(i, j, EdgePair{i, j});
        return true;
    });
    if (!first) return std::nullopt;
    return first->pair;
}

bool pointInRing(const Ring& r, const LonLat& p) {
    bool inside = false;
    for (size_t i = 0, j = r.size() - 1; i < r.size(); j = i++) {
        const LonLat& a = r[i];
        const LonLat& b = r[j];
        if ((a.lat > p.lat) != (b.lat > p.lat) && p.lon < (b.lon - a.lon) * (p.lat - a.lat) / (b.lat - a.lat) + a.lon)
            inside = !inside;
    }
    return inside;
}

Result<Ring> checkRing(const std::vector<LonLat>& closed, size_t k, bool hole) {
    const std::string name = "ring " + std::to_string(k) + (hole ? " (a hole)" : "");
    for (const LonLat& p : closed) {
        if (!std::isfinite(p.lon) || !std::isfinite(p.lat)) return Error{name + " has a coordinate that is not finite"};
        if (p.lon < -180 || p.lon > 180 || p.lat < -90 || p.lat > 90)
            return Error{name + " has the point " + formatLonLat(p) + " outside lon -180..180, lat -90..90"};
    }
    if (closed.size() < 4)
        return Error{name + " has " + std::to_string(closed.size()) +
                     " positions (a closed ring needs at least 4: 3 corners and the first again)"};
    if (closed.front().lon != closed.back().lon || closed.front().lat != closed.back().lat)
        return Error{name + " is not closed (first position " + formatLonLat(closed.front()) + ", last " +
                     formatLonLat(closed.back()) + ")"};
    Ring r;
    r.reserve(closed.size() - 1);
    for (size_t i = 0; i + 1 < closed.size(); ++i)
        if (r.empty() || r.back().lon != closed[i].lon || r.back().lat != closed[i].lat) r.push_back(closed[i]);
    while (r.size() > 1 && r.back().lon == r.front().lon && r.back().lat == r.front().lat) r.pop_back();
    if (r.size() < 3) return Error{name + " has fewer than 3 distinct points"};
    if (auto x = findSelfIntersection(r))
        return Error{name + " intersects itself (edges " + std::to_string(x->a) + " and " + std::to_string(x->b) +
                     ", near " + formatLonLat(r[x->b]) + ")"};
    const double area = ringSignedArea(r);
    if (area == 0) return Error{name + " has no area"};
    if ((area < 0) != hole) std::reverse(r.begin(), r.end());
    return r;
}

}  // namespace fl::story
