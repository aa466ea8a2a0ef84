"""Does a response payload fit what an operation documents for its status and media type?

:class:`Conformance` is the one answer to "which schema is this response checked against" (status
exactly, then its range, then ``default``; media type exactly, then ``type/*``, then ``*/*``), used
by the library API and by the recording checker alike; the schemas are compiled by
:class:`generator.spec.validators.SchemaValidators`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from generator.spec import pointer as jp
from generator.spec.document import Document
from generator.spec.navigator import (
    NoResponse,
    Operation,
    declared_status,
    media_type_key,
    operations,
    response,
)
from generator.spec.refs import LoadedSpec, RefError
from generator.spec.validators import (
    DEFAULT_REGEX_LIMIT,
    ConformanceError,
    SchemaValidators,
    Violation,
)


class UnknownOperation(ConformanceError):
    """No operation of the spec has the operationId asked for."""


class UndeclaredStatus(ConformanceError):
    """The operation declares no response for this status (nor a range or ``default`` covering it)."""

    def __init__(self, operation_id: str, status: str, declared: tuple[str, ...] | None) -> None:
        listed = "none" if declared is None else ", ".join(declared)
        super().__init__(f"{operation_id}: status {status} is not declared (declared: {listed})")
        self.operation_id, self.status = operation_id, status
        #: The statuses the operation declares; None when its ``responses`` is not an object.
        self.declared = declared

    def __reduce__(self) -> tuple[type[ConformanceError], tuple[Any, ...]]:
        return (UndeclaredStatus, (self.operation_id, self.status, self.declared))


class UndeclaredMediaType(ConformanceError):
    """The response declares no content for this media type."""


@dataclass(frozen=True)
class DeclaredResponse:
    """The response an operation declares for a status (see :meth:`Conformance.response`).

    This is the one answer to "which schema is this response checked against": the library's
    :meth:`Conformance.check_response` and the recording checker both ask it.
    """

    #: The key of ``responses`` that answered: the status itself, its range (``4XX``) or ``default``.
    status_key: str
    #: Where the Response Object is written, ``$ref``s followed.
    document: Document
    pointer: str
    #: The declared media types (empty when the response declares no body).
    content: dict[str, Any] = field(default_factory=dict)

    def media_key(self, media_type: str) -> str | None:
        """The declared media type serving ``media_type``: exact, then ``type/*``, then ``*/*``."""
        return media_type_key(self.content, media_type)

    def schema(self, media_key: str) -> tuple[Document, str] | None:
        """Where the schema of a declared media type is written; None when it declares none (then
        any payload fits)."""
        media = self.content.get(media_key)
        if not isinstance(media, dict) or "schema" not in media:
            return None
        return self.document, jp.join(self.pointer, "content", media_key, "schema")


class Conformance:
    """Checks response payloads against one spec; validators are compiled once and reused."""

    def __init__(self, spec: LoadedSpec, regex_limit: int = DEFAULT_REGEX_LIMIT) -> None:
        self.spec = spec
        # Read as a response sees them: writeOnly properties are neither required nor allowed.
        self.schemas = SchemaValidators(spec, regex_limit, direction="response")
        found = operations(spec)
        # By name: the operationId, or `GET /path` for an operation without one (each may also be
        # asked for by `GET /path`; an operationId spelled like one wins).
        self.operations = {op.label: op for op in found} | {op.name: op for op in found}
        self._schema_for: dict[tuple[str, str, str], tuple[Document, str] | None] = {}

    def check_response(
        self,
        operation_id: str,
        status: int | str,
        payload: Any,
        media_type: str = "application/json",
    ) -> list[Violation]:
        """Every way ``payload`` breaks the schema the spec declares for this response.

        ``operation_id`` names the operation: its operationId, or ``GET /path`` (the method and
        path template, as the spec writes it) for any operation, with or without one.

        ``status`` is matched exactly, then by range (``4XX``), then by ``default``. A response that
        declares the media type but no schema accepts any payload. Raises :class:`UnknownOperation`,
        :class:`UndeclaredStatus` or :class:`UndeclaredMediaType` when there is nothing to check
        against.
        """
        key = (operation_id, str(status), media_type)
        if key not in self._schema_for:
            self._schema_for[key] = self._find_schema(operation_id, str(status), media_type)
        found = self._schema_for[key]
        if found is None:
            return []
        return self.schemas.violations(found[0], found[1], payload)

    def response(self, operation: Operation, status: str) -> DeclaredResponse:
        """The response ``operation`` declares for ``status``: exactly, then by range (``4XX``),
        then ``default``.

        Raises :class:`UndeclaredStatus` when none answers, :class:`ConformanceError` when the
        response's ``$ref`` does not resolve.
        """
        try:
            status_key = declared_status(operation.document, operation.pointer, status)
        except NoResponse as exc:
            raise UndeclaredStatus(operation.name, status, exc.declared) from None
        try:
            found = response(self.spec, operation.document, operation.pointer, status_key)
        except RefError as exc:
            raise ConformanceError(
                f"{operation.name} {status_key}: {exc.message}", exc.message
            ) from None
        value = found.value
        content = value.get("content") if isinstance(value, dict) else None
        return DeclaredResponse(
            status_key,
            found.document,
            found.pointer,
            content if isinstance(content, dict) else {},
        )

    def _find_schema(
        self, operation_id: str, status: str, media_type: str
    ) -> tuple[Document, str] | None:
        operation = self.operations.get(operation_id)
        if operation is None:
            known = ", ".join(sorted({op.name for op in self.operations.values()})) or "none"
            raise UnknownOperation(
                f"{self.spec.name}: no operation {operation_id!r} (operations: {known})"
            )
        response = self.response(operation, status)
        if not response.content:
            raise UndeclaredMediaType(
                f"{operation_id} {response.status_key}: the response declares no body"
            )
        media_key = response.media_key(media_type)
        if media_key is None:
            raise UndeclaredMediaType(
                f"{operation_id} {response.status_key}: {media_type} is not declared"
                f" (declared: {', '.join(response.content)})"
            )
        return response.schema(media_key)


def check_response(
    spec: LoadedSpec,
    operation_id: str,
    status: int | str,
    payload: Any,
    media_type: str = "application/json",
) -> list[Violation]:
    """One-off form of :meth:`Conformance.check_response`; keep a :class:`Conformance` for many."""
    return Conformance(spec).check_response(operation_id, status, payload, media_type)
