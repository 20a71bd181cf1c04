"""The facility standard file: the built-in default, the schema check and type matching."""

from __future__ import annotations

import copy
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable, Dict

import pytest
import yaml

from complete_community.scoring.errors import DataError
from complete_community.scoring.standard import (
    BUILTIN_STANDARD_PATH,
    AreaRule,
    CountRule,
    FacilityStandard,
    load_standard,
    normalise_label,
)

# The facility types the brief says every complete-community standard must have, by the
# name_zh the built-in file gives them.
MUST_HAVE_NAMES = (
    "社区综合服务站",
    "幼儿园",
    "托儿所",
    "老年服务站（日间照料中心）",
    "社区卫生服务站",
    "综合超市",
    "菜市场或生鲜超市",
    "邮件快件寄递服务设施",
    "文化活动站",
    "小型多功能运动场地",
    "室外健身场地",
    "公共活动场地",
    "社区游园",
    "公交站",
    "小学",
    "初中",
    "社区卫生服务中心",
    "文化活动中心",
    "养老院",
    "生活垃圾收集点",
    "公共厕所",
    "停车场",
    "充电设施",
)


@pytest.fixture(scope="module")
def builtin() -> FacilityStandard:
    return load_standard()


# ------------------------------------------------------------------ the built-in file


def test_builtin_is_the_file_next_to_the_package(builtin: FacilityStandard) -> None:
    assert BUILTIN_STANDARD_PATH.name == "facility_standard.yaml"
    assert BUILTIN_STANDARD_PATH.parent.parent.name == "resources"
    assert Path(builtin.source_path) == BUILTIN_STANDARD_PATH
    assert load_standard("").codes() == builtin.codes()
    assert load_standard(str(BUILTIN_STANDARD_PATH)) == builtin


def test_builtin_has_every_required_type(builtin: FacilityStandard) -> None:
    names = [facility.name_zh for facility in builtin.types]
    assert len(builtin.types) >= 25
    missing = [name for name in MUST_HAVE_NAMES if name not in names]
    assert missing == []


def test_builtin_types_have_sources_and_ascii_unique_codes(builtin: FacilityStandard) -> None:
    codes = builtin.codes()
    assert len(set(codes)) == len(codes)
    for facility in builtin.types:
        assert re.fullmatch(r"[a-z][a-z0-9_]*", facility.code), facility.code
        assert facility.code.isascii()
        assert facility.source.strip(), facility.code
        assert re.search(r"GB 50180-2018|完整居住社区建设标准", facility.source), facility.code
        assert facility.radius_m > 0


def test_builtin_notice_and_tiers_cite_the_standards(builtin: FacilityStandard) -> None:
    assert "GB 50180-2018" in builtin.notice["zh"]
    assert "建科规〔2020〕7号" in builtin.notice["zh"]
    assert "GB 50180-2018" in builtin.notice["en"]
    assert "核实" in builtin.notice_for("zh_CN")
    assert "before use" in builtin.notice_for("en")
    assert list(builtin.tiers) == ["district", "community", "neighbourhood"]
    community = builtin.tiers["community"]
    assert (community.population_min, community.population_max) == (5000, 12000)
    neighbourhood = builtin.tiers["neighbourhood"]
    assert (neighbourhood.population_min, neighbourhood.population_max) == (1000, 3000)
    assert "表3.0.4" in neighbourhood.source
    assert all(tier.source for tier in builtin.tiers.values())


def test_builtin_radii_and_rules_follow_the_standards(builtin: FacilityStandard) -> None:
    radius = {facility.code: facility.radius_m for facility in builtin.types}
    assert radius["kindergarten"] == 300
    assert radius["primary_school"] == 500
    assert radius["middle_school"] == 1000
    assert radius["waste_collection_point"] == 70
    kindergarten = builtin.type_by_code("kindergarten")
    assert kindergarten.mandatory is True
    assert kindergarten.count == CountRule(per_unit=True)
    assert kindergarten.floor_area == AreaRule(min_m2=2200)
    assert kindergarten.land_area == AreaRule(min_m2=3500)
    station = builtin.type_by_code("community_health_station")
    assert station.satisfied_by == ("community_health_centre",)
    assert builtin.type_by_code("primary_school").count == CountRule(per_people=25000)


