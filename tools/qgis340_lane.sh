#!/usr/bin/env bash
# Second test lane: runs the project's pytest suite on QGIS 3.40 LTR (Python 3.13, numpy 2,
# shapely 2) inside a Debian 13 (trixie) root made with debootstrap under build/qgis340-root.
#
#   tools/qgis340_lane.sh [pytest args...]     (paths relative to the repository root)
#
# Why a chroot and not a container: CI is a plain Debian machine, run as root, with only the
# package registries reachable; debootstrap + apt is all that needs. The root is provisioned once
# and reused; a marker written only after a complete provisioning tells a finished root from one
# left half-made by an interrupted run. The repository, /proc and /dev are mounted into the root
# only while this script runs and are always unmounted on the way out (tests failing, Ctrl-C,
# TERM), because a forgotten bind mount of the repository under build/ would turn a later
# `rm -rf build` into the deletion of the repository itself.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
BUILD="$REPO/build"
ROOT="$BUILD/qgis340-root"
SUITE=trixie
MIRROR="${QGIS340_MIRROR:-http://deb.debian.org/debian}"
LOG="$BUILD/qgis340-provision.log"
BOOTSTRAPPED="$ROOT/.qgis340-debootstrap-done"
READY="$ROOT/.qgis340-ready"
VENV=/opt/venv
REPO_IN_ROOT=/repo
CLEAN_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

# Debian packages inside the root. `qgis` brings /usr/bin/qgis_process(.bin); the rest is what
# the plugin imports. lrelease is not needed: the host compiles translations.
ROOT_PACKAGES=(
  python3-qgis qgis-providers qgis
  python3-numpy python3-pandas python3-openpyxl python3-shapely python3-scipy python3-yaml
  python3-pytest python3-venv python3-pip
  fonts-noto-cjk poppler-utils
  python3-psycopg2 postgresql postgresql-postgis   # the plan store's PostGIS tests, own cluster
  ca-certificates
)
# Pinned test tools: the project's own pins, unless a lane-specific file overrides them.
REQUIREMENTS="$REPO/tools/qgis340_requirements.txt"
[ -f "$REQUIREMENTS" ] || REQUIREMENTS="$REPO/requirements-test.txt"
# Bump to force re-provisioning of existing roots when the steps below change meaning.
PROVISION_VERSION=1

say() { printf 'qgis340: %s\n' "$*"; }
die() { printf 'qgis340: ERROR: %s\n' "$*" >&2; exit 2; }
elapsed() { printf '%ss' "$((SECONDS - ${1:-0}))"; }

[ "$(id -u)" -eq 0 ] || die "must run as root (debootstrap, chroot and mount need it)"

# ---------------------------------------------------------------------------------------------
# Mounts
# ---------------------------------------------------------------------------------------------

