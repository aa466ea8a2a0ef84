"""A whole spec: its root file and every local file its ``$ref``s reach, found and counted.

What is read is bounded: every ``$ref`` is resolved through the jail of
:class:`~generator.spec.refs.LoadedSpec` (the spec's folder, never the network), and the named schemas
of all the files together are counted against :attr:`~generator.spec.limits.SpecLimits.max_schemas`.
A ``$ref`` inside data (an example, a default) is text, not a reference: the navigator says which
members hold data.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from generator.errors import LoadError
from generator.spec import pointer as jp
from generator.spec.document import Document
from generator.spec.findings import Severity
from generator.spec.limits import DEFAULT_LIMITS, SpecLimits
from generator.spec.loading import load_document
from generator.spec.navigator import holds_data
from generator.spec.refs import LoadedSpec, Ref, RefError


def iter_refs(document: Document) -> Iterator[Ref]:
    """Every ``$ref`` written in ``document``, skipping literal data such as examples."""
    # Only objects and arrays are visited: a scalar holds no $ref (and needs no pointer spelled).
    stack: list[tuple[str, Any]] = [("", document.data)]
    while stack:
        pointer, node = stack.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str):
                yield Ref(document, pointer, ref)
            for child_key, child in node.items():
                if isinstance(child, (dict, list)) and not holds_data(pointer, child_key, child):
                    stack.append((jp.join(pointer, child_key), child))
        elif isinstance(node, list):
            for index, child in enumerate(node):
                if isinstance(child, (dict, list)):
                    stack.append((f"{pointer}/{index}", child))


def load_spec(path: Path, limits: SpecLimits = DEFAULT_LIMITS) -> LoadedSpec:
    """Load the spec at ``path`` and every local document its ``$ref``s reach.

    The root file must load (else :class:`LoadError`, exit 2); a ``$ref`` that cannot be followed
    becomes a finding in :attr:`LoadedSpec.problems` so the rest of the spec is still checked.
    More named schemas than ``limits`` allow is a :class:`LoadError` too.
    """
    digests: dict[Path, str] = {}
    spec = LoadedSpec(load_document(path, limits, digests), limits)
    spec.digests.update(digests)
    pending = [spec.root]
    # One document per file (LoadedSpec keeps them by real path): each is met as itself.
    seen = {id(spec.root)}
    while pending:
        document = pending.pop()
        for ref in iter_refs(document):
            spec.refs.append(ref)
            try:
                target = spec.resolve(document, ref.value)
            except RefError as exc:
                spec.problems.append(
                    spec.finding(
                        exc.rule,
                        Severity.ERROR,
                        exc.message,
                        document,
                        jp.join(ref.pointer, "$ref"),
                    )
                )
                continue
            if id(target.document) not in seen:
                seen.add(id(target.document))
                pending.append(target.document)
    spec.refs.sort(key=lambda r: (str(r.document.path), r.pointer))
    _count_schemas(spec)
    return spec


#: Members of these keys are named schemas (OpenAPI components, JSON Schema definitions).
_SCHEMA_MAPS = ("schemas", "$defs", "definitions")


def _count_schemas(spec: LoadedSpec) -> None:
    """Refuse a spec with more named schemas than :attr:`SpecLimits.max_schemas`, at the one too many."""
    count = 0
    for document in spec.documents.values():
        stack: list[tuple[str, Any]] = [("", document.data)]
        while stack:
            pointer, node = stack.pop()
            if isinstance(node, dict):
                for key, value in node.items():
                    if key in _SCHEMA_MAPS and isinstance(value, dict):
                        count += len(value)
                        if count > spec.limits.max_schemas:
                            pos = document.position(jp.join(pointer, key))
                            raise LoadError(
                                f"more than {spec.limits.max_schemas} named schemas"
                                " (--max-schemas)",
                                document.path,
                                pos.line,
                                pos.col,
                            )
                    if isinstance(value, (dict, list)) and not holds_data(pointer, key, value):
                        stack.append((jp.join(pointer, key), value))
            elif isinstance(node, list):
                stack.extend(
                    (f"{pointer}/{i}", v) for i, v in enumerate(node) if isinstance(v, (dict, list))
                )
