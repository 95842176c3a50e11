// Temporary: stubs for tile sources being written in parallel. Each implementer removes the stubs of the
// functions they implement; the file goes away when all are in.
#include "terrain/tile_source.h"

namespace fl::terrain {
namespace {
Error pending(const std::string& what) { return Error{what + ": not implemented yet"}; }
}  // namespace
Result<std::unique_ptr<TileSource>> openHttpXyzSource(const std::string& u, const TileSourceOptions&) { return pending(u); }
Result<std::unique_ptr<TileSource>> openRemotePmtilesSource(const std::string& u, const TileSourceOptions&) { return pending(u); }
}  // namespace fl::terrain