def test_builtin_satisfied_by_points_upwards(builtin: FacilityStandard) -> None:
    """A type may only be satisfied by a type of the same or a higher (larger) tier."""
    rank = {"neighbourhood": 0, "community": 1, "district": 2}
    for facility in builtin.types:
        for higher in facility.satisfied_by:
            assert rank[builtin.type_by_code(higher).tier] >= rank[facility.tier], facility.code


def test_builtin_every_type_is_in_one_tier(builtin: FacilityStandard) -> None:
    by_tier = {tier: builtin.types_for_tier(tier) for tier in builtin.tiers}
    assert sum(len(types) for types in by_tier.values()) == len(builtin.types)
    assert builtin.type_by_code("kindergarten") in by_tier["community"]
    assert builtin.type_by_code("middle_school") in by_tier["district"]
    assert builtin.type_by_code("parking") in by_tier["neighbourhood"]
    assert builtin.types_for_tier("nowhere") == ()


def test_satisfiers_follow_satisfied_by_transitively(builtin: FacilityStandard) -> None:
    assert builtin.satisfiers("community_health_station") == (
        "community_health_station",
        "community_health_centre",
    )
    # play area <- public activity space <- community park <- district park
    assert builtin.satisfiers("play_area") == (
        "play_area",
        "public_activity_space",
        "community_park",
        "district_park",
    )
    assert builtin.satisfiers("bus_stop") == ("bus_stop",)


def test_type_by_code_unknown_raises_key_error(builtin: FacilityStandard) -> None:
    with pytest.raises(KeyError):
        builtin.type_by_code("no_such_type")


def test_loader_runs_without_qgis(repo_root: Path) -> None:
    """The domain module must load the standard in a plain Python with no qgis imported."""
    script = (
        "import sys; sys.path.insert(0, sys.argv[1]);"
        "from complete_community.scoring.standard import load_standard;"
        "print(len(load_standard().types), 'qgis' in sys.modules)"
    )
    plugins = str(repo_root / "build" / "plugins")
    result = subprocess.run(
        [sys.executable, "-c", script, plugins], capture_output=True, text=True, check=True
    )
    count, qgis_loaded = result.stdout.split()
    assert int(count) >= 25
    assert qgis_loaded == "False"


# ------------------------------------------------------------------ matching a type field


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("幼儿园", "kindergarten"),
        ("幼稚园", "kindergarten"),
        ("  幼儿园  ", "kindergarten"),
        ("kindergarten", "kindergarten"),
        ("Kindergarten", "kindergarten"),
        ("ＫＩＮＤＥＲＧＡＲＴＥＮ", "kindergarten"),  # full-width letters
        ("amenity=kindergarten", "kindergarten"),
        ("amenity = kindergarten", "kindergarten"),
        ("社区卫生服务中心", "community_health_centre"),
        ("社区卫生服务站", "community_health_station"),
        ("Community   health  station", "community_health_station"),
        ("日间照料中心", "elderly_service_station"),
        ("老年服务站(日间照料中心)", "elderly_service_station"),  # half-width brackets
        ("生鲜超市", "fresh_market"),
        ("菜市场", "fresh_market"),
        ("快递驿站", "express_delivery"),
        ("菜鸟驿站", "express_delivery"),
        ("公厕", "public_toilet"),
        ("充电桩", "ev_charging"),
        ("Bus stop", "bus_stop"),
        ("highway=bus_stop", "bus_stop"),
        ("shop=supermarket", "supermarket"),
        ("Ｓｈｏｐ＝Ｓｕｐｅｒｍａｒｋｅｔ", "supermarket"),  # full-width letters and equals sign
    ],
)
def test_match_type_names_aliases_and_tags(
    builtin: FacilityStandard, value: str, code: str
) -> None:
    assert builtin.match_type(value) == code


@pytest.mark.parametrize("value", ["加油站", "", "   ", None, "amenity=fuel", "kinder garten"])
def test_match_type_unknown_is_none(builtin: FacilityStandard, value: Any) -> None:
    assert builtin.match_type(value) is None


def test_normalise_label_folds_width_case_and_spaces() -> None:
    assert normalise_label("　Ａｍｅｎｉｔｙ　＝　Ｓｃｈｏｏｌ ") == "amenity=school"
    assert normalise_label("社区  卫生\t服务站") == "社区 卫生 服务站"
    assert normalise_label("（幼儿园）") == "(幼儿园)"


