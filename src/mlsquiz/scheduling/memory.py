"""FSRS memory model as pure code: a card's stability and difficulty from its scheduled reviews, recall on
any day, FSRS intervals, and fitting parameters to a learner. No I/O and no clock.

Days are study days (04:00 rollover): elapsed time is the difference of two reviews' study days. The engine
is fsrs-rs (Anki's Rust FSRS, `fsrs_rs_python`), imported only inside the functions that use it.
"""

import datetime
import math
from dataclasses import dataclass, field
from typing import NamedTuple

# FSRS-6 defaults, the same numbers fsrs-rs and py-fsrs ship (kept here so reading them costs no import).
DEFAULT_PARAMETERS = (
    0.212, 1.2931, 2.3065, 8.2956, 6.4133, 0.8334, 3.0194, 0.001, 1.8722, 0.1666, 0.796, 1.4835, 0.0614,
    0.2629, 1.6483, 0.6014, 1.8729, 0.5425, 0.0912, 0.0658, 0.1542,
)
PARAMETER_COUNT = len(DEFAULT_PARAMETERS)
MAX_INTERVAL = 36_500  # as SM-2 here and Anki
# Fewer long-term reviews than this and a fit mostly reproduces the defaults, or overfits a few cards.
MIN_TRAINING_REVIEWS = 400

AGAIN, HARD, GOOD, EASY = 1, 2, 3, 4


class Memory(NamedTuple):  # immutable, and cheap to build a million times in a replay
    stability: float  # days until recall falls to 90%
    difficulty: float  # 1 (easy) .. 10 (hard)


@dataclass(frozen=True)
class Fit:
    parameters: tuple[float, ...]
    reviews: int  # training reviews: scheduled reviews on a later study day than the card's previous one
    log_loss_before: float
    log_loss_after: float
    initial_only: bool = False  # only w0-w3 fitted (fit_initial), the other 17 kept
    # the engine's evaluation of the current parameters on the training items (log_loss_before's source), for
    # calibration to reuse rather than evaluate again
    evaluation_before: object = field(default=None, compare=False, repr=False)

    @property
    def improved(self) -> bool:
        return self.log_loss_after < self.log_loss_before


def rating(grade: int) -> int:
    """SM-2's 0-5 grade as an FSRS rating: 0-2 Again, 3 Hard, 4 Good, 5 Easy."""
    return AGAIN if grade < 3 else grade - 1


def valid_parameters(values) -> tuple[float, ...] | None:
    """The parameters as a tuple of floats, or None if they are not 21 finite numbers a forgetting curve can use."""
    if not isinstance(values, (list, tuple)) or len(values) != PARAMETER_COUNT:
        return None
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in values):
        return None
    parameters = tuple(float(v) for v in values)
    # Positive initial stabilities (recall divides by S) and a decay of at least 0.1 (py-fsrs's lower bound).
    if parameters[20] < 0.1 or min(parameters[:4]) <= 0:
        return None
    return parameters


def decay(parameters) -> float:
    return parameters[20]


def recall(parameters, stability: float, elapsed_days: float) -> float:
    """Probability of recall `elapsed_days` after the last review: R(t) = (1 + F t / S) ^ -w20."""
    factor = 0.9 ** (-1 / decay(parameters)) - 1
    return (1 + factor * max(0.0, elapsed_days) / stability) ** -decay(parameters)


def recall_on(parameters, memory: Memory | None, last_day: datetime.date | None, day: datetime.date) -> float | None:
    """Recall on study day `day` of a card last reviewed on `last_day`; None for a card never reviewed."""
    if memory is None or last_day is None:
        return None
    return recall(parameters, memory.stability, (day - last_day).days)


def interval(parameters, stability: float, desired_retention: float) -> int:
    """Whole days until recall falls to `desired_retention` (at least 1, at most MAX_INTERVAL)."""
    return interval_for(stability, days_per_stability(parameters, desired_retention))


def days_per_stability(parameters, desired_retention: float) -> float:
    """t / S at which recall falls to `desired_retention`: the forgetting curve solved for t."""
    factor = 0.9 ** (-1 / decay(parameters)) - 1
    return (desired_retention ** (-1 / decay(parameters)) - 1) / factor


def interval_for(stability: float, days_per_unit: float) -> int:
    return min(MAX_INTERVAL, max(1, round(stability * days_per_unit)))


def engine(parameters):
    """An fsrs-rs model for these parameters (built once per set)."""
    key = tuple(parameters)
    if key not in _ENGINES:
        from fsrs_rs_python import FSRS

        _ENGINES.clear()
        _ENGINES[key] = FSRS(list(key))
    return _ENGINES[key]


_ENGINES: dict = {}


