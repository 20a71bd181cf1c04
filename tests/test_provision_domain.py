"""Tiered provisioning arithmetic on cases small enough to work out by hand.

Each test builds its own small standard (only the types it is about) so that the expected
tables can be written out in full. Populations and areas are chosen so that every
apportioned share is an exact binary fraction or a round number.
"""

from __future__ import annotations

import math
from typing import Any, Dict, List, Optional

import pytest

from complete_community.scoring.errors import Cancelled, DataError
from complete_community.scoring.network.measure import walking_time
from complete_community.scoring.provision import (
    COMMUNITY,
    DISTRICT,
    FLAG_FLOOR_AREA_UNKNOWN,
    FLAG_ZERO_POPULATION,
    NEIGHBOURHOOD,
    REASON_NOT_ASSESSED,
    REASON_OUTSIDE_UNITS,
    REASON_UNKNOWN_TYPE,
    REASON_UNTYPED,
    SIZE_IN_RANGE,
    SIZE_TOO_LARGE,
    SIZE_TOO_SMALL,
    STATUS_AREA_SHORT,
    STATUS_MISSING,
    STATUS_OK,
    STATUS_OK_SHARED,
    STATUS_SIZE_MISMATCH,
    Allocation,
    Facility,
    ProvisionRow,
    ReachTable,
    Straddle,
    TierSummary,
    Unit,
    UnitOverlap,
    UnusedFacility,
    assign_parents,
    overlapping_units,
    provision,
    roll_up,
    share_reach_by_type,
    status_label,
    summarise_tiers,
    summarise_units,
)
from complete_community.scoring.standard import load_standard, parse_standard

# ------------------------------------------------------------------ helpers


def make_standard(*types: Dict[str, Any], tiers: Optional[Dict[str, Any]] = None):
    """A standard with the given type records (only the fields that matter are passed)."""
    ranges = {DISTRICT: (5000, 100000), COMMUNITY: (3000, 12000), NEIGHBOURHOOD: (1000, 3000)}
    ranges.update(tiers or {})
    records = []
    for record in types:
        full = {
            "name_zh": "类型" + record["code"],
            "name_en": "Type " + record["code"],
            "life_circle": 5,
            "radius_m": 300,
            "mandatory": True,
            "source": "test",
        }
        full.update(record)
        records.append(full)
    return parse_standard(
        {
            "name": {"zh": "测试", "en": "Test"},
            "version": "t",
            "notice": {"zh": "测试", "en": "Test"},
            "tiers": {
                tier: {
                    "name_zh": tier,
                    "name_en": tier,
                    "population": {"min": low, "max": high},
                    "source": "test",
                }
                for tier, (low, high) in ranges.items()
            },
            "types": records,
        }
    )


SHARED_STATION = {
    "code": "station",
    "tier": COMMUNITY,
    "count": {"per": "unit"},
    "floor_area": {"min_m2": 800},
    "sharing": {"shareable": True, "reach_m": 300},
}


def communities(**populations: float) -> List[Unit]:
    """Communities given with their population directly (the lowest tier present)."""
    return [Unit(uid, COMMUNITY, None, people) for uid, people in populations.items()]


#: Default capacity of an expected row: 0.0 when no facility is used, else unknown (None).
_NOTHING_KNOWN = object()


def row(
    unit_id: Any,
    population: float,
    *,
    tier: str = COMMUNITY,
    parent_id: Any = None,
    type_code: str = "station",
    mandatory: bool = True,
    required_count: int = 1,
    own: tuple = (),
    shared: tuple = (),
    deficit_count: int = 0,
    floor: tuple = (None, None, None),
    land: tuple = (None, None, None),
    capacity: Any = _NOTHING_KNOWN,
    status: str = STATUS_OK,
    provision_status: Optional[str] = None,
    size_flag: str = SIZE_IN_RANGE,
    flags: tuple = (),
) -> ProvisionRow:
    """An expected row; ``floor`` and ``land`` are (required, existing, deficit)."""
    return ProvisionRow(
        tier=tier,
        unit_id=unit_id,
        parent_id=parent_id,
        population=population,
        type_code=type_code,
        mandatory=mandatory,
        required_count=required_count,
        own_count=len(own),
        shared_count=len(shared),
        deficit_count=deficit_count,
        required_floor_area=floor[0],
        existing_floor_area=floor[1],
        deficit_floor_area=floor[2],
        required_land_area=land[0],
        existing_land_area=land[1],
        deficit_land_area=land[2],
        existing_capacity=(
            capacity if capacity is not _NOTHING_KNOWN else (None if own or shared else 0.0)
        ),
        status=status,
        provision_status=provision_status or status,
        size_flag=size_flag,
        flags=flags,
        own_facility_ids=own,
        shared_facility_ids=shared,
    )


