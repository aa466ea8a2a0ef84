"""The project's configuration: ``[tool.specgen]`` in ``pyproject.toml``, found above the working directory.

The search walks up from the working directory; the first ``pyproject.toml`` that has a
``[tool.specgen]`` table wins, and one without the table is passed over (as ruff passes over a
``pyproject.toml`` without ``[tool.ruff]``), so a sub-package's own ``pyproject.toml`` does not hide
the project's configuration. Paths in the table are relative to that file's folder, the project root,
and so are the defaults (``specs/``, ``generated/``) once a root is found; without one, everything
stays relative to the working directory. Flags on the command line override the file.

The configuration is trusted (it is the project's own), but it is still checked: an unknown key, a
wrong type or a file that is not TOML is a usage error naming the file and the key.
"""

from __future__ import annotations

import argparse
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from generator.errors import SpecgenError, display_path, shown

#: The name of the file searched for, in the working directory and each folder above it.
FILE_NAME = "pyproject.toml"
#: Bytes read of a ``pyproject.toml`` at most: a configuration is a few hundred bytes.
MAX_BYTES = 1 << 20
DEFAULT_SPECS = Path("specs")
DEFAULT_OUTPUT = Path("generated")

#: Where a value that nothing set comes from.
DEFAULT = "default"
#: Where a value given as a flag comes from.
COMMAND_LINE = "command line"

#: Keys of ``[tool.specgen]`` and ``[tool.specgen.check]`` (dotted), each with the type it must have.
KINDS: dict[str, str] = {
    "specs": "path list",
    "out": "path",
    "templates": "path",
    "strict": "bool",
    "check.baseline": "path",
    "check.ignore-unmatched": "bool",
    "check.jobs": "positive",
}
#: What each kind must be, as an error message says it.
_WANTED = {
    "path list": "a non-empty list of paths (strings)",
    "path": "a path (a string)",
    "bool": "true or false",
    "positive": "a whole number, 1 or more",
}

#: Per command: each key it takes from the configuration, and the argument (``args.<dest>``) it fills.
COMMANDS: dict[str, dict[str, str]] = {
    "validate": {"specs": "targets", "strict": "strict"},
    "generate": {"specs": "targets", "out": "out", "templates": "templates"},
    "bundle": {"specs": "targets"},
    "check": {
        "specs": "spec",
        "check.baseline": "baseline",
        "check.ignore-unmatched": "ignore_unmatched",
        "check.jobs": "jobs",
    },
    "config": {
        "specs": "targets",
        "out": "out",
        "templates": "templates",
        "strict": "strict",
        "check.baseline": "baseline",
        "check.ignore-unmatched": "ignore_unmatched",
        "check.jobs": "jobs",
    },
}


@dataclass(frozen=True)
class Project:
    """A ``pyproject.toml`` with a ``[tool.specgen]`` table: where it is, and the values it sets."""

    file: Path
    #: Dotted key (``check.jobs``) -> value, checked, paths made relative to the file's folder.
    values: dict[str, object]

    @property
    def root(self) -> Path:
        """The project root: the folder of the file, which its paths are relative to."""
        return self.file.parent


@dataclass(frozen=True)
class Setting:
    """One effective value and where it came from: the default, a ``pyproject.toml``, a flag."""

    value: object
    source: str


def find(start: Path) -> Project | None:
    """The configuration that applies in ``start``: the nearest ``pyproject.toml`` at or above it
    that has a ``[tool.specgen]`` table, read and checked; None when there is none."""
    for folder in (start, *start.parents):
        candidate = folder / FILE_NAME
        if not candidate.is_file():
            continue
        tool = _read(candidate).get("tool")
        if isinstance(tool, dict) and "specgen" in tool:
            return Project(candidate, _checked(candidate, tool["specgen"]))
    return None


def _read(file: Path) -> dict[str, object]:
    try:
        with file.open("rb") as stream:
            data = stream.read(MAX_BYTES + 1)
    except OSError as exc:
        raise SpecgenError(f"cannot read: {exc.strerror or exc}", file) from None
    if len(data) > MAX_BYTES:
        raise SpecgenError(f"larger than {MAX_BYTES:,} bytes; not read", file)
    try:
        return tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise SpecgenError("not UTF-8 text", file) from None
    except tomllib.TOMLDecodeError as exc:
        # tomllib puts the location in its message only: taken out, it becomes file:line:col.
        message = str(exc)
        at = re.search(r"\s*\(at line (\d+), column (\d+)\)", message)
        if at is None:
            raise SpecgenError(f"not valid TOML: {message}", file) from None
        text = message[: at.start()] + message[at.end() :]
        raise SpecgenError(
            f"not valid TOML: {text}", file, int(at.group(1)), int(at.group(2))
        ) from None


