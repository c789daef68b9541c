"""A fresh draw: back-to-back practice exams share few questions, --unseen prefers cards never studied, and the
booked exam's format (questions, minutes, pass mark, unscored questions) comes from the deck."""

import datetime
import random

from mlsquiz.exam.practice import ExamFacts, draw, studied_count

SECTIONS = {"data": (90, 28), "model": (70, 26), "deploy": (50, 22), "security": (40, 24)}  # cards, weight


def pool(studied: set[int] = frozenset()) -> list[dict]:
    cards, n = [], 0
    for section, (count, _) in SECTIONS.items():
        for _ in range(count):
            cards.append({"id": n, "section": section, "last_review": "2026-03-01" if n in studied else None})
            n += 1
    return cards


def weights() -> dict:
    return {section: weight for section, (_, weight) in SECTIONS.items()}


def shared(first: list[dict], second: list[dict]) -> float:
    return len({c["id"] for c in first} & {c["id"] for c in second}) / len(second)


def test_two_back_to_back_attempts_share_at_most_30_percent():
    cards, rng = pool(), random.Random(7)
    first = draw(cards, 65, weights(), rng)
    second = draw(cards, 65, weights(), rng, recent={c["id"]: 1 for c in first})
    assert len({c["id"] for c in second}) == 65
    assert shared(first, second) <= 0.30
    assert shared(first, second) == 0  # 250 cards: every section has enough cards not asked last time


def test_the_draw_still_follows_the_section_weights_when_it_avoids_recent_cards():
    cards, rng = pool(), random.Random(1)
    first = draw(cards, 65, weights(), rng)
    second = draw(cards, 65, weights(), rng, recent={c["id"]: 1 for c in first})
    counts = lambda drawn: {s: sum(c["section"] == s for c in drawn) for s in SECTIONS}  # noqa: E731
    assert counts(first) == counts(second) == {"data": 18, "model": 17, "deploy": 14, "security": 16}


def test_a_small_pool_repeats_the_oldest_questions_first():
    cards = pool()[:90]  # one section of 90 cards; three attempts of 40
    rng = random.Random(2)
    first = draw(cards, 40, None, rng)
    second = draw(cards, 40, None, rng, recent={c["id"]: 1 for c in first})
    recent = {**{c["id"]: 2 for c in first}, **{c["id"]: 1 for c in second}}
    third = draw(cards, 40, None, rng, recent=recent)
    # 10 never asked, then 30 from the attempt before last: none of the last attempt's
    assert not {c["id"] for c in third} & {c["id"] for c in second}
    assert len({c["id"] for c in third} & {c["id"] for c in first}) == 30


def test_unseen_prefers_cards_never_studied_and_the_result_counts_the_studied_ones():
    studied = set(range(0, 250, 2))  # half of every section studied
    cards = pool(studied)
    plain = draw(cards, 65, weights(), random.Random(3))
    unseen = draw(cards, 65, weights(), random.Random(3), prefer_unseen=True)
    assert studied_count(unseen) == 0
    assert studied_count(plain) > 20


def test_unseen_still_avoids_the_last_attempts_among_the_unstudied_cards():
    cards = pool(set(range(0, 250, 2)))
    first = draw(cards, 65, weights(), random.Random(4), prefer_unseen=True)
    second = draw(cards, 65, weights(), random.Random(5), prefer_unseen=True, recent={c["id"]: 1 for c in first})
    assert shared(first, second) <= 0.30


def test_the_booked_exams_format_comes_from_the_deck():
    facts = ExamFacts.from_meta({"exam": {"questions": 65, "minutes": 130, "pass_mark": 720, "unscored": 15}})
    assert (facts.questions, facts.minutes_for(65), facts.pass_mark, facts.unscored) == (65, 130, 720, 15)
    assert ExamFacts.from_meta({"exam": {"questions": 65}}).unscored == 0


def test_the_start_screen_says_the_real_exam_has_unscored_questions():
    from mlsquiz.commands.exam_practice import start_lines

    meta = {"exam": {"code": "MLA-C01", "name": "ML Engineer Associate", "questions": 65, "minutes": 130,
                     "pass_mark": 720, "unscored": 15}}
    facts = ExamFacts.from_meta(meta)
    text = " ".join(start_lines(meta, facts, pool({0})[:65], 130))
    assert "65 questions, 130m 00s, pass mark 720 on 100-1000" in text
    assert "The real exam has 15 unscored questions among its 65" in text and "here every question counts" in text
    assert "1 of the 65 questions are cards you have already studied" in text
    assert "Ctrl-F" in text and "Ctrl-N" in text and "Esc" in text
    without = " ".join(start_lines({}, ExamFacts.from_meta({}), pool()[:30], 60))
    assert "unscored" not in without


def deck_of(count: int) -> str:
    lines = ['[deck]\nid = "big"\nname = "Big"\n\n[deck.exam]\ncode = "MLA-C01"\nname = "Associate"\n'
             'status = "active"\nquestions = 65\nminutes = 130\npass_mark = 720\nunscored = 15\n']
    for section, (_, weight) in SECTIONS.items():
        lines.append(f'[[sections]]\nid = "{section}"\ntitle = "{section.title()}"\nweight = {weight}\n')
    n = 0
    for section, (cards, _) in SECTIONS.items():
        for _ in range(cards * count // 250):
            lines.append(f'[[cards]]\nid = "q{n}"\ntype = "choice"\nsection = "{section}"\nprompt = "Question {n}?"\n'
                         f'options = ["right {n}", "wrong {n}"]\nanswer = "right {n}"\nexplanation = "Because {n}."\n')
            n += 1
    return "\n".join(lines)


def test_two_stored_attempts_on_a_250_card_deck_share_at_most_30_percent(cli, db_path, tmp_path):
    from mlsquiz.commands.quiz import card_dict
    from mlsquiz.store import practice as attempts
    from mlsquiz.store.bundled import open_synced

    (tmp_path / "big.toml").write_text(deck_of(250))
    assert cli("import", tmp_path / "big.toml").code == 0
    collection = open_synced(str(db_path))
    try:
        cards = [card_dict(row) for row in attempts.practice_cards(collection, "big")]
        assert len(cards) == 250
        drawn = []
        for seed in (1, 2):
            questions = draw(cards, 65, weights(), random.Random(seed),
                             recent=attempts.recent_questions(collection, "big"))
            attempts.start_attempt(collection, "big", "2026-03-02T09:00:00Z", datetime.date(2026, 3, 2), 7800,
                                   [(q["id"], q["section"]) for q in questions])
            drawn.append(questions)
        assert shared(*drawn) <= 0.30
        third = draw(cards, 65, weights(), random.Random(3), recent=attempts.recent_questions(collection, "big"))
        assert shared(drawn[1], third) <= 0.30 and shared(drawn[0], third) <= 0.30
    finally:
        collection.close()
