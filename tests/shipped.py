"""The shipped specs, loaded (and their validators compiled) once per test session."""

from __future__ import annotations

from generator.check.conformance import Conformance
from generator.spec.reading import load_spec
from generator.spec.refs import LoadedSpec
from tests.paths import SPECS

_loaded: dict[str, LoadedSpec] = {}
_conformance: dict[str, Conformance] = {}


def shipped_spec(name: str) -> LoadedSpec:
    """The shipped spec ``specs/<name>.yaml``, loaded once per test session."""
    if name not in _loaded:
        _loaded[name] = load_spec(SPECS / f"{name}.yaml")
    return _loaded[name]


def shipped_conformance(name: str) -> Conformance:
    """A :class:`Conformance` for a shipped spec, shared so validators compile once."""
    if name not in _conformance:
        _conformance[name] = Conformance(shipped_spec(name))
    return _conformance[name]
