"""The user's cache (generator/usercache.py): what is kept comes back
exactly; nothing is read from a folder or a file someone else could have
written, nor from a damaged file; a family keeps its newest files."""

from __future__ import annotations

import os

import pytest

from generator import usercache
from generator.usercache import Folder


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    return tmp_path / "briefing"


def test_what_is_written_comes_back(cache):
    with Folder.open("sub") as folder:
        folder.write("a.bin", b"\x00contents")
        assert folder.read("a.bin") == b"\x00contents"
        assert folder.read("absent.bin") is None
    assert (cache / "sub").stat().st_mode & 0o777 == 0o700
    assert (cache / "sub" / "a.bin").stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize("how", ["damaged", "others may write it", "a link", "a directory", "too large"])
def test_a_file_is_not_read(cache, monkeypatch, tmp_path, how):
    with Folder.open() as folder:
        folder.write("a.bin", b"contents")
        path = cache / "a.bin"
        if how == "damaged":
            path.write_bytes(path.read_bytes()[:-1] + b"!")
        elif how == "others may write it":
            path.chmod(0o622)
        elif how == "a link":
            (tmp_path / "elsewhere").write_bytes(path.read_bytes())
            path.unlink()
            path.symlink_to(tmp_path / "elsewhere")
        elif how == "a directory":
            path.unlink()
            path.mkdir()
        else:
            monkeypatch.setattr(usercache, "LIMIT", 4)
        assert folder.read("a.bin") is None


def test_no_folder_others_may_write_to_nor_one_that_cannot_be_made(cache, tmp_path, monkeypatch):
    cache.mkdir(mode=0o700)
    (cache / "shared").mkdir()
    (cache / "shared").chmod(0o777)
    assert Folder.open("shared") is None
    (tmp_path / "file").write_text("not a directory")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "file"))
    assert Folder.open() is None


def test_a_family_keeps_its_newest_files_and_stale_temporaries_go(cache):
    with Folder.open() as folder:
        for i in range(5):
            folder.write(f"k-{i}.m", b"%d" % i, ("k-", ".m"), 3)
            os.utime(cache / f"k-{i}.m", ns=(i * 10**9, i * 10**9))
        folder.write("other.m", b"o", ("other", ".m"), 3)
        (cache / ".killed.1.tmp").write_bytes(b"x")
        os.utime(cache / ".killed.1.tmp", (0, 0))
        folder.write("k-5.m", b"5", ("k-", ".m"), 3)
        assert sorted(p.name for p in cache.iterdir()) == ["k-3.m", "k-4.m", "k-5.m", "other.m"]


def test_what_older_code_made_is_never_read(cache, monkeypatch):
    """Every marshal cache's key holds the package's code (segment.read_cache):
    a house glossary expanded by other code is parsed again, never loaded."""
    from generator import fingerprint
    from generator.chinese.segment import read_cache, write_cache

    write_cache("house-glossary", b"the file", ["made by this code"], "versions")
    assert read_cache("house-glossary", b"the file", "versions") == ["made by this code"]
    monkeypatch.setitem(fingerprint._CACHE, "generator", "another package digest")
    assert read_cache("house-glossary", b"the file", "versions") is None