def station(fid: Any, community: Any, floor_area: Any, **extra: Any) -> Facility:
    return Facility(fid, "station", community_id=community, floor_area=floor_area, **extra)


# ------------------------------------------------------------------ sharing and apportioning


def test_three_communities_share_one_complex_apportioned_by_population():
    """民主村: one 3,000 m² complex in C1 serves C1, C2 and C3 (6,000 / 5,000 / 4,000)."""
    standard = make_standard(SHARED_STATION)
    units = [
        Unit("D", DISTRICT),
        Unit("C1", COMMUNITY, "D"),
        Unit("C2", COMMUNITY, "D"),
        Unit("C3", COMMUNITY, "D"),
        Unit("K11", NEIGHBOURHOOD, "C1", 3000),
        Unit("K12", NEIGHBOURHOOD, "C1", 3000),
        Unit("K21", NEIGHBOURHOOD, "C2", 2500),
        Unit("K22", NEIGHBOURHOOD, "C2", 2500),
        Unit("K31", NEIGHBOURHOOD, "C3", 2000),
        Unit("K32", NEIGHBOURHOOD, "C3", 2000),
    ]
    complex_ = station("F", "C1", 3000, capacity=150, district_id="D", neighbourhood_id="K11")
    reach = ReachTable.from_pairs(COMMUNITY, [("F", "C1", 0.0), ("F", "C2", 200), ("F", "C3", 250)])

    result = provision(standard, units, [complex_], reach)

    assert result.rows == (
        row("C1", 6000, parent_id="D", own=("F",), floor=(800, 1200, 0), capacity=60),
        row(
            "C2",
            5000,
            parent_id="D",
            shared=("F",),
            floor=(800, 1000, 0),
            capacity=50,
            status=STATUS_OK_SHARED,
        ),
        row(
            "C3",
            4000,
            parent_id="D",
            shared=("F",),
            floor=(800, 800, 0),
            capacity=40,
            status=STATUS_OK_SHARED,
        ),
    )
    assert result.allocations == (
        Allocation(
            COMMUNITY, "station", "F", "station", "C1", True, None, 6000, 0.4, 1200, None, 60
        ),
        # Shared: the reach table's distance, and (metres) the length walked.
        Allocation(
            COMMUNITY,
            "station",
            "F",
            "station",
            "C2",
            False,
            200,
            5000,
            1 / 3,
            1000,
            None,
            50,
            route_m=200,
        ),
        Allocation(
            COMMUNITY,
            "station",
            "F",
            "station",
            "C3",
            False,
            250,
            4000,
            4 / 15,
            800,
            None,
            40,
            route_m=250,
        ),
    )
    # Never tripled: the portions add up to the complex, not to three complexes.
    assert math.fsum(a.floor_area for a in result.allocations) == 3000
    assert math.fsum(r.existing_floor_area for r in result.rows) == 3000
    assert result.unused_facilities == ()


