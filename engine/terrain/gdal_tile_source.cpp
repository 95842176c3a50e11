// A GDAL raster tiled on the fly (`--terrain FILE.tif`): every fetch warps the tile from the raster.
#include <algorithm>
#include <cmath>
#include <filesystem>

#include "terrain/tile_source.h"
#include "terrain/tile_warp.h"

namespace fl::terrain {
namespace {

class GdalTileSource final : public TileSource {
public:
    GdalTileSource(std::unique_ptr<TileWarper> warper, TileSourceInfo info)
        : m_warper(std::move(warper)), m_info(std::move(info)) {}

    const TileSourceInfo& info() const override { return m_info; }

    TileFetch fetch(TileId tile, const CancelFlag& cancel) override {
        if (cancel.cancelled()) return TileFetch::cancelled();
        if (!isValid(tile) || tile.z < m_info.minZoom || tile.z > m_info.maxZoom) return TileFetch::missing();
        const TileBounds t = tileBounds(tile);
        const TileBounds& b = m_info.bounds;
        if (t.east <= b.west || t.west >= b.east || t.north <= b.south || t.south >= b.north)
            return TileFetch::missing();
        // TileWarper is thread-safe (a pool of GDAL handles), so fetches run concurrently.
        auto heights = m_warper->warpTile(tile);
        if (cancel.cancelled()) return TileFetch::cancelled();
        if (!heights) return TileFetch::failed(Error{"tile " + toString(tile) + ": " + heights.error().message}, false);
        if (std::all_of(heights->heights.begin(), heights->heights.end(), [](float h) { return std::isnan(h); }))
            return TileFetch::missing();  // all nodata: the same as outside the raster
        return TileFetch::ok(std::move(*heights));
    }

private:
    std::unique_ptr<TileWarper> m_warper;
    TileSourceInfo m_info;
};

}  // namespace

Result<std::unique_ptr<TileSource>> openGdalTileSource(const std::string& rasterPath, const TileSourceOptions&) {
    auto warper = TileWarper::open({rasterPath});
    if (!warper) return warper.error();
    const MosaicInfo& mosaic = (*warper)->info();
    TileSourceInfo info;
    info.name = rasterPath;
    info.kind = TileSourceKind::GdalRaster;
    info.encoding = HeightEncoding::Terrarium;  // irrelevant: fetch() returns heights, never PNG bytes
    // One zoom past the native one: at the native zoom a tile pixel is 0.7..1.4 source pixels, so the next
    // zoom is the first where every source sample is resolved; deeper tiles would only interpolate, which the
    // renderer does as well by upsampling this one.
    info.maxZoom = std::min(mosaic.nativeZoom + 1, kMaxTileZoom);
    // A small raster (a 1 x 1 degree .hgt) has no sample in a zoom 0 tile: every tile there would be empty,
    // and the view would start from nothing. Start where its tiles have data.
    info.minZoom = std::min(coarsestSampledZoom(mosaic.extent), info.maxZoom);
    info.bounds = mosaic.extent;
    info.attribution = !mosaic.attribution.empty()
                           ? mosaic.attribution
                           : "Elevation: " + std::filesystem::path(rasterPath).filename().string();
    info.provenance = mosaic.inputs.front().provenance();
    return std::unique_ptr<TileSource>(new GdalTileSource(std::move(*warper), std::move(info)));
}

}  // namespace fl::terrain
