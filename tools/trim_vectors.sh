#!/bin/sh
# Regenerates assets/vector/ from the curated data in ../shared/data/vector (see shared/data/README.md).
# places and the Kandahar province are copied as they are; the borders are clipped to the DEM's extent
# (lon 60-71, lat 27-36) because the full AFG/PAK polygons are ~1.8 MB and reach far beyond the terrain.
set -eu
cd "$(dirname "$0")/.."
src=${FRONTLINE_SHARED_DATA:-../shared/data}/vector
dst=assets/vector
mkdir -p "$dst"
install -m 644 "$src/places.geojson" "$dst/places.geojson"
install -m 644 "$src/kandahar_province.geojson" "$dst/kandahar_province.geojson"
rm -f "$dst/afpak_borders.geojson"
ogr2ogr -f GeoJSON -clipsrc 60 27 71 36 "$dst/afpak_borders.geojson" "$src/afpak_borders.geojson"
