#!/usr/bin/env bash
# A test lane: the project's pytest suite on the QGIS of another Debian suite, inside a root made
# with debootstrap.
#
#   tools/qgis_lane.sh --suite SUITE --qgis X.Y --packages FILE [--provision-only] [-- PYTEST_ARGS...]
#
#   --suite     the Debian suite of the root (trixie: QGIS 3.40; forky or sid: QGIS 3.44)
#   --qgis      the QGIS version the lane is for; the run stops with a clear message when the
#               suite now ships another one (a lane never silently tests something else)
#   --packages  the Debian package list (tools/debian-packages.txt): every untagged line, the
#               lines tagged "roots:" and those tagged with this suite ("forky: ...")
#   --provision-only   make the root ready and stop (.ci/run does this while the host suite runs)
#
# Environment:
#   QGIS_LANES_DIR  where the roots live (default: build/lanes of this clone). Worktrees that
#                   point it at one folder share one provisioned root per suite; a lock on the
#                   root serialises runs, and a run's repository is mounted into the root only
#                   while it runs.
#   QGIS_LANE_MIRROR  the Debian mirror (default http://deb.debian.org/debian)
#
# Why a chroot and not a container: CI is a plain Debian machine, run as root, with only the
# package registries reachable; debootstrap + apt is all that needs. A root is provisioned once
# and reused; a marker written only after a complete provisioning (holding a fingerprint of the
# suite, the package list and the pinned test tools) tells a finished root from one left
# half-made by an interrupted run, and a changed list re-provisions it (apt adds what is new).
# The repository, /proc and /dev are mounted into the root only while this script runs and are
# always unmounted on the way out (tests failing, Ctrl-C, TERM), because a forgotten bind mount of
# the repository under build/ would turn a later `rm -rf build` into the deletion of the
# repository itself.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
SUITE=""
QGIS_EXPECTED=""
PACKAGE_FILE=""
PROVISION_ONLY=0
while [ $# -gt 0 ]; do
  case "$1" in
    --suite) SUITE="$2"; shift 2 ;;
    --qgis) QGIS_EXPECTED="$2"; shift 2 ;;
    --packages) PACKAGE_FILE="$2"; shift 2 ;;
    --provision-only) PROVISION_ONLY=1; shift ;;
    --) shift; break ;;
    *) break ;;
  esac
done

LANE="qgis-${SUITE:-?}"
say() { printf '%s: %s\n' "$LANE" "$*"; }
die() { printf '%s: ERROR: %s\n' "$LANE" "$*" >&2; exit 2; }
elapsed() { printf '%ss' "$((SECONDS - ${1:-0}))"; }

if [ -z "$SUITE" ] || [ -z "$QGIS_EXPECTED" ] || [ -z "$PACKAGE_FILE" ]; then
  die "usage: $0 --suite SUITE --qgis X.Y --packages FILE [--provision-only] [-- pytest args]"
