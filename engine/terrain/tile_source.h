// terrain/tile_source.h — where elevation tiles come from.
// Owns: the one interface every source implements (local PMTiles, XYZ directory, HTTP XYZ template, remote
// PMTiles over range requests, a GDAL raster tiled on the fly), what a source says about itself, and
// opening a source from the `--terrain SOURCE` string.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "net/http.h"
#include "terrain/height_codec.h"
#include "terrain/pmtiles.h"
#include "terrain/tile_id.h"

namespace fl::terrain {

// Set by the scheduler when the view no longer needs a tile; sources poll it between steps (and the HTTP
// client aborts a transfer in progress) so stale work stops early.
class CancelFlag {
public:
    void cancel() { m_cancelled.store(true, std::memory_order_relaxed); }
    bool cancelled() const { return m_cancelled.load(std::memory_order_relaxed); }
    // For layers below terrain (net) that take a plain atomic.
    const std::atomic<bool>& flag() const { return m_cancelled; }

private:
    std::atomic<bool> m_cancelled{false};
};

// Which of the source kinds openTileSource chose (`frontline tiles info` shows it).
enum class TileSourceKind { PmtilesFile, PmtilesRemote, XyzDirectory, XyzUrlTemplate, GdalRaster };
std::string_view kindName(TileSourceKind kind);  // "PMTiles archive", "XYZ URL template", ...

// What a source says about itself. Archives built by `frontline tiles build` carry all of it in their
// metadata (see kMetadataKeys below); for bare directories and URL templates the caller supplies the
// encoding and the zooms are discovered or defaulted.
struct TileSourceInfo {
    std::string name;  // path or URL, used in every error message
    TileSourceKind kind = TileSourceKind::PmtilesFile;
    HeightEncoding encoding = HeightEncoding::Terrarium;
    int minZoom = 0, maxZoom = 15;
    TileBounds bounds{-180, -kMaxMercatorLat, 180, kMaxMercatorLat};
    int tileSize = kTileSize;
    std::string attribution;  // credit line for the data (shown by the app; may be empty)
    // Detail below the source resolution was synthesized (`tiles build --synthesize-detail`): the app must
    // credit "synthesized detail". From this zoom on the tiles are synthesized (nullopt: not at all).
    std::optional<int> synthesizedFromZoom;
    std::string provenance;  // free text: the rasters the tiles were built from, one per line
    // What an archive's header says it holds (0 = the writer did not count). Directories, URL templates and
    // GDAL rasters cannot say without listing or tiling everything: nullopt.
    struct TileCount {
        uint64_t addressed = 0;  // tile ids with data
        uint64_t entries = 0;    // directory entries (runs of identical tiles share one)
        uint64_t contents = 0;   // distinct tile contents stored
    };
    std::optional<TileCount> tileCount;
};

// PMTiles metadata (JSON object) written by the builder and read by the PMTiles sources:
//   "encoding":      "terrarium" | "terrain-rgb"         (required for our archives; else --encoding)
//   "attribution":   string                               (credit line)
//   "tile_size":     256 | 512
//   "frontline":     { "synthesized_detail": { "from_zoom": N, "method": "...", "seed": N } | absent,
//                      "provenance": [ "file description", ... ],
//                      "source_resolution_m": number }
// Archives from other tools (e.g. `pmtiles convert` of Terrarium tiles) usually lack "encoding": then
// TileSourceOptions::encoding must say it, and an archive whose metadata and --encoding disagree is an error.

struct TileSourceOptions {
    // The height encoding where the source cannot say (directories, URL templates, foreign archives).
    std::optional<HeightEncoding> encoding;
    // Zoom range of directory and URL-template sources (--min-zoom, --max-zoom), which cannot be discovered
    // cheaply. Unset: their TileJSON's, else directories scan their z folders and URL templates assume 0..15.
    std::optional<int> minZoom, maxZoom;
    // Where a directory or URL-template source has tiles (--bounds W,S,E,N); nullopt = its TileJSON's
    // "bounds", else the whole world. No tile outside is requested.
    std::optional<TileBounds> bounds;
    net::HttpOptions http;  // timeouts, retries, requests in flight (HTTP sources only)
};

// The result of one fetch. Sources return encoded PNG bytes (archives, directories, HTTP) or heights
// they computed themselves (GDAL); the scheduler decodes bytes on its worker threads.
struct TileFetch {
    enum class Status {
        Ok,         // `png` or `heights` holds the tile
        Missing,    // the source has no such tile (outside its coverage): not an error, draw the parent
        Failed,     // `error` names the source, the tile and the problem
        Cancelled,  // the CancelFlag was set before the tile arrived
    };
    Status status = Status::Failed;
    std::vector<uint8_t> png;
    std::optional<HeightTile> heights;
    Error error;
    // Failed only: trying again later may succeed (timeouts, 5xx, dropped connections). Corrupt data,
    // 404 on a template that should have the tile, and bad archives are not retryable.
    bool retryable = false;

    static TileFetch ok(std::vector<uint8_t> bytes) { return {Status::Ok, std::move(bytes), std::nullopt, {}, false}; }
    static TileFetch ok(HeightTile tile) { return {Status::Ok, {}, std::move(tile), {}, false}; }
    static TileFetch missing() { return {Status::Missing, {}, std::nullopt, {}, false}; }
    static TileFetch cancelled() { return {Status::Cancelled, {}, std::nullopt, {}, false}; }
    static TileFetch failed(Error e, bool retryable) {
        return {Status::Failed, {}, std::nullopt, std::move(e), retryable};
    }
};

class TileSource {
public:
    virtual ~TileSource() = default;
    virtual const TileSourceInfo& info() const = 0;
    // Thread-safe: the scheduler calls it from several worker threads at once. Blocks until the tile is
    // there, failed, or `cancel` was set. Never throws.
    virtual TileFetch fetch(TileId tile, const CancelFlag& cancel) = 0;
};

// `spec` as given to --terrain:
//   http(s)://…{z}…{x}…{y}…   an XYZ URL template            (openHttpXyzSource)
//   http(s)://….pmtiles       a remote PMTiles archive         (openRemotePmtilesSource)
//   ….pmtiles                 a local PMTiles archive          (openPmtilesSource)
//   a directory               {z}/{x}/{y}.png below it         (openXyzDirectorySource)
//   anything else             a GDAL raster, tiled on the fly  (openGdalTileSource)
Result<std::unique_ptr<TileSource>> openTileSource(const std::string& spec, const TileSourceOptions& options = {});

// PMTiles from any byte source (file or HTTP ranges). Reads the header, root directory and metadata now.
Result<std::unique_ptr<TileSource>> openPmtilesSource(std::unique_ptr<ByteSource> bytes,
                                                      const TileSourceOptions& options = {});
Result<std::unique_ptr<TileSource>> openXyzDirectorySource(const std::string& directory,
                                                           const TileSourceOptions& options = {});
Result<std::unique_ptr<TileSource>> openHttpXyzSource(const std::string& urlTemplate,
                                                      const TileSourceOptions& options = {});
Result<std::unique_ptr<TileSource>> openRemotePmtilesSource(const std::string& url,
                                                            const TileSourceOptions& options = {});
Result<std::unique_ptr<TileSource>> openGdalTileSource(const std::string& rasterPath,
                                                       const TileSourceOptions& options = {});

}  // namespace fl::terrain
