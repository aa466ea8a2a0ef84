"""The rules of ``specgen diff``: every kind of change between two versions of a spec, and whether
it breaks a client.

Two versions of a spec (files, or ``PATH@REV`` read from git) are compared operation by operation.
Operations are matched by method and path template with the path variables' names ignored, so
renaming ``{id}`` to ``{jobId}`` is a renamed path parameter, not a removed and an added operation.
Schemas are compared recursively through ``$ref``s (with cycle protection), ``allOf``, ``items``,
properties and the branches of ``oneOf``/``anyOf``; OpenAPI 3.0's ``nullable`` is read as 3.1's
``type: [..., "null"]`` (as is the ``anyOf: [X, {type: "null"}]`` idiom), so moving a spec from
3.0 to 3.1 changes nothing.

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
constraint-tightened  yes      no        a bound, length, count, ``multipleOf`` or
                                         ``uniqueItems`` now allows fewer values: request: values
                                         the client sends may be rejected; response: the client
                                         receives values it already accepted
constraint-loosened   no       yes       response: generated models enforce the old bounds
                                         (pydantic ``ge``/``max_length``...), so new values fail
                                         to parse; request: what the client sends still fits
constraint-changed    yes      yes       a ``multipleOf`` neither finer nor coarser: both
branch-added          no       yes       a ``oneOf``/``anyOf`` branch: request: one more shape
                                         the client may send; response: a value of the new
                                         branch matches none the client knows (a generated
                                         union, an exhaustive match) and fails to parse
branch-removed        yes      no        request: the client may send the removed shape;
                                         response: handling for it becomes dead code
====================  =======  ========  ==========================================================

Branches of a ``oneOf`` or ``anyOf`` are compared pair by pair (:mod:`generator.diff.unions`):
paired by ``$ref`` name, then by discriminator value (the ``mapping``, or the ``const``/``enum``
of the tag property), then inline branches by position. A change inside a branch names it in its
message, e.g. ``property 'name' of oneOf branch 'Cat' (by $ref)``, and points into it. A
``oneOf`` is compared with an ``anyOf`` only when each schema has one union; a ``{type: "null"}``
branch makes the schema nullable (``made-nullable``) rather than a branch. Constraints are read as
the values they allow (:mod:`generator.diff.constraints`): 3.0's boolean ``exclusiveMinimum`` and
3.1's numeric one write the same bound.

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

Not compared (yet): a schema becoming a union of itself and more (``Cat`` to ``oneOf: [Cat, Dog]``
reads as a changed type), a discriminator's ``propertyName`` or ``mapping`` changing on its own,
``not``, ``if``/``then``/``else``, ``additionalProperties``, response headers, callbacks and
webhooks, ``servers`` of path items and operations, ``deprecated``, OAuth flows.

Each change names its JSON pointer in each version (``None`` where the thing does not exist) and
the line when the pointer is written in the file; a pointer into another file of the spec is
written ``file.yaml#/pointer``. A change in a schema shared by several places is reported once,
where it is first met (each pair of schemas is compared once: the work stays linear in the size
of the specs); other changes met in several places (a shared parameter, the root's security) are
reported once with the number of other places.

Here are the rules and the report's data; :mod:`generator.diff.revisions` reads each version,
:mod:`generator.diff.compare` (with :mod:`generator.diff.schemas`) finds the changes, and
:mod:`generator.diff.render` writes the report as text, JSON or Markdown.
"""

from __future__ import annotations

from dataclasses import dataclass

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
    "constraint-tightened": (True, False),
    "constraint-loosened": (False, True),
    "constraint-changed": (True, True),
    "branch-added": (False, True),
    "branch-removed": (True, False),
}
for _rule, (_in_request, _in_response) in _SCHEMA_RULES.items():
    RULES[f"parameter-{_rule}"] = _in_request
    RULES[f"request-property-{_rule}"] = _in_request
    RULES[f"response-property-{_rule}"] = _in_response


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
