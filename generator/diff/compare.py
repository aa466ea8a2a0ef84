"""The comparison behind ``specgen diff``: two loaded specs walked side by side, each difference
classified by :data:`generator.diff.rules.RULES`.

Servers and security schemes are compared first, then every operation, matched by method and path
template shape (:func:`generator.spec.navigator.template_shape`): its operationId, parameters,
request body, responses and security. Schemas are compared by :mod:`generator.diff.schemas`,
servers and security by :mod:`generator.diff.security`.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from generator.diff.places import existing, locate, mapping, show
from generator.diff.rules import RULES, Change, DiffReport
from generator.diff.schemas import Direction, Draft, SchemaWalk, describe
from generator.diff.security import (
    compare_operation_security,
    compare_security_schemes,
    compare_servers,
)
from generator.spec import pointer as jp
from generator.spec.navigator import (
    PathOperation,
    content_entries,
    media_essence,
    operation_id_at,
    operation_parameters,
    path_operations,
    request_body,
    responses,
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
        old_ops = _operations(self.old)
        new_ops = _operations(self.new)
        compare_servers(self.old, self.new, self.emit)
        compare_security_schemes(self.old, self.new, old_ops.values(), self.emit)
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

    # -- operations

    def operation(self, old: PathOperation, new: PathOperation) -> None:
        label = _label(new)
        # The ids as written, not PathOperation.operation_id: `5` becoming `"5"` is a change too.
        old_at, new_at = operation_id_at(old), operation_id_at(new)
        old_id = None if old_at is None else old_at.value
        new_id = None if new_at is None else new_at.value
        if old_id != new_id:
            self.emit(
                "operation-id-changed",
                f"{label}: operationId changed from {show(old_id)} to {show(new_id)}",
                old_at or _at(old),
                new_at or _at(new),
            )
        self.parameters(old, new)
        self.request_body(old, new)
        self.responses(old, new)
        compare_operation_security(_label(new), self.old, old, self.new, new, self.emit)

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
            if draft.outer:
                where = describe(draft, lambda path: "items" if path else "")
                message = f"{label}: {where} of {key[0]} parameter {key[1]!r} {draft.text}"
            else:
                items = " items" if draft.path else ""
                message = f"{subject}{items} {draft.text}"
            self.emit(f"parameter-{draft.rule}", message, *_ends(draft))

        self.schemas.compare(
            old_schema or old, new_schema or new, "request", report, properties=False
        )

    def request_body(self, old: PathOperation, new: PathOperation) -> None:
        label = _label(new)
        old_body = request_body(self.old, old.document, old.pointer)
        new_body = request_body(self.new, new.document, new.pointer)
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
        old_all = _statuses(self.old, old)
        new_all = _statuses(self.new, new)
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
            message = f"{where} {describe(draft, _body_part)} {draft.text}"
            self.emit(f"{direction}-property-{draft.rule}", message, *_ends(draft))

        self.schemas.compare(old_schema or old_media, new_schema or new_media, direction, report)


def _body_part(path: str) -> str:
    """A place in a body's schema as messages name it."""
    if not path:
        return "the body"
    if path == "[]":
        return "the body's items"
    return f"property {path.lstrip('.')!r}"


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
    for media in content_entries(param).values():
        return existing(media.document, jp.join(media.pointer, "schema"), None)
    return None


def _statuses(spec: LoadedSpec, operation: PathOperation) -> dict[str, tuple[str, Target]]:
    """Responses by normalised status (``2xx`` is ``2XX``): the key as written and the response."""
    listed = responses(spec, operation.document, operation.pointer)
    return {status.upper(): (status, at) for status, at in listed.items()}


def _content(at: Target) -> dict[str, tuple[str, Target]]:
    """Media types of a request body or response by essence: the key as written and its place."""
    found: dict[str, tuple[str, Target]] = {}
    for media, place in content_entries(at).items():
        found.setdefault(media_essence(media), (media, place))
    return found


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
