// PMTiles v3: write -> read round trips (dedup, runs, leaf directories, both internal compressions),
// deterministic bytes, and damaged archives — hand-built directories for each malformation the reader must
// name, plus random truncations and byte flips that must only ever produce errors.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "terrain/pmtiles.h"

namespace fs = std::filesystem;
using fl::terrain::MemoryByteSource;
using fl::terrain::PmtilesCompression;
using fl::terrain::PmtilesHeader;
using fl::terrain::PmtilesReader;
using fl::terrain::PmtilesWriteOptions;
using fl::terrain::PmtilesWriter;
using fl::terrain::TileId;

namespace {

using Bytes = std::vector<uint8_t>;

Bytes bytesOf(const std::string& s) {
    return Bytes(s.begin(), s.end());
}

// ~1000 tiles: the whole pyramid to z4 plus a 26x26 block at z8 and a strip at z12. Contents repeat (dedup)
// and the z8 block has long stretches of one "sea" tile along the Hilbert curve (run-length entries).
std::map<TileId, Bytes, bool (*)(const TileId&, const TileId&)> sampleTiles() {
    std::map<TileId, Bytes, bool (*)(const TileId&, const TileId&)> tiles(
        [](const TileId& a, const TileId& b) { return fl::terrain::pmtilesTileId(a) < fl::terrain::pmtilesTileId(b); });
    for (int z = 0; z <= 4; ++z)
        for (uint32_t x = 0; x < (1u << z); ++x)
            for (uint32_t y = 0; y < (1u << z); ++y)
                tiles[{uint8_t(z), x, y}] = bytesOf("pyramid " + std::to_string((x * 7 + y * 3 + z) % 23));
    for (uint32_t x = 170; x < 196; ++x)
        for (uint32_t y = 100; y < 126; ++y) {
            const uint64_t id = fl::terrain::pmtilesTileId({8, x, y});
            tiles[{8, x, y}] = (id / 16) % 3 == 0 ? bytesOf("sea") : bytesOf("land " + std::to_string(id % 97));
        }
    for (uint32_t x = 2790; x < 2800; ++x) tiles[{12, x, 1676}] = bytesOf("z12 " + std::to_string(x));
    return tiles;
}

PmtilesWriter writerWith(const decltype(sampleTiles())& tiles, bool reversed = false) {
    PmtilesWriter writer;
    if (reversed)
        for (auto it = tiles.rbegin(); it != tiles.rend(); ++it) writer.addTile(it->first, it->second);
    else
        for (const auto& [t, b] : tiles) writer.addTile(t, b);
    return writer;
}

fl::Result<PmtilesReader> openBytes(Bytes bytes, const std::string& name = "mem.pmtiles") {
    return PmtilesReader::open(std::make_unique<MemoryByteSource>(std::move(bytes), name));
}

void appendVarint(Bytes& out, uint64_t v) {
    while (v >= 0x80) {
        out.push_back(uint8_t(v) | 0x80);
        v >>= 7;
    }
    out.push_back(uint8_t(v));
}

void putLe(Bytes& b, size_t at, uint64_t v, int n) {
    for (int i = 0; i < n; ++i) b[at + size_t(i)] = uint8_t(v >> (8 * i));
}

struct RawEntry {
    uint64_t tileId, offset;
    uint32_t length, runLength;
};

// A directory serialised by the spec's steps (no compression), written here independently of the engine.
Bytes rawDirectory(const std::vector<RawEntry>& entries) {
    Bytes out;
    appendVarint(out, entries.size());
    uint64_t last = 0;
    for (const auto& e : entries) {
        appendVarint(out, e.tileId - last);
        last = e.tileId;
    }
    for (const auto& e : entries) appendVarint(out, e.runLength);
    for (const auto& e : entries) appendVarint(out, e.length);
    for (const auto& e : entries) appendVarint(out, e.offset + 1);
    return out;
}

// header | root | leaves | data, internal compression none.
Bytes rawArchive(const Bytes& root, const Bytes& leaves, const Bytes& data) {
    Bytes out(PmtilesHeader::kSize, 0);
    std::memcpy(out.data(), "PMTiles", 7);
    out[7] = 3;
    const uint64_t rootOff = PmtilesHeader::kSize, leafOff = rootOff + root.size(), dataOff = leafOff + leaves.size();
    putLe(out, 8, rootOff, 8);
    putLe(out, 16, root.size(), 8);
    putLe(out, 24, leafOff, 8);  // metadata: empty
    putLe(out, 32, 0, 8);
    putLe(out, 40, leafOff, 8);
    putLe(out, 48, leaves.size(), 8);
    putLe(out, 56, dataOff, 8);
    putLe(out, 64, data.size(), 8);
    out[97] = uint8_t(PmtilesCompression::None);
    out[98] = uint8_t(PmtilesCompression::None);
    out[99] = 2;
    out.insert(out.end(), root.begin(), root.end());
    out.insert(out.end(), leaves.begin(), leaves.end());
    out.insert(out.end(), data.begin(), data.end());
    return out;
}

bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

// Opens and exercises everything; returns the first error message, or "" when all reads succeeded.
std::string readEverything(const Bytes& archive, const std::vector<TileId>& probes) {
    auto reader = openBytes(archive, "fuzz.pmtiles");
    if (!reader) return reader.error().message;
    std::string firstError;
    auto meta = reader->metadataJson();
    if (!meta) firstError = meta.error().message;
    for (const TileId& t : probes) {
        auto tile = reader->getTile(t);
        if (!tile && firstError.empty()) firstError = tile.error().message;
    }
    return firstError;
}

}  // namespace

