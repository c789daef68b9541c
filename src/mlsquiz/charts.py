"""Bar charts for the terminal: block characters when the output can show them, ASCII otherwise; colour optional."""

import os
import sys

EIGHTHS = " ▏▎▍▌▋▊▉█"


def can_draw_blocks(stream=None) -> bool:
    encoding = getattr(stream or sys.stdout, "encoding", None) or "ascii"
    try:
        "█▏│".encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def use_colour(stream=None) -> bool:
    stream = stream or sys.stdout
    return "NO_COLOR" not in os.environ and hasattr(stream, "isatty") and stream.isatty()


def bar(value: int, largest: int, width: int, blocks: bool) -> str:
    if largest <= 0 or value <= 0:
        return ""
    eighths = max(1, round(value / largest * width * 8))
    if not blocks:
        return "#" * max(1, round(eighths / 8))
    full, rest = divmod(eighths, 8)
    return "█" * full + (EIGHTHS[rest] if rest else "")


def bar_chart(rows: list[tuple[str, int]], width: int = 50, stream=None) -> str:
    """One line per (label, value): label, bar scaled to the largest value, value. Fits `width` + labels."""
    blocks, colour = can_draw_blocks(stream), use_colour(stream)
    label_width = max((len(label) for label, _ in rows), default=0)
    largest = max((value for _, value in rows), default=0)
    lines = []
    for label, value in rows:
        drawn = bar(value, largest, width, blocks)
        if colour and drawn:
            drawn = f"\x1b[36m{drawn}\x1b[0m"
        lines.append(f"{label.ljust(label_width)} {'│' if blocks else '|'}{drawn} {value}".rstrip())
    return "\n".join(lines)


def column_chart(values: list[int], height: int = 5, stream=None) -> str:
    """Columns left to right (oldest first), `height` rows tall, one character per value."""
    blocks = can_draw_blocks(stream)
    largest = max(values, default=0)
    if largest == 0:
        return "(no reviews)"
    full_char = "█" if blocks else "#"
    rows = []
    for level in range(height, 0, -1):
        threshold = largest * (level - 0.5) / height
        rows.append("".join(full_char if value >= threshold and value > 0 else " " for value in values).rstrip())
    return "\n".join(rows)
