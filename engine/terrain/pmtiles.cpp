#include "terrain/pmtiles.h"

#include "core/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cassert>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <span>
#include <string_view>

namespace fl::terrain {

namespace {

// The reference reader follows root + 3 leaf levels; deeper nesting only happens in a loop or a hostile file.
constexpr int kMaxDirectoryDepth = 4;

std::string str(uint64_t v) {
    return std::to_string(v);
}

const char* compressionName(PmtilesCompression c) {
    switch (c) {
        case PmtilesCompression::Unknown:
            return "unknown";
        case PmtilesCompression::None:
            return "none";
        case PmtilesCompression::Gzip:
            return "gzip";
        case PmtilesCompression::Brotli:
            return "brotli";
        case PmtilesCompression::Zstd:
            return "zstd";
    }
    return "invalid";
}

// ---- little-endian fields and varints

uint64_t readLe(const uint8_t* p, int bytes) {
    uint64_t v = 0;
    for (int i = bytes - 1; i >= 0; --i) v = v << 8 | p[i];
    return v;
}

void writeLe(uint8_t* p, uint64_t v, int bytes) {
    for (int i = 0; i < bytes; ++i) p[i] = uint8_t(v >> (8 * i));
}

int32_t toE7(double degrees) {
    const double e7 = std::round(degrees * 1e7);
    return int32_t(std::clamp(std::isnan(e7) ? 0.0 : e7, -2147483648.0, 2147483647.0));
}

double fromE7(uint64_t raw) {
    return double(int32_t(uint32_t(raw))) / 1e7;
}

void appendVarint(std::vector<uint8_t>& out, uint64_t v) {
    while (v >= 0x80) {
        out.push_back(uint8_t(v) | 0x80);
        v >>= 7;
    }
    out.push_back(uint8_t(v));
}

// Reads varints from a decoded directory; the first problem is kept in `error` and later reads return 0.
struct VarintCursor {
    std::span<const uint8_t> bytes;
    size_t pos = 0;
    const char* error = nullptr;

    uint64_t next() {
        if (error) return 0;
        uint64_t v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos >= bytes.size()) {
                error = "truncated varint";
                return 0;
            }
            const uint8_t b = bytes[pos++];
            // The 10th byte carries bit 63 only; anything more does not fit 64 bits.
            if (shift == 63 && b > 1) {
                error = "varint overflows 64 bits";
                return 0;
            }
            v |= uint64_t(b & 0x7f) << shift;
            if (!(b & 0x80)) return v;
        }
        error = "varint overflows 64 bits";
        return 0;
    }
};

// ---- gzip (RFC 1952) through zlib

Result<std::vector<uint8_t>> inflateCapped(std::span<const uint8_t> in, uint64_t cap, const std::string& name,
                                           const char* what) {
    z_stream zs{};
    // 15 + 32: accept gzip or zlib headers; some writers in the wild emit zlib streams for "gzip".
    if (inflateInit2(&zs, 15 + 32) != Z_OK) return Error::inFile(name, std::string("cannot start inflate for ") + what);
    std::vector<uint8_t> out;
    out.resize(size_t(std::min<uint64_t>(cap, std::max<uint64_t>(4096, in.size() * 4))));
    zs.next_in = const_cast<Bytef*>(in.data());
    size_t consumed = 0;
    int rc = Z_OK;
    while (true) {
        // zlib counts in uInt; feed at most 1 GiB at a time so sizes past 4 GiB cannot wrap.
        if (zs.avail_in == 0 && consumed < in.size()) {
            const size_t chunk = std::min<size_t>(in.size() - consumed, size_t(1) << 30);
            zs.next_in = const_cast<Bytef*>(in.data() + consumed);
            zs.avail_in = uInt(chunk);
            consumed += chunk;
        }
        if (zs.total_out == out.size()) {
            if (out.size() >= cap) {
                inflateEnd(&zs);
                return Error::inFile(name, std::string(what) + " inflates to more than " + str(cap) + " bytes");
            }
            out.resize(size_t(std::min<uint64_t>(cap, uint64_t(out.size()) * 2)));
        }
        const size_t room = std::min<size_t>(out.size() - zs.total_out, size_t(1) << 30);
        zs.next_out = out.data() + zs.total_out;
        zs.avail_out = uInt(room);
        const uint64_t before = zs.total_out + zs.total_in;
        rc = inflate(&zs, Z_NO_FLUSH);
        if (rc == Z_STREAM_END) break;
        if (rc == Z_BUF_ERROR && zs.avail_in == 0 && consumed == in.size()) {
            inflateEnd(&zs);
            return Error::inFile(name, std::string(what) + ": truncated gzip stream");
        }
        if (rc != Z_OK && rc != Z_BUF_ERROR) {
            const std::string message = zs.msg ? zs.msg : "error " + std::to_string(rc);
            inflateEnd(&zs);
            return Error::inFile(name, std::string(what) + ": corrupt gzip data (" + message + ")");
        }
        if (zs.total_out + zs.total_in == before && zs.avail_out > 0 && zs.avail_in == 0 && consumed == in.size()) {
            inflateEnd(&zs);
            return Error::inFile(name, std::string(what) + ": truncated gzip stream");
        }
    }
    out.resize(zs.total_out);
    inflateEnd(&zs);
    return out;
}

