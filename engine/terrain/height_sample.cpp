#include "terrain/height_sample.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <cmath>
#include <numbers>

#include "terrain/tile_page.h"
#include "terrain/tile_source.h"

namespace fl::terrain {

SamplePos samplePosition(TileId tile, double lat, double lon) {
    const double n = std::ldexp(1.0, tile.z);
    const double phi = lat * std::numbers::pi / 180.0;
    const double gx = (lon + 180.0) / 360.0 * n;
    const double gy = (1.0 - std::asinh(std::tan(phi)) / std::numbers::pi) / 2.0 * n;
    return {(gx - tile.x) * kTileSize, (gy - tile.y) * kTileSize};
}

namespace {

// The samples of one tile's GPU page (tile samples -1..256 on each axis), built on demand: the rules are
// assemblePage's (terrain/tile_page.cpp), which a sample must reproduce to the bit to match the GPU.
class PageView {
public:
    PageView(TileId id, const HeightTile& tile, const TileLookup& lookup) : m_id(id), m_tile(tile), m_lookup(lookup) {}

    float at(int i, int j) {
        constexpr int s = kTileSize;
        if (i >= 0 && i < s && j >= 0 && j < s) return own(i, j);
        if (j == -1 && i >= 0 && i < s) return has(kNorth) ? nb(kNorth, i, s - 1) : own(i, 0);
        if (j == s && i >= 0 && i < s) return has(kSouth) ? nb(kSouth, i, 0) : own(i, s - 1);
        if (i == -1 && j >= 0 && j < s) return has(kWest) ? nb(kWest, s - 1, j) : own(0, j);
        if (i == s && j >= 0 && j < s) return has(kEast) ? nb(kEast, 0, j) : own(s - 1, j);
        // Corners: the diagonal neighbour's corner sample, else the mean of the two adjacent border samples.
        if (i == -1 && j == -1) return has(kNorthWest) ? nb(kNorthWest, s - 1, s - 1) : 0.5f * (at(0, -1) + at(-1, 0));
        if (i == s && j == -1) return has(kNorthEast) ? nb(kNorthEast, 0, s - 1) : 0.5f * (at(s - 1, -1) + at(s, 0));
        if (i == -1 && j == s) return has(kSouthWest) ? nb(kSouthWest, s - 1, 0) : 0.5f * (at(0, s) + at(-1, s - 1));
        assert(i == s && j == s);
        return has(kSouthEast) ? nb(kSouthEast, 0, 0) : 0.5f * (at(s - 1, s) + at(s, s - 1));
    }

private:
    float clean(float h) {
        if (!std::isnan(h)) return h;
        if (!m_fill) {
            double sum = 0;
            size_t n = 0;
            for (float v : m_tile.heights)
                if (!std::isnan(v)) sum += v, ++n;
            m_fill = n ? float(sum / double(n)) : 0.0f;
        }
        return *m_fill;
    }
    float own(int i, int j) { return clean(m_tile.heights[size_t(j) * kTileSize + i]); }
    float nb(int n, int i, int j) { return clean(m_neighbours[n]->heights[size_t(j) * kTileSize + i]); }
    bool has(int n) {
        if (!m_looked[n]) {
            m_looked[n] = true;
            if (auto id = neighbour(m_id, n))
                if (const HeightTile* t = m_lookup(*id); t && t->width == kTileSize && t->height == kTileSize &&
                                                         t->heights.size() == size_t(kTileSize) * kTileSize)
                    m_neighbours[n] = t;
        }
        return m_neighbours[n] != nullptr;
    }

