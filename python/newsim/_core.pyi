"""Type stubs of newsim's C++ core (private; use the newsim package)."""

from collections.abc import Callable, Iterable
from typing import Any, Optional

import numpy as np
import numpy.typing as npt

__version__: str

class ModelFormatError(ValueError): ...
class InvalidParameterError(ValueError, TypeError): ...

def option_defaults() -> dict[str, Any]: ...
def check_similarity_method(method: object) -> str: ...

_Csr = tuple[npt.NDArray[Any], npt.NDArray[Any], npt.NDArray[Any], tuple[int, int]]

class Vectorizer:
    # Keyword arguments: the options the core declares (see option_defaults()).
    def __init__(self, **options: Any) -> None: ...
    def fit(
        self,
        documents: Iterable[Any],
        *,
        n_jobs: int = 1,
        analyzed: bool = False,
        progress: Optional[Callable[[int, int], object]] = None,
    ) -> None: ...
    def fit_transform(
        self,
        documents: Iterable[Any],
        *,
        n_jobs: int = 1,
        analyzed: bool = False,
        progress: Optional[Callable[[int, int], object]] = None,
    ) -> _Csr: ...
    def transform(
        self,
        documents: Iterable[Any],
        *,
        n_jobs: int = 1,
        analyzed: bool = False,
        progress: Optional[Callable[[int, int], object]] = None,
    ) -> _Csr: ...
    def count_raw(
        self,
        documents: Iterable[Any],
        *,
        n_jobs: int = 1,
        analyzed: bool = False,
        progress: Optional[Callable[[int, int], object]] = None,
    ) -> dict[str, npt.NDArray[Any]]: ...
    def transform_raw(self, raw: dict[str, npt.NDArray[Any]], *, n_jobs: int = 1) -> _Csr: ...
    def vocabulary_keys(self) -> npt.NDArray[np.uint64]: ...
    def split_keys(
        self, candidate_offsets: npt.ArrayLike, candidate_bytes: npt.ArrayLike, *, n_jobs: int = 1
    ) -> npt.NDArray[np.uint64]: ...
    @staticmethod
    def raw_term_key(term: str) -> int: ...
    def partial_fit(
        self,
        documents: Iterable[Any],
        *,
        n_jobs: int = 1,
        analyzed: bool = False,
        progress: Optional[Callable[[int, int], object]] = None,
        first_document: int = 0,
    ) -> None: ...
    def finalize(self) -> None: ...
    def discard_stats(self) -> None: ...
    def merge(self, other: Vectorizer) -> Vectorizer: ...
    @property
    def has_stats(self) -> bool: ...
    @property
    def fitted(self) -> bool: ...
    @property
    def finalized(self) -> bool: ...
    @property
    def state_generation(self) -> int: ...
    @property
    def vocabulary_issues(self) -> list[tuple[int, str]]: ...
    @property
    def vocabulary(self) -> list[str]: ...
    @property
    def idf(self) -> npt.NDArray[np.float64]: ...
    @property
    def df(self) -> npt.NDArray[np.int64]: ...
    @property
    def n_docs(self) -> int: ...
    def options(self) -> dict[str, Any]: ...
    metadata: str
    def analyze(self, text: str) -> list[str]: ...
    def compound_parts(self, word: str) -> list[str]: ...
    def to_bytes(self) -> bytes: ...
    @staticmethod
    def from_bytes(data: bytes) -> Vectorizer: ...

_TopK = tuple[npt.NDArray[np.int64], npt.NDArray[np.float32]]

class WorkEstimate:
    def __init__(self, *args: Any, **kwargs: Any) -> None: ...  # not constructible: raises
    @property
    def kernel(self) -> str: ...
    @property
    def items(self) -> int: ...
    @property
    def units(self) -> float: ...
    @property
    def seconds(self) -> float: ...

