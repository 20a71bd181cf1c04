"""``make demo``: the main job on the bundled Nanjing sample, headless through ``qgis_process``.

Enables the plugin in a throw-away profile, runs the facility gap analysis and the tiered
provisioning on ``sample/nanjing_xuanwu.gpkg``, scores every community against the built-in
rubric from their outputs, and exports that rubric to Excel. Prints per facility type the
population covered, per tier the units short of a mandatory facility, and per community its
total and grade.
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from qgis_process_runner import QgisProcess  # noqa: E402

SAMPLE = REPO_ROOT / "sample" / "nanjing_xuanwu.gpkg"
OUTPUT_DIR = REPO_ROOT / "output" / "demo"
PROVIDER_ID = "completecommunity"


def run_facility_gap(cli: QgisProcess) -> Path:
    gaps = OUTPUT_DIR / "gaps.gpkg"
    for stale in (gaps, OUTPUT_DIR / "gap_summary.csv"):
        stale.unlink(missing_ok=True)
    result, answer = cli.run_json(
        f"{PROVIDER_ID}:facilitygap",
        {
            "UNITS": f"{SAMPLE}|layername=compounds",
            "UNIT_ID_FIELD": "compound_id",
            "POPULATION_FIELD": "population",
            "FACILITIES": f"{SAMPLE}|layername=facilities",
            "TYPE_FIELD": "类型",
            "NETWORK": f"{SAMPLE}|layername=roads",
            "SNAP_TOLERANCE": 150,
            "OUTPUT": f"{gaps}",
            "SUMMARY": f"{OUTPUT_DIR / 'gap_summary.csv'}",
        },
    )
    if result.returncode != 0 or answer is None:
        sys.stderr.write(result.stdout[-4000:] + result.stderr[-4000:])
        raise SystemExit("The facility gap analysis failed (see above).")
    return gaps


def run_tiered_provision(cli: QgisProcess) -> dict:
    outputs = {
        "OUTPUT_TABLE": OUTPUT_DIR / "provision.csv",
        "SHARING": OUTPUT_DIR / "provision_sharing.csv",
        "DISTRICTS_OUTPUT": OUTPUT_DIR / "provision_districts.gpkg",
        "COMMUNITIES_OUTPUT": OUTPUT_DIR / "provision_communities.gpkg",
        "COMPOUNDS_OUTPUT": OUTPUT_DIR / "provision_compounds.gpkg",
    }
    for path in outputs.values():
        path.unlink(missing_ok=True)
    result, answer = cli.run_json(
        f"{PROVIDER_ID}:tieredprovision",
        {
            "DISTRICTS": f"{SAMPLE}|layername=districts",
            "DISTRICT_ID_FIELD": "district_id",
            "COMMUNITIES": f"{SAMPLE}|layername=communities",
            "COMMUNITY_ID_FIELD": "community_id",
            "COMMUNITY_DISTRICT_FIELD": "district_id",
            "COMPOUNDS": f"{SAMPLE}|layername=compounds",
            "COMPOUND_ID_FIELD": "compound_id",
            "COMPOUND_COMMUNITY_FIELD": "community_id",
            "POPULATION_FIELD": "population",
            "FACILITIES": f"{SAMPLE}|layername=facilities",
            "TYPE_FIELD": "类型",
            "NETWORK": f"{SAMPLE}|layername=roads",
            "SNAP_TOLERANCE": 150,
            **{name: str(path) for name, path in outputs.items()},
        },
    )
    if result.returncode != 0 or answer is None:
        sys.stderr.write(result.stdout[-4000:] + result.stderr[-4000:])
        raise SystemExit("The tiered provisioning failed (see above).")
    return answer.get("results", answer)


def run_rubric_score(cli: QgisProcess, gaps: Path, provision: Path) -> dict:
    outputs = {
        "OUTPUT": OUTPUT_DIR / "scores.gpkg",
        "OUTPUT_TABLE": OUTPUT_DIR / "scores_points.csv",
    }
    for path in outputs.values():
        path.unlink(missing_ok=True)
    result, answer = cli.run_json(
        f"{PROVIDER_ID}:rubricscore",
        {
            "COMMUNITIES": f"{SAMPLE}|layername=communities",
            "COMMUNITY_ID_FIELD": "community_id",
            "COMMUNITY_NAME_FIELD": "name",
            "GAPS": str(gaps),
            "GAP_ID_FIELD": "compound_id",
            "GAP_COMMUNITY_FIELD": "community_id",
            "GAP_POPULATION_FIELD": "population",
            "PROVISION": str(provision),
            **{name: str(path) for name, path in outputs.items()},
        },
    )
    if result.returncode != 0 or answer is None:
        sys.stderr.write(result.stdout[-4000:] + result.stderr[-4000:])
        raise SystemExit("The rubric scoring failed (see above).")
    return answer.get("results", answer)


def export_rubric(cli: QgisProcess) -> Path:
    workbook = OUTPUT_DIR / "rubric.xlsx"
    workbook.unlink(missing_ok=True)
    result, answer = cli.run_json(f"{PROVIDER_ID}:exportrubric", {"OUTPUT": str(workbook)})
    if result.returncode != 0 or answer is None:
        sys.stderr.write(result.stdout[-4000:] + result.stderr[-4000:])
        raise SystemExit("Exporting the rubric failed (see above).")
    return workbook


def print_scores(scores_gpkg: Path, results: dict) -> None:
    """Each community's total and grade from the scores layer (read with sqlite3: a GeoPackage
    is SQLite, and the demo's own Python need not import QGIS)."""
    import sqlite3

    with sqlite3.connect(str(scores_gpkg)) as connection:
        table = connection.execute(
            "SELECT table_name FROM gpkg_contents WHERE data_type = 'features'"
        ).fetchone()[0]
        rows = connection.execute(
            f"SELECT community_id, community_name, total, upper_bound, grade_zh, provisional, "
            f'n_pending, n_no_data, vetoed_by FROM "{table}" ORDER BY community_id'
        ).fetchall()
    print("\nRubric scores (built-in template rubric; * = provisional, manual points 待评):")
    print(f"  {pad('community', 26)}{'total':>7}  {'up to':>6}  grade   open points")
    for uid, name, total, upper, grade, provisional, pending, no_data, vetoed in rows:
        mark = "*" if provisional else " "
        veto = f"  一票否决 {vetoed}" if vetoed else ""
        label = f"{uid} {name or ''}"
        print(
            f"  {pad(label, 26)}{total:>6.1f}{mark}  {upper:>6.1f}  "
            f"{pad(grade, 8)}{pending} 待评, {no_data} no data{veto}"
        )
    print(
        f"  {results.get('COMMUNITIES_SCORED')} communities, mean total "
        f"{results.get('MEAN_TOTAL'):.1f}, {results.get('N_PROVISIONAL')} provisional"
    )


