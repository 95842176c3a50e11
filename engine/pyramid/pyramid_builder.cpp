#include "pyramid/pyramid_builder.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <mutex>
#include <thread>

#include "terrain/height_codec.h"
#include "terrain/pmtiles.h"
#include "terrain/tile_warp.h"

namespace fl::pyramid {

// The pyramid is built of the streaming runtime's tiles, ids, codecs and archives.
using namespace fl::terrain;
namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
constexpr int kMaxBuildZoom = 24;  // ~2 m pixels; beyond it nothing real exists and tile counts explode

struct TileRange {
    uint32_t x0 = 0, y0 = 0, x1 = 0, y1 = 0;  // inclusive
    size_t count() const { return size_t(x1 - x0 + 1) * (y1 - y0 + 1); }
    bool contains(uint32_t x, uint32_t y) const { return x >= x0 && x <= x1 && y >= y0 && y <= y1; }
};

TileRange tilesOf(const TileBounds& b, int z) {
    // Nudged inwards so a bbox edge on a tile edge does not pull in the neighbouring row or column.
    const double eps = 1e-9;
    const TileId nw = tileAt(b.north - eps, b.west + eps, z);
    const TileId se = tileAt(b.south + eps, b.east - eps, z);
    return {nw.x, nw.y, se.x, se.y};
}

TileRange grow(const TileRange& r, int z) {
    const uint32_t last = (1u << z) - 1;
    return {r.x0 > 0 ? r.x0 - 1 : 0, r.y0 > 0 ? r.y0 - 1 : 0, std::min(r.x1 + 1, last), std::min(r.y1 + 1, last)};
}

// One zoom level of the region in memory: the tiles of `range`, as one raster in global pixel coordinates.
struct LevelRaster {
    int z = -1;
    TileRange range;
    int width = 0, height = 0;
    std::vector<float> heights;

    int64_t originX() const { return int64_t(range.x0) * kTileSize; }
    int64_t originY() const { return int64_t(range.y0) * kTileSize; }
    // Clamped to the raster: callers only ask past its edge at the edge of the world.
    float at(int64_t gx, int64_t gy) const {
        const int64_t x = std::clamp<int64_t>(gx - originX(), 0, width - 1);
        const int64_t y = std::clamp<int64_t>(gy - originY(), 0, height - 1);
        return heights[size_t(y) * width + size_t(x)];
    }
};

// Bilinear from the parent level at the centre of child pixel (gx, gy), nodata left out; NaN if all is.
float upsampledParent(const LevelRaster& parent, int64_t gx, int64_t gy) {
    const double px = (gx + 0.5) / 2 - 0.5, py = (gy + 0.5) / 2 - 0.5;
    const int64_t x0 = int64_t(std::floor(px)), y0 = int64_t(std::floor(py));
    const double tx = px - x0, ty = py - y0;
    double sum = 0, weight = 0;
    for (int dy = 0; dy < 2; ++dy)
        for (int dx = 0; dx < 2; ++dx) {
            const double w = (dx ? tx : 1 - tx) * (dy ? ty : 1 - ty);
            const float h = parent.at(x0 + dx, y0 + dy);
            if (w <= 0 || std::isnan(h)) continue;
            sum += w * h;
            weight += w;
        }
    return weight > 0 ? float(sum / weight) : kNaN;
}

std::string jsonString(const std::string& s) {
    std::string out = "\"";
    for (unsigned char c : s) {
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            default:
                if (c < 0x20) {
                    char buf[8];
                    std::snprintf(buf, sizeof buf, "\\u%04x", c);
                    out += buf;
                } else {
                    out += char(c);
                }
        }
    }
    return out + "\"";
}

std::string metadataJson(const std::string& attribution, const MosaicInfo& mosaic, std::optional<int> synthesizedFrom,
                         uint64_t seed) {
    char resolution[32];
    std::snprintf(resolution, sizeof resolution, "%.1f", mosaic.finestResolutionMetres);
    std::string json = "{\"encoding\":\"terrarium\",\"attribution\":" + jsonString(attribution) +
                       ",\"tile_size\":" + std::to_string(kTileSize) + ",\"frontline\":{";
    if (synthesizedFrom) {
        json += "\"synthesized_detail\":{\"from_zoom\":" + std::to_string(*synthesizedFrom) +
                ",\"method\":\"mean-preserving fBm\",\"seed\":" + std::to_string(seed) + "},";
    }
    json += "\"provenance\":[";
    for (size_t i = 0; i < mosaic.inputs.size(); ++i) {
        if (i) json += ',';
        json += jsonString(mosaic.inputs[i].provenance());
    }
    json += "],\"source_resolution_m\":" + std::string(resolution) + "}}";
    return json;
}

