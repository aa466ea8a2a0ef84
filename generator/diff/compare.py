"""``specgen diff``: every change between two versions of a spec, and whether it breaks a client.

Two versions of a spec (files, or ``PATH@REV`` read from git) are compared operation by operation.
Operations are matched by method and path template with the path variables' names ignored, so
renaming ``{id}`` to ``{jobId}`` is a renamed path parameter, not a removed and an added operation.
Schemas are compared recursively through ``$ref``s (with cycle protection), ``allOf``, ``items`` and
properties; OpenAPI 3.0's ``nullable`` is read as 3.1's ``type: [..., "null"]`` (as is the
``anyOf: [X, {type: "null"}]`` idiom), so moving a spec from 3.0 to 3.1 changes nothing.

Every change has a stable ``kind``, and the kind alone decides whether it is breaking: see
:data:`RULES`. The question asked is always "does a client written against the old spec keep
working?". Direction matters: a client *writes* requests (parameters and request bodies) and
*reads* responses, so what is harmless on one side can break the other. Kinds of schema changes
are prefixed with where the schema is: ``parameter-``, ``request-property-`` or
``response-property-`` (a "property" is also the body itself, or an array's items). A ``readOnly``
property does not exist for requests, a ``writeOnly`` one for responses: a property becoming
``readOnly`` is removed from the request, and a new required ``readOnly`` id breaks nothing.

Operations, parameters, bodies, statuses:

=================================  ========  =====================================================
kind                               breaking  why
=================================  ========  =====================================================
operation-added                    no        nothing existing changes
operation-removed                  yes       calls to it fail
operation-id-changed               yes       generated clients name methods after the operationId
parameter-added-required           yes       existing calls do not send it
parameter-added-optional           no        existing calls may leave it out
parameter-removed                  yes       the server no longer honours it (a filter silently
                                             ignored, or a strict server rejects it) and generated
                                             methods lose the argument
parameter-moved                    yes       ``in`` changed: the client sends it in the old place
parameter-made-required            yes       calls that leave it out fail
parameter-made-optional            no        calls that send it still work
path-parameter-renamed             no        same position in the path: the wire is unchanged
request-body-added-required        yes       existing calls send no body
request-body-added-optional        no
request-body-removed               yes       as parameter-removed
request-body-made-required         yes
request-body-made-optional         no
request-media-type-added           no        a new content type the client may send
request-media-type-removed         yes       the client sends a content type no longer accepted
response-success-status-added      no        documents an outcome; an old client treats a status
response-error-status-added        no        it does not know as an error, as it did before
response-success-status-removed    yes       the client expects that success
response-error-status-removed      no        handling for it becomes dead code
response-media-type-added          no        returned only to clients that ask for it
response-media-type-removed        yes       the client expects that content type
=================================  ========  =====================================================

Schema changes (``<scope>-<rule>``), by direction. ``request`` covers ``request-property-`` and
``parameter-`` (parameters are part of the request; property rules do not apply to parameters):

====================  =======  ========  ==========================================================
rule                  request  response  why
====================  =======  ========  ==========================================================
added-required        yes      --        a request property the client does not send
added-optional        no       --
added                 --       no        a new response property is ignored by the client
removed               yes      yes       request: as parameter-removed; response: clients read it
made-required         yes      no        request: clients that leave it out fail
made-optional         no       yes       response: clients that read it may find nothing
type-changed          yes      yes       values no longer fit (``nullable`` is a separate rule)
format-changed        yes      yes       generated types follow formats (``uuid``, ``date-time``)
pattern-added         yes      no        request: values the client sends may be rejected
pattern-removed       no       yes       response: values the client validates may not match
pattern-changed       yes      yes
enum-value-added      no       no        response: specgen's generated enums are open
                                         (``_missing_``) by design, so a new value parses; a
                                         client with closed enums would reject it
enum-value-removed    yes      no        request: the client may send the value
enum-added            yes      no        an enum appears where any value was allowed
enum-removed          no       no        any value is allowed now (open enums read them)
made-nullable         no       yes       response: the client may receive null
made-not-nullable     yes      no        request: the client may send null
====================  =======  ========  ==========================================================

Security and servers:

===================================  ========  =================================================
kind                                 breaking  why
===================================  ========  =================================================
security-alternative-added           no        one more way to authenticate
security-alternative-removed         yes       clients authenticating that way are refused
security-scheme-added                yes       a scheme is now required in addition (this covers
                                               an anonymous operation that now needs one)
security-scheme-removed              no        the client sends more than needed
security-scope-added                 yes       the client's token may lack the scope
security-scope-removed               no
security-scheme-changed              yes       a scheme in use changed type, location or name
server-added                         no
server-removed                       yes       the old server URL is gone
server-url-changed                   yes       the old server URL is gone
server-variable-enum-value-added     no
server-variable-enum-value-removed   yes       a URL the client uses is gone
server-variable-default-changed      no        the old default is still allowed (else the
                                               enum-value-removed change says so)
===================================  ========  =================================================

Not compared (yet): numeric and length constraints, ``oneOf``/``anyOf`` other than the nullable
idiom, ``additionalProperties``, response headers, callbacks and webhooks, ``servers`` of path items
and operations, ``deprecated``, OAuth flows.

Each change names its JSON pointer in each version (``None`` where the thing does not exist) and
the line when the pointer is written in the file; a pointer into another file of the spec is
written ``file.yaml#/pointer``. A change in a schema shared by several places is reported once,
where it is first met (each pair of schemas is compared once: the work stays linear in the size
of the specs); other changes met in several places (a shared parameter, the root's security) are
reported once with the number of other places.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import tempfile
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Literal
from urllib.parse import unquote

from generator.errors import LoadError, SpecgenError, json_shown, shown
from generator.spec import pointer as jp
from generator.spec.dialect import is_openapi_30, oas30_to_2020_12
from generator.spec.document import Document
from generator.spec.limits import DEFAULT_LIMITS, SpecLimits
from generator.spec.loading import load_document
from generator.spec.navigator import operation_parameters
from generator.spec.reading import iter_refs, load_spec
from generator.spec.refs import LoadedSpec, RefError, Target

#: Every kind of change and whether it breaks an existing client (see the module docstring).
RULES: dict[str, bool] = {
    "operation-added": False,
    "operation-removed": True,
    "operation-id-changed": True,
    "parameter-added-required": True,
    "parameter-added-optional": False,
    "parameter-removed": True,
    "parameter-moved": True,
    "parameter-made-required": True,
    "parameter-made-optional": False,
    "path-parameter-renamed": False,
    "request-body-added-required": True,
    "request-body-added-optional": False,
    "request-body-removed": True,
    "request-body-made-required": True,
    "request-body-made-optional": False,
    "request-media-type-added": False,
    "request-media-type-removed": True,
    "response-success-status-added": False,
    "response-error-status-added": False,
    "response-success-status-removed": True,
    "response-error-status-removed": False,
    "response-media-type-added": False,
    "response-media-type-removed": True,
    "request-property-added-required": True,
    "request-property-added-optional": False,
    "request-property-removed": True,
    "request-property-made-required": True,
    "request-property-made-optional": False,
    "response-property-added": False,
    "response-property-removed": True,
    "response-property-made-required": False,
    "response-property-made-optional": True,
    "security-alternative-added": False,
    "security-alternative-removed": True,
    "security-scheme-added": True,
    "security-scheme-removed": False,
    "security-scope-added": True,
    "security-scope-removed": False,
    "security-scheme-changed": True,
    "server-added": False,
    "server-removed": True,
    "server-url-changed": True,
    "server-variable-enum-value-added": False,
    "server-variable-enum-value-removed": True,
    "server-variable-default-changed": False,
}

#: Rules about a schema's own keywords: (breaking in a request, breaking in a response).
_SCHEMA_RULES: dict[str, tuple[bool, bool]] = {
    "type-changed": (True, True),
    "format-changed": (True, True),
    "pattern-added": (True, False),
    "pattern-removed": (False, True),
    "pattern-changed": (True, True),
    "enum-value-added": (False, False),
    "enum-value-removed": (True, False),
    "enum-added": (True, False),
    "enum-removed": (False, False),
    "made-nullable": (False, True),
    "made-not-nullable": (True, False),
}
for _rule, (_in_request, _in_response) in _SCHEMA_RULES.items():
    RULES[f"parameter-{_rule}"] = _in_request
    RULES[f"request-property-{_rule}"] = _in_request
    RULES[f"response-property-{_rule}"] = _in_response

_HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_PATH_VARIABLE = re.compile(r"\{[^}/]*\}")
_URI_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")

_Direction = Literal["request", "response"]
#: As in refs.py: more hops than this is a loop of $refs.
_MAX_REF_HOPS = 64


@dataclass(frozen=True)
class Change:
    """One difference between the two versions of a spec."""

    #: A stable rule id (a key of :data:`RULES`), e.g. ``operation-removed``.
    kind: str
    #: Whether a client written against the old version may stop working.
    breaking: bool
    #: One readable sentence saying what changed and where.
    message: str
    #: JSON pointer in the old spec (None when the thing was added).
    old_pointer: str | None
    #: JSON pointer in the new spec (None when the thing was removed).
    new_pointer: str | None
    old_line: int | None
    new_line: int | None


@dataclass
class DiffReport:
    """What changed from ``old`` to ``new`` (display names such as ``specs/anon.yaml@HEAD~1``)."""

    old: str
    new: str
    changes: list[Change]

    @property
    def breaking(self) -> list[Change]:
        """The changes that may break an existing client."""
        return [change for change in self.changes if change.breaking]


# --- loading versions -----------------------------------------------------------------------------


def load_version(ref: str, limits: SpecLimits = DEFAULT_LIMITS) -> LoadedSpec:
    """Load a spec given as a path, or as ``PATH@REV`` to read it from a git revision.

    For ``PATH@REV`` the file, and the files its ``$ref``s reach, are taken from that revision into
    a temporary folder mirroring the repository, loaded, and the folder removed. A path that exists
    as written wins over the ``PATH@REV`` reading (a file may have ``@`` in its name). Raises
    :class:`LoadError` naming ``ref`` for a missing file, an unknown revision or no git.
    """
    if "@" not in ref or Path(ref).exists():
        return load_spec(Path(ref), limits)
    path_text, rev = ref.rsplit("@", 1)
    if not path_text or not rev:
        raise LoadError("expected PATH@REV with both a path and a revision", ref)
    if rev.startswith("-"):
        # Never let a revision be read as an option by git.
        raise LoadError(f"not a revision: {rev!r}", ref)
    return _load_at_revision(Path(path_text), rev, ref, limits)


def _git(cwd: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)


def _load_at_revision(path: Path, rev: str, ref: str, limits: SpecLimits) -> LoadedSpec:
    absolute = Path.cwd() / path
    start = absolute.parent
    # The file (even its folder) may be gone from the working tree and still be at the revision.
    while not start.is_dir() and start != start.parent:
        start = start.parent
    try:
        toplevel = _git(start, "rev-parse", "--show-toplevel")
    except OSError as exc:
        raise LoadError(
            f"git is not available to read the revision ({exc.strerror or exc})", ref
        ) from None
    if toplevel.returncode != 0:
        reason = _git_reason(toplevel)
        if "not a git repository" in reason:
            reason = f"{_display(start)} is not inside a git repository"
        raise LoadError(reason, ref)
    top = Path(toplevel.stdout.decode().strip()).resolve()
    try:
        relative = (absolute.parent.resolve() / absolute.name).relative_to(top)
    except ValueError:
        raise LoadError(f"the file is outside the git repository {top}", ref) from None
    verified = _git(top, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}")
    if verified.returncode != 0:
        raise LoadError(f"unknown revision {rev!r}", ref)
    commit = verified.stdout.decode().strip()
    root_text = _git(top, "show", f"{commit}:{relative.as_posix()}")
    if root_text.returncode != 0:
        raise LoadError(f"no file {relative.as_posix()} at revision {rev!r}", ref)
    with tempfile.TemporaryDirectory(prefix="specgen-diff-") as tmp:
        mirror = Path(tmp)
        root = mirror / relative
        root.parent.mkdir(parents=True, exist_ok=True)
        root.write_bytes(root_text.stdout)
        _fetch_referenced(top, commit, mirror, root, limits)
        try:
            # Every document is parsed now, so nothing is read from the folder once it is gone.
            return load_spec(root, limits)
        except LoadError as exc:
            raise LoadError(exc.message, ref, exc.line, exc.col) from None


def _git_reason(result: subprocess.CompletedProcess[bytes]) -> str:
    """Git's own one-line reason for a failure (e.g. a repository owned by another user)."""
    lines = result.stderr.decode(errors="replace").strip().splitlines()
    reason = lines[0] if lines else f"git exited with status {result.returncode}"
    return reason.removeprefix("fatal: ")


