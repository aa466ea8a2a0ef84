"""The scalar values both parsers build, and what they refuse, in the same words.

JSON and YAML spell strings and numbers differently, but a spec holds JSON values only: text that is
valid Unicode (an escaped surrogate pair is one character, a lone one is none) and numbers that a
64-bit float or a Python int holds.
"""

from __future__ import annotations

import math
import re

#: Why a string with a lone surrogate escape is refused (it could not be written out as UTF-8).
LONE_SURROGATE = "a lone surrogate escape (\\ud800-\\udfff) is not a character"

_SURROGATE = re.compile("[\ud800-\udfff]")


def text_value(value: str) -> str | None:
    """``value`` with escaped surrogate pairs joined into characters; None if a lone one is left.

    ``"\\ud83d\\ude00"`` is how JSON (and PyYAML's pure-Python reader) spells one emoji; a lone
    surrogate is no character at all, and could not be written out as UTF-8.
    """
    if value.isascii() or _SURROGATE.search(value) is None:
        return value
    joined = value.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    if "\ufffd" in joined and "\ufffd" not in value:
        return None
    return joined


def json_number(text: str) -> int | float | None:
    """The JSON number ``text`` spells; None when no 64-bit float (or Python int) holds it."""
    try:
        if "." in text or "e" in text or "E" in text:
            value = float(text)
            return value if math.isfinite(value) else None
        return int(text)
    except ValueError:  # an integer of more than 4300 digits
        return None


def out_of_range(text: str) -> str:
    """Why the number ``text`` is refused (shortened, since it may be thousands of digits)."""
    shown = text if len(text) <= 40 else text[:37] + "..."
    return f"number {shown} is out of range: no JSON number specgen writes could hold it"
