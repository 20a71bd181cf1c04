"""Outputs are styled when QGIS loads them: run alone, from a model, and after Python's
garbage collector has run; each style's classes follow the data and speak the user's language.

Runs go through ``processing.runAndLoadResults`` (what the toolbox does when a run finishes:
load the outputs, then call their post-processors) or through ``processing.run`` followed by
Processing's own ``handleAlgorithmResults``.
"""

from __future__ import annotations

import gc
import re
from pathlib import Path

import pytest
from qgis.core import (
    QgsApplication,
    QgsCategorizedSymbolRenderer,
    QgsExpression,
    QgsExpressionContext,
    QgsExpressionContextUtils,
    QgsFeature,
    QgsGeometry,
    QgsGraduatedSymbolRenderer,
    QgsLayerTreeModel,
    QgsMarkerSymbol,
    QgsPathResolver,
    QgsProcessingContext,
    QgsProcessingOutputLayerDefinition,
    QgsProject,
    QgsRuleBasedRenderer,
    QgsSvgMarkerSymbolLayer,
    QgsSymbolLayerUtils,
    QgsVectorLayer,
)
from qgis.PyQt import sip
from qgis.PyQt.QtCore import Qt
from qgis_helpers import Log, records
from sample_chain import (
    MODEL,
    MODEL_INPUTS,
    gap_parameters,
    provision_parameters,
    score_parameters,
)

from complete_community.i18n import install_translator
from complete_community.processing import compat
from complete_community.processing.maps.styles import (
    STYLES,
    STYLES_DIR,
    StyleSettings,
    apply_style,
    coverage_by_type_renderer,
    rule_renderer,
)
from complete_community.scoring.provision import STATUS_LABELS
from complete_community.scoring.rubric import load_rubric
from complete_community.scoring.standard import load_standard


@pytest.fixture(autouse=True)
def results_loaded_without_a_layer_tree_view(monkeypatch):
    """QGIS 3.44's handleAlgorithmResults hands ``iface.layerTreeView()`` to C++, and the
    pytest-qgis ``iface`` answers with a MagicMock there: load the results as ``qgis_process``
    and scripts do, into the project without a tree view (older QGIS never reads it)."""
    from processing.gui import Postprocessing

    monkeypatch.setattr(Postprocessing, "iface", None, raising=False)


@pytest.fixture
def project(plugin):
    project = QgsProject.instance()
    project.clear()
    yield project
    project.clear()


def loaded(project, name: str) -> QgsVectorLayer:
    layers = [layer for layer in project.mapLayers().values() if layer.name() == name]
    assert len(layers) == 1, [layer.name() for layer in project.mapLayers().values()]
    return layers[0]


def evaluate(expression: str, layer: QgsVectorLayer) -> list:
    parsed = QgsExpression(expression)
    context = QgsExpressionContext(QgsExpressionContextUtils.globalProjectLayerScopes(layer))
    values = []
    for feature in layer.getFeatures():
        context.setFeature(feature)
        values.append(parsed.evaluate(context))
        assert not parsed.hasEvalError(), parsed.evalErrorString()
    return values


def mandatory_share(row: dict, mandatory: list) -> float:
    """Share of the mandatory types a unit has within reach, worked out from its ok_T."""
    return sum(1 for code in mandatory if row[f"ok_{code}"] == 1) / len(mandatory)


