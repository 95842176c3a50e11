#include "core/geodesy.h"

#include <cmath>

namespace fl::geo {

glm::dvec3 geodeticToEcef(const Geodetic& g) {
    const double lat = radians(g.lat), lon = radians(g.lon);
    const double sinLat = std::sin(lat), cosLat = std::cos(lat);
    const double n = kSemiMajor / std::sqrt(1.0 - kEcc2 * sinLat * sinLat);  // prime vertical radius
    return {(n + g.height) * cosLat * std::cos(lon), (n + g.height) * cosLat * std::sin(lon),
            (n * (1.0 - kEcc2) + g.height) * sinLat};
}

Geodetic ecefToGeodetic(const glm::dvec3& p) {
    const double lon = std::atan2(p.y, p.x);
    const double r = std::hypot(p.x, p.y);
    if (r < 1e-9) {  // on the polar axis: latitude is +-90, height from the pole
        const double lat = p.z >= 0 ? 90.0 : -90.0;
        return {lat, 0.0, std::abs(p.z) - kSemiMinor};
    }
    // Iterate on latitude; converges in a handful of steps everywhere outside the Earth's core.
    double lat = std::atan2(p.z, r * (1.0 - kEcc2));
    double height = 0;
    for (int i = 0; i < 20; ++i) {
        const double sinLat = std::sin(lat);
        const double n = kSemiMajor / std::sqrt(1.0 - kEcc2 * sinLat * sinLat);
        const double cosLat = std::cos(lat);
        // Height from whichever formula is well-conditioned at this latitude.
        height = std::abs(cosLat) > 0.5 ? r / cosLat - n : p.z / sinLat - n * (1.0 - kEcc2);
        const double next = std::atan2(p.z, r * (1.0 - kEcc2 * n / (n + height)));
        if (std::abs(next - lat) < 1e-13) {
            lat = next;
            break;
        }
        lat = next;
    }
    return {degrees(lat), degrees(lon), height};
}

glm::dvec3 ellipsoidNormal(double latDeg, double lonDeg) {
    const double lat = radians(latDeg), lon = radians(lonDeg);
    return {std::cos(lat) * std::cos(lon), std::cos(lat) * std::sin(lon), std::sin(lat)};
}

EnuFrame::EnuFrame(const Geodetic& origin) : m_origin(origin), m_originEcef(geodeticToEcef(origin)) {
    const double lat = radians(origin.lat), lon = radians(origin.lon);
    const glm::dvec3 east{-std::sin(lon), std::cos(lon), 0.0};
    const glm::dvec3 north{-std::sin(lat) * std::cos(lon), -std::sin(lat) * std::sin(lon), std::cos(lat)};
    const glm::dvec3 up = ellipsoidNormal(origin.lat, origin.lon);
    m_enuToEcef = glm::dmat3(east, north, up);
}

glm::dvec3 EnuFrame::fromEcef(const glm::dvec3& ecef) const {
    return glm::transpose(m_enuToEcef) * (ecef - m_originEcef);
}
glm::dvec3 EnuFrame::toEcef(const glm::dvec3& enu) const {
    return m_enuToEcef * enu + m_originEcef;
}
glm::dvec3 EnuFrame::dirFromEcef(const glm::dvec3& d) const {
    return glm::transpose(m_enuToEcef) * d;
}
glm::dvec3 EnuFrame::dirToEcef(const glm::dvec3& d) const {
    return m_enuToEcef * d;
}

double surfaceDistance(double lat1, double lon1, double lat2, double lon2) {
    constexpr double kMeanRadius = 6371008.8;
    const double dLat = radians(lat2 - lat1), dLon = radians(lon2 - lon1);
    const double a = std::pow(std::sin(dLat / 2), 2) +
                     std::cos(radians(lat1)) * std::cos(radians(lat2)) * std::pow(std::sin(dLon / 2), 2);
    return 2.0 * kMeanRadius * std::asin(std::min(1.0, std::sqrt(a)));
}

}  // namespace fl::geo
