"""Pure: what the FSRS memory model predicts for exam day, if the learner stops today and if the plan is kept,
and the reviews a kept plan brings each day. Recall is `memory.recall`'s forgetting curve; a kept plan's reviews
are graded Good with the engine's stability formula (held to `memory.next_memory` by a test)."""

import datetime
import heapq
import math
from dataclasses import dataclass

from ..scheduling import memory, sm2
from .pacing import DAY, window_days_left, window_start

GOOD = 4  # the SM-2 grade a kept plan assumes for every review (FSRS Good)


@dataclass(frozen=True)
class CardMemory:
    """One active card as the forecast needs it; `memory` and `last_day` are None for a card never reviewed.
    `key` is whatever identifies the card to the caller (the store's row id)."""

    key: object
    section: str
    memory: memory.Memory | None
    last_day: datetime.date | None


def recall_curve(parameters):
    """`memory.recall` as a closure with its constants worked out once: a forecast calls it for every card."""
    factor, power = 0.9 ** (-1 / memory.decay(parameters)) - 1, -memory.decay(parameters)
    return lambda stability, days: (1 + factor * max(0, days) / stability) ** power


def good_review(parameters):
    """Stability after a review graded Good that recalled with probability R, more than a day after the last one:
    FSRS's S' = S (1 + e^w8 (11 - D) S^-w9 (e^(w10 (1 - R)) - 1)), the engine's own formula (a test holds it
    to `memory.next_memory`), written out because a forecast applies it to every card."""
    grow, shrink, spread = math.exp(parameters[8]), -parameters[9], parameters[10]
    return lambda s, d, r: min(memory.MAX_INTERVAL, s * (1 + grow * (11 - d) * s ** shrink * (math.exp(spread * (1 - r)) - 1)))


def recall_if_stopped(parameters, cards: list[CardMemory], exam_day: datetime.date) -> list[float]:
    """Each card's recall on exam day with no further review; a card never seen counts as 0."""
    curve, exam = recall_curve(parameters), exam_day.toordinal()
    return [0.0 if c.memory is None else curve(c.memory.stability, exam - c.last_day.toordinal()) for c in cards]


def recall_if_kept(parameters, cards: list[CardMemory], today: datetime.date, exam_day: datetime.date,
                   final_days: int, new_days: list[tuple[datetime.date, int]]) -> list[float]:
    """Each card's recall on exam day if the plan is kept: new cards introduced on the paced days (in deck order),
    then every card not yet reviewed in the final window reviewed once there, most forgotten first (ties by key),
    spread evenly over the window's days; every review graded Good. Reviews between introduction and the window are left out,
    so the prediction leans low rather than high."""
    curve, after_good = recall_curve(parameters), good_review(parameters)
    first_memory = memory.next_memory(memory.engine(parameters), None, GOOD, 0)  # every new card's, graded Good
    intro_days = iter(day.toordinal() for day, count in new_days for _ in range(count))
    start = window_start(exam_day, final_days).toordinal()
    first, exam = max(today.toordinal(), start), exam_day.toordinal()
    recalls = [0.0] * len(cards)
    waiting = []  # (recall when the window opens, key, index, stability, difficulty, last day)
    for index, card in enumerate(cards):
        if card.memory is None:
            s, d, last = first_memory.stability, first_memory.difficulty, next(intro_days, today.toordinal())
        else:
            s, d, last = card.memory.stability, card.memory.difficulty, card.last_day.toordinal()
        if last >= start:  # already reviewed in the window
            recalls[index] = curve(s, exam - last)
        else:
            waiting.append((curve(s, first - last), card.key, index, s, d, last))
    waiting.sort()
    days = max(1, exam - first)
    for rank, (r, key, index, s, d, last) in enumerate(waiting):
        day = first + rank * days // len(waiting)  # spread evenly: the first days take the most forgotten
        recalls[index] = curve(after_good(s, d, curve(s, day - last)), exam - day)
    return recalls


def kept_constants(parameters) -> dict:
    """What the store's SQL version of recall_if_kept needs: the curve's constants, Good's stability formula and
    a new card's memory after its first Good."""
    first_memory = memory.next_memory(memory.engine(parameters), None, GOOD, 0)
    return {"factor": 0.9 ** (-1 / memory.decay(parameters)) - 1, "power": -memory.decay(parameters),
            "grow": math.exp(parameters[8]), "shrink": -parameters[9], "spread": parameters[10],
            "new_stability": first_memory.stability, "new_difficulty": first_memory.difficulty,
            "max_stability": memory.MAX_INTERVAL}


