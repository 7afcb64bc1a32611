"""Smoke test of an installed newsim wheel (run by `make test-wheel`; not collected by pytest).

Run it with the interpreter of a fresh virtual environment that has the repaired wheel
installed, from a folder outside the repository, in isolated mode so that neither the source
tree nor PYTHONPATH can provide ``newsim``::

    build/wheel-venv/bin/python -I tests/wheel_smoke.py [--hide-system-libs]

It checks that

1. ``newsim`` is imported from the venv's site-packages;
2. the extension's ICU and Snowball libraries are the copies auditwheel bundled in
   ``site-packages/newsim.libs`` (``ldd`` on the extension, and the paths mapped into this very
   process in ``/proc/self/maps`` after the import), never the system's;
3. fitting, stemming, ICU segmentation and ``top_k`` work on the bundled sample articles.

``--hide-system-libs`` additionally runs the checks again in a private mount namespace
(``unshare -m``, needs root) where the system's ICU and Snowball shared libraries and headers
are covered by empty files and folders, as on a machine without those packages. It is skipped,
with a message, where that is not possible.
"""

from __future__ import annotations

import argparse
import glob
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

#: Bundled libraries that must come from the wheel (file name prefixes).
BUNDLED = ("libicu", "libstemmer")
#: What --hide-system-libs covers: the system's shared libraries, archives and headers.
SYSTEM_LIB_GLOBS = (
    "/usr/lib/x86_64-linux-gnu/libicu*",
    "/usr/lib/x86_64-linux-gnu/libstemmer*",
    "/usr/lib64/libicu*",
    "/usr/lib64/libstemmer*",
    "/usr/lib/libicu*",
    "/usr/lib/libstemmer*",
    "/usr/include/libstemmer.h",
)
SYSTEM_INCLUDE_DIRS = ("/usr/include/unicode", "/usr/include/x86_64-linux-gnu/unicode")


def fail(message: str) -> None:
    print(f"wheel smoke test FAILED: {message}", file=sys.stderr)
    sys.exit(1)


def check(condition: bool, message: str) -> None:
    if not condition:
        fail(message)


def is_within(path: str | Path, folder: str | Path) -> bool:
    try:
        Path(path).resolve().relative_to(Path(folder).resolve())
    except ValueError:
        return False
    return True


def check_location() -> tuple[Path, Path]:
    """Newsim comes from this interpreter's site-packages; return it and newsim.libs."""
    import newsim

    site = Path(sysconfig.get_paths()["platlib"])
    package = Path(newsim.__file__).parent
    print(f"python       {sys.executable} (prefix {sys.prefix})")
    print(f"newsim       {newsim.__version__} from {package}")
    check(sys.prefix != sys.base_prefix, "not running inside a virtual environment")
    check(is_within(package, site), f"newsim imported from {package}, not from {site}")
    libs = site / "newsim.libs"
    check(libs.is_dir(), f"{libs} is missing: the wheel was not repaired by auditwheel")
    bundled = sorted(p.name for p in libs.iterdir())
    print(f"newsim.libs  {', '.join(bundled)}")
    for prefix in ("libicuuc", "libicudata", "libstemmer"):
        check(any(n.startswith(prefix) for n in bundled), f"{prefix} is not bundled")
    return package, libs


def check_linkage(package: Path, libs: Path) -> None:
    """ICU and libstemmer resolve to newsim.libs, statically (ldd) and in this process."""
    from newsim import _core

    extension = Path(_core.__file__)
    if shutil.which("readelf"):
        dynamic = subprocess.run(
            ["readelf", "-d", str(extension)], capture_output=True, text=True, check=True
        ).stdout
        for line in dynamic.splitlines():
            if "(NEEDED)" in line or "(RUNPATH)" in line or "(RPATH)" in line:
                print(f"  {line.strip()}")
        check("$ORIGIN/../newsim.libs" in dynamic, "the extension's RUNPATH lacks newsim.libs")
    if shutil.which("ldd"):
        resolved = subprocess.run(
            ["ldd", str(extension)], capture_output=True, text=True, check=True
        ).stdout
        for line in resolved.splitlines():
            name, _, target = line.strip().partition(" => ")
            if name.startswith(BUNDLED):
                where = target.split(" (")[0]
                print(f"ldd          {name} => {where}")
                check(is_within(where, libs), f"ldd resolves {name} to {where}, not newsim.libs")
    mapped = set()
    with open("/proc/self/maps", encoding="utf-8") as maps:
        for line in maps:
            fields = line.split(maxsplit=5)
            if len(fields) == 6 and os.path.basename(fields[5].strip()).startswith(BUNDLED):
                mapped.add(fields[5].strip())
    for path in sorted(mapped):
        print(f"mapped       {path}")
    for prefix in ("libicuuc", "libicudata", "libstemmer"):
        check(
            any(os.path.basename(p).startswith(prefix) for p in mapped),
            f"{prefix} is not loaded in this process",
        )
    outside = [p for p in mapped if not is_within(p, libs)]
    check(not outside, f"libraries loaded from outside newsim.libs: {outside}")


