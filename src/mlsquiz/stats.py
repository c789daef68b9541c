"""Pure aggregation for `mlsquiz stats`: rows from the store in, figures out. No I/O, no clock."""

import datetime

EASE_BUCKETS = ((1.3, 1.7), (1.7, 2.1), (2.1, 2.5), (2.5, 2.9), (2.9, None))


def day_series(rows, first: datetime.date, days: int) -> list[dict]:
    """One entry per day from `first`, with the count of (ISO day, count) rows that fall on it (0 otherwise)."""
    counts = {day: count for day, count, *_ in rows}
    series = []
    for offset in range(days):
        day = first + datetime.timedelta(days=offset)
        series.append({"date": day.isoformat(), "count": counts.get(day.isoformat(), 0)})
    return series


def streaks(days: list[str], today: datetime.date) -> dict[str, int]:
    """Current and longest run of consecutive study days; today still counts as open if yesterday was studied."""
    dates = sorted({datetime.date.fromisoformat(day) for day in days if day <= today.isoformat()})
    longest = run = 0
    previous = None
    for day in dates:
        run = run + 1 if previous and (day - previous).days == 1 else 1
        longest = max(longest, run)
        previous = day
    current = 0
    if dates and (today - dates[-1]).days <= 1:
        current = run
    return {"current": current, "longest": longest}


def share(passed: int, total: int) -> float | None:
    """A rate rounded to 3 places, or None when there is nothing to divide."""
    return round(passed / total, 3) if total else None


def ease_summary(rows: list[tuple[float, int]]) -> dict:
    """Average ease of reviewed cards and how many fall in each bucket."""
    cards = sum(count for _, count in rows)
    average = round(sum(ease * count for ease, count in rows) / cards, 2) if cards else None
    distribution = []
    for low, high in EASE_BUCKETS:
        inside = sum(count for ease, count in rows if ease >= low - 1e-9 and (high is None or ease < high - 1e-9))
        distribution.append({"from": low, "to": high, "cards": inside})
    return {"average": average, "cards": cards, "distribution": distribution}


def section_mastery(rows, titles: dict[tuple[str, str], str]) -> list[dict]:
    return [
        {
            "deck": row["deck"], "section": row["section"],
            "title": titles.get((row["deck"], row["section"]), row["section"]),
            "cards": row["cards"], "seen": row["seen"], "mature": row["mature"], "learning": row["learning"],
            "retention": share(row["passed"], row["reviewed"]),
        }
        for row in rows
    ]
