"""Text and HTML representations: the vectorizers' fitted state and the similarity index.

The vectorizers keep scikit-learn's representation of their parameters (only those that differ
from the defaults) and add their fitted state: ``repr()`` gets a ``# fitted: ...`` comment
after the parameters, and the notebook display gets a small table under scikit-learn's
estimator diagram. Objects that are not estimators (the similarity index) show a one-line
``Name(key=value, ...)`` and a table of the same values.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

__all__ = ["SummaryReprMixin", "VectorizerReprMixin", "format_bytes", "html_table"]


def format_bytes(n: float) -> str:
    """Format a number of bytes with a decimal unit.

    Parameters
    ----------
    n : float
        Bytes.

    Returns
    -------
    str
        For example ``'512 B'``, ``'3.2 kB'``, ``'14.7 MB'``.

    Examples
    --------
    >>> from newsim._repr import format_bytes
    >>> format_bytes(512), format_bytes(3_200), format_bytes(14_700_000)
    ('512 B', '3.2 kB', '14.7 MB')
    """
    if n < 1000:
        return f"{int(n)} B"
    for unit in ("kB", "MB", "GB"):
        n /= 1000
        if n < 1000 or unit == "GB":
            break
    return f"{n:.1f} {unit}"


def html_table(title: str, rows: Sequence[tuple[str, Any]]) -> str:
    """Render ``(name, value)`` rows as a small two-column HTML table (values escaped).

    Parameters
    ----------
    title : str
        The table's caption.
    rows : sequence of (str, object)
        Names and values; values are shown with ``str()``.

    Returns
    -------
    str
        An HTML ``<table>``.

    Examples
    --------
    >>> from newsim._repr import html_table
    >>> html_table("Index", [("nnz", 3), ("scores", "<cosine>")])  # doctest: +ELLIPSIS
    '<table class="newsim-summary"...<caption...>Index</caption>...&lt;cosine&gt;...</table>'
    """
    cell = "padding:1px 8px;text-align:left"
    body = "".join(
        f'<tr><th style="{cell};font-weight:normal">{html.escape(str(k))}</th>'
        f'<td style="{cell}"><code>{html.escape(str(v))}</code></td></tr>'
        for k, v in rows
    )
    return (
        '<table class="newsim-summary" style="border-collapse:collapse;margin:4px 0">'
        f'<caption style="text-align:left;font-weight:bold">{html.escape(title)}</caption>'
        f"{body}</table>"
    )


class SummaryReprMixin:
    """``__repr__`` and ``_repr_html_`` built from :meth:`_summary` (name, value) pairs."""

    def _summary(self) -> list[tuple[str, Any]]:
        raise NotImplementedError

    def __repr__(self) -> str:
        fields = ", ".join(f"{k}={v}" for k, v in self._summary())
        return f"{type(self).__name__}({fields})"

    def _repr_html_(self) -> str:
        """Return an HTML table of the summary, for Jupyter."""
        return html_table(type(self).__name__, self._summary())


class VectorizerReprMixin:
    """scikit-learn's estimator representations, plus the vectorizer's fitted state.

    Put this mixin before ``BaseEstimator`` among the bases. The fitted state is read from the
    C++ core (``_core``): the language, the number of documents and the vocabulary size.
    """

    def _fitted_summary(self) -> list[tuple[str, Any]]:
        """Return ``(name, value)`` pairs of the fitted state; empty while unfitted."""
        core = getattr(self, "_core", None)
        if core is None or not core.fitted:
            return []
        return [
            ("language_", repr(getattr(self, "language_", None))),
            ("n_documents_", int(core.n_docs)),
            ("len(vocabulary_)", len(core.df)),
        ]

    def _safe_fitted_summary(self) -> list[tuple[str, Any]]:
        # A representation must never raise: an inconsistent state shows as unfitted.
        try:
            return self._fitted_summary()
        except Exception:
            return []

    def __repr__(self, N_CHAR_MAX: int = 700) -> str:
        base: str = super().__repr__(N_CHAR_MAX)  # type: ignore[call-arg]
        state = self._safe_fitted_summary()
        if not state:
            return base
        return base + "  # fitted: " + ", ".join(f"{k}={v}" for k, v in state)

    def _fitted_html(self) -> str:
        state = self._safe_fitted_summary()
        return html_table("Fitted", state) if state else ""

    def _repr_html_inner(self) -> str:
        """scikit-learn's estimator diagram followed by the fitted state."""
        from sklearn.utils import estimator_html_repr

        diagram: str = estimator_html_repr(self)
        return diagram + self._fitted_html()

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, str]:
        """Jupyter's representations: scikit-learn's, with the fitted state added."""
        from sklearn import get_config

        output = {"text/plain": repr(self)}
        if get_config()["display"] == "diagram":
            output["text/html"] = self._repr_html_inner()
        return output