def test_gap_units_are_classed_by_the_share_of_mandatory_types_within_reach(project):
    import processing

    # A layer panel open before the run, as in QGIS desktop: its legend must show the style's
    # labels, not those it read when the layer was added.
    panel = QgsLayerTreeModel(project.layerTreeRoot())
    processing.runAndLoadResults(
        "completecommunity:facilitygap", gap_parameters("TEMPORARY_OUTPUT"), feedback=Log()
    )
    layer = loaded(project, "Units with facility gaps")
    renderer = layer.renderer()
    assert isinstance(renderer, QgsGraduatedSymbolRenderer)
    standard = load_standard()
    mandatory = [kind.code for kind in standard.types if kind.mandatory]
    assert set(re.findall(r'"ok_(\w+)"', renderer.classAttribute())) == set(mandatory)
    # The class attribute is the share a planner would count by hand from the ok_T fields.
    rows = records(layer)
    shares = evaluate(renderer.classAttribute(), layer)
    assert shares == pytest.approx([mandatory_share(row, mandatory) for row in rows])
    labels = [item.label() for item in renderer.ranges()]
    assert labels[-1] == "All mandatory types within reach"
    assert labels[:2] == [
        "0–25 % of mandatory types within reach",
        "25–50 % of mandatory types within reach",
    ]
    node = project.layerTreeRoot().findLayer(layer.id())
    shown = [n.data(Qt.ItemDataRole.DisplayRole) for n in panel.layerLegendNodes(node)]
    assert shown == labels
    # Every unit falls in a class, so none is drawn without a symbol; the sample's units fall
    # in more than one.
    classes = [renderer.rangeForValue(share) for share in shares]
    assert None not in classes
    assert len({item.label() for item in classes}) > 1


def test_gap_units_carry_a_coverage_style_per_facility_type(project):
    import processing

    processing.runAndLoadResults(
        "completecommunity:facilitygap", gap_parameters("TEMPORARY_OUTPUT"), feedback=Log()
    )
    layer = loaded(project, "Units with facility gaps")
    manager = layer.styleManager()
    assert manager.currentStyle() == "Share of mandatory facility types within reach"
    assert manager.setCurrentStyle("Within reach, by facility type")
    renderer = layer.renderer()
    assert isinstance(renderer, QgsRuleBasedRenderer)
    rules = renderer.rootRule().children()
    standard = load_standard()
    codes = [name[3:] for name in layer.fields().names() if name.startswith("ok_")]
    assert [rule.label() for rule in rules] == [
        standard.type_by_code(code).name_en for code in standard.codes() if code in codes
    ]
    assert [rule.active() for rule in rules] == [True] + [False] * (len(rules) - 1)
    kindergarten = rules[[r.label() for r in rules].index("Kindergarten")]
    within, beyond = kindergarten.children()
    assert within.filterExpression() == '"ok_kindergarten" = 1' and beyond.isElse()
    covered = [row["ok_kindergarten"] == 1 for row in records(layer)]
    assert evaluate(within.filterExpression(), layer) == covered


@pytest.mark.parametrize("geometry", ["Polygon", "Point"])
def test_the_by_type_style_is_made_of_rules_qgis_made(plugin, geometry):
    """A rule made in Python (``QgsRuleBasedRenderer.Rule(...)``) and handed to QGIS is freed
    by QGIS without sip knowing (a rule has no virtual destructor); its Python wrapper, still
    alive as a child of its renderer's, then writes into the freed memory when it goes. On
    QGIS 3.40 that corrupted the heap and crashed this module's tests at random, once the gap
    style loaded ``gap_units.qml`` over the by-type renderer it had just set."""
    standard = load_standard()
    codes = [kind.code for kind in standard.types]
    layer = QgsVectorLayer(f"{geometry}?crs=EPSG:4547", "units", "memory")
    layer.dataProvider().addAttributes([compat.new_field(f"ok_{code}", "int") for code in codes])
    layer.updateFields()
    renderer = coverage_by_type_renderer(layer, codes, standard, StyleSettings())
    root = renderer.rootRule()
    rules = [root, *root.descendants()]
    assert not [rule.label() or "(root)" for rule in rules if sip.ispycreated(rule)]
    # ... and the style is still one rule per type, each with its two coverage rules.
    assert [rule.label() for rule in root.children()] == [
        kind.display_name(StyleSettings().locale()) for kind in standard.types
    ]
    assert [rule.active() for rule in root.children()] == [True] + [False] * (len(codes) - 1)
    first = root.children()[0]
    assert [child.label() for child in first.children()] == ["Within reach", "Not within reach"]
    assert first.children()[0].filterExpression() == f'"ok_{codes[0]}" = 1'
    markers = [isinstance(child.symbol(), QgsMarkerSymbol) for child in first.children()]
    assert markers == [geometry == "Point"] * 2


