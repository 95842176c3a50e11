#include "terrain/geoid.h"

#include <cmath>

namespace fl::terrain {

double GeoidModel::undulation(double lat, double lon) const {
    if (!grid.contains(lat, lon)) {
        if (grid.contains(lat, lon - 360))
            lon -= 360;
        else if (grid.contains(lat, lon + 360))
            lon += 360;
    }
    return grid.sampleBilinear(lat, lon);
}

Result<GeoidModel> loadGeoid(const std::string& path) {
    // A geoid has only long wavelengths, so the importer's decimation of very large global grids costs
    // little; the shipped regional crop is read as is.
    Result<DemGrid> grid = loadDem(path);
    if (!grid) return grid.error();
    // Real geoid models stay within about -107..+86 m; anything beyond is a DEM or a scaled grid.
    constexpr float kLowest = -120, kHighest = 100;
    if (grid->minHeight < kLowest || grid->maxHeight > kHighest) {
        return Error::inFile(path, "values " + std::to_string(grid->minHeight) + " .. " +
                                       std::to_string(grid->maxHeight) +
                                       " m are not geoid undulations (expected within -120 .. 100 m)");
    }
    return GeoidModel{std::move(grid).value()};
}

}  // namespace fl::terrain