TEST(Pmtiles, RoundTripWithLeafDirectories) {
    const auto tiles = sampleTiles();
    ASSERT_GT(tiles.size(), 1000u);
    PmtilesWriter writer = writerWith(tiles);
    PmtilesWriteOptions options;
    options.metadataJson = R"({"name":"test","encoding":"terrarium"})";
    options.maxRootDirectoryBytes = 96;  // forces leaf directories
    options.leafDirectoryEntries = 16;
    auto bytes = writer.serialize(options);
    ASSERT_TRUE(bytes) << bytes.error().message;

    auto reader = openBytes(*bytes);
    ASSERT_TRUE(reader) << reader.error().message;
    const PmtilesHeader& h = reader->header();
    EXPECT_GT(h.leafDirectoriesLength, 0u);
    EXPECT_LE(h.rootDirectoryLength, 96u);
    EXPECT_EQ(h.rootDirectoryOffset, 127u);
    EXPECT_EQ(h.addressedTiles, tiles.size());
    EXPECT_LT(h.tileEntries, h.addressedTiles);  // runs merged entries
    EXPECT_LT(h.tileContents, h.tileEntries);    // duplicates stored once
    EXPECT_TRUE(h.clustered);
    EXPECT_EQ(h.internalCompression, PmtilesCompression::Gzip);
    EXPECT_EQ(h.tileCompression, PmtilesCompression::None);
    EXPECT_EQ(h.tileType, fl::terrain::PmtilesTileType::Png);
    EXPECT_EQ(h.minZoom, 0);
    EXPECT_EQ(h.maxZoom, 12);
    EXPECT_NEAR(h.minLon, -180.0, 1e-7);
    EXPECT_NEAR(h.maxLat, fl::terrain::kMaxMercatorLat, 1e-7);
    auto meta = reader->metadataJson();
    ASSERT_TRUE(meta);
    EXPECT_EQ(*meta, options.metadataJson);

    uint64_t distinctBytes = 0;
    std::map<Bytes, int> seen;
    for (const auto& [t, b] : tiles) {
        auto got = reader->getTile(t);
        ASSERT_TRUE(got) << got.error().message;
        ASSERT_TRUE(got->has_value()) << fl::terrain::toString(t);
        ASSERT_EQ(**got, b) << fl::terrain::toString(t);
        if (seen[b]++ == 0) distinctBytes += b.size();
    }
    EXPECT_EQ(h.tileDataLength, distinctBytes);
    EXPECT_EQ(h.tileContents, seen.size());
    // Tiles that were never added, inside and outside the covered ids, and invalid ids.
    for (TileId t : {TileId{5, 0, 0}, TileId{8, 169, 100}, TileId{8, 196, 125}, TileId{12, 2800, 1676},
                     TileId{20, 5, 5}, TileId{3, 9, 0}}) {
        auto got = reader->getTile(t);
        ASSERT_TRUE(got) << got.error().message;
        EXPECT_FALSE(got->has_value()) << fl::terrain::toString(t);
    }
}

