"""HTML mail bodies to plain text with the standard library's parser only.

Nothing is rendered or fetched: scripts, styles and the head are dropped, block elements
become line breaks, entities are decoded, and quoted blocks (``<blockquote>``) come out
with ``> `` in front of each line so the reply stripper can remove them like plain-text
quotes.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_SKIP = frozenset({"script", "style", "head", "title", "template", "noscript", "svg", "object"})
_BLOCK = frozenset(
    {
        "address", "article", "aside", "blockquote", "dd", "div", "dl", "dt", "fieldset",
        "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
        "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table", "tbody",
        "td", "tfoot", "th", "thead", "tr", "ul",
    }
)  # fmt: skip
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_BLANK_LINES = re.compile(r"\n{3,}")


# Closing one of these leaves a blank line, as a paragraph does on screen.
_PARAGRAPH = frozenset({"p", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table"})


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.current: list[str] = []
        self.skip = 0
        self.quote = 0
        self.pre = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self.skip += 1
        elif tag == "br":
            self.line_break()
        elif tag in _BLOCK:
            self.flush()
            if tag == "blockquote":
                self.quote += 1
            elif tag == "pre":
                self.pre += 1
            elif tag == "li":
                self.current.append("- ")
            elif tag in ("td", "th"):
                self.current.append(" ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.line_break()
        elif tag == "hr":
            self.flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skip = max(self.skip - 1, 0)
            return
        if tag not in _BLOCK:
            return
        self.flush()
        if tag in _PARAGRAPH:
            self.lines.append("")
        if tag == "blockquote":
            self.quote = max(self.quote - 1, 0)
        elif tag == "pre":
            self.pre = max(self.pre - 1, 0)

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        if self.pre:
            first, *rest = data.split("\n")
            self.current.append(first)
            for line in rest:
                self.line_break()
                self.current.append(line)
            return
        self.current.append(_SPACES.sub(" ", data.replace("\n", " ")))

    def line_break(self) -> None:
        """<br>: ends the line; a second one in a row leaves a blank line."""
        if "".join(self.current).strip():
            self.flush()
        else:
            self.current = []
            self.lines.append("")

    def flush(self) -> None:
        text = "".join(self.current).strip()
        self.current = []
        if text:
            self.lines.append("> " * self.quote + text)

    def text(self) -> str:
        self.flush()
        lines = [line.rstrip() for line in self.lines]
        return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def html_to_text(html: str) -> str:
    parser = _TextExtractor()
    try:
        parser.feed(html)
        parser.close()
    except (AssertionError, ValueError):  # the parser gives up on some broken markup
        pass
    return parser.text()