# ------------------------------------------------------------------ matching OSM features


@pytest.mark.parametrize(
    ("tags", "name", "code"),
    [
        ({"amenity": "kindergarten"}, "", "kindergarten"),
        ({"shop": "supermarket"}, "", "supermarket"),
        ({"amenity": "marketplace"}, "", "fresh_market"),
        ({"leisure": "park"}, "", "community_park"),
        ({"highway": "bus_stop"}, "", "bus_stop"),
        ({"amenity": "toilets"}, "", "public_toilet"),
        ({"amenity": "parking"}, "", "parking"),
        ({"amenity": "charging_station"}, "", "ev_charging"),
        ({"amenity": "pharmacy", "healthcare": "pharmacy"}, "", "pharmacy"),
        ({"amenity": "clinic"}, "", "community_health_station"),
        ({"healthcare": "clinic"}, "某某诊所", "community_health_station"),
        # the name tells a community health centre from a plain clinic
        ({"amenity": "clinic"}, "玄武区梅园新村社区卫生服务中心", "community_health_centre"),
        ({"amenity": "hospital", "name": "锁金村社区卫生服务中心"}, "", "community_health_centre"),
        # schools: level from isced:level or from the name, otherwise unknown
        ({"amenity": "school", "isced:level": "1"}, "", "primary_school"),
        ({"amenity": "school", "isced:level": "2"}, "", "middle_school"),
        ({"amenity": "school", "isced:level": "1;2"}, "", "primary_school"),
        ({"amenity": "school"}, "南京市北京东路小学", "primary_school"),
        ({"amenity": "school"}, "南京市第九初级中学", "middle_school"),
        ({"amenity": "school"}, "南京市第十三中学", "middle_school"),
        ({"amenity": "school"}, "江苏省南京市金陵高级中学", None),
        ({"amenity": "school"}, "南京外国语学校", None),
        ({"amenity": "school"}, "", None),
        # a generic community centre is a culture station unless its name says service station
        ({"amenity": "community_centre"}, "", "culture_station"),
        ({"amenity": "community_centre"}, "兰园社区居委会", "community_service_station"),
        (
            {"amenity": "social_facility", "social_facility": "nursing_home"},
            "",
            "elderly_care_home",
        ),
        ({"amenity": "social_facility"}, "玄武区社会福利院养老院", "elderly_care_home"),
        ({"shop": "convenience"}, "", "convenience_store"),
        ({"shop": "convenience"}, "菜鸟驿站(百子亭店)", "express_delivery"),
        ({"amenity": "fuel"}, "", None),
        ({}, "幼儿园", None),
    ],
)
def test_match_osm_tags(
    builtin: FacilityStandard, tags: Dict[str, str], name: str, code: Any
) -> None:
    assert builtin.match_osm_tags(tags, name) == code


def test_match_osm_tags_ignores_empty_values_and_folds_case(builtin: FacilityStandard) -> None:
    tags = {"highway": None, "barrier": "", "amenity": "Kindergarten ", "name": None}
    assert builtin.match_osm_tags(tags) == "kindergarten"


def test_match_osm_tags_uses_area_where_known(builtin: FacilityStandard) -> None:
    park = {"leisure": "park"}
    assert builtin.match_osm_tags(park, area_m2=9999.0) == "community_park"
    assert builtin.match_osm_tags(park, area_m2=10000.0) == "district_park"
    pitch = {"leisure": "pitch"}
    assert builtin.match_osm_tags(pitch) == "small_sports_ground"
    assert builtin.match_osm_tags(pitch, area_m2=1000.0) == "small_sports_ground"
    assert builtin.match_osm_tags(pitch, area_m2=2000.0) == "medium_sports_ground"
    # both the medium (>= 1,310 m²) and the large (>= 3,150 m²) rule hold: the larger wins
    assert builtin.match_osm_tags(pitch, area_m2=4000.0) == "large_sports_ground"


# ------------------------------------------------------------------ count and area arithmetic


def test_count_rule_rounds_people_up() -> None:
    per_people = CountRule(per_people=25000)
    assert per_people.required_count(25000) == 1
    assert per_people.required_count(25001) == 2
    assert per_people.required_count(50000.0) == 2
    assert per_people.required_count(1) == 1
    assert per_people.required_count(0) == 0
    assert CountRule(per_unit=True).required_count(0) == 1
    assert CountRule(per_unit=True).required_count(80000) == 1


