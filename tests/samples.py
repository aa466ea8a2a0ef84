"""Reading the conformance samples in ``tests/samples/<api>/*.yaml``.

Each file holds the samples for one response (operation, status, media type): a ``base`` payload (an
example of the spec by name, or a literal ``value``), ``valid`` cases that must pass and ``invalid`` cases
that must fail. A case changes the base with ``set`` (JSON pointer to new value; ``""`` replaces the
whole payload) and ``remove`` (pointers to delete), so each case reads as "the page's payload, except
this". Invalid cases list what must be reported, as ``{at: <pointer into the payload>, keyword: <JSON
Schema keyword>}``, and nothing else may be.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from generator.check.conformance import Conformance
from generator.spec import pointer as jp


@dataclass(frozen=True)
class Sample:
    """One payload to check, and what checking it must report (nothing, for valid samples)."""

    api: str
    file: Path
    name: str
    operation: str
    status: str
    media_type: str
    payload: Any
    expected: frozenset[tuple[str, str]] | None  # None: must be valid

    @property
    def id(self) -> str:
        return f"{self.api}/{self.operation}/{self.status}: {self.name}"


def load_samples(folder: Path, conformance: dict[str, Conformance]) -> list[Sample]:
    """Every sample under ``folder`` (one sub-folder per API, named like its spec)."""
    samples: list[Sample] = []
    for file in sorted(folder.glob("*/*.yaml")):
        api = file.parent.name
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
        base = _base(data["base"], conformance[api], data)
        common = {
            "api": api,
            "file": file,
            "operation": data["operation"],
            "status": str(data["status"]),
            "media_type": data.get("media_type", "application/json"),
        }
        for case in data.get("valid", []):
            samples.append(
                Sample(name=case["name"], payload=_apply(base, case), expected=None, **common)
            )
        for case in data.get("invalid", []):
            expected = frozenset((e["at"], e["keyword"]) for e in case["expect"])
            if not expected:
                raise ValueError(f"{file}: invalid case {case['name']!r} expects nothing")
            samples.append(
                Sample(name=case["name"], payload=_apply(base, case), expected=expected, **common)
            )
    return samples


def _base(base: dict[str, Any], conformance: Conformance, data: dict[str, Any]) -> Any:
    if "value" in base:
        return base["value"]
    operation = conformance.operations[data["operation"]]
    media = data.get("media_type", "application/json")
    pointer = jp.join(operation.pointer, "responses", str(data["status"]), "content", media)
    examples = jp.resolve(operation.document.data, jp.join(pointer, "examples"))
    return examples[base["example"]]["value"]


def _apply(base: Any, case: dict[str, Any]) -> Any:
    payload = copy.deepcopy(base)
    for pointer in case.get("remove", []):
        parent = jp.resolve(payload, jp.parent(pointer))
        token = jp.split(pointer)[-1]
        if isinstance(parent, list):
            del parent[int(token)]
        else:
            del parent[token]
    for pointer, value in (case.get("set") or {}).items():
        if pointer == "":
            payload = copy.deepcopy(value)
            continue
        parent = jp.resolve(payload, jp.parent(pointer))
        token = jp.split(pointer)[-1]
        if isinstance(parent, list):
            parent[int(token)] = value
        else:
            parent[token] = value
    return payload
