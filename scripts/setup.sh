#!/usr/bin/env bash
# Installs everything Frontline needs on Debian bookworm (as root; idempotent: apt-get skips what is there).
set -euo pipefail
packages=(
  build-essential cmake ninja-build pkg-config
  libvulkan-dev glslc mesa-vulkan-drivers vulkan-validationlayers   # Vulkan + lavapipe + validation
  libglfw3-dev libglm-dev libimgui-dev libtinygltf-dev               # window, math, UI, glTF
  libgtest-dev libgmock-dev                                          # tests
  libgdal-dev                                                        # rasters and vectors (GDAL/OGR)
  proj-data                                                          # the global EGM96 geoid (egm96_15.gtx)
  libpng-dev                                                         # PNG frames and golden images
  libcurl4-openssl-dev                                               # HTTP(S) tile sources
  libfreetype-dev                                                    # label glyphs (SDF)
  libharfbuzz-dev fonts-noto-core                                    # shaping (Pashto/Dari), Noto fonts
  nlohmann-json3-dev                                                 # story files: JSON that keeps unknown keys
  libcli11-dev                                                       # the command line: one parser for every subcommand
  libavcodec-dev libavformat-dev libavutil-dev libswscale-dev         # the recorder's ProRes 4444 .mov (FFmpeg, LGPL)
  libopenexr-dev                                                     # the recorder's EXR sequences
  xvfb xauth imagemagick                                             # the window tests without a display (screenshots)
  clang libclang-rt-14-dev                                           # sanitizers (ASan+UBSan), libFuzzer
  clang-format                                                       # the style check in CI (scripts/format.sh)
)
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
