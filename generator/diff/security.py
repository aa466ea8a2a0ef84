"""Servers and security as ``specgen diff`` compares them: the root servers and their variables,
the definitions of the security schemes in use, and the security requirements of one operation.

Each function reports what it finds through ``emit`` (:class:`Emit`), the comparison's one way of
recording a change, so the order of the changes is the order of the calls.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol

from generator.diff.places import child, existing, mapping, missing_from, show
from generator.spec import pointer as jp
from generator.spec.navigator import (
    PathOperation,
    security,
    security_in_force,
    security_requirements,
    security_schemes,
    servers,
)
from generator.spec.refs import LoadedSpec, Target


class Emit(Protocol):
    """Records one change: its kind (a rule of :data:`generator.diff.rules.RULES`), its message,
    and where it is in the old and the new spec (None where it is in neither)."""

    def __call__(
        self, kind: str, message: str, old: Target | None, new: Target | None = None
    ) -> None: ...


def compare_servers(old: LoadedSpec, new: LoadedSpec, emit: Emit) -> None:
    """Root servers removed, added or moved to another URL, and changes to their variables."""
    old_servers = _servers(old)
    new_servers = _servers(new)
    new_urls = {url: (at, value) for url, at, value in new_servers}
    old_urls = {url for url, _, _ in old_servers}
    gone = []
    for url, old_at, old_value in old_servers:
        if url in new_urls:
            _server_variables(emit, url, old_at, old_value, *new_urls[url])
        else:
            gone.append((url, old_at))
    fresh = [(url, at) for url, at, _ in new_servers if url not in old_urls]
    # A server whose URL changed keeps its place in the list: pair what is gone with what is
    # new in order, so one edited URL reads as one change rather than a removal and an addition.
    for (old_url, old_at), (new_url, new_at) in zip(gone, fresh, strict=False):
        emit(
            "server-url-changed",
            f"server URL changed from {old_url or '/'!r} to {new_url or '/'!r}",
            old_at,
            new_at,
        )
    for old_url, old_at in gone[len(fresh) :]:
        emit("server-removed", f"server {old_url or '/'!r} was removed", old_at)
    for new_url, new_at in fresh[len(gone) :]:
        emit("server-added", f"server {new_url or '/'!r} was added", None, new_at)


def _server_variables(
    emit: Emit,
    url: str,
    old_at: Target | None,
    old: dict[str, Any],
    new_at: Target | None,
    new: Any,
) -> None:
    if old_at is None or new_at is None:
        return
    old_vars = mapping(old.get("variables"))
    new_vars = mapping(new.get("variables"))
    for name, old_var in old_vars.items():
        new_var = new_vars.get(name)
        if not isinstance(old_var, dict) or not isinstance(new_var, dict):
            continue
        old_ptr = jp.join(old_at.pointer, "variables", name)
        new_ptr = jp.join(new_at.pointer, "variables", name)
        old_enum, new_enum = old_var.get("enum"), new_var.get("enum")
        if isinstance(old_enum, list) and isinstance(new_enum, list):
            for index, value in missing_from(old_enum, new_enum):
                emit(
                    "server-variable-enum-value-removed",
                    f"server {url!r}: variable {name!r} no longer allows {show(value)}",
                    Target(old_at.document, jp.join(old_ptr, "enum", index)),
                )
            for index, value in missing_from(new_enum, old_enum):
                emit(
                    "server-variable-enum-value-added",
                    f"server {url!r}: variable {name!r} allows the new value {show(value)}",
                    None,
                    Target(new_at.document, jp.join(new_ptr, "enum", index)),
                )
        if old_var.get("default") != new_var.get("default"):
            emit(
                "server-variable-default-changed",
                f"server {url!r}: variable {name!r} defaults to"
                f" {show(new_var.get('default'))} instead of {show(old_var.get('default'))}",
                existing(old_at.document, jp.join(old_ptr, "default"), old_ptr),
                existing(new_at.document, jp.join(new_ptr, "default"), new_ptr),
            )


def compare_security_schemes(
    old: LoadedSpec, new: LoadedSpec, old_operations: Iterable[PathOperation], emit: Emit
) -> None:
    """Schemes in use whose definition changed: clients send credentials the old way.

    A scheme is in use when the root or one of ``old_operations`` (the operations the comparison
    matches) requires it.
    """
    used = _schemes_in_use(old, old_operations)
    old_schemes = security_schemes(old)
    new_schemes = security_schemes(new)
    for name, old_at in old_schemes.items():
        new_at = new_schemes.get(name)
        if name not in used or new_at is None:
            continue
        old_shape, new_shape = _scheme_shape(old_at.value), _scheme_shape(new_at.value)
        if old_shape != new_shape:
            emit(
                "security-scheme-changed",
                f"security scheme {name!r} changed from {old_shape} to {new_shape}",
                old_at,
                new_at,
            )


def compare_operation_security(
    label: str,
    old_spec: LoadedSpec,
    old: PathOperation,
    new_spec: LoadedSpec,
    new: PathOperation,
    emit: Emit,
) -> None:
    """Security alternatives of one operation (``label`` in messages) added, removed or edited."""
    old_alts = _alternatives(old_spec, old)
    new_alts = _alternatives(new_spec, new)
    old_only = [alt for alt in old_alts if alt[0] not in {n[0] for n in new_alts}]
    new_only = [alt for alt in new_alts if alt[0] not in {o[0] for o in old_alts}]
    for names, old_scopes, old_at in old_alts:
        match = next(((s, at) for n, s, at in new_alts if n == names), None)
        if match is None:
            continue
        new_scopes, new_at = match
        for name in sorted(names):
            for scope in sorted(set(new_scopes[name]) - set(old_scopes[name])):
                emit(
                    "security-scope-added",
                    f"{label}: scheme {name!r} now requires scope {scope!r}",
                    child(old_at, name),
                    child(new_at, name),
                )
            for scope in sorted(set(old_scopes[name]) - set(new_scopes[name])):
                emit(
                    "security-scope-removed",
                    f"{label}: scheme {name!r} no longer requires scope {scope!r}",
                    child(old_at, name),
                    child(new_at, name),
                )
    # An alternative that gained or lost schemes is one edited requirement, not a removed and
    # an added one: pair them by inclusion first (an anonymous operation is the empty set).
    for names, _, old_at in list(old_only):
        partner = next((alt for alt in new_only if alt[0] < names or alt[0] > names), None)
        if partner is None:
            continue
        old_only.remove((names, _, old_at))
        new_only.remove(partner)
        new_names, _, new_at = partner
        for name in sorted(new_names - names):
            emit(
                "security-scheme-added",
                f"{label}: security now also requires scheme {name!r}",
                old_at,
                child(new_at, name),
            )
        for name in sorted(names - new_names):
            emit(
                "security-scheme-removed",
                f"{label}: security no longer requires scheme {name!r}",
                child(old_at, name),
                new_at,
            )
    for names, _, old_at in old_only:
        emit(
            "security-alternative-removed",
            f"{label}: authenticating with {_show_alt(names)} is no longer accepted",
            old_at,
        )
    for names, _, new_at in new_only:
        emit(
            "security-alternative-added",
            f"{label}: authenticating with {_show_alt(names)} is now accepted",
            None,
            new_at,
        )


def _servers(spec: LoadedSpec) -> list[tuple[str, Target | None, dict[str, Any]]]:
    """Root servers as (URL without trailing slash, place, object); none means ``/`` (OpenAPI)."""
    found: list[tuple[str, Target | None, dict[str, Any]]] = []
    for at in servers(spec):
        server = at.value
        if isinstance(server.get("url"), str):
            found.append((server["url"].rstrip("/"), at, server))
    return found or [("", None, {})]


_Alternative = tuple[frozenset[str], dict[str, list[str]], Target | None]


def _alternatives(spec: LoadedSpec, operation: PathOperation) -> list[_Alternative]:
    """The security alternatives in force for an operation; an anonymous one is the empty set."""
    at = security_in_force(spec, operation.document, operation.pointer)
    if at is None:
        return [(frozenset(), {}, None)]
    alternatives: list[_Alternative] = []
    for requirement in security_requirements(at):
        scopes = {
            str(name): [str(s) for s in value] if isinstance(value, list) else []
            for name, value in requirement.value.items()
        }
        names = frozenset(scopes)
        if all(alt[0] != names for alt in alternatives):
            alternatives.append((names, scopes, requirement))
    return alternatives or [(frozenset(), {}, at)]


def _schemes_in_use(spec: LoadedSpec, operations: Iterable[PathOperation]) -> set[str]:
    """The schemes the root or one of ``operations`` requires (in any of its alternatives)."""
    listed = [security(spec)]
    listed += [security(spec, op.document, op.pointer) for op in operations]
    used: set[str] = set()
    for at in listed:
        if at is not None:
            for requirement in security_requirements(at):
                used.update(requirement.value)
    return used


def _scheme_shape(value: Any) -> str:
    """What a client must do to use a security scheme, as text to compare and show."""
    scheme = mapping(value)
    kind = str(scheme.get("type"))
    if kind == "apiKey":
        return f"an API key {scheme.get('name')!r} in the {scheme.get('in')}"
    if kind == "http":
        return f"HTTP {str(scheme.get('scheme', '')).lower()} authentication"
    return f"{kind} authentication"


def _show_alt(names: frozenset[str]) -> str:
    return " + ".join(repr(name) for name in sorted(names)) if names else "no credentials"