def test_higher_type_satisfies_lower_requirement_but_not_the_reverse():
    """A 社区卫生服务中心 counts as its 社区's 卫生服务站 and is shared to a neighbour in
    reach; a 卫生服务站 never counts as a 卫生服务中心."""
    standard = make_standard(
        {
            "code": "health_station",
            "tier": COMMUNITY,
            "count": {"per": "unit"},
            "floor_area": {"min_m2": 120},
            "sharing": {"shareable": True, "reach_m": 300},
            "satisfied_by": ["health_centre"],
        },
        {
            "code": "health_centre",
            "tier": DISTRICT,
            "life_circle": 15,
            "radius_m": 1000,
            "count": {"per_people": 100000},
            "floor_area": {"min_m2": 1700},
            "sharing": {"shareable": True, "reach_m": 1000},
        },
    )
    units = [
        Unit("D1", DISTRICT),
        Unit("D2", DISTRICT),
        Unit("C1", COMMUNITY, "D1", None),
        Unit("C2", COMMUNITY, "D1"),
        Unit("C3", COMMUNITY, "D2"),
        Unit("K1", NEIGHBOURHOOD, "C1", 3000),
        Unit("K2", NEIGHBOURHOOD, "C1", 3000),
        Unit("K3", NEIGHBOURHOOD, "C2", 2000),
        Unit("K4", NEIGHBOURHOOD, "C2", 2000),
        Unit("K5", NEIGHBOURHOOD, "C3", 2500),
        Unit("K6", NEIGHBOURHOOD, "C3", 2500),
    ]
    facilities = [
        Facility("H", "health_centre", "D1", "C1", "K1", floor_area=2000),
        Facility("S", "health_station", "D2", "C3", "K5", floor_area=150),
    ]
    # H is 250 m from C2 (within the station's 300 m reach) and 900 m from C3, which has its
    # own station; S is 600 m from district D1.
    reach = ReachTable.from_pairs(COMMUNITY, [("H", "C2", 250), ("H", "C3", 900)])
    reach.extend(DISTRICT, [("S", "D1", 600)])

    result = provision(standard, units, facilities, reach)

    centre, station_ = "health_centre", "health_station"
    assert result.rows == (
        row(
            "D1",
            10000,
            tier=DISTRICT,
            type_code=centre,
            own=("H",),
            floor=(1700, 2000, 0),
        ),
        row(
            "D2",
            5000,
            tier=DISTRICT,
            type_code=centre,
            deficit_count=1,
            floor=(1700, 0, 1700),
            status=STATUS_MISSING,
        ),
        row("C1", 6000, parent_id="D1", type_code=station_, own=("H",), floor=(120, 1200, 0)),
        row(
            "C2",
            4000,
            parent_id="D1",
            type_code=station_,
            shared=("H",),
            floor=(120, 800, 0),
            status=STATUS_OK_SHARED,
        ),
        row("C3", 5000, parent_id="D2", type_code=station_, own=("S",), floor=(120, 150, 0)),
    )
    # At the district tier the centre is D1's alone; at the community tier it is split.
    by_tier = {
        (a.tier, a.unit_id): a.floor_area for a in result.allocations if a.facility_id == "H"
    }
    assert by_tier == {(DISTRICT, "D1"): 2000, (COMMUNITY, "C1"): 1200, (COMMUNITY, "C2"): 800}


def test_area_short_is_not_missing():
    """Enough stations of too small a size: 面积不足; none at all: 缺项; two small ones that
    add up: 达标."""
    standard = make_standard(SHARED_STATION)
    facilities = [
        station("S1", "C1", 500),
        station("S3a", "C3", 300),
        station("S3b", "C3", 600),
    ]

    result = provision(standard, communities(C1=5000, C2=5000, C3=5000), facilities)

    assert result.rows == (
        row("C1", 5000, own=("S1",), floor=(800, 500, 300), status=STATUS_AREA_SHORT),
        row("C2", 5000, deficit_count=1, floor=(800, 0, 800), status=STATUS_MISSING),
        row("C3", 5000, own=("S3a", "S3b"), floor=(800, 900, 0)),
    )


def test_own_unit_first_then_nearest_shared_facility_fills_what_is_left():
    standard = make_standard(SHARED_STATION)
    facilities = [station("A", "C1", 1000), station("B", "C2", 2000)]
    # C1 and C2 have enough of their own, so they share nothing although each is in reach of
    # the other's station; C3 has none and takes the nearer B only.
    reach = ReachTable.from_pairs(
        COMMUNITY, [("A", "C2", 100), ("A", "C3", 200), ("B", "C3", 100), ("B", "C1", 150)]
    )

    result = provision(standard, communities(C1=5000, C2=6000, C3=4000), facilities, reach)

    assert result.rows == (
        row("C1", 5000, own=("A",), floor=(800, 1000, 0)),
        row("C2", 6000, own=("B",), floor=(800, 1200, 0)),
        row("C3", 4000, shared=("B",), floor=(800, 800, 0), status=STATUS_OK_SHARED),
    )
    assert [(a.facility_id, a.unit_id, a.own) for a in result.allocations] == [
        ("A", "C1", True),
        ("B", "C2", True),
        ("B", "C3", False),
    ]


def test_sharing_fills_an_area_shortfall_of_a_unit_that_has_its_own_facility():
    standard = make_standard(SHARED_STATION)
    facilities = [station("A", "C1", 500), station("B", "C2", 2000)]
    reach = ReachTable.from_pairs(COMMUNITY, [("B", "C1", 100)])

    result = provision(standard, communities(C1=5000, C2=5000), facilities, reach)

    assert result.rows == (
        row(
            "C1",
            5000,
            own=("A",),
            shared=("B",),
            floor=(800, 1500, 0),
            status=STATUS_OK_SHARED,
        ),
        row("C2", 5000, own=("B",), floor=(800, 1000, 0)),
    )


def test_a_facility_shared_too_thin_leaves_everyone_it_serves_short():
    """C1's own 1,000 m² is enough for C1 alone, but C2 (as many people, nothing of its own)
    shares it: 500 m² each, both 面积不足 — the facility is too small for both."""
    standard = make_standard(SHARED_STATION)
    reach = ReachTable.from_pairs(COMMUNITY, [("A", "C2", 100)])

    result = provision(standard, communities(C1=5000, C2=5000), [station("A", "C1", 1000)], reach)

    assert result.rows == (
        row("C1", 5000, own=("A",), floor=(800, 500, 300), status=STATUS_AREA_SHORT),
        row("C2", 5000, shared=("A",), floor=(800, 500, 300), status=STATUS_AREA_SHORT),
    )


