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
