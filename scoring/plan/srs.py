"""Coordinate reference systems a plan store can be created in without being told their WKT.

A GeoPackage stores the definition (WKT) of every CRS it uses, so that GDAL and QGIS draw its
layers in the right place. The QGIS adapter passes the WKT of whatever CRS the user picked; a
script or a test should not have to, for the systems Chinese planning data comes in: WGS 84
and CGCS2000 geographic, Web Mercator, UTM zones over China, and the CGCS2000 Gauss-Kruger
zones (3° and 6°, with and without the zone number in the false easting). Those are families
that differ only in central meridian and false easting, so their WKT is built from one pattern
per family instead of being pasted; ``tests/test_plan_store.py`` compares every one of them
with GDAL's own definition of the EPSG code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Dict, Optional, Tuple, Union

from ..errors import N_, DataError

#: srs_id for CRSs without an EPSG code (GDAL numbers such systems from 100000 too).
FIRST_CUSTOM_SRS_ID = 100000

_UNKNOWN_CRS = N_(
    "Coordinate reference system '{crs}' is not in the built-in table (EPSG {known}); pass its "
    "WKT definition as well"
)
_BAD_CRS = N_(
    "Coordinate reference system '{crs}' must be written like EPSG:32650 (an authority, a colon "
    "and a number)"
)
_EMPTY_WKT = N_("Coordinate reference system '{crs}': its WKT definition is empty")


@dataclass(frozen=True)
class SrsDefinition:
    """One row of ``gpkg_spatial_ref_sys``: who defines the CRS, its number, name and WKT."""

    srs_id: int
    organization: str
    organization_coordsys_id: int
    name: str
    definition: str

    @property
    def authid(self) -> str:
        """``EPSG:32650``: the form QGIS's ``authid()`` gives and the plan keeps."""
        return f"{self.organization}:{self.organization_coordsys_id}"


_SPHEROIDS = {
    "WGS 84": (
        'DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],'
        'AUTHORITY["EPSG","6326"]]',
        "4326",
    ),
    "China Geodetic Coordinate System 2000": (
        'DATUM["China_2000",SPHEROID["CGCS2000",6378137,298.257222101,'
        'AUTHORITY["EPSG","1024"]],AUTHORITY["EPSG","1043"]]',
        "4490",
    ),
}
_PRIME_MERIDIAN_AND_UNIT = (
    'PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],'
    'UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]]'
)
_EAST_NORTH = 'AXIS["Easting",EAST],AXIS["Northing",NORTH]'
_NORTH_EAST = 'AXIS["Northing",NORTH],AXIS["Easting",EAST]'


def _geogcs(datum_name: str, axes: bool) -> str:
    datum, code = _SPHEROIDS[datum_name]
    axis = ',AXIS["Latitude",NORTH],AXIS["Longitude",EAST]' if axes else ""
    return (
        f'GEOGCS["{datum_name}",{datum},{_PRIME_MERIDIAN_AND_UNIT}{axis},'
        f'AUTHORITY["EPSG","{code}"]]'
    )


def _transverse_mercator(
    name: str, datum_name: str, code: int, meridian: int, scale: str, easting: int, axes: str
) -> str:
    return (
        f'PROJCS["{name}",{_geogcs(datum_name, axes=False)},PROJECTION["Transverse_Mercator"],'
        f'PARAMETER["latitude_of_origin",0],PARAMETER["central_meridian",{meridian}],'
        f'PARAMETER["scale_factor",{scale}],PARAMETER["false_easting",{easting}],'
        'PARAMETER["false_northing",0],UNIT["metre",1,AUTHORITY["EPSG","9001"]],'
        f'{axes},AUTHORITY["EPSG","{code}"]]'
    )


_WEB_MERCATOR = (
    'PROJCS["WGS 84 / Pseudo-Mercator",{geogcs},PROJECTION["Mercator_1SP"],'
    'PARAMETER["central_meridian",0],PARAMETER["scale_factor",1],PARAMETER["false_easting",0],'
    'PARAMETER["false_northing",0],UNIT["metre",1,AUTHORITY["EPSG","9001"]],{axes},'
    'EXTENSION["PROJ4","+proj=merc +a=6378137 +b=6378137 +lat_ts=0 +lon_0=0 +x_0=0 +y_0=0 '
    '+k=1 +units=m +nadgrids=@null +wktext +no_defs"],AUTHORITY["EPSG","3857"]]'
).format(geogcs=_geogcs("WGS 84", axes=False), axes=_EAST_NORTH)


