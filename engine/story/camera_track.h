// story/camera_track.h — the story's camera: keyframed shots on the presentation timeline.
// Owns: camera keyframes (a target seen from a range, heading, pitch and field of view), how each segment
// eases (hold, linear, ease in/out, cubic Bézier time curve) and travels (interpolated, with the range
// logarithmic by default; or the van Wijk–Nuij fly-to; or an orbit), look-at with influence, the minimum
// ground clearance, and evaluating the track at a presentation time. Pure and deterministic: no wall clock,
// no terrain (ground heights come through a callback); its file form is camera_track_json.cpp.
#pragma once

#include <cmath>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace fl::story {

// The time curve of a segment, 0..1 -> 0..1. Bezier: CSS `cubic-bezier(x1, y1, x2, y2)`, x1 and x2 in 0..1
// so time stays monotonic; y may overshoot (a settle). EaseInOut is smoothstep 3u² - 2u³.
struct CameraEasing {
    enum Kind { Hold, Linear, EaseInOut, Bezier } kind = EaseInOut;
    double x1 = 0.42, y1 = 0, x2 = 0.58, y2 = 1;
    bool operator==(const CameraEasing&) const = default;
};
double cameraEase(const CameraEasing& easing, double u);
// y at x = u on the Bézier from (0,0) to (1,1) with handles (x1,y1), (x2,y2); x solved to 1e-12.
double cubicBezierEase(double x1, double y1, double x2, double y2, double u);

// How a segment travels to the next keyframe.
enum class CameraPath {
    Interpolate,  // each value on its own: target linearly, range logarithmically (or linearly), heading the
                  // shorter way round (or by `orbit` degrees)
    FlyTo,        // van Wijk–Nuij: zooms out and back in along the optimal path between the two views
};

struct CameraKey {
    double at = 0;  // presentation seconds
    // The point looked at. Height: metres above mean sea level as drawn (the look's exaggeration included).
    double lat = 0, lon = 0, height = 0;
    double range = 10000;  // metres from the eye to the target, > 0
    double heading = 0;    // degrees clockwise from north, of the view direction
    double pitch = -45;    // degrees, -90 straight down .. 0 level
    double fov = 40;       // vertical field of view, degrees
    // Toward the next keyframe:
    CameraEasing easing;
    CameraPath path = CameraPath::Interpolate;
    // Range interpolated in log space: a flight from 400 km to 3 km spends equal time on each halving of the
    // range instead of rushing the last kilometres (Earth Studio's logarithmic altitude). Off: linear.
    bool logRange = true;
    // Non-zero: the heading turns by exactly this many degrees over the segment (an orbit or turntable around
    // the target; 360 is one turn); the next keyframe's heading must equal heading + orbit (mod 360).
    double orbit = 0;
    // 0..1: how much the view turns from the target toward the track's lookAt point (interpolated linearly).
    double lookAtInfluence = 0;
    bool operator==(const CameraKey&) const = default;
};

struct LookAtPoint {
    double lat = 0, lon = 0, height = 0;  // height as CameraKey::height
    bool operator==(const LookAtPoint&) const = default;
};

struct CameraTrack {
    std::vector<CameraKey> keys;  // at least one, strictly increasing times
    std::optional<LookAtPoint> lookAt;
    // Metres the eye always keeps above the drawn ground (at the eye's position): a low oblique over hills
    // must not dip into them. 50 m: close shots stay free, no shot sees the inside of a ridge.
    double minClearance = 50;
    // The fly-to's curvature (van Wijk–Nuij ρ): √2 as Mapbox's flyTo; larger zooms out further.
    double rho = std::sqrt(2.0);
    bool operator==(const CameraTrack&) const = default;
};

// The camera at one instant: the eye and where it looks. Altitude above mean sea level, as CameraSpec.
struct CameraSample {
    double lat = 0, lon = 0, altitudeMsl = 0;
    double heading = 0, pitch = 0, fov = 40;
    double targetLat = 0, targetLon = 0, targetHeight = 0;
    bool clearanceRaised = false;  // the eye was lifted to keep minClearance
};

// Drawn ground height (metres above mean sea level, exaggeration included) at a point; nullopt where unknown.
using GroundHeight = std::function<std::optional<double>(double lat, double lon)>;

// The track at `seconds` (held before the first and after the last keyframe). `ground` may be empty (no
// clearance check).
CameraSample evaluateCamera(const CameraTrack& track, double seconds, const GroundHeight& ground = {});
// The last keyframe's time.
double trackDuration(const CameraTrack& track);

// Van Wijk & Nuij, "Smooth and efficient zooming and panning" (2003): the optimal path from a view of width
// w0 to one of width w1 whose centres are u1 apart (same units), with curvature rho.
struct FlyToPath {
    double u1 = 0, w0 = 1, w1 = 1, rho = std::sqrt(2.0);
    double r0 = 0, length = 0;  // S: the path length in the paper's units
};
FlyToPath makeFlyTo(double u1, double w0, double w1, double rho);
struct FlyToPoint {
    double u = 0;  // distance of the centre from the start along the line, 0..u1
    double w = 0;  // view width
};
// The point at `progress` 0..1 of the path length (s = progress * S).
FlyToPoint flyToAt(const FlyToPath& path, double progress);

// A track's problems ("keyframe 2: \"range\" must be positive"), or nothing: the file reader and the editor's
// commands check with it.
std::optional<std::string> checkCameraTrack(const CameraTrack& track);

}  // namespace fl::story