def pad(text: str, width: int) -> str:
    """Left-align ``text`` in ``width`` terminal columns; Chinese characters take two."""
    import unicodedata

    used = sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)
    return text + " " * max(width - used, 1)


def print_coverage(summary_csv: Path) -> None:
    import csv

    with summary_csv.open(encoding="utf-8") as handle:
        rows = [row for row in csv.DictReader(handle) if row["type_code"]]
    header = f"{'radius':>7}{'found':>7}{'population covered':>24}{'share':>7}"
    print(f"\n{pad('facility type', 58)}{header}")
    for row in rows:
        share = row["share_covered"]
        share_text = f"{float(share):.0%}" if share else "–"
        covered = float(row["pop_covered"] or 0)
        total = float(row["pop_total"] or 0)
        label = f"{row['name_zh']} {row['type_code']}"
        print(
            f"{pad(label, 58)}{float(row['radius_m']):>6.0f}m{row['n_facilities']:>7}"
            f"{covered:>14,.0f} / {total:<7,.0f}{share_text:>7}"
        )


def main() -> int:
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    cli = QgisProcess(REPO_ROOT, REPO_ROOT / "build" / "demo-qgis")
    cli.enable_plugin()
    algorithms = cli.algorithm_ids(PROVIDER_ID)
    print("Complete Community Toolkit — algorithms seen by qgis_process:")
    for algorithm_id in algorithms:
        print(f"  {algorithm_id}")
    if not SAMPLE.exists():
        raise SystemExit(f"Sample data missing: {SAMPLE}")
    gaps = run_facility_gap(cli)
    print_coverage(OUTPUT_DIR / "gap_summary.csv")
    provision = run_tiered_provision(cli)
    print("\nUnits short of at least one mandatory facility (tiered provisioning):")
    for label, key in (
        ("片区 districts", "DISTRICTS_SHORT"),
        ("社区 communities", "COMMUNITIES_SHORT"),
        ("小区 compounds", "COMPOUNDS_SHORT"),
    ):
        print(f"  {pad(label, 20)}{provision.get(key)}")
    scores = run_rubric_score(cli, gaps, OUTPUT_DIR / "provision.csv")
    print_scores(OUTPUT_DIR / "scores.gpkg", scores)
    workbook = export_rubric(cli)
    print(f"\nWrote {gaps.relative_to(REPO_ROOT)}, gap_summary.csv, provision_*.gpkg/.csv,")
    print(f"scores.gpkg, scores_points.csv and {workbook.name} (the built-in rubric, to edit)")
    print(f"in {OUTPUT_DIR.relative_to(REPO_ROOT)}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