def _fetch_referenced(top: Path, commit: str, mirror: Path, root: Path, limits: SpecLimits) -> None:
    """Copy from ``commit`` into ``mirror`` every file the ``$ref``s reachable from ``root`` name.

    Only files inside the spec's folder are copied, as only those are ever read (see refs.py); a
    file missing at the revision is left out, and loading reports the ``$ref`` as unresolved.
    """
    folder = root.parent
    pending = [root]
    seen = {root}
    while pending:
        current = pending.pop()
        try:
            document = load_document(current, limits)
        except LoadError:
            continue  # the root's own error is raised by load_spec; others become findings there
        for ref in iter_refs(document):
            file_part = ref.value.partition("#")[0]
            if not file_part or _URI_SCHEME.match(file_part) or file_part.startswith("//"):
                continue
            target = Path(os.path.normpath(current.parent / unquote(file_part)))
            if target in seen or not target.is_relative_to(folder):
                continue
            seen.add(target)
            shown = _git(top, "show", f"{commit}:{target.relative_to(mirror).as_posix()}")
            if shown.returncode == 0:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(shown.stdout)
                pending.append(target)


def _display(path: Path) -> str:
    """A folder or file as a user should see it (relative to the working directory when inside)."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve())) or "."
    except ValueError:
        return str(path)


# --- the comparison -------------------------------------------------------------------------------


def diff(old_ref: str, new_ref: str, limits: SpecLimits = DEFAULT_LIMITS) -> DiffReport:
    """Compare two versions of a spec, each a path or ``PATH@REV``; see :func:`load_version`."""
    old, new = load_version(old_ref, limits), load_version(new_ref, limits)
    return diff_specs(old, new, old_ref, new_ref)


def diff_specs(old: LoadedSpec, new: LoadedSpec, old_name: str, new_name: str) -> DiffReport:
    """Every change from ``old`` to ``new``, in a fixed order: servers, schemes, operations."""
    return DiffReport(old_name, new_name, _Differ(old, new).run())


def exit_code(report: DiffReport, fail_on: str | None) -> int:
    """The CLI's exit code: 1 when ``fail_on`` is ``"breaking"`` and a change breaks, else 0."""
    if fail_on not in (None, "breaking"):
        raise SpecgenError(f"--fail-on takes 'breaking', not {fail_on!r}")
    return 1 if fail_on == "breaking" and report.breaking else 0