def test_area_rule_takes_the_stricter_figure() -> None:
    park = AreaRule(min_m2=4000, per_1000_m2=1000)
    assert park.required_m2(3000) == 4000  # 3,000 people x 1 m² < one 4,000 m² park
    assert park.required_m2(6500) == 6500
    assert park.required_m2(6500, count=2) == 8000
    assert AreaRule(per_1000_m2=120).required_m2(5500) == pytest.approx(660)
    assert AreaRule(min_m2=350).required_m2(0) == 350


# ------------------------------------------------------------------ user files


def _valid_document() -> Dict[str, Any]:
    return {
        "name": {"zh": "测试标准", "en": "Test standard"},
        "version": "t1",
        "notice": {"zh": "测试用", "en": "for tests"},
        "tiers": {
            "community": {
                "name_zh": "社区",
                "name_en": "Community",
                "population": {"min": 5000, "max": 12000},
                "source": "测试",
            }
        },
        "types": [
            {
                "code": "kindergarten",
                "name_zh": "幼儿园",
                "name_en": "Kindergarten",
                "tier": "community",
                "life_circle": 5,
                "radius_m": 300,
                "mandatory": True,
                "source": "GB 50180-2018 附录C 表C.0.2",
                "aliases": ["幼稚园", "amenity=kindergarten", 101],
            },
            {
                "code": "toilet",
                "name_zh": "公共厕所",
                "name_en": "Public toilet",
                "tier": "community",
                "life_circle": 5,
                "radius_m": 250,
                "mandatory": False,
                "source": "GB 50180-2018 附录C 表C.0.2",
                "count": {"per_people": 8000},
                "floor_area": {"min_m2": 30},
                "sharing": {"shareable": True},
                "aliases": ["公厕"],
            },
        ],
    }


def _write_yaml(folder: Path, document: Any, name: str = "standard.yaml") -> Path:
    path = folder / name
    text = yaml.safe_dump(document, allow_unicode=True, sort_keys=False)
    path.write_text(text, encoding="utf-8")
    return path


def _error_for(folder: Path, document: Any) -> DataError:
    path = _write_yaml(folder, document)
    with pytest.raises(DataError) as caught:
        load_standard(str(path))
    assert str(path) in str(caught.value)
    return caught.value


def test_small_user_file_loads(tmp_path: Path) -> None:
    standard = load_standard(_write_yaml(tmp_path, _valid_document()))
    assert standard.codes() == ("kindergarten", "toilet")
    toilet = standard.type_by_code("toilet")
    assert toilet.radius_m == 250
    assert toilet.mandatory is False
    assert toilet.count == CountRule(per_people=8000)
    assert toilet.count.required_count(9000) == 2
    assert toilet.sharing.shareable is True
    assert toilet.sharing.reach_m == 250  # defaults to the radius
    assert standard.type_by_code("kindergarten").sharing.shareable is False
    assert standard.match_type("101") == "kindergarten"  # a numeric alias, as text
    assert standard.match_type(101) == "kindergarten"
    assert standard.match_type(101.0) == "kindergarten"


def test_walk_minutes_are_optional_and_the_sharing_reach_follows_them(tmp_path: Path) -> None:
    """DESIGN §4b: a type may give the minutes within which it covers a unit in walking time;
    its sharing reach inherits them unless it states a reach of its own."""
    document = _valid_document()
    document["types"][1]["walk_minutes"] = 4
    document["types"].append(
        {
            **document["types"][1],
            "code": "toilet_b",
            "name_zh": "公厕乙",
            "name_en": "Toilet B",
            "aliases": [],
            "sharing": {"shareable": True, "reach_m": 400},
        }
    )
    document["types"].append(
        {
            **document["types"][2],
            "code": "toilet_c",
            "name_zh": "公厕丙",
            "name_en": "Toilet C",
            "sharing": {"shareable": True, "reach_m": 400, "walk_minutes": 9},
        }
    )
    standard = load_standard(_write_yaml(tmp_path, document))
    assert standard.type_by_code("kindergarten").walk_minutes is None
    toilet, toilet_b, toilet_c = (
        standard.type_by_code(c) for c in ("toilet", "toilet_b", "toilet_c")
    )
    assert toilet.walk_minutes == 4.0
    # Reach defaults to the radius, and in walking time to the type's own minutes.
    assert (toilet.sharing.reach_m, toilet.sharing.reach_seconds(1.0)) == (250, 240.0)
    # A reach of its own is walked on flat ground (400 m at 0.8 m/s = 500 s) ...
    assert toilet_b.sharing.reach_seconds(0.8) == pytest.approx(500.0)
    # ... unless it says how many minutes.
    assert toilet_c.sharing.reach_seconds(0.8) == pytest.approx(540.0)
    # No built-in type gives minutes: the standards state radii.
    assert all(kind.walk_minutes is None for kind in load_standard().types)


