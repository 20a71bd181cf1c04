#!/usr/bin/env bash
# Installs the Debian packages the plugin and its tests need, only those that are missing.
# Idempotent: on a machine that has them all it installs nothing and says so.
set -euo pipefail

packages=(
  qgis python3-qgis qgis-providers
  python3-numpy python3-pandas python3-openpyxl python3-shapely python3-scipy python3-yaml
  python3-venv python3-pip
  qttools5-dev-tools   # lrelease, to compile the translations
  fonts-noto-cjk       # Chinese text in the map book
  poppler-utils        # pdfinfo, pdftotext, pdftoppm: the tests read the map book back
  zip unzip
  # The plan store's PostgreSQL/PostGIS backend: the driver, and a server the suite starts
  # as a throw-away cluster of its own (tests/postgis_cluster.py).
  python3-psycopg2 postgresql postgresql-postgis   # PostGIS of the default PostgreSQL
)

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