class SimilarityIndex:
    def __init__(
        self,
        data: npt.NDArray[Any],
        indices: npt.NDArray[Any],
        indptr: npt.NDArray[Any],
        shape: tuple[int, int],
    ) -> None: ...
    @property
    def rows(self) -> int: ...
    @property
    def cols(self) -> int: ...
    @property
    def nnz(self) -> int: ...
    @property
    def nbytes(self) -> int: ...
    @property
    def normalized(self) -> bool: ...
    @property
    def ids(self) -> Optional[npt.NDArray[Any]]: ...
    @property
    def feature_names(self) -> Optional[npt.NDArray[Any]]: ...
    @property
    def mapped(self) -> bool: ...
    @property
    def model(self) -> Optional[bytes]: ...
    def rows_with_columns(self, columns: npt.ArrayLike) -> npt.NDArray[np.int64]: ...
    @property
    def archive(self) -> Optional[bytes]: ...
    @property
    def dates(self) -> Optional[npt.NDArray[np.int64]]: ...
    @property
    def dates_aware(self) -> bool: ...
    @property
    def source_codes(self) -> Optional[npt.NDArray[np.int32]]: ...
    @property
    def source_names(self) -> Optional[npt.NDArray[Any]]: ...
    def save(
        self,
        path: str,
        *,
        ids: Optional[Any] = None,
        feature_names: Optional[Any] = None,
        model: Optional[bytes] = None,
        archive: Optional[bytes] = None,
        dates: Optional[npt.NDArray[np.int64]] = None,
        dates_aware: bool = False,
        source_codes: Optional[npt.NDArray[np.int32]] = None,
        source_names: Optional[list[str]] = None,
    ) -> None: ...
    def to_bytes(
        self,
        *,
        ids: Optional[Any] = None,
        feature_names: Optional[Any] = None,
        model: Optional[bytes] = None,
        archive: Optional[bytes] = None,
        dates: Optional[npt.NDArray[np.int64]] = None,
        dates_aware: bool = False,
        source_codes: Optional[npt.NDArray[np.int32]] = None,
        source_names: Optional[list[str]] = None,
    ) -> bytes: ...
    @staticmethod
    def load(path: str, *, mmap: bool = True) -> SimilarityIndex: ...
    @staticmethod
    def from_bytes(data: bytes) -> SimilarityIndex: ...
    def merged(
        self,
        delta: Optional[SimilarityIndex] = None,
        *,
        removed: Optional[npt.NDArray[Any]] = None,
    ) -> SimilarityIndex: ...
    def csr_rows(
        self,
    ) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.int32], npt.NDArray[np.int32]]: ...
    def top_k_work(self, k: int, *, method: str = "auto") -> WorkEstimate: ...
    def pairs_work(self, *, method: str = "auto") -> WorkEstimate: ...
    def query_work(
        self,
        data: npt.NDArray[Any],
        indices: npt.NDArray[Any],
        indptr: npt.NDArray[Any],
        shape: tuple[int, int],
        *,
        method: str = "auto",
    ) -> WorkEstimate: ...
    def top_k(
        self,
        k: int,
        *,
        method: str = "auto",
        n_jobs: int = 1,
        progress: Optional[Callable[[int, int], object]] = None,
        dates: Optional[npt.NDArray[np.int64]] = None,
        window: Optional[int] = None,
        sources: Optional[npt.NDArray[np.int32]] = None,
        exclude_same_source: bool = False,
    ) -> _TopK: ...
    def query(
        self,
        data: npt.NDArray[Any],
        indices: npt.NDArray[Any],
        indptr: npt.NDArray[Any],
        shape: tuple[int, int],
        k: int,
        *,
        method: str = "auto",
        n_jobs: int = 1,
        progress: Optional[Callable[[int, int], object]] = None,
        removed: Optional[npt.NDArray[Any]] = None,
        dates: Optional[npt.NDArray[np.int64]] = None,
        window: Optional[int] = None,
        sources: Optional[npt.NDArray[np.int32]] = None,
        exclude_same_source: bool = False,
        query_dates: Optional[npt.NDArray[np.int64]] = None,
        query_sources: Optional[npt.NDArray[np.int32]] = None,
    ) -> _TopK: ...
    def pairs(
        self,
        threshold: float,
        *,
        method: str = "auto",
        n_jobs: int = 1,
        progress: Optional[Callable[[int, int], object]] = None,
        dates: Optional[npt.NDArray[np.int64]] = None,
        window: Optional[int] = None,
        sources: Optional[npt.NDArray[np.int32]] = None,
        exclude_same_source: bool = False,
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.float32]]: ...
    def query_pairs(
        self,
        data: npt.NDArray[Any],
        indices: npt.NDArray[Any],
        indptr: npt.NDArray[Any],
        shape: tuple[int, int],
        threshold: float,
        *,
        method: str = "auto",
        n_jobs: int = 1,
        progress: Optional[Callable[[int, int], object]] = None,
        removed: Optional[npt.NDArray[Any]] = None,
        dates: Optional[npt.NDArray[np.int64]] = None,
        window: Optional[int] = None,
        sources: Optional[npt.NDArray[np.int32]] = None,
        exclude_same_source: bool = False,
        query_dates: Optional[npt.NDArray[np.int64]] = None,
        query_sources: Optional[npt.NDArray[np.int32]] = None,
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.float32]]: ...
    def explain(self, a: int, b: int) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]: ...

def top_entries(
    data: npt.NDArray[Any],
    indices: npt.NDArray[Any],
    indptr: npt.NDArray[Any],
    shape: tuple[int, int],
    top: int,
) -> _TopK: ...
def explain_rows(
    data: npt.NDArray[Any],
    indices: npt.NDArray[Any],
    indptr: npt.NDArray[Any],
    shape: tuple[int, int],
    a: int,
    b: int,
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]: ...
def merge_top_k(parts: list[tuple[npt.NDArray[Any], npt.NDArray[Any]]], k: int) -> _TopK: ...
def index_nbytes(rows: int, nnz: int, cols: int) -> int: ...
def top_k_result_bytes(rows: int, k: int) -> int: ...
def top_k_scratch_bytes(
    rows: int, nnz: int, cols: int, k: int, *, method: str = "auto", n_jobs: int = 1
) -> int: ...
def query_scratch_bytes(
    index_rows: int, query_rows: int, query_nnz: int, query_cols: int, k: int, *, n_jobs: int = 1
) -> int: ...
def available_cpus() -> int: ...
def resolve_n_jobs(n_jobs: int) -> int: ...

# stories (bind_stories.cpp)
STORY_DEFAULT_K: int
STORY_DEFAULT_THRESHOLD: float
STORY_MAX_K: int

def stories(
    index: SimilarityIndex,
    *,
    k: int = 20,
    threshold: float = 0.03,
    n_jobs: int = 1,
    progress: Optional[Callable[[int, int], object]] = None,
    dates: Optional[npt.NDArray[np.int64]] = None,
    window: Optional[int] = None,
    sources: Optional[npt.NDArray[np.int32]] = None,
    exclude_same_source: bool = False,
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]: ...
def cluster_neighbours(
    ids: npt.NDArray[Any], scores: npt.NDArray[Any], *, threshold: float = 0.03
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]: ...
def write_file(path: str, data: bytes) -> None: ...
