"""Pure: a study session's queue. Which cards, in what order, the same-day re-drill rule, and undo."""

from collections import deque
from dataclasses import dataclass, field

REDRILL_GAP = 3  # a card graded below 4 comes back after this many other cards (or at the end)
PASSING_DRILL_GRADE = 4
RIGHT_GRADE = 3  # "right on the first try" in the summary: SM-2's pass mark, the card keeps its repetitions


def todays_allowance(limit: int, done_today: int) -> int:
    """What is left of a daily limit after the sessions already held that study day."""
    return max(0, limit - done_today)


@dataclass(eq=False)  # identity, not value: undo removes exactly the re-drill that answer queued
class Step:
    card: dict
    kind: str  # how the answer is logged: review | drill | cram
    redrill: bool = False  # shown again today after a grade below 4
    new: bool = False  # from today's new cards (a card a practice exam sent back counts as due, never-seen or not)


@dataclass
class Answered:
    step: Step
    grade: int
    review_id: int
    requeued: Step | None
    first_try: bool
    answer_ms: int = 0


@dataclass
class Session:
    """The queue of one sitting. `cram` sessions log every answer as cram and never touch the schedule."""

    queue: deque = field(default_factory=deque)
    cram: bool = False
    answered: list[Answered] = field(default_factory=list)
    left_out: set = field(default_factory=set)  # ids of cards suspended during the session

    @classmethod
    def build(cls, due_cards: list[dict], new_cards: list[dict], *, cram: bool = False) -> "Session":
        kind = "cram" if cram else "review"
        return cls(deque([*(Step(card, kind) for card in due_cards),
                          *(Step(card, kind, new=not cram) for card in new_cards)]), cram=cram)

    def next_step(self) -> Step | None:
        return self.queue[0] if self.queue else None

    def counts(self) -> dict[str, int]:
        """What remains, by what it is: due, new (or cram) and re-drill."""
        counts = {"due": 0, "new": 0, "cram": 0, "redrill": 0}
        for step in self.queue:
            if step.redrill:
                counts["redrill"] += 1
            elif self.cram:
                counts["cram"] += 1
            elif step.new:  # as it was queued: `mlsquiz due` counts the same cards the same way
                counts["new"] += 1
            else:
                counts["due"] += 1
        return counts

    def record(self, grade: int, review_id: int, answer_ms: int = 0) -> Answered:
        """The front card was answered: drop it, and re-queue it while it is graded below 4."""
        step = self.queue.popleft()
        requeued = None
        if grade < PASSING_DRILL_GRADE and step.card["id"] not in self.left_out:
            requeued = Step(step.card, "cram" if self.cram else "drill", redrill=True)
            position = min(REDRILL_GAP, len(self.queue))
            self.queue.insert(position, requeued)
        answer = Answered(step, grade, review_id, requeued, first_try=not step.redrill, answer_ms=answer_ms)
        self.answered.append(answer)
        return answer

    def undo(self) -> Answered | None:
        """Take back the last answer: its re-drill leaves the queue and the card is first again."""
        if not self.answered:
            return None
        answer = self.answered.pop()
        self.left_out.discard(answer.step.card["id"])  # the undone answer may be what suspended it
        if answer.requeued is not None and answer.requeued in self.queue:  # not dropped meanwhile
            self.queue.remove(answer.requeued)
        self.queue.appendleft(answer.step)
        return answer

    def drop_card(self, card_id: int) -> None:
        """A card leaves the session (suspended as a leech while being answered): no re-drill, no later step."""
        self.left_out.add(card_id)
        front = self.queue[0] if self.queue else None
        self.queue = deque(step for step in self.queue if step is front or step.card["id"] != card_id)

    def summary(self) -> dict:
        """Cards reviewed (first answers), how many of those were graded 3 or more, cards sent back for a re-drill,
        re-drills still waiting (the learner quit first), all answers, and the time spent answering."""
        first = [a for a in self.answered if a.first_try]
        return {
            "reviewed": len(first),
            "right_first_try": sum(1 for a in first if a.grade >= RIGHT_GRADE),
            "redrilled": len({a.step.card["id"] for a in self.answered if a.requeued is not None}),
            "redrill_left": sum(1 for step in self.queue if step.redrill),
            "answers": len(self.answered),
            "answer_ms": sum(a.answer_ms for a in self.answered),
        }


def redrill_reasons(session: "Session") -> dict:
    """Of the cards sent back to re-drill, how many were right on the first try with serious difficulty (graded
    3: right, so counted in "right on the first try", yet below the re-drill's pass mark of 4); the others were
    wrong."""
    return {"redrilled_right": len({a.step.card["id"] for a in session.answered
                                    if a.first_try and a.requeued is not None and a.grade >= RIGHT_GRADE})}


def studied_phrase(cards: int, answers: int, answer_ms: int) -> str:
    """How the quiz summary and `stats` both say what was studied: cards, and answers beyond a card's first
    (re-drills), in the time spent answering. One wording, so the two always agree."""
    minutes, seconds = divmod(round(answer_ms / 1000), 60)
    redrills = answers - cards
    extra = f" (+ {redrills} re-drill{'' if redrills == 1 else 's'})" if redrills else ""
    return f"{cards} card{'' if cards == 1 else 's'} reviewed{extra} in {minutes}m {seconds:02d}s"
