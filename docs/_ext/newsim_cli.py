"""``.. newsim-cli::``: the command line's help, generated from its parser at build time.

The directive builds ``newsim.cli``'s :class:`argparse.ArgumentParser` and writes one section
per command and sub-command (``newsim``, ``newsim similar``, ..., ``newsim index add``) holding
that parser's ``--help`` text, so the page cannot drift from the program.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterator
from typing import Any

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective
from sphinx.util.nodes import nested_parse_with_titles

#: The width the help is wrapped to, whatever the terminal that runs the build.
WIDTH = 100


def parser() -> argparse.ArgumentParser:
    """Return the command line's parser, as ``newsim`` builds it."""
    from newsim import cli

    return cli._parser()


def commands(
    p: argparse.ArgumentParser, prefix: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    """Yield ``(words after "newsim", parser)`` for the parser and each sub-command, in order."""
    yield prefix, p
    for action in p._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from commands(sub, (*prefix, name))


def help_text(p: argparse.ArgumentParser) -> str:
    """Return ``p``'s ``--help`` at :data:`WIDTH` columns."""
    old = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = str(WIDTH)
    try:
        return p.format_help()
    finally:
        if old is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = old


def rst_lines() -> list[str]:
    """Return the reStructuredText of the page's generated part."""
    lines: list[str] = []
    for words, p in commands(parser()):
        title = " ".join(("newsim", *words))
        lines += [f"``{title}``", "-" * (len(title) + 4), ""]
        if words and p.description:
            first = p.description.split("\n\n", 1)[0].replace("\n", " ")
            lines += [_escape(first), ""]
        lines += [".. code-block:: text", ""]
        lines += [f"   {line}".rstrip() for line in help_text(p).splitlines()]
        lines += [""]
    return lines


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("`", "\\`").replace("*", "\\*")


class NewsimCli(SphinxDirective):
    """Insert one section per command with its ``--help``."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        """Return the sections, parsed from :func:`rst_lines`."""
        container = nodes.section()  # a throwaway parent: its children are returned
        container.document = self.state.document
        content = StringList(rst_lines(), source="newsim.cli._parser()")
        nested_parse_with_titles(self.state, content, container)
        return list(container.children)


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the directive."""
    app.add_directive("newsim-cli", NewsimCli)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