def expected_reviews(today: datetime.date, exam_day: datetime.date, final_days: int, due: dict,
                     new_days: list[tuple[datetime.date, int]], active_cards: int, shown_in_window: int) -> list[dict]:
    """{date, reviews, new} for each day from today to exam day if the plan is kept: before the window, the cards
    due (overdue ones today), the new cards and their SM-2 follow-ups graded Good; in the window, its even share
    of the cards it still has to show."""
    start = window_start(exam_day, final_days)
    reviews: dict = {day: count for day, count in due.items() if day < start}
    for day, count in new_days:
        state = sm2.review(sm2.CardState(), GOOD, day)
        while state.due < start:
            reviews[state.due] = reviews.get(state.due, 0) + count
            state = sm2.review(state, GOOD, state.due)
    introduced = dict(new_days)
    introduced_in_window = sum(count for day, count in new_days if day >= start)  # counted as new, not reviews
    rows, left, day = [], active_cards - shown_in_window - introduced_in_window, today
    while day <= exam_day:
        if day >= start:
            count = -(-left // window_days_left(day, exam_day))
            left -= count
        else:
            count = reviews.get(day, 0)
        rows.append({"date": day.isoformat(), "reviews": count, "new": introduced.get(day, 0)})
        day += DAY
    return rows


def average(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def section_sums(cards: list[CardMemory], stopped: list[float], kept: list[float] | None) -> list[tuple]:
    """(section, cards, seen, sum of recall if stopped, sum if kept or None): what the store's SQL also returns."""
    sums: dict = {}
    for n, card in enumerate(cards):
        row = sums.setdefault(card.section, [0, 0, 0.0, 0.0])
        row[0] += 1
        row[1] += card.memory is not None
        row[2] += stopped[n]
        row[3] += kept[n] if kept is not None else 0.0
    return [(section, c, seen, st, kp if kept is not None else None) for section, (c, seen, st, kp) in sums.items()]


def readiness(parameters, cards: list[CardMemory], today: datetime.date, exam_day: datetime.date,
              final_days: int, new_days: list, section_order: list[str], weakest: int = 5) -> dict:
    """The reference computation, card by card: see `summary`. The commands use the store's SQL, which tests
    hold equal to this."""
    stopped = recall_if_stopped(parameters, cards, exam_day)
    kept = recall_if_kept(parameters, cards, today, exam_day, final_days, new_days) if today <= exam_day else None
    seen = [n for n, c in enumerate(cards) if c.memory is not None]
    weakest_cards = [{"key": cards[n].key, "section": cards[n].section, "recall": stopped[n]}
                     for n in heapq.nsmallest(weakest, seen, key=stopped.__getitem__)]
    return summary(section_sums(cards, stopped, kept), weakest_cards, today, exam_day, section_order)


def summary(sums: list[tuple], weakest_cards: list[dict], today: datetime.date, exam_day: datetime.date,
            section_order: list[str]) -> dict:
    """Predicted recall on exam day, overall and per section (in the deck's order), if stopped today (never-seen
    cards count as 0) and if the plan is kept; the weakest sections and cards; how many cards were never seen."""
    ranked = sorted(sums, key=lambda row: (section_order.index(row[0]) if row[0] in section_order
                                           else len(section_order), row[0]))
    sections = [{"section": section, "cards": cards, "seen": seen, "if_stopped": stopped / cards if cards else None,
                 "if_plan_kept": kept / cards if cards and kept is not None else None}
                for section, cards, seen, stopped, kept in ranked]
    cards, seen = sum(row[1] for row in sums), sum(row[2] for row in sums)
    stopped, kept_rows = sum(row[3] for row in sums), [row[4] for row in sums if row[4] is not None]
    return {
        "exam_day": exam_day.isoformat(),
        "days_left": (exam_day - today).days,
        "cards": cards,
        "never_seen": cards - seen,
        "if_stopped": stopped / cards if cards else None,
        "if_stopped_seen": stopped / seen if seen else None,
        "if_plan_kept": sum(kept_rows) / cards if cards and kept_rows and today <= exam_day else None,
        "sections": sections,
        "weakest_sections": [s["section"] for s in sorted(sections, key=lambda s: s["if_stopped"] or 0)[:3]],
        "weakest_cards": weakest_cards,
    }
