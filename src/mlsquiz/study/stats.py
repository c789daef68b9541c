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


def state_counts(groups) -> dict[str, int]:
    counts = dict.fromkeys(("new", "learning", "young", "mature", "retired", "suspended"), 0)
    for group in groups:
        counts[group["state"]] += group["cards"]
    return counts


def reviewed_ease(groups) -> list[tuple[float, int]]:
    """(ease, cards) of the active cards answered at least once."""
    totals: dict[float, int] = {}
    for group in groups:
        if group["state"] not in ("new", "retired", "suspended"):
            totals[group["ease"]] = totals.get(group["ease"], 0) + group["cards"]
    return sorted(totals.items())


def retention_since(days, since: datetime.date) -> tuple[int, int]:
    """(passed, scheduled) over review-day rows (day, reviews, ms, scheduled, passed) from `since` on."""
    rows = [row for row in days if row[0] >= since.isoformat()]
    return sum(row[4] for row in rows), sum(row[3] for row in rows)


def section_mastery(groups, reviews, titles: dict, declared: list[tuple[str, str]]) -> list[dict]:
    """Per (deck, section): cards, seen, mature, learning, retention; declared sections first, in their order."""
    table: dict[tuple[str, str], dict] = {}
    for group in groups:
        if group["state"] in ("retired", "suspended"):  # out of the studied collection until brought back
            continue
        key = (group["deck"], group["section"])
        entry = table.setdefault(key, {"cards": 0, "seen": 0, "mature": 0, "learning": 0})
        entry["cards"] += group["cards"]
        entry["seen"] += group["cards"] if group["state"] != "new" else 0
        entry["mature"] += group["cards"] if group["state"] == "mature" else 0
        entry["learning"] += group["cards"] if group["state"] == "learning" else 0
    passed = {(row[0], row[1]): (row[3], row[2]) for row in reviews}
    order = [key for key in declared if key in table] + sorted(set(table) - set(declared))
    return [
        {"deck": deck, "section": section, "title": titles.get((deck, section), section), **table[(deck, section)],
         "retention": share(*passed.get((deck, section), (0, 0)))}
        for deck, section in order
    ]


def predicted_retention(rows) -> dict:
    """Average FSRS recall now over the cards seen, from (deck, section, cards, sum of recall) rows."""
    cards = sum(row[2] for row in rows)
    return {"predicted_now": round(sum(row[3] for row in rows) / cards, 3) if cards else None,
            "predicted_cards": cards}


def with_predicted_retention(sections: list[dict], rows) -> list[dict]:
    """Each section's entry with `predicted_retention`: its seen cards' average recall now (None if none)."""
    recall = {(row[0], row[1]): round(row[3] / row[2], 3) for row in rows}
    return [{**section, "predicted_retention": recall.get((section["deck"], section["section"]))}
            for section in sections]
