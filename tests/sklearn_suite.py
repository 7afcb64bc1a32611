"""scikit-learn's own tests of its text vectorizers, run against newsim's drop-ins.

scikit-learn ships ``sklearn/feature_extraction/tests/test_text.py``: the specification of
``CountVectorizer``, ``TfidfVectorizer`` and ``HashingVectorizer`` in tests. :func:`collect`
executes a fresh copy of that module (the installed one: the tests of the scikit-learn newsim
runs against) in which the names of scikit-learn's classes are bound to newsim's, and returns
the tests that exercise a substituted class, ready for a test module to expose to pytest.

- The swap is confined to that copy: its ``from sklearn.feature_extraction.text import ...``
  goes through an ``__import__`` of its own, so scikit-learn itself, and every other test,
  keep scikit-learn's classes.
- A test is kept when its body (or a function defined in it) names a substituted class, or
  its parametrization passes one, as a class or as an instance. Of a parametrization over
  several vectorizers only the cases with a substituted one are kept: the others would test
  scikit-learn against itself.
- ``exclusions`` maps a test's name to why newsim will not pass it (it inspects scikit-learn's
  private attributes) and the exception it fails with: the test is marked
  ``xfail(strict=True, raises=...)``, so it still runs, must fail in that way, and an
  exclusion that starts to pass fails the run.
"""

from __future__ import annotations

import builtins
import importlib.util
import sys
import types
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Callable

import pytest

SUITE = "sklearn.feature_extraction.tests.test_text"
TEXT_MODULE = "sklearn.feature_extraction.text"
COPY = "newsim_sklearn_test_text"
#: The vectorizer classes of scikit-learn a test may be parametrized over.
VECTORIZERS = ("CountVectorizer", "HashingVectorizer", "TfidfTransformer", "TfidfVectorizer")


@dataclass(frozen=True)
class Exclusion:
    """A test newsim does not pass, and why: it fails with ``raises`` for ``reason``."""

    reason: str
    raises: type[BaseException] = AttributeError


def load(substitutes: Mapping[str, type]) -> types.ModuleType:
    """Execute a copy of scikit-learn's ``test_text.py`` with `substitutes` for its classes.

    Parameters
    ----------
    substitutes : mapping of str to class
        scikit-learn's class name (``'TfidfVectorizer'``) to newsim's class.

    Returns
    -------
    module
        The suite's copy; scikit-learn's own module is not imported or changed.
    """
    spec = importlib.util.find_spec(SUITE)
    if spec is None or spec.origin is None:
        pytest.skip(
            f"{SUITE} is not installed (scikit-learn without its tests)", allow_module_level=True
        )
    with open(spec.origin, encoding="utf-8") as f:
        source = f.read()
    text = importlib.import_module(TEXT_MODULE)
    swapped = types.ModuleType(TEXT_MODULE)
    swapped.__dict__.update(vars(text))
    swapped.__dict__.update(substitutes)

    def swapping_import(
        name: str,
        globals: Any = None,
        locals: Any = None,
        fromlist: Any = (),
        level: int = 0,
    ) -> Any:
        if name == TEXT_MODULE and fromlist and level == 0:
            return swapped
        return builtins.__import__(name, globals, locals, fromlist, level)

    # Registered under a name of its own, so that pickle finds the suite's functions (such as
    # the analyzers it passes to vectorizers) by module and name, as in scikit-learn's module.
    module = types.ModuleType(COPY)
    module.__file__ = spec.origin
    module.__dict__["__builtins__"] = {**vars(builtins), "__import__": swapping_import}
    sys.modules[COPY] = module
    exec(compile(source, spec.origin, "exec"), module.__dict__)
    for name, cls in substitutes.items():
        if module.__dict__.get(name) is not cls:
            raise RuntimeError(f"{SUITE} no longer imports {name} from {TEXT_MODULE}")
    return module


def _names(code: types.CodeType) -> set[str]:
    """Every global name a function's code, and the code defined in it, refers to."""
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _names(const)
    return names


def _is_vectorizer(value: Any, classes: tuple[type, ...]) -> bool:
    return (isinstance(value, type) and issubclass(value, classes)) or isinstance(value, classes)


def _restrict(
    fn: Callable[..., Any], substituted: tuple[type, ...], vectorizers: tuple[type, ...]
) -> bool:
    """Keep only the cases of `fn`'s parametrizations that pass a substituted class.

    Returns whether such a parametrization exists (the test exercises a substitute).
    """
    uses = False
    marks = []
    for mark in getattr(fn, "pytestmark", []):
        if mark.name == "parametrize":
            argnames, argvalues = mark.args[0], list(mark.args[1])
            flat = [v.values if hasattr(v, "values") else v for v in argvalues]
            flat = [v if isinstance(v, tuple) else (v,) for v in flat]
            over_vectorizers = [any(_is_vectorizer(x, vectorizers) for x in v) for v in flat]
            if any(over_vectorizers):
                kept = [
                    value
                    for value, case in zip(argvalues, flat)
                    if any(_is_vectorizer(x, substituted) for x in case)
                ]
                uses = uses or bool(kept)
                mark = pytest.mark.parametrize(argnames, kept, **mark.kwargs).mark
        marks.append(mark)
    if uses:
        fn.pytestmark = marks  # type: ignore[attr-defined]
    return uses


def collect(
    substitutes: Mapping[str, type],
    exclusions: Mapping[str, Exclusion],
    warning_filters: Mapping[str, str],
) -> dict[str, Callable[..., Any]]:
    """Return the suite's tests that exercise a substitute, by name, exclusions marked.

    Parameters
    ----------
    substitutes : mapping of str to class
        scikit-learn's class name to newsim's class.
    exclusions : mapping of str to Exclusion
        Tests newsim does not pass, by function name; each must be among the tests returned.
    warning_filters : mapping of str to str
        A ``filterwarnings`` line for a test, by function name: for warnings that are not
        newsim's and that scikit-learn's own configuration does not turn into errors (this
        project's turns every warning into one).

    Returns
    -------
    dict of str to function
        Test functions, for ``globals().update(...)`` in a test module.
    """
    module = load(substitutes)
    substituted = tuple(substitutes.values())
    text = importlib.import_module(TEXT_MODULE)
    vectorizers = substituted + tuple(getattr(text, name) for name in VECTORIZERS)
    tests: dict[str, Callable[..., Any]] = {}
    for name, fn in vars(module).items():
        if not (name.startswith("test_") and isinstance(fn, types.FunctionType)):
            continue
        named = bool(_names(fn.__code__) & set(substitutes))
        if _restrict(fn, substituted, vectorizers) or named:
            tests[name] = fn
    unknown = sorted((set(exclusions) | set(warning_filters)) - set(tests))
    if unknown:
        raise RuntimeError(f"tests named that the suite does not run: {unknown}")
    for name, line in warning_filters.items():
        tests[name] = pytest.mark.filterwarnings(line)(tests[name])
    for name, exclusion in exclusions.items():
        mark = pytest.mark.xfail(strict=True, raises=exclusion.raises, reason=exclusion.reason)
        tests[name] = mark(tests[name])
    return tests
