"""Shared fixtures: the two test corpora, loaded once per test session."""

from __future__ import annotations

import os
import pathlib

import pytest

from newsim import datasets
from newsim.datasets import Corpus

DATA_DIR_ENV = "NEWSIM_DATA_DIR"


def find_data_dir() -> pathlib.Path:
    """The folder with the corpora: ``$NEWSIM_DATA_DIR``, else ``<repo>/../shared/data``."""
    value = os.environ.get(DATA_DIR_ENV)
    if value:
        return pathlib.Path(value).expanduser()
    return pathlib.Path(__file__).resolve().parent.parent.parent / "shared" / "data"


DATA_DIR = find_data_dir()


def _require(filename: str) -> pathlib.Path:
    path = DATA_DIR / filename
    if not path.is_file():
        pytest.skip(f"corpus {filename} not found in {DATA_DIR}; set {DATA_DIR_ENV}")
    return path


@pytest.fixture(scope="session")
def gnad() -> Corpus:
    """The 10kGNAD test split (1,028 German articles)."""
    return datasets.load_10kgnad(_require(datasets.GNAD_FILE))


@pytest.fixture(scope="session")
def bbc() -> Corpus:
    """The BBC News corpus (2,225 English articles)."""
    return datasets.load_bbc(_require(datasets.BBC_FILE))


@pytest.fixture(scope="session")
def corpora(gnad: Corpus, bbc: Corpus) -> dict[str, Corpus]:
    """Both corpora by short name."""
    return {"gnad": gnad, "bbc": bbc}
