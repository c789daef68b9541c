"""py-fsrs as the test oracle: the same histories reviewed by the reference implementation, and a synthetic
learner whose memory follows known FSRS parameters. Tests only; src/ never imports py-fsrs."""

import datetime
import random

import fsrs

START = datetime.date(2026, 1, 5)
GRADE_OF_RATING = {1: 1, 2: 3, 3: 4, 4: 5}  # Again, Hard, Good, Easy as SM-2 grades


def noon(day: datetime.date) -> datetime.datetime:
    # Reviews at the same hour of each study day: py-fsrs's whole 24-hour periods then equal study-day differences.
    return datetime.datetime.combine(day, datetime.time(12), datetime.timezone.utc)


def scheduler(parameters, desired_retention: float = 0.9) -> fsrs.Scheduler:
    return fsrs.Scheduler(parameters=parameters, desired_retention=desired_retention, learning_steps=(),
                          relearning_steps=(), enable_fuzzing=False)


def oracle_card(parameters, history) -> tuple[fsrs.Card, fsrs.Scheduler]:
    """py-fsrs's card after reviewing `history` [(study day, grade)], with the grade -> rating mapping of the issue."""
    reference = scheduler(parameters)
    card = fsrs.Card(card_id=1, due=noon(history[0][0]))
    for day, grade in history:
        rating = fsrs.Rating.Again if grade < 3 else fsrs.Rating(grade - 1)
        card, _ = reference.review_card(card, rating, noon(day))
    return card, reference


def simulate_learner(parameters, cards: int, seed: int, max_reviews: int = 14) -> list[list]:
    """Histories of a learner whose recall follows FSRS with `parameters`: every review recalls with the
    probability the true model gives, intervals scatter around the FSRS ones (so delays vary), with some
    same-day repeats after a lapse."""
    rng = random.Random(seed)
    truth = scheduler(parameters)
    histories = []
    for number in range(cards):
        card = fsrs.Card(card_id=number + 1, due=noon(START))
        day = START + datetime.timedelta(days=rng.randrange(60))
        history = []
        while len(history) < max_reviews:
            if card.stability is None:
                rating = rng.choices((1, 2, 3, 4), (0.25, 0.1, 0.55, 0.1))[0]
            elif rng.random() < truth.get_card_retrievability(card, noon(day)):
                rating = rng.choices((2, 3, 4), (0.15, 0.7, 0.15))[0]
            else:
                rating = 1
            card, _ = truth.review_card(card, fsrs.Rating(rating), noon(day))
            history.append((day, GRADE_OF_RATING[rating]))
            if rating == 1 and rng.random() < 0.3:
                continue  # re-studied the same day
            scheduled = (card.due - noon(day)).days
            day += datetime.timedelta(days=max(1, round(scheduled * rng.uniform(0.4, 2.5))))
        histories.append(history)
    return histories
