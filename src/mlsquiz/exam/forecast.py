"""Pure: what the FSRS memory model predicts for exam day, if the learner stops today and if the plan is kept,
and the reviews a kept plan brings each day. Recall is `memory.recall`'s forgetting curve; a kept plan's reviews
succeed with the (calibrated) recall at that moment, through the engine's formulas (tests hold them
to `memory.next_memory`)."""

import datetime
import heapq
import math
from typing import NamedTuple

from ..scheduling import memory, sm2
from .pacing import DAY, window_days_left, window_start

GOOD = 4  # the SM-2 grade a kept plan assumes for every review (FSRS Good)


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


# What a kept plan assumes, in one place (the commands print it).
KEPT_PLAN_ASSUMES = ("each planned review is answered right with the memory model's recall at that moment"
                     " (adjusted by how your past reviews compared with the model); new cards graded Good when"
                     " introduced; reviews before the window at the memory model's interval for your desired"
                     " retention; one review in the window; cards independent")
BRANCH_MASS = 1e-2  # a path less likely than this follows its likelier answer only
BRANCH_DEPTH = 3  # after this many planned reviews a path follows its likelier answer only (bounds the cost)


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


KEPT_EXACT_CARDS = 600  # on a larger deck, the kept plan is worked out for this many representative cards


