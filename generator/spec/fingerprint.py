"""What a spec's files are, as short texts: to tell that a spec is unchanged without parsing it.

Whatever specgen made from a spec stays right while every file the spec named is as it was when
read: its root file, and every file its ``$ref``s named, loaded or not (a file that appears turns a
``ref-resolves`` finding into a schema). A file's *state* says where it leads once links are
followed, and the SHA-256 of its bytes; or, for a file specgen does not read (missing, outside the
spec's folder, not a regular file, too large), why not. Equal states mean the same bytes at the
same place.

:func:`read_states` gives the states of a loaded spec's files as they were read (from the digests
loading took of the bytes it parsed), so a result is always recorded with the bytes it was made
from, whatever changed since; :func:`file_state` gives a file's state now. Reading follows the
rules of loading (:func:`generator.spec.loading.read_bytes`): nothing outside the spec's folder,
no special file, never more than ``max_spec_bytes``.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from generator.errors import LoadError
from generator.spec.limits import DEFAULT_LIMITS, SpecLimits
from generator.spec.loading import read_bytes
from generator.spec.refs import LoadedSpec

#: How the state of a file specgen does not read begins.
NOT_READ = "not read: "


def file_state(path: Path, folder: Path, limits: SpecLimits = DEFAULT_LIMITS) -> str:
    """What ``path`` is now: ``"<sha256> <real path>"``, or why it is not read (:data:`NOT_READ`).

    ``folder`` is the spec's folder (:func:`spec_folder`): nothing outside it is read.
    """
    try:
        real = Path(os.path.realpath(path))
    except (OSError, ValueError) as exc:
        return f"{NOT_READ}{exc}"
    if not real.is_relative_to(folder):
        return f"{NOT_READ}outside the folder: {real}"
    try:
        data = read_bytes(real, limits)
    except LoadError as exc:
        return f"{NOT_READ}{exc}"
    return _state(hashlib.sha256(data).hexdigest(), real)


def read_states(spec: LoadedSpec) -> dict[Path, str] | None:
    """The state of the root file and of every file ``spec``'s ``$ref``s named, as it was read.

    None when a file that was not read is readable now: it appeared while the spec was used, and
    what was made from it may be of either version.
    """
    states: dict[Path, str] = {}
    for name in [spec.root.path, *sorted(spec.named_files, key=str)]:
        real = Path(os.path.realpath(name))
        digest = spec.digests.get(real)
        if digest is not None:
            states[name] = _state(digest, real)
            continue
        now = file_state(name, spec.folder, spec.limits)
        if not now.startswith(NOT_READ):
            return None
        states[name] = now
    return states


def spec_folder(path: Path) -> Path:
    """The folder of the spec at ``path``, resolved, as loading jails it (``LoadedSpec.folder``)."""
    return path.resolve().parent


def _state(digest: str, real: Path) -> str:
    return f"{digest} {real}"
