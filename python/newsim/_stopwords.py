"""Languages newsim knows, and the bundled stop word lists."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources
from typing import Optional

__all__ = ["LANGUAGES", "Language", "stop_word_list"]


@dataclass(frozen=True)
class Language:
    """A language: its ISO 639-1 code, Snowball stemmer and stop word list (if bundled)."""

    code: str
    snowball: str
    stop_words: Optional[str] = None


_ALL = [
    Language("de", "german", "german"),
    Language("en", "english", "english"),
    Language("fr", "french"),
    Language("es", "spanish"),
    Language("it", "italian"),
    Language("nl", "dutch"),
    Language("pt", "portuguese"),
    Language("sv", "swedish"),
    Language("da", "danish"),
    Language("no", "norwegian"),
    Language("fi", "finnish"),
    Language("ru", "russian"),
    Language("hu", "hungarian"),
    Language("ro", "romanian"),
    Language("tr", "turkish"),
]

#: Languages by ISO code and by Snowball name.
LANGUAGES: dict[str, Language] = {}
for _lang in _ALL:
    LANGUAGES[_lang.code] = _lang
    LANGUAGES[_lang.snowball] = _lang


@functools.cache
def _read_list(name: str) -> tuple[str, ...]:
    text = resources.files("newsim").joinpath("data", "stopwords", f"{name}.txt").read_text("utf-8")
    words = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            words.append(line)
    return tuple(words)


def stop_word_list(name: str) -> list[str]:
    """Return a bundled stop word list.

    Parameters
    ----------
    name : str
        ``'german'``/``'de'`` (Snowball's list) or ``'english'``/``'en'`` (scikit-learn's).

    Returns
    -------
    list of str
        The words, as listed in the data file.

    Raises
    ------
    ValueError
        If no list of that name is bundled (the message names the bundled ones).

    See Also
    --------
    TfidfVectorizer : ``stop_words='auto'`` uses the list of the (detected) language; a list
        from this function, changed, can be passed as ``stop_words``.

    Examples
    --------
    >>> import newsim
    >>> german = newsim.stop_word_list("de")
    >>> german[:5], "und" in german
    (['aber', 'alle', 'allem', 'allen', 'aller'], True)
    >>> len(newsim.stop_word_list("english"))
    318
    >>> words = [w for w in german if w != "kein"]  # keep "kein" as a term
    >>> vec = newsim.TfidfVectorizer(language="de", stop_words=words)
    >>> newsim.stop_word_list("french")
    Traceback (most recent call last):
    ...
    ValueError: no stop word list 'french'; bundled lists: english, german
    """
    lang = LANGUAGES.get(name.lower()) if isinstance(name, str) else None
    if lang is None or lang.stop_words is None:
        bundled = sorted({lg.stop_words for lg in _ALL if lg.stop_words})
        raise ValueError(f"no stop word list {name!r}; bundled lists: {', '.join(bundled)}")
    return list(_read_list(lang.stop_words))