// Runs work(i) for i in [0, count) on `threads` threads. Stops early after an error; returns the error of the
// lowest index that failed, so the reported error does not depend on thread timing either.
Status parallelFor(size_t count, int threads, const std::function<Status(size_t)>& work) {
    std::atomic<size_t> next{0};
    std::atomic<bool> failed{false};
    std::mutex mutex;
    std::optional<std::pair<size_t, Error>> firstError;
    auto worker = [&] {
        for (size_t i; !failed.load() && (i = next.fetch_add(1)) < count;) {
            Status s = work(i);
            if (s) continue;
            std::lock_guard lock(mutex);
            if (!firstError || i < firstError->first) firstError.emplace(i, s.error());
            failed = true;
        }
    };
    const int n = std::max(1, std::min<int>(threads, int(count)));
    std::vector<std::thread> pool;
    for (int t = 1; t < n; ++t) pool.emplace_back(worker);
    worker();
    for (auto& t : pool) t.join();
    if (firstError) return firstError->second;
    return Ok{};
}

}  // namespace

Result<TileBounds> checkBbox(const TileBounds& b, const std::string& what) {
    for (double v : {b.west, b.south, b.east, b.north})
        if (!std::isfinite(v)) return Error{what + ": coordinates must be finite numbers"};
    if (b.west < -180 || b.east > 180) return Error{what + ": longitudes must be within -180..180"};
    if (b.south < -kMaxMercatorLat || b.north > kMaxMercatorLat)
        return Error{what + ": latitudes must be within -85.0511..85.0511 (the Web Mercator square)"};
    if (b.west >= b.east) return Error{what + ": west must be less than east"};
    if (b.south >= b.north) return Error{what + ": south must be less than north"};
    return b;
}

