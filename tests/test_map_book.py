"""``completecommunity:exportatlas``: the sample's map book rendered offscreen, then read back
from the PDF with poppler (pdfinfo, pdftotext, pdftoppm) the way a reader would see it.

Page counts come from the data (an overview, then one page per community), never from a
number written here.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from pathlib import Path
from typing import Dict, List

import pytest
from qgis.core import QgsProcessingException, QgsVectorLayer
from qgis.PyQt.QtGui import QImage
from qgis_helpers import Log, records
from sample_chain import MODEL, MODEL_INPUTS, layer_of

from complete_community.processing.maps import book as book_module
from complete_community.processing.maps.book_layout import PAGE_SIZES, arrange
from complete_community.processing.maps.fonts import BookFonts
from complete_community.scoring.mapbook import natural_key

ATLAS = "completecommunity:exportatlas"


def book_parameters(chain: Dict[str, str], output: Path, **more) -> Dict[str, object]:
    return {
        "COMMUNITIES": layer_of("communities"),
        "COMMUNITY_ID_FIELD": "community_id",
        "COMMUNITY_NAME_FIELD": "name",
        "COMMUNITY_DISTRICT_FIELD": "district_id",
        "DISTRICTS": layer_of("districts"),
        "DISTRICT_ID_FIELD": "district_id",
        "DISTRICT_NAME_FIELD": "name",
        "GAPS": chain["GAPS"],
        "GAP_ID_FIELD": "compound_id",
        "GAP_NAME_FIELD": "name",
        "GAP_COMMUNITY_FIELD": "community_id",
        "GAP_POPULATION_FIELD": "population",
        "FACILITIES": layer_of("facilities"),
        "TYPE_FIELD": "类型",
        "NETWORK": layer_of("roads"),
        "SCORES": chain["SCORES"],
        "TITLE": "南京市玄武区（示例）",
        "OUTPUT": str(output),
        **more,
    }


def communities_in_page_order() -> List[dict]:
    """The sample's communities as the book orders them: by district, then id."""
    rows = records(QgsVectorLayer(layer_of("communities"), "c", "ogr"))
    return sorted(
        rows, key=lambda r: (natural_key(r["district_id"]), natural_key(r["community_id"]))
    )