# Every mount point at or below the root, deepest first, decoded from findmnt's \xNN escapes.
mounts_under_root() {
  local target
  findmnt -rn -o TARGET | while IFS= read -r target; do
    target="$(printf '%b' "$target")"
    if [ "$target" = "$ROOT" ] || [[ "$target" == "$ROOT"/* ]]; then
      printf '%s\n' "$target"
    fi
  done | sort -r
}

unmount_all() {
  local target pass
  for pass in 1 2 3 4 5; do
    mapfile -t targets < <(mounts_under_root)
    [ ${#targets[@]} -eq 0 ] && return 0
    for target in "${targets[@]}"; do
      umount "$target" 2>/dev/null || { [ "$pass" -ge 3 ] && umount -l "$target" 2>/dev/null; } || true
    done
    [ "$pass" -ge 2 ] && sleep 1
  done
  mapfile -t targets < <(mounts_under_root)
  [ ${#targets[@]} -eq 0 ] && return 0
  printf 'qgis340: ERROR: still mounted: %s\n' "${targets[*]}" >&2
  return 1
}

bind() { # bind SOURCE TARGET_IN_ROOT [ro]
  mkdir -p "$ROOT$2"
  mount --bind "$1" "$ROOT$2"
  if [ "${3:-}" = ro ]; then mount -o remount,bind,ro "$ROOT$2"; fi
}

mount_system() {
  bind /proc /proc
  bind /dev /dev
  if mountpoint -q /dev/shm; then bind /dev/shm /dev/shm; fi
}

# The one child we start for long steps runs in its own process group, so that INT/TERM can stop
# it (and whatever it spawned inside the root) before the mounts go away.
child=""
run_child() {
  setsid "$@" <&0 3>&- 4>&- 9>&- &
  child=$!
  local rc=0
  wait "$child" || rc=$?
  child=""
  return "$rc"
}

# shellcheck disable=SC2317  # called through the EXIT trap
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  exec 1>&3 2>&4 # a signal may arrive inside a step whose output goes to the log
  if [ -n "$child" ] && kill -0 "$child" 2>/dev/null; then
    kill -TERM -- "-$child" 2>/dev/null || kill -TERM "$child" 2>/dev/null || true
    for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$child" 2>/dev/null || break; sleep 0.5; done
    kill -KILL -- "-$child" 2>/dev/null || true
    wait "$child" 2>/dev/null || true
  fi
  if [ -d "$ROOT" ]; then
    if unmount_all; then
      say "unmounted; nothing left mounted under build/qgis340-root"
    else
      [ "$rc" -ne 0 ] || rc=3
    fi
  fi
  exit "$rc"
}

# ---------------------------------------------------------------------------------------------
# Provisioning
# ---------------------------------------------------------------------------------------------

fingerprint() {
  {
    echo "version=$PROVISION_VERSION suite=$SUITE packages=${ROOT_PACKAGES[*]}"
    cat "$REQUIREMENTS"
  } | sha256sum | cut -d' ' -f1
}

in_root() { # run a command in the root with a clean environment plus the given VAR=value words
  local -a vars=()
  while [ $# -gt 0 ] && [[ "$1" == *=* ]]; do vars+=("$1"); shift; done
  run_child chroot "$ROOT" /usr/bin/env -i PATH="$CLEAN_PATH" HOME=/root LANG=C.UTF-8 \
    "${vars[@]}" "$@"
}

# Proxy settings of the host, if any, for apt and pip during provisioning.
proxy_vars() {
  local name
  for name in http_proxy https_proxy no_proxy HTTP_PROXY HTTPS_PROXY NO_PROXY; do
    if [ -n "${!name:-}" ]; then printf '%s=%s\n' "$name" "${!name}"; fi
  done
}

ensure_debootstrap() {
  command -v debootstrap >/dev/null && return 0
  say "installing debootstrap on the host"
  export DEBIAN_FRONTEND=noninteractive
  { apt-get update -qq && apt-get install -y -qq --no-install-recommends debootstrap; } \
    >>"$LOG" 2>&1 || die "could not install debootstrap (see $LOG)"
}

# A root without the debootstrap marker is a leftover of an interrupted run: start it again.
ensure_bootstrapped() {
  [ -f "$BOOTSTRAPPED" ] && return 0
  if [ -e "$ROOT" ]; then
    [ -z "$(mounts_under_root)" ] || die "refusing to delete $ROOT: something is mounted in it"
    say "removing an incomplete root left by an interrupted run"
    rm -rf --one-file-system "$ROOT"
  fi
  ensure_debootstrap
  local start=$SECONDS
  say "debootstrap --variant=minbase $SUITE (log: build/$(basename "$LOG"))"
  run_child debootstrap --variant=minbase "$SUITE" "$ROOT" "$MIRROR" >>"$LOG" 2>&1 \
    || { tail -n 20 "$LOG" >&2; die "debootstrap failed (see $LOG)"; }
  touch "$BOOTSTRAPPED"
  say "debootstrap done in $(elapsed "$start")"
}

# Name resolution, extra CA certificates (this machine's egress re-signs TLS with its own CA) and
# apt behaviour as on the host, so that apt and pip inside reach the registries the same way.
copy_network_config() {
  cp -L /etc/resolv.conf "$ROOT/etc/resolv.conf"
  if [ -d /usr/local/share/ca-certificates ]; then
    mkdir -p "$ROOT/usr/local/share/ca-certificates"
    cp -a /usr/local/share/ca-certificates/. "$ROOT/usr/local/share/ca-certificates/"
  fi
  printf '#!/bin/sh\n# no services start inside the test root\nexit 101\n' >"$ROOT/usr/sbin/policy-rc.d"
  chmod 755 "$ROOT/usr/sbin/policy-rc.d"
}

# The host's pip configuration: its files, copied to the same places (the host's $HOME maps to
# /root), and the local paths they name (find-links folders, file:// indexes, constraint files),
# made visible read-only at the same paths for the pip step. PIP_* variables are passed on there.
HOST_PIP_FILES=()
host_pip_config() {
  local f
  HOST_PIP_FILES=()
  for f in /etc/pip.conf "${XDG_CONFIG_DIRS:-/etc/xdg}"/pip/pip.conf \
    "${HOME:-/root}/.config/pip/pip.conf" "${HOME:-/root}/.pip/pip.conf" "${PIP_CONFIG_FILE:-}"; do
    if [ -n "$f" ] && [ -f "$f" ]; then HOST_PIP_FILES+=("$f"); fi
  done
}

in_root_path_of() { # where a host pip config file goes inside the root
  local f="$1" home="${HOME:-/root}"
  if [ -n "${PIP_CONFIG_FILE:-}" ] && [ "$f" = "$PIP_CONFIG_FILE" ]; then
    echo /etc/qgis340-host-pip.conf
  elif [[ "$f" == "$home"/* ]]; then
    echo "/root${f#"$home"}"
  else
    echo "$f"
  fi
}

copy_pip_config() {
  local f dest
  host_pip_config
  for f in "${HOST_PIP_FILES[@]}"; do
    dest="$(in_root_path_of "$f")"
    mkdir -p "$ROOT$(dirname "$dest")"
    cp -L "$f" "$ROOT$dest"
  done
  # Sibling files of /etc/xdg/pip (e.g. a constraints file the pip.conf there names).
  if [ -d "${XDG_CONFIG_DIRS:-/etc/xdg}/pip" ]; then
    mkdir -p "$ROOT/etc/xdg/pip"
    cp -a "${XDG_CONFIG_DIRS:-/etc/xdg}/pip/." "$ROOT/etc/xdg/pip/"
  fi
}

pip_vars() {
  local name
  for name in $(compgen -v PIP_ || true); do
    if [ "$name" = PIP_CONFIG_FILE ]; then
      echo "PIP_CONFIG_FILE=/etc/qgis340-host-pip.conf"
    else
      printf '%s=%s\n' "$name" "${!name}"
    fi
  done
}

# Absolute local paths named by the pip configuration (files and PIP_* values). A file:// index
# stands for its parent folder: a local PEP 503 index links to its files relatively (../../files).
pip_local_paths() {
  local f name
  {
    for f in "${HOST_PIP_FILES[@]}"; do grep -v '^[[:space:]]*[#;]' "$f" || true; done
    for name in $(compgen -v PIP_ || true); do printf '%s\n' "${!name}"; done
  } | tr -s ' \t=,' '\n' | sed -n -e 's#^file://\(/.*[^/]\)/*$#\1/..#p' -e '\#^/#p' \
    | while IFS= read -r path; do
      [ -e "$path" ] && realpath -e "$path"
    done | sort -u
}

mount_pip_paths() {
  local path
  while IFS= read -r path; do
    if [ -d "$path" ]; then
      # Never cover something the root has of its own.
      if [ -e "$ROOT$path" ] && [ -n "$(ls -A "$ROOT$path" 2>/dev/null)" ]; then continue; fi
      bind "$path" "$path" ro
    elif [ -f "$path" ] && [ ! -e "$ROOT$path" ]; then
      mkdir -p "$ROOT$(dirname "$path")"
      cp -L "$path" "$ROOT$path"
    fi
  done < <(pip_local_paths)
}

provision() {
  local start=$SECONDS
  mkdir -p "$BUILD"
  : >"$LOG"
  ensure_bootstrapped
  rm -f "$READY"
  copy_network_config
  copy_pip_config
  mapfile -t proxies < <(proxy_vars)
  mount_system

  start=$SECONDS
  say "apt-get install in the root: ${ROOT_PACKAGES[*]}"
  in_root DEBIAN_FRONTEND=noninteractive "${proxies[@]}" dpkg --configure -a >>"$LOG" 2>&1 || true
  in_root DEBIAN_FRONTEND=noninteractive "${proxies[@]}" apt-get update -q >>"$LOG" 2>&1 \
    || { tail -n 20 "$LOG" >&2; die "apt-get update in the root failed (see $LOG)"; }
  in_root DEBIAN_FRONTEND=noninteractive "${proxies[@]}" \
    apt-get install -y -q --no-install-recommends "${ROOT_PACKAGES[@]}" >>"$LOG" 2>&1 \
    || { tail -n 20 "$LOG" >&2; die "apt-get install in the root failed (see $LOG)"; }
  in_root update-ca-certificates >>"$LOG" 2>&1
  in_root apt-get clean >>"$LOG" 2>&1
  say "packages done in $(elapsed "$start")"

  start=$SECONDS
  say "venv $VENV with $(basename "$REQUIREMENTS")"
  cp "$REQUIREMENTS" "$ROOT/opt/qgis340-requirements.txt"
  mapfile -t pipvars < <(pip_vars)
  mount_pip_paths
  in_root /usr/bin/python3 -m venv --system-site-packages "$VENV" >>"$LOG" 2>&1 \
    || { tail -n 20 "$LOG" >&2; die "creating the venv failed (see $LOG)"; }
  in_root "${proxies[@]}" "${pipvars[@]}" "$VENV/bin/python" -m pip install \
    --disable-pip-version-check -q -r /opt/qgis340-requirements.txt >>"$LOG" 2>&1 \
    || { tail -n 20 "$LOG" >&2; die "pip install in the root failed (see $LOG)"; }
  say "venv done in $(elapsed "$start")"

  unmount_all || die "could not unmount after provisioning"
  fingerprint >"$READY"
}

# ---------------------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------------------

mkdir -p "$BUILD"
# One lane at a time per clone: a second run's cleanup would unmount the first one's mounts.
exec 9>"$BUILD/qgis340.lock"
if ! flock -n 9; then
  say "another run holds build/qgis340.lock; waiting"
  flock 9
fi

exec 3>&1 4>&2
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

lane_start=$SECONDS
if [ -d "$ROOT" ] && [ -n "$(mounts_under_root)" ]; then
  say "unmounting what a previous (crashed) run left mounted"
  unmount_all || die "could not unmount leftovers under $ROOT"
fi

if [ -f "$READY" ] && [ "$(cat "$READY")" = "$(fingerprint)" ]; then
  say "reusing build/qgis340-root"
else
  provision
  say "root ready in $(elapsed "$lane_start") ($(du -sh --one-file-system "$ROOT" | cut -f1))"
fi

# Paths given as absolute host paths inside the repository become paths under /repo.
args=()
for arg in "$@"; do
  if [[ "$arg" == "$REPO"/* ]]; then arg="$REPO_IN_ROOT/${arg#"$REPO"/}"; fi
  args+=("$arg")
done

mount_system
bind "$REPO" "$REPO_IN_ROOT"
passthrough=()
for name in CI TERM OPENBLAS_CORETYPE OPENBLAS_L2_SIZE; do
  if [ -n "${!name:-}" ]; then passthrough+=("$name=${!name}"); fi
done

say "pytest on QGIS 3.40 (chroot, $REPO_IN_ROOT)"
rc=0
# PYTHONSAFEPATH: `python -m` would put the working directory, the repository root, first on
# sys.path, and the plugin's own `processing` package would then shadow QGIS's.
# shellcheck disable=SC2016  # the inner shell expands these
in_root "${passthrough[@]}" QT_QPA_PLATFORM=offscreen XDG_RUNTIME_DIR=/tmp/runtime-root \
  PYTHONSAFEPATH=1 \
  /bin/sh -c 'mkdir -p -m 700 "$XDG_RUNTIME_DIR" && cd "$0" && exec "$@"' \
  "$REPO_IN_ROOT" "$VENV/bin/python" -m pytest "${args[@]}" || rc=$?
say "pytest exit code $rc after $(elapsed "$lane_start")"
exit "$rc"
