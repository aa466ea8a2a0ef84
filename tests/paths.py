"""Where the repository's own inputs are: the shipped specs and the sample payloads."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPECS = ROOT / "specs"
SAMPLES = Path(__file__).resolve().parent / "samples"
SPEC_NAMES = ("altostrat", "alteryx", "anon", "sitehost", "elasticpath")
