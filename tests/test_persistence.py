"""Persistence: pickle and newsim's versioned binary format, including damaged files."""

from __future__ import annotations

import json
import os
import pathlib
import pickle
import random
import struct
import zlib
from typing import Any

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.exceptions import NotFittedError

import newsim
from newsim import ModelFormatError, SklearnTfidfVectorizer, TfidfVectorizer
from newsim.datasets import Corpus

HEADER = 8 + 4 + 8  # magic, format version (u32), payload length (u64)
TRAILER = 4  # CRC-32 of the payload

DOCS = [
    "Die Straße ist lang und die Häuser sind alt.",
    "Die STRASSE war länger als der Weg zum See.",
    "Ein Haus am See, ein Boot auf dem See.",
    "The house by the lake is old.",
    "",
]


def _split(text: str) -> list[str]:
    return text.split()


def assert_identical(A: sp.csr_matrix, B: sp.csr_matrix) -> None:
    assert A.shape == B.shape
    assert A.dtype == B.dtype
    np.testing.assert_array_equal(A.indptr, B.indptr)
    np.testing.assert_array_equal(A.indices, B.indices)
    np.testing.assert_array_equal(A.data, B.data)


def assert_same_estimator(a: Any, b: Any, docs: list[str]) -> None:
    assert type(a) is type(b)
    assert a.get_params() == b.get_params()
    assert getattr(a, "language_", None) == getattr(b, "language_", None)
    assert list(a.get_feature_names_out()) == list(b.get_feature_names_out())
    assert a.vocabulary_ == b.vocabulary_
    np.testing.assert_array_equal(a.idf_, b.idf_)
    assert a.fixed_vocabulary_ == b.fixed_vocabulary_
    assert_identical(a.transform(docs), b.transform(docs))


FITTED_CASES = [
    pytest.param(lambda: TfidfVectorizer(), id="newsim-defaults"),
    pytest.param(lambda: TfidfVectorizer(language="de", ngram_range=(1, 2)), id="newsim-de"),
    pytest.param(lambda: TfidfVectorizer(weighting="bm25", dtype=np.float64), id="newsim-bm25"),
    pytest.param(
        lambda: TfidfVectorizer(language=None, vocabulary=["see", "haus", "straße"]),
        id="newsim-vocabulary",
    ),
    pytest.param(lambda: SklearnTfidfVectorizer(), id="sklearn-defaults"),
    pytest.param(
        lambda: SklearnTfidfVectorizer(analyzer="char_wb", ngram_range=(2, 3), dtype=np.float32),
        id="sklearn-char_wb",
    ),
    pytest.param(
        lambda: SklearnTfidfVectorizer(stop_words="english", sublinear_tf=True, norm="l1"),
        id="sklearn-options",
    ),
]


# ----------------------------------------------------------------------------- pickle


@pytest.mark.parametrize("make", FITTED_CASES)
@pytest.mark.parametrize("protocol", [2, pickle.DEFAULT_PROTOCOL, pickle.HIGHEST_PROTOCOL])
def test_pickle_fitted(make: Any, protocol: int) -> None:
    vec = make().fit(DOCS)
    copy = pickle.loads(pickle.dumps(vec, protocol=protocol))
    assert_same_estimator(vec, copy, DOCS)
    # The copy is independent: refitting it does not touch the original.
    before = list(vec.get_feature_names_out())
    if not vec.fixed_vocabulary_:
        copy.fit(["völlig andere Wörter hier", "other words"])
        assert list(vec.get_feature_names_out()) == before


@pytest.mark.parametrize("cls", [TfidfVectorizer, SklearnTfidfVectorizer])
def test_pickle_unfitted(cls: type) -> None:
    vec = cls(min_df=2, ngram_range=(1, 2))
    copy = pickle.loads(pickle.dumps(vec))
    assert type(copy) is cls
    assert copy.get_params() == vec.get_params()
    assert not copy.__sklearn_is_fitted__()
    with pytest.raises(NotFittedError):
        copy.transform(DOCS)
    assert_identical(copy.fit_transform(DOCS), vec.fit_transform(DOCS))


