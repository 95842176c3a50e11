#include "terrain/tile_selection.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

namespace fl::terrain {

double tileSampleSize(TileId tile) {
    const TileBounds b = tileBounds(tile);
    const double lat = geo::radians(0.5 * (b.north + b.south));
    return 2.0 * geo::kPi * geo::kSemiMajor * std::cos(lat) / double(1u << tile.z) / kTileSize;
}

bool overlaps(const TileBounds& a, const TileBounds& b) {
    return a.west < b.east && b.west < a.east && a.south < b.north && b.south < a.north;
}

namespace {

struct Box {
    glm::dvec3 min{std::numeric_limits<double>::max()}, max{-std::numeric_limits<double>::max()};
    void add(const glm::dvec3& p) {
        min = glm::min(min, p);
        max = glm::max(max, p);
    }
};

// Scene-frame box around the tile's surface between the height range (exaggerated), from a 5x5 lattice
// of points at both heights plus the chord sag between lattice points (the surface bulges past them).
Box tileBox(const SelectionView& v, TileId tile, HeightRange range) {
    const TileBounds b = tileBounds(tile);
    // Geoid undulation is within about +-110 m anywhere: pad so MSL heights bracket ellipsoidal ones.
    const double lo = range.min * v.exaggeration - 110.0, hi = range.max * v.exaggeration + 110.0;
    Box box;
    constexpr int kN = 4;
    for (int j = 0; j <= kN; ++j) {
        const double lat = b.north + (b.south - b.north) * j / kN;
        for (int i = 0; i <= kN; ++i) {
            const double lon = b.west + (b.east - b.west) * i / kN;
            box.add(v.frame.fromGeodetic({lat, lon, lo}));
            box.add(v.frame.fromGeodetic({lat, lon, hi}));
        }
    }
    const double step = tileSampleSize(tile) * kTileSize / kN;
    const double sag = step * step / (8.0 * geo::kSemiMinor);
    box.max += glm::dvec3(sag);
    box.min -= glm::dvec3(sag);
    return box;
}

bool outsideFrustum(const std::array<glm::dvec4, 5>& planes, const Box& box, const glm::dvec3& eye) {
    const glm::dvec3 lo = box.min - eye, hi = box.max - eye;
    for (const glm::dvec4& p : planes) {
        // The box corner furthest along the plane normal; if even that is behind, the box is outside.
        const glm::dvec3 c(p.x >= 0 ? hi.x : lo.x, p.y >= 0 ? hi.y : lo.y, p.z >= 0 ? hi.z : lo.z);
        if (glm::dot(glm::dvec3(p), c) + p.w < 0) return true;
    }
    return false;
}

double boxDistance(const Box& box, const glm::dvec3& p) {
    const glm::dvec3 q = glm::clamp(p, box.min, box.max);
    return glm::length(p - q);
}

struct Walker {
    const SelectionView& view;
    const SelectionOptions& options;
    const HeightRangeLookup& heights;
    const AbsentLookup& absent;
    std::array<glm::dvec4, 5> planes;
    double pixelsPerRadian;  // screen px per unit of (size / distance)
    Selection out;

    HeightRange rangeOf(TileId t) const {
        if (heights)
            if (auto r = heights(t)) return *r;
        return {};
    }

    // A tile the source lacks although finer tiles inside its bounds may exist (a coarse root of a small
    // source, or a foreign archive that starts deeper than its header says): look for data below it instead
    // of leaving its whole area empty.
    void visitBelowAbsent(TileId tile) {
        ++out.visited;
        if (tile.z >= options.maxZoom || tile.z >= kMaxTileZoom) return;
        if (tile.z >= options.noCullBelowZoom &&
            outsideFrustum(planes, tileBox(view, tile, rangeOf(tile)), view.view.eye))
            return;
        for (TileId c : children(tile)) {
            if (!overlaps(tileBounds(c), options.bounds)) continue;
            if (absent && absent(c))
                visitBelowAbsent(c);
            else
                visit(c);
        }
    }

    void visit(TileId tile) {
        ++out.visited;
        const Box box = tileBox(view, tile, rangeOf(tile));
        if (tile.z >= options.noCullBelowZoom && outsideFrustum(planes, box, view.view.eye)) return;
        const double distance = boxDistance(box, view.view.eye);
        const double sse = tileSampleSize(tile) * pixelsPerRadian / std::max(distance, 1.0);
        bool refine = sse > options.maxScreenSpaceError && tile.z < options.maxZoom && tile.z < kMaxTileZoom;
        if (refine && absent) {
            // Refining into children the source lacks would only make holes: stay at this tile instead.
            bool any = false;
            for (TileId c : children(tile))
                if (overlaps(tileBounds(c), options.bounds) && !absent(c)) any = true;
            refine = any;
        }
        if (!refine) {
            out.leaves.push_back({tile, sse, distance});
            return;
        }
        for (TileId c : children(tile)) {
            if (!overlaps(tileBounds(c), options.bounds)) continue;
            if (absent && absent(c))
                // The source stops here (a finer region ends, a hole): the child's area is drawn from this
                // tile's data, so it stays a leaf without refining further.
                out.leaves.push_back({c, sse, distance});
            else
                visit(c);
        }
    }
};

}  // namespace

Selection selectTiles(const SelectionView& view, const SelectionOptions& options, const HeightRangeLookup& heights,
                      const AbsentLookup& absent) {
    Walker w{view, options, heights, absent, frustumPlanes(view.view.viewProjD), 0, {}};
    w.pixelsPerRadian = view.view.height / (2.0 * std::tan(geo::radians(view.view.fovY) * 0.5));
    // Roots: every tile of the source's coarsest zoom that overlaps its bounds.
    const int z = std::clamp(options.minZoom, 0, kMaxTileZoom);
    const TileId nw = tileAt(options.bounds.north, options.bounds.west, z);
    const TileId se = tileAt(options.bounds.south, options.bounds.east, z);
    for (uint32_t y = nw.y; y <= se.y; ++y)
        for (uint32_t x = nw.x; x <= se.x; ++x) {
            const TileId t{uint8_t(z), x, y};
            if (!overlaps(tileBounds(t), options.bounds)) continue;
            if (absent && absent(t))
                w.visitBelowAbsent(t);
            else
                w.visit(t);
        }
    return std::move(w.out);
}

}  // namespace fl::terrain
