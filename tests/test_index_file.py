"""The index file: save, load (mapped and read), pickle; damaged and foreign files refused.

The layout is documented in cpp/src/index_file.cpp; the tests read the header and the section
table themselves to damage a file at chosen places, and rewrite the checksums (CRC-32C, computed
here in Python) to reach the structural checks behind them.
"""

from __future__ import annotations

import os
import pickle
import struct
import threading
from typing import Any, Callable, Optional

import numpy as np
import pytest
import scipy.sparse as sp

import newsim
from newsim import ModelFormatError, SimilarityIndex

HEADER = 64
ENTRY = 32


# ---------------------------------------------------------------------------- helpers
def _crc32c_table() -> list[int]:
    table = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (0x82F63B78 ^ (c >> 1)) if c & 1 else c >> 1
        table.append(c)
    return table


_TABLE = _crc32c_table()


def crc32c(data: bytes, crc: int = 0) -> int:
    c = crc ^ 0xFFFFFFFF
    for b in data:
        c = _TABLE[(c ^ b) & 0xFF] ^ (c >> 8)
    return c ^ 0xFFFFFFFF


def sections(data: bytes) -> list[tuple[int, int, int]]:
    """(kind, offset, length) of each section the table names."""
    (n,) = struct.unpack_from("<I", data, 12)
    out = []
    for i in range(n):
        kind, _, offset, length, _, _ = struct.unpack_from("<IIQQII", data, HEADER + ENTRY * i)
        out.append((kind, offset, length))
    return out


def reseal(data: bytes) -> bytes:
    """The same file with every checksum recomputed (to reach the structural checks)."""
    b = bytearray(data)
    n = struct.unpack_from("<I", b, 12)[0]
    for i, (_, offset, length) in enumerate(sections(bytes(b))):
        struct.pack_into(
            "<I", b, HEADER + ENTRY * i + 24, crc32c(bytes(b[offset : offset + length]))
        )
    crc = crc32c(bytes(b[HEADER : HEADER + ENTRY * n]), crc32c(bytes(b[:60])))
    struct.pack_into("<I", b, 60, crc)
    return bytes(b)


def section_of(data: bytes, kind: int) -> tuple[int, int]:
    for k, offset, length in sections(data):
        if k == kind:
            return offset, length
    raise AssertionError(f"no section {kind}")


def same_results(a: SimilarityIndex, b: SimilarityIndex, Q: Optional[sp.csr_matrix] = None) -> None:
    """Every kind of call gives the same result on both indexes."""
    assert (a.n_articles, a.n_features, a.nnz, a.normalized_) == (
        b.n_articles,
        b.n_features,
        b.nnz,
        b.normalized_,
    )
    np.testing.assert_array_equal(a.ids_, b.ids_)
    for k in (1, 5, 300):  # 300: the per-row kernel (the symmetric one serves k <= 255)
        for method in ("auto", "brute"):
            x, y = a.top_k(k, method=method), b.top_k(k, method=method)
            np.testing.assert_array_equal(x.ids, y.ids)
            np.testing.assert_array_equal(x.scores, y.scores)
    if Q is not None:
        x, y = a.query(Q, k=7), b.query(Q, k=7)
        np.testing.assert_array_equal(x.ids, y.ids)
        np.testing.assert_array_equal(x.scores, y.scores)
    p, q = a.pairs(0.2), b.pairs(0.2)
    for f in ("article_row", "neighbor_row", "score"):
        np.testing.assert_array_equal(getattr(p, f), getattr(q, f))
    np.testing.assert_array_equal(p.article_id, q.article_id)
    if a.n_articles >= 2:
        i, j = a.ids_[0], a.ids_[a.n_articles - 1]
        ea, eb = a.explain(i, j, top=20), b.explain(i, j, top=20)
        assert list(ea.terms) == list(eb.terms) and ea.score == eb.score