def final_memories(model, histories: list[list[tuple[int, int]]], batch: int = 5_000) -> list[Memory | None]:
    """The memory after each history of (grade, elapsed study days), in batches through the engine: the same
    numbers as `next_memory` step by step (fsrs-rs runs the same steps), at a fraction of the calls."""
    from fsrs_rs_python import FSRSItem, FSRSReview

    memories: list[Memory | None] = [None] * len(histories)
    todo = [n for n, history in enumerate(histories) if history]
    # One FSRSReview per (grade, elapsed days), shared: histories repeat a few hundred pairs, and each item
    # copies its reviews into the engine.
    reviews: dict[tuple[int, int], object] = {}

    def review(pair: tuple[int, int]):
        made = reviews.get(pair)
        if made is None:
            made = reviews[pair] = FSRSReview(rating(pair[0]), pair[1])
        return made

    for start in range(0, len(todo), batch):
        chosen = todo[start:start + batch]
        items = [FSRSItem([reviews.get(pair) or review(pair) for pair in histories[n]]) for n in chosen]
        for n, state in zip(chosen, model.memory_state_batch(items, [None] * len(items))):
            memories[n] = Memory(state.stability, state.difficulty)
    return memories


def elapsed(previous_day: datetime.date | None, day: datetime.date) -> int:
    """Study days since the previous review (0 for the first; never negative if the clock went backwards)."""
    return 0 if previous_day is None else max(0, (day - previous_day).days)


_OPTION_OF_GRADE = ("again", "again", "again", "hard", "good", "easy")


def next_memory(model, memory: Memory | None, grade: int, elapsed_days: int) -> Memory:
    """The memory after one scheduled review, `elapsed_days` study days after the previous one."""
    from fsrs_rs_python import MemoryState

    state = None if memory is None else MemoryState(memory.stability, memory.difficulty)
    # desired retention only shapes the intervals fsrs-rs returns, never the memory state
    after = getattr(model.next_states(state, 0.9, elapsed_days), _OPTION_OF_GRADE[grade]).memory
    return Memory(after.stability, after.difficulty)


def review_item(history):
    """An fsrs-rs item from a card's scheduled reviews [(study day, grade, ...), ...] in time order."""
    from fsrs_rs_python import FSRSItem, FSRSReview

    reviews, previous = [], None
    for day, grade, *_ in history:
        reviews.append(FSRSReview(rating(grade), elapsed(previous, day)))
        previous = day
    return FSRSItem(reviews)


def memory_histories(model, histories: list) -> list[list[Memory]]:
    """For each card's history, the memory after each of its reviews (one engine call for all cards)."""
    if not histories:
        return []
    states = model.historical_memory_state_batch([review_item(history) for history in histories])
    return [[Memory(s.stability, s.difficulty) for s in card] for card in states]


def _review_order(entry) -> tuple:
    """A review's place in time: its study day, then the store's (moment, uid) if given (never a local row id)."""
    return (entry[0].toordinal(), *entry[2:])  # an int compares faster than a date, in the same order


def training_items(histories) -> list:
    """One fsrs-rs training item per review that follows the card's previous review on an earlier study day:
    the history up to and including it (fsrs-rs predicts the last review of each item), in review-time order
    (the engine weights later items more, and Anki sorts by review id). History entries are (study day, grade)
    or (study day, grade, moment, uid)."""
    from fsrs_rs_python import FSRSItem, FSRSReview

    timed = []
    for history in histories:
        reviews, previous = [], None
        for entry in history:
            day, grade = entry[0], entry[1]
            gap = elapsed(previous, day)
            reviews.append(FSRSReview(rating(grade), gap))
            if previous is not None and gap > 0:
                timed.append((_review_order(entry), len(timed), FSRSItem(list(reviews))))
            previous = day
    timed.sort(key=_first)  # stable: ties keep the order they were added in, as the index behind it says
    return [item for _, _, item in timed]


def _first(entry):
    return entry[0]


def review_outcomes(parameters, histories, ordered: bool = True) -> list[tuple[float, bool]]:
    """(recall the model predicted, recalled) for each training review, in review-time order (in history order if
    not `ordered`, enough for a mean): the memory before the review (replayed through the engine) and the
    forgetting curve at its gap."""
    timed, model = [], engine(parameters)
    states = memory_histories(model, histories)
    for history, memories in zip(histories, states):
        for n in range(1, len(history)):
            gap = elapsed(history[n - 1][0], history[n][0])
            if gap > 0:
                predicted = recall(parameters, memories[n - 1].stability, gap)
                timed.append((_review_order(history[n]), len(timed), predicted, history[n][1] >= 3))
    if ordered:
        timed.sort(key=_first)  # stable: ties keep the order they were added in
    return [(predicted, recalled) for _, _, predicted, recalled in timed]


CALIBRATION_BINS = (0.0, 0.5, 0.7, 0.8, 0.9, 0.95)  # lower edges of the predicted-recall bins shown


