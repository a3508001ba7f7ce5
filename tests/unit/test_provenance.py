"""Provenance: the code identity changes with any byte of the package and tells a modified checkout."""

from __future__ import annotations

import hashlib
import shutil
import subprocess

import pytest

from gradesim import provenance


def _tree(tmp_path):
    root = tmp_path / "pkg"
    (root / "sub").mkdir(parents=True)
    (root / "__init__.py").write_text("x = 1\n")
    (root / "sub" / "data.toml").write_text("a = 2\n")
    (root / "sub" / "__pycache__").mkdir()
    (root / "sub" / "__pycache__" / "m.cpython-311.pyc").write_bytes(b"\0junk")
    (root / "notes.md").write_text("not a source file\n")
    return root


def test_file_sha256_matches_hashlib(tmp_path):
    p = tmp_path / "f.bin"
    data = bytes(range(256)) * 5000
    p.write_bytes(data)
    assert provenance.file_sha256(p) == hashlib.sha256(data).hexdigest()


def test_package_hash_is_the_documented_digest(tmp_path):
    root = _tree(tmp_path)
    h = hashlib.sha256()
    for rel in ("__init__.py", "sub/data.toml"):  # sorted, bytecode and prose left out
        data = (root / rel).read_bytes()
        h.update(len(rel).to_bytes(8, "little") + rel.encode() + len(data).to_bytes(8, "little") + data)
    assert provenance.package_sha256(root) == h.hexdigest()


def test_package_hash_changes_with_one_byte_and_with_a_rename(tmp_path):
    root = _tree(tmp_path)
    before = provenance.package_sha256(root)
    (root / "sub" / "data.toml").write_text("a = 3\n")
    changed = provenance.package_sha256(root)
    assert changed != before
    (root / "sub" / "data.toml").rename(root / "sub" / "datb.toml")
    assert provenance.package_sha256(root) not in (before, changed)
    (root / "sub" / "__pycache__" / "other.pyc").write_bytes(b"x")  # caches do not count
    assert provenance.package_sha256(root) == provenance.package_sha256(root)


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_git_state_reports_commit_and_modification(tmp_path):
    root = _tree(tmp_path)

    def git(*args):
        return subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, text=True).stdout.strip()

    git("init", "-q")
    git("add", ".")
    git("-c", "user.name=t", "-c", "user.email=t@e", "commit", "-qm", "x")
    state = provenance.git_state(root)
    assert state == {"commit": git("rev-parse", "HEAD"), "modified": False}
    (root / "__init__.py").write_text("x = 2\n")
    assert provenance.git_state(root)["modified"] is True


def test_git_state_outside_a_checkout_is_none(tmp_path):
    root = _tree(tmp_path)
    assert provenance.git_state(root) is None  # pytest's tmp folders are outside any repository


def test_code_identity_of_this_process():
    ident = provenance.code_identity()
    assert len(ident["package_sha256"]) == 64
    assert ident["package_sha256"] == provenance.package_sha256()
    deps = ident["dependencies"]
    assert deps["python"].split()[0].count(".") == 2
    for name in ("numpy", "numba", "pint", "pydantic"):
        assert deps[name] != "not installed"
    stamp = provenance.short_code_id()
    assert stamp.startswith(f"gradesim {ident['version']} (")
