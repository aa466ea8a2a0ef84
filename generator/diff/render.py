"""A diff report three ways: text (a line per change), JSON, and Markdown for a pull request."""

from __future__ import annotations

import json
import re
from dataclasses import asdict

from generator.diff.rules import Change, DiffReport
from generator.errors import json_shown, shown


def _where(change: Change) -> str:
    parts = []
    for side, pointer, line in (
        ("old", change.old_pointer, change.old_line),
        ("new", change.new_pointer, change.new_line),
    ):
        if pointer is not None:
            shown_pointer = shown(pointer) or "(root)"
            parts.append(
                f"{side}: {shown_pointer} line {line}"
                if line is not None
                else f"{side}: {shown_pointer}"
            )
    return "; ".join(parts)


def _summary(report: DiffReport) -> str:
    return f"{len(report.changes)} change(s), {len(report.breaking)} breaking"


def as_text(report: DiffReport) -> str:
    """A line per change, ``BREAKING|ok  kind: message (old: ptr line N; new: ptr line M)``, then
    ``N change(s), M breaking``. Spec text is shown escaped: one change is always one line."""
    lines = []
    for change in report.changes:
        label = "BREAKING" if change.breaking else "ok"
        where = _where(change)
        suffix = f" ({where})" if where else ""
        lines.append(f"{label}  {change.kind}: {shown(change.message)}{suffix}")
    lines.append(_summary(report))
    return "\n".join(lines)


def as_json(report: DiffReport) -> str:
    """The report as one JSON document: names, a summary and every change's fields."""
    document = {
        "old": report.old,
        "new": report.new,
        "summary": {"changes": len(report.changes), "breaking": len(report.breaking)},
        "changes": [asdict(change) for change in report.changes],
    }
    return json_shown(json.dumps(document, indent=2, ensure_ascii=False))


#: Every ASCII punctuation character: CommonMark lets a backslash make any of them literal.
_MARKDOWN_PUNCTUATION = re.compile(r"""[!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~]""")


def _cell(text: str) -> str:
    """Spec text as literal Markdown in a table cell: no markup, no HTML, no link, one line.

    Unsafe characters become visible escapes first (so a newline cannot end the row or start a
    heading), then every punctuation character is backslash-escaped (so backticks, ``*``, ``#``,
    ``[``, ``<`` and ``|`` are just text).
    """
    return _MARKDOWN_PUNCTUATION.sub(lambda match: "\\" + match.group(), shown(text))


def _code(text: str) -> str:
    """Spec text as a Markdown code span in a table cell, whatever backticks it holds.

    The fence is longer than any run of backticks inside, and padded with a space each side where
    the text needs it (CommonMark strips one), so the span cannot close early; pipes are escaped
    for the table.
    """
    text = shown(text).replace("|", "\\|")
    longest = max((len(run) for run in re.findall("`+", text)), default=0)
    fence = "`" * (longest + 1)
    if text.startswith("`") or text.endswith("`") or (text.startswith(" ") and text.endswith(" ")):
        return f"{fence} {text} {fence}"
    return f"{fence}{text}{fence}"


def _md_place(pointer: str | None, line: int | None) -> str:
    if pointer is None:
        return "-"
    shown_pointer = _code(pointer or "(root)")
    return f"{shown_pointer} (line {line})" if line is not None else shown_pointer


def _table(changes: list[Change]) -> list[str]:
    rows = ["| Rule | Change | Old | New |", "|---|---|---|---|"]
    for change in changes:
        rows.append(
            f"| {_code(change.kind)} | {_cell(change.message)}"
            f" | {_md_place(change.old_pointer, change.old_line)}"
            f" | {_md_place(change.new_pointer, change.new_line)} |"
        )
    return rows


def as_markdown(report: DiffReport) -> str:
    """A pull-request comment: a heading, breaking changes in a table first, then the others.

    Every string that comes from a spec or its file names is escaped (:func:`_cell`, :func:`_code`),
    so a spec cannot add markup, links, headings or rows to the comment.
    """
    lines = [f"## API changes: {_code(report.old)} → {_code(report.new)}", ""]
    if not report.changes:
        lines.append("No changes.")
        return "\n".join(lines)
    lines += [f"**{_summary(report)}.**", ""]
    breaking = report.breaking
    others = [change for change in report.changes if not change.breaking]
    if breaking:
        lines += [f"### Breaking changes ({len(breaking)})", "", *_table(breaking), ""]
    if others:
        lines += [f"### Other changes ({len(others)})", "", *_table(others), ""]
    return "\n".join(lines).rstrip("\n")
