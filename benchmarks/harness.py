"""Reusable benchmark runner: timing, peak memory, ratios, markdown tables, RESULTS.md sections.

Method (also written under every results table, see ``METHOD_NOTES``):

* **Time** is measured in-process with ``time.perf_counter`` around one call of the
  contender on the whole corpus.  Every contender first runs ``warmup`` times
  (default once; not timed; imports, caches and lazy initialisation happen here).
  Then come ``rounds`` rounds; each round runs every contender once, in the order
  given (A B C A B C ...), so slow drifts of the machine hit all contenders alike.
  ``gc.collect()`` runs before each measurement and the result is dropped after
  it, outside the timed region.
* **Settling** (``settle`` seconds, default 0): a pause before each timed call, so
  that every contender starts from the same memory state.  On a virtual machine
  whose host takes back the guest's free memory (virtio-balloon free page
  reporting, as on this project's machines), memory a process touches for the
  first time costs far more when the pages were freed seconds ago than when they
  were freed just before (here ~2.8 ms per MB against ~0.13 ms for a fresh numpy
  array, and the dense similarity anchor takes 11.4 s instead of 4.0 s:
  ``benchmarks/memory_state.py``).  Without a pause a contender's time then
  depends on how much memory the contender before it freed; with one, every call
  pays for its fresh memory as a call after a pause in a notebook does.
* **Speed-up vs the anchor** is ``anchor seconds / contender seconds`` (> 1 means
  faster than the anchor).  Two forms are reported: the ratio of the medians,
  and the median of the per-round ratios (round r's anchor time / round r's
  contender time), which cancels drift between rounds.
* **Peak memory** is measured separately: each contender runs once more in a fresh
  ``python -c`` subprocess, which loads the corpus from a pickle, builds the
  contender (imports happen here), records its current RSS (the *baseline*),
  resets the kernel's high-water mark (``echo 5 > /proc/self/clear_refs``), runs
  the contender once and reads ``VmHWM`` (peak RSS) from /proc/self/status.
  Reported: peak RSS, and peak minus baseline (the memory the work itself
  needed, corpus and imports excluded).  Threads are included; worker
  *processes* are not.  Why not ``ru_maxrss`` (``getrusage(RUSAGE_CHILDREN)``,
  ``os.wait4`` or ``/usr/bin/time -v``)?  On Linux a child's ``ru_maxrss``
  starts at the RSS of the process it was forked from (the kernel keeps the
  pre-``exec`` high-water mark), so every child of a 230 MB parent reports at
  least 230 MB; ``RUSAGE_CHILDREN`` is moreover a maximum over all children.
  Where /proc is missing (macOS) the child falls back to its own
  ``getrusage(RUSAGE_SELF).ru_maxrss`` and the baseline is not reset.

A contender is either ``target="package.module:factory"`` (+ JSON-serialisable
``kwargs``): ``factory(**kwargs)`` returns a ``run(texts)`` callable, which works
both in-process and in the memory subprocess; or ``fn=run`` directly (in-process
only: no peak memory).

The input need not be texts: ``run_benchmark(..., n_items=..., n_bytes=...,
memory_input=(path, "package.module:loader"))`` times ``run(x)`` on any object ``x``
(e.g. a sparse matrix); the memory subprocess then gets its input from
``loader(path)`` (a file the caller saved once) instead of a pickle of the texts.
"""

from __future__ import annotations

import datetime as _dt
import gc
import importlib
import json
import os
import pickle
import platform
import re
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

Runner = Callable[[Sequence[str]], Any]

MB = 1_000_000  # MB = 10**6 bytes throughout (throughput and RSS)

METHOD_NOTES = """\
Method: time = in-process `time.perf_counter` around one call on the whole corpus; each
contender is warmed up first, then the rounds run the contenders in turn (A B C ... A B C ...).
Ratio vs anchor = anchor seconds / contender seconds (> 1 = faster than the anchor): "median of
per-round" is the median over rounds of that round's anchor time / contender time, "ratio of
medians" divides the medians. MB/s = corpus UTF-8 bytes (10^6) / median seconds.
Peak RSS = `VmHWM` of a fresh `python -c` subprocess that loads the corpus, builds the
contender, resets the high-water mark (`/proc/self/clear_refs`) and runs it once;
ΔRSS = peak - RSS just before the run (corpus and imports loaded). MB = 10^6 bytes."""


