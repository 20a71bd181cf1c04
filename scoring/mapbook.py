"""What the map book shows, worked out from plain records: pages, files, tables and classes.

The QGIS side (``processing/maps``) draws; this module decides *what* is drawn: which
communities get a page and in which order, how pages are split into files, each compound's
missing mandatory types, each community's figures and the rows of its gap table, and the
legend's class labels. It imports nothing from QGIS, so it is read and tested on its own.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

from .errors import N_, DataError
from .workbook.names import FileParts

#: Result fields of the facility gap analysis: ``ok_T`` per type T (DESIGN §4).
_OK_PREFIX = "ok_"

_UNKNOWN_COMMUNITIES = N_("Communities chosen for the map book but not in layer '{layer}': {ids}")
_NO_COMMUNITIES = N_("Layer '{layer}' has no community to draw")


def result_codes(field_names: Iterable[str]) -> List[str]:
    """The facility type codes of a gap result, from its ``ok_T`` fields, in field order."""
    return [
        name[len(_OK_PREFIX) :]
        for name in field_names
        if name.startswith(_OK_PREFIX) and len(name) > len(_OK_PREFIX)
    ]


def counted_codes(
    codes: Sequence[str], mandatory: Sequence[str], known: Sequence[str]
) -> List[str]:
    """The types whose gaps the map counts: the mandatory ones among ``codes``, and codes the
    standard does not know (a layer made with another standard: better counted than hidden)."""
    mandatory_set, known_set = set(mandatory), set(known)
    return [code for code in codes if code in mandatory_set or code not in known_set]


#: The field of the map book's compounds holding :func:`share_within_reach`; the gap style
#: (``resources/styles/gap_units.qml``) classifies it.
SHARE_FIELD = "share_mandatory"


def share_expression(counted: Sequence[str]) -> str:
    """A QGIS expression for a unit's share of the ``counted`` types within reach (``ok_T``
    = 1; NULL counts as not within reach): :func:`share_within_reach` over the layer's
    fields. NULL when no type is counted."""
    if not counted:
        return "NULL"
    terms = " + ".join(f'if("{_OK_PREFIX}{code}" = 1, 1, 0)' for code in counted)
    return f"({terms}) / {len(counted)}"


def share_within_reach(missing: Sequence[str], counted: Sequence[str]) -> Optional[float]:
    """The share of the counted types a unit has within reach; None without counted types."""
    if not counted:
        return None
    return (len(counted) - len(missing)) / len(counted)


def missing_codes(ok: Dict[str, Any], counted: Sequence[str]) -> Tuple[str, ...]:
    """The counted types a compound lacks: ``ok_T`` other than 1 (NULL: unknown, a gap)."""
    return tuple(code for code in counted if not _is_one(ok.get(code)))


def _is_one(value: Any) -> bool:
    try:
        return value is not None and float(value) == 1.0
    except (TypeError, ValueError):
        return False


def share_class_label(
    lower: float, upper: float, compact: bool = False
) -> Tuple[str, Dict[str, Any]]:
    """The legend text of a class of shares within reach, as a template and its values:
    ``1 … 1`` is 'all within reach', other classes read ``25–50 % of mandatory types within
    reach`` (``compact``: ``25–50 %``, under a legend title that says the rest). An upper bound
    just under 1, which keeps 100 % out of the class, reads 99 %."""
    if lower >= 1.0 - 1e-9:
        return (N_("All") if compact else N_("All mandatory types within reach")), {}
    high = math.floor(upper * 100 + 1e-9) if upper < 1.0 else 100
    template = "{low}–{high} %" if compact else N_("{low}–{high} % of mandatory types within reach")
    return template, {
        "low": round(lower * 100),
        "high": high,
    }


# --------------------------------------------------------------------------------------------
# Pages
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CompoundRecord:
    """One compound of the gap result, as the map book uses it."""

    compound_id: str
    name: Optional[str]
    community_id: Optional[str]
    population: Optional[float]
    missing: Tuple[str, ...]  # counted types not within reach


@dataclass(frozen=True)
class CommunityRecord:
    """One community, with its score when a scores layer was given."""

    community_id: str
    name: Optional[str]
    district_id: Optional[str]
    district_name: Optional[str] = None
    total: Optional[float] = None
    upper_bound: Optional[float] = None
    grade: Optional[str] = None
    provisional: bool = False

    def title_name(self) -> str:
        return self.name or self.community_id


@dataclass
class CommunityPage:
    """A community's page: its record, its compounds (most gaps first) and their figures."""

    community: CommunityRecord
    compounds: List[CompoundRecord] = field(default_factory=list)

    @property
    def population(self) -> float:
        return math.fsum(c.population or 0.0 for c in self.compounds)

    @property
    def compounds_with_gaps(self) -> int:
        return sum(1 for c in self.compounds if c.missing)

    @property
    def population_fully_covered(self) -> float:
        return math.fsum(c.population or 0.0 for c in self.compounds if not c.missing)


