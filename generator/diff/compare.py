"""The comparison behind ``specgen diff``: two loaded specs walked side by side, each difference
classified by :data:`generator.diff.rules.RULES`.

Servers and security schemes are compared first, then every operation, matched by method and path
template shape (:func:`generator.spec.navigator.template_shape`): its operationId, parameters,
request body, responses and security. Schemas are compared by :mod:`generator.diff.schemas`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from generator.diff.places import (
    child,
    deref,
    existing,
    locate,
    mapping,
    member,
    missing_from,
    show,
)
from generator.diff.rules import RULES, Change, DiffReport
from generator.diff.schemas import Direction, Draft, SchemaWalk
from generator.spec import pointer as jp
from generator.spec.navigator import (
    PathOperation,
    media_essence,
    operation_parameters,
    path_operations,
    template_shape,
    template_variables,
)
from generator.spec.refs import LoadedSpec, Target


def diff_specs(old: LoadedSpec, new: LoadedSpec, old_name: str, new_name: str) -> DiffReport:
    """Every change from ``old`` to ``new``, in a fixed order: servers, schemes, operations."""
    return DiffReport(old_name, new_name, _Differ(old, new).run())


class _Differ:
    """One comparison: walks both specs side by side and collects the changes."""

    def __init__(self, old: LoadedSpec, new: LoadedSpec) -> None:
        self.old = old
        self.new = new
        self.changes: list[Change] = []
        # One walk for the whole comparison: a schema shared by many places is compared once.
        self.schemas = SchemaWalk(old, new)

    def run(self) -> list[Change]:
        self.servers()
        self.security_schemes()
        old_ops = _operations(self.old)
        new_ops = _operations(self.new)
        for key, old_op in old_ops.items():
            new_op = new_ops.get(key)
            if new_op is None:
                self.emit(
                    "operation-removed", f"{_label(old_op)}: the operation was removed", _at(old_op)
                )
            else:
                self.operation(old_op, new_op)
        for key, new_op in new_ops.items():
            if key not in old_ops:
                self.emit(
                    "operation-added",
                    f"{_label(new_op)}: the operation was added",
                    None,
                    _at(new_op),
                )
        return _merge(self.changes)

    # -- reporting

    def emit(self, kind: str, message: str, old: Target | None, new: Target | None = None) -> None:
        old_pointer, old_line = locate(self.old, old)
        new_pointer, new_line = locate(self.new, new)
        self.changes.append(
            Change(kind, RULES[kind], message, old_pointer, new_pointer, old_line, new_line)
        )

    # -- servers and security schemes

    def servers(self) -> None:
        old = _servers(self.old)
        new = _servers(self.new)
        new_urls = {url: (at, value) for url, at, value in new}
        old_urls = {url for url, _, _ in old}
        gone = []
        for url, old_at, old_value in old:
            if url in new_urls:
                self.server_variables(url, old_at, old_value, *new_urls[url])
            else:
                gone.append((url, old_at))
        fresh = [(url, at) for url, at, _ in new if url not in old_urls]
        # A server whose URL changed keeps its place in the list: pair what is gone with what is
        # new in order, so one edited URL reads as one change rather than a removal and an addition.
        for (old_url, old_at), (new_url, new_at) in zip(gone, fresh, strict=False):
            self.emit(
                "server-url-changed",
                f"server URL changed from {old_url or '/'!r} to {new_url or '/'!r}",
                old_at,
                new_at,
            )
        for old_url, old_at in gone[len(fresh) :]:
            self.emit("server-removed", f"server {old_url or '/'!r} was removed", old_at)
        for new_url, new_at in fresh[len(gone) :]:
            self.emit("server-added", f"server {new_url or '/'!r} was added", None, new_at)

    def server_variables(
        self, url: str, old_at: Target | None, old: dict[str, Any], new_at: Target | None, new: Any
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
                    self.emit(
                        "server-variable-enum-value-removed",
                        f"server {url!r}: variable {name!r} no longer allows {show(value)}",
                        Target(old_at.document, jp.join(old_ptr, "enum", index)),
                    )
                for index, value in missing_from(new_enum, old_enum):
                    self.emit(
                        "server-variable-enum-value-added",
                        f"server {url!r}: variable {name!r} allows the new value {show(value)}",
                        None,
                        Target(new_at.document, jp.join(new_ptr, "enum", index)),
                    )
            if old_var.get("default") != new_var.get("default"):
                self.emit(
                    "server-variable-default-changed",
                    f"server {url!r}: variable {name!r} defaults to"
                    f" {show(new_var.get('default'))} instead of {show(old_var.get('default'))}",
                    existing(old_at.document, jp.join(old_ptr, "default"), old_ptr),
                    existing(new_at.document, jp.join(new_ptr, "default"), new_ptr),
                )

    def security_schemes(self) -> None:
        """Schemes in use whose definition changed: clients send credentials the old way."""
        used = _schemes_in_use(self.old)
        old_schemes = mapping(mapping(self.old.data.get("components")).get("securitySchemes"))
        new_schemes = mapping(mapping(self.new.data.get("components")).get("securitySchemes"))
        for name in old_schemes:
            if name not in used or name not in new_schemes:
                continue
            old_at = deref(self.old, self.old.root, jp.join("/components/securitySchemes", name))
            new_at = deref(self.new, self.new.root, jp.join("/components/securitySchemes", name))
            old_shape, new_shape = _scheme_shape(old_at.value), _scheme_shape(new_at.value)
            if old_shape != new_shape:
                self.emit(
                    "security-scheme-changed",
                    f"security scheme {name!r} changed from {old_shape} to {new_shape}",
                    old_at,
                    new_at,
                )

    # -- operations

    def operation(self, old: PathOperation, new: PathOperation) -> None:
        label = _label(new)
        old_id, new_id = old.value.get("operationId"), new.value.get("operationId")
        if old_id != new_id:
            self.emit(
                "operation-id-changed",
                f"{label}: operationId changed from {show(old_id)} to {show(new_id)}",
                existing(old.document, jp.join(old.pointer, "operationId"), old.pointer),
                existing(new.document, jp.join(new.pointer, "operationId"), new.pointer),
            )
        self.parameters(old, new)
        self.request_body(old, new)
        self.responses(old, new)
        self.security(old, new)

    def parameters(self, old: PathOperation, new: PathOperation) -> None:
        label = _label(new)
        old_params = _parameters(self.old, old)
        new_params = _parameters(self.new, new)
        # Path variables are matched by position, as the operations were: a renamed variable is
        # the same parameter.
        renames = dict(
            zip(template_variables(old.path), template_variables(new.path), strict=False)
        )
        # Rebuilt rather than edited in place, so swapped names ({a}/{b} to {b}/{a}) cannot clash.
        by_new_name: dict[tuple[str, str], Target] = {}
        for key, at in old_params.items():
            new_name = renames.get(key[1], key[1]) if key[0] == "path" else key[1]
            if new_name != key[1] and ("path", new_name) in new_params:
                self.emit(
                    "path-parameter-renamed",
                    f"{label}: path parameter {key[1]!r} was renamed to {new_name!r}",
                    at,
                    new_params[("path", new_name)],
                )
                key = ("path", new_name)
            by_new_name.setdefault(key, at)
        old_params = by_new_name
        removed = [key for key in old_params if key not in new_params]
        added = [key for key in new_params if key not in old_params]
        for key in list(removed):
            moved_to = next((a for a in added if a[1].lower() == key[1].lower()), None)
            if moved_to is None:
                continue
            removed.remove(key)
            added.remove(moved_to)
            self.emit(
                "parameter-moved",
                f"{label}: parameter {key[1]!r} moved from {key[0]} to {moved_to[0]}",
                old_params[key],
                new_params[moved_to],
            )
        for key in removed:
            self.emit(
                "parameter-removed",
                f"{label}: {key[0]} parameter {key[1]!r} was removed",
                old_params[key],
            )
        for key in added:
            required = _param_required(new_params[key].value)
            self.emit(
                f"parameter-added-{'required' if required else 'optional'}",
                f"{label}: {'required' if required else 'optional'} {key[0]} parameter"
                f" {key[1]!r} was added",
                None,
                new_params[key],
            )
        for key, old_param in old_params.items():
            new_param = new_params.get(key)
            if new_param is not None:
                self.parameter(label, key, old_param, new_param)

    def parameter(self, label: str, key: tuple[str, str], old: Target, new: Target) -> None:
        subject = f"{label}: {key[0]} parameter {key[1]!r}"
        old_required, new_required = _param_required(old.value), _param_required(new.value)
        if old_required != new_required:
            self.emit(
                f"parameter-made-{'required' if new_required else 'optional'}",
                f"{subject} is {'now' if new_required else 'no longer'} required",
                old,
                new,
            )
        old_schema, new_schema = _param_schema(old), _param_schema(new)

        def report(draft: Draft) -> None:
            items = " items" if draft.path else ""
            self.emit(f"parameter-{draft.rule}", f"{subject}{items} {draft.text}", *_ends(draft))

        self.schemas.compare(
            old_schema or old, new_schema or new, "request", report, properties=False
        )

    def request_body(self, old: PathOperation, new: PathOperation) -> None:
        label = _label(new)
        old_body = member(self.old, _at(old), "requestBody")
        new_body = member(self.new, _at(new), "requestBody")
        if old_body is None and new_body is None:
            return
        if new_body is None:
            self.emit("request-body-removed", f"{label}: the request body was removed", old_body)
            return
        new_required = mapping(new_body.value).get("required") is True
        if old_body is None:
            kind, article = ("required", "a") if new_required else ("optional", "an")
            self.emit(
                f"request-body-added-{kind}",
                f"{label}: {article} {kind} request body was added",
                None,
                new_body,
            )
            return
        old_required = mapping(old_body.value).get("required") is True
        if old_required != new_required:
            self.emit(
                f"request-body-made-{'required' if new_required else 'optional'}",
                f"{label}: the request body is {'now' if new_required else 'no longer'} required",
                old_body,
                new_body,
            )
        for media, old_media, new_media in self.media_types(
            old_body, new_body, f"{label}: request body", "request"
        ):
            where = f"{label}: in the request body ({media}),"
            self.body(where, "request", old_media, new_media)

    def responses(self, old: PathOperation, new: PathOperation) -> None:
        label = _label(new)
        old_all = _statuses(self.old, _at(old))
        new_all = _statuses(self.new, _at(new))
        for status, (old_key, old_at) in old_all.items():
            success = status.startswith("2")
            found = new_all.get(status)
            if found is None:
                kind = "success" if success else "error"
                self.emit(
                    f"response-{kind}-status-removed",
                    f"{label}: the {old_key} response was removed",
                    old_at,
                )
                continue
            new_key, new_at = found
            for media, old_media, new_media in self.media_types(
                old_at, new_at, f"{label}: the {new_key} response", "response"
            ):
                where = f"{label}: in the {new_key} response ({media}),"
                self.body(where, "response", old_media, new_media)
        for status, (new_key, new_at) in new_all.items():
            if status not in old_all:
                kind = "success" if status.startswith("2") else "error"
                self.emit(
                    f"response-{kind}-status-added",
                    f"{label}: a {new_key} response was added",
                    None,
                    new_at,
                )

    def media_types(
        self, old: Target, new: Target, subject: str, direction: Direction
    ) -> list[tuple[str, Target, Target]]:
        """Report media types added and removed; return those in both, to compare their schemas."""
        old_types = _content(old)
        new_types = _content(new)
        both = []
        for essence, (media, old_at) in old_types.items():
            if essence in new_types:
                both.append((new_types[essence][0], old_at, new_types[essence][1]))
            else:
                self.emit(
                    f"{direction}-media-type-removed",
                    f"{subject} no longer has content {media}",
                    old_at,
                )
        for essence, (media, new_at) in new_types.items():
            if essence not in old_types:
                self.emit(
                    f"{direction}-media-type-added",
                    f"{subject} now has content {media}",
                    None,
                    new_at,
                )
        return both

    def body(self, where: str, direction: Direction, old_media: Target, new_media: Target) -> None:
        old_schema = existing(old_media.document, jp.join(old_media.pointer, "schema"), None)
        new_schema = existing(new_media.document, jp.join(new_media.pointer, "schema"), None)
        if old_schema is None and new_schema is None:
            return

        def report(draft: Draft) -> None:
            if not draft.path:
                subject = "the body"
            elif draft.path == "[]":
                subject = "the body's items"
            else:
                subject = f"property {draft.path.lstrip('.')!r}"
            message = f"{where} {subject} {draft.text}"
            self.emit(f"{direction}-property-{draft.rule}", message, *_ends(draft))

        self.schemas.compare(old_schema or old_media, new_schema or new_media, direction, report)

    def security(self, old: PathOperation, new: PathOperation) -> None:
        label = _label(new)
        old_alts = _security(self.old, old)
        new_alts = _security(self.new, new)
        old_only = [alt for alt in old_alts if alt[0] not in {n[0] for n in new_alts}]
        new_only = [alt for alt in new_alts if alt[0] not in {o[0] for o in old_alts}]
        for names, old_scopes, old_at in old_alts:
            match = next(((s, at) for n, s, at in new_alts if n == names), None)
            if match is None:
                continue
            new_scopes, new_at = match
            for name in sorted(names):
                for scope in sorted(set(new_scopes[name]) - set(old_scopes[name])):
                    self.emit(
                        "security-scope-added",
                        f"{label}: scheme {name!r} now requires scope {scope!r}",
                        child(old_at, name),
                        child(new_at, name),
                    )
                for scope in sorted(set(old_scopes[name]) - set(new_scopes[name])):
                    self.emit(
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
                self.emit(
                    "security-scheme-added",
                    f"{label}: security now also requires scheme {name!r}",
                    old_at,
                    child(new_at, name),
                )
            for name in sorted(names - new_names):
                self.emit(
                    "security-scheme-removed",
                    f"{label}: security no longer requires scheme {name!r}",
                    child(old_at, name),
                    new_at,
                )
        for names, _, old_at in old_only:
            self.emit(
                "security-alternative-removed",
                f"{label}: authenticating with {_show_alt(names)} is no longer accepted",
                old_at,
            )
        for names, _, new_at in new_only:
            self.emit(
                "security-alternative-added",
                f"{label}: authenticating with {_show_alt(names)} is now accepted",
                None,
                new_at,
            )


def _ends(draft: Draft) -> tuple[Target | None, Target | None]:
    return draft.old, draft.new


def _operations(spec: LoadedSpec) -> dict[tuple[str, str], PathOperation]:
    """Operations by (method, path template with variables unnamed), in file order.

    :func:`~generator.spec.navigator.path_operations` keeps operations without an operationId, so
    adding one reads as a changed operationId rather than an added operation. Of two operations
    whose paths differ only in variable names, the first is compared.
    """
    found: dict[tuple[str, str], PathOperation] = {}
    for operation in path_operations(spec):
        key = (operation.method, template_shape(operation.path))
        found.setdefault(key, operation)
    return found


def _at(operation: PathOperation) -> Target:
    """Where an operation is written, as the place a change names."""
    return Target(operation.document, operation.pointer)


def _label(operation: PathOperation) -> str:
    """An operation as messages name it: ``POST /jobs/{jobId}``."""
    return f"{operation.method.upper()} {operation.path}"


def _parameters(spec: LoadedSpec, operation: PathOperation) -> dict[tuple[str, str], Target]:
    params = operation_parameters(spec, operation.document, operation.pointer)
    # Header names are case-insensitive on the wire.
    return {
        (where, name.lower() if where == "header" else name): at
        for (where, name), at in params.items()
    }


def _param_required(value: Any) -> bool:
    value = mapping(value)
    return value.get("in") == "path" or value.get("required") is True


def _param_schema(param: Target) -> Target | None:
    """A parameter's schema: ``schema``, or the one of its single ``content`` entry."""
    found = existing(param.document, jp.join(param.pointer, "schema"), None)
    if found is not None:
        return found
    for media in mapping(mapping(param.value).get("content")):
        return existing(param.document, jp.join(param.pointer, "content", media, "schema"), None)
    return None