// Deterministic gzip: fixed level, and a header with mtime 0 and OS "unknown" (zlib otherwise writes the
// build platform's OS code, which would make archives differ between Linux and Windows builds).
Result<std::vector<uint8_t>> gzipBytes(std::span<const uint8_t> in) {
    z_stream zs{};
    if (deflateInit2(&zs, 9, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return Error{"pmtiles write: cannot start deflate"};
    gz_header header{};
    header.os = 255;
    deflateSetHeader(&zs, &header);
    std::vector<uint8_t> out(deflateBound(&zs, uLong(in.size())));
    zs.next_in = const_cast<Bytef*>(in.data());
    zs.avail_in = uInt(in.size());
    zs.next_out = out.data();
    zs.avail_out = uInt(out.size());
    const int rc = deflate(&zs, Z_FINISH);
    out.resize(zs.total_out);
    deflateEnd(&zs);
    if (rc != Z_STREAM_END) return Error{"pmtiles write: deflate failed"};
    return out;
}

Result<std::vector<uint8_t>> decompress(std::span<const uint8_t> in, PmtilesCompression compression, uint64_t cap,
                                        const std::string& name, const char* what) {
    if (compression == PmtilesCompression::None) return std::vector<uint8_t>(in.begin(), in.end());
    if (compression == PmtilesCompression::Gzip) return inflateCapped(in, cap, name, what);
    return Error::inFile(name, std::string(what) + " uses " + compressionName(compression) +
                                   " compression; only none and gzip are supported");
}

Result<std::vector<uint8_t>> compress(std::span<const uint8_t> in, PmtilesCompression compression) {
    if (compression == PmtilesCompression::None) return std::vector<uint8_t>(in.begin(), in.end());
    if (compression == PmtilesCompression::Gzip) return gzipBytes(in);
    return Error{std::string("pmtiles write: internal compression ") + compressionName(compression) +
                 " is not supported (use none or gzip)"};
}

// ---- directories

using Entry = PmtilesReader::Entry;

Result<std::vector<Entry>> decodeDirectory(std::span<const uint8_t> bytes, const std::string& name,
                                           const std::string& what) {
    auto fail = [&](const std::string& problem) { return Error::inFile(name, what + ": " + problem); };
    VarintCursor cur{bytes};
    const uint64_t count = cur.next();
    if (cur.error) return fail(cur.error);
    if (count == 0) return fail("empty directory");
    // Every entry takes at least four bytes (one per varint column), which bounds the allocation below.
    if (count > (bytes.size() - cur.pos) / 4)
        return fail("claims " + str(count) + " entries in " + str(bytes.size()) + " bytes");
    std::vector<Entry> entries(static_cast<size_t>(count));
    uint64_t lastId = 0;
    for (Entry& e : entries) {
        const uint64_t delta = cur.next();
        if (delta > std::numeric_limits<uint64_t>::max() - lastId) return fail("tile id overflows 64 bits");
        lastId += delta;
        e.tileId = lastId;
    }
    for (Entry& e : entries) {
        const uint64_t v = cur.next();
        if (v > std::numeric_limits<uint32_t>::max()) return fail("run length " + str(v) + " exceeds 32 bits");
        e.runLength = uint32_t(v);
    }
    for (Entry& e : entries) {
        const uint64_t v = cur.next();
        if (cur.error) break;
        if (v == 0) return fail("entry of length 0");
        if (v > std::numeric_limits<uint32_t>::max()) return fail("length " + str(v) + " exceeds 32 bits");
        e.length = uint32_t(v);
    }
    for (size_t i = 0; i < entries.size(); ++i) {
        const uint64_t v = cur.next();
        if (cur.error) break;
        if (v == 0) {
            // 0 means "right after the previous entry", which the first entry does not have.
            if (i == 0) return fail("first entry has a relative offset");
            const Entry& prev = entries[i - 1];
            if (prev.offset > std::numeric_limits<uint64_t>::max() - prev.length) return fail("offset overflows");
            entries[i].offset = prev.offset + prev.length;
        } else {
            entries[i].offset = v - 1;
        }
    }
    if (cur.error) return fail(cur.error);
    if (cur.pos != bytes.size()) return fail(str(bytes.size() - cur.pos) + " trailing bytes");
    return entries;
}

std::vector<uint8_t> encodeDirectory(std::span<const Entry> entries) {
    std::vector<uint8_t> out;
    out.reserve(entries.size() * 6 + 8);
    appendVarint(out, entries.size());
    uint64_t lastId = 0;
    for (const Entry& e : entries) {
        appendVarint(out, e.tileId - lastId);
        lastId = e.tileId;
    }
    for (const Entry& e : entries) appendVarint(out, e.runLength);
    for (const Entry& e : entries) appendVarint(out, e.length);
    for (size_t i = 0; i < entries.size(); ++i) {
        const bool contiguous = i > 0 && entries[i].offset == entries[i - 1].offset + entries[i - 1].length;
        appendVarint(out, contiguous ? 0 : entries[i].offset + 1);
    }
    return out;
}

// The spec's lookup: the last entry whose tileId <= id; it holds the tile when it is a leaf pointer
// (runLength 0) or its run covers id.
const Entry* findEntry(const std::vector<Entry>& entries, uint64_t id) {
    auto it =
        std::upper_bound(entries.begin(), entries.end(), id, [](uint64_t v, const Entry& e) { return v < e.tileId; });
    if (it == entries.begin()) return nullptr;
    const Entry& e = *(it - 1);
    if (e.runLength == 0) return &e;
    if (id - e.tileId < e.runLength) return &e;
    return nullptr;
}

bool fitsIn(uint64_t offset, uint64_t length, uint64_t limit) {
    return offset <= limit && length <= limit - offset;
}

}  // namespace

// ---- byte sources

Result<std::unique_ptr<FileByteSource>> FileByteSource::open(const std::string& path) {
    std::error_code ec;
    const uint64_t size = std::filesystem::file_size(path, ec);
    if (ec) return Error::inFile(path, "cannot open: " + ec.message());
    // O_CLOEXEC: a child process started later (an encoder) must not inherit the archive.
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return Error::inFile(path, "cannot open for reading: " + std::string(std::strerror(errno)));
    return std::unique_ptr<FileByteSource>(new FileByteSource(path, fd, size));
}

FileByteSource::~FileByteSource() {
    if (m_fd >= 0) ::close(m_fd);
}

Result<std::vector<uint8_t>> FileByteSource::read(uint64_t offset, uint64_t length) {
    if (!fitsIn(offset, length, m_size))
        return Error::inFile(m_path, "read of " + str(length) + " bytes at offset " + str(offset) +
                                         " goes past the end of the file (" + str(m_size) + " bytes)");
    std::vector<uint8_t> bytes(static_cast<size_t>(length));
    // pread may return fewer bytes than asked (signals, very large reads); loop until done, end of file or error.
    uint64_t done = 0;
    while (done < length) {
        const size_t chunk = size_t(std::min<uint64_t>(length - done, uint64_t(1) << 30));
        const ssize_t n = ::pread(m_fd, bytes.data() + done, chunk, off_t(offset + done));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0)
            return Error::inFile(m_path, "short read of " + str(length) + " bytes at offset " + str(offset) + ": " +
                                             std::strerror(errno));
        if (n == 0) break;
        done += uint64_t(n);
    }
    if (done != length)
        return Error::inFile(m_path, "short read of " + str(length) + " bytes at offset " + str(offset));
    return bytes;
}

