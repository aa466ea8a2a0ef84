"""pytest hooks for the whole suite; shared helpers live in named modules beside it.

``tests/paths.py`` (where things are), ``tests/shipped.py`` (the shipped specs, loaded once),
``tests/specs.py`` (specs tests write), ``tests/commands.py`` (the CLI as a user runs it).
"""

from __future__ import annotations

import pytest

from tests.limits import limit_memory


def pytest_configure(config: pytest.Config) -> None:
    # A memory bomb must fail its test, not the machine: see tests/limits.py.
    limit_memory()


@pytest.fixture(autouse=True)
def _own_cache(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Each test's specgen runs keep their cache in a folder of their own, never in the user's
    home, and start with it empty: no test sees results another one made."""
    monkeypatch.setenv("SPECGEN_CACHE_DIR", str(tmp_path_factory.mktemp("specgen-cache")))
