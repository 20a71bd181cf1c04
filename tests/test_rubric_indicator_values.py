"""Indicator values per community from the facility-gap and provision outputs (QGIS-free).

Every expected value is worked out by hand from the small tables below; the comments show the
arithmetic.
"""

from __future__ import annotations

from typing import Any, Dict

import pytest

from complete_community.scoring.errors import DataError
from complete_community.scoring.rubric import (
    PROVISION_COLUMNS,
    GapRow,
    compute_indicators,
    find_indicator,
    read_provision_rows,
)

# ------------------------------------------------------------------ coverage from gap rows

GAP_ROWS = [
    GapRow("A1", "C1", 3000, {"kg": 1, "park": 0}),
    GapRow("A2", "C1", 1000, {"kg": 0, "park": 1}),
    GapRow("A3", "C1", None, {"kg": 1, "park": 1}),  # no population: left out
    GapRow("B1", "C2", "2000", {"kg": "1", "park": ""}),  # CSV text; park unknown
    GapRow("B2", "C2", 0, {"kg": 0, "park": 1}),  # no residents: weight 0
    GapRow("D1", 3.0, 500, {"kg": 0, "park": True}),  # community 3 written as a real
    GapRow("X1", None, 800, {"kg": 1, "park": 1}),  # in no community
    GapRow("X2", "C9", 800, {"kg": 1, "park": 1}),  # in a community not scored
    GapRow("X3", "C9", 100, {"kg": 1, "park": 1}),
]
COMMUNITIES = ["C1", "C2", 3, "C4"]


def test_coverage_is_population_weighted_and_unknown_without_residents() -> None:
    table = compute_indicators(COMMUNITIES, GAP_ROWS)
    values = table.values
    assert list(values) == COMMUNITIES
    # C1: kindergarten 3000 of 3000 + 1000 residents; park 1000 of 4000 (A3 has no population)
    assert values["C1"]["coverage_kg"] == 0.75
    assert values["C1"]["coverage_park"] == 0.25
    # C2: B1's 2000 covered, B2 has nobody; park: B1 unknown, B2 weighs 0 -> no data
    assert values["C2"]["coverage_kg"] == 1.0
    assert values["C2"]["coverage_park"] is None
    assert values[3]["coverage_kg"] == 0.0 and values[3]["coverage_park"] == 1.0
    assert values["C4"] == {"coverage_kg": None, "coverage_park": None, "population": None}
    assert table.unassigned_compounds == ("X1",)
    assert table.compounds_elsewhere == {"C9": ("X2", "X3")}
    assert table.compounds_without_population == ("A3",)
    assert table.communities_without_compounds == ("C4",)
    assert table.communities_not_in_provision == ()


def test_population_from_gap_rows_and_range_from_the_standard() -> None:
    values = compute_indicators(COMMUNITIES, GAP_ROWS, community_range=(1000, 3000)).values
    # C1 has a compound without population: its sum is unknown
    assert values["C1"]["population"] is None and values["C1"]["population_in_range"] is None
    assert values["C2"]["population"] == 2000.0 and values["C2"]["population_in_range"] == 1.0
    assert values[3]["population"] == 500.0 and values[3]["population_in_range"] == 0.0
    # exactly at either end of the range is in range
    edges = [GapRow("e1", "lo", 1000, {}), GapRow("e2", "hi", 3000, {})]
    at_edges = compute_indicators(["lo", "hi"], edges, community_range=(1000, 3000)).values
    assert at_edges["lo"]["population_in_range"] == at_edges["hi"]["population_in_range"] == 1.0


def test_nothing_given_gives_no_indicators() -> None:
    table = compute_indicators(["C1"])
    assert table.values == {"C1": {}} and table.available == ()


def test_gap_values_that_are_not_numbers_are_refused_naming_compound_and_field() -> None:
    with pytest.raises(DataError, match=r"Compound A1: field 'ok_kg' must be 1, 0 or empty"):
        compute_indicators(["C1"], [GapRow("A1", "C1", 10, {"kg": 2})])
    with pytest.raises(DataError, match=r"Compound A1: field 'population' .* got 'many'"):
        compute_indicators(["C1"], [GapRow("A1", "C1", "many", {"kg": 1})])
    with pytest.raises(DataError, match=r"Community 1 appears more than once"):
        compute_indicators([1, "1"], [])


# ------------------------------------------------------------------ indicators from provision


def provision_row(tier, unit, parent, population, code, **values: Any) -> Dict[str, Any]:
    row: Dict[str, Any] = {column: None for column in PROVISION_COLUMNS}
    row.update(
        tier=tier,
        unit_id=unit,
        parent_id=parent,
        population=population,
        type_code=code,
        mandatory=1,
        own_count=0,
        shared_count=0,
        deficit_count=0,
        provision_status="ok",
        size_flag="",
    )
    row.update(values)
    return row


