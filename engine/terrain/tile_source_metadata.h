// terrain/tile_source_metadata.h — what tile sources learn from JSON beside the tiles (internal to the engine).
// Owns: parsing PMTiles metadata and TileJSON files (tiles.json / metadata.json of a tile directory) into the
// fields of TileSourceInfo, and choosing the height encoding between the source and --encoding.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "terrain/height_codec.h"
#include "terrain/tile_id.h"
#include "terrain/tile_source.h"

namespace fl::terrain {

// Everything is optional: foreign archives and directories carry little or nothing.
struct SourceMetadata {
    std::optional<HeightEncoding> encoding;  // "encoding"
    std::optional<int> minZoom, maxZoom;     // TileJSON "minzoom" / "maxzoom"
    std::optional<TileBounds> bounds;        // TileJSON "bounds": [west, south, east, north]
    std::optional<int> tileSize;             // "tile_size": 256 | 512
    std::string attribution;                 // "attribution"
    std::optional<int> synthesizedFromZoom;  // "frontline": { "synthesized_detail": { "from_zoom": N } }
    std::string provenance;                  // "frontline": { "provenance": [ ... ] }, joined by newlines
};

// What an XYZ source takes from its TileJSON: bounds (unless --bounds gave them), tile size, attribution and
// provenance. The zooms stay with the caller, whose defaults differ (a directory can be scanned).
void applyXyzMetadata(TileSourceInfo& info, const SourceMetadata& metadata, const std::optional<TileBounds>& bounds);

// Parses the PMTiles metadata convention of tile_source.h, which is a superset of the TileJSON keys we use.
// An empty document means "nothing known". Malformed JSON, a non-object root or a key of the wrong type or
// range is an Error naming `name` and the key. Numbers written as strings ("12", as mb-util writes
// metadata.json) are accepted for the zooms and bounds.
Result<SourceMetadata> parseSourceMetadata(std::string_view json, const std::string& name);

// The encoding the source says (`fromSource`) or the caller says (`fromOptions`); both present and different,
// or neither, is an Error naming `name`. `where` says where the source would have said it, for the message
// ("the archive", "no TileJSON in the directory").
Result<HeightEncoding> chooseEncoding(std::optional<HeightEncoding> fromSource,
                                      std::optional<HeightEncoding> fromOptions, const std::string& name,
                                      const std::string& where);

}  // namespace fl::terrain
