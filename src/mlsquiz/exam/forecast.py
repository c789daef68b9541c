"""Pure: what the FSRS memory model predicts for exam day, if the learner stops today and if the plan is kept,
and the reviews a kept plan brings each day. Recall is `memory.recall`'s forgetting curve; a kept plan's reviews
succeed with the (calibrated) recall at that moment, through the engine's formulas (tests hold them
to `memory.next_memory`)."""

import datetime
import heapq
import math
from collections import Counter
from itertools import compress, repeat
from operator import is_not
from typing import NamedTuple

from ..scheduling import memory, sm2
from .kept import (  # noqa: F401 (named here too)
    BRANCH_DEPTH,
    BRANCH_MASS,
    GOOD,
    KEPT_EXACT_CARDS,
    Deck,
    Queue,
    kept_values,
    planned_reviews,
)
from .kept import window_queue as kept_window_queue
from .pacing import DAY, window_days_left, window_start


class CardMemory(NamedTuple):  # immutable, and cheap to build for every card of a large deck
    """One active card as the forecast needs it; `memory` and `last_day` are None for a card never reviewed.
    `key` is whatever identifies the card to the caller (the store's row id)."""

    key: object
    section: str
    memory: memory.Memory | None
    last_day: datetime.date | None
    due: datetime.date | None = None  # the next scheduled review (seen cards)


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
    exam, power = exam_day.toordinal(), -memory.decay(parameters)  # recall_curve, written out: a call per card
    factor = 0.9 ** (1 / power) - 1
    return [0.0 if c.memory is None else (1 + factor * max(0, exam - c.last_day.toordinal()) / c.memory.stability)
            ** power for c in cards]


def stopped_column(parameters, deck: Deck, exam_day: datetime.date) -> list[float]:
    """recall_if_stopped over a deck's columns: each card's recall on exam day with no further review, 0 if never
    seen (the same arithmetic, max written out)."""
    exam, power = exam_day.toordinal(), -memory.decay(parameters)
    factor = 0.9 ** (1 / power) - 1
    return [0.0 if s is None else (1 + factor * (exam - last if exam > last else 0) / s) ** power
            for s, last in zip(deck.stability, deck.last)]


# What a kept plan assumes, in one place (the commands print it).
KEPT_PLAN_ASSUMES = ("each planned review is answered right with the memory model's recall at that moment"
                     " (adjusted by how your past reviews compared with the model); new cards graded Good when"
                     " introduced; reviews before the window at the memory model's interval for your desired"
                     " retention; one review in the window; cards independent")


def lapse_review(parameters):
    """Stability after a lapse (FSRS Again) that recalled with probability R: min(w11 D^-w12 ((S+1)^w13 - 1)
    e^(w14 (1 - R)), S / e^(w17 w18)), the engine's formula (a test holds it to `memory.next_memory`)."""
    w = parameters
    return lambda s, d, r: max(0.001, min(w[11] * d ** -w[12] * ((s + 1) ** w[13] - 1) * math.exp(w[14] * (1 - r)),
                                          s / math.exp(w[17] * w[18])))


def next_difficulty(parameters):
    """Difficulty after Good (rating 3) or Again (rating 1): linear damping, then mean reversion to Easy's first D."""
    w = parameters
    easy_first = w[4] - math.exp(w[5] * 3) + 1
    return lambda d, rating: min(10.0, max(1.0, w[7] * easy_first + (1 - w[7]) * (d - w[6] * (rating - 3) * (10 - d) / 9)))


def calibrated(shift: float):
    """The model's recall moved by a log-odds shift measured on the learner's own reviews (0: the model as is)."""
    if not shift:
        return lambda r: r
    return lambda r: 1 / (1 + math.exp(-(math.log(max(r, 1e-6) / max(1 - r, 1e-6)) + shift)))


def recall_if_kept(parameters, cards: list[CardMemory], today: datetime.date, exam_day: datetime.date,
                   final_days: int, new_days: list[tuple[datetime.date, int]], desired_retention: float = 0.9,
                   shift: float = 0.0, exact_limit: int | None = KEPT_EXACT_CARDS,
                   reviews: list | None = None, reschedule: bool = False, queue=None) -> list[float]:
    """Each card's expected recall on exam day if the plan is kept: new cards introduced on the paced days (in deck
    order, graded Good); every planned review before the final window (the first on the card's due date, the next
    at the memory model's interval for the desired retention) and the card's one review in the window (cards not
    yet reviewed there spread evenly over its days, most forgotten first) answered right with the (calibrated)
    recall at that moment: right gives the stability after a success, wrong the stability after a lapse (see
    planned_reviews). Identical cards share one computation. When more than `exact_limit` computations remain
    (a large deck), the cards that share their state with no other card, in the order the window shows them, are
    cut into runs of neighbours (as many as the limit leaves) and each run takes the value of its middle card
    (tests hold the deck's figure to the card-by-card one within 0.5 points). `reviews`, if given, receives each
    card's expected number of reviews from today to the exam (0 for a card already reviewed in the window).
    `reschedule`: a seen card's next review is at the memory model's interval for `desired_retention` from its
    last review (what switching to FSRS at that retention would set), not its stored due date. `queue`:
    window_queue's answer for these arguments, when several retentions share it. (kept.py does the work, over
    the deck's columns.)"""
    queue = queue or window_queue(parameters, cards, today, exam_day, final_days, new_days)
    recalls, counts = kept_values(parameters, queue, today.toordinal(), exam_day.toordinal(),
                                       desired_retention, shift, exact_limit, reschedule)
    if reviews is not None:
        reviews[:] = counts
    return recalls