Result<PyramidBuildReport> buildPyramid(const PyramidBuildOptions& options) {
    const auto start = std::chrono::steady_clock::now();
    if (options.inputs.empty()) return Error{"tiles build: no input rasters"};
    if (options.outPath.empty()) return Error{"tiles build: no output file"};
    if (options.minZoom < 0 || options.minZoom > kMaxBuildZoom)
        return Error{"tiles build: min zoom " + std::to_string(options.minZoom) + " is outside 0.." +
                     std::to_string(kMaxBuildZoom)};
    if (options.maxZoom && (*options.maxZoom < options.minZoom || *options.maxZoom > kMaxBuildZoom))
        return Error{"tiles build: max zoom " + std::to_string(*options.maxZoom) + " is outside " +
                     std::to_string(options.minZoom) + ".." + std::to_string(kMaxBuildZoom)};

    auto warper = TileWarper::open(options.inputs);
    if (!warper) return warper.error();
    const MosaicInfo& mosaic = (*warper)->info();

    TileBounds bbox = mosaic.extent;
    if (options.bbox) {
        auto checked = checkBbox(*options.bbox, "bbox");
        if (!checked) return checked.error();
        bbox = *checked;
    }
    const TileBounds& e = mosaic.extent;
    if (bbox.east <= e.west || bbox.west >= e.east || bbox.north <= e.south || bbox.south >= e.north)
        return Error::inFile(options.inputs.front(), "no input covers the bbox");

    PyramidBuildReport report;
    report.bounds = bbox;
    report.sourceResolutionMetres = mosaic.finestResolutionMetres;
    report.nativeZoom =
        std::min(zoomForResolution(mosaic.finestResolutionMetres, (bbox.south + bbox.north) / 2), kMaxBuildZoom);
    const int maxZoom = options.maxZoom.value_or(std::max(report.nativeZoom, options.minZoom));
    if (options.synthesizeDetail && maxZoom > report.nativeZoom) report.synthesizedFromZoom = report.nativeZoom + 1;
    // Synthesis starts from the native level, so that one is computed even when it is not written.
    const int firstZoom = report.synthesizedFromZoom ? std::min(options.minZoom, report.nativeZoom) : options.minZoom;
    const int threads = options.threads > 0 ? options.threads : std::max(1, int(std::thread::hardware_concurrency()));

    // Levels below the top also compute a one-tile ring around the bbox: the next level's edge tiles need
    // their parents' neighbours (hole filling, and the synthesis apron of detailApron() parent pixels).
    TileBounds context = bbox;
    if (options.contextMaxZoom) {
        const TileBounds& e = mosaic.extent;
        context = {
            std::max(-180.0, std::min(bbox.west, e.west)), std::max(-kMaxMercatorLat, std::min(bbox.south, e.south)),
            std::min(180.0, std::max(bbox.east, e.east)), std::min(kMaxMercatorLat, std::max(bbox.north, e.north))};
    }
    auto areaOf = [&](int z) { return options.contextMaxZoom && z <= *options.contextMaxZoom ? context : bbox; };
    auto rangeOf = [&](int z) { return z < maxZoom ? grow(tilesOf(areaOf(z), z), z) : tilesOf(areaOf(z), z); };
    size_t total = 0, done = 0;
    for (int z = firstZoom; z <= maxZoom; ++z) total += rangeOf(z).count();
    std::mutex progressMutex;

    const int apron = detailApron(options.detail);
    const int regionSide = kTileSize / 2 + 2 * apron;
    PmtilesWriter writer;
    LevelRaster parent;
    for (int z = firstZoom; z <= maxZoom; ++z) {
        const TileRange bboxTiles = tilesOf(areaOf(z), z);
        LevelRaster level;
        level.z = z;
        level.range = rangeOf(z);
        const bool keep = z < maxZoom;
        if (keep) {
            level.width = int(level.range.x1 - level.range.x0 + 1) * kTileSize;
            level.height = int(level.range.y1 - level.range.y0 + 1) * kTileSize;
            level.heights.assign(size_t(level.width) * level.height, kNaN);
        }
        const bool synthesize = report.synthesizedFromZoom && z >= *report.synthesizedFromZoom;
        const bool write = z >= options.minZoom;
        const size_t nx = level.range.x1 - level.range.x0 + 1;
        std::vector<std::vector<uint8_t>> encoded(level.range.count());

        Status status = parallelFor(level.range.count(), threads, [&](size_t index) -> Status {
            const TileId tile{uint8_t(z), level.range.x0 + uint32_t(index % nx), level.range.y0 + uint32_t(index / nx)};
            const int64_t gx0 = int64_t(tile.x) * kTileSize, gy0 = int64_t(tile.y) * kTileSize;
            HeightTile heights;
            if (synthesize) {
                std::vector<float> region(size_t(regionSide) * regionSide);
                const int64_t px0 = gx0 / 2 - apron, py0 = gy0 / 2 - apron;
                for (int y = 0; y < regionSide; ++y)
                    for (int x = 0; x < regionSide; ++x)
                        region[size_t(y) * regionSide + x] = parent.at(px0 + x, py0 + y);
                heights = synthesizeChildTile(tile, region, options.detail);
            } else {
                auto warped = (*warper)->warpTile(tile);
                if (!warped) return warped.error();
                heights = std::move(*warped);
                // Nodata filled from coarser data: the level above is complete wherever any input had data.
                if (parent.z == z - 1 && !parent.heights.empty()) {
                    for (int y = 0; y < kTileSize; ++y)
                        for (int x = 0; x < kTileSize; ++x) {
                            float& h = heights.heights[size_t(y) * kTileSize + x];
                            if (std::isnan(h)) h = upsampledParent(parent, gx0 + x, gy0 + y);
                        }
                }
            }
            if (keep) {
                const int64_t ox = gx0 - level.originX(), oy = gy0 - level.originY();
                for (int y = 0; y < kTileSize; ++y)
                    std::copy_n(&heights.heights[size_t(y) * kTileSize], kTileSize,
                                &level.heights[size_t(oy + y) * level.width + size_t(ox)]);
            }
            const bool anyData =
                std::any_of(heights.heights.begin(), heights.heights.end(), [](float h) { return !std::isnan(h); });
            if (write && anyData && bboxTiles.contains(tile.x, tile.y)) {
                auto png = encodeTerrariumPng(heights);
                if (!png) return Error{"tile " + toString(tile) + ": " + png.error().message};
                encoded[index] = std::move(*png);
            }
            if (options.progress) {
                std::lock_guard lock(progressMutex);
                options.progress(++done, total);
            }
            return Ok{};
        });
        if (!status) return status.error();

        PyramidBuildReport::Level summary{z, 0, synthesize};
        for (size_t i = 0; i < encoded.size(); ++i) {
            if (encoded[i].empty()) continue;
            writer.addTile({uint8_t(z), level.range.x0 + uint32_t(i % nx), level.range.y0 + uint32_t(i / nx)},
                           std::move(encoded[i]));
            ++summary.tiles;
        }
        if (write) {
            report.levels.push_back(summary);
            report.tiles += summary.tiles;
        }
        parent = std::move(level);
    }
    if (report.tiles == 0) return Error::inFile(options.inputs.front(), "no valid heights inside the bbox");

    std::string attribution;
    if (options.attribution) {
        attribution = *options.attribution;
    } else if (!mosaic.attribution.empty()) {
        attribution = mosaic.attribution;
    } else {
        for (const auto& input : mosaic.inputs) {
            const std::string name = std::filesystem::path(input.path).filename().string();
            attribution += (attribution.empty() ? "Elevation: " : ", ") + name;
        }
    }
    if (report.synthesizedFromZoom) attribution += "; synthesized detail";
    report.metadataJson = metadataJson(attribution, mosaic, report.synthesizedFromZoom, options.detail.seed);

    PmtilesWriteOptions write;
    write.metadataJson = report.metadataJson;
    // The header's min zoom is where the tiles start: a small extent has none at the coarsest levels asked
    // for (z0 of a 1 x 1 degree .hgt has no sample), and readers start their view from this zoom.
    const auto firstWritten = std::find_if(report.levels.begin(), report.levels.end(),
                                           [](const PyramidBuildReport::Level& l) { return l.tiles > 0; });
    write.minZoom = uint8_t(firstWritten->zoom);
    write.maxZoom = uint8_t(maxZoom);
    write.bounds = options.contextMaxZoom ? context : bbox;
    if (auto st = writer.finish(options.outPath, write); !st) return st.error();
    std::error_code ec;
    report.bytes = std::filesystem::file_size(options.outPath, ec);
    report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return report;
}

}  // namespace fl::pyramid
