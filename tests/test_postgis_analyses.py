"""The analyses with their data in PostGIS: inputs read from PostGIS layers, outputs written to
PostGIS tables through QGIS's own destinations (``postgres:<data source>``), on a real server.

The Nanjing sample is copied into a schema of the suite's cluster with GDAL; each analysis runs
once on the GeoPackage and once on PostGIS, and the tables it wrote to the database must hold
the same rows as the files — where data lives must not change a single result. A plan store in
the same database is given to ``tieredprovision`` by its address.
"""

from __future__ import annotations

import uuid
from typing import Any, Dict

import pytest
import sample_copy
from qgis.core import QgsDataSourceUri, QgsVectorLayer
from qgis_helpers import Log, records

from complete_community.scoring.plan import Changes, PlanInfo, PlanStore, Project
from complete_community.scoring.plan.postgis import address_text

SAMPLE = sample_copy.SAMPLE  # the session's copy, never sample/ itself
LAYERS = ("compounds", "communities", "districts", "facilities", "roads")

pytestmark = pytest.mark.usefixtures("postgis_server")


class Database:
    """The sample in schema ``sample``, results in schema ``results``, as QGIS URIs."""

    def __init__(self, cluster) -> None:
        self.cluster = cluster
        suffix = uuid.uuid4().hex[:8]
        self.sample, self.results = f"sample_{suffix}", f"results_{suffix}"

    def uri(self, schema: str, table: str, geometry: str = "geom") -> QgsDataSourceUri:
        params = self.cluster.params()
        uri = QgsDataSourceUri()
        uri.setConnection(params["host"], params["port"], params["dbname"], params["user"], "")
        uri.setDataSource(schema, table, geometry, "", "fid" if schema == self.sample else "")
        return uri

    def layer(self, table: str) -> str:
        """An input: ``postgres://`` and the layer's data source, as Processing reads it."""
        return "postgres://" + self.uri(self.sample, table).uri(False)

    def output(self, table: str, geometry: bool = True) -> str:
        """A destination table (QGIS's ``postgres:`` destination)."""
        return "postgres:" + self.uri(self.results, table, "geom" if geometry else "").uri(False)

    def read(self, table: str, geometry: bool = True) -> list:
        layer = QgsVectorLayer(
            self.uri(self.results, table, "geom" if geometry else "").uri(False), table, "postgres"
        )
        assert layer.isValid(), table
        return records(layer)


@pytest.fixture(scope="module")
def database(postgis_server):
    from osgeo import gdal

    gdal.UseExceptions()
    base = Database(postgis_server)
    postgis_server.execute("plans", f'CREATE SCHEMA "{base.sample}"')
    postgis_server.execute("plans", f'CREATE SCHEMA "{base.results}"')
    connection = "PG:" + " ".join(f"{k}='{v}'" for k, v in postgis_server.params().items())
    for layer in LAYERS:
        gdal.VectorTranslate(
            connection,
            str(SAMPLE),
            options=gdal.VectorTranslateOptions(
                accessMode="update",
                layers=[layer],
                layerName=layer,
                layerCreationOptions=[f"SCHEMA={base.sample}", "GEOMETRY_NAME=geom", "FID=fid"],
            ),
        )
    return base


def sample_count(layer: str) -> int:
    return QgsVectorLayer(f"{SAMPLE}|layername={layer}").featureCount()


def without_fid(rows: list) -> list:
    return [{k: v for k, v in row.items() if k not in ("fid", "id")} for row in rows]


def by(key: str, rows: list) -> Dict[Any, dict]:
    return {row[key]: row for row in without_fid(rows)}


def test_the_inputs_are_real_postgis_layers(database):
    for table in LAYERS:
        layer = QgsVectorLayer(database.layer(table)[len("postgres://") :], table, "postgres")
        assert layer.isValid() and layer.providerType() == "postgres"
        assert layer.featureCount() == QgsVectorLayer(f"{SAMPLE}|layername={table}").featureCount()


def gap_inputs(layer) -> Dict[str, Any]:
    return {
        "UNITS": layer("compounds"),
        "UNIT_ID_FIELD": "compound_id",
        "POPULATION_FIELD": "population",
        "FACILITIES": layer("facilities"),
        "TYPE_FIELD": "类型",
        "NETWORK": layer("roads"),
        "SNAP_TOLERANCE": 150,
    }


def test_facility_gap_reads_postgis_layers_and_writes_postgis_tables(plugin, database):
    import processing

    from_files = processing.run(
        "completecommunity:facilitygap",
        {**gap_inputs(lambda t: f"{SAMPLE}|layername={t}"), "OUTPUT": "TEMPORARY_OUTPUT",
         "SUMMARY": "TEMPORARY_OUTPUT"},
        feedback=Log(),
    )  # fmt: skip
    log = Log()
    in_database = processing.run(
        "completecommunity:facilitygap",
        {**gap_inputs(database.layer), "OUTPUT": database.output("gaps"),
         "SUMMARY": database.output("gap_summary", geometry=False)},
        feedback=log,
    )  # fmt: skip
    assert in_database["DISTANCE_MODE"] == "network"
    written = database.read("gaps")
    assert len(written) == sample_count("compounds")
    assert by("compound_id", written) == by("compound_id", records(from_files["OUTPUT"]))
    summary = database.read("gap_summary", geometry=False)
    assert by("type_code", summary) == by("type_code", records(from_files["SUMMARY"]))
    assert any(row["n_gaps"] > 0 for row in written)


