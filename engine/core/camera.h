// core/camera.h — geographic camera poses and the matrices they imply.
// Owns: a camera as (lat, lon, altitude, heading, pitch, field of view) and its view in a scene ENU frame:
// the double-precision eye position plus camera-relative float matrices for the GPU.
#pragma once

#include <glm/glm.hpp>

#include <array>
#include <optional>

#include "core/geodesy.h"

namespace fl {

struct CameraPose {
    double lat = 0, lon = 0;
    double altitude = 0;  // metres above the WGS84 ellipsoid
    double heading = 0;   // degrees clockwise from north
    double pitch = 0;     // degrees above the horizon (negative looks down)
    double fovY = 40;     // vertical field of view, degrees
};

struct ViewState {
    glm::dvec3 eye;        // scene frame, double
    glm::dvec3 forward;    // scene frame, unit
    glm::dvec3 right, up;  // scene frame, unit (screen right / screen up)
    glm::dvec3 localUp;    // ellipsoid normal at the eye
    glm::mat4 viewProj;    // camera-relative (the eye is the origin), reversed-Z, Vulkan clip space
    glm::mat4 invViewProj;
    glm::dmat4 viewProjD;  // the same in double, for CPU projection of labels
    double width = 1, height = 1;
    double nearPlane = 0.5;
    double fovY = 40;  // vertical field of view, degrees (screen-space error needs it)
};

ViewState computeView(const geo::EnuFrame& frame, const CameraPose& pose, double width, double height);

// Scene-frame point -> pixel (x right, y down) and depth; nullopt behind the eye.
struct ScreenPoint {
    double x, y, depth, distance;
};
std::optional<ScreenPoint> projectToScreen(const ViewState& view, const glm::dvec3& scenePoint);

// Planes of the camera-relative reversed-Z infinite frustum of `view.viewProjD` (Gribb-Hartmann): left,
// right, top, bottom, near; no far plane. xyz: unit normal pointing inside, w: distance, so a point p
// relative to the eye is inside when dot(n, p) + w >= 0 for all five.
std::array<glm::dvec4, 5> frustumPlanes(const glm::dmat4& viewProj);

// Pixel -> unit ray direction in the scene frame (origin at view.eye).
glm::dvec3 screenRay(const ViewState& view, double px, double py);

// The pose at `eye` (geodetic) looking at `target` (geodetic): heading/pitch from the eye's local frame.
CameraPose lookAt(const geo::Geodetic& eye, const geo::Geodetic& target, double fovY = 40);

}  // namespace fl