def _builtin_table() -> Dict[int, Tuple[str, str]]:
    """EPSG code -> (name, WKT) for every built-in CRS."""
    cgcs = "China Geodetic Coordinate System 2000"
    table: Dict[int, Tuple[str, str]] = {
        4326: ("WGS 84", _geogcs("WGS 84", axes=True)),
        4490: (cgcs, _geogcs(cgcs, axes=True)),
        3857: ("WGS 84 / Pseudo-Mercator", _WEB_MERCATOR),
    }
    families = []
    for zone in range(43, 54):  # UTM zones 43N-53N cover China (72°E-138°E)
        name = f"WGS 84 / UTM zone {zone}N"
        families.append((32600 + zone, name, "WGS 84", 6 * zone - 183, "0.9996", 500000))
    for index in range(21):  # CGCS2000 3° zones 25-45, central meridians 75°E-135°E
        zone, meridian = 25 + index, 75 + 3 * index
        families.append(
            (4513 + index, f"CGCS2000 / 3-degree Gauss-Kruger zone {zone}", cgcs,
             meridian, "1", zone * 1000000 + 500000)
        )  # fmt: skip
        families.append(
            (4534 + index, f"CGCS2000 / 3-degree Gauss-Kruger CM {meridian}E", cgcs,
             meridian, "1", 500000)
        )  # fmt: skip
    for index in range(11):  # CGCS2000 6° zones 13-23, central meridians 75°E-135°E
        zone, meridian = 13 + index, 75 + 6 * index
        families.append(
            (4491 + index, f"CGCS2000 / Gauss-Kruger zone {zone}", cgcs, meridian, "1",
             zone * 1000000 + 500000)
        )  # fmt: skip
        families.append(
            (4502 + index, f"CGCS2000 / Gauss-Kruger CM {meridian}E", cgcs, meridian,
             "1", 500000)
        )  # fmt: skip
    for code, name, datum, meridian, scale, easting in families:
        axes = _EAST_NORTH if datum == "WGS 84" else _NORTH_EAST
        table[code] = (
            name,
            _transverse_mercator(name, datum, code, meridian, scale, easting, axes),
        )
    return table


_BUILTIN = _builtin_table()

#: EPSG codes whose definition the store knows without being given a WKT.
BUILTIN_EPSG_CODES: Tuple[int, ...] = tuple(sorted(_BUILTIN))

_AUTHID = re.compile(r"\s*([A-Za-z][A-Za-z0-9_]*)\s*:\s*(\d+)\s*\Z")


def builtin_srs(epsg_code: int) -> Optional[SrsDefinition]:
    """The built-in definition of ``EPSG:epsg_code``, or None when the table lacks it."""
    if epsg_code not in _BUILTIN:
        return None
    name, wkt = _BUILTIN[epsg_code]
    return SrsDefinition(epsg_code, "EPSG", epsg_code, name, wkt)


def srs_definition(
    crs: Union[str, int], wkt: Optional[str] = None, name: Optional[str] = None
) -> SrsDefinition:
    """The ``gpkg_spatial_ref_sys`` row for ``crs`` (``EPSG:32650``, ``32650`` or ``USER:1``).

    With ``wkt`` the caller's definition is used as given (QGIS passes the CRS the user
    picked, which may be a city's own system); without it the CRS must be a built-in EPSG
    code. A CRS of another authority than EPSG gets an srs_id from 100000 on, since srs_id
    must not collide with EPSG codes that GDAL may add later.
    """
    organization, code = _parse_crs(crs)
    if wkt is None:
        known = builtin_srs(code) if organization == "EPSG" else None
        if known is None:
            raise DataError(
                _UNKNOWN_CRS,
                crs=str(crs),
                known=", ".join(str(code) for code in BUILTIN_EPSG_CODES),
            )
        return known
    if not wkt.strip():
        raise DataError(_EMPTY_WKT, crs=str(crs))
    builtin = builtin_srs(code) if organization == "EPSG" else None
    label = name or (builtin.name if builtin else f"{organization}:{code}")
    srs_id = code if organization == "EPSG" else FIRST_CUSTOM_SRS_ID
    return SrsDefinition(srs_id, organization, code, label, wkt.strip())


def _parse_crs(crs: Union[str, int]) -> Tuple[str, int]:
    if isinstance(crs, int) and not isinstance(crs, bool) and crs > 0:
        return "EPSG", crs
    text = str(crs).strip()
    if text.isdigit():
        return "EPSG", int(text)
    match = _AUTHID.match(text)
    if match is None:
        raise DataError(_BAD_CRS, crs=text)
    return match.group(1).upper(), int(match.group(2))