def columns(cards: list[CardMemory]) -> Deck:
    """The cards as kept.py's columns (days as day numbers)."""
    seen = [c.memory is not None for c in cards]
    return Deck([c.key for c in cards], [c.section for c in cards],
                     [c.memory.stability if s else None for c, s in zip(cards, seen)],
                     [c.memory.difficulty if s else None for c, s in zip(cards, seen)],
                     [c.last_day.toordinal() if s else None for c, s in zip(cards, seen)],
                     [c.due.toordinal() if c.due else None for c in cards])


def window_queue(parameters, cards: list[CardMemory], today: datetime.date, exam_day: datetime.date,
                 final_days: int, new_days: list) -> Queue:
    """What recall_if_kept needs whatever the desired retention (kept.window_queue over the cards' columns)."""
    return kept_window_queue(parameters, columns(cards), today.toordinal(), exam_day.toordinal(),
                             window_start(exam_day, final_days).toordinal(), new_days)


def recall_range(recalls: list[float], cards: int) -> tuple[float, float] | None:
    """10th and 90th percentile of the share of `cards` recalled on exam day, each card recalled with its own
    probability, independently: exact variance sum p (1 - p), normal approximation."""
    if not cards:
        return None
    mean = sum(recalls) / cards
    spread = 1.2816 * math.sqrt(sum(p * (1 - p) for p in recalls)) / cards
    return max(0.0, mean - spread), min(1.0, mean + spread)


def recall_shift(outcomes: list[tuple[float, bool]], prior: int = 50) -> float:
    """The log-odds shift that makes the model's recall at the learner's past reviews average what they actually
    recalled, with `prior` pseudo-reviews on which the model is right (few reviews barely move it, and a perfect
    record gives a finite shift). `outcomes`: (predicted recall, recalled)."""
    if not outcomes:
        return 0.0
    logits = [math.log(max(p, 1e-6) / max(1 - p, 1e-6)) for p, _ in outcomes]
    mean = sum(p for p, _ in outcomes) / len(outcomes)
    logits += [math.log(max(mean, 1e-6) / max(1 - mean, 1e-6))] * prior
    target = sum(y for _, y in outcomes) + prior * mean
    low, high, shift = -8.0, 8.0, 0.0
    for _ in range(60):  # Newton's method kept inside a shrinking bracket: the expected count rises with the shift
        chances = [1 / (1 + math.exp(-(x + shift))) for x in logits]
        gap = sum(chances) - target
        if gap < 0:
            low = shift
        else:
            high = shift
        slope = sum(p * (1 - p) for p in chances)
        step = shift - gap / slope if slope > 0 else (low + high) / 2
        if not low < step < high:
            step = (low + high) / 2
        if abs(step - shift) < 1e-12:
            return step
        shift = step
    return shift


def expected_reviews(today: datetime.date, exam_day: datetime.date, final_days: int, due: dict,
                     new_days: list[tuple[datetime.date, int]], active_cards: int, shown_in_window: int,
                     shown_today: int | None = None) -> list[dict]:
    """{date, reviews, new} for each day from today to exam day if the plan is kept: before the window, the cards
    due (overdue ones today), the new cards and their SM-2 follow-ups graded Good; in the window, its even share
    of the cards it still has to show, and today at least `shown_today` (what the quiz shows today: the lapsed
    cards due again and the cards due anyway)."""
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
            if day == today and shown_today is not None:
                count = max(count, shown_today)
            left = max(0, left - count)
        else:
            count = reviews.get(day, 0)
        rows.append({"date": day.isoformat(), "reviews": count, "new": introduced.get(day, 0)})
        day += DAY
    return rows


def due_by_day(due: list, today: datetime.date, end: datetime.date) -> dict:
    """{day: cards} of the cards due before `end`, the overdue ones on today: store.stats.due_by_day over a deck's
    column of due day numbers (None when unset), in day order."""
    first, last = today.toordinal(), end.toordinal()
    counts = Counter([day if day > first else first for day in due if day is not None and day < last])
    return {datetime.date.fromordinal(day): count for day, count in sorted(counts.items())}