TEST(Pmtiles, SmallArchiveKeepsEverythingInTheRoot) {
    PmtilesWriter writer;
    writer.addTile({0, 0, 0}, bytesOf("world"));
    writer.addTile({1, 1, 0}, bytesOf("ne"));
    writer.addTile({1, 1, 0}, bytesOf("ne v2"));  // replaces
    writer.addTile({1, 0, 0}, {});                // empty: skipped
    EXPECT_EQ(writer.tileCount(), 2u);
    for (auto compression : {PmtilesCompression::Gzip, PmtilesCompression::None}) {
        PmtilesWriteOptions options;
        options.internalCompression = compression;
        options.bounds = fl::terrain::TileBounds{60.5, 29.0, 71.25, 37.0};
        options.center = fl::terrain::LatLon{31.0058, 66.4};
        options.centerZoom = 9;
        auto bytes = writer.serialize(options);
        ASSERT_TRUE(bytes) << bytes.error().message;
        auto reader = openBytes(*bytes);
        ASSERT_TRUE(reader) << reader.error().message;
        const auto& h = reader->header();
        EXPECT_EQ(h.leafDirectoriesLength, 0u);
        EXPECT_EQ(h.internalCompression, compression);
        EXPECT_DOUBLE_EQ(h.minLon, 60.5);
        EXPECT_DOUBLE_EQ(h.maxLat, 37.0);
        EXPECT_DOUBLE_EQ(h.centerLat, 31.0058);
        EXPECT_DOUBLE_EQ(h.centerLon, 66.4);
        EXPECT_EQ(h.centerZoom, 9);
        EXPECT_EQ(**reader->getTile({0, 0, 0}), bytesOf("world"));
        EXPECT_EQ(**reader->getTile({1, 1, 0}), bytesOf("ne v2"));
        EXPECT_FALSE(reader->getTile({1, 0, 0})->has_value());
        EXPECT_EQ(*reader->metadataJson(), "{}");
    }
}

TEST(Pmtiles, OutputIsByteIdenticalWhateverTheInsertionOrder) {
    const auto tiles = sampleTiles();
    PmtilesWriteOptions options;
    options.maxRootDirectoryBytes = 200;
    options.leafDirectoryEntries = 32;
    auto a = writerWith(tiles).serialize(options);
    auto b = writerWith(tiles, true).serialize(options);
    ASSERT_TRUE(a && b);
    EXPECT_EQ(*a, *b);

    const fs::path dir =
        fs::temp_directory_path() /
        ("fl_pmtiles_test_" + std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()));
    fs::create_directories(dir);
    const std::string p1 = (dir / "one.pmtiles").string(), p2 = (dir / "two.pmtiles").string();
    ASSERT_TRUE(writerWith(tiles).finish(p1, options));
    ASSERT_TRUE(writerWith(tiles, true).finish(p2, options));
    auto slurp = [](const std::string& p) {
        std::ifstream f(p, std::ios::binary);
        return Bytes(std::istreambuf_iterator<char>(f), {});
    };
    EXPECT_EQ(slurp(p1), slurp(p2));
    EXPECT_EQ(slurp(p1), *a);
    EXPECT_FALSE(fs::exists(p1 + ".tmp"));

    auto source = fl::terrain::FileByteSource::open(p1);
    ASSERT_TRUE(source) << source.error().message;
    auto reader = PmtilesReader::open(std::move(*source));
    ASSERT_TRUE(reader) << reader.error().message;
    EXPECT_EQ(reader->name(), p1);
    EXPECT_EQ(**reader->getTile({8, 180, 110}), tiles.at({8, 180, 110}));
    fs::remove_all(dir);
}

TEST(Pmtiles, WriterRejectsEmptyArchiveAndBadPath) {
    PmtilesWriter empty;
    EXPECT_FALSE(empty.serialize({}));
    PmtilesWriter one;
    one.addTile({0, 0, 0}, bytesOf("x"));
    auto status = one.finish("/nonexistent-dir/x.pmtiles", {});
    ASSERT_FALSE(status);
    EXPECT_TRUE(contains(status.error().message, "/nonexistent-dir/x.pmtiles: ")) << status.error().message;
    PmtilesWriteOptions brotli;
    brotli.internalCompression = PmtilesCompression::Brotli;
    EXPECT_FALSE(one.serialize(brotli));
}

TEST(Pmtiles, MissingFileIsAnErrorNamingIt) {
    auto source = fl::terrain::FileByteSource::open("/nonexistent/tiles.pmtiles");
    ASSERT_FALSE(source);
    EXPECT_TRUE(contains(source.error().message, "/nonexistent/tiles.pmtiles: ")) << source.error().message;
}