def test_user_file_in_json_loads_the_same_as_yaml(tmp_path: Path) -> None:
    document = yaml.safe_load(BUILTIN_STANDARD_PATH.read_text(encoding="utf-8"))
    json_path = tmp_path / "standard.json"
    json_path.write_text(json.dumps(document, ensure_ascii=False, indent=1), encoding="utf-8")
    yaml_path = _write_yaml(tmp_path, document, "standard.yml")
    from_json = load_standard(json_path)
    from_yaml = load_standard(yaml_path)
    builtin = load_standard()
    assert from_json.source_path == str(json_path)
    for loaded in (from_json, from_yaml):
        assert loaded.types == builtin.types
        assert loaded.tiers == builtin.tiers
        assert (loaded.name_zh, loaded.name_en, loaded.version) == (
            builtin.name_zh,
            builtin.name_en,
            builtin.version,
        )
        assert loaded.notice == builtin.notice


def test_chinese_path_and_byte_order_mark(tmp_path: Path) -> None:
    folder = tmp_path / "重庆市标准"
    folder.mkdir()
    path = folder / "设施配置标准.yaml"
    text = yaml.safe_dump(_valid_document(), allow_unicode=True, sort_keys=False)
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert load_standard(path).match_type("幼稚园") == "kindergarten"


# ------------------------------------------------------------------ validation errors


def _broken(change: Callable[[Dict[str, Any]], Any]) -> Dict[str, Any]:
    document = copy.deepcopy(_valid_document())
    change(document)
    return document


def _assert_names(error: DataError, index: int, code: str, field: str) -> None:
    """The message names the record (number and code) and the field; the template does not."""
    assert error.values["index"] == index
    assert error.values["code"] == code
    assert f"type #{index} ({code})" in str(error)
    assert f"'{field}'" in str(error)
    assert code not in error.template  # names stay out of the text to translate


def test_missing_field(tmp_path: Path) -> None:
    error = _error_for(tmp_path, _broken(lambda d: d["types"][1].pop("radius_m")))
    _assert_names(error, 2, "toilet", "radius_m")
    assert "missing" in str(error)


def test_negative_radius(tmp_path: Path) -> None:
    error = _error_for(tmp_path, _broken(lambda d: d["types"][1].update(radius_m=-50)))
    _assert_names(error, 2, "toilet", "radius_m")
    assert "positive number, got '-50'" in str(error)


@pytest.mark.parametrize("radius", [0, "300", True, None])
def test_radius_must_be_a_positive_number(tmp_path: Path, radius: Any) -> None:
    error = _error_for(tmp_path, _broken(lambda d: d["types"][0].update(radius_m=radius)))
    _assert_names(error, 1, "kindergarten", "radius_m")


def test_bad_tier(tmp_path: Path) -> None:
    error = _error_for(tmp_path, _broken(lambda d: d["types"][0].update(tier="district")))
    _assert_names(error, 1, "kindergarten", "tier")
    assert "'district'" in str(error)  # valid in general, but not defined in this file


def test_duplicate_code(tmp_path: Path) -> None:
    error = _error_for(tmp_path, _broken(lambda d: d["types"][1].update(code="kindergarten")))
    _assert_names(error, 2, "kindergarten", "code")
    assert error.values["other_index"] == 1


def test_duplicate_alias(tmp_path: Path) -> None:
    error = _error_for(tmp_path, _broken(lambda d: d["types"][1]["aliases"].append("幼稚园")))
    _assert_names(error, 2, "toilet", "aliases[2]")
    assert (error.values["other_index"], error.values["other_code"]) == (1, "kindergarten")