def test_unshareable_type_and_facilities_beyond_reach_are_not_shared():
    standard = make_standard(
        {**SHARED_STATION, "sharing": {"shareable": False}},
        {
            "code": "toilet",
            "tier": COMMUNITY,
            "count": {"per": "unit"},
            "sharing": {"shareable": True, "reach_m": 300},
        },
    )
    facilities = [station("S", "C1", 900), Facility("T", "toilet", community_id="C1")]
    reach = ReachTable.from_pairs(COMMUNITY, [("S", "C2", 50), ("T", "C2", 300.5)])

    result = provision(standard, communities(C1=5000, C2=5000), facilities, reach)

    rows = {(r.unit_id, r.type_code): (r.status, r.shared_facility_ids) for r in result.rows}
    assert rows == {
        ("C1", "station"): (STATUS_OK, ()),
        ("C1", "toilet"): (STATUS_OK, ()),
        ("C2", "station"): (STATUS_MISSING, ()),
        ("C2", "toilet"): (STATUS_MISSING, ()),
    }


def test_a_reach_table_in_seconds_keeps_the_metres_walked():
    table = ReachTable()
    table.add(COMMUNITY, "F", "C2", 300.0, 240.0)
    table.add(COMMUNITY, "F", "C2", 310.0, 200.0)  # slower: kept out, with its length
    table.add(COMMUNITY, "F", "C3", 100.0)
    assert table.distance(COMMUNITY, "F", "C2") == 300.0
    assert table.length(COMMUNITY, "F", "C2") == 240.0
    assert table.length(COMMUNITY, "F", "C3") == 100.0  # no length: the distance is metres
    assert math.isnan(table.length(COMMUNITY, "F", "C9"))


def test_in_walking_time_sharing_reaches_as_far_as_the_requirements_time():
    """Reach tables in seconds: a toilet shares within its sharing.walk_minutes (5 min), a
    station within its reach_m walked on flat ground at 1.25 m/s (300 m = 240 s), not within
    the metres of reach_m taken as seconds."""
    from complete_community.scoring.network.measure import walking_time

    standard = make_standard(
        SHARED_STATION,
        {
            "code": "toilet",
            "tier": COMMUNITY,
            "count": {"per": "unit"},
            "sharing": {"shareable": True, "reach_m": 200, "walk_minutes": 5},
        },
    )
    facilities = [
        station("S", "C1", 900),
        Facility("T", "toilet", community_id="C1"),
        station("S2", "C3", 900),
    ]
    # C2 walks 250 s to S (beyond 240 s) and 290 s to T (within 300 s, beyond 200);
    # C4 walks 230 s to S2 (within 240 s).
    reach = ReachTable.from_pairs(
        COMMUNITY, [("S", "C2", 250.0), ("T", "C2", 290.0), ("S2", "C4", 230.0)]
    )
    people = communities(C1=5000, C2=5000, C3=5000, C4=5000)

    timed = provision(standard, people, facilities, reach, measure=walking_time(1.25))
    shared = {(r.unit_id, r.type_code): r.shared_facility_ids for r in timed.rows}
    assert shared[("C2", "station")] == () and shared[("C2", "toilet")] == ("T",)
    assert shared[("C4", "station")] == ("S2",)
    # The same table read as metres: 300 m and 200 m.
    metres = {
        (r.unit_id, r.type_code): r.shared_facility_ids
        for r in provision(standard, people, facilities, reach).rows
    }
    assert metres[("C2", "station")] == ("S",) and metres[("C2", "toilet")] == ()


# ------------------------------------------------------------------ population


