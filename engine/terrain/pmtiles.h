// terrain/pmtiles.h — PMTiles v3 single-file tile archives (github.com/protomaps/PMTiles, spec/v3/spec.md).
// Owns: ByteSource (where archive bytes come from: file, memory, later HTTP ranges), PmtilesReader (header,
// root/leaf directories, tile lookup, metadata) and PmtilesWriter (deduplicated, clustered, deterministic).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/result.h"
#include "terrain/tile_id.h"

namespace fl::terrain {

// Random access to an archive's bytes. Implementations return exactly `length` bytes or an Error naming
// the source (a short read is an error, never a shorter vector).
// read() must be thread-safe: tile sources call it from several worker threads at once, outside any lock,
// so that one slow read (an HTTP range request) does not hold up the others.
class ByteSource {
public:
    virtual ~ByteSource() = default;
    virtual Result<std::vector<uint8_t>> read(uint64_t offset, uint64_t length) = 0;
    virtual std::string name() const = 0;
    // Total size when known up front (files, memory); lets readers reject out-of-file sections before reading.
    virtual std::optional<uint64_t> size() const { return std::nullopt; }
    // True when reads cross a network: a failed read may succeed later (timeouts, dropped connections), so
    // tile sources report it as retryable. A local file that fails to read is damaged and stays so.
    virtual bool isRemote() const { return false; }
};

// pread() on one descriptor: no shared file position, so concurrent reads need no lock.
class FileByteSource final : public ByteSource {
public:
    static Result<std::unique_ptr<FileByteSource>> open(const std::string& path);
    ~FileByteSource() override;
    FileByteSource(const FileByteSource&) = delete;
    FileByteSource& operator=(const FileByteSource&) = delete;

    Result<std::vector<uint8_t>> read(uint64_t offset, uint64_t length) override;
    std::string name() const override { return m_path; }
    std::optional<uint64_t> size() const override { return m_size; }

private:
    FileByteSource(std::string path, int fd, uint64_t size) : m_path(std::move(path)), m_fd(fd), m_size(size) {}
    std::string m_path;
    int m_fd = -1;        // owned; closed by the destructor
    uint64_t m_size = 0;  // taken at open; an archive growing underneath us is not supported
};

class MemoryByteSource final : public ByteSource {
public:
    MemoryByteSource(std::vector<uint8_t> bytes, std::string name)
        : m_bytes(std::move(bytes)), m_name(std::move(name)) {}
    Result<std::vector<uint8_t>> read(uint64_t offset, uint64_t length) override;
    std::string name() const override { return m_name; }
    std::optional<uint64_t> size() const override { return m_bytes.size(); }

private:
    std::vector<uint8_t> m_bytes;
    std::string m_name;
};

enum class PmtilesCompression : uint8_t { Unknown = 0, None = 1, Gzip = 2, Brotli = 3, Zstd = 4 };
enum class PmtilesTileType : uint8_t { Unknown = 0, Mvt = 1, Png = 2, Jpeg = 3, Webp = 4, Avif = 5 };

struct PmtilesHeader {
    static constexpr size_t kSize = 127;
    uint64_t rootDirectoryOffset = 0, rootDirectoryLength = 0;
    uint64_t metadataOffset = 0, metadataLength = 0;
    uint64_t leafDirectoriesOffset = 0, leafDirectoriesLength = 0;
    uint64_t tileDataOffset = 0, tileDataLength = 0;
    uint64_t addressedTiles = 0, tileEntries = 0, tileContents = 0;  // 0 = unknown
    bool clustered = false;
    PmtilesCompression internalCompression = PmtilesCompression::Gzip;  // directories and metadata
    PmtilesCompression tileCompression = PmtilesCompression::None;      // tiles are returned as stored
    PmtilesTileType tileType = PmtilesTileType::Png;
    uint8_t minZoom = 0, maxZoom = 0;
    // Stored as degrees * 10^7 in 32-bit integers, so they are exact to 1e-7 degrees.
    double minLon = -180, minLat = -kMaxMercatorLat, maxLon = 180, maxLat = kMaxMercatorLat;
    uint8_t centerZoom = 0;
    double centerLon = 0, centerLat = 0;
};

struct PmtilesReaderOptions {
    // Caps on what one directory or the metadata may inflate to. A root is < 16 KiB and a typical leaf a
    // few hundred KiB; the caps stop a hostile archive from making us allocate gigabytes.
    uint64_t maxDirectoryBytes = 32ull << 20;
    uint64_t maxMetadataBytes = 16ull << 20;
    uint64_t maxTileBytes = 64ull << 20;  // a 512x512 PNG is < 1 MiB; larger "tiles" are corruption
    size_t leafCacheSize = 64;            // decoded leaf directories kept (least recently used evicted)
};

// Where a tile's bytes lie in the archive: absolute offset from the start of the file, and length.
struct PmtilesTileLocation {
    uint64_t offset = 0, length = 0;
};

// Reads a PMTiles v3 archive. locateTile and getTile are not thread-safe (they fill the leaf cache): one
// reader per thread, or a lock around them. readTile and metadataJson only read through the ByteSource,
// which is thread-safe, so a shared reader can lock for the lookup alone and read the bytes outside the lock.
// Internal compression none and gzip are supported; tile bytes come back as stored (header().tileCompression
// says how).
class PmtilesReader {
public:
    static Result<PmtilesReader> open(std::unique_ptr<ByteSource> source, const PmtilesReaderOptions& options = {});