Result<std::vector<uint8_t>> MemoryByteSource::read(uint64_t offset, uint64_t length) {
    if (!fitsIn(offset, length, m_bytes.size()))
        return Error::inFile(m_name, "read of " + str(length) + " bytes at offset " + str(offset) +
                                         " goes past the end (" + str(m_bytes.size()) + " bytes)");
    return std::vector<uint8_t>(m_bytes.begin() + ptrdiff_t(offset), m_bytes.begin() + ptrdiff_t(offset + length));
}

// ---- reader

Result<PmtilesReader> PmtilesReader::open(std::unique_ptr<ByteSource> source, const PmtilesReaderOptions& options) {
    assert(source);
    PmtilesReader reader;
    reader.m_name = source->name();
    reader.m_options = options;
    reader.m_source = std::move(source);
    const std::string& name = reader.m_name;
    const std::optional<uint64_t> size = reader.m_source->size();

    if (size && *size < PmtilesHeader::kSize)
        return Error::inFile(name, "file is " + str(*size) + " bytes, shorter than the 127-byte PMTiles header");
    auto raw = reader.m_source->read(0, PmtilesHeader::kSize);
    if (!raw) return raw.error();
    if (raw->size() != PmtilesHeader::kSize)  // a ByteSource breaking its contract must not make us overread
        return Error::inFile(name, "short read of the PMTiles header");
    const uint8_t* p = raw->data();
    if (std::memcmp(p, "PMTiles", 7) != 0) {
        if (p[0] == 'P' && p[1] == 'M')
            return Error::inFile(name, "PMTiles v1/v2 archive; only version 3 is supported");
        return Error::inFile(name, "not a PMTiles archive (bad magic)");
    }
    if (p[7] != 3) return Error::inFile(name, "PMTiles version " + str(p[7]) + "; only version 3 is supported");

    PmtilesHeader& h = reader.m_header;
    h.rootDirectoryOffset = readLe(p + 8, 8);
    h.rootDirectoryLength = readLe(p + 16, 8);
    h.metadataOffset = readLe(p + 24, 8);
    h.metadataLength = readLe(p + 32, 8);
    h.leafDirectoriesOffset = readLe(p + 40, 8);
    h.leafDirectoriesLength = readLe(p + 48, 8);
    h.tileDataOffset = readLe(p + 56, 8);
    h.tileDataLength = readLe(p + 64, 8);
    h.addressedTiles = readLe(p + 72, 8);
    h.tileEntries = readLe(p + 80, 8);
    h.tileContents = readLe(p + 88, 8);
    h.clustered = p[96] == 1;
    h.internalCompression = PmtilesCompression(p[97]);
    h.tileCompression = PmtilesCompression(p[98]);
    h.tileType = PmtilesTileType(p[99]);
    h.minZoom = p[100];
    h.maxZoom = p[101];
    h.minLon = fromE7(readLe(p + 102, 4));
    h.minLat = fromE7(readLe(p + 106, 4));
    h.maxLon = fromE7(readLe(p + 110, 4));
    h.maxLat = fromE7(readLe(p + 114, 4));
    h.centerZoom = p[118];
    h.centerLon = fromE7(readLe(p + 119, 4));
    h.centerLat = fromE7(readLe(p + 123, 4));

    if (h.internalCompression != PmtilesCompression::None && h.internalCompression != PmtilesCompression::Gzip)
        return Error::inFile(name, std::string("internal compression ") + compressionName(h.internalCompression) +
                                       " (" + str(p[97]) + ") is not supported; only none and gzip");
    const struct {
        const char* what;
        uint64_t offset, length;
    } sections[] = {{"root directory", h.rootDirectoryOffset, h.rootDirectoryLength},
                    {"metadata", h.metadataOffset, h.metadataLength},
                    {"leaf directories", h.leafDirectoriesOffset, h.leafDirectoriesLength},
                    {"tile data", h.tileDataOffset, h.tileDataLength}};
    for (const auto& s : sections) {
        const uint64_t limit = size ? *size : std::numeric_limits<uint64_t>::max();
        if (!fitsIn(s.offset, s.length, limit))
            return Error::inFile(name, std::string(s.what) + " (offset " + str(s.offset) + ", length " + str(s.length) +
                                           ") lies beyond the end of the file" +
                                           (size ? " (" + str(*size) + " bytes)" : std::string()));
    }
    if (h.rootDirectoryLength == 0) return Error::inFile(name, "root directory has length 0");

    auto rootBytes =
        reader.readSection(h.rootDirectoryOffset, h.rootDirectoryLength, options.maxDirectoryBytes, "root directory");
    if (!rootBytes) return rootBytes.error();
    auto rootRaw = decompress(*rootBytes, h.internalCompression, options.maxDirectoryBytes, name, "root directory");
    if (!rootRaw) return rootRaw.error();
    auto root = decodeDirectory(*rootRaw, name, "root directory");
    if (!root) return root.error();
    reader.m_root = std::make_shared<const Directory>(std::move(*root));
    return reader;
}

