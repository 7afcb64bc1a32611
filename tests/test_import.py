"""`import newsim` stays cheap: heavy dependencies load on first use, not at import (PEP 562)."""

from __future__ import annotations

import json
import os
import pathlib
import subprocess
import sys

import pytest

import newsim

HEAVY = ("numpy", "scipy", "sklearn", "pandas", "matplotlib", "dask")


def _fresh(code: str) -> dict[str, object]:
    """Run ``code`` in a fresh interpreter that sees the same newsim; return its JSON output."""
    env = dict(os.environ)
    package_parent = os.path.dirname(os.path.dirname(os.path.abspath(newsim.__file__)))
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [package_parent, env.get("PYTHONPATH")]))
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=120,
    ).stdout
    result: dict[str, object] = json.loads(out.strip().splitlines()[-1])
    return result


def test_import_does_not_load_heavy_dependencies() -> None:
    got = _fresh(
        "import json, sys, newsim\n"
        f"heavy = {HEAVY!r}\n"
        "loaded = sorted({m.split('.')[0] for m in sys.modules} & set(heavy))\n"
        "print(json.dumps({'file': newsim.__file__, 'loaded': loaded}))\n"
    )
    assert got["file"] == newsim.__file__  # the child imported the same package
    assert got["loaded"] == []


def test_first_use_loads_the_python_layer() -> None:
    got = _fresh(
        "import json, sys, newsim\n"
        "cls = newsim.TfidfVectorizer\n"
        "print(json.dumps({'mod': cls.__module__, 'loaded': 'newsim._vectorizer' in sys.modules,\n"
        "                  'cached': 'TfidfVectorizer' in vars(newsim)}))\n"
    )
    assert got == {"mod": "newsim._vectorizer", "loaded": True, "cached": True}


@pytest.mark.parametrize("name", newsim.__all__)
def test_every_public_name_resolves(name: str) -> None:
    assert getattr(newsim, name) is not None
    assert name in dir(newsim)


def test_star_import_matches_all() -> None:
    namespace: dict[str, object] = {}
    exec("from newsim import *", namespace)
    assert set(newsim.__all__) <= set(namespace)
    assert namespace["TfidfVectorizer"] is newsim.TfidfVectorizer


def test_public_objects_are_the_implementations() -> None:
    from newsim import _core, _similarity, _stopwords, _vectorizer, datasets

    assert newsim.TfidfVectorizer is _vectorizer.TfidfVectorizer
    assert newsim.SklearnTfidfVectorizer is _vectorizer.SklearnTfidfVectorizer
    assert newsim.SimilarityIndex is _similarity.SimilarityIndex
    assert newsim.stop_word_list is _stopwords.stop_word_list
    assert newsim.ModelFormatError is _core.ModelFormatError
    assert newsim.datasets is datasets


def test_unknown_attribute_raises_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'no_such_name'"):
        _ = newsim.no_such_name
    assert not hasattr(newsim, "no_such_name")
    assert "no_such_name" not in dir(newsim)


def test_optional_submodules_are_lazy_and_tolerated() -> None:
    # `plot` and `dask` need optional dependencies and stay out of __all__; when a version does
    # not ship them, accessing them is a plain AttributeError, not an ImportError.
    for name in ("plot", "dask"):
        assert name not in newsim.__all__
        try:
            module = getattr(newsim, name)
        except AttributeError:
            assert name not in dir(newsim)
        except ImportError:  # the submodule exists, its optional dependency is not installed
            assert name in dir(newsim)
        else:
            assert module.__name__ == f"newsim.{name}"
            assert name in dir(newsim)


def test_version_is_the_cores() -> None:
    from newsim import _core

    assert newsim.__version__ is _core.__version__
    assert "__version__" in newsim.__all__


def test_version_is_pyprojects() -> None:
    # pyproject.toml is the one place the version is written; CMake compiles it into _core. Only
    # a source checkout has the file (an installed package is checked against its metadata).
    tomllib = pytest.importorskip("tomllib")
    pyproject = pathlib.Path(__file__).resolve().parent.parent / "pyproject.toml"
    if not pyproject.is_file():
        pytest.skip("not run from a source checkout: no pyproject.toml beside tests/")
    with pyproject.open("rb") as f:
        assert newsim.__version__ == tomllib.load(f)["project"]["version"]


def test_version_is_the_installed_distributions() -> None:
    # importlib.metadata describes the installed distribution; it describes the newsim under test
    # only when that is the installed copy (not a source tree put first on PYTHONPATH).
    import importlib.metadata

    try:
        dist = importlib.metadata.distribution("newsim")
    except importlib.metadata.PackageNotFoundError:
        pytest.skip("newsim is not installed")
    installed = pathlib.Path(str(dist.locate_file("newsim/__init__.py"))).resolve()
    if installed != pathlib.Path(newsim.__file__).resolve():
        pytest.skip(f"the newsim under test ({newsim.__file__}) is not the installed one")
    assert newsim.__version__ == dist.version