def planned_reviews(parameters, exam: int, desired_retention: float, shift: float):
    """expected(s, d, last, when, window_day): a card's expected recall on exam day (day numbers are ordinals)
    from its memory (s, d) after its review on `last`, its next planned review on `when` and its window review on
    `window_day`, and the expected number of reviews on the way (planned ones before the window, and the window's
    one). Each review is answered right with the (calibrated) recall at that moment: exact expectation
    over both answers of the window review and of the first BRANCH_DEPTH reviews before it; later reviews, and
    paths less likely than BRANCH_MASS, follow the likelier answer. The formulas of good_review, lapse_review,
    next_difficulty and recall_curve written out in one loop (a forecast runs it for thousands of cards; tests
    hold it to them)."""
    w, exp = parameters, math.exp
    power = -memory.decay(w)
    factor = 0.9 ** (1 / power) - 1
    grow, shrink, spread = exp(w[8]), -w[9], w[10]
    lapse_w, lapse_d, lapse_s, lapse_r, lapse_cap = w[11], -w[12], w[13], w[14], exp(w[17] * w[18])
    easy_first = w[7] * (w[4] - exp(w[5] * 3) + 1)  # next_difficulty's mean reversion term
    keep, again_step = 1 - w[7], 2 * w[6] / 9
    cap, per_stability = memory.MAX_INTERVAL, memory.days_per_stability(w, desired_retention)
    odds_factor = exp(shift)

    def expected(s, d, last, when, window_day):
        total, count, to_exam = 0.0, 0.0, exam - window_day
        paths = [(s, d, last, when, 1.0, 0)]
        while paths:
            s, d, last, when, mass, depth = paths.pop()
            while when < window_day:  # a planned review before the window; one answer followed here
                count += mass
                recall = (1 + factor * max(0, when - last) / s) ** power
                r = recall if not shift else (o := max(recall, 1e-6) / max(1 - recall, 1e-6) * odds_factor) / (1 + o)
                both = depth < BRANCH_DEPTH and mass * min(r, 1 - r) >= BRANCH_MASS
                if both or r < 0.5:
                    s2 = max(0.001, min(lapse_w * d ** lapse_d * ((s + 1) ** lapse_s - 1)
                                        * exp(lapse_r * (1 - recall)), s / lapse_cap))
                    d2 = min(10.0, max(1.0, easy_first + keep * (d + again_step * (10 - d))))
                    wrong = (s2, d2, when, when + min(cap, max(1, round(s2 * per_stability))),
                             mass * (1 - r) if both else mass, depth + 1)
                    if not both:
                        s, d, last, when, mass, depth = wrong
                        continue
                    paths.append(wrong)  # the wrong answer's path, taken up later
                s = min(cap, s * (1 + grow * (11 - d) * s ** shrink * (exp(spread * (1 - recall)) - 1)))
                d = min(10.0, max(1.0, easy_first + keep * d))
                last, when = when, when + min(cap, max(1, round(s * per_stability)))
                mass, depth = mass * r if both else mass, depth + 1
            # the window's review, then recall on exam day
            recall = (1 + factor * max(0, window_day - last) / s) ** power
            r = recall if not shift else (o := max(recall, 1e-6) / max(1 - recall, 1e-6) * odds_factor) / (1 + o)
            right = min(cap, s * (1 + grow * (11 - d) * s ** shrink * (exp(spread * (1 - recall)) - 1)))
            wrong = max(0.001, min(lapse_w * d ** lapse_d * ((s + 1) ** lapse_s - 1) * exp(lapse_r * (1 - recall)),
                                   s / lapse_cap))
            total += mass * (r * (1 + factor * to_exam / right) ** power
                             + (1 - r) * (1 + factor * to_exam / wrong) ** power)
            count += mass
        return total, count

    return expected


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
    window_queue's answer for these arguments, when several retentions share it."""
    expected = planned_reviews(parameters, exam_day.toordinal(), desired_retention, shift)
    per_stability = memory.days_per_stability(parameters, desired_retention)
    done, queue, _, _, by_state = queue or window_queue(parameters, cards, today, exam_day, final_days,
                                                          new_days)
    recalls, today_number, cap = list(done), today.toordinal(), memory.MAX_INTERVAL

    def when_of(entry) -> int:  # the card's next planned review
        _, s, _, last, due, _, _ = entry
        if due is None or reschedule:  # a new card, or a seen one at the interval for this retention
            due = last + min(cap, max(1, round(s * per_stability)))
        return max(today_number, due)

    if reschedule:  # the next review follows from the state: cards of one state and window day are identical
        groups = by_state
    else:
        groups = {}
        for rank, entry in enumerate(queue):
            groups.setdefault((*entry[6], when_of(entry), entry[5]), []).append(rank)  # identical cards
    ranked = [(0.0, 0.0)] * len(queue)
    exact, alone = list(groups.items()), []
    if exact_limit is not None and len(groups) > exact_limit:  # cards sharing a state exactly, the rest in runs
        exact = [(group, ranks) for group, ranks in groups.items() if len(ranks) > 1]
        alone = sorted(ranks[0] for ranks in groups.values() if len(ranks) == 1)
    for _, ranks in exact:
        _, s, d, last, _, day, _ = entry = queue[ranks[0]]
        value = expected(s, d, last, min(when_of(entry), day), day)
        for rank in ranks:
            ranked[rank] = value
    runs = max(1, exact_limit - len(exact)) if alone else 0
    for run in range(runs):  # runs of neighbours in the window's order, each valued by its middle card
        low, high = run * len(alone) // runs, (run + 1) * len(alone) // runs
        if low == high:
            continue
        _, s, d, last, _, day, _ = entry = queue[alone[(low + high) // 2]]
        value = expected(s, d, last, min(when_of(entry), day), day)
        for rank in alone[low:high]:
            ranked[rank] = value
    counts = [0.0] * len(cards)
    for entry, (recall, count) in zip(queue, ranked):
        recalls[entry[0]], counts[entry[0]] = recall, count
    if reviews is not None:
        reviews[:] = counts
    return recalls


def window_queue(parameters, cards: list[CardMemory], today: datetime.date, exam_day: datetime.date,
                 final_days: int, new_days: list) -> tuple:
    """What recall_if_kept needs whatever the desired retention: the recall on exam day of cards already reviewed
    in the window (0 for the others), and the others in the window's order (most forgotten first) as (index,
    stability, difficulty, last review, stored due day or None for a new card, window day, rounded state); the
    window's first day and its length in days; the ranks of the cards of each rounded state and window day.
    Day numbers are ordinals."""
    curve, power = recall_curve(parameters), -memory.decay(parameters)
    factor = 0.9 ** (1 / power) - 1
    first_memory = memory.next_memory(memory.engine(parameters), None, GOOD, 0)  # every new card's, graded Good
    intro_days = iter(day.toordinal() for day, count in new_days for _ in range(count))
    start = window_start(exam_day, final_days).toordinal()
    first, exam, today_number = max(today.toordinal(), start), exam_day.toordinal(), today.toordinal()
    done, waiting = [0.0] * len(cards), []  # (recall when the window opens, key, index, s, d, last, due)
    for index, card in enumerate(cards):
        if card.memory is None:
            s, d, last, due = first_memory.stability, first_memory.difficulty, next(intro_days, today_number), None
        else:
            s, d, last = card.memory.stability, card.memory.difficulty, card.last_day.toordinal()
            due = card.due.toordinal() if card.due else today_number
        if last >= start:  # already reviewed in the window
            done[index] = curve(s, exam - last)
        else:  # curve(s, first - last), written out (a call per card)
            waiting.append(((1 + factor * max(0, first - last) / s) ** power, card.key, index, s, d, last, due))
    waiting.sort()
    days = max(1, exam - first)
    queue = [(index, s, d, last, due, first + rank * days // len(waiting), (round(s, 4), round(d, 3), last))
             for rank, (_, _, index, s, d, last, due) in enumerate(waiting)]  # spread evenly over the window
    by_state: dict = {}
    for rank, entry in enumerate(queue):
        by_state.setdefault((*entry[6], entry[5]), []).append(rank)
    return done, queue, first, days, by_state


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
              final_days: int, new_days: list, section_order: list[str], weakest: int = 5,
              desired_retention: float = 0.9, shift: float = 0.0, queue=None) -> dict:
    """Card by card (what the commands run): see `summary`. `queue`: window_queue's answer, if made already."""
    stopped = recall_if_stopped(parameters, cards, exam_day)
    kept = recall_if_kept(parameters, cards, today, exam_day, final_days, new_days, desired_retention, shift,
                          queue=queue) if today <= exam_day else None
    seen = [n for n, c in enumerate(cards) if c.memory is not None]
    weakest_cards = [{"key": cards[n].key, "section": cards[n].section, "recall": stopped[n]}
                     for n in heapq.nsmallest(weakest, seen, key=stopped.__getitem__)]
    ready = summary(section_sums(cards, stopped, kept), weakest_cards, today, exam_day, section_order)
    ready["if_plan_kept_range"] = recall_range(kept, len(cards)) if kept is not None else None
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