# --------------------------------------------------------------------------------------
# contenders


def resolve(target: str) -> Callable[..., Any]:
    """Import ``"package.module:attr"`` and return the attribute."""
    module, _, attr = target.partition(":")
    if not module or not attr:
        raise ValueError(f"target must look like 'package.module:attr', got {target!r}")
    obj: Any = importlib.import_module(module)
    for part in attr.split("."):
        obj = getattr(obj, part)
    return obj  # type: ignore[no-any-return]


@dataclass
class Contender:
    """One implementation under test.

    Give either ``target`` ("module:factory", ``factory(**kwargs)`` -> ``run(texts)``) or
    ``fn`` (a ``run(texts)`` callable; no subprocess memory measurement then).
    ``reference`` names another contender whose warm-up output this one's should match
    (checked by the ``compare`` callback of :func:`run_benchmark`).
    """

    name: str
    target: str | None = None
    kwargs: dict[str, Any] = field(default_factory=dict)
    fn: Runner | None = None
    anchor: bool = False
    reference: str | None = None

    def __post_init__(self) -> None:
        if (self.target is None) == (self.fn is None):
            raise ValueError(f"{self.name}: give exactly one of target= or fn=")

    def build(self) -> Runner:
        """Return the ``run(texts)`` callable."""
        if self.fn is not None:
            return self.fn
        assert self.target is not None
        return resolve(self.target)(**self.kwargs)  # type: ignore[no-any-return]


