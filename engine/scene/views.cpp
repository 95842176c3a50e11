#include "scene/views.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/parse.h"
#include "terrain/geoid.h"

namespace fl::scene {

const std::vector<CameraSpec>& namedViews() {
    // Framed on the DEM at exaggeration 2. Kandahar 31.61N 65.71E, Spin Boldak 31.01N 66.40E,
    // Chaman 30.92N 66.45E, Quetta 30.18N 67.00E.
    static const std::vector<CameraSpec> views = {
        {"kandahar-overview",
         "Wide oblique from the north-west: Kandahar city to the Spin Boldak-Chaman crossing and Quetta", 31.85, 65.35,
         26000, 140, -24, 42},
        {"spin-boldak", "Closer, looking south-east over the Wesh-Chaman border crossing", 31.30, 66.02, 21000, 135,
         -26, 40},
        {"region-top-down", "Top-down over the Kandahar region", 31.0, 66.0, 420000, 0, -90, 40},
    };
    return views;
}

const CameraSpec* findView(std::string_view name) {
    for (const auto& v : namedViews())
        if (v.name == name) return &v;
    return nullptr;
}

std::string viewNames() {
    std::string out;
    for (const auto& v : namedViews()) out += (out.empty() ? "" : ", ") + v.name;
    return out;
}

Result<CameraSpec> parseCameraSpec(std::string_view text) {
    auto values = parseDoubleList(text, 5, "--camera");
    if (!values) return Error{values.error().message + " (expected LAT,LON,ALT_M,HEADING_DEG,PITCH_DEG)"};
    const auto& v = *values;
    if (v[0] < -90 || v[0] > 90) return Error{"--camera: latitude " + std::to_string(v[0]) + " is outside -90..90"};
    if (v[1] < -180 || v[1] > 180)
        return Error{"--camera: longitude " + std::to_string(v[1]) + " is outside -180..180"};
    if (v[4] < -90 || v[4] > 90) return Error{"--camera: pitch " + std::to_string(v[4]) + " is outside -90..90"};
    CameraSpec spec;
    spec.name = "camera";
    spec.lat = v[0];
    spec.lon = v[1];
    spec.altitudeMsl = v[2];
    spec.heading = v[3];
    spec.pitch = v[4];
    return spec;
}

Result<CameraPose> checkedPose(const CameraSpec& spec, const terrain::GeoidModel* geoid, const std::string& input) {
    const CameraPose p = toPose(spec, geoid);
    for (double v : {p.lat, p.lon, p.heading, p.pitch, p.fovY, spec.altitudeMsl})
        if (!std::isfinite(v)) return Error{input + ": the camera has a value that is not a finite number"};
    if (!std::isfinite(p.altitude)) {
        const terrain::DemGrid& g = geoid->grid;  // only a geoid can make a finite altitude NaN
        char point[64], extent[96];
        std::snprintf(point, sizeof point, "lat %.4f, lon %.4f", spec.lat, spec.lon);
        std::snprintf(extent, sizeof extent, "lon %.2f..%.2f, lat %.2f..%.2f", g.west, g.east(), g.south(), g.north);
        return Error{input + ": " + point + " is outside the geoid grid " + g.path + " (" + extent +
                     "), so its height above sea level cannot be placed"};
    }
    return p;
}

CameraPose toPose(const CameraSpec& s, const terrain::GeoidModel* geoid) {
    CameraPose p;
    p.lat = s.lat;
    p.lon = s.lon;
    p.altitude = s.altitudeMsl + terrain::undulationOrZero(geoid, s.lat, s.lon);
    p.heading = s.heading;
    // Exactly straight down makes heading degenerate; a hair off keeps "up on screen" = heading.
    p.pitch = std::max(-89.99, std::min(89.99, s.pitch));
    p.fovY = s.fovY;
    return p;
}

}  // namespace fl::scene
