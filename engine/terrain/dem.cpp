#include "terrain/dem.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <mutex>
#include <new>
#include <string_view>

#include <cpl_error.h>
#include <cpl_string.h>
#include <cpl_vsi.h>
#include <gdal_priv.h>
#include <gdalwarper.h>
#include <ogr_spatialref.h>

#include "terrain/gdal_support.h"

namespace fl::terrain {
namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

Error gdalError(const std::string& path, const std::string& what, const GdalErrorCapture& gdal) {
    return Error::inFile(path, withGdal(what, gdal));
}

bool isWgs84Geographic(const OGRSpatialReference& srs) {
    // Heights stay in the source vertical datum, so only the horizontal part decides whether to warp
    // (e.g. Copernicus DEMs are tagged EPSG:4326+3855).
    OGRSpatialReference horizontal(srs);
    if (horizontal.IsCompound()) horizontal.StripVertical();
    if (!horizontal.IsGeographic()) return false;
    OGRSpatialReference wgs84;
    wgs84.SetWellKnownGeogCS("WGS84");
    const char* const criteria[] = {"IGNORE_DATA_AXIS_TO_SRS_AXIS_MAPPING=YES",
                                    "CRITERION=EQUIVALENT_EXCEPT_AXIS_ORDER_GEOGCRS", nullptr};
    return horizontal.IsSame(&wgs84, criteria);
}

template <typename T>
void flipRaster(std::vector<T>& v, int w, int h, bool flipX, bool flipY) {
    if (v.empty()) return;
    for (int row = 0; row < h && flipX; ++row)
        std::reverse(v.begin() + size_t(row) * w, v.begin() + size_t(row + 1) * w);
    for (int row = 0; row < h / 2 && flipY; ++row)
        std::swap_ranges(v.begin() + size_t(row) * w, v.begin() + size_t(row + 1) * w,
                         v.begin() + size_t(h - 1 - row) * w);
}

}  // namespace

float DemGrid::at(int col, int row) const {
    if (width <= 0 || height <= 0 || heights.size() < size_t(width) * height) return kNaN;
    col = std::clamp(col, 0, width - 1);
    row = std::clamp(row, 0, height - 1);
    return heights[size_t(row) * width + col];
}

bool DemGrid::contains(double lat, double lon) const {
    return width > 0 && height > 0 && lon >= west && lon <= east() && lat <= north && lat >= south();
}

double DemGrid::sampleBilinear(double lat, double lon) const {
    if (!contains(lat, lon) || heights.size() < size_t(width) * height) return std::nan("");
    const double fx = std::clamp((lon - west) / pixelLon - 0.5, 0.0, double(width - 1));
    const double fy = std::clamp((north - lat) / pixelLat - 0.5, 0.0, double(height - 1));
    const int x0 = int(fx), y0 = int(fy);
    const int x1 = std::min(x0 + 1, width - 1), y1 = std::min(y0 + 1, height - 1);
    const double tx = fx - x0, ty = fy - y0;
    struct Corner {
        int x, y;
        double w;
    };
    const Corner corners[] = {
        {x0, y0, (1 - tx) * (1 - ty)}, {x1, y0, tx * (1 - ty)}, {x0, y1, (1 - tx) * ty}, {x1, y1, tx * ty}};
    double sum = 0, weight = 0;
    for (const auto& c : corners) {
        const float h = heights[size_t(c.y) * width + c.x];
        if (c.w <= 0 || std::isnan(h)) continue;
        sum += c.w * h;
        weight += c.w;
    }
    return weight > 0 ? sum / weight : std::nan("");
}

