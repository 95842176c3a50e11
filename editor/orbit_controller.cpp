#include "orbit_controller.h"

#include <algorithm>
#include <cmath>

#include "terrain/terrain_mesh.h"

namespace fl::app {

void OrbitController::setPose(const CameraPose& pose, double exaggeration) {
    m_exaggeration = exaggeration;
    m_heading = pose.heading;
    m_pitch = std::clamp(pose.pitch, -89.5, -2.0);
    m_fovY = pose.fovY;
    const ViewState view = computeView(m_scene.frame, pose, 16, 9);
    auto hit =
        terrain::raycastTerrain(m_scene.dem, m_scene.geoidModel(), m_scene.frame, exaggeration, view.eye, view.forward);
    if (hit) {
        m_pivot = hit->position;
        m_distance = hit->distance;
    } else {  // looking past the terrain: orbit a point at a distance proportional to the altitude
        m_distance = std::max(1000.0, pose.altitude * 2.0);
        m_pivot = m_scene.frame.toGeodetic(view.eye + view.forward * m_distance);
    }
    snapPivotToSurface();
}

void OrbitController::snapPivotToSurface() {
    double h = terrain::meshHeight(m_scene.dem, m_pivot.lat, m_pivot.lon);
    if (std::isnan(h)) h = 0;
    const double n = m_scene.undulation(m_pivot.lat, m_pivot.lon);
    m_pivot.height = n + h * m_exaggeration;
}

CameraPose OrbitController::pose() const {
    const geo::EnuFrame local(m_pivot);
    const double h = geo::radians(m_heading), p = geo::radians(m_pitch);
    const glm::dvec3 forward(std::cos(p) * std::sin(h), std::cos(p) * std::cos(h), std::sin(p));
    const geo::Geodetic eye = local.toGeodetic(-forward * m_distance);
    return lookAt(eye, m_pivot, m_fovY);
}

void OrbitController::orbit(double dxPx, double dyPx) {
    m_heading = std::fmod(m_heading + dxPx * 0.25 + 360.0, 360.0);
    m_pitch = std::clamp(m_pitch - dyPx * 0.25, -89.5, -2.0);
}

void OrbitController::pan(double dxPx, double dyPx, double viewportHeightPx) {
    // Metres per pixel at the pivot's distance, so the ground under the cursor moves with it.
    const double metresPerPx = 2.0 * m_distance * std::tan(geo::radians(m_fovY) * 0.5) / viewportHeightPx;
    const double h = geo::radians(m_heading);
    const glm::dvec3 right(std::cos(h), -std::sin(h), 0), ahead(std::sin(h), std::cos(h), 0);
    // Looking down steeply, a vertical drag covers less ground than a horizontal one.
    const double aheadScale = 1.0 / std::max(0.2, std::sin(geo::radians(-m_pitch)));
    const geo::EnuFrame local(m_pivot);
    const glm::dvec3 move = (-dxPx * right + dyPx * aheadScale * ahead) * metresPerPx;
    m_pivot = local.toGeodetic(move);
    m_pivot.lat = std::clamp(m_pivot.lat, -89.0, 89.0);
    snapPivotToSurface();
}

void OrbitController::zoom(double wheelSteps) {
    m_distance = std::clamp(m_distance * std::pow(0.85, wheelSteps), 200.0, 3.0e6);
}

void OrbitController::setExaggeration(double exaggeration) {
    m_exaggeration = exaggeration;
    snapPivotToSurface();
}

}  // namespace fl::app