Result<std::vector<uint8_t>> PmtilesReader::readSection(uint64_t offset, uint64_t length, uint64_t cap,
                                                        const char* what) const {
    if (length > cap)
        return Error::inFile(
            m_name, std::string(what) + " is " + str(length) + " bytes, more than the " + str(cap) + " allowed");
    return m_source->read(offset, length);
}

Result<std::string> PmtilesReader::metadataJson() const {
    if (m_header.metadataLength == 0) return std::string();
    auto bytes = readSection(m_header.metadataOffset, m_header.metadataLength, m_options.maxMetadataBytes, "metadata");
    if (!bytes) return bytes.error();
    auto raw = decompress(*bytes, m_header.internalCompression, m_options.maxMetadataBytes, m_name, "metadata");
    if (!raw) return raw.error();
    return std::string(raw->begin(), raw->end());
}

Result<std::shared_ptr<const PmtilesReader::Directory>> PmtilesReader::leafDirectory(uint64_t offset, uint64_t length) {
    const auto key = std::make_pair(offset, length);
    if (auto it = m_leafCache.find(key); it != m_leafCache.end()) {
        it->second.lastUse = ++m_useCounter;
        return it->second.directory;
    }
    const std::string where = "leaf directory at offset " + str(offset);
    if (!fitsIn(offset, length, m_header.leafDirectoriesLength))
        return Error::inFile(m_name, where + " (length " + str(length) + ") lies outside the leaf directory section");
    auto bytes =
        readSection(m_header.leafDirectoriesOffset + offset, length, m_options.maxDirectoryBytes, where.c_str());
    if (!bytes) return bytes.error();
    auto raw = decompress(*bytes, m_header.internalCompression, m_options.maxDirectoryBytes, m_name, where.c_str());
    if (!raw) return raw.error();
    auto entries = decodeDirectory(*raw, m_name, where);
    if (!entries) return entries.error();
    auto directory = std::make_shared<const Directory>(std::move(*entries));
    if (m_options.leafCacheSize > 0) {
        if (m_leafCache.size() >= m_options.leafCacheSize) {
            auto oldest = std::min_element(m_leafCache.begin(), m_leafCache.end(), [](const auto& a, const auto& b) {
                return a.second.lastUse < b.second.lastUse;
            });
            m_leafCache.erase(oldest);
        }
        m_leafCache[key] = {directory, ++m_useCounter};
    }
    return directory;
}

