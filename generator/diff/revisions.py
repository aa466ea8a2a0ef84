"""Reading a version of a spec: a file as it is, or ``PATH@REV`` from a git revision."""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import unquote

from generator.errors import LoadError
from generator.spec.limits import DEFAULT_LIMITS, SpecLimits
from generator.spec.loading import load_document
from generator.spec.reading import iter_refs, load_spec
from generator.spec.refs import LoadedSpec

_URI_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def load_version(ref: str, limits: SpecLimits = DEFAULT_LIMITS) -> LoadedSpec:
    """Load a spec given as a path, or as ``PATH@REV`` to read it from a git revision.

    For ``PATH@REV`` the file, and the files its ``$ref``s reach, are taken from that revision into
    a temporary folder mirroring the repository, loaded, and the folder removed. A path that exists
    as written wins over the ``PATH@REV`` reading (a file may have ``@`` in its name). Raises
    :class:`LoadError` naming ``ref`` for a missing file, an unknown revision or no git.
    """
    revision = _revision(ref)
    if revision is None:
        return load_spec(Path(ref), limits)
    path_text, rev = revision
    if not path_text or not rev:
        raise LoadError("expected PATH@REV with both a path and a revision", ref)
    if rev.startswith("-"):
        # Never let a revision be read as an option by git.
        raise LoadError(f"not a revision: {rev!r}", ref)
    return _load_at_revision(Path(path_text), rev, ref, limits)


def _revision(ref: str) -> tuple[str, str] | None:
    """``(PATH, REV)`` when ``ref`` is read from git, None when it is a file as it is."""
    if "@" not in ref or Path(ref).exists():
        return None
    path_text, rev = ref.rsplit("@", 1)
    return path_text, rev


def shown_as(ref: str, spec: LoadedSpec, path: Path) -> Path:
    """A file of ``spec`` (read by :func:`load_version` from ``ref``) named as the user knows it.

    A file read from a revision lived in a temporary folder: it is named ``PATH@REV`` for the root
    file, and by its place next to PATH (``specs/schemas.yaml@REV``) for the others.
    """
    revision = _revision(ref)
    if revision is None:
        return path
    path_text, rev = revision
    try:
        relative = path.resolve().relative_to(spec.folder)
    except ValueError:
        return path
    return Path(path_text).parent / f"{relative.as_posix()}@{rev}"


def _git(cwd: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)


def _load_at_revision(path: Path, rev: str, ref: str, limits: SpecLimits) -> LoadedSpec:
    absolute = Path.cwd() / path
    start = absolute.parent
    # The file (even its folder) may be gone from the working tree and still be at the revision.
    while not start.is_dir() and start != start.parent:
        start = start.parent
    try:
        toplevel = _git(start, "rev-parse", "--show-toplevel")
    except OSError as exc:
        raise LoadError(
            f"git is not available to read the revision ({exc.strerror or exc})", ref
        ) from None
    if toplevel.returncode != 0:
        reason = _git_reason(toplevel)
        if "not a git repository" in reason:
            reason = f"{_display(start)} is not inside a git repository"
        raise LoadError(reason, ref)
    top = Path(toplevel.stdout.decode().strip()).resolve()
    try:
        relative = (absolute.parent.resolve() / absolute.name).relative_to(top)
    except ValueError:
        raise LoadError(f"the file is outside the git repository {top}", ref) from None
    verified = _git(top, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}")
    if verified.returncode != 0:
        raise LoadError(f"unknown revision {rev!r}", ref)
    commit = verified.stdout.decode().strip()
    root_text = _git(top, "show", f"{commit}:{relative.as_posix()}")
    if root_text.returncode != 0:
        raise LoadError(f"no file {relative.as_posix()} at revision {rev!r}", ref)
    with tempfile.TemporaryDirectory(prefix="specgen-diff-") as tmp:
        mirror = Path(tmp)
        root = mirror / relative
        root.parent.mkdir(parents=True, exist_ok=True)
        root.write_bytes(root_text.stdout)
        _fetch_referenced(top, commit, mirror, root, limits)
        try:
            # Every document is parsed now, so nothing is read from the folder once it is gone.
            return load_spec(root, limits)
        except LoadError as exc:
            raise LoadError(exc.message, ref, exc.line, exc.col) from None


def _git_reason(result: subprocess.CompletedProcess[bytes]) -> str:
    """Git's own one-line reason for a failure (e.g. a repository owned by another user)."""
    lines = result.stderr.decode(errors="replace").strip().splitlines()
    reason = lines[0] if lines else f"git exited with status {result.returncode}"
    return reason.removeprefix("fatal: ")


def _fetch_referenced(top: Path, commit: str, mirror: Path, root: Path, limits: SpecLimits) -> None:
    """Copy from ``commit`` into ``mirror`` every file the ``$ref``s reachable from ``root`` name.

    Only files inside the spec's folder are copied, as only those are ever read (see refs.py); a
    file missing at the revision is left out, and loading reports the ``$ref`` as unresolved.
    """
    folder = root.parent
    pending = [root]
    seen = {root}
    while pending:
        current = pending.pop()
        try:
            document = load_document(current, limits)
        except LoadError:
            continue  # the root's own error is raised by load_spec; others become findings there
        for ref in iter_refs(document):
            file_part = ref.value.partition("#")[0]
            if not file_part or _URI_SCHEME.match(file_part) or file_part.startswith("//"):
                continue
            target = Path(os.path.normpath(current.parent / unquote(file_part)))
            if target in seen or not target.is_relative_to(folder):
                continue
            seen.add(target)
            shown = _git(top, "show", f"{commit}:{target.relative_to(mirror).as_posix()}")
            if shown.returncode == 0:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(shown.stdout)
                pending.append(target)


def _display(path: Path) -> str:
    """A folder or file as a user should see it (relative to the working directory when inside)."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve())) or "."
    except ValueError:
        return str(path)
