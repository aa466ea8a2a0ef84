"""Problems: the ways an exchange differs from its spec, as every part of the checker reports them.

Shared by the response checks (:mod:`generator.check.checker`) and the request checks
(:mod:`generator.check.requests`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from generator.errors import display_path
from generator.spec.validators import LISTED_VALUES, Violation, ViolationList


@dataclass(slots=True)
class Problem:
    """One way an exchange differs from its spec."""

    #: unreadable, unmatched, status, content-type, body, schema, header, parameter, cookie,
    #: request-body, security, or not-checked (a keyword that could not be decided within the
    #: limits).
    kind: str
    message: str
    #: For schema problems, the JSON pointer into the body; for the request, where in it
    #: (``query/<name>``, ``header/<name>``, ``cookie/<name>``, ``request/<pointer>`` for its body).
    pointer: str = ""
    keyword: str = ""
    #: ``file:line`` of the violated keyword in the spec.
    location: str = ""
    #: The segments of ``pointer`` that are map keys (see :class:`Violation`), for baselines.
    map_keys: tuple[int, ...] = ()

    def __reduce__(self) -> tuple[type[Problem], tuple[Any, ...]]:
        # Rebuilt by one call when it crosses from a worker process (see Verdict.__reduce__).
        return (
            Problem,
            (self.kind, self.message, self.pointer, self.keyword, self.location, self.map_keys),
        )

    def __str__(self) -> str:
        where = f"{self.pointer}: " if self.pointer else "(root): " if self.kind == "schema" else ""
        at = f" [{self.keyword} at {self.location}]" if self.location else ""
        return f"{where}{self.message}{at}"


def schema_problem(violation: Violation) -> Problem:
    """A schema violation of a response body as a problem (its message not yet shortened)."""
    # Not shortened here: credentials are masked first (see Checker._finish).
    return Problem(
        "not-checked" if violation.unchecked else "schema",
        violation.message,
        violation.instance_pointer,
        violation.keyword,
        f"{display_path(violation.schema_path)}:{violation.line}",
        violation.map_keys,
    )


def unlisted(violations: ViolationList, kind: str, limit: int) -> list[Problem]:
    """The problem saying how many violations were left out of the list, if any were."""
    if violations.more > 0:
        message = (
            f"{violations.more:,} more violation(s) not listed"
            f" (raise --max-errors-per-exchange, now {limit:,}, to list them)"
        )
        return [Problem(kind, message)]
    if violations.more < 0:
        message = (
            f"only the first violation is listed: the body holds over {LISTED_VALUES:,} values,"
            " too many to list every violation in bounded memory"
        )
        return [Problem(kind, message)]
    return []
