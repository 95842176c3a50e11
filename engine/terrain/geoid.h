// terrain/geoid.h — geoid undulation, to turn mean-sea-level heights into WGS84 ellipsoidal heights.
// Owns: GeoidModel (a small lat/lon grid of EGM96 undulations, e.g. assets/geoid/egm96_15_afpak.tif)
// and loading it through the DEM importer. h_ellipsoid = H_msl + N.
#pragma once

#include <string>

#include "core/result.h"
#include "terrain/dem.h"

namespace fl::terrain {

struct GeoidModel {
    DemGrid grid;  // undulation N in metres; same layout rules as a DEM (north-up, pixel-is-area)

    // N in metres, bilinear between grid nodes; h_ellipsoid = H_msl + N. NaN outside the grid (a global
    // grid is also tried at lon +-360 so either longitude convention works).
    double undulation(double lat, double lon) const;
};

// Any GDAL raster in WGS84 lon/lat (GeoTIFF crop, PROJ .gtx, ...). Values far outside the Earth's geoid
// range (about -107..+86 m for EGM96) are rejected, which catches a DEM passed by mistake.
Result<GeoidModel> loadGeoid(const std::string& path);

// The undulation where a geoid is loaded, 0 where none is (heights are then taken as ellipsoidal).
inline double undulationOrZero(const GeoidModel* geoid, double lat, double lon) {
    return geoid ? geoid->undulation(lat, lon) : 0.0;
}

}  // namespace fl::terrain
