"""Re-record every golden output: ``python -m tests.golden.record`` (then review the diff)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from tests.golden.cases import CASES, OUTPUTS, run


def main() -> None:
    """Write ``tests/golden/outputs/<case>.txt`` for every case, removing outputs of gone cases."""
    OUTPUTS.mkdir(exist_ok=True)
    wanted = {f"{case.name}.txt" for case in CASES}
    for stale in OUTPUTS.glob("*.txt"):
        if stale.name not in wanted:
            stale.unlink()
    for case in CASES:
        with tempfile.TemporaryDirectory() as out:
            text = run(case, Path(out))
        (OUTPUTS / f"{case.name}.txt").write_text(text, encoding="utf-8")
        print(case.name)


if __name__ == "__main__":
    main()