def test_population_rolls_up_exactly_and_orphans_are_reported():
    units = [
        Unit("D1", DISTRICT),
        Unit("D2", DISTRICT),
        Unit("C1", COMMUNITY, "D1"),
        Unit("C2", COMMUNITY, "D1"),
        Unit("C3", COMMUNITY, "D2"),
        Unit("C4", COMMUNITY, None),  # in no district
        Unit("K1", NEIGHBOURHOOD, "C1", 1200.5),
        Unit("K2", NEIGHBOURHOOD, "C1", 2300.25),
        Unit("K3", NEIGHBOURHOOD, "C2", 1800),
        Unit("K4", NEIGHBOURHOOD, "C3", 2999),
        Unit("K5", NEIGHBOURHOOD, "C4", 1000),
        Unit("K6", NEIGHBOURHOOD, None, 777),  # in no community
    ]

    rollup = roll_up(units)

    assert rollup.population == {
        NEIGHBOURHOOD: {
            "K1": 1200.5,
            "K2": 2300.25,
            "K3": 1800,
            "K4": 2999,
            "K5": 1000,
            "K6": 777,
        },
        COMMUNITY: {"C1": 3500.75, "C2": 1800, "C3": 2999, "C4": 1000},
        DISTRICT: {"D1": 5300.75, "D2": 2999},
    }
    assert rollup.orphans == {NEIGHBOURHOOD: ("K6",), COMMUNITY: ("C4",), DISTRICT: ()}
    assert rollup.unassigned_population == {NEIGHBOURHOOD: 777, COMMUNITY: 1000, DISTRICT: 0}
    pop = rollup.population
    assert sum(pop[COMMUNITY].values()) == sum(pop[NEIGHBOURHOOD].values()) - 777
    assert sum(pop[DISTRICT].values()) == sum(pop[COMMUNITY].values()) - 1000


def test_population_may_start_at_a_higher_tier_and_orphans_need_a_parent_tier():
    rollup = roll_up([Unit("C1", COMMUNITY, None, "8000"), Unit("C2", COMMUNITY, None, 4000.0)])

    assert rollup.population[COMMUNITY] == {"C1": 8000, "C2": 4000}
    assert rollup.population[DISTRICT] == {}
    assert rollup.orphans[COMMUNITY] == ()  # there are no districts to belong to


def test_population_given_above_the_lowest_tier_is_a_programming_error():
    with pytest.raises(ValueError, match="rolled up"):
        roll_up([Unit("C1", COMMUNITY, None, 5000), Unit("K1", NEIGHBOURHOOD, "C1", 1000)])


def test_population_outside_the_tier_range_is_flagged_but_still_reported():
    standard = make_standard(SHARED_STATION, tiers={COMMUNITY: (5000, 12000)})
    facilities = [station("S", "C4999", 900), station("T", "C12001", 500)]

    result = provision(
        standard, communities(C4999=4999, C5000=5000, C12000=12000, C12001=12001), facilities
    )

    assert result.rows == (
        row(
            "C4999",
            4999,
            own=("S",),
            floor=(800, 900, 0),
            status=STATUS_SIZE_MISMATCH,
            provision_status=STATUS_OK,
            size_flag=SIZE_TOO_SMALL,
        ),
        row("C5000", 5000, deficit_count=1, floor=(800, 0, 800), status=STATUS_MISSING),
        row("C12000", 12000, deficit_count=1, floor=(800, 0, 800), status=STATUS_MISSING),
        row(
            "C12001",
            12001,
            own=("T",),
            floor=(800, 500, 300),
            status=STATUS_SIZE_MISMATCH,
            provision_status=STATUS_AREA_SHORT,
            size_flag=SIZE_TOO_LARGE,
        ),
    )
    assert result.size_flags[COMMUNITY] == {
        "C4999": SIZE_TOO_SMALL,
        "C5000": SIZE_IN_RANGE,
        "C12000": SIZE_IN_RANGE,
        "C12001": SIZE_TOO_LARGE,
    }


def test_zero_population_needs_per_unit_facilities_but_no_per_people_amounts():
    """社区 C0 has no compounds: one garden of 4,000 m² minimum is still required per unit,
    the per-1,000-people rules ask for nothing; the row is flagged. Its own garden's area goes
    to the neighbour that shares it, since nobody lives in C0."""
    standard = make_standard(
        {
            "code": "garden",
            "tier": COMMUNITY,
            "count": {"per": "unit"},
            "land_area": {"min_m2": 4000, "per_1000_m2": 1000},
            "sharing": {"shareable": True, "reach_m": 300},
        },
        {
            "code": "clinic",
            "tier": COMMUNITY,
            "count": {"per_people": 10000},
            "floor_area": {"per_1000_m2": 50},
        },
    )
    units = [
        Unit("C0", COMMUNITY),
        Unit("C1", COMMUNITY),
        Unit("K1", NEIGHBOURHOOD, "C1", 3000),
        Unit("K2", NEIGHBOURHOOD, "C1", 3000),
    ]
    garden = Facility("G", "garden", community_id="C0", land_area=8000)
    reach = ReachTable.from_pairs(COMMUNITY, [("G", "C1", 120)])

    result = provision(standard, units, [garden], reach)

    mismatch = {"status": STATUS_SIZE_MISMATCH, "size_flag": SIZE_TOO_SMALL}
    assert result.rows == (
        row(
            "C0",
            0,
            type_code="garden",
            own=("G",),
            land=(4000, 0, 4000),
            provision_status=STATUS_AREA_SHORT,
            flags=(FLAG_ZERO_POPULATION,),
            **mismatch,
        ),
        row(
            "C0",
            0,
            type_code="clinic",
            required_count=0,
            floor=(0, 0, 0),
            provision_status=STATUS_OK,
            flags=(FLAG_ZERO_POPULATION,),
            **mismatch,
        ),
        row(
            "C1",
            6000,
            type_code="garden",
            shared=("G",),
            land=(6000, 8000, 0),
            status=STATUS_OK_SHARED,
        ),
        row(
            "C1",
            6000,
            type_code="clinic",
            deficit_count=1,
            floor=(300, 0, 300),
            status=STATUS_MISSING,
        ),
    )


