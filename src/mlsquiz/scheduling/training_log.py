"""The review log folded once into what `optimize` hands fsrs-rs: the training items in review-time order, each
card's history as one item, and the model's prediction of every training review under any parameters. The same
figures as `memory.training_items` and `memory.review_outcomes`, without a second pass or an object per review."""

import datetime
from typing import NamedTuple

from .memory import decay, engine


# memory._review_order's (day number, moment, uid) as one string in the same order (a third of the time to sort):
# a fixed-width day number, then the moment with any NUL escaped so that the separator sorts below all it holds
NUL, ESCAPED_NUL = "\0", "\0\1"


class TrainingLog(NamedTuple):
    items: list  # one fsrs-rs item per training review, in review-time order: memory.training_items
    histories: list  # one fsrs-rs item per card (its whole history from its last reset), replayed for predictions
    reviews: list  # (card's place in `histories`, place of the previous review, gap in days, recalled), card order
    order: list  # the place in `reviews` of each training review, in review-time order


def read_training_log(rows) -> TrainingLog:
    """Fold rows (card, kind, study day as ISO text, grade, moment, uid) in replay order, as
    `store.memory.training_rows` gives them; a 'forget' row starts the card's history afresh (review_histories)."""
    from fsrs_rs_python import FSRSItem, FSRSReview

    items, keys, reviews, histories = [], [], [], []
    days: dict[str, tuple[int, str]] = {}  # study day -> (day number, its text in a key): a few hundred in a log
    card = previous = None
    card_reviews, mark = [], 0
    for row_card, kind, day_text, grade, moment, uid in rows:
        if row_card != card:
            if card_reviews:
                histories.append(FSRSItem(card_reviews))
            card, card_reviews, previous, mark = row_card, [], None, len(items)
        if kind == "forget":  # the card's earlier reviews no longer count, nor their training items
            del items[mark:], keys[mark:], reviews[mark:]
            card_reviews, previous = [], None
            continue
        known = days.get(day_text)
        if known is None:
            number = datetime.date.fromisoformat(day_text).toordinal()
            known = days[day_text] = (number, f"{number:07d}")
        day, day_key = known
        gap = 0 if previous is None else max(0, day - previous)  # memory.elapsed
        card_reviews.append(FSRSReview(1 if grade < 3 else grade - 1, gap))  # memory.rating
        if gap > 0 and previous is not None:
            items.append(FSRSItem(card_reviews))  # the engine copies the reviews so far
            keys.append(f"{day_key}{moment.replace(NUL, ESCAPED_NUL)}{NUL}{NUL}{uid}")  # memory._review_order
            reviews.append((len(histories), len(card_reviews) - 2, gap, grade >= 3))
        previous = day
    if card_reviews:
        histories.append(FSRSItem(card_reviews))
    order = sorted(range(len(keys)), key=keys.__getitem__)  # stable: ties keep card order, as training_items
    return TrainingLog([items[n] for n in order], histories, reviews, order)


def predictions(log: TrainingLog, parameters, ordered: bool = True) -> list[tuple[float, bool]]:
    """memory.review_outcomes(parameters, the same histories, ordered): (predicted recall, recalled) per training
    review, in review-time order (in card order if not `ordered`, enough for a mean), from one batch replay."""
    if not log.reviews:
        return []
    states = engine(parameters).historical_memory_state_batch(log.histories)
    factor, power = 0.9 ** (-1 / decay(parameters)) - 1, -decay(parameters)  # memory.recall, worked out once
    outcomes = [((1 + factor * gap / states[card][before].stability) ** power, recalled)
                for card, before, gap, recalled in log.reviews]
    return [outcomes[n] for n in log.order] if ordered else outcomes
