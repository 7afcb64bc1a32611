"""Model files of every format version keep loading, and give what they gave when written.

The fixtures under ``tests/fixtures/v<N>/`` were written by ``tests/fixtures/make_fixtures.py``
with the newsim of format version N: a saved model, a pickle of the same vectorizer, and the
feature names, idf and probe matrix that the model gave then.
"""

from __future__ import annotations

import json
import pathlib
import pickle
import struct
from typing import Any

import numpy as np
import pytest

import newsim
from newsim import SklearnTfidfVectorizer, TfidfVectorizer

FIXTURES = pathlib.Path(__file__).resolve().parent / "fixtures"
RECORDS = sorted(FIXTURES.glob("v*/*.json"))


def _version(path: pathlib.Path) -> int:
    return int(path.parent.name[1:])


#: Parameters added after older fixtures were written whose default would change those models,
#: at the values that reproduce them; any other later parameter takes its default.
LEGACY_PARAMS = {"decompound": False, "ngram_min_df": 1, "normalize_vocabulary": False}


def _header_version(blob: bytes) -> int:
    return int(struct.unpack_from("<I", blob, 8)[0])


def _current_version() -> int:
    vec = TfidfVectorizer(language=None).fit(["ein Haus", "zwei Häuser"])
    return _header_version(vec.__getstate__()["_core_bytes"])


def _ids(records: list[pathlib.Path]) -> list[str]:
    return [f"{p.parent.name}-{p.stem}" for p in records]


def assert_matches_record(vec: Any, record: dict[str, Any]) -> None:
    assert type(vec).__name__ == record["class"]
    params = {k: repr(v) for k, v in sorted(vec.get_params().items())}
    # Parameters added after the fixture was written take the values that reproduce what the
    # model does (the legacy values), so that its parameters describe it truthfully.
    defaults = type(vec)().get_params()
    added = {
        k: repr(LEGACY_PARAMS.get(k, defaults[k])) for k in params if k not in record["params"]
    }
    assert params == {**record["params"], **added}
    assert getattr(vec, "language_", None) == record["language_"]
    if record["feature_names"] is not None:  # None: a hashing model, no vocabulary
        assert [str(t) for t in vec.get_feature_names_out()] == record["feature_names"]
    idf = np.asarray(vec.idf_)
    assert str(idf.dtype) == record["idf_dtype"]
    assert [float(v).hex() for v in idf.astype(np.float64)] == record["idf"]
    X = vec.transform(record["probe"])
    m = record["matrix"]
    assert list(X.shape) == m["shape"]
    assert str(X.dtype) == m["dtype"]
    assert X.indptr.tolist() == m["indptr"]
    assert X.indices.tolist() == m["indices"]
    want = np.array([float.fromhex(v) for v in m["data"]])
    got = X.data.astype(np.float64)
    for row in range(X.shape[0]):
        lo, hi = X.indptr[row], X.indptr[row + 1]
        if np.isfinite(want[lo:hi]).all():
            # Same terms and counts; a later newsim may round in another order.
            np.testing.assert_allclose(got[lo:hi], want[lo:hi], rtol=1e-6, atol=0)
        else:
            # The writer's bug, fixed since: a hashed count cancelled to 0 by alternate_sign
            # took 1 + ln(0) = -inf under sublinear_tf and turned its row into NaN. Such a row
            # now keeps that count at 0 and is finite and normalized like every other row.
            assert record["params"].get("sublinear_tf") == "True", "a NaN row without the cause"
            assert np.isfinite(got[lo:hi]).all()
            if record["params"].get("norm") == "'l2'":
                assert np.linalg.norm(got[lo:hi]) == pytest.approx(1.0, rel=1e-6)


def test_fixtures_exist_for_every_format_version() -> None:
    versions = sorted({_version(p) for p in RECORDS})
    current = _current_version()
    assert versions, "no model fixtures found"
    assert versions == list(range(1, current + 1)), (
        f"fixtures exist for format versions {versions}, newsim writes version {current}: "
        "run `python tests/fixtures/make_fixtures.py` with this newsim and commit the new folder"
    )


@pytest.mark.parametrize("record_path", RECORDS, ids=_ids(RECORDS))
def test_saved_model_loads(record_path: pathlib.Path) -> None:
    record = json.loads(record_path.read_text(encoding="utf-8"))
    model = record_path.with_suffix(".newsim")
    blob = model.read_bytes()
    assert blob.startswith(b"NEWSIM\x00\x1a")
    assert _header_version(blob) == _version(record_path) == record["format_version"]
    for loader in (TfidfVectorizer, SklearnTfidfVectorizer, newsim.HashingVectorizer):
        assert_matches_record(loader.load(model), record)


@pytest.mark.parametrize("record_path", RECORDS, ids=_ids(RECORDS))
def test_pickled_model_loads(record_path: pathlib.Path) -> None:
    record = json.loads(record_path.read_text(encoding="utf-8"))
    vec = pickle.loads(record_path.with_suffix(".pickle").read_bytes())
    assert_matches_record(vec, record)


@pytest.mark.parametrize("record_path", RECORDS, ids=_ids(RECORDS))
def test_old_model_saves_in_the_current_version(
    record_path: pathlib.Path, tmp_path: pathlib.Path
) -> None:
    record = json.loads(record_path.read_text(encoding="utf-8"))
    vec = newsim.TfidfVectorizer.load(record_path.with_suffix(".newsim"))
    vec.save(tmp_path / "again.newsim")
    blob = (tmp_path / "again.newsim").read_bytes()
    assert _header_version(blob) == _current_version()
    assert_matches_record(newsim.TfidfVectorizer.load(tmp_path / "again.newsim"), record)
    assert_matches_record(pickle.loads(pickle.dumps(vec)), record)


@pytest.mark.parametrize("record_path", RECORDS, ids=_ids(RECORDS))
def test_damaged_fixture_is_rejected(record_path: pathlib.Path, tmp_path: pathlib.Path) -> None:
    """Old versions get the same protection: a flipped bit or a cut file is an error."""
    blob = record_path.with_suffix(".newsim").read_bytes()
    for pos in (0, 8, 12, 20, len(blob) // 2, len(blob) - 5, len(blob) - 1):
        damaged = bytearray(blob)
        damaged[pos] ^= 0x10
        (tmp_path / "damaged.newsim").write_bytes(bytes(damaged))
        with pytest.raises(newsim.ModelFormatError, match="newsim model"):
            TfidfVectorizer.load(tmp_path / "damaged.newsim")
    (tmp_path / "cut.newsim").write_bytes(blob[: len(blob) // 2])
    with pytest.raises(newsim.ModelFormatError, match="truncated"):
        TfidfVectorizer.load(tmp_path / "cut.newsim")


def test_v1_idf_that_contradicts_its_statistics_is_rejected(tmp_path: pathlib.Path) -> None:
    """F15: a format-1 file stores idf next to df; a resealed file with a foreign idf is refused
    (it used to load, and 1e308 overflowed a row's norm into a silently zero row)."""
    import zlib

    blob = bytearray((FIXTURES / "v1" / "newsim-vocabulary.newsim").read_bytes())
    end = len(blob) - 4  # the idf values are the payload's last bytes, the CRC-32 follows
    blob[end - 8 : end] = struct.pack("<d", 1e308)
    blob[end:] = struct.pack("<I", zlib.crc32(bytes(blob[20:end])))
    (tmp_path / "resealed.newsim").write_bytes(bytes(blob))
    with pytest.raises(newsim.ModelFormatError, match="idf does not match the document frequen"):
        TfidfVectorizer.load(tmp_path / "resealed.newsim")