TEST(Pmtiles, RunLengthLookupFollowsTheSpec) {
    // Tile ids 5..7 share one blob (run of 3); id 9 is separate; leaf-free root.
    const Bytes data = bytesOf("AAAABBB");
    const Bytes archive = rawArchive(rawDirectory({{5, 0, 4, 3}, {9, 4, 3, 1}}), {}, data);
    auto reader = openBytes(archive);
    ASSERT_TRUE(reader) << reader.error().message;
    for (uint64_t id = 0; id < 12; ++id) {
        const TileId t = *fl::terrain::pmtilesTileFromId(id);
        auto got = reader->getTile(t);
        ASSERT_TRUE(got) << got.error().message;
        if (id >= 5 && id <= 7)
            EXPECT_EQ(**got, bytesOf("AAAA")) << id;
        else if (id == 9)
            EXPECT_EQ(**got, bytesOf("BBB"));
        else
            EXPECT_FALSE(got->has_value()) << id;
    }
}

TEST(Pmtiles, BadHeadersAreErrors) {
    PmtilesWriter writer;
    writer.addTile({0, 0, 0}, bytesOf("tile"));
    const Bytes good = *writer.serialize({});

    auto expectError = [](Bytes bytes, const std::string& needle) {
        auto r = openBytes(std::move(bytes), "bad.pmtiles");
        ASSERT_FALSE(r) << needle;
        EXPECT_TRUE(contains(r.error().message, "bad.pmtiles: ")) << r.error().message;
        EXPECT_TRUE(contains(r.error().message, needle)) << r.error().message;
    };
    Bytes magic = good;
    magic[0] = 'X';
    expectError(magic, "bad magic");
    Bytes v2 = good;
    std::memcpy(v2.data(), "PM\x02\x00", 4);
    expectError(v2, "only version 3");
    Bytes v4 = good;
    v4[7] = 4;
    expectError(v4, "version 4");
    Bytes zstd = good;
    zstd[97] = uint8_t(PmtilesCompression::Zstd);
    expectError(zstd, "internal compression zstd");
    Bytes rootBeyond = good;
    putLe(rootBeyond, 16, 1ull << 40, 8);
    expectError(rootBeyond, "root directory");
    Bytes wraps = good;
    putLe(wraps, 56, ~0ull - 3, 8);
    expectError(wraps, "tile data");
    Bytes noRoot = good;
    putLe(noRoot, 16, 0, 8);
    expectError(noRoot, "length 0");
    for (size_t cut : {size_t(0), size_t(6), size_t(100), size_t(126), size_t(127), size_t(130), good.size() - 1})
        expectError(Bytes(good.begin(), good.begin() + ptrdiff_t(cut)), "");
}

TEST(Pmtiles, MalformedDirectoriesAreErrors) {
    const Bytes data = bytesOf("0123456789");
    auto expectOpenError = [&](const Bytes& root, const std::string& needle) {
        auto r = openBytes(rawArchive(root, {}, data), "dir.pmtiles");
        ASSERT_FALSE(r) << needle;
        EXPECT_TRUE(contains(r.error().message, "dir.pmtiles: root directory: " + needle)) << r.error().message;
    };
    expectOpenError({0}, "empty directory");
    expectOpenError({0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f}, "varint overflows");
    expectOpenError({0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}, "varint overflows");
    expectOpenError({0x80}, "truncated varint");
    expectOpenError({0xff, 0xff, 0xff, 0x7f, 1, 1, 1, 1}, "claims");
    expectOpenError({1, 0, 1, 0, 1}, "entry of length 0");
    expectOpenError({2, 0, 1, 1, 1, 4, 4, 0, 0}, "first entry has a relative offset");
    Bytes trailing = rawDirectory({{0, 0, 4, 1}});
    trailing.push_back(0);
    expectOpenError(trailing, "1 trailing bytes");
    Bytes hugeRun;
    appendVarint(hugeRun, 1);
    appendVarint(hugeRun, 0);
    appendVarint(hugeRun, 1ull << 33);
    appendVarint(hugeRun, 1);
    appendVarint(hugeRun, 1);
    expectOpenError(hugeRun, "run length");
    Bytes idOverflow;
    appendVarint(idOverflow, 2);
    appendVarint(idOverflow, ~0ull);
    appendVarint(idOverflow, 2);
    for (int i = 0; i < 6; ++i) appendVarint(idOverflow, 1);
    expectOpenError(idOverflow, "tile id overflows");

    // Entries that decode but point outside their sections fail at lookup, naming the tile.
    auto reader = openBytes(rawArchive(rawDirectory({{0, 8, 5, 1}}), {}, data), "dir.pmtiles");
    ASSERT_TRUE(reader) << reader.error().message;
    auto tile = reader->getTile({0, 0, 0});
    ASSERT_FALSE(tile);
    EXPECT_TRUE(contains(tile.error().message, "tile 0/0/0 (offset 8, length 5) lies outside the tile data"))
        << tile.error().message;
    auto leafOut = openBytes(rawArchive(rawDirectory({{0, 0, 50, 0}}), rawDirectory({{0, 0, 4, 1}}), data));
    ASSERT_TRUE(leafOut);
    auto t2 = leafOut->getTile({0, 0, 0});
    ASSERT_FALSE(t2);
    EXPECT_TRUE(contains(t2.error().message, "outside the leaf directory section")) << t2.error().message;
}