def calibration(parameters, histories, outcomes: list | None = None, evaluation=None) -> dict | None:
    """How well the model predicts these reviews: the engine's `evaluate` (the FSRS benchmark's log loss, weighted
    toward later reviews as the trainer weights them, and RMSE over its bins), the plain mean log loss, and
    predicted-recall bins against the share actually recalled. None without a review to judge. `outcomes`:
    review_outcomes(parameters, histories) if the caller has them already; `evaluation`: the engine's evaluate of
    `parameters` on training_items(histories) if the caller has it already (Fit.evaluation_before)."""
    outcomes = review_outcomes(parameters, histories) if outcomes is None else outcomes
    if not outcomes:
        return None
    if evaluation is None:
        evaluation = engine(parameters).evaluate(training_items(histories))
    return calibration_figures(outcomes, evaluation, mean_log_loss(outcomes))


def calibration_figures(outcomes: list, evaluation, plain_log_loss: float) -> dict:
    """`calibration`'s figures from its (predicted, recalled) pairs in review order (at least one), the engine's
    evaluation and their mean_log_loss (which a caller that prints it too need work out only once)."""
    from bisect import bisect_right

    last = len(CALIBRATION_BINS) - 1
    predicted, recalled = [[] for _ in CALIBRATION_BINS], [0] * len(CALIBRATION_BINS)
    for p, y in outcomes:  # one pass: [low, high) for each bin, the last one [0.95, 1.0] (never a NaN)
        n = bisect_right(CALIBRATION_BINS, p) - 1
        if n >= 0 and (n < last or p <= 1.0):
            predicted[n].append(p)
            recalled[n] += y
    bins = []
    for n, low in enumerate(CALIBRATION_BINS):
        inside = predicted[n]  # summed in review order, as a sum over the reviews in the bin would be
        bins.append({"from": low, "to": CALIBRATION_BINS[n + 1] if n < last else 1.0, "reviews": len(inside),
                     "predicted": round(sum(inside) / len(inside), 4) if inside else None,
                     "recalled": round(recalled[n] / len(inside), 4) if inside else None})
    return {"reviews": len(outcomes), "log_loss": round(evaluation.log_loss, 4),
            "rmse_bins": round(evaluation.rmse_bins, 4), "plain_log_loss": round(plain_log_loss, 4),
            "predicted": round(sum(p for p, _ in outcomes) / len(outcomes), 4),
            "recalled": round(sum(y for _, y in outcomes) / len(outcomes), 4), "bins": bins}


def log_loss(parameters, items) -> float:
    return engine(parameters).evaluate(items).log_loss


def mean_log_loss(outcomes: list[tuple[float, bool]]) -> float:
    """The plain (unweighted) mean log loss of (predicted recall, recalled) pairs; the engine's is weighted."""
    log = math.log  # `1e-7 if 1e-7 > p else p` is max(p, 1e-7) to the bit, NaN included, without the call
    return -sum([log(1e-7 if 1e-7 > p else p) if y else log(1e-7 if 1e-7 > (q := 1 - p) else q)
                 for p, y in outcomes]) / len(outcomes)


def fit(histories, current=DEFAULT_PARAMETERS, items: list | None = None) -> Fit | int:
    """Fit FSRS parameters to the learner's histories, items in review-time order. Returns the Fit, or the number
    of training reviews when there are fewer than MIN_TRAINING_REVIEWS (too few to fit). `items`:
    training_items(histories) if the caller has them already."""
    items = training_items(histories) if items is None else items
    if len(items) < MIN_TRAINING_REVIEWS:
        return len(items)
    fitted = valid_parameters(engine(current).compute_parameters(items)) or tuple(current)
    before = engine(current).evaluate(items)
    return Fit(fitted, len(items), before.log_loss, log_loss(fitted, items), evaluation_before=before)


INITIAL_PARAMETERS = 4  # w0-w3: the stability after a first Again, Hard, Good, Easy


def fit_initial(histories, current=DEFAULT_PARAMETERS, items: list | None = None) -> Fit | int:
    """Below MIN_TRAINING_REVIEWS: fit only the initial stabilities w0-w3, what fsrs-rs itself fits on little data
    (below 64 training items, or when no card has a second review on a later day, its `compute_parameters` stops
    after this pre-training: a curve fit of each first rating's recall at the first review on a later day; below
    8 items it returns its defaults). It is given just those first reviews, so it always stops there; the other
    17 parameters stay `current`. When the engine fitted nothing (it returned its defaults), the number of first
    reviews it was given. `items`: training_items(histories) if the caller has them already."""
    items = training_items(histories) if items is None else items
    first = [item for item in items if item.long_term_review_cnt() == 1]
    if not first:
        return 0
    fitted = engine(current).compute_parameters(first)
    if all(abs(a - b) < 1e-6 for a, b in zip(fitted[:INITIAL_PARAMETERS], DEFAULT_PARAMETERS)):
        return len(first)  # the engine's answer to too little data: its defaults
    parameters = valid_parameters([*fitted[:INITIAL_PARAMETERS], *current[INITIAL_PARAMETERS:]])
    if parameters is None:
        return len(first)
    before = engine(current).evaluate(items)
    return Fit(parameters, len(items), before.log_loss, log_loss(parameters, items), initial_only=True,
               evaluation_before=before)