Result<DemGrid> loadDem(const std::string& path, const DemImportOptions& options) {
    registerGdalDrivers();
    GdalErrorCapture gdal;

    if (options.maxSamplesPerSide < 1)
        return Error::inFile(path, "DemImportOptions::maxSamplesPerSide must be at least 1, got " +
                                       std::to_string(options.maxSamplesPerSide));
    // VSIStatL rather than std::filesystem so /vsizip/, /vsicurl/ etc. work like plain paths.
    if (const std::string refusal = demInputRefusal(path); !refusal.empty()) return Error::inFile(path, refusal);
    VSIStatBufL stat;
    if (VSIStatL(gdalName(path).c_str(), &stat) != 0) return Error::inFile(path, "no such file");
    if (VSI_ISREG(stat.st_mode) && stat.st_size == 0) return Error::inFile(path, "is empty (0 bytes)");

    GDALDatasetUniquePtr source(GDALDataset::Open(gdalName(path).c_str(),
                                                  GDAL_OF_RASTER | GDAL_OF_READONLY | GDAL_OF_VERBOSE_ERROR,
                                                  demRasterDrivers(), nullptr, nullptr));
    if (!source) {
        // Some formats are directories (e.g. Arc/Info binary grids), so a directory is only refused here.
        if (VSI_ISDIR(stat.st_mode)) return gdalError(path, "is a directory GDAL cannot read as a raster", gdal);
        if (const std::string foreign = foreignDriver(path); !foreign.empty())
            return Error::inFile(path, "is a " + foreign + " dataset, not an elevation file format Frontline reads");
        GDALDriverH driver = GDALIdentifyDriverEx(path.c_str(), GDAL_OF_RASTER, demRasterDrivers(), nullptr);
        if (!driver) return gdalError(path, "not a raster, or a raster format GDAL cannot read", gdal);
        return gdalError(
            path, std::string("cannot open as ") + GDALGetDriverShortName(driver) + " (truncated or corrupt?)", gdal);
    }
    if (source->GetRasterCount() < 1) {
        char** subdatasets = source->GetMetadata("SUBDATASETS");
        const char* first = CSLFetchNameValue(subdatasets, "SUBDATASET_1_NAME");
        if (!first) return Error::inFile(path, "has no raster bands");
        return Error::inFile(
            path, "has no raster bands of its own but subdatasets; open one of them, e.g. " + std::string(first));
    }

    double gt[6];
    if (source->GetGeoTransform(gt) != CE_None) {
        return Error::inFile(path, source->GetGCPCount() > 0 ? "is georeferenced by GCPs only; warp it first (gdalwarp)"
                                                             : "has no geotransform (not georeferenced)");
    }
    for (double v : gt)
        if (!std::isfinite(v)) return Error::inFile(path, "geotransform has non-finite values");
    if (gt[2] != 0 || gt[4] != 0) {
        return Error::inFile(path, "rotated or sheared geotransform (row/column rotation terms " +
                                       std::to_string(gt[2]) + ", " + std::to_string(gt[4]) +
                                       ") is not supported; make it north-up first (gdalwarp)");
    }
    if (gt[1] == 0 || gt[5] == 0) return Error::inFile(path, "geotransform has a zero pixel size");

    const OGRSpatialReference* srs = source->GetSpatialRef();
    if (!srs || srs->IsEmpty()) {
        return Error::inFile(path,
                             "has no coordinate reference system; assign one first "
                             "(e.g. gdal_edit.py -a_srs EPSG:4326)");
    }

    // Everything downstream (geodesy, tiles, vectors) is WGS84 lon/lat, so other CRSs are warped here.
    GDALDatasetUniquePtr warped;  // declared after `source`: it holds a reference to it and must close first
    GDALDataset* dataset = source.get();
    if (!isWgs84Geographic(*srs)) {
        OGRSpatialReference wgs84;
        wgs84.SetWellKnownGeogCS("WGS84");
        wgs84.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
        char* wkt = nullptr;
        wgs84.exportToWkt(&wkt);
        const std::string dstWkt = wkt ? wkt : "";
        CPLFree(wkt);

        // Float32 with NaN as the destination nodata: the area outside the source footprint then reads as
        // nodata (not 0 m), and GDAL's average decimation below leaves it out. An alpha band would not do:
        // a warped VRT does not report it as band 1's mask, so averages would mix in the 0s.
        GDALWarpOptions* warpOptions = GDALCreateWarpOptions();
        GDALWarpInitDefaultBandMapping(warpOptions, 1);
        warpOptions->eWorkingDataType = GDT_Float32;
        int hasSourceNodata = 0;
        const double sourceNodata = source->GetRasterBand(1)->GetNoDataValue(&hasSourceNodata);
        // Only with a nodata value: setting one makes the warper ignore the source's mask band.
        if (hasSourceNodata) GDALWarpInitSrcNoDataReal(warpOptions, sourceNodata);
        GDALWarpInitDstNoDataReal(warpOptions, std::nan(""));
        warpOptions->papszWarpOptions = CSLSetNameValue(warpOptions->papszWarpOptions, "INIT_DEST", "NO_DATA");
        // Bilinear: heights are a continuous field. 0.125 px is GDAL's usual approximation tolerance.
        GDALDatasetH vrt = GDALAutoCreateWarpedVRTEx(GDALDataset::ToHandle(source.get()), nullptr, dstWkt.c_str(),
                                                     GRA_Bilinear, 0.125, warpOptions, nullptr);
        GDALDestroyWarpOptions(warpOptions);
        if (!vrt) {
            const char* name = srs->GetName();
            return gdalError(
                path, std::string("cannot reproject from ") + (name ? name : "its CRS") + " to WGS84 lon/lat", gdal);
        }
        warped.reset(GDALDataset::FromHandle(vrt));
        dataset = warped.get();
        // The warped band copies the source's nodata value; it must state what the warper writes.
        dataset->GetRasterBand(1)->SetNoDataValue(std::nan(""));
        if (dataset->GetGeoTransform(gt) != CE_None)
            return gdalError(path, "reprojection to WGS84 gave no geotransform", gdal);
    }

    GDALRasterBand* band = dataset->GetRasterBand(1);
    const int srcW = dataset->GetRasterXSize(), srcH = dataset->GetRasterYSize();
    if (!band || srcW < 1 || srcH < 1) return gdalError(path, "raster is empty", gdal);

    int outW = srcW, outH = srcH;
    const int maxSide = options.maxSamplesPerSide;
    const bool decimate = srcW > maxSide || srcH > maxSide;
    if (decimate) {
        const double scale = double(std::max(srcW, srcH)) / maxSide;
        outW = std::clamp(int(std::lround(srcW / scale)), 1, maxSide);
        outH = std::clamp(int(std::lround(srcH / scale)), 1, maxSide);
    }

    DemGrid grid;
    grid.path = path;
    grid.width = outW;
    grid.height = outH;
    grid.pixelLon = std::abs(gt[1]) * srcW / outW;
    grid.pixelLat = std::abs(gt[5]) * srcH / outH;
    // A geographic raster may be stored east-to-west or south-up; it is flipped after reading.
    const bool flipX = gt[1] < 0;
    const bool flipY = gt[5] > 0;
    grid.west = flipX ? gt[0] + srcW * gt[1] : gt[0];
    grid.north = flipY ? gt[3] + srcH * gt[5] : gt[3];
    if (grid.north > 91 || grid.south() < -91 || grid.west < -361 || grid.east() > 361) {
        return Error::inFile(path, "extent is not valid lon/lat degrees (north edge " + std::to_string(grid.north) +
                                       ", west edge " + std::to_string(grid.west) + "); is the raster's CRS right?");
    }

    // The mask band covers nodata values, alpha bands and per-dataset masks alike.
    GDALRasterBand* maskBand = band->GetMaskBand();
    const bool hasMask = maskBand && (band->GetMaskFlags() & GMF_ALL_VALID) == 0;
    const size_t count = size_t(outW) * outH;
    std::vector<uint8_t> mask;
    try {
        grid.heights.resize(count);
        if (hasMask) mask.resize(count);
    } catch (const std::bad_alloc&) {
        return Error::inFile(path, "out of memory for a " + std::to_string(outW) + " x " + std::to_string(outH) +
                                       " grid; lower maxSamplesPerSide");
    }

    GDALRasterIOExtraArg extra;
    INIT_RASTERIO_EXTRA_ARG(extra);
    // Average keeps the decimated surface at the mean height of each footprint (GDAL leaves nodata out).
    extra.eResampleAlg = decimate ? GRIORA_Average : GRIORA_NearestNeighbour;
    if (band->RasterIO(GF_Read, 0, 0, srcW, srcH, grid.heights.data(), outW, outH, GDT_Float32, 0, 0, &extra) !=
        CE_None) {
        return gdalError(path, "cannot read heights (truncated or corrupt file?)", gdal);
    }
    if (hasMask &&
        maskBand->RasterIO(GF_Read, 0, 0, srcW, srcH, mask.data(), outW, outH, GDT_Byte, 0, 0, &extra) != CE_None) {
        return gdalError(path, "cannot read the nodata mask (truncated or corrupt file?)", gdal);
    }
    flipRaster(grid.heights, outW, outH, flipX, flipY);
    flipRaster(mask, outW, outH, flipX, flipY);

    // Packed DEMs store integers with a scale/offset (1 and 0 when absent).
    const double unit = metresPerHeightUnit(band->GetUnitType() ? band->GetUnitType() : "");
    const double scale = band->GetScale() * unit;
    const double offset = band->GetOffset() * unit;
    float lo = std::numeric_limits<float>::max(), hi = std::numeric_limits<float>::lowest();
    for (size_t i = 0; i < count; ++i) {
        float& h = grid.heights[i];
        if ((hasMask && mask[i] == 0) || !std::isfinite(h)) {
            h = kNaN;
            ++grid.nodataCount;
            continue;
        }
        if (scale != 1.0 || offset != 0.0) h = float(h * scale + offset);
        lo = std::min(lo, h);
        hi = std::max(hi, h);
    }
    if (grid.nodataCount == count) return Error::inFile(path, "has no valid height samples (all nodata)");
    grid.minHeight = lo;
    grid.maxHeight = hi;
    return grid;
}