def test_count_per_people_rounds_up():
    standard = make_standard(
        {
            "code": "school",
            "tier": DISTRICT,
            "life_circle": 10,
            "count": {"per_people": 25000},
            "sharing": {"shareable": True, "reach_m": 500},
        },
        tiers={DISTRICT: (1, 100000)},
    )
    units = [
        Unit("D60000", DISTRICT, None, 60000),
        Unit("D50000", DISTRICT, None, 50000),
        Unit("D50001", DISTRICT, None, 50001),
        Unit("D1", DISTRICT, None, 1),
    ]
    schools = [Facility(f"S{n}", "school", district_id="D60000") for n in (1, 2)]

    result = provision(standard, units, schools)

    summary = [(r.unit_id, r.required_count, r.own_count, r.deficit_count) for r in result.rows]
    assert summary == [
        ("D60000", 3, 2, 1),  # 60,000 / 25,000 = 2.4 -> 3
        ("D50000", 2, 0, 2),  # exactly 2
        ("D50001", 3, 0, 3),
        ("D1", 1, 0, 1),
    ]


# ------------------------------------------------------------------ facilities in odd places


def test_facility_in_no_unit_can_only_be_shared_and_unused_ones_are_reported():
    standard = make_standard(
        SHARED_STATION,
        {"code": "bus_stop", "tier": COMMUNITY, "sharing": {"shareable": True}},
    )
    facilities = [
        station("X", None, 1000),  # just outside every community, 120 m from C2
        station("Y", None, 1000),  # outside and out of reach
        Facility("U", None, community_id="C2"),
        Facility("V", "cinema", community_id="C2"),
        Facility("W", "bus_stop", community_id="C2"),
    ]
    reach = ReachTable.from_pairs(COMMUNITY, [("X", "C2", 120), ("W", "C1", 10)])

    result = provision(standard, communities(C2=5000), facilities, reach)

    assert result.rows == (
        row("C2", 5000, shared=("X",), floor=(800, 1000, 0), status=STATUS_OK_SHARED),
    )
    assert result.outside_units[COMMUNITY] == ("X", "Y")
    assert result.unused_facilities == (
        UnusedFacility("Y", "station", REASON_OUTSIDE_UNITS),
        UnusedFacility("U", None, REASON_UNTYPED),
        UnusedFacility("V", "cinema", REASON_UNKNOWN_TYPE),
        UnusedFacility("W", "bus_stop", REASON_NOT_ASSESSED),
    )
    assert result.unassessed_types == ("bus_stop",)


def test_unknown_area_makes_existing_area_unknown_and_status_rest_on_count():
    standard = make_standard(SHARED_STATION)
    facilities = [
        station("S1", "C1", None),
        station("S2", "C2", float("nan")),
        station("S3", "C2", 1),
    ]

    result = provision(standard, communities(C1=5000, C2=5000), facilities)

    unknown = (FLAG_FLOOR_AREA_UNKNOWN,)
    assert result.rows == (
        row("C1", 5000, own=("S1",), floor=(800, None, None), flags=unknown),
        row("C2", 5000, own=("S2", "S3"), floor=(800, None, None), flags=unknown),
    )


def test_numeric_text_is_read_and_other_text_refused():
    standard = make_standard(SHARED_STATION)
    ok = provision(standard, communities(C1=5000), [station("S", "C1", " 800 ")])
    assert ok.rows[0].existing_floor_area == 800

    with pytest.raises(DataError) as error:
        provision(standard, communities(C1=5000), [station("S", "C1", "约800")])
    assert error.value.values == {"facility_id": "S", "field": "floor_area", "value": "约800"}
    assert "'floor_area'" in str(error.value)