Result<std::optional<PmtilesTileLocation>> PmtilesReader::locateTile(TileId tile) {
    using Found = std::optional<PmtilesTileLocation>;
    if (!isValid(tile)) return Found();  // outside the pyramid: no archive holds it
    const uint64_t id = pmtilesTileId(tile);
    std::shared_ptr<const Directory> directory = m_root;
    for (int depth = 0; depth < kMaxDirectoryDepth; ++depth) {
        const Entry* e = findEntry(*directory, id);
        if (!e) return Found();
        if (e->runLength > 0) {
            if (e->length > m_options.maxTileBytes)
                return Error::inFile(m_name, "tile " + toString(tile) + " is " + str(e->length) +
                                                 " bytes, more than the " + str(m_options.maxTileBytes) + " allowed");
            if (!fitsIn(e->offset, e->length, m_header.tileDataLength))
                return Error::inFile(m_name, "tile " + toString(tile) + " (offset " + str(e->offset) + ", length " +
                                                 str(e->length) + ") lies outside the tile data section");
            // open() checked that the tile data section lies inside the file, so this cannot overflow.
            return Found(PmtilesTileLocation{m_header.tileDataOffset + e->offset, e->length});
        }
        auto leaf = leafDirectory(e->offset, e->length);
        if (!leaf) return leaf.error();
        directory = std::move(*leaf);
    }
    return Error::inFile(m_name, "directories nest deeper than " + str(kMaxDirectoryDepth - 1) +
                                     " leaf levels looking up " + toString(tile) + " (a directory loop?)");
}

