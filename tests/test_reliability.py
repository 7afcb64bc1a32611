"""Issue 18's findings, each as a test that failed on 0bd38d2 (before the fix)."""

from __future__ import annotations

import pytest

from newsim import TfidfVectorizer

DOCS = ["Ein Haus am See", "The house by the lake", "Noch ein Haus"]


# ------------------------------------------------------- finding 6: unclear errors for options


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"weighting": None}, r"weighting must be one of 'tfidf', 'bm25', 'bm25\+', got None"),
        ({"compounds": None}, r"compounds must be one of 'split', 'whole', 'both', got None"),
    ],
)
def test_none_for_a_named_choice_names_the_choices(params: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        TfidfVectorizer(**params).fit(DOCS)


def test_a_str_for_a_number_is_a_type_error() -> None:
    with pytest.raises(TypeError, match=r"k1 must be a real number, got '1' \(str\)"):
        TfidfVectorizer(weighting="bm25", k1="1").fit(DOCS)
    # ... and still a ValueError, for code that catches scikit-learn's InvalidParameterError so
    with pytest.raises(ValueError, match=r"k1 must be a real number"):
        TfidfVectorizer(weighting="bm25", k1="1").fit(DOCS)


# ------------------------------------------------------- finding 2: saves that cannot collide


def test_threads_saving_to_one_path_leave_one_whole_model(tmp_path) -> None:
    import threading

    small = TfidfVectorizer(language=None).fit(DOCS)
    large = TfidfVectorizer(language=None, ngram_range=(1, 3)).fit(DOCS * 50 + ["x"] * 3)
    path = tmp_path / "model.newsim"
    errors: list[BaseException] = []

    def save(vec: TfidfVectorizer) -> None:
        try:
            for _ in range(20):
                vec.save(path)
        except BaseException as exc:  # collected for the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=save, args=(v,)) for v in (small, large, small, large)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    loaded = TfidfVectorizer.load(path)  # whole: one of the two models, not a mixture
    assert loaded.vocabulary_ in (small.vocabulary_, large.vocabulary_)
    assert [p.name for p in tmp_path.iterdir()] == ["model.newsim"]  # no temporary file left


def test_failed_save_leaves_the_earlier_file_and_no_temporary(tmp_path) -> None:
    vec = TfidfVectorizer(language=None).fit(DOCS)
    path = tmp_path / "model.newsim"
    vec.save(path)
    before = path.read_bytes()
    with pytest.raises(IsADirectoryError):
        vec.save(tmp_path)  # a folder is no file
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.newsim"]


# ------------------------------------------------------- finding 6: a stateless model saves


def test_hashing_without_idf_saves_after_fit_and_without_it(tmp_path) -> None:
    from newsim import HashingVectorizer

    for vec in (HashingVectorizer(n_features=2**10).fit(DOCS), HashingVectorizer(n_features=64)):
        vec.save(tmp_path / "h.newsim")
        loaded = HashingVectorizer.load(tmp_path / "h.newsim")
        assert loaded.n_features == vec.n_features
        assert (loaded.transform(DOCS) != vec.transform(DOCS)).nnz == 0


# ------------------------------------------------------- finding 1: fitting beside readers


def _corpus() -> list[str]:
    from newsim import datasets

    texts = list(datasets.load_sample().texts)
    words = " ".join(texts).split()
    # 600 documents of 40 words each, drawn from the sample articles' words (deterministic).
    return [" ".join(words[(i * 37 + k * 11) % len(words)] for k in range(40)) for i in range(600)]


@pytest.mark.parametrize("writer", ["partial_fit", "fit"])
def test_readers_see_the_model_before_or_after_a_writer(writer: str) -> None:
    """8 threads transform while the main thread partial_fits or refits: no crash, no error.

    On 0bd38d2 this crashed the process (SIGABRT or SIGSEGV, heap corruption) in 4 of 4 runs
    with partial_fit, and fit made the readers raise NotFittedError for a fitted model.
    """
    import threading

    docs = _corpus()
    vec = TfidfVectorizer(ngram_range=(1, 1), language=None).fit(docs[:300])
    probe = docs[300:320]
    widths = {len(vec.vocabulary_)}
    errors: list[BaseException] = []
    stop = threading.Event()

    def read() -> None:
        try:
            while not stop.is_set():
                X = vec.transform(probe)
                assert X.shape[0] == len(probe)
                widths.add(X.shape[1])
        except BaseException as exc:  # collected for the assertion below
            errors.append(exc)

    readers = [threading.Thread(target=read) for _ in range(8)]
    for t in readers:
        t.start()
    try:
        for i in range(6):
            batch = docs[i * 50 : (i + 1) * 50]
            if writer == "partial_fit":
                vec.partial_fit(batch)
            else:
                vec.fit(docs[: 300 + (i + 1) * 50])
    finally:
        stop.set()
        for t in readers:
            t.join()
    assert errors == []
    # Each matrix a reader got had the width of a whole published model.
    assert len(vec.vocabulary_) in widths or writer == "partial_fit"
    assert vec.transform(probe).shape[1] == len(vec.vocabulary_)


def test_partial_fit_on_one_vectorizer_from_several_threads_adds_every_batch() -> None:
    import threading

    docs = _corpus()
    vec = TfidfVectorizer(ngram_range=(1, 1), language=None).fit(docs[:100])
    threads = [
        threading.Thread(target=vec.partial_fit, args=(docs[100 + 50 * i : 150 + 50 * i],))
        for i in range(6)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert vec.n_documents_ == 400
    expected = TfidfVectorizer(ngram_range=(1, 1), language=None).fit(docs[:400])
    assert vec.vocabulary_ == expected.vocabulary_
    assert (abs(vec.transform(docs[:50]) - expected.transform(docs[:50])) > 1e-6).nnz == 0


# ------------------------------------------------------- finding 5: Ctrl-C in partial_fit


def test_interrupted_partial_fit_leaves_the_statistics_unchanged() -> None:
    """A progress callback that raises stands for Ctrl-C: the batch is in whole or not at all."""
    docs = _corpus()
    vec = TfidfVectorizer(ngram_range=(1, 1), language=None).fit(docs[:100])
    core = vec._core
    calls = {"n": 0}

    def interrupt(done: int, total: int) -> None:
        calls["n"] += 1
        if done >= total:  # the last look before the commit
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        core.partial_fit(docs[100:400], progress=interrupt)
    assert calls["n"] >= 1
    assert vec.n_documents_ == 100
    vec.partial_fit(docs[100:400])  # the retry counts the batch once
    assert vec.n_documents_ == 400


# ------------------------------------------------------- finding 3: vocabularies that match


def test_a_vocabulary_of_ordinary_words_counts_their_forms() -> None:
    vec = TfidfVectorizer(vocabulary=["häuser", "regierung", "straße"], language="de")
    X = vec.fit_transform(["Die Häuser der Regierung an der Straße", "Ein Haus ohne Straßen"])
    # The columns keep the words as given; each counts what the analyzer makes of its word.
    assert vec.vocabulary_ == {"häuser": 0, "regierung": 1, "straße": 2}
    assert list(vec.get_feature_names_out()) == ["häuser", "regierung", "straße"]
    assert (X.toarray() > 0).tolist() == [[True, True, True], [True, False, True]]


def test_a_normalized_word_and_its_forms_are_one_term_counted_once_per_document() -> None:
    vec = TfidfVectorizer(vocabulary=["Häuser"], language="de", sublinear_tf=False, norm=None)
    X = vec.fit_transform(["Haus und Häuser und Hauses", "nichts"])
    assert vec.df_.tolist() == [1]  # one document, however many forms it has
    assert X[0, 0] == pytest.approx(3 * vec.idf_[0])  # every form counted


def test_a_vocabulary_phrase_counts_the_word_pair() -> None:
    # Stop words drop out of a phrase as out of a text: 'Bank von England' is 'bank england'.
    vec = TfidfVectorizer(vocabulary=["Künstliche Intelligenz", "Bank von England"], language="de")
    X = vec.fit_transform(["Die künstlichen Intelligenzen", "Die Bank von England"])
    assert (X.toarray() > 0).tolist() == [[True, False], [False, True]]


@pytest.mark.parametrize("normalize", [True, False])
@pytest.mark.parametrize("pruning", [{}, {"min_df": 3}, {"max_features": 300}])
def test_a_fitted_vocabulary_passed_back_gives_the_same_model(
    gnad, normalize: bool, pruning: dict
) -> None:
    # German news with word pairs and compound splitting (decompound='auto'): a fixed vocabulary
    # used to split compounds against its own terms only, and with pruning gave other values
    # and idf than the fit it came from.
    docs = list(gnad.texts[:400])
    fitted = TfidfVectorizer(language="de", **pruning).fit(docs[:300])
    again = TfidfVectorizer(
        language="de", vocabulary=fitted.vocabulary_, normalize_vocabulary=normalize
    ).fit(docs[:300])
    assert again.idf_.tolist() == fitted.idf_.tolist()
    assert (again.transform(docs[300:]) != fitted.transform(docs[300:])).nnz == 0


def test_normalize_vocabulary_false_takes_the_terms_verbatim() -> None:
    vec = TfidfVectorizer(vocabulary=["häuser", "haus"], language="de", normalize_vocabulary=False)
    X = vec.fit_transform(["Die Häuser"])
    assert X.toarray().tolist()[0][0] == 0.0  # 'Häuser' is the term 'haus'
    assert X.toarray().tolist()[0][1] > 0


def test_vocabulary_entries_the_analyzer_cannot_produce_are_named_in_a_warning() -> None:
    vocabulary = ["Haus", "Häuser", "Die", "eins zwei drei", "Regierung"]
    with pytest.warns(UserWarning) as record:
        vec = TfidfVectorizer(vocabulary=vocabulary, language="de").fit(["Das Haus"])
    assert len(record) == 1
    message = str(record[0].message)
    assert "3 of the 5 vocabulary terms can never occur" in message
    assert "'Häuser' (column 1) is the term 'haus', as 'Haus' (column 0) is" in message
    assert "'Die' (column 2) is a stop word" in message
    assert "'eins zwei drei' (column 3) has 3 words" in message and "ngram_range=(1, 2)" in message
    assert "'Regierung'" not in message and vec.vocabulary_["Regierung"] == 4


def test_the_sklearn_drop_in_keeps_scikit_learns_verbatim_vocabulary() -> None:
    from sklearn.feature_extraction.text import TfidfVectorizer as SkTfidf

    from newsim import SklearnTfidfVectorizer

    docs = ["Die Häuser am See", "häuser"]
    with pytest.warns(UserWarning, match="Upper case characters found in vocabulary"):
        ours = SklearnTfidfVectorizer(vocabulary=["Häuser", "häuser"]).fit_transform(docs)
    with pytest.warns(UserWarning, match="Upper case characters found in vocabulary"):
        theirs = SkTfidf(vocabulary=["Häuser", "häuser"]).fit_transform(docs)
    assert ours.toarray()[:, 0].tolist() == [0.0, 0.0]  # 'Häuser' never occurs once lowercased
    assert abs(ours - theirs).max() < 1e-6


def test_a_normalized_vocabulary_survives_save_and_load(tmp_path) -> None:
    vec = TfidfVectorizer(vocabulary=["häuser", "straße"], language="de").fit(["Häuser", "Straßen"])
    vec.save(tmp_path / "m.newsim")
    loaded = TfidfVectorizer.load(tmp_path / "m.newsim")
    assert loaded.normalize_vocabulary is True
    docs = ["Das Haus an der Straße"]
    assert (loaded.transform(docs) != vec.transform(docs)).nnz == 0
    assert vec.transform(docs).nnz == 2


def test_an_unfitted_estimator_pickled_before_a_parameter_existed_takes_its_default() -> None:
    import pickle

    vec = TfidfVectorizer(language=None)
    state = vec.__getstate__()
    del state["normalize_vocabulary"]  # as pickled by newsim 0.2
    old = TfidfVectorizer.__new__(TfidfVectorizer)
    old.__setstate__(state)
    assert old.get_params()["normalize_vocabulary"] is True
    assert pickle.loads(pickle.dumps(old)).fit(DOCS).n_documents_ == 3
