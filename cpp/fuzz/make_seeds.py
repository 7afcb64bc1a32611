#!/usr/bin/env python3
"""Write the analyzer fuzzer's seed corpus from the shared test corpora (never into the repo).

Each seed is four option bytes (see fuzz_common.hpp) followed by a few article excerpts
separated by U+001E. The option bytes cycle through scikit-learn regex words, ICU words with
stemming, compounds and n-grams, and char / char_wb n-grams, so that every mode starts from
real German and English news text. Usage::

    make_seeds.py DATA_DIR OUT_DIR [--count N]
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import pathlib

# (byte 0, byte 1, byte 2, byte 3): see decode_case in fuzz_common.hpp.
OPTION_SETS = [
    bytes([0x00, 0x01, 0x00, 0x02]),  # scikit-learn defaults: regex words, lowercase, l2
    bytes([0x00, 0x83, 0x04, 0x06]),  # regex words, accents stripped, stop words, (1,2)-grams
    bytes([0x01, 0x21, 0x10, 0x06]),  # ICU words, German stemmer, min_token_len 1, sublinear
    bytes([0x01, 0x69, 0x04, 0x0A]),  # ICU words, English stemmer, compounds whole, BM25
    bytes([0x01, 0xB1, 0x05, 0x42]),  # ICU words, compounds both, stop words, (2,3)-grams, f64
    bytes([0x02, 0x01, 0x05, 0x02]),  # char (2,3)-grams
    bytes([0x03, 0x05, 0x09, 0x81]),  # char_wb (2,4)-grams, ascii accents, l1, max_features
    bytes([0x06, 0x01, 0x00, 0x22]),  # char unigrams after regex preprocessing, no smoothing
    bytes([0x09, 0x01, 0x00, 0x02]),  # ICU words on Latin-1 input
    bytes([0x11, 0x01, 0x00, 0x02]),  # ICU words on UCS-2 input
    bytes([0x19, 0x01, 0x00, 0x02]),  # ICU words on UCS-4 input
    bytes([0x61, 0xA1, 0x04, 0x06]),  # ICU words, German, stop words, (1,2)-grams, vocabulary
    # of the first excerpt's words, normalized
    bytes([0x20, 0x01, 0x00, 0x02]),  # regex words, fixed vocabulary taken verbatim
    bytes([0x62, 0x01, 0x05, 0x02]),  # char (2,3)-grams, normalized fixed vocabulary
]

HANDMADE = [
    "Die KI-Infrastruktur\u2011Initiative \u201eStargate\u201c kostet 500\u00a0Mrd. US-Dollar.",
    "STRASSE Stra\u00dfe strasse \u1e9e \ufb01nance \u2460 \u00bd caf\u00e9 cafe\u0301",
    "NUL\x00inside\x00words and\x00\x00runs",
    "\u4e2d\u6587\u6ca1\u6709\u7a7a\u683c \u65e5\u672c\u8a9e\u306e\u30c6\u30ad\u30b9\u30c8 "
    "\ud55c\uad6d\uc5b4 \u0627\u0644\u0639\u0631\u0628\u064a\u0629 \u05e2\u05d1\u05e8\u05d9\u05ea",
    "emoji \U0001f600\U0001f468\u200d\U0001f469\u200d\U0001f467 flags \U0001f1e9\U0001f1ea",
    "a" * 3000,
    "the " * 500,
    " \t\n\r\x0b\x0c\x1c\x1d\x1f\x85\u2028\u3000 spaces",
    "",
]


def excerpts(data_dir: pathlib.Path) -> list[str]:
    """Article texts of both corpora, interleaved (German, English, German, ...)."""
    with open(data_dir / "10kgnad_test.csv", encoding="utf-8", newline="") as fh:
        german = [row[1] for row in csv.reader(fh, delimiter=";", quotechar="'")]
    with open(data_dir / "bbc_news.csv", encoding="utf-8", newline="") as fh:
        english = [row["text"] for row in csv.DictReader(fh)]
    out: list[str] = []
    for g, e in zip(german, english):
        out += [g, e]
    return out


def cut(text: str, limit: int) -> bytes:
    """``text`` as UTF-8, cut to at most ``limit`` bytes at a character boundary."""
    raw = text.encode("utf-8")[:limit]
    return raw.decode("utf-8", "ignore").encode("utf-8")


def main() -> int:
    """Write the seeds; return the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", type=pathlib.Path)
    parser.add_argument("out_dir", type=pathlib.Path)
    parser.add_argument("--count", type=int, default=60, help="seeds from the corpora")
    args = parser.parse_args()
    args.out_dir.mkdir(parents=True, exist_ok=True)
    texts = excerpts(args.data_dir)
    seeds: list[bytes] = []
    step = max(1, len(texts) // (args.count * 3))
    for n in range(args.count):
        options = OPTION_SETS[n % len(OPTION_SETS)]
        docs = [cut(texts[(n * 3 + k) * step % len(texts)], 400 + 300 * k) for k in range(3)]
        seeds.append(options + b"\x1e".join(docs))
    for text in HANDMADE:
        for options in OPTION_SETS[::2]:
            seeds.append(options + text.encode("utf-8", "surrogatepass") + b"\x1e" + b"Haus am See")
    for seed in seeds:
        name = hashlib.sha1(seed).hexdigest()
        (args.out_dir / name).write_bytes(seed)
    print(f"{len(seeds)} analyzer seeds in {args.out_dir}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