Result<std::vector<uint8_t>> PmtilesReader::readTile(const PmtilesTileLocation& location) const {
    return m_source->read(location.offset, location.length);
}

Result<std::optional<std::vector<uint8_t>>> PmtilesReader::getTile(TileId tile) {
    using Found = std::optional<std::vector<uint8_t>>;
    auto location = locateTile(tile);
    if (!location) return location.error();
    if (!*location) return Found();
    auto bytes = readTile(**location);
    if (!bytes) return bytes.error();
    return Found(std::move(*bytes));
}

// ---- writer

void PmtilesWriter::addTile(TileId tile, std::vector<uint8_t> bytes) {
    assert(isValid(tile));
    if (!isValid(tile)) return;
    const uint64_t id = pmtilesTileId(tile);
    if (bytes.empty()) {
        m_tiles.erase(id);
        return;
    }
    const uint64_t hash =
        std::hash<std::string_view>{}(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
    auto [first, last] = m_contentByHash.equal_range(hash);
    for (auto it = first; it != last; ++it) {
        if (m_contents[it->second] == bytes) {
            m_tiles[id] = it->second;
            return;
        }
    }
    m_contents.push_back(std::move(bytes));
    m_contentByHash.emplace(hash, m_contents.size() - 1);
    m_tiles[id] = m_contents.size() - 1;
}

Result<std::vector<uint8_t>> PmtilesWriter::serialize(const PmtilesWriteOptions& options) const {
    if (m_tiles.empty()) return Error{"pmtiles write: no tiles (a PMTiles archive needs at least one)"};

    // Tile data in tile-id order (clustered); a content seen before points back to its first copy.
    constexpr uint64_t kUnplaced = std::numeric_limits<uint64_t>::max();
    std::vector<uint64_t> placedAt(m_contents.size(), kUnplaced);
    std::vector<size_t> dataOrder;
    std::vector<Entry> entries;
    uint64_t dataSize = 0;
    size_t lastContent = 0;
    for (const auto& [id, content] : m_tiles) {
        if (placedAt[content] == kUnplaced) {
            placedAt[content] = dataSize;
            dataSize += m_contents[content].size();
            dataOrder.push_back(content);
        }
        if (!entries.empty()) {
            Entry& last = entries.back();
            if (lastContent == content && last.tileId + last.runLength == id &&
                last.runLength < std::numeric_limits<uint32_t>::max()) {
                ++last.runLength;
                continue;
            }
        }
        if (m_contents[content].size() > std::numeric_limits<uint32_t>::max())
            return Error{"pmtiles write: a tile of " + str(m_contents[content].size()) + " bytes exceeds 4 GiB"};
        entries.push_back({id, placedAt[content], uint32_t(m_contents[content].size()), 1});
        lastContent = content;
    }

    // Directories: everything in the root when it fits, else one level of leaves, grown until the root fits.
    auto root = compress(encodeDirectory(entries), options.internalCompression);
    if (!root) return root.error();
    std::vector<uint8_t> leaves;
    if (root->size() > options.maxRootDirectoryBytes) {
        size_t perLeaf = std::max<size_t>(options.leafDirectoryEntries, 1);
        while (true) {
            leaves.clear();
            std::vector<Entry> rootEntries;
            for (size_t begin = 0; begin < entries.size(); begin += perLeaf) {
                const size_t end = std::min(entries.size(), begin + perLeaf);
                auto leaf = compress(encodeDirectory(std::span(entries).subspan(begin, end - begin)),
                                     options.internalCompression);
                if (!leaf) return leaf.error();
                rootEntries.push_back({entries[begin].tileId, leaves.size(), uint32_t(leaf->size()), 0});
                leaves.insert(leaves.end(), leaf->begin(), leaf->end());
            }
            root = compress(encodeDirectory(rootEntries), options.internalCompression);
            if (!root) return root.error();
            if (root->size() <= options.maxRootDirectoryBytes) break;
            if (rootEntries.size() == 1)
                return Error{"pmtiles write: root directory cannot fit in " + str(options.maxRootDirectoryBytes) +
                             " bytes"};
            perLeaf *= 2;
        }
    }

    auto metadata =
        compress(std::span(reinterpret_cast<const uint8_t*>(options.metadataJson.data()), options.metadataJson.size()),
                 options.internalCompression);
    if (!metadata) return metadata.error();

    // Zooms and extent default to what the tiles cover.
    uint8_t minZoom = 255, maxZoom = 0;
    TileBounds covered{180, 90, -180, -90};
    for (const auto& [id, content] : m_tiles) {
        const TileId t = *pmtilesTileFromId(id);
        minZoom = std::min(minZoom, t.z);
        maxZoom = std::max(maxZoom, t.z);
        const TileBounds b = tileBounds(t);
        covered = {std::min(covered.west, b.west), std::min(covered.south, b.south), std::max(covered.east, b.east),
                   std::max(covered.north, b.north)};
    }
    const TileBounds bounds = options.bounds.value_or(covered);
    const LatLon center =
        options.center.value_or(LatLon{(bounds.south + bounds.north) / 2, (bounds.west + bounds.east) / 2});

    const uint64_t rootOffset = PmtilesHeader::kSize;
    const uint64_t metadataOffset = rootOffset + root->size();
    const uint64_t leavesOffset = metadataOffset + metadata->size();
    const uint64_t dataOffset = leavesOffset + leaves.size();

    std::vector<uint8_t> out(size_t(dataOffset + dataSize));
    uint8_t* p = out.data();
    std::memcpy(p, "PMTiles", 7);
    p[7] = 3;
    writeLe(p + 8, rootOffset, 8);
    writeLe(p + 16, root->size(), 8);
    writeLe(p + 24, metadataOffset, 8);
    writeLe(p + 32, metadata->size(), 8);
    writeLe(p + 40, leavesOffset, 8);
    writeLe(p + 48, leaves.size(), 8);
    writeLe(p + 56, dataOffset, 8);
    writeLe(p + 64, dataSize, 8);
    writeLe(p + 72, m_tiles.size(), 8);
    writeLe(p + 80, entries.size(), 8);
    writeLe(p + 88, dataOrder.size(), 8);
    p[96] = 1;  // clustered
    p[97] = uint8_t(options.internalCompression);
    p[98] = uint8_t(options.tileCompression);
    p[99] = uint8_t(options.tileType);
    p[100] = options.minZoom.value_or(minZoom);
    p[101] = options.maxZoom.value_or(maxZoom);
    writeLe(p + 102, uint32_t(toE7(bounds.west)), 4);
    writeLe(p + 106, uint32_t(toE7(bounds.south)), 4);
    writeLe(p + 110, uint32_t(toE7(bounds.east)), 4);
    writeLe(p + 114, uint32_t(toE7(bounds.north)), 4);
    p[118] = options.centerZoom.value_or(p[100]);
    writeLe(p + 119, uint32_t(toE7(center.lon)), 4);
    writeLe(p + 123, uint32_t(toE7(center.lat)), 4);

    std::copy(root->begin(), root->end(), out.begin() + ptrdiff_t(rootOffset));
    std::copy(metadata->begin(), metadata->end(), out.begin() + ptrdiff_t(metadataOffset));
    std::copy(leaves.begin(), leaves.end(), out.begin() + ptrdiff_t(leavesOffset));
    for (size_t content : dataOrder)
        std::copy(m_contents[content].begin(), m_contents[content].end(),
                  out.begin() + ptrdiff_t(dataOffset + placedAt[content]));
    return out;
}

Status PmtilesWriter::finish(const std::string& path, const PmtilesWriteOptions& options) const {
    auto bytes = serialize(options);
    if (!bytes) return Error::inFile(path, bytes.error().message);
    // A temporary beside the archive, renamed into place: a killed build leaves the previous archive whole.
    return writeFileAtomically(path, std::span<const uint8_t>(*bytes));
}

}  // namespace fl::terrain
