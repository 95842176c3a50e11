// editor/orbit_controller.h — mouse camera control around a point on the terrain.
// Owns: the pivot (a terrain point found by ray cast), distance, heading and pitch, and the mapping of
// drags and wheel steps to them. Produces plain CameraPose values for the renderer.
#pragma once

#include "core/camera.h"
#include "scene/scene.h"

namespace fl::app {

class OrbitController {
public:
    explicit OrbitController(const scene::Scene& scene) : m_scene(scene) {}

    // Starts from a pose: the pivot is where the view's centre ray meets the terrain.
    void setPose(const CameraPose& pose, double exaggeration);
    CameraPose pose() const;

    void orbit(double dxPx, double dyPx);                         // left drag
    void pan(double dxPx, double dyPx, double viewportHeightPx);  // right drag: the ground follows the cursor
    void zoom(double wheelSteps);                                 // wheel: toward/away from the pivot
    void setExaggeration(double exaggeration);                    // keeps the pivot on the surface

    const geo::Geodetic& pivot() const { return m_pivot; }

private:
    void snapPivotToSurface();
    const scene::Scene& m_scene;
    geo::Geodetic m_pivot;  // ellipsoidal height
    double m_distance = 50000, m_heading = 0, m_pitch = -45, m_fovY = 40;
    double m_exaggeration = 2;
};

}  // namespace fl::app
