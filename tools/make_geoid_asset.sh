#!/bin/sh
# Regenerates assets/geoid/egm96_15_afpak.tif: the EGM96 geoid (15' grid) cropped to lon 59-72, lat 26-37.
# Source: /usr/share/proj/egm96_15.gtx from Debian's proj-data (EGM96 by NGA, public domain).
# The .gtx grid holds values at pixel centres on whole quarter degrees, so the window's outer edges sit an
# eighth of a degree outside 59/72/26/37: that keeps the 59..72 x 26..37 nodes (53 x 45) with no resampling,
# and bilinear lookups reach all the way to the crop edges.
set -eu
cd "$(dirname "$0")/.."
src=${EGM96_GTX:-/usr/share/proj/egm96_15.gtx}
mkdir -p assets/geoid
gdal_translate -q -of GTiff -ot Float32 -projwin 58.875 37.125 72.125 25.875 \
    -co COMPRESS=DEFLATE -co PREDICTOR=3 \
    "$src" assets/geoid/egm96_15_afpak.tif
