// scene/views.h — named camera views and camera specifications.
// Owns: the built-in shots of the Kandahar story (kandahar-overview, spin-boldak, ...) and parsing of
// `--camera LAT,LON,ALT_M,HEADING_DEG,PITCH_DEG`. Altitudes here are metres above mean sea level.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/camera.h"
#include "core/result.h"

namespace fl::terrain {
struct GeoidModel;
}

namespace fl::scene {

struct CameraSpec {
    std::string name;
    std::string description;
    double lat = 0, lon = 0;
    double altitudeMsl = 0;  // metres above mean sea level (EGM96), like the DEM's heights
    double heading = 0, pitch = 0;
    double fovY = 40;
};

const std::vector<CameraSpec>& namedViews();
// nullptr for an unknown name.
const CameraSpec* findView(std::string_view name);
// Lists the names, comma-separated, for error messages.
std::string viewNames();

// "LAT,LON,ALT_M,HEADING_DEG,PITCH_DEG": finite numbers, lat in [-90, 90], lon in [-180, 180],
// pitch in [-90, 90].
Result<CameraSpec> parseCameraSpec(std::string_view text);

// The pose the renderer uses: the altitude converted to ellipsoidal height with the geoid (if any).
CameraPose toPose(const CameraSpec& spec, const terrain::GeoidModel* geoid);
// toPose, but an error naming `input` (e.g. "--camera 40,58,1000,0,-30") where any value of the pose is not a
// finite number: outside the geoid's grid the altitude is NaN, and a NaN pose renders blank sky, silently.
Result<CameraPose> checkedPose(const CameraSpec& spec, const terrain::GeoidModel* geoid, const std::string& input);

}  // namespace fl::scene
