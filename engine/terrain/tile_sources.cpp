// The local tile sources (a PMTiles archive from any ByteSource, a {z}/{x}/{y}.png directory) and
// openTileSource, which picks a source from the --terrain string.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cassert>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <string_view>

#include "terrain/http_tile_source.h"
#include "terrain/tile_source.h"
#include "terrain/tile_source_metadata.h"

namespace fl::terrain {

namespace {

namespace fs = std::filesystem;

// A PNG height tile is < 1 MiB; a file many times that is not a tile, and reading it would only waste memory.
constexpr uint64_t kMaxTileFileBytes = 64ull << 20;
constexpr uint64_t kMaxTileJsonBytes = 16ull << 20;

const char* tileTypeName(PmtilesTileType type) {
    switch (type) {
        case PmtilesTileType::Unknown:
            return "of unknown type";
        case PmtilesTileType::Mvt:
            return "vector tiles (MVT)";
        case PmtilesTileType::Png:
            return "png";
        case PmtilesTileType::Jpeg:
            return "jpeg";
        case PmtilesTileType::Webp:
            return "webp";
        case PmtilesTileType::Avif:
            return "avif";
    }
    return "of an unknown type";
}

const char* compressionName(PmtilesCompression c) {
    switch (c) {
        case PmtilesCompression::Unknown:
            return "of unknown compression";
        case PmtilesCompression::None:
            return "uncompressed";
        case PmtilesCompression::Gzip:
            return "gzip-compressed";
        case PmtilesCompression::Brotli:
            return "brotli-compressed";
        case PmtilesCompression::Zstd:
            return "zstd-compressed";
    }
    return "of an unknown compression";
}

bool validBounds(const TileBounds& b) {
    return b.west >= -180 && b.east <= 180 && b.south >= -90 && b.north <= 90 && b.west < b.east && b.south < b.north;
}

// ---- PMTiles

class PmtilesTileSource final : public TileSource {
public:
    PmtilesTileSource(PmtilesReader reader, TileSourceInfo info)
        : m_reader(std::move(reader)), m_info(std::move(info)), m_remote(m_reader.isRemote()) {}

    const TileSourceInfo& info() const override { return m_info; }

    TileFetch fetch(TileId tile, const CancelFlag& cancel) override {
        if (cancel.cancelled()) return TileFetch::cancelled();
        // Remote reads on this thread watch the flag: a view that moved on aborts the range request.
        HttpByteSource::CancelScope cancelScope(&cancel.flag());
        if (!isValid(tile) || tile.z < m_info.minZoom || tile.z > m_info.maxZoom) return TileFetch::missing();
        Result<std::optional<PmtilesTileLocation>> location = Error{};
        {
            // The leaf cache is the only shared state; the tile bytes are read below, outside the lock, so a
            // slow range request does not hold up lookups of other tiles.
            std::lock_guard lock(m_lookup);
            location = m_reader.locateTile(tile);
        }
        // A damaged local archive stays damaged; a remote read (leaf directory or tile) may work next time.
        if (!location) return TileFetch::failed(withTile(location.error(), tile), m_remote);
        if (!*location) return TileFetch::missing();
        if (cancel.cancelled()) return TileFetch::cancelled();
        auto bytes = m_reader.readTile(**location);
        if (!bytes && cancel.cancelled()) return TileFetch::cancelled();
        if (!bytes) return TileFetch::failed(withTile(bytes.error(), tile), m_remote);
        // Bytes are not decoded here: the scheduler decodes on its workers and names this source when a
        // PNG is corrupt or of the wrong size (decodeHeightPng).
        return TileFetch::ok(std::move(*bytes));
    }

private:
    static Error withTile(Error e, TileId tile) {
        const std::string id = toString(tile);
        if (e.message.find("tile " + id) == std::string::npos) e.message += " (reading tile " + id + ")";
        return e;
    }