def test_a_rule_renderer_is_made_of_rules_qgis_made(plugin):
    """What the README's walking-time map draws its roads with: one rule per (label, filter,
    symbol) in order, none made in Python, and the layer's renderer can be replaced while the
    wrappers are still referenced (what corrupted QGIS 3.40's heap)."""
    from qgis.core import QgsLineSymbol

    kinds = [
        ("streets", "\"kind\" <> 'stairs'", "#ffffff"),
        ("stairs", "\"kind\" = 'stairs'", "#ff8c00"),
    ]
    renderer = rule_renderer(
        [
            (label, expression, QgsLineSymbol.createSimple({"line_color": colour}))
            for label, expression, colour in kinds
        ]
    )
    root = renderer.rootRule()
    rules = root.children()
    assert not [rule.label() or "(root)" for rule in [root, *rules] if sip.ispycreated(rule)]
    found = [
        (rule.label(), rule.filterExpression(), rule.symbol().color().name()) for rule in rules
    ]
    assert found == kinds
    layer = QgsVectorLayer("LineString?crs=EPSG:4547&field=kind:string", "roads", "memory")
    layer.setRenderer(renderer)
    layer.setRenderer(QgsRuleBasedRenderer(QgsLineSymbol.createSimple({})))
    del renderer, root, rules
    assert [rule.label() for rule in layer.renderer().rootRule().children()] == [""]


def test_labels_follow_the_qgis_locale(project):
    import processing

    try:
        assert install_translator("zh_CN")
        processing.runAndLoadResults(
            "completecommunity:facilitygap", gap_parameters("TEMPORARY_OUTPUT"), feedback=Log()
        )
        layer = loaded(project, "设施短板单元")
    finally:
        install_translator("en")
    labels = [item.label() for item in layer.renderer().ranges()]
    assert labels[0] == "0–25% 的应配建设施步行可达" and labels[-1] == "应配建设施全部步行可达"
    assert layer.styleManager().currentStyle() == "应配建设施步行可达比例"
    assert layer.styleManager().setCurrentStyle("按设施类型的步行可达情况")
    first = layer.renderer().rootRule().children()[0]
    assert first.label() == "社区综合服务站"
    assert [child.label() for child in first.children()] == ["步行可达", "步行不可达"]


def test_provision_units_are_categorised_by_status(project, sample_chain):
    import processing

    processing.runAndLoadResults(
        "completecommunity:tieredprovision",
        provision_parameters(OUTPUT_TABLE=str(Path(sample_chain["PROVISION"]))),
        feedback=Log(),
    )
    rows = records(QgsVectorLayer(sample_chain["PROVISION"], "table", "ogr"))
    for name, tier in (
        ("Communities with shortfalls", "community"),
        ("Compounds with shortfalls", "neighbourhood"),
    ):
        layer = loaded(project, name)
        renderer = layer.renderer()
        assert isinstance(renderer, QgsCategorizedSymbolRenderer)
        assert renderer.classAttribute() == "status"
        categories = {str(c.value()): c.label() for c in renderer.categories()}
        assert categories == {code: labels["en"] for code, labels in STATUS_LABELS.items()}
        for unit in records(layer):
            assert unit["status"] in categories
            assert unit["status"] == worst_status(rows, tier, unit["unit_id"])
            assert unit["status_zh"] == STATUS_LABELS[unit["status"]]["zh"]


def worst_status(rows, tier: str, unit_id: str) -> str:
    """A unit's status on the map, worked out from the long table the way a planner reads
    it: 规模不符 when the tier's population range is missed, else the worst finding over
    the mandatory types (缺项, then 面积不足, then 共享达标), else 达标."""
    own = [r for r in rows if r["tier"] == tier and r["unit_id"] == unit_id and r["mandatory"]]
    if any(r["status"] == "size_mismatch" for r in own):
        return "size_mismatch"
    for status in ("missing", "area_short", "ok_shared"):
        if any(r["provision_status"] == status for r in own):
            return status
    return "ok"


