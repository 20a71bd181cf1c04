"""What ``suggestsites`` tells the planner: the log, its three outputs and the plan store.

The algorithm's file declares parameters and calls the domain; the wording of the answer (how
good it is, why greedy, what was set aside) and the writing of the layers live here, next to
it, so that both stay short enough to read.
"""

from __future__ import annotations

import datetime
from typing import Any, Dict, List, Optional

import numpy as np
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsFeature,
    QgsFeatureSink,
    QgsFields,
    QgsGeometry,
    QgsPointXY,
    QgsProcessingException,
)

from ..i18n import tr
from ..scoring.plan import Changes, PlanStore
from ..scoring.siting import (
    FALLBACK_NO_SOLVER,
    FALLBACK_TIME_LIMIT,
    GREEDY_FACTOR,
    METHOD_EXACT,
    STATUS_COVERED_BEFORE,
    STATUS_NEWLY_COVERED,
    STATUS_NOT_COVERED,
    STATUS_UNREACHABLE,
    WEIGHT_UNITS,
    Suggestion,
)
from ..scoring.siting.projects import SiteProject, reserve_projects
from . import compat
from .layers import describe_ids
from .plan_inputs import open_store

SITE_FIELDS = (
    ("rank", "int"),
    ("candidate_id", "string"),
    ("type_code", "string"),
    ("pop_gained", "double"),
    ("pop_cumulative", "double"),
    ("share_cumulative", "double"),
    ("units_gained", "int"),
    ("unit_ids", "string"),
    ("method", "string"),
    ("optimal", "int"),
)
UNIT_FIELDS = (
    ("status", "string"),
    ("status_text", "string"),
    ("site_rank", "int"),
    ("site_id", "string"),
    ("distance_before", "double"),
    ("distance_site", "double"),
)
#: Added in walking time: the minutes of those two walks.
UNIT_TIME_FIELDS = (("minutes_before", "double"), ("minutes_site", "double"))
CURVE_FIELDS = (
    ("k", "int"),
    ("pop_covered", "double"),
    ("share_covered", "double"),
    ("pop_gained", "double"),
    ("units_gained", "int"),
    ("optimal", "int"),
    ("upper_bound", "double"),
    ("method", "string"),
)


def _people(value: float) -> str:
    return f"{value:,.0f}"


def reach_text(suggestion: Suggestion) -> str:
    """How far a site serves, as messages say it: "300 m" or "5 min walk"."""
    if suggestion.measure.time:
        minutes = suggestion.measure.minutes(suggestion.limit)
        return tr("{minutes} min walk").format(minutes=f"{minutes:g}")
    return tr("{metres} m").format(metres=f"{suggestion.limit:g}")


def _share(value: float) -> str:
    return "–" if value != value else f"{100.0 * value:.1f} %"