def test_duplicate_alias_after_normalising(tmp_path: Path) -> None:
    """A full-width copy of another type's name is the same label, hence ambiguous."""
    error = _error_for(
        tmp_path, _broken(lambda d: d["types"][1]["aliases"].append("ＫＩＮＤＥＲＧＡＲＴＥＮ"))
    )
    _assert_names(error, 2, "toilet", "aliases[2]")
    assert error.values["other_field"] == "code"


def test_unknown_key(tmp_path: Path) -> None:
    def typo(document: Dict[str, Any]) -> None:
        document["types"][1]["radius"] = document["types"][1].pop("radius_m")

    error = _error_for(tmp_path, _broken(typo))
    _assert_names(error, 2, "toilet", "radius")
    assert "radius_m" in error.values["allowed"]


def test_unknown_nested_key(tmp_path: Path) -> None:
    error = _error_for(tmp_path, _broken(lambda d: d["types"][1].update(count={"per_person": 5})))
    _assert_names(error, 2, "toilet", "count.per_person")


def test_satisfied_by_unknown_code(tmp_path: Path) -> None:
    error = _error_for(
        tmp_path, _broken(lambda d: d["types"][0].update(satisfied_by=["primary_school"]))
    )
    _assert_names(error, 1, "kindergarten", "satisfied_by")
    assert "'primary_school'" in str(error)


def test_satisfied_by_itself(tmp_path: Path) -> None:
    error = _error_for(tmp_path, _broken(lambda d: d["types"][1].update(satisfied_by="toilet")))
    _assert_names(error, 2, "toilet", "satisfied_by")


def test_satisfied_by_cycle(tmp_path: Path) -> None:
    def cycle(document: Dict[str, Any]) -> None:
        document["types"][0]["satisfied_by"] = ["toilet"]
        document["types"][1]["satisfied_by"] = ["kindergarten"]

    error = _error_for(tmp_path, _broken(cycle))
    _assert_names(error, 1, "kindergarten", "satisfied_by")
    assert error.values["cycle"] == "kindergarten -> toilet -> kindergarten"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"code": "幼儿园"}, "code"),
        ({"code": "Kinder-garten"}, "code"),
        ({"life_circle": 20}, "life_circle"),
        ({"mandatory": "是"}, "mandatory"),
        ({"name_zh": ""}, "name_zh"),
        ({"source": "   "}, "source"),
        ({"aliases": ["amenity="]}, "aliases[1]"),
        ({"aliases": ["幼稚园", None]}, "aliases[2]"),
        ({"count": {"per": "unit", "per_people": 5000}}, "count"),
        ({"count": {"per": "household"}}, "count.per"),
        ({"count": {"per_people": 2500.5}}, "count.per_people"),
        ({"floor_area": {}}, "floor_area"),
        ({"land_area": {"min_m2": -1}}, "land_area.min_m2"),
        ({"sharing": {"shareable": False, "reach_m": 300}}, "sharing.reach_m"),
        ({"sharing": {"shareable": False, "walk_minutes": 5}}, "sharing.walk_minutes"),
        ({"sharing": {"reach_m": 300}}, "sharing.shareable"),
        ({"sharing": {"shareable": True, "walk_minutes": 0}}, "sharing.walk_minutes"),
        ({"walk_minutes": -5}, "walk_minutes"),
        ({"walk_minutes": "五分钟"}, "walk_minutes"),
        ({"osm_rules": [{"tags": {}}]}, "osm_rules[1].tags"),
        (
            {"osm_rules": [{"tags": {"amenity": "school"}, "name_has": ["小学"]}]},
            "osm_rules[1].name_has",
        ),
    ],
)
def test_bad_field_values(tmp_path: Path, change: Dict[str, Any], field: str) -> None:
    error = _error_for(tmp_path, _broken(lambda d: d["types"][0].update(change)))
    code = change.get("code", "kindergarten")
    _assert_names(error, 1, code, field)


def test_osm_rule_claiming_another_types_tag(tmp_path: Path) -> None:
    rule = [{"tags": {"amenity": ["toilets", "kindergarten"]}}]
    error = _error_for(tmp_path, _broken(lambda d: d["types"][1].update(osm_rules=rule)))
    _assert_names(error, 2, "toilet", "osm_rules[1].tags")
    assert error.values["other_code"] == "kindergarten"


