"""Round trips on real specs: the bounded subset of the corpus every test run covers (slow).

The specs of ``tests/corpus/test_corpus_specs.py``'s subset (ten sample specs and Stripe) go through
``tests/roundtrip/runner.py`` (see ``tests/roundtrip/test_roundtrip.py``): every body kind (JSON,
forms read back off the wire, multipart, text, bytes) and parameter style. The ten small specs are
called through ``Client`` and ``AsyncClient``, Stripe (452 operations) through ``Client``.
:data:`FAILURES` is what fails today, per spec: each failure class and how many operations fail
with it; :data:`UNBUILDABLE` the operations no valid instance could be built for. Both are exact,
so a fix (fewer failures), a regression (a new class, more operations) or a builder change fails
the test until the table says so. ``benchmarks/bench_roundtrip.py`` runs GitHub and the whole
sample too.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks import corpus
from tests.corpus.test_corpus_specs import SAMPLE_HEAD, STRIPE
from tests.roundtrip.runner import run_spec

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]

#: Specs of the subset specgen refuses to generate (their validation errors are
#: tests/corpus' business): no client, nothing to round-trip.
REFUSED: frozenset[str] = frozenset()

#: Per spec: failure class -> operations failing with it today. Empty: every operation of the
#: subset (Stripe included) round-trips.
FAILURES: dict[str, dict[str, int]] = {}

#: Per spec: operations for which no valid instance could be built.
UNBUILDABLE: dict[str, set[str]] = {}


@pytest.mark.parametrize("name", [*SAMPLE_HEAD, STRIPE])
def test_a_sample_spec_round_trips_as_listed(corpus_root: Path, name: str, tmp_path: Path) -> None:
    clients = ("Client",) if name == STRIPE else ("Client", "AsyncClient")
    result = run_spec(
        corpus.directory_api(corpus_root) / name, tmp_path, name=name, clients=clients
    )

    if name in REFUSED:
        assert result.refused, "the spec generates now: take it out of REFUSED"
        return
    assert not result.refused, result.refused
    assert dict(result.failure_classes()) == FAILURES.get(name, {}), result.summary()
    assert set(result.unbuildable()) == UNBUILDABLE.get(name, set()), result.summary()