fi
[[ "$SUITE" =~ ^[a-z]+$ ]] || die "not a Debian suite name: $SUITE"
[[ "$PACKAGE_FILE" == /* ]] || PACKAGE_FILE="$REPO/$PACKAGE_FILE"
[ -f "$PACKAGE_FILE" ] || die "no package list $PACKAGE_FILE"
[ "$(id -u)" -eq 0 ] || die "must run as root (debootstrap, chroot and mount need it)"

LANES_DIR="${QGIS_LANES_DIR:-$REPO/build/lanes}"
mkdir -p "$LANES_DIR"
LANES_DIR="$(cd "$LANES_DIR" && pwd -P)"
ROOT="$LANES_DIR/$SUITE-root"
MIRROR="${QGIS_LANE_MIRROR:-http://deb.debian.org/debian}"
LOG="$LANES_DIR/$SUITE-provision.log"
BOOTSTRAPPED="$ROOT/.lane-debootstrap-done"
READY="$ROOT/.lane-ready"
VENV=/opt/venv
REPO_IN_ROOT=/repo
CLEAN_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

# The packages of this root, from the one list the host installer reads too.
mapfile -t ROOT_PACKAGES < <("$REPO/tools/debian_packages.sh" "$SUITE" "$PACKAGE_FILE")
[ ${#ROOT_PACKAGES[@]} -gt 0 ] || die "no packages for $SUITE in $PACKAGE_FILE"
# Pinned test tools: the project's own pins, unless a suite-specific file overrides them.
REQUIREMENTS="$REPO/tools/requirements-$SUITE.txt"
[ -f "$REQUIREMENTS" ] || REQUIREMENTS="$REPO/requirements-test.txt"
# Bump to force re-provisioning of existing roots when the steps below change meaning.
PROVISION_VERSION=2

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
  printf '%s: ERROR: still mounted: %s\n' "$LANE" "${targets[*]}" >&2
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
      say "unmounted; nothing left mounted under $ROOT"
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
  # A debootstrap older than the suite has no script for it; every suite since buster uses the
  # same steps as sid (its scripts are links to sid's).
  local -a script=()
  [ -e "/usr/share/debootstrap/scripts/$SUITE" ] || script=(/usr/share/debootstrap/scripts/sid)
  say "debootstrap --variant=minbase $SUITE (log: $LOG)"
  run_child debootstrap --variant=minbase "$SUITE" "$ROOT" "$MIRROR" "${script[@]}" >>"$LOG" 2>&1 \
    || { tail -n 20 "$LOG" >&2; die "debootstrap failed (see $LOG)"; }
  touch "$BOOTSTRAPPED"
  say "debootstrap done in $(elapsed "$start")"
}

# Name resolution, extra CA certificates (this machine's egress may re-sign TLS with its own CA)
# and apt and dpkg settings for a throw-away test root.
configure_root() {
  cp -L /etc/resolv.conf "$ROOT/etc/resolv.conf"
  if [ -d /usr/local/share/ca-certificates ]; then
    mkdir -p "$ROOT/usr/local/share/ca-certificates"
    cp -a /usr/local/share/ca-certificates/. "$ROOT/usr/local/share/ca-certificates/"
  fi
  printf '#!/bin/sh\n# no services start inside the test root\nexit 101\n' >"$ROOT/usr/sbin/policy-rc.d"
  chmod 755 "$ROOT/usr/sbin/policy-rc.d"
  # A mirror may serve a frozen snapshot whose Release files are past their Valid-Until (sid and
  # testing set one); translations and AppStream data are never read here.
  cat >"$ROOT/etc/apt/apt.conf.d/90qgis-lane" <<'EOF'
Acquire::Check-Valid-Until "false";
Acquire::Languages "none";
Acquire::IndexTargets::deb::DEP-11 { DefaultEnabled "false"; };
Acquire::IndexTargets::deb::DEP-11-icons { DefaultEnabled "false"; };
APT::Install-Recommends "false";
APT::Install-Suggests "false";
EOF
  # The root is rebuilt rather than repaired after a crash, so dpkg need not fsync every file;
  # documentation, manual pages and message catalogues are never read by the tests.
  cat >"$ROOT/etc/dpkg/dpkg.cfg.d/90qgis-lane" <<'EOF'
force-unsafe-io
path-exclude=/usr/share/doc/*
path-include=/usr/share/doc/*/copyright
path-exclude=/usr/share/man/*
path-exclude=/usr/share/info/*
path-exclude=/usr/share/locale/*
path-include=/usr/share/locale/zh_CN/*
path-include=/usr/share/locale/locale.alias
EOF
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
    echo /etc/qgis-lane-host-pip.conf
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
      echo "PIP_CONFIG_FILE=/etc/qgis-lane-host-pip.conf"
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
  : >"$LOG"
  ensure_bootstrapped
  rm -f "$READY"
  configure_root
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
  # The downloaded .debs served this run only: they would double the root's size.
  in_root apt-get clean >>"$LOG" 2>&1
  say "packages done in $(elapsed "$start")"

  start=$SECONDS
  say "venv $VENV with $(basename "$REQUIREMENTS")"
  cp "$REQUIREMENTS" "$ROOT/opt/qgis-lane-requirements.txt"
  mapfile -t pipvars < <(pip_vars)
  mount_pip_paths
  in_root /usr/bin/python3 -m venv --system-site-packages --clear "$VENV" >>"$LOG" 2>&1 \
    || { tail -n 20 "$LOG" >&2; die "creating the venv failed (see $LOG)"; }
  in_root "${proxies[@]}" "${pipvars[@]}" "$VENV/bin/python" -m pip install \
    --disable-pip-version-check --no-cache-dir -q -r /opt/qgis-lane-requirements.txt >>"$LOG" 2>&1 \
    || { tail -n 20 "$LOG" >&2; die "pip install in the root failed (see $LOG)"; }
  say "venv done in $(elapsed "$start")"

  unmount_all || die "could not unmount after provisioning"
  fingerprint >"$READY"
}

# The QGIS the root really has, as X.Y.
root_qgis_version() {
  # shellcheck disable=SC2016  # dpkg-query's own ${Version}
  chroot "$ROOT" /usr/bin/dpkg-query -W -f='${Version}' python3-qgis 2>/dev/null \
    | sed -E 's/^([0-9]+:)?([0-9]+\.[0-9]+).*/\2/'
}

# ---------------------------------------------------------------------------------------------
# Main (a function, so that bash has read all of it before it starts: editing or rebasing the
# script while a lane runs cannot change what the running lane does)
# ---------------------------------------------------------------------------------------------

main() {

  # One run at a time per root: a second run's cleanup would unmount the first one's mounts, and
  # two provisionings would fight over dpkg.
  exec 9>"$LANES_DIR/$SUITE.lock"
  if ! flock -n 9; then
    say "another run holds $LANES_DIR/$SUITE.lock; waiting"
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
    say "reusing $ROOT"
  else
    provision
    say "root ready in $(elapsed "$lane_start") ($(du -sh --one-file-system "$ROOT" | cut -f1))"
  fi

  found="$(root_qgis_version)"
  [ "$found" = "$QGIS_EXPECTED" ] \
    || die "Debian $SUITE now ships QGIS ${found:-none}, not $QGIS_EXPECTED: update the lane in the Makefile"

  if [ "$PROVISION_ONLY" -eq 1 ]; then
    say "root ready (QGIS $found); --provision-only, no tests run"
    exit 0
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

  say "pytest on QGIS $found (Debian $SUITE, chroot, $REPO_IN_ROOT)"
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
}

main "$@" # never returns: every way out of main is an exit
