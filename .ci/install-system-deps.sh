#!/usr/bin/env bash
# Installs the system packages the test suites need, idempotently and quietly:
#   libvulkan1                        Vulkan loader, for WebGPU in Node (the `webgpu` npm package, Dawn)
#   mesa-vulkan-drivers >= 25         lavapipe, a software Vulkan driver Dawn accepts (Debian 12's own
#                                     Mesa 22.3 gives no adapter; bookworm-backports has 25.x)
#   chromium                          headless browser for the WebGPU/wasm-in-the-browser conformance tests
#   python3-numpy, libopenblas0-pthread  numpy.linalg.eigh (LAPACK dsyevd on OpenBLAS, not the reference
#                                     BLAS numpy alone pulls in): the anchor of `npm run bench -- linalg`
# Packages already installed (at a good enough version) are skipped; apt-get update runs only when
# something is missing. If Mesa >= 25 cannot be had, the webgpu-in-Node tests can still run on the
# SwiftShader driver shipped with chromium: export VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json
# (the script prints this). Usage: bash .ci/install-system-deps.sh   (as root, or with sudo available)
set -euo pipefail

log=/tmp/shampoo-ts-install-system-deps.log
: > "$log"
export DEBIAN_FRONTEND=noninteractive
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

note() { printf '[system-deps] %s\n' "$*"; }

installed_version() { dpkg-query -W -f='${Status} ${Version}\n' "$1" 2>/dev/null | awk '$3 == "installed" { print $4 }'; }

mesa_major() { local v; v=$(installed_version mesa-vulkan-drivers); [ -n "$v" ] && echo "${v%%.*}" | sed 's/^[0-9]*://' || echo 0; }

updated=0
apt_update() {
  if [ "$updated" -eq 0 ]; then
    $SUDO apt-get update -qq >>"$log" 2>&1
    updated=1
  fi
}

apt_install() {
  local start=$SECONDS
  apt_update
  if $SUDO apt-get install -y -qq "$@" >>"$log" 2>&1; then
    note "installed $* in $((SECONDS - start)) s"
  else
    note "FAILED: apt-get install $* (see $log)"
    return 1
  fi
}

if ! command -v apt-get >/dev/null 2>&1; then
  note "no apt-get here: install a Vulkan loader, a software Vulkan driver and chromium by hand"
  exit 0
fi

# 1. Vulkan loader.
if [ -z "$(installed_version libvulkan1)" ]; then apt_install libvulkan1; else note "libvulkan1 present"; fi

# 2. Mesa >= 25 lavapipe (from bookworm-backports on Debian 12).
if [ "$(mesa_major)" -ge 25 ]; then
  note "mesa-vulkan-drivers $(installed_version mesa-vulkan-drivers) present"
else
  codename=$(. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}")
  if [ "$codename" = "bookworm" ] && ! grep -rqs "bookworm-backports" /etc/apt/sources.list /etc/apt/sources.list.d/; then
    printf 'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: bookworm-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
      | $SUDO tee /etc/apt/sources.list.d/shampoo-ts-bookworm-backports.sources >/dev/null
    updated=0
    note "added bookworm-backports"
  fi
  target=()
  if [ "$codename" = "bookworm" ]; then target=(-t bookworm-backports); fi
  apt_install "${target[@]}" mesa-vulkan-drivers || true
  if [ "$(mesa_major)" -lt 25 ]; then
    note "Mesa >= 25 not available (have '$(installed_version mesa-vulkan-drivers)'): for webgpu in Node use"
    note "  export VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json"
  fi
fi

# 3. Chromium (its Depends are enough for headless use; the Recommends are desktop extras).
if [ -z "$(installed_version chromium)" ]; then apt_install --no-install-recommends chromium; else note "chromium $(installed_version chromium) present"; fi

# 4. numpy on OpenBLAS for /usr/bin/python3: the LAPACK anchor of the linalg benchmark (python3-numpy
#    alone links the reference BLAS, 2-6x slower than OpenBLAS; the alternatives switch to OpenBLAS).
for pkg in python3-numpy libopenblas0-pthread; do
  if [ -z "$(installed_version "$pkg")" ]; then apt_install --no-install-recommends "$pkg"; else note "$pkg $(installed_version "$pkg") present"; fi
done
