"""A small streaming .xlsx writer: what the evaluation workbook needs, fast enough for a city.

Why not openpyxl for writing: on the benchmark's large city the workbook has some 3 million
cells in 2,000 evaluation forms and its lists. Written cell for cell the same through each
library (``bench/compare_writers.py``, the table in ``bench/RESULTS.md``), openpyxl's
write-only mode took 9.3 times as long as this writer and XlsxWriter's constant_memory mode
3.4 times: minutes, each more than the whole workbook step's budget. This writer turns a row
into XML with one f-string per cell, stores each text once (shared strings) and streams every
sheet into the zip as it is made; the workbook is standard SpreadsheetML that Excel, WPS and
LibreOffice open (the suite checks it with LibreOffice and reads it back with openpyxl). It
needs nothing beyond Python's standard library; openpyxl is still what reads filled-in
workbooks back.

- :mod:`.package` — the zip and the workbook-wide parts (:class:`Package`);
- :mod:`.sheet` — one streamed worksheet (:class:`Sheet`), its print set-up, validation,
  conditional formats, links and pictures;
- :mod:`.styles` — cell styles and ``styles.xml``.
"""

from .package import COMPRESS_LEVEL, Package
from .sheet import Formula, Picture, PrintSetup, Sheet, Validation, excel_date
from .styles import Alignment, Font, Highlight, Style, StyleSheet
from .xml import column_letter, column_letters

__all__ = [
    "COMPRESS_LEVEL",
    "Alignment",
    "Font",
    "Formula",
    "Highlight",
    "Package",
    "Picture",
    "PrintSetup",
    "Sheet",
    "Style",
    "StyleSheet",
    "Validation",
    "column_letter",
    "column_letters",
    "excel_date",
]