def check_function() -> None:
    """A small fit / top_k on the bundled sample, with stemming and ICU segmentation."""
    import numpy as np

    import newsim

    corpus = newsim.datasets.load_sample()
    check(len(corpus.texts) == 2, "the bundled sample does not hold two articles")
    vec = newsim.TfidfVectorizer()
    X = vec.fit_transform(corpus.texts)
    check(X.shape[0] == 2 and X.shape[1] > 100, f"unexpected matrix shape {X.shape}")
    check(vec.language_ == "de", f"language detected as {vec.language_!r}, expected 'de'")
    index = newsim.SimilarityIndex(X, feature_names=vec.get_feature_names_out())
    ids, scores = index.top_k(k=1)
    check(ids.tolist() == [[1], [0]], f"top_k ids {ids.tolist()}")
    check(bool(np.all((scores > 0) & (scores < 1))), f"top_k scores {scores.tolist()}")
    analyze = newsim.TfidfVectorizer(language="de", ngram_range=(1, 1)).build_analyzer()
    stemmed = analyze("Die Häuser der STRASSE und die Straße")
    check(stemmed == ["haus", "strass", "strass"], f"Snowball/ICU analysis gave {stemmed}")
    # Chinese has no spaces: ICU segments it with the dictionary in libicudata.
    words = newsim.TfidfVectorizer(language=None, min_token_len=1).build_analyzer()("我们喜欢新闻")
    check(len(words) >= 2, f"ICU dictionary segmentation gave {words}")
    sk = newsim.SklearnTfidfVectorizer().fit_transform(corpus.texts)
    check(sk.shape[0] == 2, "SklearnTfidfVectorizer failed")
    print(f"function     fit {X.shape}, top_k ids {ids.ravel().tolist()}, analyzer {stemmed}")


def hidden_libraries() -> list[str]:
    """The system's ICU/Snowball files to cover (real files, not symlinks, which follow)."""
    found = {os.path.realpath(p) for pattern in SYSTEM_LIB_GLOBS for p in glob.glob(pattern)}
    return sorted(p for p in found if os.path.isfile(p))


def rerun_with_system_libs_hidden() -> None:
    """Re-run this script in a mount namespace in which the system's ICU/Snowball are empty."""
    why_not = None
    if not sys.platform.startswith("linux"):
        why_not = "not Linux"
    elif os.geteuid() != 0:
        why_not = "needs root for unshare -m"
    elif not shutil.which("unshare") or not shutil.which("mount"):
        why_not = "unshare or mount is not installed"
    if why_not is None:
        probe = subprocess.run(["unshare", "-m", "true"], capture_output=True, text=True)
        if probe.returncode != 0:
            why_not = f"unshare -m is not permitted here ({probe.stderr.strip()})"
    if why_not is not None:
        print(f"\nhide-system-libs: skipped, {why_not}")
        return
    files = hidden_libraries()
    dirs = [d for d in SYSTEM_INCLUDE_DIRS if os.path.isdir(d)]
    with tempfile.TemporaryDirectory() as tmp:
        empty_file = os.path.join(tmp, "empty")
        Path(empty_file).touch()
        empty_dir = os.path.join(tmp, "emptydir")
        os.mkdir(empty_dir)
        mounts = [f"mount --bind {empty_file} '{f}'" for f in files]
        mounts += [f"mount --bind {empty_dir} '{d}'" for d in dirs]
        inner = [sys.executable, "-I", os.path.abspath(__file__), "--expect-hidden", *files]
        script = " && ".join([*mounts, 'exec "$@"'])
        print(f"\nhide-system-libs: re-running with {len(files)} files and {len(dirs)} folders")
        print("hide-system-libs: covered by empty ones (unshare -m, private mounts)", flush=True)
        done = subprocess.run(["unshare", "-m", "--propagation", "private", "sh", "-c", script,
                               "sh", *inner])  # fmt: skip
    if done.returncode != 0:
        fail("the run with the system libraries hidden failed")


def check_hidden(files: list[str]) -> None:
    """In the namespace: the system libraries really are unusable, so the proof is not vacuous."""
    import ctypes

    check(bool(files), "no system ICU/Snowball libraries to hide were found")
    for path in files:
        check(os.path.getsize(path) == 0, f"{path} is not hidden")
        try:
            ctypes.CDLL(path)
        except OSError:
            continue
        fail(f"{path} still loads")
    check(not os.path.exists("/usr/include/unicode/uchar.h"), "ICU headers are still visible")
    example = next((f for f in files if "libicuuc.so" in f), files[0])
    print(f"hidden       {len(files)} system files are empty in this namespace, e.g. {example}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--hide-system-libs", action="store_true")
    parser.add_argument("--expect-hidden", nargs="*", metavar="FILE")
    args = parser.parse_args()
    check(
        not is_within(os.getcwd(), Path(__file__).resolve().parents[1]),
        "run this from a folder outside the repository",
    )
    if args.expect_hidden is not None:
        check_hidden(args.expect_hidden)
    package, libs = check_location()
    check_linkage(package, libs)
    check_function()
    print("wheel smoke test passed" + (" (system libraries hidden)" if args.expect_hidden else ""))
    if args.hide_system_libs:
        rerun_with_system_libs_hidden()


if __name__ == "__main__":
    main()
