#include "story/camera_track_json.h"

#include <string>

namespace fl::story {

namespace {

using json = nlohmann::json;

struct Reader {
    std::string where;  // "keyframe 2" or "" for the track
    std::optional<std::string> error;

    std::string prefix() const { return where.empty() ? "" : where + ": "; }
    void fail(const std::string& what) {
        if (!error) error = prefix() + what;
    }
    void number(const json& obj, const char* key, double& out) {
        auto it = obj.find(key);
        if (it == obj.end()) return;
        if (!it->is_number() || !std::isfinite(it->get<double>()))
            return fail(std::string("\"") + key + "\" must be a number");
        out = it->get<double>();
    }
    void onlyKeys(const json& obj, std::initializer_list<const char*> known) {
        for (auto it = obj.begin(); it != obj.end(); ++it) {
            bool ok = false;
            for (const char* k : known) ok = ok || it.key() == k;
            if (!ok) return fail("unknown key \"" + it.key() + "\"");
        }
    }
};

void readEasing(Reader& r, const json& k, CameraEasing& e) {
    auto it = k.find("easing");
    if (it == k.end()) return;
    if (it->is_string()) {
        const std::string s = it->get<std::string>();
        if (s == "hold")
            e.kind = CameraEasing::Hold;
        else if (s == "linear")
            e.kind = CameraEasing::Linear;
        else if (s == "easeInOut")
            e.kind = CameraEasing::EaseInOut;
        else
            r.fail("unknown easing \"" + s + "\" (known: hold, linear, easeInOut, or [x1, y1, x2, y2] for a Bézier)");
        return;
    }
    if (it->is_array() && it->size() == 4) {
        double v[4];
        for (int i = 0; i < 4; ++i) {
            const json& x = (*it)[i];
            if (!x.is_number() || !std::isfinite(x.get<double>()))
                return r.fail("\"easing\" [x1, y1, x2, y2] needs numbers");
            v[i] = x.get<double>();
        }
        e = {CameraEasing::Bezier, v[0], v[1], v[2], v[3]};
        return;
    }
    r.fail("\"easing\" must be a name or [x1, y1, x2, y2]");
}

CameraKey readKey(Reader& r, const json& k) {
    CameraKey key;
    if (!k.is_object()) {
        r.fail("expected an object");
        return key;
    }
    r.onlyKeys(k, {"at", "lat", "lon", "height", "range", "heading", "pitch", "fov", "easing", "path",
                   "rangeInterpolation", "orbit", "lookAtInfluence"});
    for (const char* needed : {"at", "lat", "lon", "range"})
        if (!k.contains(needed)) r.fail(std::string("needs \"") + needed + "\"");
    r.number(k, "at", key.at);
    r.number(k, "lat", key.lat);
    r.number(k, "lon", key.lon);
    r.number(k, "height", key.height);
    r.number(k, "range", key.range);
    r.number(k, "heading", key.heading);
    r.number(k, "pitch", key.pitch);
    r.number(k, "fov", key.fov);
    r.number(k, "orbit", key.orbit);
    r.number(k, "lookAtInfluence", key.lookAtInfluence);
    readEasing(r, k, key.easing);
    if (auto it = k.find("path"); it != k.end()) {
        if (*it == "interpolate")
            key.path = CameraPath::Interpolate;
        else if (*it == "flyTo")
            key.path = CameraPath::FlyTo;
        else
            r.fail("\"path\" must be \"interpolate\" or \"flyTo\"");
    }
    if (auto it = k.find("rangeInterpolation"); it != k.end()) {
        if (*it == "log")
            key.logRange = true;
        else if (*it == "linear")
            key.logRange = false;
        else
            r.fail("\"rangeInterpolation\" must be \"log\" or \"linear\"");
    }
    return key;
}

}  // namespace

Result<CameraTrack> cameraTrackFromJson(const json& value) {
    Reader r;
    CameraTrack track;
    if (!value.is_object()) return Error{"expected an object with \"keyframes\""};
    r.onlyKeys(value, {"keyframes", "lookAt", "minClearance", "rho"});
    r.number(value, "minClearance", track.minClearance);
    r.number(value, "rho", track.rho);
    if (auto it = value.find("lookAt"); it != value.end() && !r.error) {
        r.where = "lookAt";
        LookAtPoint p;
        if (!it->is_object() || !it->contains("lat") || !it->contains("lon"))
            r.fail("needs \"lat\" and \"lon\"");
        else {
            r.onlyKeys(*it, {"lat", "lon", "height"});
            r.number(*it, "lat", p.lat);
            r.number(*it, "lon", p.lon);
            r.number(*it, "height", p.height);
        }
        track.lookAt = p;
        r.where.clear();
    }
    auto keys = value.find("keyframes");
    if (keys == value.end() || !keys->is_array())
        r.fail("needs \"keyframes\", an array");
    else
        for (size_t i = 0; i < keys->size() && !r.error; ++i) {
            r.where = "keyframe " + std::to_string(i);
            track.keys.push_back(readKey(r, (*keys)[i]));
        }
    if (r.error) return Error{*r.error};
    if (auto problem = checkCameraTrack(track)) return Error{*problem};
    return track;
}

nlohmann::ordered_json cameraTrackToJson(const CameraTrack& track) {
    using ojson = nlohmann::ordered_json;
    ojson out = ojson::object();
    out["minClearance"] = track.minClearance;
    out["rho"] = track.rho;
    if (track.lookAt)
        out["lookAt"] = {{"lat", track.lookAt->lat}, {"lon", track.lookAt->lon}, {"height", track.lookAt->height}};
    ojson keys = ojson::array();
    for (const CameraKey& k : track.keys) {
        ojson o = {{"at", k.at},       {"lat", k.lat},         {"lon", k.lon},     {"height", k.height},
                   {"range", k.range}, {"heading", k.heading}, {"pitch", k.pitch}, {"fov", k.fov}};
        switch (k.easing.kind) {
            case CameraEasing::Hold:
                o["easing"] = "hold";
                break;
            case CameraEasing::Linear:
                o["easing"] = "linear";
                break;
            case CameraEasing::EaseInOut:
                o["easing"] = "easeInOut";
                break;
            case CameraEasing::Bezier:
                o["easing"] = {k.easing.x1, k.easing.y1, k.easing.x2, k.easing.y2};
                break;
        }
        if (k.path == CameraPath::FlyTo) o["path"] = "flyTo";
        if (!k.logRange) o["rangeInterpolation"] = "linear";
        if (k.orbit != 0) o["orbit"] = k.orbit;
        if (k.lookAtInfluence != 0) o["lookAtInfluence"] = k.lookAtInfluence;
        keys.push_back(std::move(o));
    }
    out["keyframes"] = std::move(keys);
    return out;
}

}  // namespace fl::story