    PmtilesReader m_reader;
    TileSourceInfo m_info;
    bool m_remote = false;
    std::mutex m_lookup;  // guards m_reader.locateTile (its leaf cache)
};

// ---- {z}/{x}/{y}.png directories

struct FileRead {
    enum class Status { Ok, Missing, Failed } status = Status::Failed;
    std::vector<uint8_t> bytes;
    std::string problem;
    bool retryable = false;
};

// Each call opens its own descriptor, so concurrent fetches share nothing.
FileRead readWholeFile(const std::string& path, uint64_t cap) {
    FileRead out;
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        const int err = errno;
        if (err == ENOENT || err == ENOTDIR) {
            out.status = FileRead::Status::Missing;
            return out;
        }
        out.problem = std::string("cannot open: ") + std::strerror(err);
        // Running out of descriptors is a passing condition of the process, not of the file.
        out.retryable = err == EMFILE || err == ENFILE || err == EINTR || err == EAGAIN;
        return out;
    }
    struct Closer {
        int fd;
        ~Closer() { ::close(fd); }
    } closer{fd};
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        out.problem = std::string("cannot stat: ") + std::strerror(errno);
        return out;
    }
    if (!S_ISREG(st.st_mode)) {
        out.problem = "not a regular file";
        return out;
    }
    const uint64_t size = uint64_t(st.st_size);
    if (size > cap) {
        out.problem = "is " + std::to_string(size) + " bytes, more than the " + std::to_string(cap) + " allowed";
        return out;
    }
    out.bytes.resize(size_t(size));
    uint64_t done = 0;
    while (done < size) {
        const ssize_t n = ::read(fd, out.bytes.data() + done, size_t(size - done));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            out.problem = std::string("read failed: ") + std::strerror(errno);
            out.bytes.clear();
            return out;
        }
        if (n == 0) break;
        done += uint64_t(n);
    }
    if (done != size) {
        out.problem = "short read (the file shrank while being read)";
        out.bytes.clear();
        return out;
    }
    out.status = FileRead::Status::Ok;
    return out;
}

class XyzDirectoryTileSource final : public TileSource {
public:
    explicit XyzDirectoryTileSource(TileSourceInfo info) : m_info(std::move(info)) {}

    const TileSourceInfo& info() const override { return m_info; }

    TileFetch fetch(TileId tile, const CancelFlag& cancel) override {
        if (cancel.cancelled()) return TileFetch::cancelled();
        // Remote reads on this thread watch the flag: a view that moved on aborts the range request.
        HttpByteSource::CancelScope cancelScope(&cancel.flag());
        if (!isValid(tile) || tile.z < m_info.minZoom || tile.z > m_info.maxZoom) return TileFetch::missing();
        const std::string path = (fs::path(m_info.name) / std::to_string(tile.z) / std::to_string(tile.x) /
                                  (std::to_string(tile.y) + ".png"))
                                     .string();
        FileRead file = readWholeFile(path, kMaxTileFileBytes);
        switch (file.status) {
            case FileRead::Status::Ok:
                if (file.bytes.empty())
                    return TileFetch::failed(Error::inFile(path, "empty file where a PNG tile should be"), false);
                return TileFetch::ok(std::move(file.bytes));
            case FileRead::Status::Missing:
                return TileFetch::missing();
            case FileRead::Status::Failed:
                break;
        }
        return TileFetch::failed(Error::inFile(path, file.problem), file.retryable);
    }

private:
    TileSourceInfo m_info;
};