@dataclass
class BookFile:
    """One PDF: an overview page of its communities, then one page per community.

    ``district_id`` is None for the book of every chosen community; ``name_part`` is what a
    split book adds to the file name (a valid, unique piece of a file name).
    """

    district_id: Optional[str]
    district_name: Optional[str]
    name_part: Optional[str]
    pages: List[CommunityPage]

    @property
    def page_count(self) -> int:
        return 1 + len(self.pages)


def natural_key(text: Optional[str]) -> Tuple:
    """Sort ``SQ2`` before ``SQ10``: digits compare as numbers."""
    parts = re.split(r"(\d+)", text or "")
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in parts)


def plan_book(
    communities: Sequence[CommunityRecord],
    compounds: Sequence[CompoundRecord],
    chosen: Sequence[str] = (),
    by_district: bool = False,
    layer: str = "",
) -> List[BookFile]:
    """The files of the map book and their pages.

    Communities are ordered by district, then by id (``SQ2`` before ``SQ10``); ``chosen``
    keeps only those ids (an id not among the communities is refused, naming it). Split by
    district, each district with a chosen community gets its own file, communities without a
    district one file of their own.
    """
    if not communities:
        raise DataError(_NO_COMMUNITIES, layer=layer)
    known = {community.community_id for community in communities}
    wanted = [text for text in (str(value).strip() for value in chosen) if text]
    unknown = [community for community in wanted if community not in known]
    if unknown:
        raise DataError(_UNKNOWN_COMMUNITIES, layer=layer, ids=", ".join(unknown))
    wanted_set = set(wanted)
    selected = [c for c in communities if not wanted_set or c.community_id in wanted_set]
    selected.sort(key=lambda c: (natural_key(c.district_id), natural_key(c.community_id)))
    of_community: Dict[str, List[CompoundRecord]] = {}
    for compound in compounds:
        if compound.community_id is not None:
            of_community.setdefault(compound.community_id, []).append(compound)
    pages = [
        CommunityPage(c, sorted(of_community.get(c.community_id, []), key=_table_order))
        for c in selected
    ]
    if not by_district:
        return [BookFile(None, None, None, pages)]
    files: List[BookFile] = []
    parts = FileParts()
    for page in pages:
        district = page.community.district_id
        if not files or files[-1].district_id != district:
            label = page.community.district_name or district
            files.append(BookFile(district, page.community.district_name, parts.claim(label), []))
        files[-1].pages.append(page)
    return files


def _table_order(compound: CompoundRecord) -> Tuple:
    """Most types missing first, then most residents, then by id."""
    return (
        -len(compound.missing),
        -(compound.population or 0.0),
        natural_key(compound.compound_id),
    )


# --------------------------------------------------------------------------------------------
# Texts (English templates marked for translation, filled with values by the caller)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Text:
    """A message to show: an English template (translated by the caller) and its values."""

    template: str
    values: Dict[str, Any] = field(default_factory=dict)

    def render(self, translate) -> str:
        return translate(self.template).format(**self.values)


LIST_SEPARATOR = N_(", ")  # 、 in Chinese


def count_text(value: float) -> str:
    return f"{value:,.0f}"


def share_text(value: Optional[float]) -> str:
    return "–" if value is None else f"{value:.0%}"


def text_width(text: str) -> float:
    """A text's width in ems, near enough to wrap table cells: a CJK character is one em,
    other characters about half of one."""
    return sum(1.0 if _is_wide(char) else 0.55 for char in text)


def _is_wide(char: str) -> bool:
    return (
        "\u2e80" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff" or "\uff00" <= char <= "\uffef"
    )


