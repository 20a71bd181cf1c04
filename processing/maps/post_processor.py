"""Styling the outputs QGIS loads when a run finishes (toolbox, batch, model, runAndLoadResults).

An algorithm declares once which output gets which style::

    class FacilityGapAlgorithm(BaseAlgorithm):
        OUTPUT_STYLES = {"OUTPUT": "gap_units"}

and the base class calls :func:`attach_styles` after every run. For each styled output that
QGIS will load on completion, a :class:`StylePostProcessor` is attached to the layer's loading
details; Processing calls it once the layer is in the project, in the main thread. This is the
same whether the algorithm ran alone, in batch mode or as a step of a model (a model's steps
share its context, so an output the model loads keeps the post-processor its step attached).
Headless runs (``qgis_process``) load nothing and style nothing.

QGIS keeps only a C++ pointer to a post-processor: the Python object must stay referenced
until it has run, or Python would collect it and QGIS call into freed memory. They are kept
in :data:`_ALIVE`, bounded so that a long session does not grow without end.
"""

from __future__ import annotations

import collections
from typing import Any, Callable, Dict, Mapping

from qgis.core import QgsProcessingLayerPostProcessorInterface, QgsVectorLayer

from ...i18n import interface_language, tr
from .styles import StyleSettings, apply_style

#: Post-processors waiting to be called (see the module's docstring).
_ALIVE: collections.deque[StylePostProcessor] = collections.deque(maxlen=2000)


class StylePostProcessor(QgsProcessingLayerPostProcessorInterface):
    """Applies one style to one loaded layer."""

    def __init__(self, style: str, settings: StyleSettings) -> None:
        super().__init__()
        self.style = style
        self.settings = settings

    def postProcessLayer(self, layer, context, feedback) -> None:
        if not isinstance(layer, QgsVectorLayer):
            return
        try:
            apply_style(layer, self.style, self.settings)
        except Exception as error:  # a style must never stop a result from loading
            if feedback is not None:
                feedback.pushWarning(
                    tr("Layer '{layer}' was loaded without its style: {error}").format(
                        layer=layer.name(), error=str(error)
                    )
                )


def attach_styles(
    styles: Mapping[str, str],
    results: Mapping[str, Any],
    context,
    settings: Callable[[], StyleSettings],
) -> int:
    """Attach the style of each output in ``styles`` (output name -> style name) that QGIS
    will load when the run completes; ``settings`` is called only when there is one. Returns
    how many were attached."""
    attached = 0
    made: Dict[str, StyleSettings] = {}
    for output, style in styles.items():
        layer_id = results.get(output)
        if not isinstance(layer_id, str) or not context.willLoadLayerOnCompletion(layer_id):
            continue
        if "settings" not in made:
            made["settings"] = settings()
        processor = StylePostProcessor(style, made["settings"])
        _ALIVE.append(processor)
        context.layerToLoadOnCompletionDetails(layer_id).setPostProcessor(processor)
        attached += 1
    return attached


def locale_settings(**data: Any) -> StyleSettings:
    """Style settings in the language of the plugin's interface (QGIS's locale)."""
    return StyleSettings(language=interface_language(), **data)
