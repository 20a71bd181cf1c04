"""Errors the domain raises about users' data, carrying a translatable message template.

The domain must not import Qt, so it cannot call ``tr()``. Instead every user-facing message is
an English template marked with :func:`N_` (so the translation extractor finds it) and filled
with named values. The QGIS adapters translate the template and then format it, which keeps
layer, field, feature and row names out of the translated text.
"""

from __future__ import annotations

from typing import Any, Callable


def N_(template: str) -> str:
    """Mark ``template`` for translation without translating it here."""
    return template


class Phrase(str):
    """A value of a message that is itself English to translate — "Workbook", "Rubric
    workbook" naming what kind of file a message is about — as opposed to a name from the
    user's data. Mark its text with :func:`N_` too, for the translation extractor."""


class DataError(ValueError):
    """Bad input that the user can fix; the message names what is wrong and where."""

    def __init__(self, template: str, **values: Any) -> None:
        self.template = template
        self.values = values
        super().__init__(self.message())

    def message(self, translate: Callable[[str], str] = lambda text: text) -> str:
        """The message, with its template (and :class:`Phrase` values) passed through
        ``translate`` before formatting."""
        values = {
            key: translate(value) if isinstance(value, Phrase) else value
            for key, value in self.values.items()
        }
        return translate(self.template).format(**values)


class Cancelled(Exception):  # noqa: N818 - a signal, not an error
    """The user pressed cancel; the run stops between steps and writes nothing."""
