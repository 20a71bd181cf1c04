"""Escaping text for the XML of a workbook, and cell references."""

from __future__ import annotations

import re
from typing import List

#: Characters XML 1.0 cannot hold (tab, line feed and carriage return it can).
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_ATTRIBUTE_ESCAPES = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}
    | {"\n": "&#10;", "\r": "&#13;", "\t": "&#9;"}
)


def text(value: str) -> str:
    """``value`` as element content: escaped, characters XML cannot hold dropped."""
    if _ILLEGAL.search(value):
        value = _ILLEGAL.sub("", value)
    return value.translate(_ESCAPES)


def attribute(name: str, value: str) -> str:
    """`` name="value"`` with the value escaped for an attribute."""
    if _ILLEGAL.search(value):
        value = _ILLEGAL.sub("", value)
    return f' {name}="{value.translate(_ATTRIBUTE_ESCAPES)}"'


def column_letter(number: int) -> str:
    """The letters of a 1-based column number: 1 -> A, 27 -> AA."""
    letters = ""
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def column_letters(count: int) -> List[str]:
    """Letters of columns 1 .. ``count``, for writing rows without working them out per cell."""
    return [column_letter(number) for number in range(1, count + 1)]
