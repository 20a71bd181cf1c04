"""``completecommunity:exportatlas`` — the map book (PDF): an overview, then one page per
community.

This file declares the parameters and reads them; ``processing/maps/book.py`` reads the layers
into records, plans the pages (``scoring/mapbook.py``), styles the layers from
``resources/styles`` and lays the pages out, and ``processing/maps/book_export.py`` writes the
files into the run's staged outputs, which the base class puts in place only when every file
is complete (``processing/outputs.py``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List

from qgis.core import (
    QgsProcessingException,
    QgsProcessingMultiStepFeedback,
    QgsProcessingOutputNumber,
    QgsProcessingOutputString,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterFolderDestination,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
)

from ...i18n import tr
from .. import compat
from ..base import BaseAlgorithm
from ..layers import measuring_crs
from ..maps.book import BookOptions, prepare_book
from ..maps.book_inputs import BookReading
from ..maps.book_layout import PAGE_SIZES
from ..outputs import OutputRule

LANGUAGES = ("zh_CN", "en")
SPLIT_NONE, SPLIT_DISTRICT = 0, 1


class ExportAtlasAlgorithm(BookReading, BaseAlgorithm):
    ALGORITHM_ID = "exportatlas"
    DISPLAY_NAME = "Export map book (atlas)"
    GROUP = "Evaluation"
    GROUP_ID = "evaluation"

    COMMUNITIES = "COMMUNITIES"
    COMMUNITY_ID_FIELD = "COMMUNITY_ID_FIELD"
    COMMUNITY_NAME_FIELD = "COMMUNITY_NAME_FIELD"
    COMMUNITY_DISTRICT_FIELD = "COMMUNITY_DISTRICT_FIELD"
    DISTRICTS = "DISTRICTS"
    DISTRICT_ID_FIELD = "DISTRICT_ID_FIELD"
    DISTRICT_NAME_FIELD = "DISTRICT_NAME_FIELD"
    GAPS = "GAPS"
    GAP_ID_FIELD = "GAP_ID_FIELD"
    GAP_NAME_FIELD = "GAP_NAME_FIELD"
    GAP_COMMUNITY_FIELD = "GAP_COMMUNITY_FIELD"
    GAP_POPULATION_FIELD = "GAP_POPULATION_FIELD"
    TITLE = "TITLE"
    LANGUAGE = "LANGUAGE"
    COMMUNITY_IDS = "COMMUNITY_IDS"
    PAGE_SIZE = "PAGE_SIZE"
    SPLIT_BY = "SPLIT_BY"
    DATA_SOURCES = "DATA_SOURCES"
    PNG_FOLDER = "PNG_FOLDER"
    DPI = "DPI"
    OUTPUT = "OUTPUT"
    FILES = "FILES"
    PAGES = "PAGES"

    def flags(self):
        # Print layouts draw with Qt's painters on the main thread, as QGIS's own layout
        # export algorithms do.
        return super().flags() | compat.ProcessingAlgorithmFlag.NoThreading

    def initAlgorithm(self, config=None) -> None:
        self._layer_parameters()
        self._book_parameters()

    def _field(
        self, name: str, title: str, parent: str, help_text: str, optional=True, number=False
    ):
        self.add_parameter(
            QgsProcessingParameterField(
                name,
                title,
                parentLayerParameterName=parent,
                type=(
                    compat.ProcessingFieldParameterDataType.Numeric
                    if number
                    else compat.ProcessingFieldParameterDataType.Any
                ),
                optional=optional,
            ),
            help_text,
        )

    def _layer_parameters(self) -> None:
        polygons = [compat.ProcessingSourceType.VectorPolygon]
        self.add_parameter(
            QgsProcessingParameterFeatureSource(
                self.COMMUNITIES, tr("Communities (社区)"), polygons
            ),
            tr("Community (社区) polygons: one page each."),
        )
        self._field(
            self.COMMUNITY_ID_FIELD,
            tr("Community id field"),
            self.COMMUNITIES,
            tr("Field with a unique id per community, as the scores and the gap result name it."),
            optional=False,
        )
        self._field(
            self.COMMUNITY_NAME_FIELD,
            tr("Community name field"),
            self.COMMUNITIES,
            tr("The community's name, in page titles and on the maps."),
        )
        self._field(
            self.COMMUNITY_DISTRICT_FIELD,
            tr("District id field on communities"),
            self.COMMUNITIES,
            tr("The 片区 each community belongs to: orders the pages and splits the book."),
        )
        self.add_parameter(
            QgsProcessingParameterFeatureSource(
                self.DISTRICTS, tr("Districts (片区)"), polygons, optional=True
            ),
            tr("Optional: district polygons, drawn as boundaries; their names head the pages."),
        )
        self._field(
            self.DISTRICT_ID_FIELD,
            tr("District id field"),
            self.DISTRICTS,
            tr("The id of each district, as the communities name it."),
        )
        self._field(
            self.DISTRICT_NAME_FIELD,
            tr("District name field"),
            self.DISTRICTS,
            tr("The name of each district, shown in the book."),
        )
        self.add_parameter(
            QgsProcessingParameterFeatureSource(
                self.GAPS,
                tr("Facility gap result (units)"),
                [
                    compat.ProcessingSourceType.VectorPolygon,
                    compat.ProcessingSourceType.VectorPoint,
                ],
            ),
            tr(
                "The units output of the facility gap analysis (ok_T per facility type T): the "
                "compounds are coloured by the share of mandatory types within reach."
            ),
        )
        for name, title, help_text, number in (
            (
                self.GAP_ID_FIELD,
                tr("Compound id field"),
                tr("Names compounds; the feature id when empty."),
                False,
            ),
            (
                self.GAP_NAME_FIELD,
                tr("Compound name field"),
                tr("The compound's name in the tables."),
                False,
            ),
            (
                self.GAP_COMMUNITY_FIELD,
                tr("Community id field on the gap result"),
                tr(
                    "The community each compound belongs to. When empty, the community polygon "
                    "holding the compound's point (a polygon's point on surface)."
                ),
                False,
            ),
            (
                self.GAP_POPULATION_FIELD,
                tr("Population field on the gap result"),
                tr("Residents per compound, in the tables and the share of residents covered."),
                True,
            ),
        ):
            self._field(name, title, self.GAPS, help_text, number=number)
        self.add_drawing_parameters(
            tr("Optional: facilities, drawn by type on the community pages."),
            tr("Optional: the walking network, drawn on community pages."),
        )
        self.add_parameter(
            QgsProcessingParameterFeatureSource(
                self.SCORES, tr("Community scores"), polygons, optional=True
            ),
            tr(
                "Optional: the 'Community scores' output of rubric scoring; each community page "
                "shows its total and grade."
            ),
        )
        self.add_standard_parameter(
            tr("The facility standard the gap analysis used; the built-in default when empty.")
        )
        self.add_rubric_parameter(
            tr("The rubric the scores were made with (grade names, maximum); built-in when empty.")
        )

    def _book_parameters(self) -> None:
        self.add_parameter(
            QgsProcessingParameterString(self.TITLE, tr("Title"), optional=True),
            tr("Heads every page, e.g. the city or district evaluated (南京市玄武区)."),
        )
        self.add_parameter(
            QgsProcessingParameterEnum(
                self.LANGUAGE,
                tr("Map book language"),
                options=[tr("Chinese (中文)"), tr("English")],
                defaultValue=0,
            ),
            tr("The language of titles, legends and tables: 0 Chinese, 1 English."),
        )
        self.add_parameter(
            QgsProcessingParameterString(
                self.COMMUNITY_IDS, tr("Chosen communities"), optional=True
            ),
            tr("Community ids separated by commas, for pages of these only; every one when empty."),
        )
        self.add_parameter(
            QgsProcessingParameterEnum(
                self.PAGE_SIZE,
                tr("Page size"),
                options=[tr(size.name) for size in PAGE_SIZES],
                defaultValue=0,
            ),
            tr("0 A4 landscape, 1 A3 landscape, 2 A4 portrait, 3 A3 portrait."),
        )
        self.add_parameter(
            QgsProcessingParameterEnum(
                self.SPLIT_BY,
                tr("Files"),
                options=[tr("One PDF"), tr("One PDF per district (片区)")],
                defaultValue=SPLIT_NONE,
            ),
            tr(
                "0: one PDF. 1: one PDF per district, each with its own overview, named "
                "<name>_<district>.pdf next to the output (needs the district id field)."
            ),
        )
        self.add_parameter(
            QgsProcessingParameterString(self.DATA_SOURCES, tr("Data sources"), optional=True),
            tr(
                "Credits for the footer. When empty, the input layers' names. The OpenStreetMap "
                "attribution is added when an input has OSM fields (osm_id, other_tags …)."
            ),
            advanced=True,
        )
        self.add_parameter(
            QgsProcessingParameterNumber(
                self.DPI,
                tr("Resolution (dpi)"),
                compat.ProcessingNumberParameterType.Double,
                defaultValue=150.0,
                minValue=50.0,
                maxValue=600.0,
            ),
            tr("Resolution of the PNG pages and of the raster parts of the PDF."),
            advanced=True,
        )
        self.add_parameter(
            QgsProcessingParameterFolderDestination(
                self.PNG_FOLDER,
                tr("PNG pages (folder)"),
                optional=True,
                createByDefault=False,
            ),
            tr("Optional: a folder for one PNG image per page, named by file and page."),
        )
        self.add_parameter(
            QgsProcessingParameterFileDestination(
                self.OUTPUT, tr("Map book"), tr("PDF file (*.pdf)")
            ),
            tr("The PDF to write. Split by district: <name>_<district>.pdf next to it."),
        )
        self.addOutput(QgsProcessingOutputString(self.FILES, tr("Files written")))
        self.addOutput(QgsProcessingOutputNumber(self.PAGES, tr("Pages")))

    # ---------------------------------------------------------------------------------

    def compute(self, parameters, context, feedback) -> dict[str, Any]:
        target = self.output_file(parameters, self.OUTPUT, context)
        if target is None:
            # Only a model gets here (the output is mandatory everywhere else): its map book
            # output was not asked for.
            feedback.pushInfo(tr("No file was given for the map book: nothing was drawn."))
            return {}
        steps = QgsProcessingMultiStepFeedback(2, feedback)
        images = self.output_folder(parameters, self.PNG_FOLDER, context)
        options = self.book_options(parameters, context)
        standard = self.standard_parameter(parameters, self.STANDARD, context)
        inputs = self.book_inputs(parameters, context, standard)
        communities = inputs.communities
        crs = measuring_crs(communities.source, communities.label, context, feedback)
        locate = self.locator(communities, crs, context, feedback)
        book = prepare_book(inputs, options, crs, context, steps, locate)
        try:
            feedback.pushInfo(
                tr("Map book: {files} file(s), {pages} pages, written in {fonts}.").format(
                    files=len(book.files), pages=book.page_count, fonts=book.fonts.describe()
                )
            )
            steps.setCurrentStep(1)
            targets = self.targets(target, book.files)
            dpi = self.parameterAsDouble(parameters, self.DPI, context)
            written = book.export(targets, images, dpi, steps)
            pages = book.page_count
        finally:
            book.close()
        return {
            self.OUTPUT: str(targets[0]),
            self.FILES: ";".join(str(path) for path in written),
            self.PAGES: pages,
            **({self.PNG_FOLDER: str(images)} if images is not None else {}),
        }

    # Reading the parameters ------------------------------------------------------------

    def output_rules(self, parameters, context) -> Dict[str, OutputRule]:
        """A PDF; split by district, the files are named after the districts (<name>_<片区>.pdf
        beside the output), known only once the communities are read."""
        split = self.parameterAsEnum(parameters, self.SPLIT_BY, context) == SPLIT_DISTRICT
        return {self.OUTPUT: OutputRule(exact=not split, suffix=".pdf")}

    def book_options(self, parameters, context) -> BookOptions:
        split = self.parameterAsEnum(parameters, self.SPLIT_BY, context) == SPLIT_DISTRICT
        if split and not self.parameterAsString(parameters, self.COMMUNITY_DISTRICT_FIELD, context):
            raise QgsProcessingException(
                tr("Give the district id field on communities to write one PDF per district.")
            )
        chosen = [
            text.strip()
            for text in self.parameterAsString(parameters, self.COMMUNITY_IDS, context).split(",")
            if text.strip()
        ]
        return BookOptions(
            title=self.parameterAsString(parameters, self.TITLE, context),
            language=LANGUAGES[self.parameterAsEnum(parameters, self.LANGUAGE, context)],
            page_size=PAGE_SIZES[self.parameterAsEnum(parameters, self.PAGE_SIZE, context)],
            chosen=chosen,
            by_district=split,
            sources=self.source_names(parameters, context),
            osm=self.is_osm(parameters, context),
        )

    @staticmethod
    def targets(target: Path, files) -> List[Path]:
        """One path per file of the book: the output itself, or <name>_<district>.pdf."""
        if len(files) == 1 and files[0].district_id is None:
            return [target]
        return [
            target.with_name(f"{target.stem}_{book.name_part}{target.suffix}") for book in files
        ]
