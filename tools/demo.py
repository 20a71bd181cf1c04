"""``make demo``: the whole evaluation on the bundled Nanjing sample, headless, in one run.

Enables the plugin in a throw-away profile and runs the shipped model
``completecommunity:completecommunityevaluation`` through ``qgis_process`` on
``sample/nanjing_xuanwu.gpkg``: facility gap analysis, tiered provisioning, rubric scoring,
the evaluation workbook and the map book. Writes ``output/demo/evaluation.xlsx`` and
``output/demo/map_book.pdf`` with the gap layer, the coverage summary, the provision table and
layers and the community scores next to them; prints
per facility type the population covered, per community its total and grade, and a short
summary. Also exports the built-in rubric to Excel, as the starting point for a city's own.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from qgis_process_runner import QgisProcess  # noqa: E402

SAMPLE = REPO_ROOT / "sample" / "nanjing_xuanwu.gpkg"
OUTPUT_DIR = REPO_ROOT / "output" / "demo"
PROVIDER_ID = "completecommunity"
MODEL_ID = f"{PROVIDER_ID}:completecommunityevaluation"

#: The model's outputs (model output name -> file); the workbook is replaced in place.
MODEL_OUTPUTS = {
    "exportworkbook:WORKBOOK": OUTPUT_DIR / "evaluation.xlsx",
    "facilitygap:GAPS": OUTPUT_DIR / "gaps.gpkg",
    "facilitygap:GAP_SUMMARY": OUTPUT_DIR / "gap_summary.csv",
    "tieredprovision:PROVISION": OUTPUT_DIR / "provision.csv",
    "tieredprovision:COMMUNITY_SHORTFALLS": OUTPUT_DIR / "provision_communities.gpkg",
    "rubricscore:SCORES": OUTPUT_DIR / "scores.gpkg",
    "exportatlas:MAP_BOOK": OUTPUT_DIR / "map_book.pdf",
}


def copy_of_sample(folder: Path) -> Path:
    """The bundled sample copied into ``folder``, for a tool to read: QGIS opens a GeoPackage
    for update even to read it, which rewrites its header, so nothing opens ``sample/`` itself
    and the bundled file stays as committed (the suite fails when it changes)."""
    folder.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copy2(SAMPLE, folder / SAMPLE.name))


def run_model(cli: QgisProcess, sample: Path) -> dict:
    """The whole chain on ``sample`` (a copy of the bundled one); field inputs are given
    (qgis_process does not fill in the defaults of field parameters)."""
    for name, path in MODEL_OUTPUTS.items():
        if name != "exportworkbook:WORKBOOK":
            path.unlink(missing_ok=True)
    layer = f"{sample}|layername={{}}".format
    result, answer = cli.run_json(
        MODEL_ID,
        {
            "COMPOUNDS": layer("compounds"),
            "COMPOUND_ID_FIELD": "compound_id",
            "COMPOUND_NAME_FIELD": "小区名称",
            "POPULATION_FIELD": "population",
            "COMPOUND_COMMUNITY_FIELD": "community_id",
            "COMMUNITIES": layer("communities"),
            "COMMUNITY_ID_FIELD": "community_id",
            "COMMUNITY_NAME_FIELD": "name",
            "COMMUNITY_DISTRICT_FIELD": "district_id",
            "DISTRICTS": layer("districts"),
            "DISTRICT_ID_FIELD": "district_id",
            "DISTRICT_NAME_FIELD": "name",
            "FACILITIES": layer("facilities"),
            "TYPE_FIELD": "类型",
            "NETWORK": layer("roads"),
            "SNAP_TOLERANCE": 150,
            "TITLE": "南京市玄武区（示例）",
            "OVERWRITE": 1,
            **{name: str(path) for name, path in MODEL_OUTPUTS.items()},
        },
    )
    if result.returncode != 0 or answer is None:
        sys.stderr.write(result.stdout[-4000:] + result.stderr[-4000:])
        raise SystemExit("The evaluation model failed (see above).")
    return answer.get("results", answer)


def export_rubric(cli: QgisProcess) -> Path:
    workbook = OUTPUT_DIR / "rubric.xlsx"
    workbook.unlink(missing_ok=True)
    result, answer = cli.run_json(f"{PROVIDER_ID}:exportrubric", {"OUTPUT": str(workbook)})
    if result.returncode != 0 or answer is None:
        sys.stderr.write(result.stdout[-4000:] + result.stderr[-4000:])
        raise SystemExit("Exporting the rubric failed (see above).")
    return workbook


def print_scores(scores_gpkg: Path) -> None:
    """Each community's total and grade from the scores layer, then how many reached each
    grade (read with sqlite3: a GeoPackage is SQLite, and the demo's own Python need not
    import QGIS)."""
    import sqlite3
    from collections import Counter

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
    if not rows:
        return
    mean = sum(row[2] for row in rows) / len(rows)
    grades = Counter(row[4] for row in rows)
    provisional = sum(1 for row in rows if row[5])
    print(
        f"  {len(rows)} communities, mean total {mean:.1f}; grades: "
        + ", ".join(f"{grade} {count}" for grade, count in grades.most_common())
        + f"; {provisional} provisional (manual points still to be filled in)"
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
    print(f"\nRunning {MODEL_ID} (gap analysis -> provisioning -> scoring -> workbook) ...")
    # The demo reads a copy beside its outputs (the workbook's 说明 sheet names it).
    sample = copy_of_sample(OUTPUT_DIR / "input")
    run_model(cli, sample)
    print_coverage(MODEL_OUTPUTS["facilitygap:GAP_SUMMARY"])
    print_scores(MODEL_OUTPUTS["rubricscore:SCORES"])
    rubric = export_rubric(cli)
    workbook = MODEL_OUTPUTS["exportworkbook:WORKBOOK"]
    print(f"\nThe evaluation workbook: {workbook.relative_to(REPO_ROOT)}")
    print("  (汇总表 summary, 短板清单 gap list, 配置缺口 provision deficits, 说明 about, and one")
    print("  评价表 per community: fill in the yellow manual cells and read them back as the")
    print("  MANUAL_SCORES of completecommunity:rubricscore)")
    map_book = MODEL_OUTPUTS["exportatlas:MAP_BOOK"]
    print(f"The map book: {map_book.relative_to(REPO_ROOT)}")
    print("  (an overview of the sample, then one page per community: compounds coloured by the")
    print("  share of mandatory facility types within reach, facilities by type, the score and")
    print("  a table of each compound's gaps)")
    print(f"Layers and tables in {OUTPUT_DIR.relative_to(REPO_ROOT)}/:")
    for name, path in MODEL_OUTPUTS.items():
        if path not in (workbook, map_book):
            print(f"  {pad(path.name, 30)}{name}")
    print(f"  {pad(rubric.name, 30)}the built-in rubric, to edit")
    print(f"  {pad('input/' + SAMPLE.name, 30)}the copy of the sample the analyses read")
    return 0


if __name__ == "__main__":
    sys.exit(main())
