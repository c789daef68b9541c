"""Pure: the kept plan's forecast over a whole deck held as columns (one list per field, in deck order), so a
100,000-card deck costs a few passes of list operations rather than an object per card. forecast.py states what
the kept plan assumes; its card-by-card functions are these, over a list of CardMemory."""

import math
from bisect import bisect_left
from collections import Counter, deque
from itertools import compress, islice, repeat
from operator import add, gt, is_, mul, not_, sub, truediv
from typing import NamedTuple

from ..scheduling import memory

GOOD = 4  # the SM-2 grade a kept plan assumes for every review (FSRS Good)
BRANCH_MASS = 1e-2  # a path less likely than this follows its likelier answer only
BRANCH_DEPTH = 3  # after this many planned reviews a path follows its likelier answer only (bounds the cost)
KEPT_EXACT_CARDS = 600  # on a larger deck, the kept plan is worked out for this many representative cards
NEAR = 2e-4  # stabilities further apart than this never round alike to 4 places (1e-4 apart at most), with margin


class Deck(NamedTuple):
    """A deck's active cards, one list per field in deck order. Days are day numbers (ordinals); `stability`,
    `difficulty` and `last` are None for a card never reviewed, `due` (the next scheduled review) None if unset.
    `keys` identify the cards to the caller (the store's row ids) and break ties in the window's order."""

    keys: list
    sections: list
    stability: list
    difficulty: list
    last: list
    due: list


