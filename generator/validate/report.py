"""Turn validation reports into text or JSON for people and machines."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from generator.errors import display_path, json_shown, shown
from generator.spec.findings import Finding, Severity
from generator.validate.outcome import SpecReport


def finding_line(finding: Finding) -> str:
    """``path:line:col: rule: severity: message`` (acknowledged findings say so, with the reason).

    Messages quote the spec: whatever it holds, the line stays one line with no terminal escapes.
    """
    where = f"{shown(display_path(finding.path))}:{finding.line}:{finding.col}"
    message = shown(finding.message)
    if finding.acknowledged is not None:
        return (
            f"{where}: {finding.rule}: acknowledged {finding.severity.value}: {message}"
            f" [acknowledged: {shown(' '.join(finding.acknowledged.split()))}]"
        )
    return f"{where}: {finding.rule}: {finding.severity.value}: {message}"


def summary_line(report: SpecReport, strict: bool) -> str:
    """One line per spec: its verdict and how many findings of each kind it has."""
    if report.load_error is not None:
        return str(report.load_error)
    errors = sum(
        1 for f in report.findings if f.acknowledged is None and f.severity is Severity.ERROR
    )
    warnings = sum(
        1 for f in report.findings if f.acknowledged is None and f.severity is Severity.WARNING
    )
    acknowledged = sum(1 for f in report.findings if f.acknowledged is not None)
    verdict = "invalid" if report.failed(strict) else "valid"
    return (
        f"{shown(display_path(report.path))}: {verdict}: {errors} error(s), {warnings} warning(s),"
        f" {acknowledged} acknowledged"
    )


def as_text(reports: Sequence[SpecReport], strict: bool) -> str:
    """Findings first, each on its line, then a verdict line per spec."""
    lines = [finding_line(f) for report in reports for f in report.findings]
    lines += [summary_line(report, strict) for report in reports]
    return "\n".join(lines)


def as_json(reports: Sequence[SpecReport], strict: bool) -> str:
    """A JSON document with every spec's verdict, load error and findings (unsafe characters
    ``\\u``-escaped, so it is as safe to print as the text report)."""
    payload: dict[str, Any] = {
        "strict": strict,
        "valid": not any(report.failed(strict) for report in reports),
        "specs": [
            {
                "path": display_path(report.path),
                "valid": not report.failed(strict),
                "error": str(report.load_error) if report.load_error else None,
                "findings": [
                    {
                        "rule": f.rule,
                        "severity": f.severity.value,
                        "message": f.message,
                        "path": display_path(f.path),
                        "line": f.line,
                        "col": f.col,
                        "pointer": f.pointer,
                        "acknowledged": f.acknowledged,
                    }
                    for f in report.findings
                ],
            }
            for report in reports
        ],
    }
    return json_shown(json.dumps(payload, indent=2, ensure_ascii=False))