def test_record_not_a_mapping(tmp_path: Path) -> None:
    error = _error_for(tmp_path, _broken(lambda d: d["types"].append("幼儿园")))
    assert error.values["index"] == 3
    assert "type #3" in str(error)


def test_missing_code_is_shown_as_question_mark(tmp_path: Path) -> None:
    error = _error_for(tmp_path, _broken(lambda d: d["types"][1].pop("code")))
    _assert_names(error, 2, "?", "code")


def test_missing_types(tmp_path: Path) -> None:
    error = _error_for(tmp_path, _broken(lambda d: d.pop("types")))
    assert error.values["field"] == "types"
    assert "'types' is missing" in str(error)


def test_empty_types(tmp_path: Path) -> None:
    error = _error_for(tmp_path, _broken(lambda d: d.update(types=[])))
    assert "'types' lists no facility type" in str(error)


def test_not_a_mapping(tmp_path: Path) -> None:
    error = _error_for(tmp_path, [{"code": "kindergarten"}])
    assert "must be a mapping" in str(error)


def test_unknown_top_level_key(tmp_path: Path) -> None:
    error = _error_for(tmp_path, _broken(lambda d: d.update(typess=[])))
    assert error.values["field"] == "typess"


def test_missing_notice_language(tmp_path: Path) -> None:
    error = _error_for(tmp_path, _broken(lambda d: d["notice"].pop("en")))
    assert error.values["field"] == "notice.en"


def test_unknown_tier_and_bad_population(tmp_path: Path) -> None:
    def rename(document: Dict[str, Any]) -> None:
        document["tiers"]["communty"] = document["tiers"].pop("community")

    error = _error_for(tmp_path, _broken(rename))
    assert error.values["tier"] == "communty"
    assert "district, community, neighbourhood" in str(error)

    def invert(document: Dict[str, Any]) -> None:
        document["tiers"]["community"]["population"] = {"min": 12000, "max": 5000}

    error = _error_for(tmp_path, _broken(invert))
    assert error.values["tier"] == "community"
    assert "'population'" in str(error)


def test_yaml_syntax_error_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    text = yaml.safe_dump(_valid_document(), allow_unicode=True, sort_keys=False)
    lines = text.splitlines()
    target = next(n for n, line in enumerate(lines) if "radius_m: 250" in line)
    lines[target] = lines[target].replace("radius_m: 250", "radius_m: [250")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load_standard(path)
    error = caught.value
    assert "syntax error" in str(error)
    # PyYAML notices the unclosed bracket on the line after it, at the next 'key:'
    assert error.values["line"] in (target + 1, target + 2)


def test_yaml_duplicate_key_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "twice.yaml"
    text = yaml.safe_dump(_valid_document(), allow_unicode=True, sort_keys=False)
    text = text.replace("  radius_m: 250\n", "  radius_m: 250\n  radius_m: 2500\n")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load_standard(path)
    expected_line = text.splitlines().index("  radius_m: 2500") + 1
    assert caught.value.values["key"] == "radius_m"
    assert caught.value.values["line"] == expected_line


def test_json_syntax_error_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{\n  "name": {"zh": "x", "en": "y"},\n  "version": 1,,\n}\n', encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load_standard(path)
    assert caught.value.values["line"] == 3


def test_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="was not found"):
        load_standard(tmp_path / "nothing.yaml")
    wrong = tmp_path / "standard.xlsx"
    wrong.write_bytes(b"PK")
    with pytest.raises(DataError, match=r"unsupported file type '\.xlsx'"):
        load_standard(wrong)
    empty = tmp_path / "empty.yaml"
    empty.write_text("# only a comment\n", encoding="utf-8")
    with pytest.raises(DataError, match="is empty"):
        load_standard(empty)
    gbk = tmp_path / "gbk.yaml"
    gbk.write_bytes("name: 幼儿园\n".encode("gbk"))
    with pytest.raises(DataError, match="not UTF-8"):
        load_standard(gbk)


def test_error_message_is_translated_before_formatting(tmp_path: Path) -> None:
    error = _error_for(tmp_path, _broken(lambda d: d["types"][1].update(radius_m=-50)))
    fake_chinese = {error.template: "设施标准 {file}，第 {index} 类（{code}）：字段 '{field}' 有误"}
    message = error.message(lambda template: fake_chinese.get(template, template))
    assert message.endswith("第 2 类（toilet）：字段 'radius_m' 有误")
