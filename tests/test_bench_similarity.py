"""Tests of the synthetic corpus generator and the similarity benchmark's helpers.

Fast (a few seconds), no newsim.SimilarityIndex needed.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp

# benchmarks/ is a package at the repo root, which is not on sys.path under pytest
if str(Path(__file__).resolve().parent.parent) not in sys.path:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import bench_similarity as bs
from benchmarks import generate as gen
from benchmarks import harness, memory_state

# --------------------------------------------------------------------------------------
# generator


def test_generator_is_deterministic_and_prefix_stable():
    a = gen.generate(1500, seed=3)
    assert a == gen.generate(1500, seed=3)
    assert a != gen.generate(1500, seed=4)
    assert len(a) == 1500
    # batches do not change the documents; a smaller corpus is a prefix of a bigger one
    streamed = [d for batch in gen.iter_batches(1500, batch_size=333, seed=3) for d in batch]
    assert streamed == a
    assert gen.generate(700, seed=3) == a[:700]
    assert [len(b) for b in gen.iter_batches(1500, batch_size=600, seed=3)] == [600, 600, 300]


def test_generator_lengths_and_words():
    m = gen.DEFAULT_MODEL
    lengths, ids = next(gen.iter_token_ids(2000, batch_size=2000, seed=0))
    assert len(lengths) == 2000 and int(lengths.sum()) == len(ids)
    assert lengths.min() >= m.min_length > 0 and lengths.max() <= m.max_length
    assert 250 < lengths.mean() < 350  # log-normal with mean ~300
    assert ids.min() >= 0
    texts = gen.to_texts(lengths[:50], ids[: int(lengths[:50].sum())])
    assert [len(t.split(" ")) for t in texts] == lengths[:50].tolist()
    assert all(t.islower() and t.replace(" ", "").isalpha() and t.isascii() for t in texts)
    # id <-> word is a bijection, frequent (small) ids are short
    some = np.array([0, 1, 74, 75, 76, 5699, 5700, 10**9, 10**12 * 51])
    words = gen.word_of(some)
    assert len(set(words)) == len(words)
    assert [gen.id_of(w) for w in words] == some.tolist()
    assert len(words[0]) == 2 and len(words[-1]) > 10
    fw = gen.function_words()
    assert len(fw) == m.n_function_words and len(set(fw)) == len(fw)


def test_generator_heaps_and_zipf():
    n = 4000
    seen = []
    for _lengths, ids in gen.iter_token_ids(2 * n, batch_size=n, seed=0):
        seen.append(ids)
    v1 = np.unique(seen[0]).size
    v2 = np.unique(np.concatenate(seen)).size
    # sub-linear vocabulary growth: doubling the corpus adds words, but fewer than double
    assert 1.2 * v1 < v2 < 1.9 * v1
    _docs, toks, voc = gen.vocabulary_growth(n, points=8, seed=0)
    assert (np.diff(voc) > 0).all() and (np.diff(toks) > 0).all()
    _k, beta = gen.heaps_fit(toks, voc)
    assert 0.45 < beta < 0.8
    # Zipf: the most frequent word is far more frequent than the 100th
    counts = np.sort(np.unique(seen[0], return_counts=True)[1])[::-1]
    assert counts[0] > 20 * counts[99]


def test_generator_neighbours_are_topical():
    from sklearn.feature_extraction.text import TfidfVectorizer

    n = 1000
    texts = gen.generate(n, seed=0)
    topics = gen.primary_topics(n, seed=0)
    assert topics.shape == (n,) and 0 <= topics.min() and topics.max() < gen.DEFAULT_MODEL.n_topics
    X = TfidfVectorizer(sublinear_tf=True, stop_words=gen.function_words()).fit_transform(texts)
    S = (X @ X.T).toarray()
    np.fill_diagonal(S, -1)
    same = (topics[S.argmax(axis=1)] == topics).mean()
    chance = ((np.bincount(topics) / n) ** 2).sum()
    assert same > 0.6 > 5 * chance
    # near-duplicates exist (about 3 % of the documents)
    assert 5 <= (S.max(axis=1) > 0.8).sum() <= 150


# --------------------------------------------------------------------------------------
# selection and agreement helpers


def _random_unit(n: int = 40, d: int = 25, density: float = 0.3, seed: int = 0) -> sp.csr_matrix:
    X = sp.random(n, d, density=density, random_state=seed, format="csr", dtype=np.float64)
    norms = np.sqrt(np.asarray(X.multiply(X).sum(axis=1)).ravel())
    X = sp.diags(np.where(norms > 0, 1 / np.maximum(norms, 1e-30), 0)) @ X
    return sp.csr_matrix(X)


def _dense_reference(X: sp.csr_matrix, k: int) -> tuple[np.ndarray, np.ndarray]:
    S = (X @ X.T).toarray()
    np.fill_diagonal(S, -np.inf)
    return bs.topk_from_dense(S, k)


def test_topk_from_csr_both_paths_match_dense():
    X = _random_unit()
    S = (X @ X.T).tocsr()
    ids_loop, sc_loop = bs.topk_from_csr(S, 5)  # dense rows: per-row loop
    _ref_ids, ref_sc = _dense_reference(X, 5)
    assert ids_loop.shape == (40, 5)
    np.testing.assert_allclose(sc_loop, ref_sc)
    # few entries per row: the vectorised path; same answer on the top-6 per row
    small = sp.csr_matrix(S.shape)
    rows = np.repeat(np.arange(40), 6)
    top6, top6_sc = bs.topk_from_dense(S.toarray(), 6)
    small = sp.csr_matrix((top6_sc.ravel(), (rows, top6.ravel())), shape=S.shape)
    ids_vec, sc_vec = bs.topk_from_csr(small, 5)
    np.testing.assert_array_equal(ids_vec, ids_loop)
    np.testing.assert_allclose(sc_vec, sc_loop)
    # self excluded, sorted descending
    assert not (ids_loop == np.arange(40)[:, None]).any()
    assert (np.diff(sc_loop, axis=1) <= 0).all()


def test_topk_from_csr_padding_and_ties():
    S = sp.csr_matrix(
        np.array(
            [
                [1.0, 0.5, 0.5, 0.0],
                [0.5, 1.0, 0.0, 0.0],
                [0.5, 0.0, 1.0, 0.0],
                [0.0, 0.0, 0.0, 0.0],
            ]
        )
    )
    ids, sc = bs.topk_from_csr(S, 3)
    assert ids.tolist() == [[1, 2, -1], [0, -1, -1], [0, -1, -1], [-1, -1, -1]]
    assert sc[0].tolist() == [0.5, 0.5, 0.0]
    ids2, _ = bs.topk_from_csr(S, 3, exclude_self=False)
    assert ids2[0].tolist() == [0, 1, 2]  # ties by ascending id


def test_check_topk_rules():
    X = _random_unit(seed=1)
    ref_ids, ref_sc = _dense_reference(X, 4)
    ok = bs.check_topk(ref_ids, ref_sc.astype(np.float32), ref_ids, ref_sc, X)
    assert ok.share == 1.0 and ok.n_same_set == 40 and ok.max_score_err < 1e-6
    assert ok.summary().startswith("100.00% (40/40 rows")

    # a wrong neighbour in row 0 (replaced by the 5th best, which has a lower score)
    ids5, sc5 = _dense_reference(X, 5)
    bad_ids, bad_sc = ref_ids.copy(), ref_sc.copy()
    bad_ids[0, 3], bad_sc[0, 3] = ids5[0, 4], sc5[0, 4]
    chk = bs.check_topk(bad_ids, bad_sc, ref_ids, ref_sc, X)
    assert chk.n_agree == 39 and chk.n_invalid == 0

    # a tie: same scores, different id -> agrees; but a lie about the score is caught with X
    tie_ids = ref_ids.copy()
    tie_ids[0, 3] = ids5[0, 4]
    tie_sc = ref_sc.copy()
    assert bs.check_topk(tie_ids, tie_sc, ref_ids, ref_sc).n_agree == 40  # no X: multiset rule
    assert bs.check_topk(tie_ids, tie_sc, ref_ids, ref_sc, X).n_agree == 39  # X: exact scores

    # self listed, duplicates, fewer columns
    selfy = ref_ids.copy()
    selfy[2, 0] = 2
    chk = bs.check_topk(selfy, ref_sc, ref_ids, ref_sc)
    assert chk.n_invalid == 1 and "self listed in 1 rows" in chk.summary()
    dup = ref_ids.copy()
    dup[3, 1] = dup[3, 0]
    assert "duplicate ids in 1 rows" in bs.check_topk(dup, ref_sc, ref_ids, ref_sc).summary()
    narrow = bs.check_topk(ref_ids[:, :3], ref_sc[:, :3], ref_ids, ref_sc)
    assert "3 columns, expected 4" in narrow.summary()

    # padding (-1, 0.0) agrees with zero-score neighbours of the reference
    r_ids = np.array([[1, 2, 3]])
    r_sc = np.array([[0.9, 0.0, 0.0]])
    assert bs.check_topk(np.array([[1, -1, -1]]), np.array([[0.9, 0, 0]]), r_ids, r_sc).share == 1


def test_check_pairs_and_borderline():
    X = sp.csr_matrix(
        np.array(
            [
                [1.0, 0.0],
                [1.0, 0.0],
                [0.8, 0.6],  # cos with rows 0/1 = 0.8 exactly (borderline at t=0.8)
                [0.0, 1.0],
            ]
        )
    )
    ref = (np.array([0, 0, 1]), np.array([1, 2, 2]))
    assert bs.check_pairs(*ref, *ref, X, 0.8).agrees
    swapped = bs.check_pairs(np.array([1, 0, 1]), np.array([0, 2, 2]), *ref, X, 0.8)
    assert swapped.n_common == 3 and swapped.problems == ["1 pairs with i > j"]
    assert not swapped.agrees  # the order i < j is part of the contract
    # missing a borderline pair is fine, missing a clear pair is not
    fine = bs.check_pairs(np.array([0, 0]), np.array([1, 2]), *ref, X, 0.8)
    assert fine.agrees and fine.n_missing == 1 and fine.n_missing_borderline == 1
    wrong = bs.check_pairs(np.array([0, 1]), np.array([2, 2]), *ref, X, 0.8)
    assert not wrong.agrees and wrong.n_missing == 1 and wrong.n_missing_borderline == 0
    extra = bs.check_pairs(np.array([0, 0, 1, 2]), np.array([1, 2, 2, 3]), *ref, X, 0.8)
    assert not extra.agrees and extra.n_extra == 1
    scored = bs.check_pairs(*ref, *ref, X, 0.8, score=np.array([1.0, 0.8, 0.5]))
    assert not scored.agrees and "1 wrong scores" in scored.summary()
    keys, problems = bs.pair_keys(np.array([2, 0, 0]), np.array([0, 2, 0]), 4)
    assert keys.tolist() == [0, 2] and len(problems) == 3  # i > j, self pair, duplicate


def test_memory_prediction_skips_dense_anchor():
    n = 100_000
    need = bs.predict_bytes("dense_topk", n, nnz_s=float(n * n))
    assert need == pytest.approx(3 * 8 * n * n) and need > 24 * bs.GiB
    assert bs.predict_bytes("newsim", n, 1.0) is None
    assert bs.predict_bytes("sdtn", n, float(n * n)) < 1e9
    ds = bs.Dataset(_random_unit(n=30).astype(np.float32), "tiny", False, 0.0)
    res = bs.run_task(
        "top-k",
        ds,
        bs.topk_specs(3, with_newsim=False)[:2],
        rounds=1,
        warmup=1,
        memory=False,
        mem_limit=1.0,  # bytes: nothing fits
        time_limit=0,
        previous={},
        compare=None,
        describe=None,
        progress=lambda _m: None,
        workdir=Path("."),
    )
    assert res.bench is None and len(res.skipped) == 2
    assert all("would need" in why for why in res.skipped.values())


def test_run_task_and_section(tmp_path):
    X = sp.csr_matrix(_random_unit(n=60, d=40, seed=2), dtype=np.float32)
    ds = bs.Dataset(X, "tiny random", False, 0.0)
    specs = [s for s in bs.topk_specs(4, with_newsim=False) if "gensim" not in s.name][:2]
    previous: dict = {}
    res = bs.run_task(
        "top-k",
        ds,
        specs,
        rounds=2,
        warmup=1,
        memory=False,
        mem_limit=1e12,
        time_limit=0,
        previous=previous,
        compare=bs.TopkComparer(X),
        describe=None,
        progress=lambda _m: None,
        workdir=tmp_path,
    )
    assert res.bench is not None and not res.skipped
    scipy_res = res.result("scipy X @ X.T + per-row top-k")
    assert scipy_res is not None and scipy_res.check.startswith("100.00% (60/60 rows")
    assert set(previous) == {s.name for s in specs}

    sampled = bs.SampledTopkCheck(X, 4, n_rows=10)
    out = bs.make_scipy(k=4)(X)
    assert sampled(out).startswith("sampled 10 rows: 100.00%")

    section = bs.render_section(
        command="python benchmarks/bench_similarity.py --quick",
        main_task=res,
        scaling=[res],
        pairs=None,
        latency=None,
        messages=["newsim contenders skipped: test"],
        plot=None,
        rounds=2,
    )
    out_md = tmp_path / "RESULTS.md"
    out_md.write_text("# Results\n\nkeep\n", encoding="utf-8")
    harness.update_section(out_md, bs.SECTION, section)
    text = out_md.read_text(encoding="utf-8")
    assert text.startswith("# Results\n\nkeep\n")
    body = text.split("<!-- similarity:begin -->")[1].split("<!-- similarity:end -->")[0]
    for needle in ("- date: ", "- versions: ", "sparse_dot_topn", "| **sklearn", "100.00%"):
        assert needle in body
    lines = [ln for ln in body.splitlines() if ln.startswith("| ")]
    assert lines and all(ln.count(" | ") == lines[0].count(" | ") for ln in lines[:3])

    # --json / --render-json round trip: same tables without measuring again
    back = bs._task_from_dict(bs._task_dict(res))
    assert back is not None and back.anchor_ran
    assert bs.render_task_table(back, "x") == bs.render_task_table(res, "x")


def test_cli_quick_parses():
    args = bs.build_parser().parse_args(["--quick", "--out", "x.md"])
    assert args.quick and args.out == "x.md" and args.k == 10 and args.threshold == 0.8


# --------------------------------------------------------------------------------------
# memory_state.py


def test_memory_state_times_a_call_after_the_pause_and_one_right_after(monkeypatch):
    events: list[str] = []
    monkeypatch.setattr(memory_state.time, "sleep", lambda s: events.append(f"pause {s:g}"))

    def run(X):
        events.append("call")
        return X

    res = memory_state.measure(np.zeros(3), [("a", run)], rounds=2, pause=7, progress=print)
    # one untimed warm-up, then per round: pause, the call after it, the call right after
    assert events == ["call"] + ["pause 7", "call", "call"] * 2
    assert [len(res["a"][key]) for key in ("pause", "again")] == [2, 2]
    assert all(wall >= 0 and sys_s >= 0 for wall, sys_s in res["a"]["pause"] + res["a"]["again"])
    text = memory_state.render(
        {"a": {"pause": [(2.0, 1.0), (4.0, 3.0)], "again": [(1.0, 0.5), (1.0, 0.5)]}},
        "python benchmarks/memory_state.py",
        "tiny",
        15,
    )
    assert "| a | 3.000 s (sys 2.00 s) | 1.000 s (sys 0.50 s) | 3.00 |" in text
    assert "after a 15 s pause" in text