PROVISION = [
    # district D1: a health centre of its own; no area rule
    provision_row("district", "D1", None, 25000, "centre", own_count=1),
    # C1: its station is shared from a neighbour and 50 m² short
    provision_row(
        "community",
        "C1",
        "D1",
        5000,
        "station",
        shared_count=1,
        req_floor_area=300,
        deficit_floor_area=50,
        provision_status="area_short",
    ),
    # C2: 20,000 people is too many for a community, but its station is fine (CSV text cells)
    provision_row(
        "community",
        "C2",
        "D1",
        "20000",
        "station",
        own_count="1",
        req_floor_area="600",
        deficit_floor_area="0",
        status="size_mismatch",
        size_flag="too_large",
    ),
    provision_row("community", "C9", "D1", 100, "station", deficit_count=1, provision_status="ok"),
    # C1's compounds K1 and K2: a hall each needed (100 m² floor), a yard each (200 m² land)
    provision_row(
        "neighbourhood",
        "K1",
        "C1",
        3000,
        "hall",
        own_count=1,
        req_floor_area=100,
        deficit_floor_area=0,
    ),
    provision_row(
        "neighbourhood",
        "K1",
        "C1",
        3000,
        "yard",
        mandatory=0,
        deficit_count=1,
        req_land_area=200,
        deficit_land_area=200,
        provision_status="missing",
    ),
    provision_row(
        "neighbourhood",
        "K2",
        "C1",
        2000,
        "hall",
        deficit_count=1,
        req_floor_area=100,
        deficit_floor_area=100,
        provision_status="missing",
    ),
    provision_row(
        "neighbourhood",
        "K2",
        "C1",
        2000,
        "yard",
        mandatory="0",
        own_count=1,
        req_land_area=200,
        deficit_land_area=None,
        flags="land_area_unknown",
    ),
]


def test_indicators_from_the_provision_table_per_tier() -> None:
    table = compute_indicators(["C1", "C2", "C4"], provision=read_provision_rows(PROVISION))
    c1, c2, c4 = (table.values[key] for key in ("C1", "C2", "C4"))
    # community tier: the community's own row
    assert (c1["has_station"], c1["count_deficit_station"]) == (1.0, 0.0)  # shared counts
    assert (c1["area_deficit_station"], c1["status_ok_station"]) == (50.0, 0.0)
    # ... the arithmetic's finding, not the size flag: C2's station is ok though 规模不符
    assert (c2["has_station"], c2["area_deficit_station"], c2["status_ok_station"]) == (1, 0, 1)
    # neighbourhood tier: compounds combined — any has one, counts and areas add up, ok only
    # when all are ok; a land-area-only type uses the land deficit; an unknown area is unknown
    assert (c1["has_hall"], c1["count_deficit_hall"], c1["area_deficit_hall"]) == (1, 1, 100)
    assert c1["status_ok_hall"] == 0.0
    assert (c1["has_yard"], c1["count_deficit_yard"], c1["area_deficit_yard"]) == (1, 1, None)
    assert c1["status_ok_yard"] == 0.0
    # C2 has no compounds: no data for neighbourhood-tier types
    assert [c2[f"{kind}_hall"] for kind in ("has", "count_deficit", "status_ok")] == [None] * 3
    # district tier: the row of the community's district (no area rule: no area deficit)
    for values in (c1, c2):
        assert values["has_centre"] == 1.0 and values["status_ok_centre"] == 1.0
        assert values["count_deficit_centre"] == 0.0 and values["area_deficit_centre"] is None
    assert (c1["population"], c1["population_in_range"]) == (5000.0, 1.0)
    assert (c2["population"], c2["population_in_range"]) == (20000.0, 0.0)
    # mandatory community/neighbourhood types short: station and hall (yard is optional)
    assert (c1["types_short"], c2["types_short"]) == (2.0, 0.0)
    # C4 is not in the table: every provision indicator is unknown
    assert all(value is None for value in c4.values()) and "types_short" in c4
    assert table.communities_not_in_provision == ("C4",)
    assert table.provision_communities_unknown == ("C9",)
    for name in table.available:
        assert find_indicator(name) is not None, name


def test_a_community_without_a_district_has_no_district_values() -> None:
    rows = [*PROVISION, provision_row("community", "C3", None, 4000, "station", own_count=1)]
    table = compute_indicators(["C3", "C1"], provision=read_provision_rows(rows))
    c3, c1 = table.values["C3"], table.values["C1"]
    assert c3["has_station"] == 1.0 and c1["has_centre"] == 1.0
    kinds = ("has", "count_deficit", "area_deficit", "status_ok")
    assert [c3[f"{kind}_centre"] for kind in kinds] == [None] * 4


def compounds_of_c1(code: str, deficits, areas) -> list:
    """C1 and one neighbourhood-tier row per compound of C1, with these deficits."""
    rows = [provision_row("community", "C1", "D1", 5000, "station")]
    for number, (deficit, area) in enumerate(zip(deficits, areas)):
        rows.append(
            provision_row(
                "neighbourhood",
                f"K{number}",
                "C1",
                100,
                code,
                deficit_count=deficit,
                req_floor_area=1,
                deficit_floor_area=area,
                provision_status="missing",
            )
        )
    return rows


