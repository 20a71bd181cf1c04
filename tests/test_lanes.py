"""The lanes' one package list (tools/debian-packages.txt) as each lane reads it, and the lanes
as the Makefile declares them."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
READER = REPO_ROOT / "tools" / "debian_packages.sh"


def packages(where: str, listing: Path | None = None) -> list:
    arguments = [str(READER), where] + ([str(listing)] if listing else [])
    return subprocess.run(arguments, capture_output=True, text=True, check=True).stdout.split()


def test_tags_decide_where_a_package_goes(tmp_path):
    listing = tmp_path / "packages.txt"
    listing.write_text(
        "# a comment\n"
        "qgis python3-qgis   # everywhere\n"
        "\n"
        "host: qttools5-dev-tools\n"
        "roots: ca-certificates\n"
        "trixie: postgresql-17-postgis-3\n"
        "forky: postgresql-18-postgis-3\n",
        encoding="utf-8",
    )
    assert packages("host", listing) == ["qgis", "python3-qgis", "qttools5-dev-tools"]
    assert packages("trixie", listing) == [
        "qgis",
        "python3-qgis",
        "ca-certificates",
        "postgresql-17-postgis-3",
    ]
    assert packages("forky", listing)[-1] == "postgresql-18-postgis-3"


def test_the_project_list_gives_every_lane_qgis_and_the_host_its_build_tools():
    host, trixie, forky = packages("host"), packages("trixie"), packages("forky")
    for lane in (host, trixie, forky):
        assert {"qgis", "python3-qgis", "python3-numpy", "python3-openpyxl"} <= set(lane)
    assert {"qttools5-dev-tools", "debootstrap"} <= set(host)
    assert "qttools5-dev-tools" not in trixie and "ca-certificates" in forky


def test_the_makefile_has_both_root_lanes_on_one_lane_script():
    makefile = (REPO_ROOT / "Makefile").read_text(encoding="utf-8")
    lanes = dict(re.findall(r"--suite (\w+) --qgis ([\d.]+)", makefile))
    assert lanes == {"trixie": "3.40", "forky": "3.44"}
    assert "test-qgis340:" in makefile and "test-qgis344:" in makefile
