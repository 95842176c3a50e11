#include "terrain/tile_warp.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <limits>
#include <mutex>
#include <numbers>

#include <cpl_string.h>
#include <cpl_vsi.h>
#include <gdal_alg.h>
#include <gdal_priv.h>
#include <gdalwarper.h>
#include <ogr_spatialref.h>

#include "terrain/gdal_support.h"

namespace fl::terrain {
namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
constexpr double kEarthRadius = 6378137.0;  // spherical Web Mercator
constexpr double kPi = std::numbers::pi;

std::string lowercase(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return s;
}

std::string fileName(const std::string& path) {
    const size_t slash = path.find_last_of('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

// Ground distance between two lon/lat points (haversine on the WGS84 equatorial sphere); plenty for a
// resolution estimate.
double groundDistance(double lon0, double lat0, double lon1, double lat1) {
    const double d2r = kPi / 180;
    const double dLat = (lat1 - lat0) * d2r, dLon = (lon1 - lon0) * d2r;
    const double a = std::sin(dLat / 2) * std::sin(dLat / 2) +
                     std::cos(lat0 * d2r) * std::cos(lat1 * d2r) * std::sin(dLon / 2) * std::sin(dLon / 2);
    return 2 * kEarthRadius * std::asin(std::min(1.0, std::sqrt(a)));
}

std::string mercatorWkt() {
    OGRSpatialReference srs;
    srs.importFromEPSG(3857);
    char* wkt = nullptr;
    srs.exportToWkt(&wkt);
    std::string s = wkt ? wkt : "";
    CPLFree(wkt);
    return s;
}

GDALDatasetUniquePtr openRaster(const std::string& path) {
    return GDALDatasetUniquePtr(GDALDataset::Open(gdalName(path).c_str(),
                                                  GDAL_OF_RASTER | GDAL_OF_READONLY | GDAL_OF_VERBOSE_ERROR,
                                                  demRasterDrivers(), nullptr, nullptr));
}

}  // namespace

double tilePixelSizeMetres(int z, double lat) {
    return 2 * kPi * kEarthRadius * std::cos(lat * kPi / 180) / (kTileSize * std::ldexp(1.0, z));
}

int zoomForResolution(double metres, double lat) {
    if (!(metres > 0)) return 0;
    const double z = std::log2(tilePixelSizeMetres(0, lat) / metres);
    return std::clamp(int(std::lround(z)), 0, kMaxTileZoom);
}

std::string WarpInputInfo::provenance() const {
    char res[64];
    std::snprintf(res, sizeof res, "%.0f m", resolutionMetres);
    return fileName(path) + " (" + driver + ", " + std::to_string(width) + " x " + std::to_string(height) + " px, " +
           res + ")";
}

struct TileWarper::Input {
    WarpInputInfo info;
    bool hasNodata = false;
    double nodata = 0;
    double scale = 1, offset = 0;  // metres = raw * scale + offset (units included)
};

struct TileWarper::HandleSet {
    std::vector<GDALDatasetUniquePtr> datasets;  // one per input, same order
};

struct TileWarper::Pool {
    std::mutex mutex;
    std::vector<std::unique_ptr<HandleSet>> idle;
    std::string mercatorWkt;
};

TileWarper::~TileWarper() = default;

namespace {

// Opens and checks one input; fills what can be known without warping.
Result<GDALDatasetUniquePtr> openChecked(const std::string& path) {
    GdalErrorCapture gdal;
    if (const std::string refusal = demInputRefusal(path); !refusal.empty()) return Error::inFile(path, refusal);
    VSIStatBufL stat;
    if (VSIStatL(gdalName(path).c_str(), &stat) != 0) return Error::inFile(path, "no such file");
    if (VSI_ISREG(stat.st_mode) && stat.st_size == 0) return Error::inFile(path, "is empty (0 bytes)");
    GDALDatasetUniquePtr ds = openRaster(path);
    if (!ds) {
        if (VSI_ISDIR(stat.st_mode))
            return Error::inFile(path, withGdal("is a directory GDAL cannot read as a raster", gdal));
        if (const std::string driver = foreignDriver(path); !driver.empty())
            return Error::inFile(path, "is a " + driver + " dataset, not an elevation file format Frontline reads");
        return Error::inFile(path, withGdal("not a raster, or a raster format GDAL cannot read", gdal));
    }
    if (ds->GetRasterCount() < 1) return Error::inFile(path, "has no raster bands");
    double gt[6];
    if (ds->GetGeoTransform(gt) != CE_None) {
        return Error::inFile(path, ds->GetGCPCount() > 0 ? "is georeferenced by GCPs only; warp it first (gdalwarp)"
                                                         : "has no geotransform (not georeferenced)");
    }
    for (double v : gt)
        if (!std::isfinite(v)) return Error::inFile(path, "geotransform has non-finite values");
    if (gt[1] * gt[5] - gt[2] * gt[4] == 0) return Error::inFile(path, "geotransform has a zero pixel size");
    const OGRSpatialReference* srs = ds->GetSpatialRef();
    if (!srs || srs->IsEmpty())
        return Error::inFile(path,
                             "has no coordinate reference system; assign one first (e.g. gdal_edit.py -a_srs "
                             "EPSG:4326)");
    if (ds->GetRasterXSize() < 1 || ds->GetRasterYSize() < 1) return Error::inFile(path, "raster is empty");
    return ds;
}

}  // namespace

Result<std::unique_ptr<TileWarper>> TileWarper::open(const std::vector<std::string>& paths,
                                                     const TileWarpOptions& options) {
    registerGdalDrivers();
    if (paths.empty()) return Error{"no input rasters"};
    std::unique_ptr<TileWarper> warper(new TileWarper());
    warper->m_options = options;
    warper->m_pool = std::make_unique<Pool>();
    warper->m_pool->mercatorWkt = mercatorWkt();
    auto first = std::make_unique<HandleSet>();

    MosaicInfo& mosaic = warper->m_info;
    mosaic.extent = {180, 90, -180, -90};
    mosaic.finestResolutionMetres = std::numeric_limits<double>::infinity();
    for (const std::string& path : paths) {
        auto ds = openChecked(path);
        if (!ds) return ds.error();
        GdalErrorCapture gdal;
        GDALDataset* d = ds->get();
        auto input = std::make_unique<Input>();
        input->info.path = path;
        input->info.driver = d->GetDriver() ? d->GetDriver()->GetDescription() : "?";
        input->info.width = d->GetRasterXSize();
        input->info.height = d->GetRasterYSize();
        GDALRasterBand* band = d->GetRasterBand(1);
        int hasNodata = 0;
        input->nodata = band->GetNoDataValue(&hasNodata);
        input->hasNodata = hasNodata != 0;
        const double unit = metresPerHeightUnit(band->GetUnitType() ? band->GetUnitType() : "");
        input->scale = band->GetScale() * unit;
        input->offset = band->GetOffset() * unit;

        // Extent and resolution in lon/lat through the same transformer machinery as the warp itself, so any
        // CRS GDAL knows works.
        CPLStringList toWgs84;
        toWgs84.SetNameValue("DST_SRS", "EPSG:4326");
        void* transform = GDALCreateGenImgProjTransformer2(GDALDataset::ToHandle(d), nullptr, toWgs84.List());
        if (!transform) return Error::inFile(path, withGdal("cannot transform its CRS to WGS84 lon/lat", gdal));
        double gt[6], extent[4] = {0, 0, 0, 0};
        int px = 0, ln = 0;
        const bool extentOk = GDALSuggestedWarpOutput2(GDALDataset::ToHandle(d), GDALGenImgProjTransform, transform, gt,
                                                       &px, &ln, extent, 0) == CE_None;
        double x[3] = {input->info.width / 2.0, input->info.width / 2.0 + 1, input->info.width / 2.0};
        double y[3] = {input->info.height / 2.0, input->info.height / 2.0, input->info.height / 2.0 + 1};
        double zc[3] = {0, 0, 0};
        int ok[3] = {0, 0, 0};
        GDALGenImgProjTransform(transform, FALSE, 3, x, y, zc, ok);
        GDALDestroyGenImgProjTransformer(transform);
        if (!extentOk || !ok[0] || !ok[1] || !ok[2])
            return Error::inFile(path, withGdal("cannot compute its extent in WGS84 lon/lat", gdal));
        input->info.extent = {extent[0], extent[1], extent[2], extent[3]};
        input->info.resolutionMetres =
            std::sqrt(groundDistance(x[0], y[0], x[1], y[1]) * groundDistance(x[0], y[0], x[2], y[2]));
        if (!(input->info.resolutionMetres > 0))
            return Error::inFile(path, "has a zero or invalid pixel size on the ground");

        mosaic.extent.west = std::min(mosaic.extent.west, extent[0]);
        mosaic.extent.south = std::min(mosaic.extent.south, extent[1]);
        mosaic.extent.east = std::max(mosaic.extent.east, extent[2]);
        mosaic.extent.north = std::max(mosaic.extent.north, extent[3]);
        mosaic.finestResolutionMetres = std::min(mosaic.finestResolutionMetres, input->info.resolutionMetres);
        if (lowercase(fileName(path)).find("gmted2010") != std::string::npos && mosaic.attribution.empty())
            mosaic.attribution = "GMTED2010: USGS/NGA (public domain)";
        mosaic.inputs.push_back(input->info);
        warper->m_inputs.push_back(std::move(input));
        first->datasets.push_back(std::move(*ds));
    }
    mosaic.extent.west = std::clamp(mosaic.extent.west, -180.0, 180.0);
    mosaic.extent.east = std::clamp(mosaic.extent.east, -180.0, 180.0);
    mosaic.extent.south = std::clamp(mosaic.extent.south, -kMaxMercatorLat, kMaxMercatorLat);
    mosaic.extent.north = std::clamp(mosaic.extent.north, -kMaxMercatorLat, kMaxMercatorLat);
    mosaic.nativeZoom =
        zoomForResolution(mosaic.finestResolutionMetres, (mosaic.extent.south + mosaic.extent.north) / 2);
    warper->release(std::move(first));
    return warper;
}

std::unique_ptr<TileWarper::HandleSet> TileWarper::acquire() const {
    {
        std::lock_guard lock(m_pool->mutex);
        if (!m_pool->idle.empty()) {
            auto set = std::move(m_pool->idle.back());
            m_pool->idle.pop_back();
            return set;
        }
    }
    auto set = std::make_unique<HandleSet>();
    for (const auto& input : m_inputs) {
        set->datasets.push_back(openRaster(input->info.path));
        if (!set->datasets.back()) return nullptr;  // the file vanished or changed since open()
    }
    return set;
}

void TileWarper::release(std::unique_ptr<HandleSet> set) const {
    std::lock_guard lock(m_pool->mutex);
    if (m_options.maxIdleHandleSets > 0 && int(m_pool->idle.size()) >= m_options.maxIdleHandleSets) return;
    m_pool->idle.push_back(std::move(set));
}

Result<HeightTile> TileWarper::warpTile(TileId tile) const {
    if (!isValid(tile)) return Error{"tile " + toString(tile) + " is not a valid tile id"};
    HeightTile out;
    out.width = out.height = kTileSize;
    out.heights.assign(size_t(kTileSize) * kTileSize, kNaN);

    const TileBounds bounds = tileBounds(tile);
    const double tilePixel = tilePixelSizeMetres(tile.z, (bounds.south + bounds.north) / 2);
    GdalErrorCapture gdal;
    std::unique_ptr<HandleSet> set;
    GDALDatasetUniquePtr dst;
    std::vector<float> layer(out.heights.size());

    for (size_t i = 0; i < m_inputs.size(); ++i) {
        const Input& input = *m_inputs[i];
        const TileBounds& e = input.info.extent;
        if (e.east <= bounds.west || e.west >= bounds.east || e.north <= bounds.south || e.south >= bounds.north)
            continue;
        if (!set) {
            set = acquire();
            if (!set) return Error::inFile(input.info.path, withGdal("cannot reopen the raster", gdal));
        }
        if (!dst) {
            GDALDriver* mem = GetGDALDriverManager()->GetDriverByName("MEM");
            dst.reset(mem ? mem->Create("", kTileSize, kTileSize, 1, GDT_Float32, nullptr) : nullptr);
            if (!dst) return Error{withGdal("cannot create an in-memory tile for " + toString(tile), gdal)};
            const double world = 2 * kPi * kEarthRadius, size = world / std::ldexp(1.0, tile.z);
            double gt[6] = {-world / 2 + tile.x * size, size / kTileSize, 0, world / 2 - tile.y * size, 0,
                            -size / kTileSize};
            dst->SetGeoTransform(gt);
            dst->SetProjection(m_pool->mercatorWkt.c_str());
            dst->GetRasterBand(1)->SetNoDataValue(std::nan(""));
        }
        GDALDatasetH src = GDALDataset::ToHandle(set->datasets[i].get());

        GDALWarpOptions* wo = GDALCreateWarpOptions();
        wo->hSrcDS = src;
        wo->hDstDS = GDALDataset::ToHandle(dst.get());
        GDALWarpInitDefaultBandMapping(wo, 1);
        wo->eWorkingDataType = GDT_Float32;
        wo->eResampleAlg = tilePixel > input.info.resolutionMetres ? GRA_Average : GRA_Bilinear;
        // Only with a nodata value: setting one makes the warper ignore the source's mask band.
        if (input.hasNodata) GDALWarpInitSrcNoDataReal(wo, input.nodata);
        GDALWarpInitDstNoDataReal(wo, std::nan(""));
        wo->papszWarpOptions = CSLSetNameValue(wo->papszWarpOptions, "INIT_DEST", "NO_DATA");
        void* genImg = GDALCreateGenImgProjTransformer2(src, wo->hDstDS, nullptr);
        if (!genImg) {
            GDALDestroyWarpOptions(wo);
            release(std::move(set));
            return Error::inFile(input.info.path, withGdal("cannot reproject to Web Mercator", gdal));
        }
        void* approx =
            m_options.approximationErrorPixels > 0
                ? GDALCreateApproxTransformer(GDALGenImgProjTransform, genImg, m_options.approximationErrorPixels)
                : nullptr;
        wo->pfnTransformer = approx ? GDALApproxTransform : GDALGenImgProjTransform;
        wo->pTransformerArg = approx ? approx : genImg;

        CPLErr err = CE_Failure;
        {
            GDALWarpOperation op;
            if (op.Initialize(wo) == CE_None) err = op.ChunkAndWarpImage(0, 0, kTileSize, kTileSize);
        }
        if (approx) GDALDestroyApproxTransformer(approx);
        GDALDestroyGenImgProjTransformer(genImg);
        GDALDestroyWarpOptions(wo);
        if (err == CE_None)
            err = dst->GetRasterBand(1)->RasterIO(GF_Read, 0, 0, kTileSize, kTileSize, layer.data(), kTileSize,
                                                  kTileSize, GDT_Float32, 0, 0, nullptr);
        if (err != CE_None) {
            release(std::move(set));
            return Error::inFile(
                input.info.path,
                withGdal("cannot warp tile " + toString(tile) + " (truncated or corrupt file?)", gdal));
        }
        const bool linear = input.scale != 1.0 || input.offset != 0.0;
        for (size_t p = 0; p < layer.size(); ++p) {
            const float h = layer[p];
            if (!std::isfinite(h)) continue;  // nodata (NaN from the warper) or a non-finite source value
            out.heights[p] = linear ? float(h * input.scale + input.offset) : h;
        }
    }
    if (set) release(std::move(set));
    return out;
}

}  // namespace fl::terrain
