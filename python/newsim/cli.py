"""The ``newsim`` command line."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Optional

__all__ = ["main"]


def _demo(top: int) -> int:
    from . import datasets
    from ._vectorizer import TfidfVectorizer

    corpus = datasets.load_sample()
    vec = TfidfVectorizer()
    X = vec.fit_transform(corpus.texts)
    print(
        f"newsim demo: {len(corpus)} bundled articles, language detected: {vec.language_}, "
        f"{X.shape[1]} terms"
    )
    for i, title in enumerate(corpus.titles):
        print(f"  [{i}] {title}")
    sim = (X @ X.T).toarray()
    print()
    print("cosine similarity:")
    for i in range(sim.shape[0]):
        print("  " + "  ".join(f"{sim[i, j]:.3f}" for j in range(sim.shape[1])))
    keywords = vec.keywords(corpus.texts, top=top)
    for i, (words, weights) in enumerate(zip(keywords.terms, keywords.weights)):
        print()
        print(f"top {top} terms of [{i}]:")
        for word, weight in zip(words, weights):
            print(f"  {word:<24} {weight:.3f}")
    why = vec.explain(corpus.texts[0], corpus.texts[1], top=top)
    print()
    print(f"why [0] and [1] are similar (cosine {why.score:.3f}):")
    for term, contribution in zip(why.terms, why.contributions):
        print(f"  {term:<24} {contribution:.4f}  ({contribution / why.score:.0%})")
    return 0


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the ``newsim`` command.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        The exit code.
    """
    parser = argparse.ArgumentParser(prog="newsim", description="TF-IDF and article similarity.")
    sub = parser.add_subparsers(dest="command")
    demo = sub.add_parser("demo", help="vectorize the bundled sample articles and compare them")
    demo.add_argument("--top", type=int, default=10, help="terms to show per article")
    args = parser.parse_args(argv)
    if args.command in (None, "demo"):
        return _demo(getattr(args, "top", 10))
    parser.print_help()
    return 2


if __name__ == "__main__":
    sys.exit(main())
