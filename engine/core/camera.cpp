#include "core/camera.h"

#include <cmath>

namespace fl {

namespace {
// Directions of the eye's local East/North/Up, scene frame.
void localAxes(const geo::EnuFrame& frame, double lat, double lon, glm::dvec3& e, glm::dvec3& n, glm::dvec3& u) {
    const geo::EnuFrame local({lat, lon, 0});
    e = frame.dirFromEcef(local.enuToEcef()[0]);
    n = frame.dirFromEcef(local.enuToEcef()[1]);
    u = frame.dirFromEcef(local.enuToEcef()[2]);
}
}  // namespace

ViewState computeView(const geo::EnuFrame& frame, const CameraPose& pose, double width, double height) {
    ViewState v;
    v.width = width;
    v.height = height;
    v.fovY = pose.fovY;
    v.eye = frame.fromGeodetic({pose.lat, pose.lon, pose.altitude});
    glm::dvec3 e, n, u;
    localAxes(frame, pose.lat, pose.lon, e, n, u);
    const double h = geo::radians(pose.heading), p = geo::radians(pose.pitch);
    v.forward = glm::normalize(std::cos(p) * std::sin(h) * e + std::cos(p) * std::cos(h) * n + std::sin(p) * u);
    v.right = glm::normalize(std::cos(h) * e - std::sin(h) * n);
    v.up = glm::cross(v.right, v.forward);
    v.localUp = u;

    // View rotation only: the eye is the origin of camera-relative coordinates.
    glm::dmat4 view(1.0);
    view[0] = glm::dvec4(v.right.x, v.up.x, -v.forward.x, 0);
    view[1] = glm::dvec4(v.right.y, v.up.y, -v.forward.y, 0);
    view[2] = glm::dvec4(v.right.z, v.up.z, -v.forward.z, 0);
    // Reversed-Z infinite perspective for Vulkan (y down): depth = near / distance, 1 at the near plane,
    // 0 at infinity, which keeps float depth precise from 0.5 m to the horizon.
    const double f = 1.0 / std::tan(geo::radians(pose.fovY) * 0.5);
    const double aspect = width / height;
    glm::dmat4 proj(0.0);
    proj[0][0] = f / aspect;
    proj[1][1] = -f;
    proj[2][3] = -1.0;
    proj[3][2] = v.nearPlane;
    v.viewProjD = proj * view;
    v.viewProj = glm::mat4(v.viewProjD);
    v.invViewProj = glm::mat4(glm::inverse(v.viewProjD));
    return v;
}

std::optional<ScreenPoint> projectToScreen(const ViewState& v, const glm::dvec3& p) {
    const glm::dvec4 c = v.viewProjD * glm::dvec4(p - v.eye, 1.0);
    if (c.w <= v.nearPlane) return std::nullopt;
    return ScreenPoint{(c.x / c.w * 0.5 + 0.5) * v.width, (c.y / c.w * 0.5 + 0.5) * v.height, c.z / c.w,
                       glm::length(p - v.eye)};
}

glm::dvec3 screenRay(const ViewState& v, double px, double py) {
    const double ndcX = px / v.width * 2.0 - 1.0, ndcY = py / v.height * 2.0 - 1.0;
    const glm::dvec4 q = glm::inverse(v.viewProjD) * glm::dvec4(ndcX, ndcY, 1.0, 1.0);
    return glm::normalize(glm::dvec3(q) / q.w);
}

CameraPose lookAt(const geo::Geodetic& eye, const geo::Geodetic& target, double fovY) {
    const geo::EnuFrame local(eye);
    const glm::dvec3 d = glm::normalize(local.fromGeodetic(target) - local.fromGeodetic(eye));
    CameraPose pose;
    pose.lat = eye.lat;
    pose.lon = eye.lon;
    pose.altitude = eye.height;
    pose.heading = std::fmod(geo::degrees(std::atan2(d.x, d.y)) + 360.0, 360.0);
    pose.pitch = geo::degrees(std::asin(glm::clamp(d.z, -1.0, 1.0)));
    pose.fovY = fovY;
    return pose;
}

std::array<glm::dvec4, 5> frustumPlanes(const glm::dmat4& m) {
    auto row = [&](int r) { return glm::dvec4(m[0][r], m[1][r], m[2][r], m[3][r]); };
    const glm::dvec4 x = row(0), y = row(1), z = row(2), w = row(3);
    std::array<glm::dvec4, 5> planes = {w + x, w - x, w + y, w - y, w - z};
    for (glm::dvec4& p : planes) p /= glm::length(glm::dvec3(p));
    return planes;
}

}  // namespace fl
