"""The documentation site (docs/): the API reference names every public name, the command-line
page is generated from the parser, the benchmarks page from RESULTS.md, and the examples of
the user guide run and print what the pages show.

``make docs`` builds the site with warnings as errors; these tests check what a successful
build cannot: that nothing public is missing and that nothing was copied by hand.
"""

from __future__ import annotations

import doctest
import importlib
import importlib.util
import pathlib
import re
import sys
from types import ModuleType

import pytest

import newsim

ROOT = pathlib.Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
API = DOCS / "api.rst"
CLI = DOCS / "cli.rst"
GUIDE = DOCS / "user-guide"
#: Submodules documented in the API reference beside ``newsim.__all__``.
SUBMODULES = {"newsim.datasets": None, "newsim.dask": "dask", "newsim.plot": "matplotlib"}

pytestmark = pytest.mark.skipif(not DOCS.is_dir(), reason="not run from a source checkout")


def _extension(name: str) -> ModuleType:
    pytest.importorskip("sphinx")
    spec = importlib.util.spec_from_file_location(name, DOCS / "_ext" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def _documented(text: str, module: str) -> set[str]:
    """Names of ``module`` listed in api.rst: autosummary entries and data directives."""
    names: set[str] = set()
    current = None
    for line in text.splitlines():
        m = re.match(r"^\.\. (?:current)?module:: (\S+)$", line)
        if m:
            current = m.group(1)
            continue
        if current != module:
            continue
        m = re.match(r"^   ([A-Za-z_]\w*)$", line) or re.match(
            r"^\.\. (?:auto)?data:: (\w+)$", line
        )
        if m:
            names.add(m.group(1))
    return names


# ----------------------------------------------------------------------------- API reference


def test_every_public_name_is_in_the_api_reference() -> None:
    text = API.read_text(encoding="utf-8")
    documented = _documented(text, "newsim")
    missing = sorted(set(newsim.__all__) - documented - {"datasets"})
    assert missing == []
    assert ".. automodule:: newsim.datasets" in text  # the module itself, under its own heading
    assert not documented - set(newsim.__all__), "api.rst lists a name newsim does not export"


@pytest.mark.parametrize("name", sorted(SUBMODULES))
def test_every_name_of_a_submodule_is_in_the_api_reference(name: str) -> None:
    needs = SUBMODULES[name]
    if needs:
        pytest.importorskip(needs)
    module = importlib.import_module(name)
    documented = _documented(API.read_text(encoding="utf-8"), name)
    assert sorted(set(module.__all__) - documented) == []
    assert sorted(documented - set(module.__all__)) == []


# ----------------------------------------------------------------------------- command line


def test_the_cli_page_is_generated_from_the_parser() -> None:
    text = CLI.read_text(encoding="utf-8")
    assert re.search(r"^\.\. newsim-cli::$", text, flags=re.MULTILINE)
    assert "usage: newsim" not in text  # no help text copied into the page
    ext = _extension("newsim_cli")
    from newsim import cli

    commands = dict(ext.commands(cli._parser()))
    assert {("similar",), ("pairs",), ("keywords",), ("fit",), ("demo",)} <= set(commands)
    assert {("index", "build"), ("index", "add"), ("index", "info")} <= set(commands)
    generated = "\n".join(ext.rst_lines())
    for words, parser in commands.items():
        title = " ".join(("newsim", *words))
        assert f"``{title}``" in generated
        help_lines = [line.rstrip() for line in ext.help_text(parser).splitlines()]
        assert "\n".join(f"   {line}".rstrip() for line in help_lines) in generated


# ----------------------------------------------------------------------------- benchmarks


def test_the_benchmarks_page_has_every_section_of_results_md(tmp_path: pathlib.Path) -> None:
    ext = _extension("newsim_results")
    results = ROOT / "benchmarks" / "RESULTS.md"
    text = results.read_text(encoding="utf-8")
    page = ext.render(text, results.parent, tmp_path)
    titles = re.findall(r"^## (.+)$", text, flags=re.MULTILINE)
    keys = re.findall(r"^<!-- ([\w.-]+):begin -->$", text, flags=re.MULTILINE)
    assert titles and keys
    assert page.count("\n### ") == len(titles)
    for key in keys:
        assert f"(results-{key})=" in page  # each kind's latest run, with its target
        assert f"{{ref}}`{key} <results-{key}>`" in page  # and its row in the overview
    body = [line for line in text.splitlines() if not line.startswith(("<!--", "#", "!["))]
    shown = page.splitlines()
    assert all(line in shown for line in body)  # every line of the file, unchanged
    assert "benchmarks.md" in (DOCS / "index.md").read_text(encoding="utf-8")
    assert "{include} _generated/results.md" in (DOCS / "benchmarks.md").read_text("utf-8")


def test_results_sections_are_parsed() -> None:
    ext = _extension("newsim_results")
    text = (
        "# log\n\n<!-- a:begin -->\n## A run\n\n- date: 2026-01-02 03:04 UTC\n"
        "- command: `python x.py --out RESULTS.md`\n\n| t |\n|---|\n<!-- a:end -->\n\n"
        "## Notes (5 Dec 2026)\n\ntext\n"
    )
    preamble, sections = ext.parse(text)
    assert preamble == ["# log", ""]
    assert [(s.key, s.title, s.date, s.command) for s in sections] == [
        ("a", "A run", "2026-01-02 03:04 UTC", "python x.py --out RESULTS.md"),
        ("notes-5-dec-2026", "Notes (5 Dec 2026)", "5 Dec 2026", ""),
    ]


# ----------------------------------------------------------------------------- examples


GUIDE_PAGES = sorted(p for p in GUIDE.glob("*.md") if "```pycon" in p.read_text("utf-8"))


def test_guide_pages_with_examples() -> None:
    assert {"similarity.md", "stories.md"} <= {p.name for p in GUIDE_PAGES}


@pytest.mark.parametrize("path", GUIDE_PAGES, ids=[p.name for p in GUIDE_PAGES])
def test_guide_examples_run(path: pathlib.Path) -> None:
    pytest.importorskip("pandas")
    text = path.read_text(encoding="utf-8")
    blocks = re.findall(r"^```pycon\n(.*?)^```", text, flags=re.DOTALL | re.MULTILINE)
    parser = doctest.DocTestParser()
    test = parser.get_doctest("\n".join(blocks), {}, path.name, str(path), 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.attempted > 0
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed in {path}"