def test_pickle_with_callable_tokenizer() -> None:
    vec = SklearnTfidfVectorizer(tokenizer=_split, token_pattern=None).fit(DOCS)
    copy = pickle.loads(pickle.dumps(vec))
    assert copy.tokenizer is _split
    assert_same_estimator(vec, copy, DOCS)


@pytest.mark.slow
def test_pickle_on_corpus(gnad: Corpus) -> None:
    vec = TfidfVectorizer(ngram_range=(1, 2), min_df=2).fit(gnad.texts)
    copy = pickle.loads(pickle.dumps(vec))
    assert_same_estimator(vec, copy, gnad.texts[:200])


def test_pickle_state_holds_core_bytes_not_core_object() -> None:
    vec = TfidfVectorizer().fit(DOCS)
    state = vec.__getstate__()
    assert "_core" not in state
    assert "_vocabulary_cache" not in state
    blob = state["_core_bytes"]
    assert type(blob) is bytes
    assert blob.startswith(b"NEWSIM")
    data = pickle.dumps(vec)
    assert b"newsim._core" not in data  # no reference to the extension type
    assert vec.__getstate__()["_core_bytes"] == blob  # deterministic
    assert TfidfVectorizer().__getstate__()["_core_bytes"] is None


# ----------------------------------------------------------------------------- save / load


@pytest.mark.parametrize("make", FITTED_CASES)
def test_save_load_round_trip(make: Any, tmp_path: pathlib.Path) -> None:
    vec = make().fit(DOCS)
    path = tmp_path / "model.newsim"
    vec.save(path)
    assert path.read_bytes().startswith(b"NEWSIM\x00\x1a")
    for loader in (TfidfVectorizer, SklearnTfidfVectorizer):
        loaded = loader.load(path)
        assert type(loaded) is type(vec)  # the class that saved, whichever class loads
        assert_same_estimator(vec, loaded, DOCS)
    loaded = TfidfVectorizer.load(str(path))  # str paths too
    assert_same_estimator(vec, loaded, DOCS)
    # A loaded model saves the same bytes again.
    again = tmp_path / "again.newsim"
    loaded.save(again)
    assert again.read_bytes() == path.read_bytes()


