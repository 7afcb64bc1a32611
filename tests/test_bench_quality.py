"""The quality benchmark's kNN accuracy, on matrices whose answer is known by hand."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import scipy.sparse as sp

if str(Path(__file__).resolve().parent.parent) not in sys.path:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.quality import knn_accuracy


def test_knn_accuracy_votes_by_similarity() -> None:
    # Articles 0-2 are "a", 3-5 "b"; article 2 looks like the b's (its nearest are b's).
    X = sp.csr_matrix(
        np.array(
            [
                [1.0, 0.0],
                [1.0, 0.1],
                [0.3, 1.0],
                [0.0, 1.0],
                [0.1, 1.0],
                [0.05, 1.0],
            ]
        )
    )
    X = sp.csr_matrix(X.multiply(1 / np.sqrt(X.multiply(X).sum(axis=1))))
    labels = ["a", "a", "a", "b", "b", "b"]
    acc = knn_accuracy(X, labels, [1, 5])
    assert acc[1] == 5 / 6  # only article 2 is misclassified by its single nearest neighbour
    # k=5: everyone else votes; for article 2 the b's (cosines near 1) outweigh the a's
    assert acc[5] == 5 / 6