@dataclass
class ContenderResult:
    """Measurements of one contender."""

    name: str
    times: list[float] = field(default_factory=list)
    anchor: bool = False
    speedup_of_medians: float | None = None  # anchor median / this median
    pair_ratios: list[float] = field(default_factory=list)  # per round: anchor / this
    mbps: float | None = None
    peak_rss_mb: float | None = None
    base_rss_mb: float | None = None
    info: str = ""  # short description of the output (from ``describe``)
    check: str = ""  # comparison with the reference contender (from ``compare``)
    error: str | None = None

    @property
    def median(self) -> float | None:
        """Median seconds, None if there are no measurements."""
        return statistics.median(self.times) if self.times else None

    @property
    def min(self) -> float | None:
        """Fastest round in seconds."""
        return min(self.times) if self.times else None

    @property
    def max(self) -> float | None:
        """Slowest round in seconds."""
        return max(self.times) if self.times else None

    @property
    def pair_ratio_median(self) -> float | None:
        """Median over rounds of anchor time / this time."""
        return statistics.median(self.pair_ratios) if self.pair_ratios else None

    @property
    def delta_rss_mb(self) -> float | None:
        """Peak RSS minus the RSS right before the measured call."""
        if self.peak_rss_mb is None or self.base_rss_mb is None:
            return None
        return self.peak_rss_mb - self.base_rss_mb

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly summary."""
        return {
            "name": self.name,
            "anchor": self.anchor,
            "times": self.times,
            "median": self.median,
            "min": self.min,
            "max": self.max,
            "mbps": self.mbps,
            "speedup_of_medians": self.speedup_of_medians,
            "pair_ratios": self.pair_ratios,
            "pair_ratio_median": self.pair_ratio_median,
            "peak_rss_mb": self.peak_rss_mb,
            "base_rss_mb": self.base_rss_mb,
            "delta_rss_mb": self.delta_rss_mb,
            "info": self.info,
            "check": self.check,
            "error": self.error,
        }


@dataclass
class BenchResult:
    """All contenders' results for one corpus."""

    results: list[ContenderResult]
    n_docs: int
    n_bytes: int
    rounds: int
    warmup: int

    @property
    def anchor(self) -> ContenderResult:
        """The anchor's result."""
        return next(r for r in self.results if r.anchor)

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly summary."""
        return {
            "n_docs": self.n_docs,
            "n_bytes": self.n_bytes,
            "rounds": self.rounds,
            "warmup": self.warmup,
            "results": [r.as_dict() for r in self.results],
        }


# --------------------------------------------------------------------------------------
# timing


def _short_error(exc: BaseException) -> str:
    msg = f"{type(exc).__name__}: {exc}"
    msg = " ".join(msg.split())
    return msg if len(msg) <= 160 else msg[:157] + "..."


def _log(progress: Callable[[str], None] | None, msg: str) -> None:
    if progress is not None:
        progress(msg)


def run_benchmark(
    contenders: Sequence[Contender],
    texts: Sequence[str],
    rounds: int = 5,
    warmup: int = 1,
    memory: bool = True,
    describe: Callable[[Any], str] | None = None,
    compare: Callable[[Any, Any], str] | None = None,
    progress: Callable[[str], None] | None = None,
    n_bytes: int | None = None,
    n_items: int | None = None,
    memory_input: tuple[str | os.PathLike[str], str] | None = None,
    settle: float = 0.0,
) -> BenchResult:
    """Time ``contenders`` on ``texts``; see the module docstring for the method.

    The anchor is the contender with ``anchor=True`` (else the first one).  A contender
    that raises is reported with its error and left out of the later rounds.
    ``describe(output)`` gives a short note on a warm-up output (e.g. the matrix shape);
    ``compare(output, reference_output)`` checks a contender against its ``reference``.
    For inputs other than a sequence of texts give ``n_items`` (documents, default
    ``len(texts)``), ``n_bytes`` and, for the peak memory, ``memory_input = (path, loader)``:
    the subprocess loads its input with ``resolve(loader)(path)``.  ``settle`` seconds of
    pause precede each timed call (see the module docstring).
    """
    if not contenders:
        raise ValueError("no contenders")
    names = [c.name for c in contenders]
    if len(set(names)) != len(names):
        raise ValueError(f"contender names must be unique: {names}")
    if rounds < 1:
        raise ValueError("rounds must be >= 1")
    if not settle >= 0:
        raise ValueError(f"settle must be >= 0 seconds, got {settle}")
    anchors = [c for c in contenders if c.anchor]
    if len(anchors) > 1:
        raise ValueError("at most one anchor")
    anchor_name = anchors[0].name if anchors else contenders[0].name
    if n_bytes is None:
        n_bytes = sum(len(t.encode("utf-8")) for t in texts)
    if n_items is None:
        n_items = len(texts)

    results = {c.name: ContenderResult(c.name, anchor=c.name == anchor_name) for c in contenders}
    runners: dict[str, Runner] = {}
    wanted_refs = {c.reference for c in contenders if c.reference}
    ref_outputs: dict[str, Any] = {}

    # build + warm-up (also collects descriptions and reference outputs)
    for c in contenders:
        res = results[c.name]
        try:
            runners[c.name] = c.build()
            for i in range(max(warmup, 1 if (describe or c.reference or wanted_refs) else 0)):
                _log(progress, f"warm-up {i + 1}: {c.name}")
                out = runners[c.name](texts)
                if i == 0:
                    if describe is not None:
                        res.info = describe(out)
                    if c.name in wanted_refs:
                        ref_outputs[c.name] = out
                    if c.reference and compare is not None:
                        if c.reference in ref_outputs:
                            res.check = compare(out, ref_outputs[c.reference])
                        else:
                            res.check = f"reference {c.reference!r} unavailable"
                del out
        except Exception as exc:
            res.error = _short_error(exc)
            runners.pop(c.name, None)
            _log(progress, f"  {c.name} failed: {res.error}")
            if progress is not None:
                progress(traceback.format_exc())
    ref_outputs.clear()
    gc.collect()

    # timed rounds, contenders alternating
    for r in range(rounds):
        for c in contenders:
            run = runners.get(c.name)
            if run is None:
                continue
            gc.collect()
            if settle > 0:
                time.sleep(settle)
            try:
                t0 = time.perf_counter()
                out = run(texts)
                dt = time.perf_counter() - t0
            except Exception as exc:
                results[c.name].error = _short_error(exc)
                runners.pop(c.name)
                continue
            del out
            results[c.name].times.append(dt)
            _log(progress, f"round {r + 1}/{rounds}: {c.name}: {dt:.3f} s")

    # peak memory, one fresh subprocess per contender
    if memory:
        importable = [c for c in contenders if c.target is not None and c.name in runners]
        if importable:
            with tempfile.TemporaryDirectory(prefix="newsim-bench-") as tmp:
                loader: str | None = None
                if memory_input is not None:
                    corpus_path, loader = Path(memory_input[0]), memory_input[1]
                else:
                    corpus_path = Path(tmp) / "corpus.pickle"
                    with open(corpus_path, "wb") as f:
                        pickle.dump(list(texts), f, protocol=pickle.HIGHEST_PROTOCOL)
                for c in importable:
                    _log(progress, f"peak memory: {c.name}")
                    try:
                        peak, base = measure_peak_rss(c, corpus_path, Path(tmp), loader=loader)
                    except Exception as exc:
                        results[c.name].check = (
                            results[c.name].check + f" memory run failed: {_short_error(exc)}"
                        ).strip()
                        continue
                    results[c.name].peak_rss_mb = peak
                    results[c.name].base_rss_mb = base

    compute_ratios(list(results.values()), n_bytes)
    return BenchResult(list(results.values()), n_items, n_bytes, rounds, warmup)


def compute_ratios(results: Sequence[ContenderResult], n_bytes: int) -> None:
    """Fill in MB/s and the speed-ups vs the anchor (in place)."""
    anchor = next((r for r in results if r.anchor), None)
    for r in results:
        med = r.median
        r.mbps = n_bytes / MB / med if med else None
        r.speedup_of_medians = None
        r.pair_ratios = []
        if anchor is None or not anchor.times or med is None:
            continue
        r.speedup_of_medians = anchor.median / med  # type: ignore[operator]
        # rounds pair up by index; a contender that failed mid-way has fewer times
        r.pair_ratios = [a / t for a, t in zip(anchor.times, r.times) if t > 0]


# --------------------------------------------------------------------------------------
# peak memory

_CHILD = r"""
import json, sys
args = json.loads(sys.argv[1])
sys.path[:0] = [p for p in args["sys_path"] if p not in sys.path]
from benchmarks.harness import _child_main
_child_main(args)
"""


def _proc_status_kb(key: str) -> float | None:
    """A ``kB`` field of /proc/self/status (``VmRSS``, ``VmHWM``), None without /proc."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return float(line.split()[1])
    except OSError:
        pass
    return None