// The zooms present as numeric folders below `directory`; nullopt when there are none.
std::optional<std::pair<int, int>> scanZoomFolders(const std::string& directory) {
    std::optional<std::pair<int, int>> range;
    std::error_code ec;
    for (fs::directory_iterator it(directory, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string folder = it->path().filename().string();
        if (folder.empty() || folder.size() > 2 ||
            !std::all_of(folder.begin(), folder.end(), [](char c) { return c >= '0' && c <= '9'; }))
            continue;
        const int z = std::stoi(folder);
        std::error_code dirEc;
        if (z > kMaxTileZoom || !it->is_directory(dirEc)) continue;
        range = range ? std::pair(std::min(range->first, z), std::max(range->second, z)) : std::pair(z, z);
    }
    return range;
}

// ---- dispatch helpers

bool startsWithNoCase(std::string_view s, std::string_view prefix) {
    return s.size() >= prefix.size() && std::equal(prefix.begin(), prefix.end(), s.begin(), [](char a, char b) {
               return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
           });
}

bool endsWithNoCase(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && startsWithNoCase(s.substr(s.size() - suffix.size()), suffix);
}

// GDAL opens more than paths: "/vsizip/…", "/vsicurl/…", "s3://…", "NETCDF:file.nc:var", "WMS:…". Those are
// handed to GDAL as they are, without a local existence check.
bool isGdalConnectionString(std::string_view spec) {
    if (spec.starts_with("/vsi") || spec.find("://") != std::string_view::npos) return true;
    const size_t colon = spec.find(':');
    // At least two characters before the colon, so a Windows drive letter ("C:\…") is still a path.
    if (colon == std::string_view::npos || colon < 2) return false;
    return std::all_of(spec.begin(), spec.begin() + ptrdiff_t(colon),
                       [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

}  // namespace

std::string_view kindName(TileSourceKind kind) {
    switch (kind) {
        case TileSourceKind::PmtilesFile:
            return "PMTiles archive";
        case TileSourceKind::PmtilesRemote:
            return "remote PMTiles archive (HTTP range requests)";
        case TileSourceKind::XyzDirectory:
            return "XYZ tile directory";
        case TileSourceKind::XyzUrlTemplate:
            return "XYZ URL template";
        case TileSourceKind::GdalRaster:
            return "GDAL raster (tiled on the fly)";
    }
    return "unknown";
}

Result<std::unique_ptr<TileSource>> openPmtilesSource(std::unique_ptr<ByteSource> bytes,
                                                      const TileSourceOptions& options) {
    assert(bytes);
    const std::string name = bytes->name();
    auto reader = PmtilesReader::open(std::move(bytes));
    if (!reader) return reader.error();
    const PmtilesHeader& h = reader->header();
    if (h.tileType != PmtilesTileType::Png)
        return Error::inFile(
            name, std::string("tiles are ") + tileTypeName(h.tileType) + "; Frontline reads PNG height tiles");
    if (h.tileCompression != PmtilesCompression::None)
        return Error::inFile(name, std::string("tiles are ") + compressionName(h.tileCompression) +
                                       "; Frontline reads PNG tiles stored as they are (tile compression none)");
    if (h.minZoom > h.maxZoom || h.maxZoom > kMaxTileZoom)
        return Error::inFile(name, "header zooms " + std::to_string(h.minZoom) + ".." + std::to_string(h.maxZoom) +
                                       " are not a range within 0.." + std::to_string(kMaxTileZoom));

    auto json = reader->metadataJson();
    if (!json) return json.error();
    auto metadata = parseSourceMetadata(*json, name);
    if (!metadata) return metadata.error();
    auto encoding = chooseEncoding(metadata->encoding, options.encoding, name, "the archive");
    if (!encoding) return encoding.error();

    TileSourceInfo info;
    info.name = name;
    info.kind = reader->isRemote() ? TileSourceKind::PmtilesRemote : TileSourceKind::PmtilesFile;
    info.encoding = *encoding;
    // The header is authoritative for zooms and extent (the spec says so, and every writer fills it); the
    // metadata's TileJSON copies are ignored. A header without a usable extent leaves the whole world.
    info.minZoom = h.minZoom;
    info.maxZoom = h.maxZoom;
    const TileBounds headerBounds{h.minLon, h.minLat, h.maxLon, h.maxLat};
    if (validBounds(headerBounds)) info.bounds = headerBounds;
    info.tileSize = metadata->tileSize.value_or(kTileSize);
    info.attribution = metadata->attribution;
    info.synthesizedFromZoom = metadata->synthesizedFromZoom;
    info.provenance = metadata->provenance;
    info.tileCount = TileSourceInfo::TileCount{h.addressedTiles, h.tileEntries, h.tileContents};
    return std::unique_ptr<TileSource>(std::make_unique<PmtilesTileSource>(std::move(*reader), std::move(info)));
}

Result<std::unique_ptr<TileSource>> openXyzDirectorySource(const std::string& directory,
                                                           const TileSourceOptions& options) {
    std::error_code ec;
    const fs::file_status status = fs::status(directory, ec);
    if (ec && status.type() != fs::file_type::not_found)
        return Error::inFile(directory, "cannot access: " + ec.message());
    if (!fs::exists(status)) return Error::inFile(directory, "no such file or directory");
    if (!fs::is_directory(status)) return Error::inFile(directory, "not a directory");

    // TileJSON beside the tiles, as `mb-util` and tile exporters leave it.
    SourceMetadata metadata;
    std::string tileJsonName;
    for (const char* candidate : {"tiles.json", "metadata.json"}) {
        const std::string path = (fs::path(directory) / candidate).string();
        FileRead file = readWholeFile(path, kMaxTileJsonBytes);
        if (file.status == FileRead::Status::Missing) continue;
        if (file.status == FileRead::Status::Failed) return Error::inFile(path, file.problem);
        auto parsed = parseSourceMetadata(
            std::string_view(reinterpret_cast<const char*>(file.bytes.data()), file.bytes.size()), path);
        if (!parsed) return parsed.error();
        metadata = std::move(*parsed);
        tileJsonName = path;
        break;
    }

    const std::string where = tileJsonName.empty() ? "the directory (no tiles.json or metadata.json)" : tileJsonName;
    auto encoding = chooseEncoding(metadata.encoding, options.encoding, directory, where);
    if (!encoding) return encoding.error();

    TileSourceInfo info;
    info.name = directory;
    info.kind = TileSourceKind::XyzDirectory;
    info.encoding = *encoding;
    std::optional<int> minZoom = options.minZoom ? options.minZoom : metadata.minZoom;
    std::optional<int> maxZoom = options.maxZoom ? options.maxZoom : metadata.maxZoom;
    if (!minZoom || !maxZoom) {
        const auto scanned = scanZoomFolders(directory);
        if (!scanned)
            return Error::inFile(directory, "no zoom folders ({z}/{x}/{y}.png) found; is this a tile directory?");
        if (!minZoom) minZoom = scanned->first;
        if (!maxZoom) maxZoom = scanned->second;
    }
    if (*minZoom < 0 || *maxZoom > kMaxTileZoom || *minZoom > *maxZoom)
        return Error::inFile(directory, "zooms " + std::to_string(*minZoom) + ".." + std::to_string(*maxZoom) +
                                            " are not a range within 0.." + std::to_string(kMaxTileZoom));
    info.minZoom = *minZoom;
    info.maxZoom = *maxZoom;
    applyXyzMetadata(info, metadata, options.bounds);
    return std::unique_ptr<TileSource>(std::make_unique<XyzDirectoryTileSource>(std::move(info)));
}

Result<std::unique_ptr<TileSource>> openTileSource(const std::string& spec, const TileSourceOptions& options) {
    if (spec.empty())
        return Error{"empty terrain source: give a .pmtiles archive, a tile directory, an http(s) URL or a raster"};

    if (startsWithNoCase(spec, "http://") || startsWithNoCase(spec, "https://")) {
        if (spec.find("{z}") != std::string::npos) return openHttpXyzSource(spec, options);
        // "….pmtiles?token=…": the query string (and a fragment) are not part of the file name.
        const std::string_view path = std::string_view(spec).substr(0, spec.find_first_of("?#"));
        if (endsWithNoCase(path, ".pmtiles")) return openRemotePmtilesSource(spec, options);
        return openGdalTileSource(spec, options);  // a raster GDAL reads over /vsicurl/
    }
    if (isGdalConnectionString(spec)) return openGdalTileSource(spec, options);

    std::error_code ec;
    const fs::file_status status = fs::status(spec, ec);
    if (ec && status.type() != fs::file_type::not_found) return Error::inFile(spec, "cannot access: " + ec.message());
    if (!fs::exists(status)) return Error::inFile(spec, "no such file or directory");
    if (fs::is_directory(status)) return openXyzDirectorySource(spec, options);
    if (endsWithNoCase(spec, ".pmtiles")) {
        auto file = FileByteSource::open(spec);
        if (!file) return file.error();
        return openPmtilesSource(std::move(*file), options);
    }
    return openGdalTileSource(spec, options);
}

}  // namespace fl::terrain
