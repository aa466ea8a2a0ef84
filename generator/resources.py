"""Where specgen's own files are: the Jinja templates of generated code and of check reports."""

from __future__ import annotations

from pathlib import Path

from generator.errors import SpecgenError


def default_templates() -> Path:
    """The templates shipped with specgen: ``templates/`` of the checkout, or the installed copy."""
    package = Path(__file__).resolve().parent
    # An installed wheel places them inside the package, as ``generator/templates`` (see
    # pyproject.toml); a checkout (or an editable install) keeps them at the repository root.
    for candidate in (package / "templates", package.parent / "templates"):
        if (candidate / "python").is_dir():
            return candidate
    raise SpecgenError(f"specgen's templates are missing (looked in {package})")
