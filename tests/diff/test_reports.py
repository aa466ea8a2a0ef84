"""The reports (text, JSON, Markdown), the exit code behind ``--fail-on breaking``, and the shipped
specs, which must read as unchanged against themselves."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import generator.api
from generator.cli import main
from generator.diff.render import as_json, as_markdown, as_text
from generator.diff.rules import Change, DiffReport
from generator.spec import pointer as jp
from tests.diff.builders import JOB_ID, LIMIT, api, diff_of, json_body, request_schema, write
from tests.paths import SPEC_NAMES, SPECS

QUERY_MODE = {"name": "mode", "in": "query", "schema": {"type": "string"}}


@pytest.fixture
def mixed(tmp_path: Path) -> DiffReport:
    """One breaking change (limit removed) and one that is not (mode added, optional)."""
    return diff_of(tmp_path, api(), api(params=[JOB_ID, QUERY_MODE]))


@pytest.mark.parametrize("name", SPEC_NAMES)
def test_a_shipped_spec_against_itself_has_no_changes(name: str) -> None:
    path = str(SPECS / f"{name}.yaml")
    assert generator.api.diff(path, path).changes == []


def test_the_order_is_the_same_on_every_run(tmp_path: Path) -> None:
    old, new = api(), api(params=[QUERY_MODE, JOB_ID], operation_id="x", security=[{"key": []}])
    first = diff_of(tmp_path, old, new)
    assert len(first.changes) == 4
    assert diff_of(tmp_path, old, new).changes == first.changes


def test_text_has_a_line_per_change_then_a_summary(mixed: DiffReport) -> None:
    assert as_text(mixed).splitlines() == [
        "BREAKING  parameter-removed: POST /jobs/{jobId}: query parameter 'limit' was removed"
        " (old: /paths/~1jobs~1{jobId}/post/parameters/1 line 17)",
        "ok  parameter-added-optional: POST /jobs/{jobId}: optional query parameter 'mode' was"
        " added (new: /paths/~1jobs~1{jobId}/post/parameters/1 line 17)",
        "2 change(s), 1 breaking",
    ]


def test_text_of_no_changes_is_the_summary() -> None:
    assert as_text(DiffReport("a.yaml", "b.yaml", [])) == "0 change(s), 0 breaking"


def test_json_parses_and_keeps_every_field(mixed: DiffReport) -> None:
    document = json.loads(as_json(mixed))
    assert document["old"].endswith("old.yaml") and document["new"].endswith("new.yaml")
    assert document["summary"] == {"changes": 2, "breaking": 1}
    assert document["changes"][0] == {
        "kind": "parameter-removed",
        "breaking": True,
        "message": "POST /jobs/{jobId}: query parameter 'limit' was removed",
        "old_pointer": "/paths/~1jobs~1{jobId}/post/parameters/1",
        "new_pointer": None,
        "old_line": 17,
        "new_line": None,
    }


def test_markdown_puts_the_breaking_table_first(tmp_path: Path) -> None:
    # The spec lists the added (harmless) parameter before the removed one: the table still
    # leads with what breaks.
    report = diff_of(tmp_path, api(), api(params=[QUERY_MODE, JOB_ID]))
    assert [c.breaking for c in report.changes] == [True, False]
    report.changes.reverse()
    markdown = as_markdown(report)
    assert markdown.startswith("## API changes: `")
    assert "**2 change(s), 1 breaking.**" in markdown
    breaking_at = markdown.index("### Breaking changes (1)")
    other_at = markdown.index("### Other changes (1)")
    assert breaking_at < markdown.index("`parameter-removed`") < other_at
    assert other_at < markdown.index("`parameter-added-optional`")
    # Spec text is backslash-escaped punctuation: it renders as written, and as nothing else.
    assert (
        "| `parameter-removed` | POST \\/jobs\\/\\{jobId\\}\\: query parameter \\'limit\\' was removed |"
        in markdown
    )


def test_markdown_of_no_changes_says_so() -> None:
    markdown = as_markdown(DiffReport("specs/anon.yaml@HEAD~1", "specs/anon.yaml", []))
    heading = "## API changes: `specs/anon.yaml@HEAD~1` → `specs/anon.yaml`"
    assert markdown == f"{heading}\n\nNo changes."


def test_markdown_cells_cannot_break_the_table() -> None:
    change = Change("operation-added", False, "GET /a|b <script>", None, "/paths/~1a|b`x", None, 3)
    row = as_markdown(DiffReport("old", "new", [change])).splitlines()[-1]
    assert row == (
        "| `operation-added` | GET \\/a\\|b \\<script\\> | - | ``/paths/~1a\\|b`x`` (line 3) |"
    )


def test_fail_on_breaking_exits_1_only_when_a_change_breaks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = str(write(tmp_path, "old.yaml", api()))
    limit_removed = str(write(tmp_path, "breaking.yaml", api(params=[JOB_ID, QUERY_MODE])))
    mode_added = str(write(tmp_path, "harmless.yaml", api(params=[JOB_ID, LIMIT, QUERY_MODE])))
    assert main(["diff", old, limit_removed, "--fail-on", "breaking"]) == 1
    assert capsys.readouterr().out.endswith("2 change(s), 1 breaking\n")
    assert main(["diff", old, limit_removed]) == 0
    assert main(["diff", old, mode_added, "--fail-on", "breaking"]) == 0
    assert capsys.readouterr().out.endswith("1 change(s), 0 breaking\n")
    with pytest.raises(SystemExit) as usage:
        main(["diff", old, limit_removed, "--fail-on", "everything"])
    assert usage.value.code == 2


def test_breaking_lists_the_breaking_changes(mixed: DiffReport) -> None:
    assert [c.kind for c in mixed.breaking] == ["parameter-removed"]
    assert LIMIT["name"] in mixed.breaking[0].message


#: Property names a spec may hold, each trying to be more than text in a report.
HOSTILE_NAMES = [
    "x`\n\n## Forged heading\n\n`",
    "a``b` | forged | cell | row |",
    "[click](https://attacker.test) ![img](https://attacker.test/p.png)",
    "<img src=x onerror=alert(1)> &lt;",
    "@octocat #1 **bold** _it_ ~~gone~~",
    "\x1b[2J\x1b]0;title\x07 \u202eevil\u2028next\x85line\r\n",
]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_spec_text_cannot_forge_markup_lines_or_escapes_in_any_format(
    tmp_path: Path, name: str
) -> None:
    report = diff_of(
        tmp_path,
        api(request=json_body(request_schema(**{name: {"type": "string"}}), required=True)),
        api(),
    )
    assert [c.kind for c in report.changes] == ["request-property-removed"]

    markdown = as_markdown(report)
    lines = markdown.splitlines()
    # Only specgen's own headings, and the row is one line with exactly its four cells.
    assert [line for line in lines if line.startswith("#")] == [
        lines[0],
        "### Breaking changes (1)",
    ]
    (row,) = [line for line in lines if line.startswith("| `request-property-removed`")]
    assert len(re.findall(r"(?<!\\)\|", row)) == 5
    for line in lines:
        assert line.isprintable()
        # Every character Markdown would act on is escaped (code spans are fenced past them).
        outside_code = re.sub(r"(`+).*?\1", "", line)
        if line is row:
            assert not re.search(r"(?<!\\)[`*_\[\]<>!&@~#]", outside_code), outside_code

    text_lines = as_text(report).splitlines()
    assert len(text_lines) == 2 and all(line.isprintable() for line in text_lines)

    as_data = json.loads(as_json(report))
    # The JSON keeps the exact text, only spelled safely.
    assert as_data["changes"][0]["old_pointer"].endswith("/properties/" + jp.escape(name))
    assert all(line.isprintable() for line in as_json(report).splitlines())
