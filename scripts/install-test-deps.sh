#!/usr/bin/env bash
# Installs the system packages the test suite can use, on Debian (bookworm):
#   - chromium             -> Playwright e2e tests (launched via executablePath /usr/bin/chromium;
#                             never `npx playwright install`, that download is blocked in CI)
#   - mesa-vulkan-drivers  -> lavapipe, a CPU Vulkan driver, so onnxruntime-node's WebGPU EP runs
#                             without a GPU. Needs Mesa >= 23, which on bookworm means bookworm-backports.
#
# Idempotent and fast when everything is already there (no apt-get update then).
# Not root / no apt (macOS, Windows, other distros): prints what is missing and exits 0;
# the tests that need these packages then skip with a printed reason.
set -euo pipefail

MIN_MESA=23
BACKPORTS_FILE=/etc/apt/sources.list.d/bookworm-backports.sources
DEBIAN_SOURCES=/etc/apt/sources.list.d/debian.sources

log() { printf '[install-test-deps] %s\n' "$*"; }

is_installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

mesa_ok() {
  is_installed mesa-vulkan-drivers || return 1
  local v
  v=$(dpkg-query -W -f='${Version}' mesa-vulkan-drivers)
  dpkg --compare-versions "$v" ge "$MIN_MESA"
}

missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  is_installed chromium || missing+=(chromium)
  mesa_ok || missing+=("mesa-vulkan-drivers>=${MIN_MESA}")
fi

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  if ! command -v apt-get >/dev/null 2>&1; then
    log "apt-get not found: not a Debian-like system, installing nothing."
  else
    log "not root: installing nothing."
  fi
  log "wanted: chromium (Playwright e2e, /usr/bin/chromium) and Mesa >= ${MIN_MESA} lavapipe (WebGPU on CPU)."
  if [ "${#missing[@]}" -gt 0 ]; then log "missing: ${missing[*]}"; fi
  log "tests needing them will be skipped with a printed reason."
  exit 0
fi

if [ "${#missing[@]}" -eq 0 ]; then
  log "chromium and mesa-vulkan-drivers $(dpkg-query -W -f='${Version}' mesa-vulkan-drivers) already installed."
  exit 0
fi
log "to install: ${missing[*]}"

codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
mesa_target=()
missing_mesa_source=0
if [ "$codename" = bookworm ]; then
  mesa_target=(-t bookworm-backports)
  if [ ! -f "$BACKPORTS_FILE" ]; then
    # Take URIs and Signed-By from the stanza that carries the plain 'bookworm' suite.
    uris='' signed_by=''
    [ -f "$DEBIAN_SOURCES" ] && IFS=$'\t' read -r uris signed_by < <(awk '
      BEGIN { RS = ""; FS = "\n" }
      {
        u = ""; s = ""; main = 0
        for (i = 1; i <= NF; i++) {
          if ($i ~ /^URIs:/)      { u = $i; sub(/^URIs:[ \t]*/, "", u) }
          if ($i ~ /^Signed-By:/) { s = $i; sub(/^Signed-By:[ \t]*/, "", s) }
          if ($i ~ /^Suites:/ && (" " $i " ") ~ /[ \t]bookworm[ \t]/) main = 1
        }
        if (main && u != "") { print u "\t" s; exit }
      }' "$DEBIAN_SOURCES") || true
    if [ -z "$uris" ]; then
      log "WARNING: no 'bookworm' stanza in $DEBIAN_SOURCES to copy; add bookworm-backports yourself." >&2
      log "WARNING: skipping Mesa: WebGPU tests will be skipped." >&2
      mesa_target=()
      missing_mesa_source=1
    else
      log "adding $BACKPORTS_FILE (URIs: $uris)"
      {
        echo "Types: deb"
        echo "URIs: $uris"
        echo "Suites: bookworm-backports"
        echo "Components: main"
        if [ -n "$signed_by" ]; then echo "Signed-By: $signed_by"; fi
      } >"$BACKPORTS_FILE"
    fi
  fi
fi

export DEBIAN_FRONTEND=noninteractive
apt_opts=(-y -q --no-install-recommends -o DPkg::Lock::Timeout=600)

log "apt-get update"
apt-get update -q -o DPkg::Lock::Timeout=600

if ! is_installed chromium; then
  log "installing chromium"
  apt-get install "${apt_opts[@]}" chromium fonts-liberation
fi

if ! mesa_ok && [ "$missing_mesa_source" -eq 0 ]; then
  log "installing mesa-vulkan-drivers ${mesa_target[*]}"
  apt-get install "${apt_opts[@]}" "${mesa_target[@]}" mesa-vulkan-drivers libvulkan1
fi

log "done: chromium $(dpkg-query -W -f='${Version}' chromium)," \
  "mesa-vulkan-drivers $(dpkg-query -W -f='${Version}' mesa-vulkan-drivers)"
