#!/usr/bin/env bash
# Installs the Debian packages the plugin and its tests need, only those that are missing.
# Idempotent: on a machine that has them all it installs nothing and says so.
set -euo pipefail

# The list is tools/debian-packages.txt, shared with the QGIS 3.40 and 3.44 lanes: add there.
mapfile -t packages < <("$(dirname "${BASH_SOURCE[0]}")/debian_packages.sh" host)

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "Missing Debian packages: ${missing[*]}" >&2
  echo "Install them as root with:" >&2
  echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
  exit 1
fi

echo "Installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