def test_compound_deficits_add_up_correctly_rounded() -> None:
    # 0.1 + 0.2 + 0.3 is 0.6000000000000001 added left to right; the exact sum rounds to 0.6
    rows = compounds_of_c1("hall", [1, 2, 3], [0.1, 0.2, 0.3])
    c1 = compute_indicators(["C1"], provision=read_provision_rows(rows)).values["C1"]
    assert (c1["count_deficit_hall"], c1["area_deficit_hall"]) == (6.0, 0.6)
    assert (c1["has_hall"], c1["status_ok_hall"]) == (0.0, 0.0)
    # whole numbers beyond 2**53: float addition would lose both 1s, the exact sum keeps them
    rows = compounds_of_c1("hall", [2.0**53, 1, 1], [None, 5, 5])
    c1 = compute_indicators(["C1"], provision=read_provision_rows(rows)).values["C1"]
    assert c1["count_deficit_hall"] == 2.0**53 + 2 and c1["area_deficit_hall"] is None


def test_provision_records_are_the_rows_typed() -> None:
    records = read_provision_rows(PROVISION).records()
    assert [record.row for record in records] == list(range(1, len(PROVISION) + 1))
    district, _c1, c2 = records[:3]
    assert (district.tier, district.unit_id, district.parent_id) == ("district", "D1", "")
    assert (c2.population, c2.own_count, c2.deficit_floor_area) == (20000.0, 1.0, 0.0)
    yard = records[5]  # a land-area rule only: no floor area
    assert (yard.mandatory, yard.req_floor_area, yard.deficit_land_area) == (False, None, 200.0)
    assert records[7].deficit_land_area is None and records[7].provision_status == "ok"


def test_a_land_area_rule_alone_gives_the_land_area_deficit() -> None:
    # C1 with K1 only: the yard has no floor-area rule, so its deficit is the land area's;
    # with K2 too, whose yard's land area is unknown, the sum is unknown
    only_k1 = compute_indicators(["C1"], provision=read_provision_rows(PROVISION[:6]))
    assert only_k1.values["C1"]["area_deficit_yard"] == 200.0
    both = compute_indicators(["C1"], provision=read_provision_rows(PROVISION))
    assert both.values["C1"]["area_deficit_yard"] is None


def test_provision_population_wins_over_the_gap_sum() -> None:
    gaps = [GapRow("K1", "C1", 10, {"hall": 1}), GapRow("Z", "C4", 70, {"hall": 0})]
    table = compute_indicators(
        ["C1", "C4"], gaps, read_provision_rows(PROVISION), community_range=(50, 100)
    )
    assert table.values["C1"]["population"] == 5000.0
    assert table.values["C1"]["population_in_range"] == 1.0  # the table's size flag
    # C4 is missing from the table: the compounds' sum and the standard's range stand in
    assert table.values["C4"]["population"] == 70.0
    assert table.values["C4"]["population_in_range"] == 1.0


def test_planned_projects_default_to_zero() -> None:
    values = compute_indicators(["C1", 2], planned_projects={"2": 3}).values
    assert values == {"C1": {"planned_projects": 0.0}, 2: {"planned_projects": 3.0}}
    with pytest.raises(DataError, match=r"Community C1: .* got 'some'"):
        compute_indicators(["C1"], planned_projects={"C1": "some"})


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"tier": "city"}, r"row 2: column 'tier' must be one of district, community, neighb"),
        ({"provision_status": "great"}, r"row 2: column 'provision_status' must be one of ok"),
        ({"own_count": "1,0"}, r"row 2: column 'own_count' must be a number, got '1,0'"),
        ({"deficit_count": ""}, r"row 2: column 'deficit_count' is empty"),
        ({"unit_id": None}, r"row 2: column 'unit_id' is empty"),
        ({"unit_id": "D1", "tier": "district", "type_code": "centre"}, r"already in row 1"),
        (
            {"tier": "district", "type_code": "station"},
            r"row 3: facility type station is at tier community here but at tier district in row 2",
        ),
    ],
)
def test_malformed_provision_rows_are_refused_naming_row_and_column(change, message) -> None:
    rows = [dict(PROVISION[0]), {**PROVISION[1], **change}, PROVISION[2]]
    with pytest.raises(DataError, match=message):
        read_provision_rows(rows, source="provision.csv")


def test_a_table_that_is_not_the_provision_table_is_refused() -> None:
    row = dict(PROVISION[0])
    del row["provision_status"]
    with pytest.raises(DataError, match=r"t.csv: column 'provision_status' is missing"):
        read_provision_rows([row], source="t.csv")
    with pytest.raises(DataError, match=r"t.csv: column 'deficit_count' is missing"):
        columns = [column for column in PROVISION_COLUMNS if column != "deficit_count"]
        read_provision_rows([], source="t.csv", columns=columns)