TEST(Pmtiles, CorruptGzipDirectoryIsAnError) {
    PmtilesWriter writer;
    for (uint32_t x = 0; x < 4; ++x) writer.addTile({2, x, 1}, bytesOf("t" + std::to_string(x)));
    Bytes archive = *writer.serialize({});
    const size_t rootOff = 127;
    Bytes badCrc = archive;
    badCrc[rootOff + 12] ^= 0xff;  // inside the deflate stream or its trailer
    auto r = openBytes(badCrc, "gz.pmtiles");
    ASSERT_FALSE(r);
    EXPECT_TRUE(contains(r.error().message, "gz.pmtiles: root directory")) << r.error().message;
    // Truncated gzip stream: shrink the root length in the header.
    Bytes shortRoot = archive;
    putLe(shortRoot, 16, archive[16] - 5u, 8);
    auto s = openBytes(shortRoot, "gz.pmtiles");
    ASSERT_FALSE(s);
    EXPECT_TRUE(contains(s.error().message, "root directory")) << s.error().message;
}

TEST(Pmtiles, DirectoryLoopIsCaught) {
    // The root points at a leaf whose only entry points back at the same leaf: without a depth limit a reader
    // would spin forever.
    const Bytes selfLeaf = rawDirectory({{0, 0, 5, 0}});  // offset 0, length 5: its own bytes
    ASSERT_EQ(selfLeaf.size(), 5u);
    auto reader = openBytes(rawArchive(rawDirectory({{0, 0, 5, 0}}), selfLeaf, bytesOf("x")), "loop.pmtiles");
    ASSERT_TRUE(reader) << reader.error().message;
    auto tile = reader->getTile({0, 0, 0});
    ASSERT_FALSE(tile);
    EXPECT_TRUE(contains(tile.error().message, "loop.pmtiles: directories nest deeper")) << tile.error().message;
}

TEST(Pmtiles, TruncationsAndRandomFlipsNeverCrash) {
    auto tiles = sampleTiles();
    std::vector<TileId> probes;
    for (const auto& [t, b] : tiles) probes.push_back(t);
    probes.resize(200);
    probes.push_back({8, 180, 110});
    probes.push_back({9, 3, 3});
    for (auto compression : {PmtilesCompression::Gzip, PmtilesCompression::None}) {
        PmtilesWriteOptions options;
        options.internalCompression = compression;
        options.maxRootDirectoryBytes = 80;
        options.leafDirectoryEntries = 24;
        const Bytes good = *writerWith(tiles).serialize(options);
        ASSERT_EQ(readEverything(good, probes), "");

        for (size_t cut = 0; cut < good.size(); cut += 1 + cut / 3) {
            const std::string e = readEverything(Bytes(good.begin(), good.begin() + ptrdiff_t(cut)), probes);
            EXPECT_NE(e, "") << "cut at " << cut;
            EXPECT_TRUE(contains(e, "fuzz.pmtiles: ")) << e;
        }
        uint64_t state = 0x2545F4914F6CDD1Dull;
        auto next = [&] {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            return state;
        };
        int errors = 0;
        for (int round = 0; round < 1500; ++round) {
            Bytes bad = good;
            const int flips = 1 + int(next() % 4);
            // Bias towards the header and directories, where the parsing happens.
            const size_t span = next() % 2 ? std::min<size_t>(bad.size(), 600) : bad.size();
            for (int f = 0; f < flips; ++f) bad[next() % span] ^= uint8_t(1 + next() % 255);
            const std::string e = readEverything(bad, probes);
            if (!e.empty()) {
                ++errors;
                EXPECT_TRUE(contains(e, "fuzz.pmtiles: ")) << e;
            }
        }
        EXPECT_GT(errors, 100);
    }
}
