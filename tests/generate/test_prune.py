"""Rendered modules keep only the private helpers something uses."""

from __future__ import annotations

import textwrap

from generator.generate.prune import prune_unused


def module(text: str) -> str:
    return textwrap.dedent(text).lstrip()


def test_a_helper_nothing_calls_is_left_out_with_its_comment() -> None:
    source = module(
        """
        import decimal

        #: Kinds sent as text.
        _TEXT = (str, decimal.Decimal)


        def _unused(value: object) -> bool:
            return isinstance(value, _TEXT)


        def _used() -> int:
            return 1


        def public() -> int:
            return _used()
        """
    )
    pruned = prune_unused(source)
    assert "_unused" not in pruned
    assert "_TEXT" not in pruned and "Kinds sent as text" not in pruned, (
        "a constant only a removed helper used goes too"
    )
    assert "def _used" in pruned and "def public" in pruned
    compile(pruned, "pruned.py", "exec")


def test_a_helper_that_only_calls_itself_is_unused() -> None:
    source = module(
        """
        def _walk(value: object) -> object:
            return [_walk(item) for item in value] if isinstance(value, list) else value
        """
    )
    assert "_walk" not in prune_unused(source)


def test_names_read_in_annotations_and_decorators_keep_their_helpers() -> None:
    source = module(
        """
        import functools

        _Pairs = list[tuple[str, str]]


        def _cache(function: object) -> object:
            return function


        @_cache
        def send(pairs: _Pairs) -> None:
            pass
        """
    )
    assert prune_unused(source) == source


def test_public_names_and_dunders_are_never_removed() -> None:
    source = module(
        """
        __all__ = ["Client"]
        DEFAULT_TIMEOUT = 30.0


        class Client:
            pass
        """
    )
    assert prune_unused(source) == source


def test_a_module_that_does_not_parse_is_left_for_the_code_gate() -> None:
    assert prune_unused("def _x(:\n") == "def _x(:\n"
