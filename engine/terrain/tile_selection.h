// terrain/tile_selection.h — which tiles a view needs.
// Owns: the quadtree walk from the coarsest zoom of a source to the tiles whose screen-space error is small
// enough for the view (frustum culling, distance, geometric error per zoom), as a pure function of the view.
#pragma once

#include <functional>
#include <optional>
#include <vector>

#include "core/camera.h"
#include "core/geodesy.h"
#include "terrain/tile_id.h"

namespace fl::terrain {

struct HeightRange {
    float min = -500.0f, max = 9000.0f;  // metres above MSL; the default brackets every land height
};

// The view as the selection sees it: the camera in its scene frame plus the vertical exaggeration
// (bounding volumes are taller when heights are exaggerated).
struct SelectionView {
    ViewState view;
    geo::EnuFrame frame;
    double exaggeration = 1.0;
};

struct SelectionOptions {
    // A tile is refined while one of its height samples would cover more than this many pixels of screen
    // (its geometric error projected at its nearest distance). 2 px keeps relief crisp at broadcast
    // resolutions without loading tiles whose extra detail no viewer can see; lower it for stills.
    double maxScreenSpaceError = 2.0;
    int minZoom = 0, maxZoom = 15;                                    // of the source
    TileBounds bounds{-180, -kMaxMercatorLat, 180, kMaxMercatorLat};  // of the source: no tiles outside
    // Tiles up to this zoom are never culled (their boxes are too coarse to cull reliably: curvature).
    int noCullBelowZoom = 3;
};

struct SelectedTile {
    TileId tile;
    double screenSpaceError = 0;  // px, at the tile's nearest point
    double distance = 0;          // m, eye to the tile's bounding box
};

struct Selection {
    std::vector<SelectedTile> leaves;  // the cut through the quadtree at the detail the view needs
    uint32_t visited = 0;              // nodes tested (cost of the walk)
};

// Height range of a tile if anything is known (the tile or an ancestor decoded); nullopt = use the default.
using HeightRangeLookup = std::function<std::optional<HeightRange>(TileId)>;
// True when the source is known to have no such tile (so refining into it is pointless).
using AbsentLookup = std::function<bool(TileId)>;

Selection selectTiles(const SelectionView& view, const SelectionOptions& options, const HeightRangeLookup& heights,
                      const AbsentLookup& absent = {});

// Ground size (m) of one of the tile's 256 samples at its centre latitude: the geometric error of drawing
// the tile instead of the truth.
double tileSampleSize(TileId tile);

// Whether two tile bounds overlap (touching edges do not count).
bool overlaps(const TileBounds& a, const TileBounds& b);

}  // namespace fl::terrain