    TileId m_id;
    const HeightTile& m_tile;
    const TileLookup& m_lookup;
    std::array<const HeightTile*, 8> m_neighbours{};
    std::array<bool, 8> m_looked{};
    std::optional<float> m_fill;
};

bool inMercatorRange(double lat, double lon) {
    return std::abs(lat) <= kMaxMercatorLat && std::abs(lon) <= 180.0;  // false for NaN
}

}  // namespace

double sampleTile(TileId id, const HeightTile& tile, const TileLookup& neighbours, double lat, double lon) {
    assert(tile.width == kTileSize && tile.height == kTileSize && tile.heights.size() == size_t(kTileSize) * kTileSize);
    // As pageHeight() in shaders/terrain_tile.vert: page texel k holds tile sample k - 1, so the page texel
    // coordinate minus 0.5 is the sample position minus 0.5, plus one.
    const SamplePos p = samplePosition(id, lat, lon);
    const double u = p.x - 0.5, v = p.y - 0.5;
    const double fu = std::floor(u), fv = std::floor(v);
    const double tx = u - fu, ty = v - fv;
    const int i = std::clamp(int(fu), -1, kTileSize - 1), j = std::clamp(int(fv), -1, kTileSize - 1);
    PageView page(id, tile, neighbours);
    const double h00 = page.at(i, j), h10 = page.at(i + 1, j);
    const double h01 = page.at(i, j + 1), h11 = page.at(i + 1, j + 1);
    const double top = h00 + (h10 - h00) * tx, bottom = h01 + (h11 - h01) * tx;
    return top + (bottom - top) * ty;
}

std::optional<HeightSample> sampleDeepest(double lat, double lon, int minZoom, int maxZoom, const TileLookup& lookup) {
    if (!inMercatorRange(lat, lon)) return std::nullopt;
    for (int z = std::min(maxZoom, kMaxTileZoom); z >= std::max(minZoom, 0); --z) {
        const TileId t = tileAt(lat, lon, z);
        if (const HeightTile* h = lookup(t)) return HeightSample{sampleTile(t, *h, lookup, lat, lon), t};
    }
    return std::nullopt;
}

HeightTile toPageResolution(HeightTile t) {
    if (t.width == kTileSize) return t;
    HeightTile out;
    out.heights.resize(size_t(kTileSize) * kTileSize);
    for (int j = 0; j < kTileSize; ++j)
        for (int i = 0; i < kTileSize; ++i) {
            double sum = 0;
            int n = 0;
            for (int dj = 0; dj < 2; ++dj)
                for (int di = 0; di < 2; ++di) {
                    const float h = t.heights[size_t(2 * j + dj) * t.width + 2 * i + di];
                    if (!std::isnan(h)) sum += h, ++n;
                }
            out.heights[size_t(j) * kTileSize + i] = n ? float(sum / n) : NAN;
        }
    return out;
}

HeightProbe::HeightProbe(std::shared_ptr<TileSource> source, size_t cacheTiles)
    : m_source(std::move(source)), m_cache(std::max<size_t>(cacheTiles, 9) * kTileSize * kTileSize * sizeof(float)) {}

Result<std::shared_ptr<const HeightTile>> HeightProbe::tile(TileId id) {
    if (m_absent.count(id)) return std::shared_ptr<const HeightTile>();
    if (auto* hit = m_cache.get(id)) return *hit;
    const TileSourceInfo& info = m_source->info();
    const std::string name = info.name + " tile " + toString(id);
    const CancelFlag never;
    TileFetch f = m_source->fetch(id, never);
    switch (f.status) {
        case TileFetch::Status::Missing:
            m_absent.insert(id);
            return std::shared_ptr<const HeightTile>();
        case TileFetch::Status::Failed:
            return f.error;
        case TileFetch::Status::Cancelled:
            return Error{name + ": fetch cancelled"};
        case TileFetch::Status::Ok:
            break;
    }
    if (!f.heights) {
        auto decoded = decodeHeightPng(f.png, info.encoding, name);
        if (!decoded) return decoded.error();
        f.heights = std::move(decoded).value();
    }
    if (f.heights->width != f.heights->height || (f.heights->width != kTileSize && f.heights->width != 512))
        return Error{name + ": tile is " + std::to_string(f.heights->width) + "x" + std::to_string(f.heights->height) +
                     ", expected 256x256 or 512x512"};
    auto tile = std::make_shared<const HeightTile>(toPageResolution(std::move(*f.heights)));
    m_cache.put(id, tile, size_t(kTileSize) * kTileSize * sizeof(float));
    return tile;
}

Result<std::optional<HeightSample>> HeightProbe::sample(double lat, double lon, int aboveZoom) {
    if (!inMercatorRange(lat, lon)) return std::optional<HeightSample>();
    const TileSourceInfo& info = m_source->info();
    for (int z = std::min(info.maxZoom, kMaxTileZoom); z >= std::max({info.minZoom, aboveZoom + 1, 0}); --z) {
        const TileId id = tileAt(lat, lon, z);
        auto centre = tile(id);
        if (!centre) return centre.error();
        if (!*centre) continue;
        // Neighbours that fail to load are treated like ones not loaded yet: the edge sample repeats, as
        // the GPU page would have it.
        std::vector<std::shared_ptr<const HeightTile>> keep{*centre};
        const TileLookup lookup = [&](TileId n) -> const HeightTile* {
            auto t = tile(n);
            if (!t || !*t) return nullptr;
            keep.push_back(*t);
            return t->get();
        };
        return std::optional<HeightSample>(HeightSample{sampleTile(id, **centre, lookup, lat, lon), id});
    }
    return std::optional<HeightSample>();
}

}  // namespace fl::terrain
