// Temporary: stubs for tile sources being written in parallel. Each implementer removes the stubs of the
// functions they implement; the file goes away when all are in.
#include "terrain/tile_source.h"

namespace fl::terrain {
namespace {
Error pending(const std::string& what) { return Error{what + ": not implemented yet"}; }
}  // namespace
Result<std::unique_ptr<TileSource>> openTileSource(const std::string& spec, const TileSourceOptions&) { return pending(spec); }
Result<std::unique_ptr<TileSource>> openPmtilesSource(std::unique_ptr<ByteSource> b, const TileSourceOptions&) { return pending(b->name()); }
Result<std::unique_ptr<TileSource>> openXyzDirectorySource(const std::string& d, const TileSourceOptions&) { return pending(d); }
Result<std::unique_ptr<TileSource>> openGdalTileSource(const std::string& p, const TileSourceOptions&) { return pending(p); }
}  // namespace fl::terrain