class Queue:
    """What every kept plan over one deck shares, whatever the desired retention (window_queue's answer). Columns
    stay in deck order (a gather into another order costs a cache miss a card): each card's stability,
    difficulty, last review and stored due day (None for a new card) as the plan starts them; `order`, the cards
    not yet reviewed in the window in its order (a card's rank is its place there; its window day follows from
    the rank); `done`, the others' recall on exam day."""

    __slots__ = ("done", "order", "stability", "difficulty", "last", "due", "first", "days", "cards",
                 "_near", "_by_state", "_blocks")

    def __init__(self, done: dict, order: list, stability, difficulty, last, due, first: int, days: int):
        self.done, self.order, self.first, self.days, self.cards = done, order, first, days, len(stability)
        self.stability, self.difficulty, self.last, self.due = stability, difficulty, last, due
        self._near = self._by_state = self._blocks = None

    def day(self, rank: int) -> int:
        """The window day of the card of this rank: the waiting cards spread evenly over the window."""
        return self.first + rank * self.days // len(self.order)

    def near(self) -> tuple[list, list]:
        """(ranks, cards) of the waiting cards that may share a rounded state with another, by rank (the others are
        alone in every grouping): rounded alike to 4 places, two stabilities are at most 1e-4 apart, so only
        cards with a neighbour that close in stability, among the cards last reviewed on the same day, are
        candidates. One sort of plain numbers finds them: day * spread + stability, the spread far wider than
        any stability, puts the cards of one day together by stability, never within NEAR of another day's."""
        if self._near is None:
            stability, last, waiting, due = self.stability, self.last, self.order, self.due
            members = range(self.cards) if len(waiting) == self.cards else sorted(waiting)  # in deck order
            new, stand_ins = list(map(is_, map(due.__getitem__, members), repeat(None))), {}
            if any(new):  # new cards come in blocks (new_blocks): one of each paced day stands in for the rest
                stand_ins = dict(zip(map(last.__getitem__, compress(members, new)), compress(members, new)))
                members = [*compress(members, map(not_, new)), *stand_ins.values()]
            stability, last = list(map(stability.__getitem__, members)), list(map(last.__getitem__, members))
            low = min(last, default=0)
            spread = 4 * max(stability, default=0) + 1
            if (max(last, default=0) - low + 1) * spread <= 1e9:
                by_day = list(map(add, map(mul, map(sub, last, repeat(low)), repeat(spread)), stability))
                ordered = sorted(by_day)
                pairs = [(a, b) for a, b in zip(ordered, islice(ordered, 1, None)) if b - a <= NEAR + 1e-6]
                close = {a for a, _ in pairs} | {b for _, b in pairs}
                cards = set(compress(members, map(close.__contains__, by_day)))
            else:  # the sum would blur NEAR: sort by day, then stability, and compare neighbours
                ranks = sorted(range(len(stability)), key=stability.__getitem__)
                ranks.sort(key=last.__getitem__)
                cards = set()
                for a, b in zip(ranks, islice(ranks, 1, None)):
                    if last[a] == last[b] and stability[b] - stability[a] <= NEAR:
                        cards.update((members[a], members[b]))
            cards.difference_update(stand_ins.values())
            chosen = list(map(cards.__contains__, waiting))
            self._near = list(compress(range(len(waiting)), chosen)), list(compress(waiting, chosen))
        return self._near

    def new_blocks(self) -> list[tuple[int, int, list]]:
        """The waiting new cards as (paced day, window day, their ranks) blocks, in the window's order; None when
        their days do not rise with the rank (recall when the window opens tied across paced days), so that they
        are taken one by one. New cards share one memory, so a block's cards are identical."""
        if self._blocks is not None:
            return self._blocks[0]
        chosen = list(map(is_, map(self.due.__getitem__, self.order), repeat(None)))
        ranks = list(compress(range(len(self.order)), chosen))
        intro = list(map(self.last.__getitem__, compress(self.order, chosen)))
        if any(map(gt, intro, islice(intro, 1, None))):
            self._blocks = (None,)
            return None
        waiting, days = len(self.order), self.days
        edges = {0, len(ranks)} | {bisect_left(intro, day) for day in set(intro)}
        edges |= {bisect_left(ranks, -(-k * waiting // days)) for k in range(1, days + 1)}  # a window day's first
        edges = sorted(edge for edge in edges if edge <= len(ranks))
        self._blocks = ([(intro[low], self.day(ranks[low]), ranks[low:high]) for low, high in zip(edges, edges[1:])
                         if low < high],)
        return self._blocks[0]

    def when(self, cards, today: int, per_stability: float, reschedule: bool) -> list[int]:
        """The next planned review of these cards: the stored due day (today at the earliest), a new card's (and
        with `reschedule` every card's) one interval after its last review for the desired retention."""
        cap, stability, last, due = memory.MAX_INTERVAL, self.stability, self.last, self.due
        out = []
        for card in cards:
            day = due[card]
            if day is None or reschedule:
                days = round(stability[card] * per_stability)
                day = last[card] + (cap if days > cap else (days if days > 1 else 1))  # min(cap, max(1, days))
            out.append(day if day > today else today)
        return out

    def by_state(self, exact_limit: int | None) -> tuple:
        """slots() of the cards of one rounded state and window day (a rescheduled plan's identical cards)."""
        if self._by_state is None or self._by_state[0] != exact_limit:
            self._by_state = (exact_limit, self.slots(None, exact_limit))
        return self._by_state[1]

    def slots(self, when_of, exact_limit: int | None) -> tuple[list, list]:
        """(each card's slot, in deck order; the (rank, card) whose value each slot takes): cards of one key
        (rounded state, next review when_of(cards) if given, window day) share a slot, computed once for its
        first rank. While there are at most `exact_limit` keys every key has its slot; beyond it only the keys of
        several cards, and the cards alone on their key, in the window's order, are cut into runs of neighbours
        (as many as the limit leaves), each run a slot valued by its middle card. Cards already reviewed in the
        window come last, a slot each (their value is known). Only near() cards and new_blocks() can share."""
        (ranks, cards), waiting, first, days = self.near(), self.order, self.first, self.days
        blocks = self.new_blocks()
        if blocks is None:  # new cards one by one
            chosen = list(map(is_, map(self.due.__getitem__, waiting), repeat(None)))
            pairs = sorted([*zip(ranks, cards), *zip(compress(range(len(waiting)), chosen), compress(waiting, chosen))])
            ranks, cards, blocks = [rank for rank, _ in pairs], [card for _, card in pairs], []
        stability, difficulty = list(map(self.stability.__getitem__, cards)), \
            list(map(self.difficulty.__getitem__, cards))
        rounded_s = {s: round(s, 4) for s in set(stability)}  # cards alike share a value: round each value once
        rounded_d = {d: round(d, 3) for d in set(difficulty)}
        keys = list(zip(map(rounded_s.__getitem__, stability), map(rounded_d.__getitem__, difficulty),
                        map(self.last.__getitem__, cards), repeat(None) if when_of is None else when_of(cards),
                        [first + rank * days // len(waiting) for rank in ranks]))  # the window day, as day()
        counts = Counter(keys)
        entries = []  # (first rank, key, ranks) of each block of new cards
        for intro, day, block in blocks:
            card = waiting[block[0]]
            key = (round(self.stability[card], 4), round(self.difficulty[card], 3), intro,
                   None if when_of is None else when_of([card])[0], day)
            counts[key] += len(block)
            entries.append((block[0], key, block))
        entries.sort()
        of_rank: list = [None] * len(waiting)
        groups: dict = {}  # key of several cards -> its slot
        representatives = []
        every = exact_limit is None or \
            len(waiting) - len(keys) - sum(len(block) for _, _, block in blocks) + len(counts) <= exact_limit
        blocked = iter(entries)
        block = next(blocked, None)
        for rank, key in zip([*ranks, len(waiting)], [*keys, None]):  # cards and blocks by their first rank
            while block is not None and block[0] < rank:
                if counts[block[1]] > 1 or every:
                    slot = groups.get(block[1])
                    if slot is None:
                        slot = groups[block[1]] = len(representatives)
                        representatives.append((block[0], waiting[block[0]]))
                    deque(map(of_rank.__setitem__, block[2], repeat(slot)), maxlen=0)
                block = next(blocked, None)
            if key is not None and (counts[key] > 1 or every):
                slot = groups.get(key)
                if slot is None:
                    slot = groups[key] = len(representatives)
                    representatives.append((rank, waiting[rank]))
                of_rank[rank] = slot
        alone = list(compress(range(len(waiting)), map(is_, of_rank, repeat(None))))
        runs = (len(alone) if every else max(1, exact_limit - len(groups))) if alone else 0
        slots = []
        for run in range(runs):  # runs of neighbours in the window's order, each valued by its middle card
            low, high = run * len(alone) // runs, (run + 1) * len(alone) // runs
            if low == high:
                continue
            middle = alone[(low + high) // 2]
            slots += [len(representatives)] * (high - low)
            representatives.append((middle, waiting[middle]))
        deque(map(of_rank.__setitem__, alone, slots), maxlen=0)
        of_card = [0] * self.cards
        deque(map(of_card.__setitem__, waiting, of_rank), maxlen=0)
        for n, card in enumerate(self.done, len(representatives)):
            of_card[card] = n
        return of_card, representatives


def window_queue(parameters, deck: Deck, today: int, exam: int, start: int, new_days: list) -> Queue:
    """The kept plan's start, whatever the retention: new cards take the paced days in deck order and every new
    card's memory after Good; cards already reviewed in the window keep their recall on exam day; the others
    wait in the window's order (most forgotten when it opens first, then by key, then deck order), spread
    evenly over its days. A seen card's due day is today if unset. Days are day numbers."""
    power = -memory.decay(parameters)
    factor = 0.9 ** (1 / power) - 1
    first_memory = memory.next_memory(memory.engine(parameters), None, GOOD, 0)  # every new card's, graded Good
    first = max(today, start)
    stability, difficulty, last = list(deck.stability), list(deck.difficulty), list(deck.last)
    due = [today if day is None else day for day in deck.due]
    intro_days = [day.toordinal() for day, count in new_days for _ in range(count)]
    for n, index in enumerate([index for index, s in enumerate(stability) if s is None]):
        stability[index], difficulty[index], due[index] = first_memory.stability, first_memory.difficulty, None
        last[index] = intro_days[n] if n < len(intro_days) else today
    done = {}
    if last and max(last) >= start:  # cards already reviewed in the window
        done = {index: (1 + factor * max(0, exam - day) / s) ** power
                for index, (s, day) in enumerate(zip(stability, last)) if day >= start}
        order = [index for index, day in enumerate(last) if day < start]
    else:
        order = list(range(len(stability)))
    if done:  # recall when the window opens, max(0, first - day) written out (a call per card)
        opening = [(1 + factor * (first - day if first > day else 0) / s) ** power for s, day in zip(stability, last)]
    else:  # every card last reviewed before the window opens: the same arithmetic, a step at a time over the list
        opening = list(map(pow, map(add, repeat(1), map(truediv, map(mul, repeat(factor), map(sub, repeat(first), last)),
                                                        stability)), repeat(power)))
    keys = deck.keys
    if any(map(gt, keys, islice(keys, 1, None))):  # stable sorts: by recall when the window opens, then key, index
        order.sort(key=keys.__getitem__)  # (the store's row ids come in deck order as a rule: nothing to sort)
    order.sort(key=opening.__getitem__)
    return Queue(done, order, stability, difficulty, last, due, first, max(1, exam - first))


def kept_values(parameters, queue: Queue, today: int, exam: int, desired_retention: float, shift: float,
                exact_limit: int | None = KEPT_EXACT_CARDS, reschedule: bool = False) -> tuple[list, list]:
    """(each card's expected recall on exam day if the plan is kept, its expected reviews to the exam), in deck
    order: see forecast.recall_if_kept."""
    expected = planned_reviews(parameters, exam, desired_retention, shift)
    per_stability = memory.days_per_stability(parameters, desired_retention)
    if reschedule:  # the next review follows from the state: cards of one state and window day are identical
        of_card, representatives = queue.by_state(exact_limit)
    else:
        of_card, representatives = queue.slots(lambda cards: queue.when(cards, today, per_stability, False),
                                               exact_limit)
    stability, difficulty, last = queue.stability, queue.difficulty, queue.last
    when = queue.when([card for _, card in representatives], today, per_stability, reschedule)
    values = [expected(stability[card], difficulty[card], last[card], min(next_day, queue.day(rank)),
                       queue.day(rank)) for (rank, card), next_day in zip(representatives, when)]
    recalls = [recall for recall, _ in values] + list(queue.done.values())
    counts = [count for _, count in values] + [0.0] * len(queue.done)
    return list(map(recalls.__getitem__, of_card)), list(map(counts.__getitem__, of_card))


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
        # min and max written out as conditionals throughout (the same values, without a call each)
        total, count, to_exam = 0.0, 0.0, exam - window_day
        paths = [(s, d, last, when, 1.0, 0)]
        while paths:
            s, d, last, when, mass, depth = paths.pop()
            while when < window_day:  # a planned review before the window; one answer followed here
                count += mass
                recall = (1 + factor * (when - last if when > last else 0) / s) ** power
                r = recall if not shift else (o := (recall if recall > 1e-6 else 1e-6) / (
                    1 - recall if 1 - recall > 1e-6 else 1e-6) * odds_factor) / (1 + o)
                both = depth < BRANCH_DEPTH and mass * (r if r < 1 - r else 1 - r) >= BRANCH_MASS
                if both or r < 0.5:
                    s2 = lapse_w * d ** lapse_d * ((s + 1) ** lapse_s - 1) * exp(lapse_r * (1 - recall))
                    s2 = s / lapse_cap if s / lapse_cap < s2 else s2
                    s2 = s2 if s2 > 0.001 else 0.001
                    d2 = easy_first + keep * (d + again_step * (10 - d))
                    d2 = 10.0 if d2 > 10.0 else (d2 if d2 > 1.0 else 1.0)
                    days = round(s2 * per_stability)
                    wrong = (s2, d2, when, when + (cap if days > cap else (days if days > 1 else 1)),
                             mass * (1 - r) if both else mass, depth + 1)
                    if not both:
                        s, d, last, when, mass, depth = wrong
                        continue
                    paths.append(wrong)  # the wrong answer's path, taken up later
                s = s * (1 + grow * (11 - d) * s ** shrink * (exp(spread * (1 - recall)) - 1))
                s = cap if s > cap else s
                d = easy_first + keep * d
                d = 10.0 if d > 10.0 else (d if d > 1.0 else 1.0)
                days = round(s * per_stability)
                last, when = when, when + (cap if days > cap else (days if days > 1 else 1))
                mass, depth = mass * r if both else mass, depth + 1
            # the window's review, then recall on exam day
            recall = (1 + factor * (window_day - last if window_day > last else 0) / s) ** power
            r = recall if not shift else (o := (recall if recall > 1e-6 else 1e-6) / (
                1 - recall if 1 - recall > 1e-6 else 1e-6) * odds_factor) / (1 + o)
            right = s * (1 + grow * (11 - d) * s ** shrink * (exp(spread * (1 - recall)) - 1))
            right = cap if right > cap else right
            wrong = lapse_w * d ** lapse_d * ((s + 1) ** lapse_s - 1) * exp(lapse_r * (1 - recall))
            wrong = s / lapse_cap if s / lapse_cap < wrong else wrong
            wrong = wrong if wrong > 0.001 else 0.001
            total += mass * (r * (1 + factor * to_exam / right) ** power
                             + (1 - r) * (1 + factor * to_exam / wrong) ** power)
            count += mass
        return total, count

    return expected
