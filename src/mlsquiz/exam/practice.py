"""Pure: a practice exam's facts, drawing its questions across sections, and scoring it on the exam's scale.

The scaled score is a linear map of the share answered right onto the deck's scale (100-1000 for the bundled
deck); the real exam's scaling is AWS's own, so this rehearses the format, it does not predict the score."""

import math
from dataclasses import dataclass

DEFAULT_QUESTIONS = 30
DEFAULT_SCALE = (100, 1000)
DEFAULT_PASS_MARK = 750
MINUTES_PER_QUESTION = 2  # without the deck's figures; the bundled deck's are 180 minutes for 65 questions


@dataclass(frozen=True)
class ExamFacts:
    questions: int
    minutes: float  # per full sitting of `questions`
    score_min: int
    score_max: int
    pass_mark: int
    historical: bool = False
    unscored: int = 0  # questions of the real exam that are not scored; a practice exam scores every one

    @classmethod
    def from_meta(cls, meta: dict) -> "ExamFacts":
        exam = (meta or {}).get("exam") or {}
        questions = exam.get("questions") or DEFAULT_QUESTIONS
        return cls(questions, exam.get("minutes") or MINUTES_PER_QUESTION * questions,
                   exam.get("score_min", DEFAULT_SCALE[0]), exam.get("score_max", DEFAULT_SCALE[1]),
                   exam.get("pass_mark", DEFAULT_PASS_MARK), bool(exam.get("historical")),
                   exam.get("unscored") or 0)

    def minutes_for(self, questions: int) -> float:
        """The real exam's time per question, for this many questions (whole minutes, at least 1)."""
        return max(1, math.ceil(self.minutes * questions / self.questions))


def allocate(total: int, available: dict[str, int], weights: dict[str, float]) -> dict[str, int]:
    """Questions per section: in proportion to `weights` (largest remainders get the leftovers, ties in section
    order), never more than a section has; a section too small for its share gives all it has and the rest is
    shared among the others in the same proportion."""
    counts = {section: 0 for section in available}
    open_sections = [s for s in available if available[s] > 0 and weights.get(s, 0) > 0]
    left = min(total, sum(available[s] for s in open_sections))
    while open_sections:
        weight = sum(weights[s] for s in open_sections)
        shares = {s: left * weights[s] / weight for s in open_sections}
        full = [s for s in open_sections if shares[s] >= available[s]]
        if full:
            for s in full:
                counts[s] = available[s]
                left -= available[s]
            open_sections = [s for s in open_sections if s not in full]
            continue
        floors = {s: math.floor(shares[s]) for s in open_sections}
        leftovers = left - sum(floors.values())
        for s in sorted(open_sections, key=lambda s: floors[s] - shares[s])[:leftovers]:  # stable: section order
            floors[s] += 1
        counts.update(floors)
        break
    return counts


def draw(cards: list[dict], total: int, weights: dict[str, float] | None, rng, *,
         recent: dict[int, int] | None = None, prefer_unseen: bool = False) -> list[dict]:
    """`total` of `cards` (all of them in memory) across sections: `draw_walk` over a shuffled copy."""
    counts: dict[str, int] = {}
    for card in cards:
        counts[card["section"]] = counts.get(card["section"], 0) + 1
    return draw_walk(counts, total, weights, rng, iter(rng.sample(cards, len(cards))), recent=recent,
                     prefer_unseen=prefer_unseen)


def fresh_tier(prefer_unseen: bool) -> tuple:
    """The tier a draw takes first: not asked lately (and, with `prefer_unseen`, never studied)."""
    return (False, 0) if prefer_unseen else (0,)


def draw_walk(counts: dict[str, int], total: int, weights: dict[str, float] | None, rng, walk, *,
              recent: dict[int, int] | None = None, prefer_unseen: bool = False) -> list[dict]:
    """`total` cards across sections, shuffled. `counts`: each section's cards (in section order); `walk`: every
    card in a uniformly random order (an iterator: it is read only as far as needed). Questions per section follow
    `weights` (the deck's section weights, else each section's card count). Within a section, cards not asked in
    the recent attempts come first (`recent`: card id -> how many attempts ago it was last asked, 1 the last one;
    the longer ago, the sooner it may come back); with `prefer_unseen`, cards never studied come before those
    studied. The first cards of a tier met on the walk are a uniform sample of it."""
    recent = recent or {}
    wanted = allocate(total, counts, weights or counts)
    oldest = max(recent.values(), default=0) + 1
    best = fresh_tier(prefer_unseen)
    tiers: dict[str, dict[tuple, list[dict]]] = {section: {} for section in wanted}
    seen = dict.fromkeys(wanted, 0)
    open_sections = {section for section, n in wanted.items() if n}
    for card in walk:
        section = card["section"]
        if section not in open_sections:
            continue
        asked = oldest - recent[card["id"]] if card["id"] in recent else 0  # 0: not asked lately
        tier = (card.get("last_review") is not None, asked) if prefer_unseen else (asked,)
        tiers[section].setdefault(tier, []).append(card)
        seen[section] += 1
        if len(tiers[section].get(best, ())) >= wanted[section] or seen[section] >= counts[section]:
            open_sections.discard(section)
            if not open_sections:
                break
    drawn = []
    for section, left in wanted.items():
        for tier in sorted(tiers[section]):  # the fresher tier first
            taken = tiers[section][tier][:left]
            drawn += taken
            left -= len(taken)
    rng.shuffle(drawn)
    return drawn


def studied_count(questions: list[dict]) -> int:
    """Questions that were cards already studied (reviewed at least once in a quiz)."""
    return sum(1 for card in questions if card.get("last_review") is not None)


@dataclass(frozen=True)
class Result:
    questions: int
    right: int
    answered: int
    scaled: int
    passed: bool
    sections: list  # [{section, questions, right, scaled}]


def scaled_score(right: int, questions: int, facts: ExamFacts) -> int:
    return round(facts.score_min + (facts.score_max - facts.score_min) * right / questions) if questions else \
        facts.score_min


def score(outcomes: list[tuple[str, bool | None]], facts: ExamFacts, section_order: list[str]) -> Result:
    """Score (section, right?) per question; None is unanswered and counts as wrong."""
    right = sum(1 for _, ok in outcomes if ok)
    sections = []
    for section in sorted({s for s, _ in outcomes}, key=lambda s: (section_order.index(s)
                                                                      if s in section_order else 1_000, s)):
        asked = [ok for s, ok in outcomes if s == section]
        got = sum(1 for ok in asked if ok)
        sections.append({"section": section, "questions": len(asked), "right": got,
                         "scaled": scaled_score(got, len(asked), facts)})
    scaled = scaled_score(right, len(outcomes), facts)
    return Result(len(outcomes), right, sum(1 for _, ok in outcomes if ok is not None), scaled,
                  scaled >= facts.pass_mark, sections)