@pytest.mark.parametrize(
    ("units", "facilities", "values"),
    [
        (
            [Unit("C1", COMMUNITY, None, 5000), Unit("C1", COMMUNITY, None, 6000)],
            [],
            {"tier": COMMUNITY, "unit_id": "C1"},
        ),
        (
            [Unit("C1", COMMUNITY), Unit("K1", NEIGHBOURHOOD, "C9", 1000)],
            [],
            {"tier": NEIGHBOURHOOD, "unit_id": "K1", "parent_id": "C9", "parent_tier": COMMUNITY},
        ),
        ([Unit("K1", NEIGHBOURHOOD, None, None)], [], {"tier": NEIGHBOURHOOD, "unit_id": "K1"}),
        (
            [Unit("K1", NEIGHBOURHOOD, None, "many")],
            [],
            {"tier": NEIGHBOURHOOD, "unit_id": "K1", "value": "many"},
        ),
        (
            [Unit("K1", NEIGHBOURHOOD, None, -1)],
            [],
            {"tier": NEIGHBOURHOOD, "unit_id": "K1", "value": -1.0},
        ),
        (
            [Unit("C1", COMMUNITY, None, 5000)],
            [station("S", "C1", 1), station("S", "C1", 2)],
            {"facility_id": "S"},
        ),
        (
            [Unit("C1", COMMUNITY, None, 5000)],
            [station("S", "C1", -5)],
            {"facility_id": "S", "field": "floor_area", "value": -5.0},
        ),
        (
            [Unit("C1", COMMUNITY, None, 5000)],
            [station("S", "C7", 900)],
            {"facility_id": "S", "tier": COMMUNITY, "unit_id": "C7"},
        ),
    ],
    ids=[
        "duplicate unit",
        "unknown parent",
        "missing population",
        "text population",
        "negative population",
        "duplicate facility",
        "negative area",
        "facility in unknown unit",
    ],
)
def test_bad_input_names_the_record(units, facilities, values):
    with pytest.raises(DataError) as error:
        provision(make_standard(SHARED_STATION), units, facilities)
    assert error.value.values == values
    assert error.value.message()  # the template formats with the values given


# ------------------------------------------------------------------ summaries and helpers


def test_unit_and_tier_summaries():
    standard = make_standard(
        SHARED_STATION,
        {"code": "toilet", "tier": COMMUNITY, "count": {"per": "unit"}, "mandatory": False},
    )
    facilities = [station("S1", "C1", 500), Facility("T1", "toilet", community_id="C2")]
    units = communities(C1=5000, C2=6000, C3=20000)

    summaries = summarise_units(provision(standard, units, facilities))

    assert [
        (s.unit_id, s.deficit_counts, s.missing_types, s.area_short_types) for s in summaries
    ] == [
        ("C1", {"station": 0, "toilet": 1}, ("toilet",), ("station",)),
        ("C2", {"station": 1, "toilet": 0}, ("station",), ()),
        ("C3", {"station": 1, "toilet": 1}, ("station", "toilet"), ()),
    ]
    assert [s.short_of_any for s in summaries] == [True, True, True]
    assert summarise_tiers(summaries) == [
        TierSummary(
            tier=COMMUNITY,
            n_units=3,
            population=31000,
            n_units_short=3,
            n_units_missing=3,
            n_size_mismatch=1,
            total_deficit_count=4,
        )
    ]
    mandatory = summarise_units(provision(standard, units, facilities), mandatory_only=True)
    assert [(s.missing_types, s.total_deficit_count, s.short_of_any) for s in mandatory] == [
        ((), 0, True),
        (("station",), 1, True),
        (("station",), 1, True),
    ]


def test_share_reach_by_type_follows_the_requirement_rule():
    reach = share_reach_by_type(load_standard())
    # A health centre serves its district from 1,000 m and stands in for community health
    # stations within their 300 m; a supermarket stands in for convenience stores.
    assert reach["community_health_centre"] == {DISTRICT: 1000, COMMUNITY: 300}
    assert reach["supermarket"] == {COMMUNITY: 500, NEIGHBOURHOOD: 300}
    assert "waste_collection_point" not in reach  # never shared
    assert "bus_stop" not in reach  # no count or area rule: not provisioned
    # In walking time the same reaches are the seconds to walk them on flat ground.
    seconds = share_reach_by_type(load_standard(), walking_time(1.25))
    assert seconds["community_health_centre"] == {DISTRICT: 800, COMMUNITY: 240}
    assert seconds.keys() == reach.keys()