    const PmtilesHeader& header() const { return m_header; }
    const std::string& name() const { return m_name; }
    bool isRemote() const { return m_source->isRemote(); }
    Result<std::string> metadataJson() const;
    // Where the tile's bytes are, nullopt when the archive has no such tile, an Error when the directories are
    // damaged or point outside the tile data section. Reads leaf directories the cache does not hold.
    Result<std::optional<PmtilesTileLocation>> locateTile(TileId tile);
    // The bytes at a location from locateTile.
    Result<std::vector<uint8_t>> readTile(const PmtilesTileLocation& location) const;
    // locateTile + readTile: the tile's bytes, nullopt when the archive has no such tile, an Error when the
    // archive is damaged.
    Result<std::optional<std::vector<uint8_t>>> getTile(TileId tile);

    struct Entry {
        uint64_t tileId = 0, offset = 0;
        uint32_t length = 0, runLength = 0;  // runLength 0: a leaf directory starting at tileId
    };

private:
    using Directory = std::vector<Entry>;
    PmtilesReader() = default;
    Result<std::vector<uint8_t>> readSection(uint64_t offset, uint64_t length, uint64_t cap, const char* what) const;
    Result<std::shared_ptr<const Directory>> leafDirectory(uint64_t offset, uint64_t length);

    std::unique_ptr<ByteSource> m_source;
    std::string m_name;
    PmtilesReaderOptions m_options;
    PmtilesHeader m_header;
    std::shared_ptr<const Directory> m_root;
    struct CachedLeaf {
        std::shared_ptr<const Directory> directory;
        uint64_t lastUse = 0;
    };
    std::map<std::pair<uint64_t, uint64_t>, CachedLeaf> m_leafCache;  // key: (offset, length) in leaf section
    uint64_t m_useCounter = 0;
};

struct PmtilesWriteOptions {
    std::string metadataJson = "{}";
    PmtilesTileType tileType = PmtilesTileType::Png;
    PmtilesCompression tileCompression = PmtilesCompression::None;      // what the added bytes already are
    PmtilesCompression internalCompression = PmtilesCompression::Gzip;  // None or Gzip
    std::optional<uint8_t> minZoom, maxZoom;                            // default: the zooms of the added tiles
    std::optional<TileBounds> bounds;                                   // default: union of the added tiles' bounds
    std::optional<LatLon> center;                                       // default: centre of bounds
    std::optional<uint8_t> centerZoom;                                  // default: minZoom
    // The spec wants header + root directory inside the first 16 KiB so clients can fetch both at once.
    // Lower only to exercise leaf directories in tests.
    uint64_t maxRootDirectoryBytes = 16384 - PmtilesHeader::kSize;
    // Entries per leaf directory to start with; grown until the root fits. Larger leaves mean fewer leaves
    // but more bytes fetched per lookup.
    size_t leafDirectoryEntries = 4096;
};

// Collects tiles in memory, then writes the archive in one go: header, root directory, metadata, leaf
// directories, tile data ordered by tile id (clustered). Identical tile contents are stored once;
// consecutive tile ids with identical contents become one run-length entry. The output bytes depend only on
// the tiles and options (fixed gzip level, no timestamps).
class PmtilesWriter {
public:
    // A second tile with the same id replaces the first. Empty tiles are skipped: PMTiles lengths must be
    // > 0, and a missing tile reads the same. `tile` must be isValid().
    void addTile(TileId tile, std::vector<uint8_t> bytes);
    size_t tileCount() const { return m_tiles.size(); }

    Result<std::vector<uint8_t>> serialize(const PmtilesWriteOptions& options) const;
    // serialize() to `path` through a temporary file renamed into place, so a reader never sees half an archive.
    Status finish(const std::string& path, const PmtilesWriteOptions& options) const;

private:
    std::map<uint64_t, size_t> m_tiles;               // PMTiles tile id -> index into m_contents
    std::vector<std::vector<uint8_t>> m_contents;     // unique tile contents, in first-added order
    std::multimap<uint64_t, size_t> m_contentByHash;  // content hash -> index into m_contents
};

}  // namespace fl::terrain
