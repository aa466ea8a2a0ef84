"""Resource limits for the test run: a hang or a memory bomb fails its test instead of eating CI.

The per-test time limit is pytest-timeout's (``timeout`` in pyproject.toml). The memory limit is an
address-space limit (``RLIMIT_AS``) on the test process and every specgen process it starts, set as
the soft limit only, so the Node and Java tools the consumer and Prism tests run (whose runtimes
reserve large address ranges up front) can lift it for themselves.
"""

from __future__ import annotations

import resource

#: Address space a test may use: specgen on the shipped and hostile specs needs a few hundred MB.
MEMORY_LIMIT = 4 * 1024**3


def limit_memory(limit: int = MEMORY_LIMIT) -> None:
    """Cap this process's address space at ``limit`` bytes (soft limit; children inherit it)."""
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def lift_memory_limit() -> None:
    """For ``preexec_fn`` of runtimes that reserve address space up front (Node, the JVM)."""
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (hard, hard))
