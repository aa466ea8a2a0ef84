"""Security requirements: does a request carry the credentials its operation asks for?

Each scheme of an alternative is reduced, once per operation, to where its credential travels
(:data:`Credential`); a request meets its security when it carries every credential of one
alternative. Only presence is checked, never a value, and a problem names the schemes alone.
"""

from __future__ import annotations

from typing import Any

from generator.check.problems import Problem
from generator.check.redaction import is_redacted
from generator.spec.navigator import SECURITY

#: One credential a security alternative needs: (scheme name, where, which). ``where`` is header,
#: query or cookie (``which`` the lower-cased name), authorization (``which`` the lower-cased
#: scheme, "" for any) or unknown (not checkable: always met).
Credential = tuple[str, str, str]


def credential(name: str, scheme: dict[str, Any] | None) -> Credential:
    """Where a request carries the credential of a security scheme."""
    kind = scheme.get("type") if scheme is not None else None
    if (
        kind == "apiKey"
        and scheme is not None
        and scheme.get("in") in ("header", "query", "cookie")
    ):
        key = str(scheme.get("name", ""))
        return name, str(scheme["in"]), key if scheme["in"] == "cookie" else key.lower()
    if kind == "http" and scheme is not None:
        return name, "authorization", str(scheme.get("scheme", "")).lower()
    if kind in ("oauth2", "openIdConnect"):
        return name, "authorization", "bearer"
    return name, "unknown", ""  # mutualTLS, or a scheme the spec does not declare


def security_problem(
    security: tuple[tuple[Credential, ...], ...],
    location: str,
    query: dict[str, list[str]],
    headers: dict[str, str],
    jar: dict[str, str],
) -> Problem | None:
    """The problem of a request carrying none of the credential sets its ``security`` accepts
    (``location``: the ``file:line`` of the ``security`` list in force), or None."""

    def present(credential: Credential) -> bool:
        _, where, which = credential
        if where == "header":
            return which in headers
        if where == "query":
            return which in query or any(key.lower() == which for key in query)
        if where == "cookie":
            return which in jar
        if where == "authorization":
            value = headers.get("authorization")
            if value is None:
                return False
            if not which or is_redacted(value):
                return True
            return value.strip().partition(" ")[0].lower() == which
        return True

    if any(all(present(c) for c in alternative) for alternative in security):
        return None
    wanted = "; or ".join(" and ".join(name for name, _, _ in alt) for alt in security)
    return Problem(
        SECURITY,
        f"the request carries no credential for the operation's security ({wanted})",
        "",
        SECURITY,
        location,
    )
