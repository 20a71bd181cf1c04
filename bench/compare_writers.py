"""Why the workbook has its own .xlsx writer: the benchmark's workbook step written by it, by
openpyxl in write-only mode and by XlsxWriter in constant_memory mode (``xlsx_backends.py``),
each in a fresh process, with the same sheets, cells, formulas, validation and print set-up.

    .venv/bin/python bench/compare_writers.py --size L          # after `make bench` (or the
                                                                # gap and provision steps) on L

Prints one row per writer (the step's total, its writing stages, peak memory, file size) and
writes them to ``bench/writers.json``, which ``bench/run.py`` shows in ``bench/RESULTS.md``
under the workbook. Each child is ``bench/run.py``'s workbook
measurement with the plugin's ``Package`` replaced by the backend's.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, List

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

import run as bench  # noqa: E402
import xlsx_backends  # noqa: E402

#: The stages of the workbook step that write it: its sheets, saving.
WRITING_STAGES = bench._WORKBOOK_STAGES[
    bench._WORKBOOK_STAGES.index("sheet_summary") : bench._WORKBOOK_STAGES.index("other")
]


def measure(backend: str, size: str, work_dir: Path) -> Dict[str, Any]:
    """In this fresh process: the workbook step on the city of ``size`` with ``backend``."""
    bench._link_plugin_folder()
    package_class = xlsx_backends.BACKENDS[backend]
    if package_class is not None:
        import importlib

        xlsx = importlib.import_module(xlsx_backends.PLUGIN_XLSX)
        xlsx.Package = package_class  # the writer imports it from here when it writes
    city = work_dir / f"city_{size}.gpkg"
    out_dir = work_dir / f"out_{size}"
    earlier = {
        "facility_gap": bench._facility_gap_parameters(city, out_dir, {}),
        "tiered_provision": bench._tiered_provision_parameters(city, out_dir, {}),
    }
    answer = bench.measure_algorithm("workbook_export", city, out_dir, earlier)
    output = Path(answer["outputs"]["OUTPUT"])
    answer["file_mb"] = output.stat().st_size / 1e6
    # Kept for checking that every writer wrote the same workbook (LibreOffice, the reader).
    shutil.copyfile(output, out_dir / f"evaluation_{backend}.xlsx")
    answer["backend"] = backend
    return answer


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="L")
    parser.add_argument("--work-dir", type=Path, default=bench.DEFAULT_WORK_DIR)
    parser.add_argument("--backends", default="plugin,openpyxl,xlsxwriter")
    parser.add_argument("--timeout", type=float, default=3600.0)
    parser.add_argument("--results", type=Path, default=BENCH_DIR / "writers.json")
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    work_dir = arguments.work_dir.resolve()
    if arguments.measure:
        print(json.dumps(measure(arguments.measure, arguments.size, work_dir)), flush=True)
        os._exit(0)
    rows: List[Dict[str, Any]] = []
    loads: List[float] = []
    for backend in arguments.backends.split(","):
        loads.append(os.getloadavg()[0])
        command = [
            sys.executable,
            __file__,
            "--measure",
            backend,
            "--size",
            arguments.size,
            "--work-dir",
            str(work_dir),
        ]
        result = subprocess.run(
            command,
            capture_output=True,
            text=True,
            timeout=arguments.timeout,
            env=dict(os.environ, QT_QPA_PLATFORM="offscreen"),
        )
        lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
        if result.returncode != 0 or not lines:
            print(f"{backend}: failed\n{result.stdout[-2000:]}\n{result.stderr[-3000:]}")
            continue
        answer = json.loads(lines[-1])
        stages = answer["stages"]
        writing = sum(stages.get(stage, 0.0) for stage in WRITING_STAGES)
        row = {
            "backend": backend,
            "total_seconds": answer["total_seconds"],
            "writing_seconds": writing,
            "stages": {stage: stages.get(stage, 0.0) for stage in WRITING_STAGES},
            "all_stages": stages,
            "peak_memory_mb": answer["peak_memory_mb"],
            "file_mb": answer["file_mb"],
        }
        rows.append(row)
        print(json.dumps(row), flush=True)
    measured = {
        "size": arguments.size,
        "date": datetime.date.today().isoformat(),
        "note": (
            f"Load average when each run started: {', '.join(f'{load:.1f}' for load in loads)} "
            f"on {os.cpu_count()} cores."
        ),
        "rows": rows,
    }
    arguments.results.write_text(json.dumps(measured, indent=1) + "\n", encoding="utf-8")
    print(f"Wrote {arguments.results}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