@dataclass
class _Flat:
    """A schema with ``$ref``s followed and ``allOf`` merged: what the comparison looks at.

    Each keyword keeps the place it is written, which may be inside an ``allOf`` member.
    """

    at: Target
    types: frozenset[str] | None = None  # None: no ``type``, any value
    type_at: Target | None = None
    nullable: bool = False
    nullable_at: Target | None = None
    format: str | None = None
    format_at: Target | None = None
    pattern: str | None = None
    pattern_at: Target | None = None
    enum: list[Any] | None = None
    enum_at: Target | None = None
    properties: dict[str, Target] = field(default_factory=dict)
    required: set[str] = field(default_factory=set)
    read_only: set[str] = field(default_factory=set)
    write_only: set[str] = field(default_factory=set)
    items: Target | None = None


@dataclass(frozen=True)
class _Draft:
    """A schema change relative to the schema compared; placed in a context when reported."""

    rule: str
    path: str  # ".name" per property, "[]" per array's items
    text: str
    old: Target | None
    new: Target | None


@dataclass(frozen=True)
class _Operation:
    method: str
    path: str
    at: Target

    @property
    def value(self) -> dict[str, Any]:
        value = self.at.value
        return value if isinstance(value, dict) else {}

    @property
    def label(self) -> str:
        return f"{self.method.upper()} {self.path}"


