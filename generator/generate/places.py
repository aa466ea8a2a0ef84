"""Where a package's classes and methods come from in the spec: what the gate cites on a refusal.

:func:`generator.generate.codegate.check_generated` names the schema or operation behind code it
refuses. The IR (:class:`~generator.generate.ir.Api`) knows that, and so does a
:class:`PackagePlaces`, the few facts kept of it as data, so that a package read back from the cache
is checked, and its refusals located, exactly as a freshly rendered one, without rebuilding its IR.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from generator.generate.ir import Api, Source


class SchemaPlace(Protocol):
    """A model class and the schema it was made from."""

    @property
    def class_name(self) -> str: ...

    @property
    def source(self) -> Source: ...


class OperationPlace(Protocol):
    """A client method and the operation it was made from."""

    @property
    def name(self) -> str: ...

    @property
    def method_name(self) -> str: ...

    @property
    def source(self) -> Source: ...


class Places(Protocol):
    """A package's name, and where its model classes and client methods come from."""

    @property
    def name(self) -> str: ...

    @property
    def schemas(self) -> Sequence[SchemaPlace]: ...

    @property
    def operations(self) -> Sequence[OperationPlace]: ...


@dataclass(frozen=True)
class SchemaAt:
    class_name: str
    source: Source


@dataclass(frozen=True)
class OperationAt:
    name: str
    method_name: str
    source: Source


@dataclass(frozen=True)
class PackagePlaces:
    """:class:`Places` as plain data (what the cache keeps of an IR)."""

    name: str
    schemas: tuple[SchemaAt, ...]
    operations: tuple[OperationAt, ...]


def places_of(api: Api) -> PackagePlaces:
    """The places of ``api``'s package, and nothing else of it."""
    return PackagePlaces(
        api.name,
        tuple(SchemaAt(schema.class_name, schema.source) for schema in api.schemas),
        tuple(OperationAt(op.name, op.method_name, op.source) for op in api.operations),
    )