def missing_names(
    codes: Sequence[str], type_names: Dict[str, str], translate, width_ems: float, lines: int = 2
) -> str:
    """The missing types by name, wrapped into at most ``lines`` lines of ``width_ems``
    (Chinese has no spaces to wrap at); when they do not all fit, the last line ends by
    saying how many there are in all."""
    if not codes:
        return ""
    separator = translate(LIST_SEPARATOR)
    names = [type_names.get(code, code) for code in codes]
    rows: List[str] = [""]
    for position, name in enumerate(names):
        piece = name if not rows[-1] else separator + name
        if text_width(rows[-1] + piece) <= width_ems or not rows[-1]:
            rows[-1] += piece
            continue
        if len(rows) == lines:
            return _with_total(rows, names[:position], len(names), separator, translate, width_ems)
        rows[-1] += separator.rstrip()
        rows.append(name)
    return "\n".join(rows)


def _with_total(rows, shown, total, separator, translate, width_ems) -> str:
    """The wrapped rows, their last one cut back until 'and N in all' fits after it."""
    suffix = translate(N_("… ({count} in all)")).format(count=total)
    last = rows[-1]
    while last and text_width(last + suffix) > width_ems:
        cut = last.rfind(separator.strip() or separator)
        last = last[:cut] if cut > 0 else ""
    rows[-1] = last + suffix
    return "\n".join(row for row in rows if row)


def page_title(community: CommunityRecord) -> Text:
    if community.name and community.name != community.community_id:
        return Text(N_("{name} ({id})"), {"name": community.name, "id": community.community_id})
    return Text("{id}", {"id": community.community_id})


def score_texts(community: CommunityRecord, maximum: float, grade: Optional[str]) -> List[Text]:
    """The score box of a community page: total and grade, and what keeps it provisional."""
    if community.total is None:
        return [Text(N_("Not scored: give the rubric scores to show the total and grade"))]
    texts = [
        Text(
            N_("Total {total} of {maximum} · {grade}"),
            {"total": f"{community.total:.1f}", "maximum": f"{maximum:g}", "grade": grade or "–"},
        )
    ]
    if community.provisional:
        upper = community.upper_bound
        texts.append(
            Text(
                N_("Provisional: manual points still to be scored (up to {upper})"),
                {"upper": "–" if upper is None else f"{upper:.1f}"},
            )
        )
    return texts


def community_stats(page: CommunityPage) -> List[Text]:
    """Two lines of figures under a community page's score."""
    if not page.compounds:
        return [Text(N_("No compound of the gap result lies in this community."))]
    return _figures(page.compounds)


def overview_stats(book: BookFile) -> List[Text]:
    districts = {page.community.district_id for page in book.pages if page.community.district_id}
    heading = Text(
        N_("Communities: {communities} · districts: {districts}"),
        {"communities": len(book.pages), "districts": len(districts)},
    )
    return [heading, *_figures([c for page in book.pages for c in page.compounds])]


def _figures(compounds: Sequence[CompoundRecord]) -> List[Text]:
    population = math.fsum(c.population or 0.0 for c in compounds)
    covered = math.fsum(c.population or 0.0 for c in compounds if not c.missing)
    return [
        Text(
            N_("Compounds: {compounds} · residents: {population}"),
            {"compounds": len(compounds), "population": count_text(population)},
        ),
        Text(
            N_(
                "Compounds lacking mandatory types within reach: {gaps} · residents with all "
                "of them: {share}"
            ),
            {
                "gaps": sum(1 for c in compounds if c.missing),
                "share": share_text(_share(covered, population)),
            },
        ),
    ]


def community_row(page: CommunityPage, grade: Optional[str]) -> Tuple[str, str, str]:
    """A community's row in the overview's table: residents, the share of them with every
    mandatory type within reach, and total · grade."""
    community = page.community
    score = "–" if community.total is None else f"{community.total:.1f} · {grade or '–'}"
    if community.total is not None and community.provisional:
        score += " *"
    covered = _share(page.population_fully_covered, page.population)
    return count_text(page.population), share_text(covered), score


def overview_note(left_out: int) -> Optional[Text]:
    if left_out <= 0:
        return None
    return Text(N_("… and {count} more communities on the pages that follow."), {"count": left_out})


def table_note(left_out: int) -> Optional[Text]:
    if left_out <= 0:
        return None
    return Text(
        N_("… and {count} more compounds: see the gap list of the evaluation workbook."),
        {"count": left_out},
    )


def _share(part: float, whole: float) -> Optional[float]:
    return part / whole if whole > 0 else None
