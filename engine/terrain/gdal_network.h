// terrain/gdal_network.h — what GDAL may reach when it opens an elevation file.
// Owns: the network switch for GDAL (off unless the user asked), and the test of whether a source the user named
// is itself remote. A raster may name other files and URLs inside it (a VRT's sources, an http:// dataset): a
// newsroom's files come from anywhere, so opening one must not make requests on its own.
#pragma once

#include <string_view>

namespace fl::terrain {

// Whether GDAL may use the network: /vsicurl/, /vsis3/ and the other network file systems, and GDAL's own HTTP
// fetches (the HTTP, WMS and WCS drivers). Off by default; the application turns it on for `--allow-network`, or
// when a GDAL input on its command line is itself remote (the user's own intent). Any thread, any time.
void setGdalNetworkAllowed(bool allowed);
bool gdalNetworkAllowed();

// "https://…", "/vsicurl/…", "s3://…", "/vsis3/…": a GDAL input that is read over the network.
bool isRemoteGdalInput(std::string_view spec);

}  // namespace fl::terrain
