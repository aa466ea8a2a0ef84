"""What one spec may cost to read: every limit in one place, each with its ``--max-...`` flag.

Specs are untrusted input. Each limit is checked before the work it bounds, by the module doing that
work; the commands that read specs offer a flag per limit (:meth:`SpecLimits.flags`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, fields


@dataclass(frozen=True)
class SpecLimits:
    """What one spec may cost to read; each has a ``--max-...`` flag on the commands that read specs.

    The defaults are far above any hand-written or published spec (GitHub's REST description, one of
    the largest, is 13 MB with about 900 component schemas) and far below what hurts a CI machine.
    """

    #: Largest file read, in bytes (checked before reading).
    max_spec_bytes: int = field(
        default=50 * 1024 * 1024, metadata={"help": "largest spec file read, in bytes"}
    )
    #: Bytes of scalar text that YAML aliases may add when expanded (checked before building).
    max_alias_bytes: int = field(
        default=32 * 1024 * 1024,
        metadata={"help": "bytes of text YAML aliases may add when expanded"},
    )
    #: Values that YAML aliases may add when expanded: real specs share a few blocks.
    max_alias_values: int = field(
        default=500_000, metadata={"help": "values YAML aliases may add when expanded"}
    )
    #: How deep collections may nest (checked while parsing, before any parser's own limit).
    max_depth: int = field(default=256, metadata={"help": "how deep collections may nest"})
    #: Named schemas (``components/schemas``, ``$defs``, ``definitions``) over all of a spec's files.
    max_schemas: int = field(
        default=20_000, metadata={"help": "named schemas over all of a spec's files"}
    )

    #: Values ``bundle`` may copy by inlining references into other files (which can fan out).
    max_inlined_values: int = field(
        default=1_000_000,
        metadata={"help": "values bundle may copy by inlining references to other files"},
    )

    @staticmethod
    def flags() -> Iterator[tuple[str, str, int, str]]:
        """(flag, field name, default, help) for each limit: ``--max-spec-bytes`` and so on."""
        for limit in fields(SpecLimits):
            flag = "--" + limit.name.replace("_", "-")
            yield flag, limit.name, limit.default, str(limit.metadata["help"])  # type: ignore[misc]


DEFAULT_LIMITS = SpecLimits()


def too_deep(limits: SpecLimits) -> str:
    """The message for nesting past :attr:`SpecLimits.max_depth`, the same from every parser."""
    return f"nesting deeper than {limits.max_depth} levels (--max-depth)"
