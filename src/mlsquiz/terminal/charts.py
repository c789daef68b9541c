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
            from .output import colour

            drawn = colour(drawn, "36")  # the one way to colour: raw escapes would be neutralised on output
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


def date_axis(first, days: int) -> str:
    """Dates (MM-DD) under a one-column-per-day chart: the first day, the middle one and the last."""
    import datetime

    if days < 17:
        return f"{first:%m-%d}"
    axis = [" "] * days
    for day, start in ((0, 0), (days // 2, days // 2 - 2), (days - 1, days - 5)):  # label's day, its column
        axis[start:start + 5] = f"{first + datetime.timedelta(days=day):%m-%d}"
    return "".join(axis)


HEAT = " ░▒▓█"
HEAT_ASCII = " .:*#"
WEEKDAYS = ("Mon", "", "Wed", "", "Fri", "", "Sun")


def heat_level(count: int, largest: int) -> int:
    """0 for no reviews, else 1-4 by quarter of the busiest day."""
    if count <= 0 or largest <= 0:
        return 0
    return min(4, max(1, -(-count * 4 // largest)))


def calendar_heatmap(counts: dict, today, weeks: int = 52, stream=None) -> str:
    """Reviews per day over the last `weeks` weeks (and this one), a column per week, a row per weekday, with
    month names above and a scale below; 4 + weeks + 1 columns wide (57 for a year), so it fits 80."""
    import datetime

    shades = HEAT if can_draw_blocks(stream) and _can_encode(HEAT, stream) else HEAT_ASCII
    this_monday = today - datetime.timedelta(days=today.weekday())
    first_monday = this_monday - datetime.timedelta(weeks=weeks)
    columns = weeks + 1
    largest = max((n for day, n in counts.items() if first_monday.isoformat() <= day <= today.isoformat()),
                  default=0)
    months = [" "] * (columns + 4)
    for week in range(columns):
        monday = first_monday + datetime.timedelta(weeks=week)
        if monday.day <= 7 and week + 3 < columns:  # the first week of a month carries its name
            months[4 + week:4 + week + 3] = f"{monday:%b}"
    lines = ["".join(months).rstrip()]
    for weekday in range(7):
        cells = []
        for week in range(columns):
            day = first_monday + datetime.timedelta(weeks=week, days=weekday)
            cells.append(" " if day > today else shades[heat_level(counts.get(day.isoformat(), 0), largest)]
                         if counts.get(day.isoformat(), 0) else ("·" if shades is HEAT else "-"))
        lines.append(f"{WEEKDAYS[weekday]:<4}" + "".join(cells).rstrip())
    scale = []
    for level in range(1, 5):
        low, high = largest * (level - 1) // 4 + 1, largest * level // 4  # the counts heat_level puts here
        if low <= high:
            scale.append(f"{shades[level]} {low}" + (f"-{high}" if high > low else ""))
    lines.append(f"    {'·' if shades is HEAT else '-'} none  {'  '.join(scale)} reviews a day")
    return "\n".join(lines)


def _can_encode(text: str, stream=None) -> bool:
    try:
        text.encode(getattr(stream or sys.stdout, "encoding", None) or "ascii")
    except (UnicodeEncodeError, LookupError):
        return False
    return True
