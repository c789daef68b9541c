"""Text output for the terminal: safe strings, tables, shortening to fit 80 columns."""

import sys
import unicodedata

from .output import neutralise

# Commands need not call terminal_safe for safety: output.SafeStream neutralises all they print. It is for
# layout (one line per value, widths measured on what will be shown) and for the quiz's own screen.


def terminal_safe(text: str, *, keep_newlines: bool = True) -> str:
    """Card text made harmless for a terminal: no escape sequences, no control characters."""
    text = neutralise(text)
    return text if keep_newlines else text.replace("\n", " ").replace("\t", " ")


def ellipsis() -> str:
    try:
        "…".encode(getattr(sys.stdout, "encoding", None) or "ascii")
    except (UnicodeEncodeError, LookupError):
        return "..."
    return "…"


def shorten(text: str, width: int) -> str:
    """One line of at most `width` columns (East Asian wide characters count double), cut with an ellipsis at a
    word boundary when one is in the last 40% of the kept text (else mid-word: a long id or URL)."""
    text = " ".join(terminal_safe(text, keep_newlines=False).split())
    cut = ellipsis()
    out, used = [], 0
    for char in text:
        cost = 2 if unicodedata.east_asian_width(char) in "WF" else 1
        if used + cost > width - (len(cut) if len(text) > len(out) + 1 else 0):
            kept = "".join(out)
            if char != " ":
                space = kept.rfind(" ")
                if space >= len(kept) * 0.6:
                    kept = kept[:space]
            return kept.rstrip(" ,;:") + cut
        out.append(char)
        used += cost
    return "".join(out)


def table(rows: list[list], headers: list[str], align: tuple[str, ...] | None = None) -> str:
    from tabulate import tabulate

    return tabulate(rows, headers=headers, tablefmt="simple", colalign=align, disable_numparse=True)
