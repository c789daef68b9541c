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


def final_schedules(histories: list[list[tuple]], scheduling=None) -> list[Schedule]:
    """The schedule each history ends in, as the last `replay` step would give it, for many cards at once.

    A history is (kind, grade, study day, reviewed_at) tuples in time order. Repetitions and ease depend on the
    grades only; FSRS memory comes from one batched engine call per few thousand cards; under FSRS the interval
    is then set from the final stability, exactly as `step` sets it after the last answer."""
    schedules, segments = [], []
    for history in histories:
        start = max((n + 1 for n, answer in enumerate(history) if answer[0] == "forget"), default=0)
        state, lapses, last_review, last_day, segment = sm2.CardState(), 0, None, None, []
        for _, grade, day, reviewed_at in history[start:]:
            state = sm2.review(state, grade, day)
            lapses += grade < 3
            segment.append((grade, 0 if last_day is None else max(0, (day - last_day).days)))
            last_review, last_day = reviewed_at, day
        schedules.append(Schedule(state, lapses, last_review, None, last_day))
        segments.append(segment)
    if scheduling is None:
        return [Schedule(s.state, s.lapses, s.last_review) for s in schedules]
    memories = scheduling.final_memories(segments)
    return [scheduling.with_memory(schedule, memory_after) for schedule, memory_after in zip(schedules, memories)]
