// core/lonlat.h — a WGS84 position as GeoJSON orders it, shared by the story document and the scene's map
// vectors (neither may see the other's module).
#pragma once

namespace fl {

struct LonLat {
    double lon = 0, lat = 0;  // degrees, WGS84
};

}  // namespace fl