def average(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def section_sums(sections: list, stability: list, stopped: list[float], kept: list[float] | None) -> list[tuple]:
    """(section, cards, seen, sum of recall if stopped, sum if kept or None), sections in the order they first
    come, each sum added up in deck order: what the store's SQL also returns. Columns in deck order; a card is
    seen when it has a stability."""
    cards, seen = Counter(sections), Counter(compress(sections, map(is_not, stability, repeat(None))))
    sums = {section: [0.0, 0.0] for section in cards}
    for section, stopped_recall, kept_recall in zip(sections, stopped, repeat(0.0) if kept is None else kept):
        row = sums[section]  # one pass for every section, adding as the cards come
        row[0] += stopped_recall
        row[1] += kept_recall
    return [(section, count, seen[section], sums[section][0], None if kept is None else sums[section][1])
            for section, count in cards.items()]


def readiness(parameters, cards: list[CardMemory], today: datetime.date, exam_day: datetime.date,
              final_days: int, new_days: list, section_order: list[str], weakest: int = 5,
              desired_retention: float = 0.9, shift: float = 0.0, queue=None) -> dict:
    """Card by card: see deck_readiness; the weakest cards are the `weakest` seen ones of lowest recall if
    stopped. `queue`: window_queue's answer, if made already."""
    stopped = recall_if_stopped(parameters, cards, exam_day)
    seen = [n for n, c in enumerate(cards) if c.memory is not None]
    weakest_cards = [{"key": cards[n].key, "section": cards[n].section, "recall": stopped[n]}
                     for n in heapq.nsmallest(weakest, seen, key=stopped.__getitem__)]
    return deck_readiness(parameters, columns(cards), stopped, weakest_cards, today, exam_day, final_days,
                          new_days, section_order, desired_retention, shift, queue or (
                              window_queue(parameters, cards, today, exam_day, final_days, new_days)
                              if today <= exam_day else None))


def deck_readiness(parameters, deck: Deck, stopped: list[float], weakest_cards: list[dict], today: datetime.date,
                   exam_day: datetime.date, final_days: int, new_days: list, section_order: list[str],
                   desired_retention: float, shift: float, queue: Queue | None) -> dict:
    """`summary` of the deck's columns: `stopped` is each card's recall on exam day if stopped (0 if never seen),
    the kept plan's recall is worked out here (kept.py) with its 10th-90th percentile range; `queue` is
    kept.window_queue's answer (None once the exam day has passed)."""
    kept = kept_values(parameters, queue, today.toordinal(), exam_day.toordinal(), desired_retention,
                       shift)[0] if today <= exam_day else None
    ready = summary(section_sums(deck.sections, deck.stability, stopped, kept), weakest_cards, today, exam_day,
                    section_order)
    ready["if_plan_kept_range"] = recall_range(kept, len(stopped)) if kept is not None else None
    ready["plan_assumes"] = KEPT_PLAN_ASSUMES
    ready["recall_shift"] = round(shift, 4)
    return ready


def summary(sums: list[tuple], weakest_cards: list[dict], today: datetime.date, exam_day: datetime.date,
            section_order: list[str]) -> dict:
    """Predicted recall on exam day, overall and per section (in the deck's order), if stopped today (never-seen
    cards count as 0) and if the plan is kept; the weakest sections (lowest predicted recall of the cards seen)
    and cards; the sections not started; how many cards were never seen."""
    ranked = sorted(sums, key=lambda row: (section_order.index(row[0]) if row[0] in section_order
                                           else len(section_order), row[0]))
    sections = [{"section": section, "cards": cards, "seen": seen, "if_stopped": stopped / cards if cards else None,
                 "if_stopped_seen": stopped / seen if seen else None,
                 "if_plan_kept": kept / cards if cards and kept is not None else None}
                for section, cards, seen, stopped, kept in ranked]
    cards, seen = sum(row[1] for row in sums), sum(row[2] for row in sums)
    stopped, kept_rows = sum(row[3] for row in sums), [row[4] for row in sums if row[4] is not None]
    started = [s for s in sections if s["seen"]]
    return {
        "exam_day": exam_day.isoformat(),
        "days_left": (exam_day - today).days,
        "cards": cards,
        "never_seen": cards - seen,
        "if_stopped": stopped / cards if cards else None,
        "if_stopped_seen": stopped / seen if seen else None,
        "if_plan_kept": sum(kept_rows) / cards if cards and kept_rows and today <= exam_day else None,
        "sections": sections,
        "weakest_sections": [s["section"] for s in sorted(started, key=lambda s: s["if_stopped_seen"])[:3]],
        "not_started": [s["section"] for s in sections if not s["seen"]],
        "weakest_cards": weakest_cards,
    }

