"""Pure: the next schedule after a scheduled review. SM-2 or FSRS sets the interval; every card keeps its FSRS
memory (stability, difficulty) under both, so recall is known whichever scheduler is in use."""

import datetime
from dataclasses import dataclass
from functools import cached_property

from . import memory, sm2

SCHEDULERS = ("sm2", "fsrs")


@dataclass(frozen=True)
class Scheduling:
    scheduler: str = "sm2"
    desired_retention: float = 0.9
    parameters: tuple = memory.DEFAULT_PARAMETERS

    def next_state(self, state: sm2.CardState, before: memory.Memory | None, last_day: datetime.date | None,
                   grade: int, day: datetime.date) -> tuple[sm2.CardState, memory.Memory]:
        """(schedule, memory) after answering `grade` on study day `day`; the card was last reviewed on `last_day`.

        Repetitions and ease follow SM-2 under both schedulers (they depend on grades only); under FSRS the
        interval is the time until recall falls to the desired retention."""
        return self.reschedule(sm2.review(state, grade, day), before, last_day, grade, day)

    def reschedule(self, after: sm2.CardState, before: memory.Memory | None, last_day: datetime.date | None,
                   grade: int, day: datetime.date) -> tuple[sm2.CardState, memory.Memory]:
        """SM-2's state after this review, given the memory and last review day before it: the next_state."""
        after_memory = memory.next_memory(self._model, before, grade, memory.elapsed(last_day, day))
        if self.scheduler == "fsrs":
            days = memory.interval_for(after_memory.stability, self._days_per_stability)
            after = sm2.CardState(after.repetitions, after.ease, days, day + datetime.timedelta(days=days))
        return after, after_memory

    def final_memories(self, histories: list[list[tuple[int, int]]]) -> list:
        """The memory after each history of (grade, elapsed study days): see memory.final_memories."""
        return memory.final_memories(self._model, histories)

    def with_memory(self, schedule, after_memory):
        """A replayed schedule given the memory after its last answer (None for a new card): under FSRS the
        interval and due date follow the stability, as `reschedule` sets them."""
        if after_memory is None:
            return type(schedule)()
        state = schedule.state
        if self.scheduler == "fsrs":
            days = memory.interval_for(after_memory.stability, self._days_per_stability)
            state = sm2.CardState(state.repetitions, state.ease, days, schedule.last_day + datetime.timedelta(days=days))
        return type(schedule)(state, schedule.lapses, schedule.last_review, after_memory, schedule.last_day)

    # Worked out once per Scheduling: a replay calls reschedule for every review in the log.
    @cached_property
    def _model(self):
        return memory.engine(self.parameters)

    @cached_property
    def _days_per_stability(self) -> float:
        return memory.days_per_stability(self.parameters, self.desired_retention)