class _Differ:
    """One comparison: walks both specs side by side and collects the changes."""

    def __init__(self, old: LoadedSpec, new: LoadedSpec) -> None:
        self.old = old
        self.new = new
        self.old_30 = is_openapi_30(old.root.data)
        self.new_30 = is_openapi_30(new.root.data)
        self.changes: list[Change] = []
        # Schema pairs compared so far, per direction (see `schema`).
        self._done: set[tuple[Any, ...]] = set()

    def run(self) -> list[Change]:
        self.servers()
        self.security_schemes()
        old_ops = _operations(self.old)
        new_ops = _operations(self.new)
        for key, old_op in old_ops.items():
            new_op = new_ops.get(key)
            if new_op is None:
                self.emit(
                    "operation-removed", f"{old_op.label}: the operation was removed", old_op.at
                )
            else:
                self.operation(old_op, new_op)
        for key, new_op in new_ops.items():
            if key not in old_ops:
                self.emit(
                    "operation-added", f"{new_op.label}: the operation was added", None, new_op.at
                )
        return _merge(self.changes)

    # -- reporting

    def emit(self, kind: str, message: str, old: Target | None, new: Target | None = None) -> None:
        old_pointer, old_line = _locate(self.old, old)
        new_pointer, new_line = _locate(self.new, new)
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
        old_vars = _mapping(old.get("variables"))
        new_vars = _mapping(new.get("variables"))
        for name, old_var in old_vars.items():
            new_var = new_vars.get(name)
            if not isinstance(old_var, dict) or not isinstance(new_var, dict):
                continue
            old_ptr = jp.join(old_at.pointer, "variables", name)
            new_ptr = jp.join(new_at.pointer, "variables", name)
            old_enum, new_enum = old_var.get("enum"), new_var.get("enum")
            if isinstance(old_enum, list) and isinstance(new_enum, list):
                for index, value in _missing_from(old_enum, new_enum):
                    self.emit(
                        "server-variable-enum-value-removed",
                        f"server {url!r}: variable {name!r} no longer allows {_show(value)}",
                        Target(old_at.document, jp.join(old_ptr, "enum", index)),
                    )
                for index, value in _missing_from(new_enum, old_enum):
                    self.emit(
                        "server-variable-enum-value-added",
                        f"server {url!r}: variable {name!r} allows the new value {_show(value)}",
                        None,
                        Target(new_at.document, jp.join(new_ptr, "enum", index)),
                    )
            if old_var.get("default") != new_var.get("default"):
                self.emit(
                    "server-variable-default-changed",
                    f"server {url!r}: variable {name!r} defaults to"
                    f" {_show(new_var.get('default'))} instead of {_show(old_var.get('default'))}",
                    _existing(old_at.document, jp.join(old_ptr, "default"), old_ptr),
                    _existing(new_at.document, jp.join(new_ptr, "default"), new_ptr),
                )

    def security_schemes(self) -> None:
        """Schemes in use whose definition changed: clients send credentials the old way."""
        used = _schemes_in_use(self.old)
        old_schemes = _mapping(_mapping(self.old.data.get("components")).get("securitySchemes"))
        new_schemes = _mapping(_mapping(self.new.data.get("components")).get("securitySchemes"))
        for name in old_schemes:
            if name not in used or name not in new_schemes:
                continue
            old_at = _deref(self.old, self.old.root, jp.join("/components/securitySchemes", name))
            new_at = _deref(self.new, self.new.root, jp.join("/components/securitySchemes", name))
            old_shape, new_shape = _scheme_shape(old_at.value), _scheme_shape(new_at.value)
            if old_shape != new_shape:
                self.emit(
                    "security-scheme-changed",
                    f"security scheme {name!r} changed from {old_shape} to {new_shape}",
                    old_at,
                    new_at,
                )

    # -- operations

    def operation(self, old: _Operation, new: _Operation) -> None:
        label = new.label
        old_id, new_id = old.value.get("operationId"), new.value.get("operationId")
        if old_id != new_id:
            self.emit(
                "operation-id-changed",
                f"{label}: operationId changed from {_show(old_id)} to {_show(new_id)}",
                _existing(old.at.document, jp.join(old.at.pointer, "operationId"), old.at.pointer),
                _existing(new.at.document, jp.join(new.at.pointer, "operationId"), new.at.pointer),
            )
        self.parameters(old, new)
        self.request_body(old, new)
        self.responses(old, new)
        self.security(old, new)

    def parameters(self, old: _Operation, new: _Operation) -> None:
        label = new.label
        old_params = _parameters(self.old, old)
        new_params = _parameters(self.new, new)
        # Path variables are matched by position, as the operations were: a renamed variable is
        # the same parameter.
        renames = {
            old_var[1:-1]: new_var[1:-1]
            for old_var, new_var in zip(
                _PATH_VARIABLE.findall(old.path), _PATH_VARIABLE.findall(new.path), strict=False
            )
        }
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

        def report(draft: _Draft) -> None:
            items = " items" if draft.path else ""
            self.emit(f"parameter-{draft.rule}", f"{subject}{items} {draft.text}", *_ends(draft))

        self.schema(old_schema or old, new_schema or new, "request", report, properties=False)

    def request_body(self, old: _Operation, new: _Operation) -> None:
        label = new.label
        old_body = _member(self.old, old.at, "requestBody")
        new_body = _member(self.new, new.at, "requestBody")
        if old_body is None and new_body is None:
            return
        if new_body is None:
            self.emit("request-body-removed", f"{label}: the request body was removed", old_body)
            return
        new_required = _mapping(new_body.value).get("required") is True
        if old_body is None:
            kind, article = ("required", "a") if new_required else ("optional", "an")
            self.emit(
                f"request-body-added-{kind}",
                f"{label}: {article} {kind} request body was added",
                None,
                new_body,
            )
            return
        old_required = _mapping(old_body.value).get("required") is True
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

    def responses(self, old: _Operation, new: _Operation) -> None:
        label = new.label
        old_all = _statuses(self.old, old.at)
        new_all = _statuses(self.new, new.at)
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
        self, old: Target, new: Target, subject: str, direction: _Direction
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

    def body(self, where: str, direction: _Direction, old_media: Target, new_media: Target) -> None:
        old_schema = _existing(old_media.document, jp.join(old_media.pointer, "schema"), None)
        new_schema = _existing(new_media.document, jp.join(new_media.pointer, "schema"), None)
        if old_schema is None and new_schema is None:
            return

        def report(draft: _Draft) -> None:
            if not draft.path:
                subject = "the body"
            elif draft.path == "[]":
                subject = "the body's items"
            else:
                subject = f"property {draft.path.lstrip('.')!r}"
            message = f"{where} {subject} {draft.text}"
            self.emit(f"{direction}-property-{draft.rule}", message, *_ends(draft))

        self.schema(old_schema or old_media, new_schema or new_media, direction, report)

    def security(self, old: _Operation, new: _Operation) -> None:
        label = new.label
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
                        _child(old_at, name),
                        _child(new_at, name),
                    )
                for scope in sorted(set(old_scopes[name]) - set(new_scopes[name])):
                    self.emit(
                        "security-scope-removed",
                        f"{label}: scheme {name!r} no longer requires scope {scope!r}",
                        _child(old_at, name),
                        _child(new_at, name),
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
                    _child(new_at, name),
                )
            for name in sorted(names - new_names):
                self.emit(
                    "security-scheme-removed",
                    f"{label}: security no longer requires scheme {name!r}",
                    _child(old_at, name),
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

    # -- schemas

    def schema(
        self,
        old: Target,
        new: Target,
        direction: _Direction,
        report: Callable[[_Draft], None],
        properties: bool = True,
    ) -> None:
        """Hand ``report`` each change from the schema ``old`` to ``new``, with its property path.

        A target that is not a schema (a media type or parameter without one) reads as ``{}``.
        Each pair of schemas is compared once per direction: a change in a shared schema is
        reported where it is first met, and a recursive schema stops where it meets itself.
        (Handing results up to every place that uses a schema instead would repeat a change once
        per path through the graph of schemas, which grows exponentially in real specs.) The walk
        is breadth-first, so the path a change is named by is the shortest from here.
        """
        queue: deque[tuple[Target, Target, str]] = deque([(old, new, "")])
        while queue:
            old, new, path = queue.popleft()
            old, old_value = _deref_value(self.old, old)
            new, new_value = _deref_value(self.new, new)
            key = (direction, properties, _key(old), _key(new))
            if key in self._done:
                continue
            self._done.add(key)
            was = _flatten(self.old, self.old_30, old, old_value, frozenset())
            now = _flatten(self.new, self.new_30, new, new_value, frozenset())
            for draft in _keyword_changes(was, now):
                report(replace(draft, path=path))
            if was.types != now.types:
                continue  # a different kind of value: what is inside is not comparable
            if properties:
                queue.extend(self.properties(was, now, direction, report, path))
            if was.items is not None and now.items is not None:
                queue.append((was.items, now.items, f"{path}[]"))

    def properties(
        self,
        was: _Flat,
        now: _Flat,
        direction: _Direction,
        report: Callable[[_Draft], None],
        path: str,
    ) -> list[tuple[Target, Target, str]]:
        """Report properties added, removed and made (not) required; return those in both."""
        # A readOnly property is never sent in a request, a writeOnly one never read from a
        # response: on that side it does not exist.
        old_props = _visible(was, direction)
        new_props = _visible(now, direction)
        both = []
        for name, old_prop in old_props.items():
            here = f"{path}.{name}"
            new_prop = new_props.get(name)
            if new_prop is None:
                report(_Draft("removed", here, "was removed", old_prop, None))
                continue
            required_before, required_now = name in was.required, name in now.required
            if required_before != required_now:
                rule = "made-required" if required_now else "made-optional"
                text = "is now required" if required_now else "is no longer required"
                report(_Draft(rule, here, text, old_prop, new_prop))
            both.append((old_prop, new_prop, here))
        for name, new_prop in new_props.items():
            if name in old_props:
                continue
            here = f"{path}.{name}"
            if direction == "response":
                report(_Draft("added", here, "was added", None, new_prop))
            elif name in now.required:
                report(_Draft("added-required", here, "was added (required)", None, new_prop))
            else:
                report(_Draft("added-optional", here, "was added (optional)", None, new_prop))
        return both


def _visible(flat: _Flat, direction: _Direction) -> dict[str, Target]:
    hidden = flat.read_only if direction == "request" else flat.write_only
    return {name: at for name, at in flat.properties.items() if name not in hidden}


def _keyword_changes(old: _Flat, new: _Flat) -> list[_Draft]:
    """Changes of a schema's own keywords: type, nullability, format, pattern, enum."""
    out: list[_Draft] = []
    if old.types != new.types:
        out.append(
            _Draft(
                "type-changed",
                "",
                f"changed type from {_show_types(old.types)} to {_show_types(new.types)}",
                old.type_at or old.at,
                new.type_at or new.at,
            )
        )
    if old.nullable != new.nullable:
        rule, text = ("made-nullable", "can now be null")
        if not new.nullable:
            rule, text = ("made-not-nullable", "can no longer be null")
        old_at = old.nullable_at or old.type_at or old.at
        out.append(_Draft(rule, "", text, old_at, new.nullable_at or new.type_at or new.at))
    if old.format != new.format:
        out.append(
            _Draft(
                "format-changed",
                "",
                f"changed format from {_show(old.format)} to {_show(new.format)}",
                old.format_at or old.at,
                new.format_at or new.at,
            )
        )
    if old.pattern != new.pattern:
        if old.pattern is None:
            out.append(_Draft("pattern-added", "", "gained a pattern", None, new.pattern_at))
        elif new.pattern is None:
            out.append(_Draft("pattern-removed", "", "lost its pattern", old.pattern_at, None))
        else:
            out.append(
                _Draft("pattern-changed", "", "changed its pattern", old.pattern_at, new.pattern_at)
            )
    if old.enum is not None and new.enum is not None and old.enum_at and new.enum_at:
        for index, value in _missing_from(old.enum, new.enum):
            at = Target(old.enum_at.document, jp.join(old.enum_at.pointer, index))
            out.append(
                _Draft("enum-value-removed", "", f"no longer allows {_show(value)}", at, None)
            )
        for index, value in _missing_from(new.enum, old.enum):
            at = Target(new.enum_at.document, jp.join(new.enum_at.pointer, index))
            out.append(
                _Draft("enum-value-added", "", f"allows the new value {_show(value)}", None, at)
            )
    elif old.enum is None and new.enum is not None:
        text = f"is now restricted to {len(new.enum)} enum value(s)"
        out.append(_Draft("enum-added", "", text, None, new.enum_at))
    elif old.enum is not None and new.enum is None:
        out.append(_Draft("enum-removed", "", "is no longer an enum", old.enum_at, None))
    return out


def _flatten(
    spec: LoadedSpec, is_30: bool, at: Target, value: Any, seen: frozenset[tuple[str, str]]
) -> _Flat:
    """The schema ``value`` found at ``at`` (dereferenced) with its ``allOf`` members merged in."""
    flat = _Flat(at=at)
    key = _key(at)
    if not isinstance(value, dict) or "$ref" in value or key in seen:
        return flat  # a boolean schema, a $ref that does not resolve, or an allOf cycle
    seen = seen | {key}
    variant = _nullable_variant(spec, at, value)
    if variant is not None:
        inner, null_at = variant
        flat = _flatten(spec, is_30, *_deref_value(spec, inner), seen)
        if not flat.nullable:
            flat.nullable, flat.nullable_at = True, null_at
        return flat
    doc, ptr = at.document, at.pointer
    # Only the keywords read below are converted: converting the whole subtree at every level would
    # cost time quadratic in the schema's depth.
    node = value
    if is_30:
        node = oas30_to_2020_12(
            {k: v for k, v in value.items() if k in ("type", "nullable", "enum")}
        )
    kind = node.get("type")
    types = {kind} if isinstance(kind, str) else (set(kind) if isinstance(kind, list) else None)
    if types is not None:
        flat.type_at = Target(doc, jp.join(ptr, "type"))
        flat.nullable = "null" in types
        flat.types = frozenset(str(t) for t in types if t != "null")
    enum = node.get("enum")
    if isinstance(enum, list):
        flat.enum = [item for item in enum if item is not None]
        flat.enum_at = Target(doc, jp.join(ptr, "enum"))
        flat.nullable = flat.nullable or None in enum
    if is_30 and value.get("nullable") is True:
        # OpenAPI 3.0 says null is allowed even without a type (an allOf of a $ref, typically).
        flat.nullable = True
        flat.nullable_at = Target(doc, jp.join(ptr, "nullable"))
    elif flat.nullable:
        flat.nullable_at = flat.type_at or flat.enum_at
    for keyword in ("format", "pattern"):
        if isinstance(value.get(keyword), str):
            setattr(flat, keyword, value[keyword])
            setattr(flat, f"{keyword}_at", Target(doc, jp.join(ptr, keyword)))
    properties = value.get("properties")
    if isinstance(properties, dict):
        for name, prop in properties.items():
            flat.properties[name] = prop_at = Target(doc, jp.join(ptr, "properties", name))
            if isinstance(prop, dict) and "$ref" in prop:
                prop = _deref_value(spec, prop_at)[1]
            if isinstance(prop, dict) and prop.get("readOnly") is True:
                flat.read_only.add(name)
            if isinstance(prop, dict) and prop.get("writeOnly") is True:
                flat.write_only.add(name)
    required = value.get("required")
    if isinstance(required, list):
        flat.required = {name for name in required if isinstance(name, str)}
    if isinstance(value.get("items"), dict):
        flat.items = Target(doc, jp.join(ptr, "items"))
    members = value.get("allOf")
    if isinstance(members, list):
        for index in range(len(members)):
            member = _deref_value(spec, Target(doc, jp.join(ptr, "allOf", index)))
            _merge_member(flat, _flatten(spec, is_30, *member, seen))
    return flat


def _merge_member(flat: _Flat, member: _Flat) -> None:
    """Merge an ``allOf`` member: the schema's own keywords win, then earlier members."""
    if flat.types is None and member.types is not None:
        flat.types, flat.type_at = member.types, member.type_at
        if member.nullable and not flat.nullable:
            flat.nullable, flat.nullable_at = True, member.nullable_at
    for keyword in ("format", "pattern", "enum", "items"):
        if getattr(flat, keyword) is None and getattr(member, keyword) is not None:
            setattr(flat, keyword, getattr(member, keyword))
            if keyword != "items":
                setattr(flat, f"{keyword}_at", getattr(member, f"{keyword}_at"))
    for name, prop in member.properties.items():
        if name not in flat.properties:
            flat.properties[name] = prop
            if name in member.read_only:
                flat.read_only.add(name)
            if name in member.write_only:
                flat.write_only.add(name)
    flat.required |= member.required


def _nullable_variant(
    spec: LoadedSpec, at: Target, value: dict[str, Any]
) -> tuple[Target, Target] | None:
    """For ``anyOf``/``oneOf: [X, {type: "null"}]``, the place of X and of the null branch."""
    if any(k in value for k in ("type", "properties", "allOf", "items", "enum")):
        return None
    for keyword in ("anyOf", "oneOf"):
        branches = value.get(keyword)
        if not isinstance(branches, list) or len(branches) != 2:
            continue
        for null_index in (0, 1):
            null_at = _deref(spec, at.document, jp.join(at.pointer, keyword, null_index))
            branch = null_at.value
            if isinstance(branch, dict) and branch.get("type") in ("null", ["null"]):
                other = jp.join(at.pointer, keyword, 1 - null_index)
                return Target(at.document, other), null_at
    return None


# --- reading the parts of a spec ------------------------------------------------------------------


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _key(at: Target) -> tuple[str, str]:
    return (str(at.document.path), at.pointer)


def _deref(spec: LoadedSpec, document: Document, pointer: str) -> Target:
    """Follow ``$ref``s from ``pointer``; see :func:`_deref_value`."""
    return _deref_value(spec, Target(document, pointer))[0]


def _deref_value(spec: LoadedSpec, at: Target) -> tuple[Target, Any]:
    """Follow ``$ref``s from ``at``: the place reached and its value.

    A broken ``$ref`` (or a loop) leaves the reference itself: that is a finding of
    ``specgen validate``, not this command's business. The value is handed back so that callers do
    not resolve the pointer again (the diff of a large spec spends its time there).
    """
    try:
        value = jp.resolve(at.document.data, at.pointer)
    except LookupError:
        return at, None
    for _ in range(_MAX_REF_HOPS):
        if not (isinstance(value, dict) and isinstance(value.get("$ref"), str)):
            break
        try:
            at = spec.resolve(at.document, value["$ref"])
        except RefError:
            break
        value = at.value
    return at, value


def _existing(document: Document, pointer: str, fallback: str | None) -> Target | None:
    """``pointer`` when it exists in ``document``, else ``fallback`` (None for none)."""
    try:
        jp.resolve(document.data, pointer)
    except LookupError:
        return None if fallback is None else Target(document, fallback)
    return Target(document, pointer)


def _member(spec: LoadedSpec, at: Target, name: str) -> Target | None:
    found = _existing(at.document, jp.join(at.pointer, name), None)
    return None if found is None else _deref(spec, found.document, found.pointer)


def _child(at: Target | None, name: str) -> Target | None:
    return None if at is None else _existing(at.document, jp.join(at.pointer, name), at.pointer)


def _ends(draft: _Draft) -> tuple[Target | None, Target | None]:
    return draft.old, draft.new


def _operations(spec: LoadedSpec) -> dict[tuple[str, str], _Operation]:
    """Operations by (method, path template with variables unnamed), in file order.

    Unlike :func:`generator.check.conformance.operations` this keeps operations without an operationId,
    so adding one reads as a changed operationId rather than an added operation.
    """
    found: dict[tuple[str, str], _Operation] = {}
    for path in _mapping(spec.data.get("paths")):
        item = _deref(spec, spec.root, jp.join("/paths", path))
        value = _mapping(item.value)
        for method in _HTTP_METHODS:
            if isinstance(value.get(method), dict):
                key = (method, _PATH_VARIABLE.sub("{}", path))
                at = Target(item.document, jp.join(item.pointer, method))
                found.setdefault(key, _Operation(method, path, at))
    return found


def _parameters(spec: LoadedSpec, operation: _Operation) -> dict[tuple[str, str], Target]:
    params = operation_parameters(spec, operation.at.document, operation.at.pointer)
    # Header names are case-insensitive on the wire.
    return {
        (where, name.lower() if where == "header" else name): at
        for (where, name), at in params.items()
    }


def _param_required(value: Any) -> bool:
    value = _mapping(value)
    return value.get("in") == "path" or value.get("required") is True


def _param_schema(param: Target) -> Target | None:
    """A parameter's schema: ``schema``, or the one of its single ``content`` entry."""
    found = _existing(param.document, jp.join(param.pointer, "schema"), None)
    if found is not None:
        return found
    for media in _mapping(_mapping(param.value).get("content")):
        return _existing(param.document, jp.join(param.pointer, "content", media, "schema"), None)
    return None


def _statuses(spec: LoadedSpec, operation: Target) -> dict[str, tuple[str, Target]]:
    """Responses by normalised status (``2xx`` is ``2XX``): the key as written and the response."""
    pointer = jp.join(operation.pointer, "responses")
    found: dict[str, tuple[str, Target]] = {}
    for status in _mapping(_mapping(operation.value).get("responses")):
        at = _deref(spec, operation.document, jp.join(pointer, status))
        found[status.upper()] = (status, at)
    return found


def _content(at: Target) -> dict[str, tuple[str, Target]]:
    """Media types of a request body or response by essence: the key as written and its place."""
    found: dict[str, tuple[str, Target]] = {}
    for media in _mapping(_mapping(at.value).get("content")):
        essence = media.split(";", 1)[0].strip().lower()
        found.setdefault(
            essence, (media, Target(at.document, jp.join(at.pointer, "content", media)))
        )
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


def _security(spec: LoadedSpec, operation: _Operation) -> list[_Alternative]:
    """The security alternatives in force for an operation; an anonymous one is the empty set."""
    if isinstance(operation.value.get("security"), list):
        at = Target(operation.at.document, jp.join(operation.at.pointer, "security"))
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
            used.update(_mapping(requirement))
    return used


def _security_lists(spec: LoadedSpec) -> Iterable[list[Any]]:
    if isinstance(spec.data.get("security"), list):
        yield spec.data["security"]
    for operation in _operations(spec).values():
        if isinstance(operation.value.get("security"), list):
            yield operation.value["security"]


def _scheme_shape(value: Any) -> str:
    """What a client must do to use a security scheme, as text to compare and show."""
    scheme = _mapping(value)
    kind = str(scheme.get("type"))
    if kind == "apiKey":
        return f"an API key {scheme.get('name')!r} in the {scheme.get('in')}"
    if kind == "http":
        return f"HTTP {str(scheme.get('scheme', '')).lower()} authentication"
    return f"{kind} authentication"


def _missing_from(values: list[Any], others: list[Any]) -> list[tuple[int, Any]]:
    """Items of ``values`` (with their index) that are not in ``others``, by JSON value."""
    present = {_canonical(value) for value in others}
    return [(i, v) for i, v in enumerate(values) if _canonical(v) not in present]


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True)


def _show(value: Any) -> str:
    if value is None:
        return "none"
    return repr(value) if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _show_types(types: frozenset[str] | None) -> str:
    if types is None:
        return "any"
    return " or ".join(sorted(types)) or "null"


def _show_alt(names: frozenset[str]) -> str:
    return " + ".join(repr(name) for name in sorted(names)) if names else "no credentials"


def _locate(spec: LoadedSpec, at: Target | None) -> tuple[str | None, int | None]:
    """The pointer to show for a place (``file#pointer`` outside the root file) and its line."""
    if at is None:
        return None, None
    position = at.document.positions.get(at.pointer)
    line = position.line if position is not None else None
    if at.document is spec.root:
        return at.pointer, line
    try:
        name = at.document.path.resolve().relative_to(spec.folder).as_posix()
    except ValueError:
        name = at.document.path.name
    return f"{name}#{at.pointer}", line


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


# --- reports --------------------------------------------------------------------------------------


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