def test_community_scores_are_categorised_by_the_rubrics_grades(project, sample_chain):
    import processing

    processing.runAndLoadResults(
        "completecommunity:rubricscore",
        score_parameters(sample_chain["GAPS"], "TEMPORARY_OUTPUT"),
        feedback=Log(),
    )
    layer = loaded(project, "Community scores")
    renderer = layer.renderer()
    assert isinstance(renderer, QgsCategorizedSymbolRenderer)
    assert renderer.classAttribute() == "grade"
    rubric = load_rubric()
    assert [(str(c.value()), c.label()) for c in renderer.categories()] == [
        (band.code, f"{band.name.en} (total ≥ {band.min_score:g})") for band in rubric.grades
    ]
    colours = [c.symbol().color().name() for c in renderer.categories()]
    assert len(set(colours)) == len(colours)
    assert {row["grade"] for row in records(layer)} <= {band.code for band in rubric.grades}
    assert layer.labelsEnabled()


def test_outputs_of_the_model_are_styled(project):
    import processing

    processing.runAndLoadResults(
        MODEL,
        {
            **MODEL_INPUTS,
            "exportworkbook:WORKBOOK": "TEMPORARY_OUTPUT",
            "facilitygap:GAPS": "TEMPORARY_OUTPUT",
            "rubricscore:SCORES": "TEMPORARY_OUTPUT",
            "tieredprovision:COMMUNITY_SHORTFALLS": "TEMPORARY_OUTPUT",
        },
        feedback=Log(),
    )
    by_renderer = {
        layer.name(): type(layer.renderer()).__name__
        for layer in project.mapLayers().values()
        if isinstance(layer, QgsVectorLayer) and layer.isSpatial()
    }
    assert sorted(by_renderer.values()) == sorted(
        [
            "QgsGraduatedSymbolRenderer",  # gaps
            "QgsCategorizedSymbolRenderer",  # scores by grade
            "QgsCategorizedSymbolRenderer",  # communities by provision status
        ]
    ), by_renderer


def test_post_processors_outlive_the_garbage_collector(plugin):
    """QGIS holds only a pointer to a post-processor: Python must keep the object alive
    until the layer is loaded, which may be long after the run (the toolbox's dialog)."""
    from processing.gui.Postprocessing import handleAlgorithmResults

    project = QgsProject.instance()
    project.clear()
    context = QgsProcessingContext()
    context.setProject(project)
    algorithm = QgsApplication.processingRegistry().createAlgorithmById(
        "completecommunity:facilitygap"
    )
    values = gap_parameters(QgsProcessingOutputLayerDefinition("TEMPORARY_OUTPUT", project))
    _results, ok = algorithm.run(values, context, Log())
    assert ok
    gc.collect()
    handleAlgorithmResults(algorithm, context, Log())
    layer = loaded(project, "Units with facility gaps")
    assert isinstance(layer.renderer(), QgsGraduatedSymbolRenderer)
    project.clear()


def memory_layer(geometry: str, fields: str, rows: list) -> QgsVectorLayer:
    layer = QgsVectorLayer(f"{geometry}?crs=EPSG:32650&{fields}", "test", "memory")
    features = []
    for wkt, attributes in rows:
        feature = QgsFeature(layer.fields())
        feature.setGeometry(QgsGeometry.fromWkt(wkt))
        feature.setAttributes(attributes)
        features.append(feature)
    layer.dataProvider().addFeatures(features)
    return layer


def svg_files(symbol) -> list:
    return [
        QgsSymbolLayerUtils.svgSymbolNameToPath(layer.path(), QgsPathResolver())
        for layer in symbol.symbolLayers()
        if isinstance(layer, QgsSvgMarkerSymbolLayer)
    ]


def test_facilities_get_a_symbol_per_type_of_the_standard(qgis_app):
    layer = memory_layer("Point", "field=type_code:string", [("POINT (0 0)", ["kindergarten"])])
    standard = load_standard()
    apply_style(layer, "facilities", StyleSettings(language="zh_CN", standard=standard))
    renderer = layer.renderer()
    assert isinstance(renderer, QgsCategorizedSymbolRenderer)
    categories = renderer.categories()
    assert [str(c.value()) for c in categories] == [*standard.codes(), ""]
    assert categories[0].label() == standard.types[0].name_zh
    # Every built-in type has an icon from QGIS's own SVG library, present on this system.
    for category in categories[:-1]:
        files = svg_files(category.symbol())
        assert files and all(Path(path).is_file() for path in files), category.value()
    assert not svg_files(categories[-1].symbol())  # 'other' is a plain dot


