"""The one way spec text becomes Python source: literals and docstrings.

Everything a spec says (descriptions, enum values, names on the wire, defaults) is untrusted. It
reaches generated code only through these functions, which produce a literal that evaluates back to
exactly the text given, whatever it holds: quotes, ``\"\"\"``, backslashes, newlines, NUL, line and
paragraph separators, bidi controls (Trojan Source, CVE-2021-42574). Every character that is not
printable is written as an escape, so generated files hold no invisible or line-breaking characters.
"""

from __future__ import annotations

import textwrap

_DOC_WIDTH = 92


def escape_unprintable(text: str, keep: str = "") -> str:
    """``text`` with every non-printable character (but those in ``keep``) as a Python escape.

    The escapes are valid in a Python literal and readable in a report (``\\x1b``, ``\\u202e``).
    """
    if text.isprintable():
        return text
    out: list[str] = []
    for char in text:
        if char.isprintable() or char in keep:
            out.append(char)
        else:
            code = ord(char)
            if code < 0x100:
                out.append(f"\\x{code:02x}")
            elif code < 0x10000:
                out.append(f"\\u{code:04x}")
            else:
                out.append(f"\\U{code:08x}")
    return "".join(out)


def pystr(value: object) -> str:
    """A Python string literal holding ``str(value)`` exactly.

    ``repr`` already escapes quotes, backslashes and non-printable characters; the result is checked
    rather than trusted, because generated code depends on it.
    """
    literal = repr(str(value))
    if not literal.isprintable():  # pragma: no cover - repr escapes every non-printable character
        raise ValueError("repr produced a non-printable literal")
    return literal


def docstring(text: str, indent: int = 4) -> str:
    """A triple-quoted docstring of ``text``, wrapped, that evaluates to that text (modulo layout).

    Backslashes and quotes are escaped, and every non-printable character except the newlines the
    wrapping makes is written as an escape.
    """
    pad = " " * indent
    paragraphs = [p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]
    lines: list[str] = []
    for paragraph in paragraphs:
        if lines:
            lines.append("")
        if paragraph.startswith(("Args:", "Returns:", "Raises:")) or "\n    " in paragraph:
            lines.extend(paragraph.splitlines())  # already laid out by the template
        else:
            lines.extend(textwrap.wrap(" ".join(paragraph.split()), _DOC_WIDTH - indent) or [""])
    body = "\n".join(f"{pad}{line}" if line else "" for line in lines)
    body = body.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    body = escape_unprintable(body, keep="\n")
    if len(lines) == 1:
        single = body.strip()
        if single.endswith('"'):
            single += " "
        return f'"""{single}"""'
    return f'"""{body.lstrip()}\n{pad}"""'