def identified(rows: list) -> Dict[tuple, dict]:
    """Rows by what they are about (tier, unit, type, facility ...), not by their order."""
    keys = [k for k in ("tier", "unit_id", "type_code", "facility_id", "from_unit", "to_unit",
                        "project_id", "compound_id", "community_id", "district_id")
            if rows and k in rows[0]]  # fmt: skip
    table = {tuple(row[k] for k in keys): row for row in rows}
    assert len(table) == len(rows), f"rows not told apart by {keys}"
    return table


def provision_inputs(layer) -> Dict[str, Any]:
    return {
        "DISTRICTS": layer("districts"),
        "DISTRICT_ID_FIELD": "district_id",
        "COMMUNITIES": layer("communities"),
        "COMMUNITY_ID_FIELD": "community_id",
        "COMMUNITY_DISTRICT_FIELD": "district_id",
        "COMPOUNDS": layer("compounds"),
        "COMPOUND_ID_FIELD": "compound_id",
        "COMPOUND_COMMUNITY_FIELD": "community_id",
        "POPULATION_FIELD": "population",
        "FACILITIES": layer("facilities"),
        "FACILITY_ID_FIELD": "osm_id",
        "TYPE_FIELD": "类型",
        "NETWORK": layer("roads"),
    }


def test_tiered_provision_with_a_postgis_plan_store_writes_postgis_tables(
    plugin, database, postgis_server, tmp_path
):
    import processing

    schema = f"plan_{uuid.uuid4().hex[:8]}"
    params = postgis_server.params()
    address = address_text(schema, **{k: v for k, v in params.items() if k != "password"})
    store = PlanStore.create(address, PlanInfo(name="玄武区规划"), "EPSG:32650")
    facility = next(QgsVectorLayer(f"{SAMPLE}|layername=compounds").getFeatures())
    point = facility.geometry().pointOnSurface().asPoint()
    from shapely.geometry import Point

    store.save(
        Changes(projects=[Project.new(facility["community_id"], "新建幼儿园", "kindergarten",
                                      "planned", geometry=Point(point.x(), point.y()))])
    )  # fmt: skip
    tables = {
        "OUTPUT_TABLE": ("provision", False),
        "SHARING": ("sharing", False),
        "DISTRICTS_OUTPUT": ("provision_districts", True),
        "COMMUNITIES_OUTPUT": ("provision_communities", True),
        "COMPOUNDS_OUTPUT": ("provision_compounds", True),
        "PLAN_CHANGES": ("plan_changes", False),
    }
    from_files = processing.run(
        "completecommunity:tieredprovision",
        {**provision_inputs(lambda t: f"{SAMPLE}|layername={t}"), "PLAN_STORE": address,
         **{name: str(tmp_path / f"{table}.gpkg") for name, (table, _g) in tables.items()}},
        feedback=Log(),
    )  # fmt: skip
    log = Log()
    processing.run(
        "completecommunity:tieredprovision",
        {**provision_inputs(database.layer), "PLAN_STORE": address,
         **{name: database.output(table, geometry) for name, (table, geometry) in tables.items()}},
        feedback=log,
    )  # fmt: skip
    assert any("1 projects of the statuses" in text for text in log.infos), log.infos
    for name, (table, geometry) in tables.items():
        written = without_fid(database.read(table, geometry))
        expected = without_fid(records(from_files[name]))
        assert len(written) == len(expected), name
        assert identified(written) == identified(expected), name
    changes = database.read("plan_changes", geometry=False)
    assert changes, "the plan's kindergarten changes a deficit"


def test_the_model_runs_on_postgis_layers_into_postgis_tables(plugin, database, tmp_path):
    import processing

    inputs = {
        "COMPOUNDS": database.layer("compounds"),
        "COMPOUND_ID_FIELD": "compound_id",
        "POPULATION_FIELD": "population",
        "COMMUNITIES": database.layer("communities"),
        "COMMUNITY_ID_FIELD": "community_id",
        "DISTRICTS": database.layer("districts"),
        "DISTRICT_ID_FIELD": "district_id",
        "FACILITIES": database.layer("facilities"),
        "TYPE_FIELD": "类型",
        "NETWORK": database.layer("roads"),
        "SNAP_TOLERANCE": 150,
    }
    outputs = {
        "exportworkbook:WORKBOOK": str(tmp_path / "evaluation.xlsx"),
        "facilitygap:GAPS": database.output("model_gaps"),
        "tieredprovision:PROVISION": database.output("model_provision", geometry=False),
        "rubricscore:SCORES": database.output("model_scores"),
    }
    log = Log()
    results = processing.run(
        "completecommunity:completecommunityevaluation", {**inputs, **outputs}, feedback=log
    )
    assert (tmp_path / "evaluation.xlsx").stat().st_size > 0
    assert len(database.read("model_gaps")) == sample_count("compounds")
    scores = database.read("model_scores")
    communities = sample_count("communities")
    assert len(scores) == communities and all(row["total"] is not None for row in scores)
    assert results["rubricscore:SCORES"]
    import openpyxl

    book = openpyxl.load_workbook(tmp_path / "evaluation.xlsx", read_only=True)
    assert "汇总表" in book.sheetnames and len(book.sheetnames) == 5 + communities
    book.close()