def test_query_pairs_are_the_pairs_above_the_threshold(gnad_index: Any) -> None:
    index, Q = gnad_index
    dense = (
        Q @ sp.vstack([index._state.slot_matrix(r) for r in range(index.n_articles)]).T
    ).toarray()
    for t in (0.1, 0.2):
        found = index.query_pairs(Q, t)
        i, j = np.nonzero(dense >= t - 1e-6)
        assert found.n_pairs > 0
        np.testing.assert_array_equal(found.article_row, i)
        np.testing.assert_array_equal(found.neighbor_row, j)
        np.testing.assert_allclose(found.score, dense[i, j], rtol=1e-5)
        assert found.neighbor_id[0] == index.ids_[j[0]]
        frame = found.to_frame()
        assert "article_id" not in frame.columns and list(frame.neighbor_id[:1]) == [
            index.ids_[j[0]]
        ]


def random_matrix(rows: int, cols: int, density: float, seed: int) -> sp.csr_matrix:
    X = sp.random(rows, cols, density=density, format="csr", dtype=np.float64, random_state=seed)
    X.data = np.abs(X.data) + 0.01
    return sp.csr_matrix(X.multiply(1 / np.sqrt(X.multiply(X).sum(axis=1)).clip(1e-12)))


@pytest.fixture(scope="module")
def gnad_index(gnad: Any) -> tuple[SimilarityIndex, sp.csr_matrix]:
    vec = newsim.TfidfVectorizer(language="de")
    X = vec.fit_transform(gnad.texts[:600])
    ids = [f"gnad-{i}" for i in range(X.shape[0])]
    Q = vec.transform(gnad.texts[600:700])
    return vec.index(gnad.texts[:600], ids=ids), Q


@pytest.fixture()
def small() -> SimilarityIndex:
    X = random_matrix(40, 30, 0.2, 1)
    return SimilarityIndex(
        X, ids=[f"a{i}" for i in range(40)], feature_names=[f"t{c}" for c in range(30)]
    )


def errors(data: bytes, tmp_path: Any) -> list[str]:
    """The messages of loading ``data`` by every path (bytes, mapped file, read file)."""
    path = tmp_path / "damaged.nsi"
    path.write_bytes(data)
    out = []
    for load in (
        lambda: SimilarityIndex._from_core(
            newsim._core.SimilarityIndex.from_bytes(data), None, None
        ),
        lambda: SimilarityIndex.load(path),
        lambda: SimilarityIndex.load(path, mmap=False),
    ):
        with pytest.raises(ModelFormatError) as e:
            load()
        out.append(str(e.value))
    assert len(set(out)) == 1, out  # one message, however the file is read
    return out


# ---------------------------------------------------------------------------- round trips
@pytest.mark.parametrize("mmap", [True, False])
def test_a_saved_index_loads_with_the_same_results(
    gnad_index: Any, tmp_path: Any, mmap: bool
) -> None:
    index, Q = gnad_index
    path = tmp_path / "gnad.nsi"
    index.save(path)
    loaded = SimilarityIndex.load(path, mmap=mmap)
    assert loaded._index.mapped is mmap
    assert loaded.ids_.dtype == object and loaded.ids_[5] == "gnad-5"
    np.testing.assert_array_equal(loaded.feature_names_, index.feature_names_)
    same_results(index, loaded, Q)
    # Saved again, a loaded index writes the very same bytes.
    loaded.save(tmp_path / "again.nsi")
    assert (tmp_path / "again.nsi").read_bytes() == path.read_bytes()


def test_pickle_ships_the_same_bytes(gnad_index: Any, tmp_path: Any) -> None:
    index, Q = gnad_index
    index.save(tmp_path / "gnad.nsi")
    back = pickle.loads(pickle.dumps(index))
    assert type(back) is SimilarityIndex and not back._index.mapped
    same_results(index, back, Q)
    assert back._index.to_bytes(**back._labels()) == (tmp_path / "gnad.nsi").read_bytes()
    # A loaded (mapped) index pickles too, and its settings travel.
    loaded = SimilarityIndex.load(tmp_path / "gnad.nsi", n_jobs=2, progress=False)
    again = pickle.loads(pickle.dumps(loaded))
    assert (again.n_jobs, again.progress) == (2, False)
    same_results(loaded, again, Q)