def _reset_peak_rss() -> bool:
    """Reset VmHWM to the current RSS (Linux >= 4.0); False if not possible."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as f:
            f.write("5")
        return True
    except OSError:
        return False


def _maxrss_to_mb(value: float) -> float:
    # ru_maxrss is in KiB on Linux, in bytes on macOS
    return value / MB if sys.platform == "darwin" else value * 1024 / MB


def _child_main(args: dict[str, Any]) -> None:
    """Body of the memory subprocess: load corpus, build contender, record baseline, run.

    The input is ``resolve(args["loader"])(args["corpus"])`` if a loader is given, else the
    pickled list of texts at ``args["corpus"]``.
    """
    import resource

    if args.get("loader"):
        texts = resolve(args["loader"])(args["corpus"])
    else:
        with open(args["corpus"], "rb") as f:
            texts = pickle.load(f)
    run = resolve(args["target"])(**args["kwargs"])
    gc.collect()
    base_kb = _proc_status_kb("VmRSS")
    reset = _reset_peak_rss()
    t0 = time.perf_counter()
    out = run(texts)
    seconds = time.perf_counter() - t0
    hwm_kb = _proc_status_kb("VmHWM")
    del out
    maxrss_mb = _maxrss_to_mb(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    result = {
        "peak_rss_mb": hwm_kb * 1024 / MB if hwm_kb is not None else maxrss_mb,
        "base_rss_mb": base_kb * 1024 / MB if base_kb is not None else None,
        "hwm_reset": reset,
        "ru_maxrss_mb": maxrss_mb,
        "seconds": seconds,
    }
    with open(args["result"], "w", encoding="utf-8") as f:
        json.dump(result, f)


def measure_peak_rss(
    contender: Contender,
    corpus_path: Path,
    workdir: Path,
    loader: str | None = None,
    timeout: float | None = None,
) -> tuple[float, float | None]:
    """Run ``contender`` once in a fresh subprocess; return (peak RSS MB, baseline RSS MB).

    ``loader`` ("module:function") reads the input from ``corpus_path`` instead of unpickling
    a list of texts; see :func:`measure_child` for ``timeout``.
    """
    data = measure_child(contender, corpus_path, workdir, loader=loader, timeout=timeout)
    base = data["base_rss_mb"]
    return float(data["peak_rss_mb"]), (float(base) if base is not None else None)


def measure_child(
    contender: Contender,
    corpus_path: Path,
    workdir: Path,
    loader: str | None = None,
    timeout: float | None = None,
) -> dict[str, Any]:
    """Run ``contender`` once in a fresh subprocess and return the child's JSON result.

    Keys: ``peak_rss_mb``, ``base_rss_mb`` (None without /proc), ``hwm_reset``,
    ``ru_maxrss_mb`` and ``seconds`` (the run's wall time in the child).  ``timeout``
    (seconds for the whole subprocess) raises :class:`subprocess.TimeoutExpired` after the
    child is killed.
    """
    if contender.target is None:
        raise ValueError(f"{contender.name}: memory needs an importable target=")
    safe = re.sub(r"[^A-Za-z0-9]+", "_", contender.name)
    result_path = workdir / f"{safe}.json"
    log_path = workdir / f"{safe}.log"
    args: dict[str, Any] = {
        "sys_path": [str(Path(__file__).resolve().parent.parent), *sys.path],
        "corpus": str(corpus_path),
        "target": contender.target,
        "kwargs": contender.kwargs,
        "result": str(result_path),
    }
    if loader is not None:
        args["loader"] = loader
    result_path.unlink(missing_ok=True)
    with open(log_path, "wb") as log:
        proc = subprocess.run(
            [sys.executable, "-c", _CHILD, json.dumps(args)],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            check=False,
            timeout=timeout,
        )
    if proc.returncode != 0 or not result_path.exists():
        tail = log_path.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-3:]
        raise RuntimeError(f"exit {proc.returncode}: {' | '.join(tail)}")
    data: dict[str, Any] = json.loads(result_path.read_text(encoding="utf-8"))
    return data


# --------------------------------------------------------------------------------------
# reporting


def _fmt(x: float | None, spec: str) -> str:
    return "-" if x is None else format(x, spec)


def _fmt_seconds(x: float | None) -> str:
    if x is None:
        return "-"
    return f"{x:.3f}" if x < 10 else f"{x:.2f}"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_table(bench: BenchResult) -> str:
    """Markdown table of ``bench``; speed-ups are anchor seconds / contender seconds."""
    header = (
        "| contender | median s | min-max s | MB/s | ratio vs anchor (median of per-round) "
        "| ratio of medians | peak RSS MB | ΔRSS MB | output | notes |"
    )
    lines = [header, "|" + "---|" * header.count(" | ") + "---|"]
    for r in bench.results:
        name = f"**{r.name}** (anchor)" if r.anchor else r.name
        if r.min is not None:
            span = f"{_fmt_seconds(r.min)}-{_fmt_seconds(r.max)}"
        else:
            span = "-"
        notes = "; ".join(x for x in (r.check, f"ERROR: {r.error}" if r.error else "") if x)
        lines.append(
            "| "
            + " | ".join(
                [
                    _cell(name),
                    _fmt_seconds(r.median),
                    span,
                    _fmt(r.mbps, ".2f"),
                    _fmt(r.pair_ratio_median, ".2f"),
                    _fmt(r.speedup_of_medians, ".2f"),
                    _fmt(r.peak_rss_mb, ".0f"),
                    _fmt(r.delta_rss_mb, ".0f"),
                    _cell(r.info),
                    _cell(notes),
                ]
            )
            + " |"
        )
    return "\n".join(lines)


def _read_first(path: str, prefix: str) -> str | None:
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            for line in f:
                if line.startswith(prefix):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return None


def machine_info() -> dict[str, str]:
    """CPU model, core counts, RAM, OS."""
    cpu = _read_first("/proc/cpuinfo", "model name") or platform.processor() or "unknown"
    logical = os.cpu_count() or 0
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = logical
    mem = _read_first("/proc/meminfo", "MemTotal")
    ram = f"{int(mem.split()[0]) / 1024**2:.1f} GiB" if mem else "unknown"
    return {
        "cpu": cpu,
        "cores": f"{logical} logical, {usable} usable by this process",
        "ram": ram,
        "os": platform.platform(),
    }


def package_version(name: str) -> str:
    """Version of ``name`` as it runs: ``module.__version__`` of the module that imports (a
    development tree on ``PYTHONPATH`` wins over an installed copy), else the metadata."""
    from importlib import metadata

    module = {"scikit-learn": "sklearn"}.get(name, name)
    try:
        version = getattr(importlib.import_module(module), "__version__", None)
    except Exception:
        version = None
    if version is not None:
        return str(version)
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def versions(packages: Sequence[str]) -> dict[str, str]:
    """Python version and the versions of ``packages``."""
    out = {"python": f"{platform.python_version()} ({sys.executable})"}
    out.update({p: package_version(p) for p in packages})
    return out


def render_environment(packages: Sequence[str], command: str) -> str:
    """Markdown bullet list: date, machine, versions, command."""
    m = machine_info()
    v = versions(packages)
    now = _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return "\n".join(
        [
            f"- date: {now}",
            f"- machine: {m['cpu']}; {m['cores']}; RAM {m['ram']}; {m['os']}",
            "- versions: " + ", ".join(f"{k} {val}" for k, val in v.items()),
            f"- command: `{command}`",
        ]
    )


def markers(key: str) -> tuple[str, str]:
    """The begin/end markers of section ``key`` in RESULTS.md."""
    return f"<!-- {key}:begin -->", f"<!-- {key}:end -->"


def update_section(path: str | os.PathLike[str], key: str, body: str) -> None:
    """Replace the text between ``key``'s markers in ``path`` (append the section if absent).

    Everything outside the markers is kept byte for byte; a missing file is created.
    """
    begin, end = markers(key)
    block = f"{begin}\n{body.strip()}\n{end}"
    p = Path(path)
    text = p.read_text(encoding="utf-8") if p.exists() else "# newsim benchmark results\n"
    i = text.find(begin)
    j = text.find(end, i + len(begin)) if i >= 0 else -1
    if i >= 0 and j >= 0:
        new = text[:i] + block + text[j + len(end) :]
    elif i >= 0 or text.find(end) >= 0:
        raise ValueError(f"{p}: unbalanced markers for section {key!r}")
    else:
        new = text.rstrip("\n") + "\n\n" + block + "\n"
    p.parent.mkdir(parents=True, exist_ok=True)
    tmp = p.with_name(p.name + ".tmp")
    tmp.write_text(new, encoding="utf-8")
    tmp.replace(p)


def command_line(script: str | os.PathLike[str], argv: Sequence[str]) -> str:
    """The command that ran ``script`` with ``argv``, as typed from the repo root."""
    path = Path(script).resolve()
    root = Path(__file__).resolve().parent.parent
    try:
        shown = str(path.relative_to(root))
    except ValueError:
        shown = str(path)
    return shlex.join(["python", shown, *argv])


def publish(
    section: str,
    *,
    out: str | None,
    key: str,
    json_path: str | None,
    data: dict[str, Any],
    progress: Callable[[str], None],
) -> None:
    """Print a results section, write it into ``out`` (between its markers) and the raw
    figures into ``json_path``, each when given."""
    print(section)
    if out:
        update_section(out, key, section)
        progress(f"wrote section '{key}' of {out}")
    if json_path:
        Path(json_path).write_text(json.dumps(data, indent=2, default=str), encoding="utf-8")
