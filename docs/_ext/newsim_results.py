"""The benchmarks page's data, generated from ``benchmarks/RESULTS.md`` at build time.

``RESULTS.md`` is the append-only log of benchmark runs: one ``## `` section per run, most of
them between ``<!-- KEY:begin -->`` and ``<!-- KEY:end -->`` markers (the harness replaces a
section by its key, so each key is the latest run of its kind). When the builder starts, this
extension writes ``docs/_generated/results.md``, which ``benchmarks.md`` includes:

* a table with one row per section: its key, title, date and command, linked to the section;
* the whole file, its headings one level down, each section behind a target ``results-KEY``.

The page is the file: nothing is copied by hand, so it cannot drift from it.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx

MARKER = re.compile(r"^<!--\s*([\w.-]+):(begin|end)\s*-->\s*$")
IMAGE = re.compile(r"!\[([^\]]*)\]\(([^)\s]+)\)")
DATE = re.compile(r"^- date:\s*(.+?)\s*$")
COMMAND = re.compile(r"^- command:\s*`(.+)`\s*$")
LOOSE_DATE = re.compile(r"\b(\d{1,2} \w{3} \d{4}|\d{4}-\d{2}-\d{2}(?: \d{2}:\d{2} UTC)?)\b")


@dataclass
class Section:
    """One ``## `` section of RESULTS.md."""

    key: str  # the marker's key, or a slug of the title for unmarked sections
    title: str
    date: str
    command: str
    lines: list[str]


def parse(text: str) -> tuple[list[str], list[Section]]:
    """Split RESULTS.md into its preamble and its ``## `` sections."""
    preamble: list[str] = []
    sections: list[Section] = []
    key: str | None = None
    for line in text.splitlines():
        marker = MARKER.match(line)
        if marker:
            key = marker.group(1) if marker.group(2) == "begin" else None
            continue
        if line.startswith("## "):
            title = line[3:].strip()
            sections.append(Section(key or _slug(title), title, "", "", []))
            continue
        (sections[-1].lines if sections else preamble).append(line)
    seen: dict[str, int] = {}
    for section in sections:
        count = seen[section.key] = seen.get(section.key, 0) + 1
        if count > 1:
            section.key = f"{section.key}-{count}"
        section.date = _first(DATE, section.lines) or _first(
            LOOSE_DATE, [section.title, *section.lines], search=True
        )
        section.command = _first(COMMAND, section.lines)
    return preamble, sections


def render(text: str, results_dir: Path, out_dir: Path) -> str:
    """Return the generated page body (MyST Markdown) for RESULTS.md's ``text``."""
    preamble, sections = parse(text)
    out = [
        "| section | run | date | command |",
        "|---|---|---|---|",
    ]
    for s in sections:
        command = f"``{s.command}``" if s.command else "see the section"
        title = s.title.replace("`", "").replace("|", "\\|")
        out.append(
            f"| {{ref}}`{s.key} <results-{s.key}>` | {title} | {s.date or '—'} | {command} |"
        )
    out += ["", *(_demote(line) for line in preamble if not line.startswith("# "))]
    for s in sections:
        out += ["", f"(results-{s.key})=", f"### {s.title}", ""]
        out += [_images(_demote(line), results_dir, out_dir) for line in s.lines]
    return "\n".join(out) + "\n"


def _demote(line: str) -> str:
    """Put a heading two levels down, under the page's ``## `` section (``### `` -> ``#### ``)."""
    return f"#{line}" if re.match(r"^#{3,5} ", line) else line


def _images(line: str, results_dir: Path, out_dir: Path) -> str:
    def replace(match: re.Match[str]) -> str:
        alt, target = match.group(1), match.group(2)
        source = results_dir / target
        if not source.is_file():  # a figure the run did not keep
            return f"*(figure not kept: `{target}`)*"
        shutil.copyfile(source, out_dir / source.name)
        return f"![{alt}](_generated/{source.name})"  # relative to benchmarks.md

    return IMAGE.sub(replace, line)


def _first(pattern: re.Pattern[str], lines: list[str], search: bool = False) -> str:
    for line in lines:
        match = pattern.search(line) if search else pattern.match(line)
        if match:
            return match.group(1)
    return ""


def _slug(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:40]


def generate(app: Sphinx) -> None:
    """Write ``_generated/results.md`` from RESULTS.md (only when it changes)."""
    results = Path(app.confdir).parent / "benchmarks" / "RESULTS.md"
    out_dir = Path(app.srcdir) / "_generated"
    out_dir.mkdir(exist_ok=True)
    body = render(results.read_text(encoding="utf-8"), results.parent, out_dir)
    target = out_dir / "results.md"
    if not target.is_file() or target.read_text(encoding="utf-8") != body:
        target.write_text(body, encoding="utf-8")


def setup(app: Sphinx) -> dict[str, Any]:
    """Generate the page when the builder starts, before Sphinx reads the sources."""
    app.connect("builder-inited", generate)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