@pytest.mark.parametrize(
    "ids",
    [None, list(range(100, 140)), np.arange(40, dtype=np.uint32) * 7, [f"ü{i}" for i in range(40)]],
    ids=["rows", "ints", "uint32", "str"],
)
@pytest.mark.parametrize("names", [False, True])
def test_every_kind_of_labels_round_trips(ids: Any, names: bool, tmp_path: Any) -> None:
    X = random_matrix(40, 30, 0.2, 2)
    terms = [f"wört{c}" for c in range(30)] if names else None
    index = SimilarityIndex(X, ids=ids, feature_names=terms)
    index.save(tmp_path / "x.nsi")
    for loaded in (SimilarityIndex.load(tmp_path / "x.nsi"), pickle.loads(pickle.dumps(index))):
        assert loaded._has_ids is (ids is not None)
        assert loaded.ids_.dtype == index.ids_.dtype
        assert not loaded.ids_.flags.writeable
        assert (loaded.feature_names_ is None) is (not names)
        if names:
            assert loaded.feature_names_.tolist() == terms
        same_results(index, loaded)
        assert repr(loaded) == repr(index)


def test_edge_shapes_round_trip(tmp_path: Any) -> None:
    for X in (
        sp.csr_matrix((0, 5), dtype=np.float32),  # no articles
        sp.csr_matrix((3, 0), dtype=np.float32),  # no features
        sp.csr_matrix((4, 6), dtype=np.float32),  # nothing stored
        sp.csr_matrix(np.array([[0.0, -0.5], [0.3, 0.0], [-2.0, 1.0]])),  # negative, unnormalized
    ):
        index = SimilarityIndex(X)
        index.save(tmp_path / "e.nsi")
        loaded = SimilarityIndex.load(tmp_path / "e.nsi")
        assert (loaded.n_articles, loaded.n_features, loaded.nnz) == (
            index.n_articles,
            index.n_features,
            index.nnz,
        )
        assert loaded.normalized_ == index.normalized_
        if X.shape[0] and X.shape[1]:
            same_results(index, loaded)


def test_save_replaces_a_file_atomically_and_a_mapped_index_survives(
    small: SimilarityIndex, tmp_path: Any
) -> None:
    path = tmp_path / "x.nsi"
    small.save(path)
    mapped = SimilarityIndex.load(path)
    before = mapped.top_k(3)
    other = SimilarityIndex(random_matrix(10, 30, 0.3, 9))
    other.save(path)  # renamed over the mapped file: the mapping keeps the old one
    np.testing.assert_array_equal(mapped.top_k(3).scores, before.scores)
    assert SimilarityIndex.load(path).n_articles == 10
    assert sorted(os.listdir(tmp_path)) == ["x.nsi"]  # no temporary file left


def test_save_follows_the_umask(small: SimilarityIndex, tmp_path: Any) -> None:
    old = os.umask(0o027)
    try:
        small.save(tmp_path / "x.nsi")
    finally:
        os.umask(old)
    assert (os.stat(tmp_path / "x.nsi").st_mode & 0o777) == 0o640


def test_a_failed_save_leaves_nothing_and_says_why(small: SimilarityIndex, tmp_path: Any) -> None:
    with pytest.raises(FileNotFoundError, match="no-such-folder"):
        small.save(tmp_path / "no-such-folder" / "x.nsi")
    (tmp_path / "a-file").write_bytes(b"old")
    with pytest.raises(NotADirectoryError):
        small.save(tmp_path / "a-file" / "x.nsi")
    assert sorted(os.listdir(tmp_path)) == ["a-file"]