def _statuses(spec: LoadedSpec, operation: Target) -> dict[str, tuple[str, Target]]:
    """Responses by normalised status (``2xx`` is ``2XX``): the key as written and the response."""
    pointer = jp.join(operation.pointer, "responses")
    found: dict[str, tuple[str, Target]] = {}
    for status in mapping(mapping(operation.value).get("responses")):
        at = deref(spec, operation.document, jp.join(pointer, status))
        found[status.upper()] = (status, at)
    return found


def _content(at: Target) -> dict[str, tuple[str, Target]]:
    """Media types of a request body or response by essence: the key as written and its place."""
    found: dict[str, tuple[str, Target]] = {}
    for media in mapping(mapping(at.value).get("content")):
        place = Target(at.document, jp.join(at.pointer, "content", media))
        found.setdefault(media_essence(media), (media, place))
    return found


def _servers(spec: LoadedSpec) -> list[tuple[str, Target | None, dict[str, Any]]]:
    """Root servers as (URL without trailing slash, place, object); none means ``/`` (OpenAPI)."""
    listed = spec.data.get("servers")
    found: list[tuple[str, Target | None, dict[str, Any]]] = []
    if isinstance(listed, list):
        for index, server in enumerate(listed):
            if isinstance(server, dict) and isinstance(server.get("url"), str):
                at = Target(spec.root, f"/servers/{index}")
                found.append((server["url"].rstrip("/"), at, server))
    return found or [("", None, {})]