void fillNodata(DemGrid& grid) {
    const size_t count = size_t(std::max(grid.width, 0)) * std::max(grid.height, 0);
    if (count == 0 || grid.heights.size() < count) return;
    const auto isHole = [](float h) { return std::isnan(h); };
    if (std::none_of(grid.heights.begin(), grid.heights.begin() + count, isHole)) return;

    // Pull: a pyramid of valid-only 2x2 averages up to the first level without holes. Push: holes on each
    // finer level are interpolated from the (complete) level above. Every sample is touched a bounded
    // number of times, unlike neighbour averaging, which needs as many passes as the widest hole.
    struct Level {
        int w, h;
        std::vector<float> v;  // NaN = hole
    };
    std::vector<Level> levels;
    levels.push_back({grid.width, grid.height, {grid.heights.begin(), grid.heights.begin() + count}});
    auto hasHoles = [](const Level& l) {
        return std::any_of(l.v.begin(), l.v.end(), [](float h) { return std::isnan(h); });
    };
    while (hasHoles(levels.back())) {
        const Level& fine = levels.back();
        if (fine.w == 1 && fine.h == 1) return;  // no valid sample anywhere: nothing to fill from
        Level coarse{(fine.w + 1) / 2, (fine.h + 1) / 2, {}};
        coarse.v.assign(size_t(coarse.w) * coarse.h, kNaN);
        for (int y = 0; y < coarse.h; ++y) {
            for (int x = 0; x < coarse.w; ++x) {
                double sum = 0;
                int n = 0;
                for (int fy = 2 * y; fy < std::min(2 * y + 2, fine.h); ++fy) {
                    for (int fx = 2 * x; fx < std::min(2 * x + 2, fine.w); ++fx) {
                        const float h = fine.v[size_t(fy) * fine.w + fx];
                        if (std::isnan(h)) continue;
                        sum += h;
                        ++n;
                    }
                }
                if (n > 0) coarse.v[size_t(y) * coarse.w + x] = float(sum / n);
            }
        }
        levels.push_back(std::move(coarse));
    }
    for (size_t l = levels.size() - 1; l-- > 0;) {
        Level& fine = levels[l];
        const Level& coarse = levels[l + 1];
        for (int y = 0; y < fine.h; ++y) {
            for (int x = 0; x < fine.w; ++x) {
                float& h = fine.v[size_t(y) * fine.w + x];
                if (!std::isnan(h)) continue;
                const double cx = std::clamp((x + 0.5) / 2 - 0.5, 0.0, double(coarse.w - 1));
                const double cy = std::clamp((y + 0.5) / 2 - 0.5, 0.0, double(coarse.h - 1));
                const int x0 = int(cx), y0 = int(cy);
                const int x1 = std::min(x0 + 1, coarse.w - 1), y1 = std::min(y0 + 1, coarse.h - 1);
                const double tx = cx - x0, ty = cy - y0;
                auto c = [&](int cx_, int cy_) { return double(coarse.v[size_t(cy_) * coarse.w + cx_]); };
                h = float((1 - ty) * ((1 - tx) * c(x0, y0) + tx * c(x1, y0)) +
                          ty * ((1 - tx) * c(x0, y1) + tx * c(x1, y1)));
            }
        }
    }
    std::copy(levels[0].v.begin(), levels[0].v.end(), grid.heights.begin());
    grid.nodataCount = 0;
}

}  // namespace fl::terrain