def test_suggested_sites_and_their_units_are_styled(project):
    import processing

    inputs = gap_parameters("TEMPORARY_OUTPUT")
    del inputs["OUTPUT"], inputs["SUMMARY"]
    processing.runAndLoadResults(
        "completecommunity:suggestsites",
        {
            **inputs,
            "FACILITY_TYPE": "fresh_market",
            "SITES": 2,
            "OUTPUT": "TEMPORARY_OUTPUT",
            "UNITS_OUTPUT": "TEMPORARY_OUTPUT",
            "CURVE": "TEMPORARY_OUTPUT",
        },
        feedback=Log(),
    )
    layers = {layer.name(): layer for layer in project.mapLayers().values() if layer.isSpatial()}
    sites = next(layer for layer in layers.values() if "rank" in layer.fields().names())
    assert sites.renderer().symbol().type() == 0 and sites.labelsEnabled()
    assert sites.labeling().settings().fieldName == "rank"
    units = next(layer for layer in layers.values() if "status_text" in layer.fields().names())
    renderer = units.renderer()
    assert isinstance(renderer, QgsCategorizedSymbolRenderer)
    labels = {str(c.value()): c.label() for c in renderer.categories()}
    assert labels == {
        "covered_before": "Covered before",
        "newly_covered": "Newly covered by a suggested site",
        "not_covered": "Still not covered",
        "unreachable": "Unreachable",
    }
    statuses = {row["status"] for row in records(units)}
    assert "newly_covered" in statuses and statuses <= set(labels)


def test_suggested_sites_and_plan_projects(qgis_app):
    sites = memory_layer(
        "Point",
        "field=rank:integer&field=pop_gained:double",
        [("POINT (0 0)", [1, 350.0]), ("POINT (100 0)", [2, 120.0])],
    )
    apply_style(sites, "suggested_sites", StyleSettings(language="en"))
    assert sites.renderer().symbol().type() == 0  # a marker
    assert sites.labelsEnabled() and sites.labeling().settings().fieldName == "rank"
    for geometry in ("Point", "Polygon"):
        wkt = "POINT (0 0)" if geometry == "Point" else "POLYGON ((0 0, 1 0, 1 1, 0 0))"
        projects = memory_layer(geometry, "field=status:string", [(wkt, ["planned"])])
        apply_style(projects, "plan_projects", StyleSettings(language="zh_CN"))
        labels = {str(c.value()): c.label() for c in projects.renderer().categories()}
        assert labels == {
            "reserve": "储备",
            "planned": "计划",
            "under_construction": "在建",
            "completed": "完工",
        }


def test_gap_units_given_as_points_are_drawn_with_markers(qgis_app):
    layer = memory_layer(
        "Point", "field=ok_kindergarten:integer", [("POINT (0 0)", [1]), ("POINT (9 9)", [0])]
    )
    apply_style(layer, "gap_units", StyleSettings())
    renderer = layer.renderer()
    assert all(r.symbol().type() == 0 for r in renderer.ranges())  # QgsSymbol.Marker
    assert evaluate(renderer.classAttribute(), layer) == [1.0, 0.0]


def test_every_style_file_is_used_and_loads(qgis_app):
    used = set()
    for name in STYLES:
        for geometry in ("Polygon", "Point", "LineString"):
            layer = memory_layer(geometry, "field=status:string", [])
            try:
                apply_style(layer, name, StyleSettings())
            except Exception:
                continue
            used.add(name)
            break
    assert used == set(STYLES)
    files = {path.stem for path in STYLES_DIR.glob("*.qml")}
    referenced = {
        match
        for path in Path(STYLES_DIR.parent.parent / "processing" / "maps").glob("*.py")
        for match in re.findall(r'"([a-z_]+)"', path.read_text(encoding="utf-8"))
    }
    assert files <= referenced, files - referenced
