"""Styles for the layers the toolkit makes: a ``.qml`` per look, adapted to the data it shows.

The look of every layer — colours, symbols, line widths, labels — lives in a ``.qml`` file in
``resources/styles/`` that anyone can open, change in QGIS (Layer Properties ▸ Symbology ▸
Style ▸ Save Style) and save back. What depends on the run is filled in here, when the style is
applied:

- **legend labels** in the chosen language, from the plugin's translations and the bilingual
  names in the standard, the rubric and the plan store (a ``.qml`` holds one fixed text per
  class, so the texts written in it are only the English fallbacks);
- **classes that follow the data**: the facility types of the standard in use (a per-type
  coverage rule for each ``ok_T`` field the layer has, a facility category for each type), the
  mandatory types counted by the gap classes, the grade bands of the rubric.

One function per style name (:data:`STYLES`); :func:`apply_style` is the only entry point.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Dict, Iterable, List, Optional, Sequence, Tuple

from qgis.core import (
    QgsCategorizedSymbolRenderer,
    QgsGraduatedSymbolRenderer,
    QgsMapLayer,
    QgsMapLayerStyle,
    QgsMarkerSymbol,
    QgsRendererCategory,
    QgsRuleBasedRenderer,
    QgsSymbol,
    QgsVectorLayer,
)
from qgis.PyQt.QtGui import QColor

from ...i18n import translator_for
from ...resources import RESOURCES_DIR
from ...scoring.errors import N_
from ...scoring.mapbook import (
    SHARE_FIELD,
    counted_codes,
    result_codes,
    share_class_label,
    share_expression,
)
from ...scoring.plan import STATUSES as PROJECT_STATUSES
from ...scoring.provision import STATUS_LABELS
from ...scoring.rubric import Rubric
from ...scoring.standard import FacilityStandard, load_standard
from .. import compat

STYLES_DIR = RESOURCES_DIR / "styles"

#: The style categories read from a ``.qml``: the look, not the fields, forms or actions.
_CATEGORIES = QgsMapLayer.StyleCategory.Symbology | QgsMapLayer.StyleCategory.Labeling


@dataclass(frozen=True)
class StyleSettings:
    """What a style needs to know of the run: the language of its labels, and the standard
    and rubric the layer was made with (the built-in ones when None)."""

    language: str = "en"
    standard: Optional[FacilityStandard] = None
    rubric: Optional[Rubric] = None
    #: Short legend labels, for a legend whose layer titles say what the classes are.
    compact: bool = False

    def tr(self, text: str) -> str:
        return translator_for(self.language)(text)

    def facility_standard(self) -> FacilityStandard:
        return self.standard or load_standard()

    def locale(self) -> str:
        return "zh" if self.language.lower().startswith("zh") else "en"


class StyleError(RuntimeError):
    """A style file that is missing or QGIS cannot read."""


def style_path(name: str) -> Path:
    return STYLES_DIR / f"{name}.qml"


def apply_style(layer: QgsVectorLayer, name: str, settings: Optional[StyleSettings] = None):
    """Give ``layer`` the style ``name`` (a key of :data:`STYLES`) adapted to its data."""
    if name not in STYLES:
        raise StyleError(f"Unknown style '{name}'")
    STYLES[name](layer, settings or StyleSettings())
    # Set once more as a whole: changing a class's label in place tells nobody, and the layer
    # panel's legend would keep the texts of the .qml.
    layer.setRenderer(layer.renderer().clone())
    layer.triggerRepaint()


def load_qml(layer: QgsVectorLayer, name: str) -> None:
    """Read ``resources/styles/<name>.qml`` into the layer (symbology and labels).

    A style made for polygons is read into a polygon layer of the same fields and its renderer
    handed over, since QGIS refuses to load it into, say, a point layer; the styles then give
    such a layer marker symbols of the same colours.
    """
    path = style_path(name)
    if not path.is_file():
        raise StyleError(f"Style file missing: {path}")
    message, ok = layer.loadNamedStyle(str(path), _CATEGORIES)
    if ok:
        return
    scratch = QgsVectorLayer(f"Polygon?crs={layer.crs().authid()}", "style", "memory")
    scratch.dataProvider().addAttributes(layer.fields().toList())
    scratch.updateFields()
    scratch_message, scratch_ok = scratch.loadNamedStyle(str(path), _CATEGORIES)
    if not scratch_ok or scratch.renderer() is None:
        raise StyleError(f"Style {path} could not be read: {message or scratch_message}")
    layer.setRenderer(scratch.renderer().clone())
    layer.setLabelsEnabled(False)


# --------------------------------------------------------------------------------------------
# Gap units: classes by missing mandatory types, and coverage by facility type
# --------------------------------------------------------------------------------------------

#: Names of the two styles a gap layer carries (Layer Properties ▸ Styles, or the layer's
#: context menu ▸ Styles, switches between them).
STYLE_SHARE = N_("Share of mandatory facility types within reach")
STYLE_BY_TYPE = N_("Within reach, by facility type")


def style_gap_units(layer: QgsVectorLayer, settings: StyleSettings) -> None:
    """Two styles: by the share of mandatory types within reach (shown), and per facility
    type. A layer without ``ok_T`` fields (the map book's compounds) is classified by its
    ``share_mandatory`` field."""
    standard = settings.facility_standard()
    codes = result_codes(layer.fields().names())
    by_type = coverage_by_type_renderer(layer, codes, standard, settings)
    manager = layer.styleManager()
    by_type_name = settings.tr(STYLE_BY_TYPE)
    if by_type is not None:
        layer.setRenderer(by_type)
        layer.setLabelsEnabled(False)
        stored = QgsMapLayerStyle()
        stored.readFromLayer(layer)
        if by_type_name in manager.styles():
            manager.removeStyle(by_type_name)
        manager.addStyle(by_type_name, stored)
    apply_share_classes(layer, codes, standard, settings)
    share_name = settings.tr(STYLE_SHARE)
    if manager.currentStyle() != share_name and share_name not in manager.styles():
        manager.renameStyle(manager.currentStyle(), share_name)


def apply_share_classes(
    layer: QgsVectorLayer, codes: Sequence[str], standard: FacilityStandard, settings
) -> None:
    """The graduated classes of ``gap_units.qml`` over the share of mandatory types within
    reach, worked out from the layer's ``ok_T`` fields, with labels in the chosen language."""
    load_qml(layer, "gap_units")
    renderer = layer.renderer()
    if not isinstance(renderer, QgsGraduatedSymbolRenderer):
        raise StyleError("gap_units.qml must hold a graduated renderer")
    if codes or SHARE_FIELD not in layer.fields().names():
        renderer.setClassAttribute(share_expression(counted_types(codes, standard)))
    relabel_ranges(renderer, settings)
    if not compat.is_polygon(layer):
        for index, class_range in enumerate(renderer.ranges()):
            renderer.updateRangeSymbol(index, as_marker(class_range.symbol()))


def relabel_ranges(renderer: QgsGraduatedSymbolRenderer, settings: StyleSettings) -> None:
    """Labels of share classes from their bounds (``25–50 %``, 'all within reach')."""
    for index, class_range in enumerate(renderer.ranges()):
        template, values = share_class_label(
            class_range.lowerValue(), class_range.upperValue(), settings.compact
        )
        renderer.updateRangeLabel(index, settings.tr(template).format(**values))


def counted_types(codes: Sequence[str], standard: FacilityStandard) -> List[str]:
    """The types of ``codes`` whose gaps count: the standard's mandatory ones (and any it
    does not know, see :func:`counted_codes`)."""
    mandatory = [kind.code for kind in standard.types if kind.mandatory]
    return counted_codes(codes, mandatory, standard.codes())


def coverage_by_type_renderer(
    layer: QgsVectorLayer, codes: Sequence[str], standard: FacilityStandard, settings
) -> Optional[QgsRuleBasedRenderer]:
    """One rule per facility type, each with the 'within reach' / 'not within reach'
    symbols of ``coverage_by_type.qml``; only the first type is switched on.

    The template holds one parent rule whose filters name the placeholder type ``TYPE``.

    Every rule is made by QGIS (the template's clone and clones of its rule), none by
    ``QgsRuleBasedRenderer.Rule(...)`` in Python: a rule has no virtual destructor, so when QGIS
    deletes a rule Python made, sip is not told, and the Python wrapper still alive (a child
    of its renderer's wrapper) later writes into the freed memory as it goes. On QGIS 3.40 that
    corrupted the heap whenever the layer's renderer was replaced while the renderer's wrapper
    was still referenced (here: the gap style loads ``gap_units.qml`` over it), and crashed the
    run or a later step at random.
    """
    if not codes:
        return None
    load_qml(layer, "coverage_by_type")
    template = layer.renderer()
    if not isinstance(template, QgsRuleBasedRenderer) or not template.rootRule().children():
        raise StyleError("coverage_by_type.qml must hold a rule-based renderer with one rule")
    renderer = template.clone()
    root = renderer.rootRule()
    placeholders = len(root.children())
    pattern = root.children()[0]
    known = set(standard.codes())
    ordered = [code for code in standard.codes() if code in codes]
    ordered += [code for code in codes if code not in known]
    for position, code in enumerate(ordered):
        rule = pattern.clone()
        rule.setLabel(type_label(code, standard, settings))
        rule.setActive(position == 0)
        for child in rule.children():
            child.setFilterExpression(child.filterExpression().replace("TYPE", code))
            child.setLabel(settings.tr(child.label()))
            if not compat.is_polygon(layer) and child.symbol() is not None:
                child.setSymbol(as_marker(child.symbol()))
        root.appendChild(rule)
    for _ in range(placeholders):  # the template's own rules (QGIS deletes them)
        root.removeChildAt(0)
    return renderer


def rule_renderer(rules: Sequence[Tuple[str, str, QgsSymbol]]) -> QgsRuleBasedRenderer:
    """A rule-based renderer of one rule per (label, filter expression, symbol), in order.

    Its rules are made by QGIS — the renderer's own first rule and clones of it — never by
    ``QgsRuleBasedRenderer.Rule(...)`` in Python, for the reason
    :func:`coverage_by_type_renderer` gives (heap corruption on QGIS 3.40); the symbols are
    handed over to them.
    """
    if not rules:
        raise ValueError("a rule renderer needs at least one rule")
    renderer = QgsRuleBasedRenderer(rules[0][2].clone())
    root = renderer.rootRule()
    pattern = root.children()[0]
    for label, expression, symbol in rules:
        rule = pattern.clone()
        rule.setLabel(label)
        rule.setFilterExpression(expression)
        rule.setSymbol(symbol)
        root.appendChild(rule)
    root.removeChildAt(0)  # the renderer's first rule, the pattern (QGIS deletes it)
    return renderer


def as_marker(fill: QgsSymbol) -> QgsMarkerSymbol:
    """A round marker in a fill symbol's colours, for residential units given as points."""
    marker = QgsMarkerSymbol.createSimple(
        {"name": "circle", "size": "3.2", "outline_color": "#505050", "outline_width": "0.2"}
    )
    marker.setColor(fill.color())
    return marker


def type_label(code: str, standard: FacilityStandard, settings: StyleSettings) -> str:
    """A facility type as a legend shows it: its name in the chosen language, else its code."""
    if code in standard.codes():
        return standard.type_by_code(code).display_name(settings.locale())
    return code


# Strings written in coverage_by_type.qml, translated when the style is applied.
COVERAGE_LABELS = (N_("Within reach"), N_("Not within reach"))


# --------------------------------------------------------------------------------------------
# Categorised styles whose classes come from data
# --------------------------------------------------------------------------------------------


def style_provision_units(layer: QgsVectorLayer, settings: StyleSettings) -> None:
    """Units of one tier by their provision status (达标 … 规模不符)."""
    load_qml(layer, "provision_units")
    relabel_categories(
        layer.renderer(),
        lambda value: STATUS_LABELS[value][settings.locale()] if value in STATUS_LABELS else None,
    )


def style_plan_projects(layer: QgsVectorLayer, settings: StyleSettings) -> None:
    """Plan projects by status (储备 / 计划 / 在建 / 完工), points or areas."""
    name = "plan_project_areas" if compat.is_polygon(layer) else "plan_projects"
    load_qml(layer, name)
    labels = {choice.code: choice.label(settings.locale()) for choice in PROJECT_STATUSES}
    relabel_categories(layer.renderer(), labels.get)


def style_community_scores(layer: QgsVectorLayer, settings: StyleSettings) -> None:
    """Communities by grade, one category per grade band of the rubric, labelled with the
    band and its lowest total; the colours of ``community_scores.qml`` from best to worst."""
    from ...scoring.rubric import load_rubric

    load_qml(layer, "community_scores")
    renderer = layer.renderer()
    if not isinstance(renderer, QgsCategorizedSymbolRenderer):
        raise StyleError("community_scores.qml must hold a categorised renderer")
    rubric = settings.rubric or load_rubric(None, settings.standard)
    templates = [category.symbol().clone() for category in renderer.categories()]
    colours = spread_colours([symbol.color() for symbol in templates], len(rubric.grades))
    categories = []
    for position, band in enumerate(rubric.grades):
        symbol = templates[min(position, len(templates) - 1)].clone()
        symbol.setColor(colours[position])
        label = settings.tr(N_("{grade} (total ≥ {minimum})")).format(
            grade=band.name.get(settings.locale()), minimum=f"{band.min_score:g}"
        )
        categories.append(QgsRendererCategory(band.code, symbol, label))
    layer.setRenderer(QgsCategorizedSymbolRenderer(renderer.classAttribute(), categories))


def style_facilities(layer: QgsVectorLayer, settings: StyleSettings) -> None:
    """Facilities by type: the symbol ``facilities.qml`` gives the type's code (its
    'all other values' symbol for codes it does not list), labelled with the type's name; one
    category per type of the standard."""
    load_qml(layer, "facilities")
    renderer = layer.renderer()
    if not isinstance(renderer, QgsCategorizedSymbolRenderer):
        raise StyleError("facilities.qml must hold a categorised renderer")
    symbols = {
        str(category.value()): category.symbol().clone() for category in renderer.categories()
    }
    fallback = symbols.get("") or next(iter(symbols.values()))
    standard = settings.facility_standard()
    categories = [
        QgsRendererCategory(
            kind.code,
            (symbols.get(kind.code) or fallback).clone(),
            type_label(kind.code, standard, settings),
        )
        for kind in standard.types
    ]
    categories.append(
        QgsRendererCategory("", fallback.clone(), settings.tr(N_("Other facility types")))
    )
    layer.setRenderer(QgsCategorizedSymbolRenderer(renderer.classAttribute(), categories))


#: The statuses of site suggestion's units (``scoring/siting``), as its legend names them.
SITING_STATUS_LABELS = {
    "covered_before": N_("Covered before"),
    "newly_covered": N_("Newly covered by a suggested site"),
    "not_covered": N_("Still not covered"),
    "unreachable": N_("Unreachable"),
}


def style_siting_units(layer: QgsVectorLayer, settings: StyleSettings) -> None:
    """Site suggestion's units by status: served before, newly served, still not, unreachable."""
    load_qml(layer, "siting_units")
    relabel_categories(
        layer.renderer(),
        lambda value: settings.tr(SITING_STATUS_LABELS[value])
        if value in SITING_STATUS_LABELS
        else None,
    )
    if not compat.is_polygon(layer):
        for index, category in enumerate(layer.renderer().categories()):
            layer.renderer().updateCategorySymbol(index, as_marker(category.symbol()))


def _plain_style(name: str) -> Callable[[QgsVectorLayer, StyleSettings], None]:
    """A style used as it is written (map book layers whose legend text is the layer name)."""

    def apply(layer: QgsVectorLayer, settings: StyleSettings) -> None:
        load_qml(layer, name)

    return apply


def relabel_categories(renderer, label_of: Callable[[str], Optional[str]]) -> None:
    """Replace each category's label by ``label_of(value)`` where that gives one."""
    if not isinstance(renderer, QgsCategorizedSymbolRenderer):
        raise StyleError("expected a categorised renderer")
    for index, category in enumerate(renderer.categories()):
        label = label_of(str(category.value()))
        if label:
            renderer.updateCategoryLabel(index, label)


def spread_colours(colours: Sequence[QColor], count: int) -> List[QColor]:
    """``count`` colours running through ``colours`` (the template's, best to worst): the
    template's own when the counts agree, evenly interpolated otherwise."""
    if count <= 0:
        return []
    if len(colours) == count or len(colours) < 2:
        return [QColor(colours[min(i, len(colours) - 1)]) for i in range(count)]
    result = []
    for index in range(count):
        where = index * (len(colours) - 1) / max(count - 1, 1)
        low = int(where)
        high = min(low + 1, len(colours) - 1)
        share = where - low
        a, b = colours[low], colours[high]
        result.append(
            QColor(
                round(a.red() + (b.red() - a.red()) * share),
                round(a.green() + (b.green() - a.green()) * share),
                round(a.blue() + (b.blue() - a.blue()) * share),
            )
        )
    return result


#: Every style by name; algorithms name them in ``OUTPUT_STYLES``.
STYLES: Dict[str, Callable[[QgsVectorLayer, StyleSettings], None]] = {
    "gap_units": style_gap_units,
    "provision_units": style_provision_units,
    "community_scores": style_community_scores,
    "facilities": style_facilities,
    "suggested_sites": _plain_style("suggested_sites"),  # one symbol, labelled with the rank
    "siting_units": style_siting_units,
    "plan_projects": style_plan_projects,
    "walking_network": _plain_style("walking_network"),
    "community_boundaries": _plain_style("community_boundaries"),
    "district_boundaries": _plain_style("district_boundaries"),
    "atlas_focus": _plain_style("atlas_focus"),
}


def style_names() -> Iterable[str]:
    return STYLES.keys()