def test_loaded_model_can_refit(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "model.newsim"
    TfidfVectorizer(min_df=1).fit(DOCS).save(path)
    loaded = TfidfVectorizer.load(path)
    loaded.fit(["ganz neue Wörter", "noch mehr neue Wörter"])
    assert "wort" in loaded.vocabulary_ or "wörter" in loaded.vocabulary_


def test_save_unfitted_raises(tmp_path: pathlib.Path) -> None:
    with pytest.raises(NotFittedError):
        TfidfVectorizer().save(tmp_path / "x.newsim")
    assert not (tmp_path / "x.newsim").exists()


def test_save_with_callable_raises(tmp_path: pathlib.Path) -> None:
    vec = SklearnTfidfVectorizer(tokenizer=_split, token_pattern=None).fit(DOCS)
    with pytest.raises(ValueError, match="cannot save a vectorizer whose tokenizer is a Python"):
        vec.save(tmp_path / "x.newsim")
    vec = TfidfVectorizer(preprocessor=str.upper).fit(DOCS)
    with pytest.raises(ValueError, match="preprocessor is a Python callable; use pickle"):
        vec.save(tmp_path / "y.newsim")


# ----------------------------------------------------------------------------- damaged files


@pytest.fixture(scope="module")
def saved(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    path = tmp_path_factory.mktemp("model") / "model.newsim"
    TfidfVectorizer().fit(DOCS).save(path)
    return path.read_bytes()


def _load_bytes(tmp_path: pathlib.Path, data: bytes) -> Any:
    path = tmp_path / "damaged.newsim"
    path.write_bytes(data)
    return TfidfVectorizer.load(path)


def test_model_format_error_is_a_value_error() -> None:
    assert issubclass(ModelFormatError, ValueError)
    assert newsim.ModelFormatError is ModelFormatError


@pytest.mark.parametrize("fraction", [0.0, 0.1, 0.3, 0.5, 0.9, 0.999])
def test_truncated_file(saved: bytes, tmp_path: pathlib.Path, fraction: float) -> None:
    n = int(len(saved) * fraction)
    with pytest.raises(ModelFormatError, match=r"not a newsim model|truncated"):
        _load_bytes(tmp_path, saved[:n])


@pytest.mark.parametrize("n", [1, 7, 8, 12, 19, 20, 23, 24])
def test_truncated_header(saved: bytes, tmp_path: pathlib.Path, n: int) -> None:
    with pytest.raises(ModelFormatError, match=r"not a newsim model|truncated"):
        _load_bytes(tmp_path, saved[:n])


def test_extended_file(saved: bytes, tmp_path: pathlib.Path) -> None:
    with pytest.raises(ModelFormatError, match="truncated or extended"):
        _load_bytes(tmp_path, saved + b"\x00")


FLIP_POSITIONS = {
    "magic": 0,
    "magic_end": 7,
    "version": 8,
    "version_high": 11,
    "length": 12,
    "length_high": 19,
    "payload_start": HEADER,
    "payload_middle": -1,  # resolved below
    "payload_end": -TRAILER - 1,
    "crc": -TRAILER,
    "crc_end": -1,
}
EXPECTED_FLIP_MESSAGES = {
    "magic": "not a newsim model",
    "magic_end": "not a newsim model",
    "version": "format version",
    "version_high": "format version",
    "length": "truncated or extended",
    "length_high": "truncated or extended",
}


@pytest.mark.parametrize("where", list(FLIP_POSITIONS))
@pytest.mark.parametrize("mask", [0x01, 0x80, 0xFF])
def test_flipped_byte(saved: bytes, tmp_path: pathlib.Path, where: str, mask: int) -> None:
    pos = FLIP_POSITIONS[where]
    if where == "payload_middle":
        pos = HEADER + (len(saved) - HEADER - TRAILER) // 2
    data = bytearray(saved)
    data[pos] ^= mask
    message = EXPECTED_FLIP_MESSAGES.get(where, "checksum mismatch")
    with pytest.raises(ModelFormatError, match=message):
        _load_bytes(tmp_path, bytes(data))


def test_flipped_byte_anywhere(saved: bytes, tmp_path: pathlib.Path) -> None:
    """A flipped bit anywhere in the file is detected (every 7th byte, to stay fast)."""
    for pos in range(0, len(saved), 7):
        data = bytearray(saved)
        data[pos] ^= 1 << (pos % 8)
        with pytest.raises(ModelFormatError):
            _load_bytes(tmp_path, bytes(data))


def test_newer_format_version(saved: bytes, tmp_path: pathlib.Path) -> None:
    data = bytearray(saved)
    assert data[8] == 4  # format version 4, little-endian u32
    data[8] = 5
    with pytest.raises(
        ModelFormatError,
        match=r"format version 5 is not supported by this newsim.*upgrade newsim",
    ):
        _load_bytes(tmp_path, bytes(data))


def test_format_version_zero(saved: bytes, tmp_path: pathlib.Path) -> None:
    data = bytearray(saved)
    data[8] = 0
    with pytest.raises(ModelFormatError, match="format version 0 is not supported"):
        _load_bytes(tmp_path, bytes(data))


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"\x00" * 100,
        os.urandom(4096),
        b"NEWSIM",  # the magic's start only
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 64,
        json.dumps({"vocabulary": ["a"]}).encode(),
        pickle.dumps(TfidfVectorizer()),
    ],
    ids=["empty", "zeros", "random", "partial-magic", "png", "json", "pickle"],
)
def test_foreign_file(tmp_path: pathlib.Path, content: bytes) -> None:
    with pytest.raises(ModelFormatError, match=r"not a newsim model|truncated"):
        _load_bytes(tmp_path, content)


def test_random_files_never_crash(tmp_path: pathlib.Path) -> None:
    rng = random.Random(1234)
    for _ in range(200):
        content = b"NEWSIM\x00\x1a" + bytes(rng.randrange(256) for _ in range(rng.randrange(64)))
        with pytest.raises(ModelFormatError):
            _load_bytes(tmp_path, content)