_Alternative = tuple[frozenset[str], dict[str, list[str]], Target | None]


def _security(spec: LoadedSpec, operation: PathOperation) -> list[_Alternative]:
    """The security alternatives in force for an operation; an anonymous one is the empty set."""
    if isinstance(operation.value.get("security"), list):
        at = Target(operation.document, jp.join(operation.pointer, "security"))
    elif isinstance(spec.data.get("security"), list):
        at = Target(spec.root, "/security")
    else:
        return [(frozenset(), {}, None)]
    alternatives: list[_Alternative] = []
    for index, requirement in enumerate(at.value):
        if not isinstance(requirement, dict):
            continue
        scopes = {
            str(name): [str(s) for s in value] if isinstance(value, list) else []
            for name, value in requirement.items()
        }
        names = frozenset(scopes)
        if all(alt[0] != names for alt in alternatives):
            alternatives.append((names, scopes, Target(at.document, jp.join(at.pointer, index))))
    return alternatives or [(frozenset(), {}, at)]


def _schemes_in_use(spec: LoadedSpec) -> set[str]:
    used: set[str] = set()
    requirements = list(_security_lists(spec))
    for listed in requirements:
        for requirement in listed:
            used.update(mapping(requirement))
    return used


def _security_lists(spec: LoadedSpec) -> Iterable[list[Any]]:
    if isinstance(spec.data.get("security"), list):
        yield spec.data["security"]
    for operation in _operations(spec).values():
        if isinstance(operation.value.get("security"), list):
            yield operation.value["security"]


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


def _merge(changes: list[Change]) -> list[Change]:
    """One change per (kind, place): a schema shared by several operations is reported once."""
    merged: dict[tuple[str | None, ...], tuple[Change, int]] = {}
    for change in changes:
        key: tuple[str | None, ...] = (change.kind, change.old_pointer, change.new_pointer)
        if change.old_pointer is None and change.new_pointer is None:
            key = (change.kind, change.message)
        first, count = merged.get(key, (change, -1))
        merged[key] = (first, count + 1)
    result = []
    for first, others in merged.values():
        if others:
            place = "place" if others == 1 else "places"
            first = replace(first, message=f"{first.message} (also in {others} other {place})")
        result.append(first)
    return result
