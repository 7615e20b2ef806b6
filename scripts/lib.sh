# Shared by scripts/test, scripts/demo and scripts/bench: install what is missing, build.
# Sourced, not run.

COVALUE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
COVALUE_BUILD="${COVALUE_BUILD:-$COVALUE_ROOT/build}"
COVALUE_PACKAGES=(g++ cmake ninja-build pkg-config libsodium-dev libssl-dev librocksdb-dev libboost-dev
                  nlohmann-json3-dev catch2 libjemalloc-dev python3)

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

# Installs the Debian packages that are not installed yet (as root, or through sudo).
covalue_install() {
  local missing=()
  for p in "${COVALUE_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "installing Debian packages: ${missing[*]}"
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "need root (or sudo) to install: ${missing[*]}" >&2; return 1; }
    sudo="sudo"
  fi
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# Configures (once) and builds everything into $COVALUE_BUILD.
covalue_build() {
  say "building in $COVALUE_BUILD"
  if [ ! -f "$COVALUE_BUILD/build.ninja" ]; then
    cmake -S "$COVALUE_ROOT" -B "$COVALUE_BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      ${COVALUE_CMAKE_ARGS:-} >/dev/null
  fi
  cmake --build "$COVALUE_BUILD" -j "$(nproc)"
}
