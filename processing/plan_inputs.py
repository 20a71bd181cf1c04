"""The special plan as an input of an analysis: the plan store and status parameters, and the
plan's projects read as facilities.

Both ``planscenario`` and ``tieredprovision`` add the projects of chosen statuses to the
facilities they analyse. The parameters, the reading and the checks live here once, so that
the two algorithms cannot drift apart in what "the plan" means (which statuses count by
default, how a project is placed, which projects are left out and said so).
"""

from __future__ import annotations

from typing import Optional, Sequence

import numpy as np
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsCsException,
    QgsPointXY,
    QgsProcessingException,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFile,
)

from ..i18n import current_language, tr
from ..scoring.errors import N_, DataError
from ..scoring.plan import STATUSES, PlannedFacility
from .layers import describe_ids
from .plan_sources import open_plan_store

#: Statuses added by default: everything decided (计划, 在建, 完工), not the reserve (储备).
DEFAULT_STATUSES = (1, 2, 3)

_BAD_STORE_CRS = N_(
    "Plan store {file}: its coordinate reference system '{crs}' is not known to QGIS, so the "
    "project locations cannot be placed"
)


def add_plan_store_parameter(
    algorithm, name: str, help_text: str, optional: bool = False, description: str = ""
) -> None:
    """The plan store parameter: a GeoPackage made by the Plan data dialog, or a PostgreSQL
    store's address (``postgres: connection='…' schema=…``, as the dialog shows it), which a
    file parameter takes as text ("All files" lets QGIS accept it)."""
    algorithm.add_parameter(
        QgsProcessingParameterFile(
            name,
            description or tr("Plan store"),
            optional=optional,
            fileFilter=tr("Plan store (*.gpkg);;All files (*)"),
        ),
        help_text + " " + plan_store_help(),
    )


def plan_store_help() -> str:
    return tr(
        "A plan store in PostgreSQL is given by its address, e.g. postgres: connection='院内"
        "数据库' schema=plan_2025 (a saved QGIS connection; the Plan data dialog shows the "
        "address of the store it has open)."
    )


def open_store(source: str, feedback, standard=None):
    """The plan store at ``source`` (a GeoPackage or a ``postgres:`` address), saying in the log
    that an older store was upgraded and that a read-only one is read only."""
    store = open_plan_store(source, standard=standard)
    if store.upgraded_from is not None:
        feedback.pushInfo(
            tr(
                "Plan store {file} was upgraded from schema version {version}; a backup "
                "copy is at {backup}."
            ).format(
                file=store.location, version=store.upgraded_from, backup=str(store.backup_path)
            )
        )
    return store


def add_statuses_parameter(algorithm, name: str, help_text: str) -> None:
    """The statuses whose projects are added; planned, under construction and completed by
    default."""
    algorithm.add_parameter(
        QgsProcessingParameterEnum(
            name,
            tr("Project statuses to add"),
            options=[status_option(choice) for choice in STATUSES],
            allowMultiple=True,
            defaultValue=list(DEFAULT_STATUSES),
        ),
        help_text,
    )


def status_option(choice) -> str:
    """How a status is listed: its label in the user's language and its stored code."""
    return f"{choice.label(current_language())} ({choice.code})"


def chosen_statuses(algorithm, parameters, name: str, context) -> list[str]:
    """The stored codes of the statuses chosen in enum parameter ``name``."""
    indices = algorithm.parameterAsEnums(parameters, name, context)
    return [STATUSES[index].code for index in indices]


def read_planned_facilities(path: str, statuses: Sequence[str], skip_unlocated: bool, feedback):
    """The store at ``path`` and its projects of ``statuses`` as facilities (store CRS).

    Says in the log what was added, that an older store was upgraded, and which projects
    without a location were left out (with ``skip_unlocated``; otherwise they stop the run).
    """
    store = open_store(path, feedback)
    planned = store.projects_as_facilities(statuses, skip_unlocated=skip_unlocated)
    if skip_unlocated:
        unlocated = [
            project.record for project in store.projects(statuses=statuses)
            if project.geometry is None
        ]  # fmt: skip
        if unlocated:
            feedback.pushWarning(
                tr("Projects without a location, left out: {projects}").format(
                    projects=describe_ids(unlocated)
                )
            )
    feedback.pushInfo(
        tr("Plan store {file}: {count} projects of the statuses {statuses} are added.").format(
            file=store.location, count=len(planned), statuses=", ".join(statuses) or "-"
        )
    )
    return store, planned


def project_points(planned: Sequence[PlannedFacility], store, crs, context) -> np.ndarray:
    """The projects' points, from the store's CRS into the measuring CRS."""
    store_crs = QgsCoordinateReferenceSystem(store.crs)
    if not store_crs.isValid():
        raise DataError(_BAD_STORE_CRS, file=store.location, crs=store.crs)
    transform = QgsCoordinateTransform(store_crs, crs, context.transformContext())
    points = np.empty((len(planned), 2))
    for row, facility in enumerate(planned):
        try:
            point = transform.transform(QgsPointXY(facility.x, facility.y))
        except QgsCsException:
            point = QgsPointXY(float("nan"), float("nan"))
        points[row] = (point.x(), point.y())
    finite = np.isfinite(points).all(axis=1)
    bad = [project_name(facility) for facility, ok in zip(planned, finite.tolist()) if not ok]
    if bad:
        raise QgsProcessingException(
            tr("Projects whose location cannot be reprojected to {crs}: {projects}").format(
                crs=crs.authid(), projects=describe_ids(bad)
            )
        )
    return points


def project_codes(planned, standard, feedback) -> list[Optional[str]]:
    """Each project's type code; codes the run's standard does not know are left out."""
    codes: list[Optional[str]] = []
    unknown: list[str] = []
    for facility in planned:
        code = standard.match_type(facility.type_code)
        codes.append(code)
        if code is None:
            unknown.append(f"{project_name(facility)} ({facility.type_code})")
    if unknown:
        feedback.pushWarning(
            tr(
                "Projects whose facility type the standard does not know, left out: {projects}"
            ).format(projects=describe_ids(unknown))
        )
    return codes


def project_name(facility: PlannedFacility) -> str:
    """How messages name a project: its name, or its id while it has none."""
    return facility.name.strip() or facility.id
