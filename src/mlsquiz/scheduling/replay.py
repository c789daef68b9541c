"""Pure: a card's schedule as a fold over its review log. Undo, exact-arithmetic upgrades, scheduler switches,
Anki imports and merges all recompute a state this way instead of patching it."""

import datetime
from dataclasses import dataclass

from . import sm2

# Log kinds that shape the schedule; drill, cram and exam answers never do.
SCHEDULING_KINDS = ("review", "forget")


@dataclass(frozen=True)
class LoggedAnswer:
    """One row of the review log, as replay needs it."""

    id: int
    kind: str  # review | forget
    grade: int
    study_day: datetime.date
    reviewed_at: str


@dataclass(frozen=True)
class Schedule:
    """Everything card_state keeps: the scheduler's state plus lapses and the moment of the last review."""

    state: sm2.CardState = sm2.CardState()
    lapses: int = 0
    last_review: str | None = None
    # FSRS memory (memory.Memory) and the study day of the last review: kept only when replaying with a Scheduling.
    memory: object = None
    last_day: datetime.date | None = None


@dataclass(frozen=True)
class ReplayedAnswer:
    answer: LoggedAnswer
    before: Schedule
    after: Schedule


def step(schedule: Schedule, answer: LoggedAnswer, scheduling=None) -> Schedule:
    """One logged answer applied to a schedule; with a scheduling.Scheduling, FSRS memory too (and FSRS
    intervals when that is the scheduler in use)."""
    if answer.kind == "forget":  # back to new; the history stays in the log
        return Schedule()
    if scheduling is not None:
        state, memory = scheduling.next_state(schedule.state, schedule.memory, schedule.last_day, answer.grade,
                                              answer.study_day)
        return Schedule(state, schedule.lapses + (answer.grade < 3), answer.reviewed_at, memory, answer.study_day)
    return Schedule(
        state=sm2.review(schedule.state, answer.grade, answer.study_day),
        lapses=schedule.lapses + (answer.grade < 3),
        last_review=answer.reviewed_at,
    )


def replay(answers: list[LoggedAnswer], scheduling=None) -> list[ReplayedAnswer]:
    """Every answer with the schedule before and after it, from a new card, in the order given (time order)."""
    schedule, replayed = Schedule(), []
    for answer in answers:
        after = step(schedule, answer, scheduling)
        replayed.append(ReplayedAnswer(answer, schedule, after))
        schedule = after
    return replayed


def final_schedule(answers: list[LoggedAnswer]) -> Schedule:
    schedule = Schedule()
    for answer in answers:
        schedule = step(schedule, answer)
    return schedule


def snapshot(before: Schedule, after: Schedule) -> tuple:
    """What the log keeps of one answer: (repetitions, ease, interval, due, lapses, last review) before it and
    (repetitions, ease, interval, due, lapses) after it, dates as ISO text (the reviews table's columns)."""
    def state(s: Schedule) -> tuple:
        return (s.state.repetitions, s.state.ease, s.state.interval, s.state.due and s.state.due.isoformat())

    return (*state(before), before.lapses, before.last_review, *state(after), after.lapses)


_DAY_TEXTS: dict[int, str] = {}  # ISO text of a day by its ordinal; replays write the same dates many times
_DAY_ORDINALS: dict[str, int] = {}  # and the other way: they read the same study days many times


def _day_text(ordinal: int) -> str:
    text = _DAY_TEXTS.get(ordinal)
    if text is None:
        text = _DAY_TEXTS[ordinal] = datetime.date.fromordinal(ordinal).isoformat()
    return text


def _day_ordinal(text: str) -> int:
    ordinal = _DAY_ORDINALS.get(text)
    if ordinal is None:
        ordinal = _DAY_ORDINALS[text] = datetime.date.fromisoformat(text).toordinal()
    return ordinal


def fold(answers, keep_snapshots: bool = False) -> tuple[Schedule, list, list | None]:
    """One card's answers in time order, each (reviewed_at, study day as ISO text, grade, kind, anything else)
    as a review row begins, folded with SM-2: (the schedule it ends in, with its last study day; the (grade,
    elapsed study days) since the last reset, which FSRS needs; with `keep_snapshots`, each scheduled answer's
    `snapshot`, as `replay` would give it). Answers of other kinds (drill, cram, exam) are passed over.

    The same arithmetic as `step` (sm2.next_values), on plain integers and day ordinals, reading the rows as
    they are: an Anki import replays 100,000 answers at once, and a pair of frozen dataclasses per answer (or
    a tuple per answer rearranged for the replay) cost several times the arithmetic itself."""
    initial = sm2.hundredths(sm2.INITIAL_EASE)
    next_values, day_texts, day_ordinals = sm2.next_values, _DAY_TEXTS, _DAY_ORDINALS
    repetitions, ease, interval, due, due_text, lapses, last_review = 0, initial, 0, None, None, 0, None
    ease_value = initial / 100  # the ease as the log keeps it, worked out once per answer
    segment, last_day, snapshots = [], None, [] if keep_snapshots else None
    for answer in answers:
        kind = answer[3]
        if kind != "review" and kind != "forget":  # SCHEDULING_KINDS, spelt out: this runs per answer
            continue
        # The state before this answer, kept in names: one tuple per answer, not three.
        before = repetitions, ease_value, interval, due_text, lapses, last_review
        if kind == "forget":  # back to new: the FSRS history starts again too
            repetitions, ease, interval, due, due_text, lapses, last_review = 0, initial, 0, None, None, 0, None
            segment, last_day = [], None
        else:
            grade = answer[2]
            if type(grade) is not int or not 0 <= grade <= 5:
                sm2.check_grade(grade)  # raises, with the message every other path gives
            repetitions, ease, interval = next_values(repetitions, ease, interval, grade)
            today = day_ordinals.get(answer[1]) or _day_ordinal(answer[1])
            due = today + interval
            lapses += grade < 3
            last_review = answer[0]
            elapsed = 0 if last_day is None else today - last_day
            segment.append((grade, elapsed if elapsed > 0 else 0))
            last_day = today
            if keep_snapshots:
                due_text = day_texts.get(due) or _day_text(due)
        ease_value = ease / 100
        if keep_snapshots:
            snapshots.append((*before, repetitions, ease_value, interval, due_text, lapses))
    due_day = None if due is None else datetime.date.fromordinal(due)
    state = sm2.CardState(repetitions, ease_value, interval, due_day)
    final_day = None if last_day is None else datetime.date.fromordinal(last_day)
    return Schedule(state, lapses, last_review, None, final_day), segment, snapshots


def final_schedules(folds: list, scheduling=None) -> list[Schedule]:
    """The schedule each card's history ends in (given as its `fold`), as the last `replay` step would give it,
    for many cards at once.

    Repetitions and ease depend on the grades only; FSRS memory comes from one batched engine call per few
    thousand cards; under FSRS the interval is then set from the final stability, exactly as `step` sets it
    after the last answer."""
    if scheduling is None:
        return [Schedule(s.state, s.lapses, s.last_review) for s, _, _ in folds]
    memories = scheduling.final_memories([segment for _, segment, _ in folds])
    return [scheduling.with_memory(schedule, memory_after) for (schedule, _, _), memory_after in zip(folds, memories)]