def test_a_write_that_fails_midway_leaves_the_old_file(tmp_path: Any) -> None:
    # A full disk, simulated by a file size limit (RLIMIT_FSIZE, SIGXFSZ ignored): write()
    # fails with EFBIG partway through the new file.
    code = f"""
import os, resource, signal, sys
import numpy as np, scipy.sparse as sp
from newsim import SimilarityIndex
X = sp.random(3000, 2000, density=0.02, format="csr", dtype=np.float32, random_state=0)
path = {str(tmp_path / "x.nsi")!r}
SimilarityIndex(X[:10]).save(path)
old = open(path, "rb").read()
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (200_000, 200_000))
try:
    SimilarityIndex(X).save(path)
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
    assert "['x.nsi']" in out, out  # the temporary file removed


def test_bad_arguments_are_named(small: SimilarityIndex, tmp_path: Any) -> None:
    with pytest.raises(TypeError, match="path must be a str or path-like, got int"):
        small.save(3)  # type: ignore[arg-type]
    with pytest.raises(FileNotFoundError, match=r"nope\.nsi"):
        SimilarityIndex.load(tmp_path / "nope.nsi")
    with pytest.raises(IsADirectoryError):
        SimilarityIndex.load(tmp_path)
    with pytest.raises(ValueError, match="n_jobs"):
        SimilarityIndex.load(tmp_path / "nope.nsi", n_jobs=0)


def test_threads_query_a_loaded_index_while_another_saves_it(
    gnad_index: Any, tmp_path: Any
) -> None:
    index, Q = gnad_index
    path = tmp_path / "gnad.nsi"
    index.save(path)
    loaded = SimilarityIndex.load(path)
    expected = index.query(Q, k=5)
    failures: list[BaseException] = []

    def query() -> None:
        try:
            for _ in range(5):
                got = loaded.query(Q, k=5)
                np.testing.assert_array_equal(got.scores, expected.scores)
        except BaseException as e:
            failures.append(e)

    def save() -> None:
        try:
            for _ in range(5):
                loaded.save(path)
                SimilarityIndex.load(path)
        except BaseException as e:
            failures.append(e)

    threads = [threading.Thread(target=query) for _ in range(3)] + [threading.Thread(target=save)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not failures, failures


# ---------------------------------------------------------------------------- damaged files
def test_foreign_files_are_named(small: SimilarityIndex, tmp_path: Any) -> None:
    model = tmp_path / "m.newsim"
    newsim.TfidfVectorizer().fit(["Regierung und Haus", "Haus am See"]).save(model)
    with pytest.raises(ModelFormatError, match=r"newsim model file .* TfidfVectorizer\.load\(\)"):
        SimilarityIndex.load(model)
    small.save(tmp_path / "x.nsi")
    with pytest.raises(
        ModelFormatError, match=r"index file, not a newsim model.*SimilarityIndex\.load"
    ):
        newsim.TfidfVectorizer.load(tmp_path / "x.nsi")
    for data in (b"", b"PK\x03\x04 a zip file", b"NEWSIMI\x1a"):
        msg = errors(data, tmp_path)[0]
        assert "index" in msg


def test_a_newer_version_asks_for_an_upgrade(small: SimilarityIndex, tmp_path: Any) -> None:
    data = bytearray(small._index.to_bytes(**small._labels()))
    struct.pack_into("<I", data, 8, 2)
    assert "version 2 is not supported" in errors(reseal(bytes(data)), tmp_path)[0]
    assert "upgrade newsim" in errors(reseal(bytes(data)), tmp_path)[0]
    data = bytearray(small._index.to_bytes(**small._labels()))
    struct.pack_into("<I", data, 52, 64)  # a flag this newsim does not know
    assert "newer newsim" in errors(reseal(bytes(data)), tmp_path)[0]


def test_truncated_at_every_section_boundary(small: SimilarityIndex, tmp_path: Any) -> None:
    data = small._index.to_bytes(**small._labels())
    cuts = {1, 8, 63, HEADER, HEADER + ENTRY, len(data) - 1}
    for _, offset, length in sections(data):
        cuts |= {offset, offset + 1, offset + length - 1, offset + length}
    for cut in sorted(c for c in cuts if 0 < c < len(data)):
        msg = errors(data[:cut], tmp_path)[0]
        assert "truncated" in msg, (cut, msg)
    assert "extended" in errors(data + b"\0", tmp_path)[0]


def test_a_flipped_bit_anywhere_is_caught(small: SimilarityIndex, tmp_path: Any) -> None:
    data = small._index.to_bytes(**small._labels())
    rng = np.random.default_rng(0)
    positions = set(rng.integers(0, len(data), 40).tolist()) | {0, 9, 17, 30, 50, 61, HEADER + 9}
    for _, offset, length in sections(data):
        positions |= {offset - 1, offset, offset + length - 1}  # the padding before, too
    for pos in sorted(positions):
        flipped = bytearray(data)
        flipped[pos] ^= 1 << int(rng.integers(0, 8))
        path = tmp_path / "f.nsi"
        path.write_bytes(bytes(flipped))
        with pytest.raises(ModelFormatError, match="newsim"):
            SimilarityIndex.load(path)


@pytest.mark.parametrize(
    "damage, expected",
    [
        ("column_out_of_range", "row 0's columns are not increasing or out of range"),
        ("columns_unsorted", "are not increasing"),
        ("nan_weight", "zero, infinite or NaN"),
        ("row_offsets", "row offsets"),
        ("postings_weight", "not the transpose of the rows"),
        ("postings_row", "not the transpose of the rows"),
        ("duplicate_id", "is given to more than one article"),
        ("bad_utf8_id", "not valid UTF-8"),
        ("huge_shape", "out of range"),
        ("section_kind", "has kind"),
        ("misaligned", "is not where it belongs"),
        ("padding", "non-zero bytes before section"),
    ],
)
def test_a_resealed_but_inconsistent_file_is_refused(
    small: SimilarityIndex, tmp_path: Any, damage: str, expected: str
) -> None:
    data = bytearray(small._index.to_bytes(**small._labels()))

    def at(kind: int) -> int:
        return section_of(bytes(data), kind)[0]

    def move_a_posting() -> None:
        # The last row of some column, moved to row 39: still increasing, but not the rows'.
        offsets = np.frombuffer(bytes(data), np.int32, 31, at(4))
        rows = np.frombuffer(bytes(data), np.int32, int(offsets[-1]), at(5))
        c = next(
            c for c in range(30) if offsets[c + 1] > offsets[c] and rows[offsets[c + 1] - 1] < 39
        )
        struct.pack_into("<i", data, at(5) + 4 * int(offsets[c + 1] - 1), 39)

    edits: dict[str, Callable[[], None]] = {
        "column_out_of_range": lambda: struct.pack_into("<i", data, at(2), 10**6),
        "columns_unsorted": lambda: struct.pack_into(
            "<i", data, at(2) + 4, struct.unpack_from("<i", data, at(2))[0]
        ),
        "nan_weight": lambda: struct.pack_into("<f", data, at(3) + 8, float("nan")),
        "row_offsets": lambda: struct.pack_into("<i", data, at(1) + 4 * 5, 10**6),
        "postings_weight": lambda: struct.pack_into(
            "<f", data, at(6), struct.unpack_from("<f", data, at(6))[0] * 0.5
        ),
        "postings_row": lambda: move_a_posting(),
        "duplicate_id": lambda: data.__setitem__(slice(at(9), at(9) + 2), b"a1"),
        "bad_utf8_id": lambda: data.__setitem__(slice(at(9), at(9) + 1), b"\xff"),
        "padding": lambda: data.__setitem__(at(2) - 1, 7),  # the byte before a section
        "huge_shape": lambda: struct.pack_into("<Q", data, 24, 2**40),
        "section_kind": lambda: struct.pack_into("<I", data, HEADER + ENTRY, 7),
        "misaligned": lambda: struct.pack_into("<Q", data, HEADER + ENTRY + 8, at(2) + 4),
    }
    edits[damage]()
    msg = errors(reseal(bytes(data)), tmp_path)[0]
    assert msg.startswith("corrupted newsim index file: "), msg
    assert expected in msg, msg


def test_labels_that_do_not_fit_are_refused_at_save(small: SimilarityIndex, tmp_path: Any) -> None:
    with pytest.raises(
        ValueError, match="ids do not fit the index: there are 2 ids for 40 articles"
    ):
        small._index.save(str(tmp_path / "x.nsi"), ids=["a", "b"])
    with pytest.raises(ValueError, match="is given to more than one article"):
        small._index.save(str(tmp_path / "x.nsi"), ids=np.zeros(40, dtype=np.int64))
    with pytest.raises(
        ValueError, match="feature_names do not fit the index: there are 1 terms for 30"
    ):
        small._index.save(str(tmp_path / "x.nsi"), feature_names=["x"])
    with pytest.raises(TypeError, match=r"ids\[0\] is int"):
        small._index.save(str(tmp_path / "x.nsi"), ids=[1] * 40)
    assert os.listdir(tmp_path) == []
