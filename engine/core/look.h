// core/look.h — how a story is shown: relief, light, haze and which layers are on. Part of the document
// (the editor changes it with undo, a recording keeps it), never of the playhead or the camera.
#pragma once

namespace fl {

struct Look {
    // Vertical exaggeration. 2x reads well for a 2.5 km grid at regional scale without caricature.
    double exaggeration = 2.0;
    // Afternoon sun from the west-south-west at 30 deg: side light for oblique shots looking south-east
    // over the border (light from behind the camera flattens relief), and from the left in top-down
    // views, which still reads the right way up (unlike light from the bottom of the screen).
    double sunAzimuth = 250.0;
    double sunElevation = 30.0;
    // Distance (m) through sea-level haze over which it reaches ~63 % of its maximum; haze thins with
    // height (3 km scale height), so high views stay clear.
    double hazeDistance = 150000.0;
    double hillshade = 1.0;  // 0 = flat colour, 1 = full Lambert relative to flat ground
    // Cartographic z-factor for the shading normals only (geometry keeps `exaggeration`): a 90" grid
    // smooths slopes, and 3x restores legible relief without changing any height.
    double reliefShading = 3.0;
    bool borders = true;
    bool labels = true;
    bool furniture = true;  // caption, legend and attribution
    bool overlays = true;   // the story's areas, fronts, routes and arrows
    // Label em size as a fraction of the frame height (never below 12 px): 18 px at 540 lines, 37 px at
    // 1080, 73 px at 2160, so a preview and a 4K render look the same. The Arabic-script line is 0.9 of it.
    double labelSize = 0.034;

    bool operator==(const Look&) const = default;
};

}  // namespace fl
