// terrain/dem.h — elevation rasters imported through GDAL.
// Owns: DemGrid (a north-up WGS84 lon/lat height grid, pixel-is-area), loadDem for any GDAL raster
// (warping other CRSs to EPSG:4326, decimating large ones) and fillNodata so meshes have no holes.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "core/result.h"

namespace fl::terrain {

struct DemImportOptions {
    // Larger rasters are read decimated (GDAL average resampling) so the plain grid mesh stays drawable;
    // 2048 keeps a full-grid mesh at ~4M vertices. Raise it only together with a tiled/LOD path.
    int maxSamplesPerSide = 2048;
};

struct DemGrid {
    std::string path;
    int width = 0, height = 0;
    double west = 0, north = 0;         // outer pixel-is-area edges, degrees (WGS84)
    double pixelLon = 0, pixelLat = 0;  // pixel size in degrees, both positive
    std::vector<float> heights;         // row-major, row 0 = north, metres (source datum), NaN = nodata
    size_t nodataCount = 0;
    float minHeight = 0, maxHeight = 0;  // over valid samples

    double east() const { return west + width * pixelLon; }
    double south() const { return north - height * pixelLat; }
    double sampleLon(int col) const { return west + (col + 0.5) * pixelLon; }  // centre of pixel
    double sampleLat(int row) const { return north - (row + 0.5) * pixelLat; }
    float at(int col, int row) const;  // clamped to the grid; NaN for an empty grid
    // Bilinear between pixel centres, clamped (constant) in the outer half pixel; NaN outside the grid
    // edges. Nodata corners are left out and the weights renormalised, so a sample next to a hole still
    // has a height; NaN only when all contributing corners are nodata.
    double sampleBilinear(double lat, double lon) const;
    bool contains(double lat, double lon) const;  // inside the outer edges, edges included
};

// Reads band 1 of any GDAL raster (GeoTIFF, SRTM .hgt, VRT, ...). Honours the geotransform (rotated or
// sheared ones are rejected), band nodata/mask, scale/offset and feet as a unit. Rasters not in
// geographic WGS84 are warped on the fly to EPSG:4326 (bilinear). Errors name the file.
Result<DemGrid> loadDem(const std::string& path, const DemImportOptions& options = {});

// Fills NaN samples from valid neighbours (push-pull: averages pulled up a pyramid, then interpolated
// back down), so meshes have no holes. O(samples) whatever the hole size. No-op without nodata; leaves
// the grid unchanged when it has no valid sample at all.
void fillNodata(DemGrid& grid);

}  // namespace fl::terrain