def page_count(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    return int(re.search(r"^Pages:\s+(\d+)", info.stdout, re.M).group(1))


def page_size_points(pdf: Path) -> tuple:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    width, height = re.search(r"^Page size:\s+([\d.]+) x ([\d.]+)", info.stdout, re.M).groups()
    return round(float(width)), round(float(height))


def page_text(pdf: Path, page: int) -> str:
    """A page's text as a reader copies it (NFKC turns the Kangxi radicals Qt's PDF writer
    maps some characters to back into the characters, see :func:`shows`)."""
    done = subprocess.run(
        ["pdftotext", "-f", str(page), "-l", str(page), "-layout", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    )
    return unicodedata.normalize("NFKC", done.stdout)


def shows(text: str, expected: str) -> bool:
    """Whether ``expected`` is in a page's ``text``. Qt's PDF writer maps a glyph that the
    font gives several code points to the lowest of them, so some characters come out as
    their CJK radical (长 as ⻓): a radical stands for any character here."""
    pattern = "".join(
        f"[{re.escape(char)}\u2e80-\u2fdf]" if "\u4e00" <= char <= "\u9fff" else re.escape(char)
        for char in expected
    )
    return re.search(pattern, text) is not None


def page_image(pdf: Path, page: int, folder: Path, dpi: int = 40) -> QImage:
    stem = folder / f"page{page}"
    subprocess.run(
        [
            "pdftoppm",
            "-f",
            str(page),
            "-l",
            str(page),
            "-r",
            str(dpi),
            "-png",
            "-singlefile",
            str(pdf),
            str(stem),
        ],
        check=True,
    )
    return QImage(str(stem) + ".png")


def region_stats(image: QImage, rect_mm: tuple, page_width_mm: float) -> tuple:
    """(share of pixels that are not the white paper, number of distinct colours) inside a
    rectangle given in millimetres."""
    scale = image.width() / page_width_mm
    x0, y0, width, height = (round(value * scale) for value in rect_mm)
    inked, colours, total = 0, set(), 0
    for y in range(y0 + 2, y0 + height - 2):
        for x in range(x0 + 2, x0 + width - 2):
            pixel = image.pixel(x, y) & 0xFFFFFF
            colours.add(pixel)
            total += 1
            inked += pixel != 0xFFFFFF
    return inked / max(total, 1), len(colours)


@pytest.fixture(scope="module")
def sample_book(sample_chain, tmp_path_factory, qgis_app, qgis_iface, qgis_processing):
    """The sample's map book, written once (A4 landscape, Chinese)."""
    import complete_community
    import processing

    folder = tmp_path_factory.mktemp("map_book")
    plugin = complete_community.classFactory(qgis_iface)
    plugin.initProcessing()
    try:
        log = Log()
        results = processing.run(
            ATLAS,
            book_parameters(sample_chain, folder / "book.pdf", PNG_FOLDER=str(folder / "png")),
            feedback=log,
        )
    finally:
        plugin.unload()
    return {"results": results, "folder": folder, "log": log}


def test_one_page_per_community_after_the_overview(sample_book, sample_chain):
    pdf = Path(sample_book["results"]["OUTPUT"])
    communities = communities_in_page_order()
    assert page_count(pdf) == 1 + len(communities) == sample_book["results"]["PAGES"]
    assert page_size_points(pdf) == (842, 595)  # A4 landscape
    overview = page_text(pdf, 1)
    assert shows(overview.replace(" ", ""), "南京市玄武区(示例):总览")
    assert "OpenStreetMap" in overview  # the sample is OSM data: its attribution is required
    # The overview lists every community (the sample's fit on one page) with its score.
    scores = {r["community_id"]: r for r in records(QgsVectorLayer(sample_chain["SCORES"]))}
    for community in communities:
        assert re.search(
            rf"{community['community_id']}\S*\s.*{scores[community['community_id']]['total']:.1f}",
            overview,
        )
    for number, community in enumerate(communities, start=2):
        title = page_text(pdf, number).strip().splitlines()[0]
        assert shows(title, community["name"]) and community["community_id"] in title, title


def test_every_page_draws_a_map(sample_book, tmp_path):
    """Inside the map frame a page is not blank paper: the map covers it with many colours,
    where an empty part of the paper (below the title, right of it) is plain white."""
    pdf = Path(sample_book["results"]["OUTPUT"])
    page = PAGE_SIZES[0]
    frames = arrange(page)
    for number in range(1, page_count(pdf) + 1):
        image = page_image(pdf, number, tmp_path)
        inked, colours = region_stats(image, frames.map, page.width)
        assert inked > 0.05 and colours > 20, (number, inked, colours)
        blank, blank_colours = region_stats(image, (frames.title[0], 1.0, 200.0, 6.0), page.width)
        assert blank == 0 and blank_colours == 1


def test_community_pages_show_score_and_gap_table(sample_book, sample_chain):
    pdf = Path(sample_book["results"]["OUTPUT"])
    scores = {r["community_id"]: r for r in records(QgsVectorLayer(sample_chain["SCORES"]))}
    compounds = records(QgsVectorLayer(layer_of("compounds"), "c", "ogr"))
    for number, community in enumerate(communities_in_page_order(), start=2):
        text = page_text(pdf, number)
        score = scores[community["community_id"]]
        assert f"总分 {score['total']:.1f} / 100" in text
        assert shows(text, score["grade_zh"])
        own = [c for c in compounds if c["community_id"] == community["community_id"]]
        shown = [c for c in own if shows(text, c["name"] or c["compound_id"])]
        assert len(shown) == min(len(own), 7), (community["community_id"], len(own))


def test_png_pages(sample_book):
    folder = Path(sample_book["results"]["PNG_FOLDER"])
    images = sorted(folder.glob("*.png"))
    assert len(images) == 1 + len(communities_in_page_order())
    assert images[0].name == "01_000_overview.png"
    first = QImage(str(images[0]))
    # A4 landscape at 150 dpi: 297 × 210 mm is 1754 × 1240 pixels (QGIS may round down).
    assert abs(first.width() - 1754) <= 1 and abs(first.height() - 1240) <= 1


def test_one_book_per_district(plugin, sample_chain, tmp_path):
    import processing

    results = processing.run(
        ATLAS,
        book_parameters(sample_chain, tmp_path / "book.pdf", SPLIT_BY=1, LANGUAGE=1),
        feedback=Log(),
    )
    districts = {
        r["district_id"]: r["name"]
        for r in records(QgsVectorLayer(layer_of("districts"), "d", "ogr"))
    }
    by_district: Dict[str, int] = {}
    for community in communities_in_page_order():
        by_district[community["district_id"]] = by_district.get(community["district_id"], 0) + 1
    files = [Path(path) for path in results["FILES"].split(";")]
    assert [path.name for path in files] == [
        f"book_{districts[district]}.pdf" for district in sorted(by_district, key=natural_key)
    ]
    for path, district in zip(files, sorted(by_district, key=natural_key)):
        assert page_count(path) == 1 + by_district[district]
        assert shows(page_text(path, 1), f"{districts[district]}: overview")  # English
    assert not (tmp_path / "book.pdf").exists()
    assert results["PAGES"] == len(by_district) + sum(by_district.values())


def test_chosen_communities_and_page_size(plugin, sample_chain, tmp_path):
    import processing

    chosen = [row["community_id"] for row in communities_in_page_order()[-2:]]
    results = processing.run(
        ATLAS,
        book_parameters(
            sample_chain, tmp_path / "two.pdf", COMMUNITY_IDS=", ".join(chosen), PAGE_SIZE=3
        ),
        feedback=Log(),
    )
    pdf = Path(results["OUTPUT"])
    assert page_count(pdf) == 3
    assert page_size_points(pdf) == (842, 1191)  # A3 portrait
    assert chosen[0] in page_text(pdf, 2) and chosen[1] in page_text(pdf, 3)


def test_unknown_community_is_named_and_nothing_is_written(plugin, sample_chain, tmp_path):
    import processing

    with pytest.raises(QgsProcessingException, match="SQ99"):
        processing.run(
            ATLAS,
            book_parameters(sample_chain, tmp_path / "book.pdf", COMMUNITY_IDS="SQ01,SQ99"),
            feedback=Log(),
        )
    assert list(tmp_path.iterdir()) == []


def test_no_chinese_font_is_a_clear_message(plugin, sample_chain, tmp_path, monkeypatch):
    import processing

    monkeypatch.setattr(book_module, "book_fonts", lambda: BookFonts(None, "DejaVu Sans"))
    with pytest.raises(QgsProcessingException, match="fonts-noto-cjk"):
        processing.run(ATLAS, book_parameters(sample_chain, tmp_path / "b.pdf"), feedback=Log())
    assert list(tmp_path.iterdir()) == []


def test_cancelling_leaves_the_old_book(plugin, sample_chain, tmp_path):
    import processing

    target = tmp_path / "book.pdf"
    target.write_bytes(b"the old book")
    with pytest.raises(QgsProcessingException):
        processing.run(ATLAS, book_parameters(sample_chain, target), feedback=Log(cancel_after=3))
    assert target.read_bytes() == b"the old book"
    assert [path.name for path in tmp_path.iterdir()] == ["book.pdf"]


def test_the_model_draws_the_map_book_only_when_asked(plugin, tmp_path):
    import processing

    workbook = str(tmp_path / "evaluation.xlsx")
    asked = processing.run(
        MODEL,
        {
            **MODEL_INPUTS,
            "exportworkbook:WORKBOOK": workbook,
            "exportatlas:MAP_BOOK": str(tmp_path / "book.pdf"),
        },
        feedback=Log(),
    )
    pages = page_count(Path(asked["exportatlas:MAP_BOOK"]))
    assert pages == 1 + len(communities_in_page_order())
    (tmp_path / "book.pdf").unlink()
    log = Log()
    processing.run(
        MODEL,
        {**MODEL_INPUTS, "exportworkbook:WORKBOOK": workbook, "OVERWRITE": True},
        feedback=log,
    )
    assert sorted(path.name for path in tmp_path.iterdir()) == ["evaluation.xlsx"]
    assert "No file was given for the map book: nothing was drawn." in log.infos


def workbook_pictures(path: Path) -> Dict[str, List[bytes]]:
    """The PNG pictures of each sheet of an .xlsx, by sheet name (read from the package)."""
    import posixpath
    import xml.etree.ElementTree as ET
    import zipfile

    rel = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
    main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    office = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"

    def targets(package, part: str) -> Dict[str, str]:
        folder, name = posixpath.split(part)
        rels = f"{folder}/_rels/{name}.rels"
        if rels not in package.namelist():
            return {}
        return {
            item.get("Id"): posixpath.normpath(posixpath.join(folder, item.get("Target")))
            for item in ET.fromstring(package.read(rels)).iter(rel)
        }

    pictures: Dict[str, List[bytes]] = {}
    with zipfile.ZipFile(path) as package:
        sheets = targets(package, "xl/workbook.xml")
        for sheet in ET.fromstring(package.read("xl/workbook.xml")).iter(f"{main}sheet"):
            part = sheets[sheet.get(office)]
            found = []
            for drawing in targets(package, part).values():
                if "/drawings/" in drawing:
                    found += [
                        package.read(media)
                        for media in targets(package, drawing).values()
                        if media.endswith(".png")
                    ]
            pictures[sheet.get("name")] = found
    return pictures


def _column(sheet, letter: str = "M") -> set:
    return {cell.value for cell in sheet[letter]}


def test_the_workbook_with_maps_opens_in_libreoffice(plugin, sample_chain, tmp_path):
    """exportworkbook's maps: the overview below 汇总表 and each community's map below its
    form, drawn as the book draws them (not blank); LibreOffice opens the workbook and prints
    every picture."""
    from xlsx_check import check_package, libreoffice_convert

    import processing

    target = tmp_path / "evaluation.xlsx"
    parameters = book_parameters(sample_chain, target, MAPS=True)
    parameters.pop("SCORES")  # the workbook scores the communities itself
    processing.run("completecommunity:exportworkbook", parameters, feedback=Log())
    check_package(target)
    pictures = workbook_pictures(target)
    communities = communities_in_page_order()
    forms = {name: found for name, found in pictures.items() if found and name != "汇总表"}
    assert len(pictures["汇总表"]) == 1
    assert len(forms) == len(communities) and all(len(found) == 1 for found in forms.values())
    import openpyxl

    book = openpyxl.load_workbook(target)
    for community in communities:  # its form holds its id in a hidden column (M)
        held = [name for name in forms if community["community_id"] in _column(book[name])]
        assert len(held) == 1, community["community_id"]
    for found in [pictures["汇总表"][0], *(found[0] for found in forms.values())]:
        image = QImage.fromData(found, "PNG")
        assert not image.isNull()
        whole = (0, 0, image.width(), image.height())
        inked, colours = region_stats(image, whole, image.width())
        assert inked > 0.05 and colours > 20, (inked, colours)
    pdf = libreoffice_convert(target, "pdf", tmp_path, tmp_path / "profile")
    listed = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True)
    images = [line for line in listed.stdout.splitlines()[2:] if line.split()[2] == "image"]
    assert len(images) >= 1 + len(communities), listed.stdout


@pytest.mark.qgis_process
def test_the_book_is_made_headless_by_qgis_process(qgis_process_cli, sample_chain, tmp_path):
    target = tmp_path / "book.pdf"
    done, answer = qgis_process_cli.run_json(ATLAS, book_parameters(sample_chain, target))
    assert done.returncode == 0, done.stderr[-3000:]
    assert page_count(target) == 1 + len(communities_in_page_order())
    assert answer["results"]["PAGES"] == page_count(target)


def test_poppler_is_installed():
    for tool in ("pdfinfo", "pdftotext", "pdftoppm", "pdfimages"):
        assert shutil.which(tool), f"{tool} missing: tools/install_system_packages.sh installs it"
