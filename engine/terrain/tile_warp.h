// terrain/tile_warp.h — GDAL rasters cut into Web Mercator height tiles.
// Owns: TileWarper (one or more rasters of any GDAL format and CRS opened as one mosaic, later inputs on top),
// what the mosaic says about itself (extent, native resolution and zoom, provenance) and warping any tile.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/result.h"
#include "terrain/height_codec.h"
#include "terrain/tile_id.h"

namespace fl::terrain {

// Ground size of one pixel of a kTileSize tile at zoom z and latitude lat (spherical Web Mercator), metres.
double tilePixelSizeMetres(int z, double lat);
// The zoom whose tile pixel is closest (in log2) to `metres` at `lat`, clamped to 0..kMaxTileZoom.
int zoomForResolution(double metres, double lat);

struct WarpInputInfo {
    std::string path;
    std::string driver;              // GDAL short name, e.g. "GTiff"
    int width = 0, height = 0;       // pixels
    double resolutionMetres = 0;     // geometric mean of the pixel's ground width and height at its centre
    TileBounds extent;               // lon/lat, degrees
    std::string provenance() const;  // "name (GTiff, 440 x 360 px, 2573 m)"
};

struct MosaicInfo {
    std::vector<WarpInputInfo> inputs;  // in mosaic order: later ones are drawn on top
    TileBounds extent;                  // union of the inputs' extents, clamped to the Mercator square
    double finestResolutionMetres = 0;  // of the finest input
    // Attribution known from the inputs (the GMTED2010 asset), else empty: the caller must supply one.
    std::string attribution;
    // The zoom whose pixel matches the finest input at the centre of the extent (zoomForResolution).
    int nativeZoom = 0;
};

struct TileWarpOptions {
    // GDAL dataset handles are not thread-safe, so each concurrent warp borrows its own set from a pool.
    // Handles are opened on demand and kept; this caps how many idle sets stay open (0 = no cap). Each set
    // costs one open file and GDAL's per-dataset state, a few hundred KiB.
    int maxIdleHandleSets = 0;
    // GDAL's warper approximates the reprojection linearly within this many pixels (gdalwarp's default):
    // 0 computes every pixel exactly through PROJ, ~3x slower for no visible difference in heights.
    double approximationErrorPixels = 0.125;
};

// One or more rasters as one mosaic, warped to 256x256 EPSG:3857 tiles.
//
// Why not GDALBuildVRT: a VRT mosaic needs one CRS and one resolution for all inputs, so a 30 m GeoTIFF and a
// 90" GMTED grid would be resampled to a common grid (nearest neighbour) before the warp. Here each input is
// warped to the tile on its own, with the resampling right for its own resolution, and the results are
// stacked in input order (a later input's valid pixels replace earlier ones; its nodata shows what is below).
//
// Resampling per input and tile: `average` where the tile pixel is coarser than the input pixel (every
// source sample counts, so downsampled tiles keep mean heights and do not alias), `bilinear` where it is
// finer. Bilinear rather than cubic: cubic overshoots at cliffs and escarpments (false rims and pits of
// tens of metres on a 90" grid), and bilinear is what tile consumers and GDAL sample a DEM with, so tiles
// agree with the source sampled the usual way. Smooth detail below the source resolution is the business of
// detail synthesis, not of the interpolator.
//
// Heights are band 1 in metres: scale/offset and feet are applied as loadDem does; nodata (value or mask)
// and pixels outside every input are NaN.
class TileWarper {
public:
    static Result<std::unique_ptr<TileWarper>> open(const std::vector<std::string>& paths,
                                                    const TileWarpOptions& options = {});
    ~TileWarper();
    TileWarper(const TileWarper&) = delete;
    TileWarper& operator=(const TileWarper&) = delete;

    const MosaicInfo& info() const { return m_info; }
    // Thread-safe. A kTileSize x kTileSize tile, NaN where no input has data. Errors name the input.
    Result<HeightTile> warpTile(TileId tile) const;

private:
    struct Input;
    struct HandleSet;
    TileWarper() = default;
    std::unique_ptr<HandleSet> acquire() const;
    void release(std::unique_ptr<HandleSet> set) const;

    TileWarpOptions m_options;
    MosaicInfo m_info;
    std::vector<std::unique_ptr<Input>> m_inputs;
    struct Pool;
    std::unique_ptr<Pool> m_pool;
};

}  // namespace fl::terrain
