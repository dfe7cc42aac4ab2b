"""The documentation: the site builds with warnings as errors; the gallery's examples run."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "docs" / "examples").glob("*.py"))


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.stem for e in EXAMPLES])
def test_gallery_examples_run(example, tmp_path):
    proc = subprocess.run(
        [sys.executable, str(example)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]


def test_every_example_is_in_the_gallery():
    gallery = (ROOT / "docs" / "gallery.md").read_text()
    assert EXAMPLES
    for example in EXAMPLES:
        assert f"examples/{example.name}" in gallery, example.name


def test_the_site_builds_without_warnings(tmp_path):
    source = tmp_path / "docs"
    shutil.copytree(ROOT / "docs", source, ignore=shutil.ignore_patterns("_build", "generated"))
    shutil.copy(ROOT / "README.md", tmp_path / "README.md")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-W",
            "--keep-going",
            "-q",
            "-b",
            "html",
            str(source),
            str(tmp_path / "html"),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-5000:]
    api = (tmp_path / "html" / "generated" / "computemarket.simulate.html").read_text()
    assert "forecast" in api and "Examples" in api
