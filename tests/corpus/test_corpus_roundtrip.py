"""Round trips on real specs: the bounded subset of the corpus every test run covers (slow).

The specs of ``tests/corpus/test_corpus_specs.py``'s subset (ten sample specs and Stripe) go through
``tests/roundtrip/runner.py`` (see ``tests/roundtrip/test_roundtrip.py``). :data:`FAILURES` is what fails today, per
spec: each failure class and how many operations fail with it; :data:`UNBUILDABLE` the operations no
valid instance could be built for. Both are exact, so a fix (fewer failures), a regression (a new
class, more operations) or a builder change fails the test until the table says so.
``benchmarks/bench_roundtrip.py`` runs GitHub and the whole sample too.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks import corpus
from tests.corpus.test_corpus_specs import SAMPLE_HEAD, STRIPE
from tests.roundtrip.checks import LOST_UNTYPED_EXTRA
from tests.roundtrip.runner import run_spec

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]

#: Specs of the subset specgen refuses to generate (their validation errors are
#: tests/corpus' business): no client, nothing to round-trip.
REFUSED: frozenset[str] = frozenset()

#: Per spec: failure class -> operations failing with it today. Every sample spec of the subset
#: round-trips whole.
FAILURES: dict[str, dict[str, int]] = {
    # `created` and other filters are `anyOf: [object, integer]`: the method's parameter is typed
    # `str`, so no valid value can be passed.
    "stripe.com.json": {
        LOST_UNTYPED_EXTRA: 396,
        "parameter type rejects a valid value: string_type": 55,
    },
}

#: Per spec: operations for which no valid instance could be built.
UNBUILDABLE: dict[str, set[str]] = {}


@pytest.mark.parametrize("name", [*SAMPLE_HEAD, STRIPE])
def test_a_sample_spec_round_trips_as_listed(corpus_root: Path, name: str, tmp_path: Path) -> None:
    result = run_spec(corpus.directory_api(corpus_root) / name, tmp_path, name=name)

    if name in REFUSED:
        assert result.refused, "the spec generates now: take it out of REFUSED"
        return
    assert not result.refused, result.refused
    assert dict(result.failure_classes()) == FAILURES.get(name, {}), result.summary()
    assert set(result.unbuildable()) == UNBUILDABLE.get(name, set()), result.summary()
