#include "story/camera_track.h"

#include <algorithm>
#include <cassert>

#include <glm/glm.hpp>

#include "core/geodesy.h"

namespace fl::story {

namespace {

double lerp(double a, double b, double t) {
    return a + (b - a) * t;
}

// The signed difference b - a in degrees, the shorter way round (-180, 180].
double angleDelta(double a, double b) {
    double d = std::fmod(b - a, 360.0);
    if (d > 180) d -= 360;
    if (d <= -180) d += 360;
    return d;
}

double wrap360(double deg) {
    double d = std::fmod(deg, 360.0);
    return d < 0 ? d + 360 : d;
}

// View direction in the target's East-North-Up frame.
glm::dvec3 viewDirection(double headingDeg, double pitchDeg) {
    const double h = geo::radians(headingDeg), p = geo::radians(pitchDeg);
    return {std::sin(h) * std::cos(p), std::cos(h) * std::cos(p), std::sin(p)};
}

// A view between two keyframes, before the eye is placed.
struct View {
    double lat, lon, height, range, heading, pitch, fov, influence;
};

View keyView(const CameraKey& k) {
    return {k.lat, k.lon, k.height, k.range, k.heading, k.pitch, k.fov, k.lookAtInfluence};
}

// Visible height of the ground at the target for a range and field of view: the fly-to's "width".
double viewWidth(double range, double fovDeg) {
    return 2.0 * range * std::tan(geo::radians(fovDeg) / 2.0);
}

View segmentView(const CameraKey& a, const CameraKey& b, double u, double rho) {
    const double e = cameraEase(a.easing, u);
    View v;
    v.heading = a.orbit != 0 ? a.heading + e * a.orbit : a.heading + e * angleDelta(a.heading, b.heading);
    v.pitch = lerp(a.pitch, b.pitch, e);
    v.fov = lerp(a.fov, b.fov, e);
    v.influence = lerp(a.lookAtInfluence, b.lookAtInfluence, e);
    v.height = lerp(a.height, b.height, e);
    if (a.path == CameraPath::FlyTo) {
        const double u1 = geo::surfaceDistance(a.lat, a.lon, b.lat, b.lon);
        const FlyToPath path = makeFlyTo(u1, viewWidth(a.range, a.fov), viewWidth(b.range, b.fov), rho);
        const FlyToPoint p = flyToAt(path, e);
        const double along = u1 > 0 ? p.u / u1 : e;
        v.lat = lerp(a.lat, b.lat, along);
        v.lon = lerp(a.lon, b.lon, along);
        v.range = p.w / (2.0 * std::tan(geo::radians(v.fov) / 2.0));
        return v;
    }
    v.lat = lerp(a.lat, b.lat, e);
    v.lon = lerp(a.lon, b.lon, e);
    v.range = a.logRange ? std::exp(lerp(std::log(a.range), std::log(b.range), e)) : lerp(a.range, b.range, e);
    return v;
}

// Heading and pitch of a direction given in ECEF, in the local frame at `at`; `keepHeading` where it points
// (almost) straight up or down and the heading is undefined.
void orient(const geo::Geodetic& at, const glm::dvec3& dirEcef, double keepHeading, double& heading, double& pitch) {
    const geo::EnuFrame local(at);
    const glm::dvec3 d = glm::normalize(local.dirFromEcef(dirEcef));
    heading = std::hypot(d.x, d.y) > 1e-9 ? wrap360(geo::degrees(std::atan2(d.x, d.y))) : keepHeading;
    pitch = geo::degrees(std::asin(std::clamp(d.z, -1.0, 1.0)));
}

CameraSample placeEye(const CameraTrack& track, const View& v, const GroundHeight& ground) {
    CameraSample s;
    s.targetLat = v.lat;
    s.targetLon = v.lon;
    s.targetHeight = v.height;
    s.fov = v.fov;
    // Mean-sea-level heights are placed as ellipsoidal ones: the geoid moves both ends alike by tens of metres,
    // which changes no direction measurably; the host converts the eye's altitude with the geoid.
    const geo::Geodetic target{v.lat, v.lon, v.height};
    const geo::EnuFrame frame(target);
    const glm::dvec3 dir = viewDirection(v.heading, v.pitch);
    const glm::dvec3 targetEcef = frame.originEcef();
    glm::dvec3 eyeEcef = frame.toEcef(-v.range * dir);
    geo::Geodetic eye = geo::ecefToGeodetic(eyeEcef);
    if (ground) {
        const std::optional<double> g = ground(eye.lat, eye.lon);
        if (g && eye.height < *g + track.minClearance) {
            eye.height = *g + track.minClearance;
            eyeEcef = geo::geodeticToEcef(eye);
            s.clearanceRaised = true;
        }
    }
    orient(eye, targetEcef - eyeEcef, wrap360(v.heading), s.heading, s.pitch);
    if (track.lookAt && v.influence > 0) {
        const geo::Geodetic p{track.lookAt->lat, track.lookAt->lon, track.lookAt->height};
        double h = 0, pitch = 0;
        orient(eye, geo::geodeticToEcef(p) - eyeEcef, s.heading, h, pitch);
        const double w = std::clamp(v.influence, 0.0, 1.0);
        s.heading = wrap360(s.heading + w * angleDelta(s.heading, h));
        s.pitch = lerp(s.pitch, pitch, w);
    }
    s.lat = eye.lat;
    s.lon = eye.lon;
    s.altitudeMsl = eye.height;
    return s;
}

}  // namespace

double cubicBezierEase(double x1, double y1, double x2, double y2, double u) {
    if (u <= 0) return 0;
    if (u >= 1) return 1;
    auto bez = [](double p1, double p2, double t) {
        const double s = 1 - t;
        return 3 * s * s * t * p1 + 3 * s * t * t * p2 + t * t * t;
    };
    // x(t) is monotonic for x1, x2 in 0..1: bisection converges whatever the handles (Newton can stall).
    double lo = 0, hi = 1;
    for (int i = 0; i < 60 && hi - lo > 1e-13; ++i) {
        const double mid = 0.5 * (lo + hi);
        (bez(x1, x2, mid) < u ? lo : hi) = mid;
    }
    return bez(y1, y2, 0.5 * (lo + hi));
}

double cameraEase(const CameraEasing& e, double u) {
    u = std::clamp(u, 0.0, 1.0);
    switch (e.kind) {
        case CameraEasing::Hold:
            return u < 1 ? 0 : 1;
        case CameraEasing::Linear:
            return u;
        case CameraEasing::EaseInOut:
            return u * u * (3 - 2 * u);
        case CameraEasing::Bezier:
            return cubicBezierEase(e.x1, e.y1, e.x2, e.y2, u);
    }
    return u;
}

FlyToPath makeFlyTo(double u1, double w0, double w1, double rho) {
    assert(w0 > 0 && w1 > 0 && rho > 0);
    FlyToPath p{u1, w0, w1, rho, 0, 0};
    const double rho2 = rho * rho;
    if (u1 < 1e-6 * std::max(w0, w1)) {  // no pan: a pure zoom, S = |ln(w1/w0)| / rho
        p.u1 = 0;
        p.length = std::abs(std::log(w1 / w0)) / rho;
        return p;
    }
    auto r = [&](int i) {
        const double wi = i == 0 ? w0 : w1;
        const double b = (w1 * w1 - w0 * w0 + (i == 0 ? 1 : -1) * rho2 * rho2 * u1 * u1) / (2 * wi * rho2 * u1);
        return std::log(std::sqrt(b * b + 1) - b);
    };
    p.r0 = r(0);
    p.length = (r(1) - p.r0) / rho;
    return p;
}

FlyToPoint flyToAt(const FlyToPath& p, double progress) {
    const double s = std::clamp(progress, 0.0, 1.0) * p.length;
    if (p.u1 == 0) {
        const double k = p.w1 < p.w0 ? -1 : 1;
        return {0, p.w0 * std::exp(k * p.rho * s)};
    }
    const double rho2 = p.rho * p.rho;
    const double u = p.w0 / rho2 * (std::cosh(p.r0) * std::tanh(p.rho * s + p.r0) - std::sinh(p.r0));
    const double w = p.w0 * std::cosh(p.r0) / std::cosh(p.rho * s + p.r0);
    // The ends exactly, whatever the rounding of the hyperbolic functions.
    if (progress >= 1) return {p.u1, p.w1};
    if (progress <= 0) return {0, p.w0};
    return {u, w};
}

double trackDuration(const CameraTrack& track) {
    return track.keys.empty() ? 0 : track.keys.back().at;
}

CameraSample evaluateCamera(const CameraTrack& track, double seconds, const GroundHeight& ground) {
    assert(!track.keys.empty());
    const auto& keys = track.keys;
    if (!(seconds > keys.front().at)) return placeEye(track, keyView(keys.front()), ground);  // NaN too
    if (seconds >= keys.back().at) return placeEye(track, keyView(keys.back()), ground);
    const auto next =
        std::upper_bound(keys.begin(), keys.end(), seconds, [](double t, const CameraKey& k) { return t < k.at; });
    const CameraKey& a = *(next - 1);
    const CameraKey& b = *next;
    const double u = (seconds - a.at) / (b.at - a.at);
    return placeEye(track, segmentView(a, b, u, track.rho), ground);
}

std::optional<std::string> checkCameraTrack(const CameraTrack& track) {
    if (track.keys.empty()) return "a camera track needs at least one keyframe";
    if (!(track.minClearance >= 0 && track.minClearance < 1e5)) return "\"minClearance\" must be 0..100000 m";
    if (!(track.rho > 0 && track.rho < 100)) return "\"rho\" must be between 0 and 100";
    if (track.lookAt && !(std::abs(track.lookAt->lat) <= 90 && std::abs(track.lookAt->lon) <= 180 &&
                          std::isfinite(track.lookAt->height)))
        return "lookAt: lat must be -90..90, lon -180..180, height finite";
    for (size_t i = 0; i < track.keys.size(); ++i) {
        const CameraKey& k = track.keys[i];
        const std::string w = "keyframe " + std::to_string(i) + ": ";
        if (!(k.at >= 0 && k.at < 1e7)) return w + "\"at\" must be 0..10000000 seconds";
        if (i > 0 && !(k.at > track.keys[i - 1].at)) return w + "\"at\" must be after the previous keyframe's";
        if (!(std::abs(k.lat) <= 90 && std::abs(k.lon) <= 180)) return w + "lat must be -90..90 and lon -180..180";
        if (!(std::abs(k.height) < 1e5)) return w + "\"height\" must be within 100 km of sea level";
        if (!(k.range > 0.1 && k.range < 1e8)) return w + "\"range\" must be 0.1..100000000 m";
        if (!(std::isfinite(k.heading) && std::abs(k.heading) <= 3600)) return w + "\"heading\" must be finite";
        if (!(k.pitch >= -90 && k.pitch <= 0)) return w + "\"pitch\" must be -90..0 degrees";
        if (!(k.fov >= 1 && k.fov <= 150)) return w + "\"fov\" must be 1..150 degrees";
        if (!(k.lookAtInfluence >= 0 && k.lookAtInfluence <= 1)) return w + "\"lookAtInfluence\" must be 0..1";
        if (!(std::isfinite(k.orbit) && std::abs(k.orbit) <= 36000)) return w + "\"orbit\" must be finite";
        const CameraEasing& e = k.easing;
        if (e.kind == CameraEasing::Bezier &&
            !(e.x1 >= 0 && e.x1 <= 1 && e.x2 >= 0 && e.x2 <= 1 && std::abs(e.y1) <= 10 && std::abs(e.y2) <= 10))
            return w + "a Bézier easing needs x1 and x2 in 0..1 (and |y| <= 10)";
        if (k.orbit != 0 && i + 1 < track.keys.size() &&
            std::abs(angleDelta(k.heading + k.orbit, track.keys[i + 1].heading)) > 1e-6)
            return w + "an orbit of " + std::to_string(k.orbit) + " degrees ends at heading " +
                   std::to_string(wrap360(k.heading + k.orbit)) + ", but the next keyframe's heading is " +
                   std::to_string(track.keys[i + 1].heading);
    }
    return std::nullopt;
}

}  // namespace fl::story
