"""The notebooks in notebooks/: committed without outputs, and they run without an error.

Each notebook is executed with nbclient in a ``python3`` kernel, as a new user runs it: the
working directory is a temporary directory outside the repository, and nothing of the
repository is importable but the package itself (no ``benchmarks``, no ``tests``); the corpora
come from ``NEWSIM_DATA_DIR``. The kernel inherits this process's environment, so it imports
the same newsim (installed, or a dev tree on ``PYTHONPATH``); a first cell checks that it
does, where it runs and what it cannot import. matplotlib draws with the kernel's inline
backend, as in Jupyter, so the executed notebook holds its figures: it must stay small.
"""

from __future__ import annotations

import json
import os
import pathlib
import sys
from typing import Any

import pytest

import newsim
from conftest import DATA_DIR

ROOT = pathlib.Path(__file__).resolve().parent.parent
NOTEBOOKS_DIR = ROOT / "notebooks"
NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("*.ipynb"))
#: Corpus files a notebook needs, found by the loader it calls.
CORPORA = {
    "load_10kgnad": "10kgnad_test.csv",
    "load_bbc": "bbc_news.csv",
    "load_uci_stories": "uci_news_stories_dev.csv",
}
CELL_TIMEOUT = 300
#: The most bytes an executed notebook may take, figures included.
MAX_EXECUTED_BYTES = 1_000_000

nbformat = pytest.importorskip("nbformat")


def _ids(paths: list[pathlib.Path]) -> list[str]:
    return [p.name for p in paths]


def test_the_notebooks_are_there() -> None:
    assert {"01-quickstart.ipynb", "02-german-news.ipynb"} <= {p.name for p in NOTEBOOKS}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_committed_without_outputs(path: pathlib.Path) -> None:
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    assert code, "a notebook without code"
    dirty = [
        i
        for i, cell in enumerate(nb.cells)
        if cell.cell_type == "code" and (cell.outputs or cell.execution_count is not None)
    ]
    assert dirty == [], f"cells {dirty} have outputs or execution counts: clear them"
    assert nb.metadata.get("kernelspec", {}).get("name") == "python3"
    assert "widgets" not in nb.metadata  # widget state is an output too


def _needs(nb: Any) -> list[str]:
    source = "\n".join(cell.source for cell in nb.cells if cell.cell_type == "code")
    return [file for loader, file in CORPORA.items() if loader in source]


def _outside_the_repository(path: str) -> bool:
    """Whether ``path`` is neither the repository's root nor inside it."""
    return not pathlib.Path(os.path.realpath(path)).is_relative_to(os.path.realpath(ROOT))


def _python_path(package_parent: str) -> str:
    """Return ``PYTHONPATH`` for the kernel: the package's folder and no other repository path.

    The repository root on the path would make ``benchmarks`` and ``tests`` importable, which
    a user's installed newsim does not offer; entries outside the repository are kept.
    """
    kept = [
        entry
        for entry in os.environ.get("PYTHONPATH", "").split(os.pathsep)
        if entry and _outside_the_repository(entry)
    ]
    return os.pathsep.join([package_parent, *kept])


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_notebook_runs(
    path: pathlib.Path, monkeypatch: pytest.MonkeyPatch, tmp_path: pathlib.Path
) -> None:
    monkeypatch.setenv("JUPYTER_PLATFORM_DIRS", "1")  # jupyter_core's future default
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    nb = nbformat.read(path, as_version=4)
    missing = [f for f in _needs(nb) if not (DATA_DIR / f).is_file()]
    if missing:
        pytest.skip(f"{path.name} needs {', '.join(missing)} in {DATA_DIR}")

    workdir = tmp_path / "user"
    workdir.mkdir()
    assert _outside_the_repository(str(workdir)), f"{workdir} is inside {ROOT}"
    package_parent = os.path.dirname(os.path.dirname(os.path.abspath(newsim.__file__)))
    monkeypatch.setenv("PYTHONPATH", _python_path(package_parent))
    monkeypatch.setenv("NEWSIM_DATA_DIR", str(DATA_DIR))
    monkeypatch.delenv("MPLBACKEND", raising=False)  # the kernel's inline backend

    probe = nbformat.v4.new_code_cell(
        "import importlib.util, json, os, sys, newsim\n"
        "print(json.dumps({'python': sys.executable, 'newsim': newsim.__file__,\n"
        "                  'cwd': os.getcwd(),\n"
        "                  'benchmarks': importlib.util.find_spec('benchmarks') is not None}))"
    )
    nb.cells.insert(0, probe)
    client = nbclient.NotebookClient(
        nb,
        timeout=CELL_TIMEOUT,
        kernel_name="python3",
        resources={"metadata": {"path": str(workdir)}},
    )
    client.execute()  # raises CellExecutionError on the first failing cell

    seen = json.loads(nb.cells[0].outputs[0]["text"])
    assert os.path.realpath(seen["python"]) == os.path.realpath(sys.executable)
    assert seen["newsim"] == newsim.__file__
    assert os.path.realpath(seen["cwd"]) == os.path.realpath(workdir)
    assert seen["benchmarks"] is False, "the kernel can import the repository's benchmarks"
    for i, cell in enumerate(nb.cells[1:]):
        if cell.cell_type != "code":
            continue
        assert cell.execution_count is not None, f"cell {i} did not run"
        for output in cell.outputs:
            assert output.output_type != "error", f"cell {i}: {output.ename}: {output.evalue}"
            if output.output_type == "stream" and output.name == "stderr":
                assert "Warning" not in output.text, f"cell {i} warns: {output.text}"
    size = len(nbformat.writes(nb).encode())
    assert size < MAX_EXECUTED_BYTES, f"the executed notebook takes {size:,} bytes"
