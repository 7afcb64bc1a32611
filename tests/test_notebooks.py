"""The notebooks in notebooks/: committed without outputs, and they run without an error.

Each notebook is executed with nbclient in a ``python3`` kernel, with ``notebooks/`` as the
working directory (from the repository root, the folder ``python/newsim`` is not importable as
``newsim``, but a folder named like the package would be). The kernel inherits this process's
environment, so it imports the same newsim (installed, or a dev tree on ``PYTHONPATH``); the
first test cell checks that it does. matplotlib draws with its Agg backend.
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

NOTEBOOKS_DIR = pathlib.Path(__file__).resolve().parent.parent / "notebooks"
NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("*.ipynb"))
#: Corpus files a notebook needs, found by the loader it calls.
CORPORA = {
    "load_10kgnad": "10kgnad_test.csv",
    "load_bbc": "bbc_news.csv",
    "load_uci_stories": "uci_news_stories_dev.csv",
}
CELL_TIMEOUT = 300

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


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_notebook_runs(path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JUPYTER_PLATFORM_DIRS", "1")  # jupyter_core's future default
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    nb = nbformat.read(path, as_version=4)
    missing = [f for f in _needs(nb) if not (DATA_DIR / f).is_file()]
    if missing:
        pytest.skip(f"{path.name} needs {', '.join(missing)} in {DATA_DIR}")

    package_parent = os.path.dirname(os.path.dirname(os.path.abspath(newsim.__file__)))
    monkeypatch.setenv(
        "PYTHONPATH",
        os.pathsep.join(filter(None, [package_parent, os.environ.get("PYTHONPATH")])),
    )
    monkeypatch.setenv("NEWSIM_DATA_DIR", str(DATA_DIR))
    monkeypatch.setenv("MPLBACKEND", "Agg")

    probe = nbformat.v4.new_code_cell(
        "import json, sys, newsim\n"
        "print(json.dumps({'python': sys.executable, 'newsim': newsim.__file__}))"
    )
    nb.cells.insert(0, probe)
    client = nbclient.NotebookClient(
        nb,
        timeout=CELL_TIMEOUT,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOKS_DIR)}},
    )
    client.execute()  # raises CellExecutionError on the first failing cell

    seen = json.loads(nb.cells[0].outputs[0]["text"])
    assert os.path.realpath(seen["python"]) == os.path.realpath(sys.executable)
    assert seen["newsim"] == newsim.__file__
    for i, cell in enumerate(nb.cells[1:]):
        if cell.cell_type != "code":
            continue
        assert cell.execution_count is not None, f"cell {i} did not run"
        for output in cell.outputs:
            assert output.output_type != "error", f"cell {i}: {output.ename}: {output.evalue}"
            if output.output_type == "stream" and output.name == "stderr":
                assert "Warning" not in output.text, f"cell {i} warns: {output.text}"