def _checked(file: Path, table: object) -> dict[str, object]:
    """The values of ``[tool.specgen]``, each key known and of its type, paths made absolute."""
    if not isinstance(table, dict):
        raise SpecgenError("[tool.specgen] must be a table", file)
    flat: dict[str, object] = {}
    for key, value in table.items():
        if key == "check":
            if not isinstance(value, dict):
                raise SpecgenError(
                    "[tool.specgen] 'check' must be a table ([tool.specgen.check])", file
                )
            flat.update((f"check.{inner}", item) for inner, item in value.items())
        else:
            flat[key] = value
    values: dict[str, object] = {}
    for key, value in flat.items():
        kind = KINDS.get(key)
        if kind is None:
            known = ", ".join(KINDS)
            raise SpecgenError(f"unknown key {key!r} in [tool.specgen] (known: {known})", file)
        converted = _CONVERT[kind](file.parent, value)
        if converted is None:
            raise SpecgenError(
                f"[tool.specgen] {key!r} must be {_WANTED[kind]}, not {_toml_type(value)}",
                file,
            )
        values[key] = converted
    return values


def _path(root: Path, value: object) -> Path | None:
    return root / value if isinstance(value, str) and value else None


def _paths(root: Path, value: object) -> list[Path] | None:
    if not isinstance(value, list) or not value:
        return None
    paths = [_path(root, item) for item in value]
    return None if None in paths else [p for p in paths if p is not None]


def _bool(_root: Path, value: object) -> bool | None:
    return value if isinstance(value, bool) else None


def _positive(_root: Path, value: object) -> int | None:
    # TOML's true is not a number here, although Python's bool is an int.
    if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
        return value
    return None


_CONVERT: dict[str, Callable[[Path, object], object]] = {
    "path list": _paths,
    "path": _path,
    "bool": _bool,
    "positive": _positive,
}


def _toml_type(value: object) -> str:
    """What a wrong value is, as a message says it: numbers and booleans as written, else a kind."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "a table" if isinstance(value, dict) else "a date or time"


def defaults(project: Project | None) -> dict[str, object]:
    """What each key is when neither the file nor a flag sets it: ``specs/`` and ``generated/``
    in the project root, or in the working directory when there is no configuration."""
    root = project.root if project is not None else None
    return {
        "specs": [root / DEFAULT_SPECS if root else DEFAULT_SPECS],
        "out": root / DEFAULT_OUTPUT if root else DEFAULT_OUTPUT,
        "templates": None,
        "strict": False,
        "check.baseline": None,
        "check.ignore-unmatched": False,
        "check.jobs": 1,
    }


def apply(args: argparse.Namespace, project: Project | None) -> dict[str, Setting]:
    """Fill the arguments of ``args.command`` that no flag gave from ``project``, else the default.

    A flag not given is None (or an empty list for specs): the parser leaves it so. Returns each
    key the command takes with its effective value and where that came from.
    """
    fallback = defaults(project)
    settings: dict[str, Setting] = {}
    for key, dest in COMMANDS.get(args.command, {}).items():
        given = getattr(args, dest)
        if key == "check.baseline" and getattr(args, "write_baseline", None) is not None:
            # --write-baseline records a baseline: the configured one to judge by does not apply.
            settings[key] = Setting(None, COMMAND_LINE)
            continue
        if given is not None and given != []:
            settings[key] = Setting(given, COMMAND_LINE)
        elif project is not None and key in project.values:
            settings[key] = Setting(project.values[key], display_path(project.file))
        else:
            settings[key] = Setting(fallback[key], DEFAULT)
        setattr(args, dest, settings[key].value)
    return settings


def describe(settings: dict[str, Setting], project: Project | None) -> list[str]:
    """``specgen config``'s lines: the file used, then ``key = value  (source)`` per key."""
    if project is None:
        lines = ["# no pyproject.toml with [tool.specgen]: paths are relative to this folder"]
    else:
        where, root = shown(display_path(project.file)), shown(str(project.root))
        lines = [f"# {where}: paths are relative to {root}"]
    for key, setting in settings.items():
        lines.append(f"{key} = {_shown(setting.value)}  ({shown(setting.source)})")
    return lines


def _shown(value: object) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_shown(item) for item in value) + "]"
    if isinstance(value, Path):
        return f'"{shown(display_path(value))}"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "(none)"
    return str(value)
