#!/usr/bin/env bash
# Prints, one a line, the Debian packages a lane installs from the package list
# (tools/debian-packages.txt unless FILE is given): `host` for this machine, or the Debian suite
# of a debootstrap root (trixie, forky …). See the list's header for its tags.
#
#   tools/debian_packages.sh host|SUITE [FILE]
set -euo pipefail

where="${1:?usage: $0 host|SUITE [FILE]}"
file="${2:-$(dirname "${BASH_SOURCE[0]}")/debian-packages.txt}"
[ -f "$file" ] || { echo "no package list $file" >&2; exit 2; }

sed -e 's/#.*//' "$file" | awk -v where="$where" '
  NF == 0 { next }
  $1 ~ /:$/ {
    tag = substr($1, 1, length($1) - 1)
    if (tag == where || (tag == "roots" && where != "host"))
      for (i = 2; i <= NF; i++) print $i
    next
  }
  { for (i = 1; i <= NF; i++) print $i }'