def test_missing_file(tmp_path: pathlib.Path) -> None:
    with pytest.raises(FileNotFoundError):
        TfidfVectorizer.load(tmp_path / "does-not-exist.newsim")


def _reseal(saved: bytes, payload: bytes) -> bytes:
    """A model file around ``payload`` with a correct header and checksum."""
    return (
        saved[:8]
        + struct.pack("<IQ", 1, len(payload))
        + payload
        + struct.pack("<I", zlib.crc32(payload))
    )


def test_core_model_without_parameters(saved: bytes, tmp_path: pathlib.Path) -> None:
    core = newsim._core.Vectorizer()
    core.fit(DOCS)
    with pytest.raises(ModelFormatError, match="core model without vectorizer parameters"):
        _load_bytes(tmp_path, core.to_bytes())


def test_parameters_from_a_newer_newsim(saved: bytes, tmp_path: pathlib.Path) -> None:
    core = newsim._core.Vectorizer.from_bytes(saved)
    meta = json.loads(core.metadata)
    meta["newsim.TfidfVectorizer"]["params"]["a_future_option"] = 1
    core.metadata = json.dumps(meta)
    with pytest.raises(ModelFormatError, match="a_future_option"):
        _load_bytes(tmp_path, core.to_bytes())


def test_resealed_payload_corruption_never_escapes_as_another_error(
    saved: bytes, tmp_path: pathlib.Path
) -> None:
    """Corruption the checksum cannot see (it was recomputed) loads or raises ModelFormatError.

    This is the "never a crash" guarantee for files edited by hand or by another tool.
    """
    payload = saved[HEADER:-TRAILER]
    unexpected: dict[str, list[int]] = {}
    first: dict[str, str] = {}
    for pos in range(len(payload)):
        for mask in (0x01, 0x80):
            damaged = bytearray(payload)
            damaged[pos] ^= mask
            try:
                _load_bytes(tmp_path, _reseal(saved, bytes(damaged)))
            except ModelFormatError:
                pass
            except Exception as exc:  # anything else is a bug
                name = type(exc).__name__
                unexpected.setdefault(name, []).append(HEADER + pos)
                first.setdefault(name, str(exc))
    assert not unexpected, "\n".join(
        f"{name} at file bytes {sorted(set(at))}, e.g. {first[name]!r}"
        for name, at in unexpected.items()
    )


def test_interrupted_save_keeps_the_previous_file(tmp_path: pathlib.Path) -> None:
    """save writes beside the target and renames: a failure mid-way leaves the old model.

    A full disk, simulated by a file size limit (RLIMIT_FSIZE, SIGXFSZ ignored): the write
    fails with EFBIG partway through the new file (the core's writer, as for index files).
    """
    code = f"""
import os, resource, signal
import newsim
path = {str(tmp_path / "model.newsim")!r}
newsim.TfidfVectorizer(language="de").fit(["ein Haus", "ein See"]).save(path)
old = open(path, "rb").read()
texts = [f"Artikel {{i}} über Haus {{i * 7}} und See {{i * 13}} am Ufer" for i in range(3000)]
big = newsim.TfidfVectorizer(language="de").fit(texts)
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (len(old) + 1000, len(old) + 1000))
try:
    big.save(path)
except OSError as e:
    print("OSError", e.errno, e)
assert open(path, "rb").read() == old, "the old file changed"
print(sorted(os.listdir(os.path.dirname(path))))
"""
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert "OSError 27" in out, out  # EFBIG, named
    assert "['model.newsim']" in out, out  # no temporary left behind


def test_a_saved_model_follows_the_umask(tmp_path: Any) -> None:
    # It used to be 0600 whatever the umask (tempfile.mkstemp), so a model could not be shared
    # between the users of a deployment; now it is 0666 under the umask, as any new file.
    vec = newsim.TfidfVectorizer().fit(["Die Regierung plant", "Das Haus am See"])
    old = os.umask(0o027)
    try:
        vec.save(tmp_path / "m.newsim")
    finally:
        os.umask(old)
    assert (os.stat(tmp_path / "m.newsim").st_mode & 0o777) == 0o640
    assert os.listdir(tmp_path) == ["m.newsim"]  # no temporary file left
