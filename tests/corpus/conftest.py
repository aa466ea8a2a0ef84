"""The corpus of real specs for the slow tests: found in the cache, fetched once, or skipped.

``SPECGEN_CORPUS_FETCH`` says what happens when the corpus (``benchmarks/corpus.py``) is not in its
cache folder (``.corpus/`` or ``$SPECGEN_CORPUS``) yet:

- unset: fetch it with npm (about 75 MB, once; later runs find it cached); without npm or the
  registry, skip the corpus tests, saying why;
- ``1``: fetch it, and fail the tests when that is impossible (for CI that must run them);
- ``0``: never fetch; skip the corpus tests.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from benchmarks import corpus


@pytest.fixture(scope="session")
def corpus_root() -> Path:
    """The cache folder holding the corpus, fetched into it first if need be."""
    root = corpus.corpus_root()
    if corpus.is_fetched(root):
        return root
    wanted = os.environ.get("SPECGEN_CORPUS_FETCH", "")
    if wanted == "0":
        pytest.skip(
            f"the corpus is not in {root} and SPECGEN_CORPUS_FETCH=0: run "
            "`python benchmarks/corpus.py fetch` to run the corpus tests"
        )
    try:
        return corpus.fetch(root, log=lambda _: None)
    except corpus.CorpusUnavailable as error:
        if wanted == "1":
            pytest.fail(f"SPECGEN_CORPUS_FETCH=1 but the corpus cannot be fetched: {error}")
        pytest.skip(f"the corpus is not in {root} and cannot be fetched: {error}")