class SiteReport:
    """One run's reporting and writing; made by the algorithm with its run's objects."""

    def __init__(self, algorithm, parameters, context, feedback, standard, kind) -> None:
        self.algorithm = algorithm
        self.parameters = parameters
        self.context = context
        self.feedback = feedback
        self.standard = standard
        self.kind = kind
        self.store: Optional[PlanStore] = None

    # The plan store ----------------------------------------------------------------------

    def open_plan_store(self) -> None:
        """Open the plan store before any work, so that a wrong file stops the run early."""
        alg, parameters, context = self.algorithm, self.parameters, self.context
        path = alg.parameterAsFile(parameters, alg.PLAN_STORE, context)
        if not path:
            return
        field = alg.parameterAsString(parameters, alg.COMMUNITY_FIELD, context)
        if not field:
            raise QgsProcessingException(
                tr(
                    "A plan store was given: choose the units' community id field too, so that "
                    "each suggested site can be filed under its community."
                )
            )
        self.store = open_store(path, self.feedback, standard=self.standard)
        refused = self.store.read_only_reason()
        if refused is not None:  # before any work: a run's result must not be lost at the end
            raise refused

    def plan_projects(self, suggestion: Suggestion, inputs, candidates) -> list:
        """The reserve projects for the chosen sites not yet in the store, checked against it
        (so that a problem stops the run before any output is written)."""
        if self.store is None or not suggestion.sites:
            return []
        alg = self.algorithm
        field = alg.parameterAsString(self.parameters, alg.COMMUNITY_FIELD, self.context)
        alg.check_field(inputs.units, alg.UNITS, field)
        features = [
            feature
            for feature, ok in zip(inputs.unit_points.features, inputs.located.tolist())
            if ok
        ]
        community = [_plain(feature[field]) for feature in features]
        to_store = QgsCoordinateTransform(
            inputs.crs,
            QgsCoordinateReferenceSystem(self.store.crs),
            self.context.transformContext(),
        )
        sites = []
        for site in suggestion.sites:
            point = to_store.transform(*suggestion.candidates.xy[site.candidate].tolist())
            geometry = self._measured_geometry(suggestion, site.candidate, candidates)
            geometry.transform(to_store)
            sites.append(
                SiteProject(
                    rank=site.rank,
                    candidate_id=site.candidate_id,
                    geometry=_shapely(geometry),
                    x=point.x(),
                    y=point.y(),
                    units=site.units,
                    gained=site.gained,
                    gained_units=site.gained_units,
                    land_area=None if candidates.proposed else candidates.land_area[site.candidate],
                )
            )
        today = datetime.date.today().isoformat()
        projects = reserve_projects(
            sites,
            self.kind.code,
            community,
            suggestion.weight,
            lambda site: tr("{type} suggested site {rank} ({id})").format(
                type=self.kind.name_zh, rank=site.rank, id=site.candidate_id
            ),
            lambda site: tr(
                "Suggested by site suggestion on {date}: newly serves {people} residents in "
                "{units} compounds within {reach}."
            ).format(
                date=today,
                people=_people(site.gained),
                units=site.gained_units,
                reach=reach_text(suggestion),
            ),
        )
        fresh = [project for project in projects if self.store.project(project.id) is None]
        kept = [project for project in projects if project not in fresh]
        if kept:
            self.feedback.pushInfo(
                tr(
                    "{count} suggested sites are already projects of plan store {file} (from an "
                    "earlier run) and are left as they are: {projects}"
                ).format(
                    count=len(kept),
                    file=self.store.location,
                    projects=describe_ids([project.name for project in kept]),
                )
            )
        errors = self.store.validate(Changes(projects=fresh))
        if errors:
            raise errors[0]
        return fresh

    def save_projects(self, projects: list) -> int:
        if self.store is None or not projects:
            return 0
        # All or nothing: someone adding the same site meanwhile refuses the whole save.
        result = self.store.save(Changes(projects=projects), all_or_nothing=True)
        self.feedback.pushInfo(
            tr(
                "{count} suggested sites were added to plan store {file} as reserve projects."
            ).format(count=result.inserted, file=self.store.location)
        )
        return result.inserted

    @staticmethod
    def _measured_geometry(suggestion: Suggestion, candidate: int, candidates) -> QgsGeometry:
        """The candidate's geometry in the measuring CRS (a point for proposed sites)."""
        if candidates.proposed:
            x, y = suggestion.candidates.xy[candidate].tolist()
            return QgsGeometry.fromPointXY(QgsPointXY(x, y))
        geometry = QgsGeometry(candidates.features[candidate].geometry())
        geometry.transform(candidates.transform)
        return geometry

    # The log -----------------------------------------------------------------------------

    def log(self, suggestion: Suggestion) -> None:
        """What was asked, what was found and how good it is, for the planner's log."""
        info, warn = self.feedback.pushInfo, self.feedback.pushWarning
        kind = self.kind
        satisfiers = self.standard.satisfiers(kind.code)[1:]
        info(
            tr("Facility type {code} ({name}): a site serves the compounds within {reach}.").format(
                code=kind.code, name=kind.name_zh, reach=reach_text(suggestion)
            )
            + (
                " "
                + tr("Existing facilities of {types}, which also serve it, count too.").format(
                    types=", ".join(satisfiers)
                )
                if satisfiers
                else ""
            )
        )
        if suggestion.weight_kind == WEIGHT_UNITS:
            warn(tr("No population is known: sites are chosen to cover the most compounds."))
        statuses = suggestion.status
        names = suggestion.gap.unit_ids
        info(
            tr(
                "Covered before: {units} of {total} compounds, {people} residents ({share})."
            ).format(
                units=int(np.count_nonzero(statuses == STATUS_COVERED_BEFORE)),
                total=len(statuses),
                people=_people(suggestion.covered_before),
                share=_share(suggestion.share_before),
            )
        )
        joined = suggestion.candidate_joined
        ids = list(suggestion.candidates.ids)
        not_joined = [ids[i] for i in np.flatnonzero(~joined)]
        if not_joined:
            warn(
                tr(
                    "{count} candidates are farther than the snap tolerance from the walking "
                    "network and were left out: {ids}"
                ).format(count=len(not_joined), ids=describe_ids(not_joined))
            )
        idle = [ids[i] for i in np.flatnonzero(joined & ~suggestion.candidate_reaches)]
        info(
            tr(
                "{count} candidates, {reaching} of them within {reach} of a compound not "
                "served; {idle} reach nobody new."
            ).format(
                count=len(ids),
                reaching=int(np.count_nonzero(suggestion.candidate_reaches)),
                reach=reach_text(suggestion),
                idle=len(idle),
            )
        )
        unreachable = [names[i] for i in np.flatnonzero(statuses == STATUS_UNREACHABLE)]
        if unreachable:
            warn(
                tr(
                    "{count} compounds not served are beyond reach of every candidate and set "
                    "aside: {ids}"
                ).format(count=len(unreachable), ids=describe_ids(unreachable))
            )
        if suggestion.n_demands:
            info(
                tr(
                    "Reduced problem: {demands} compounds not served in {groups} groups of "
                    "compounds reached by the same candidates."
                ).format(demands=suggestion.n_demands, groups=suggestion.n_groups)
            )
        if suggestion.n_undominated is not None:
            info(
                tr(
                    "The integer programme kept {candidates} candidates; the others are "
                    "dominated (another candidate reaches everyone they reach)."
                ).format(candidates=suggestion.n_undominated)
            )
        self._log_answer(suggestion)

    def _log_answer(self, suggestion: Suggestion) -> None:
        info, warn = self.feedback.pushInfo, self.feedback.pushWarning
        answer = suggestion.answer
        if answer.target == answer.target and answer.target_capped:
            warn(
                tr(
                    "The target share cannot be reached: the candidates reach only {share} of "
                    "all residents. The sites below cover everyone they can reach."
                ).format(
                    share=_share(
                        (suggestion.covered_before + answer.target) / suggestion.total
                        if suggestion.total
                        else float("nan")
                    )
                )
            )
        if not suggestion.n_demands:
            info(tr("Every compound is already served: no new site is needed."))
        elif not answer.sites:
            info(tr("The target share is already reached: no new site is needed."))
        method = (
            tr("exact (integer programme, HiGHS)")
            if answer.method == METHOD_EXACT
            else tr("greedy")
        )
        if answer.optimal:
            info(tr("Method: {method}; the answer is proven best.").format(method=method))
        else:
            why = {
                FALLBACK_NO_SOLVER: tr("scipy.optimize.milp (scipy 1.9 or newer) is not available"),
                FALLBACK_TIME_LIMIT: tr("the time limit was reached"),
            }.get(answer.fallback, tr("the exact solver gave no answer"))
            if answer.target == answer.target:
                bound = tr("at least {count} sites are needed").format(count=int(answer.bound))
            else:
                bound = tr("no choice covers more than {people}").format(
                    people=_people(answer.bound)
                )
            warn(
                tr(
                    "Method: {method}, not proven best because {why}; {bound} (remaining gap "
                    "{gap})."
                ).format(method=method, why=why, bound=bound, gap=_share(answer.gap))
            )
            if answer.method != METHOD_EXACT:
                warn(
                    tr(
                        "Greedy's guarantee: with k sites it covers at least {factor} of the best "
                        "possible; for a target it needs at most 1 + ln(target ÷ smallest "
                        "compound) times the fewest sites."
                    ).format(factor=_share(GREEDY_FACTOR))
                )
        info(
            tr(
                "{count} sites chosen: {people} residents newly covered; share covered "
                "{before} → {after}."
            ).format(
                count=len(answer.sites),
                people=_people(answer.value),
                before=_share(suggestion.share_before),
                after=_share(suggestion.share_after),
            )
        )

    # Writing -----------------------------------------------------------------------------

    def write(self, suggestion: Suggestion, inputs, candidates) -> Dict[str, Any]:
        answer = suggestion.answer
        results = {
            self.algorithm.OUTPUT: self.write_sites(suggestion, inputs, candidates),
            self.algorithm.UNITS_OUTPUT: self.write_units(suggestion, inputs),
            self.algorithm.CURVE: self.write_curve(suggestion),
            "POP_GAINED": answer.value,
            "OPTIMAL": bool(answer.optimal),
            "SITES_CHOSEN": len(answer.sites),
            "GAP": float(answer.gap),
            "METHOD": answer.method,
            "SHARE_BEFORE": _finite(suggestion.share_before),
            "SHARE_AFTER": _finite(suggestion.share_after),
        }
        return results

    def write_sites(self, suggestion: Suggestion, inputs, candidates) -> str:
        alg = self.algorithm
        out_crs = inputs.units.sourceCrs()
        to_output = QgsCoordinateTransform(inputs.crs, out_crs, self.context.transformContext())
        fields = QgsFields()
        copied: List[int] = []
        layer_fields = candidates.fields
        if layer_fields is not None:
            taken = {name for name, _ in SITE_FIELDS}
            for index, field in enumerate(layer_fields):
                if field.name().lower() not in taken:
                    fields.append(field)
                    copied.append(index)
        for name, kind in SITE_FIELDS:
            fields.append(compat.new_field(name, kind))
        wkb = compat.WkbType.Point if candidates.proposed else candidates.wkb_type
        sink, sink_id = alg.output_sink(
            self.parameters, alg.OUTPUT, self.context, fields, wkb, out_crs
        )
        if sink is None:
            raise QgsProcessingException(alg.invalidSinkError(self.parameters, alg.OUTPUT))
        names = suggestion.gap.unit_ids
        answer = suggestion.answer
        by_population = suggestion.weight_kind != WEIGHT_UNITS
        for site in suggestion.sites:
            geometry = self._measured_geometry(suggestion, site.candidate, candidates)
            geometry.transform(to_output)
            feature = QgsFeature(fields)
            feature.setGeometry(geometry)
            values: List[Any] = []
            if copied:
                attributes = candidates.features[site.candidate].attributes()
                values = [attributes[index] for index in copied]
            share = (suggestion.covered_before + site.cumulative) / suggestion.total
            values += [
                site.rank,
                str(site.candidate_id),
                self.kind.code,
                site.gained if by_population else None,
                site.cumulative if by_population else None,
                round(share, 4) if by_population and suggestion.total else None,
                site.gained_units,
                ", ".join(str(names[unit]) for unit in site.units),
                answer.method,
                int(answer.optimal),
            ]
            feature.setAttributes(values)
            sink.addFeature(feature, QgsFeatureSink.Flag.FastInsert)
        return sink_id

    def write_units(self, suggestion: Suggestion, inputs) -> str:
        alg = self.algorithm
        specs = UNIT_FIELDS + (UNIT_TIME_FIELDS if suggestion.measure.time else ())
        added = [compat.new_field(name, kind) for name, kind in specs]
        keep = alg.kept_input_fields(inputs.units, {field.name() for field in added}, self.feedback)
        fields = QgsFields()
        for index in keep:
            fields.append(inputs.units.fields().at(index))
        for field in added:
            fields.append(field)
        sink, sink_id = alg.output_sink(
            self.parameters,
            alg.UNITS_OUTPUT,
            self.context,
            fields,
            inputs.units.wkbType(),
            inputs.units.sourceCrs(),
        )
        if sink is None:
            raise QgsProcessingException(alg.invalidSinkError(self.parameters, alg.UNITS_OUTPUT))
        rows = iter(self._unit_rows(suggestion))
        no_location = ["no_location", tr("no usable geometry"), 0] + [None] * (len(specs) - 3)
        batch = []
        for feature, located in zip(inputs.unit_points.features, inputs.located.tolist()):
            attributes = feature.attributes()
            output = QgsFeature(fields)
            output.setGeometry(feature.geometry())
            output.setAttributes(
                [attributes[index] for index in keep] + (next(rows) if located else no_location)
            )
            batch.append(output)
            if len(batch) == 1000:
                sink.addFeatures(batch, QgsFeatureSink.Flag.FastInsert)
                batch = []
        if batch:
            sink.addFeatures(batch, QgsFeatureSink.Flag.FastInsert)
        return sink_id

    def _unit_rows(self, suggestion: Suggestion) -> List[list]:
        words = {
            STATUS_COVERED_BEFORE: tr("covered before"),
            STATUS_NOT_COVERED: tr("still not covered"),
            STATUS_UNREACHABLE: tr("unreachable: no candidate site within {reach}").format(
                reach=reach_text(suggestion)
            ),
        }
        not_joined = tr("unreachable: not joined to the walking network")
        site_of_rank = {site.rank: site for site in suggestion.sites}
        newly = {
            rank: tr("newly covered by site {rank} ({id})").format(rank=rank, id=site.candidate_id)
            for rank, site in site_of_rank.items()
        }
        reasons = suggestion.gap.reason
        code, timed = suggestion.code, suggestion.measure.time
        distance_before = suggestion.gap.distance[code]
        minutes_before = suggestion.gap.time.get(code) if timed else None
        rows = []
        for unit, status in enumerate(suggestion.status.tolist()):
            rank = int(suggestion.site_rank[unit])
            if status == STATUS_NEWLY_COVERED:
                text = newly[rank]
            elif status == STATUS_UNREACHABLE and reasons[unit] == "not_joined":
                text = not_joined
            else:
                text = words[status]
            rows.append(
                [
                    status,
                    text,
                    rank,
                    str(site_of_rank[rank].candidate_id) if rank else None,
                    _metres(distance_before[unit]),
                    _metres(suggestion.site_metres[unit]),
                ]
                + (
                    [
                        _minutes(minutes_before[unit]),
                        _minutes(suggestion.measure.minutes(suggestion.site_cost[unit])),
                    ]
                    if timed
                    else []
                )
            )
        return rows

    def write_curve(self, suggestion: Suggestion) -> str:
        fields, sink, sink_id = self.algorithm.create_sink(
            self.parameters,
            self.algorithm.CURVE,
            self.context,
            CURVE_FIELDS,
            compat.NO_GEOMETRY,
            QgsCoordinateReferenceSystem(),
        )
        by_population = suggestion.weight_kind != WEIGHT_UNITS
        total, before = suggestion.total, suggestion.covered_before
        rows = [(0, 0.0, 0, True, 0.0, "")]
        rows += [(p.k, p.value, p.units, p.optimal, p.bound, p.method) for p in suggestion.curve]
        for k, value, units, optimal, bound, method in rows:
            feature = QgsFeature(fields)
            feature.setAttributes(
                [
                    k,
                    before + value if by_population else None,
                    round((before + value) / total, 4) if total and by_population else None,
                    value if by_population else None,
                    units,
                    int(optimal),
                    before + bound if by_population else None,
                    method or None,
                ]
            )
            sink.addFeature(feature, QgsFeatureSink.Flag.FastInsert)
        return sink_id


def _metres(value: float) -> Optional[float]:
    return None if value != value else round(float(value), 1)


def _minutes(value: float) -> Optional[float]:
    return None if value != value else round(float(value), 2)


def _finite(value: float) -> Optional[float]:
    return None if value != value else float(value)


def _plain(value: Any) -> Any:
    if value is None or (hasattr(value, "isNull") and value.isNull()):
        return None
    return value


def _shapely(geometry: QgsGeometry):
    from shapely import wkb

    return wkb.loads(bytes(geometry.asWkb()))