def test_reach_table_keeps_the_shorter_distance_and_skips_unreachable_pairs():
    table = ReachTable()
    table.extend(COMMUNITY, [("F", "C1", 300), ("F", "C1", 250), ("F", "C2", float("nan"))])
    table.add(COMMUNITY, "F", "C3", None)
    table.add(DISTRICT, "F", "C1", 10)

    assert dict(table.units_near(COMMUNITY, "F")) == {"C1": 250}
    assert table.distance(DISTRICT, "F", "C1") == 10
    assert math.isnan(table.distance(COMMUNITY, "F", "C9"))
    assert len(table) == 2
    with pytest.raises(ValueError):
        table.add(COMMUNITY, "F", "C4", -1)


def test_assign_parents_by_largest_overlap():
    overlaps = [
        ("K1", "C1", 900),
        ("K1", "C2", 100),
        ("K3", "C2", 50),
        ("K3", "C1", 50),
        ("K4", "C2", 0.0),  # touches only
        ("K5", "C1", 30),
        ("K5", "C2", 40),
        ("K5", "C1", 20),  # second part of a multipart polygon
        ("K6", "C2", float("nan")),
    ]

    assignment = assign_parents(["K1", "K2", "K3", "K4", "K5", "K6"], overlaps)

    assert assignment.parent_of == {
        "K1": "C1",
        "K2": None,
        "K3": "C2",
        "K4": None,
        "K5": "C1",
        "K6": None,
    }
    assert assignment.overlap_m2 == {"K1": 900, "K2": 0, "K3": 50, "K4": 0, "K5": 50, "K6": 0}
    assert assignment.orphans == ("K2", "K4", "K6")
    assert assignment.straddling == (
        Straddle("K1", "C1", (("C1", 900), ("C2", 100))),
        Straddle("K3", "C2", (("C2", 50), ("C1", 50))),
        Straddle("K5", "C1", (("C1", 50), ("C2", 40))),
    )
    assert assignment.ties == ("K3",)
    assert assign_parents(["K1"], [("K1", "C2", 100), ("K1", "C1", 900)], 100).straddling == ()


def test_overlapping_units_of_one_tier_are_reported_once():
    pairs = [("A", "B", 10), ("B", "A", 12), ("A", "A", 100), ("A", "C", 0), ("B", "C", 5)]

    assert overlapping_units(pairs) == (UnitOverlap("A", "B", 12), UnitOverlap("B", "C", 5))
    assert overlapping_units(pairs, min_overlap_m2=5) == (UnitOverlap("A", "B", 12),)


def test_status_labels():
    assert [status_label(s) for s in (STATUS_OK, STATUS_OK_SHARED, STATUS_AREA_SHORT)] == [
        "达标",
        "共享达标",
        "面积不足",
    ]
    assert status_label(STATUS_MISSING, "zh_CN") == "缺项"
    assert status_label(STATUS_SIZE_MISMATCH, "zh") == "规模不符"
    assert status_label(STATUS_MISSING, "en") == "Missing"


class _Feedback:
    def __init__(self, cancel_after: int) -> None:
        self.progress: List[float] = []
        self.cancel_after = cancel_after

    def set_progress(self, fraction: float) -> None:
        self.progress.append(fraction)

    def is_cancelled(self) -> bool:
        return len(self.progress) >= self.cancel_after


def test_progress_per_requirement_type_and_cancel_between_them():
    standard = make_standard(
        SHARED_STATION, {"code": "toilet", "tier": COMMUNITY, "count": {"per": "unit"}}
    )
    feedback = _Feedback(cancel_after=99)
    provision(standard, communities(C1=5000), [], feedback=feedback)
    assert feedback.progress == [0.5, 1.0]

    with pytest.raises(Cancelled):
        provision(standard, communities(C1=5000), [], feedback=_Feedback(cancel_after=1))


def test_builtin_standard_runs_on_a_small_tree():
    """Every assessed type of the built-in standard gets one row per unit of its tier."""
    standard = load_standard()
    units = [
        Unit("D", DISTRICT),
        Unit("C", COMMUNITY, "D"),
        Unit("K", NEIGHBOURHOOD, "C", 2000),
    ]
    result = provision(standard, units, [Facility("H", "community_health_centre", "D", "C", "K")])

    assessed = [kind for kind in standard.types if kind.code not in result.unassessed_types]
    assert len(result.rows) == len(assessed)
    rows = {r.type_code: r for r in result.rows}
    assert rows["community_health_centre"].own_facility_ids == ("H",)
    assert rows["community_health_station"].own_facility_ids == ("H",)
    assert rows["community_health_station"].provision_status == STATUS_OK
    # 2,000 people: a compound of normal size, far too few for a community or a district.
    assert {r.size_flag for r in result.rows if r.tier == NEIGHBOURHOOD} == {SIZE_IN_RANGE}
    assert {r.size_flag for r in result.rows if r.tier != NEIGHBOURHOOD} == {SIZE_TOO_SMALL}
