"""Recounts from the raw tables, to hold the kept ones (day tables, card counts, card states) against."""

import datetime

from mlsquiz.store import card_counts
from mlsquiz.scheduling.replay import LoggedAnswer, final_schedule


def recount_mismatches(conn) -> list[str]:
    def rows(sql):
        return sorted(tuple(r) for r in conn.execute(sql))

    problems = []
    if rows("SELECT day, reviews, answer_ms FROM study_days") != rows(
            "SELECT study_day, count(*), sum(answer_ms) FROM reviews WHERE kind <> 'forget' GROUP BY study_day"):
        problems.append("study_days")
    if rows("SELECT day, deck, section, reviews, scheduled, passed, answer_ms FROM section_days") != rows(
            """SELECT r.study_day, c.deck, c.section, count(*), count(*) FILTER (WHERE kind = 'review'),
                      count(*) FILTER (WHERE kind = 'review' AND grade >= 3), sum(answer_ms)
               FROM reviews r JOIN cards c ON c.id = r.card WHERE kind <> 'forget' GROUP BY 1, 2, 3"""):
        problems.append("section_days")
    if rows("SELECT deck, section, state, ease, cards FROM card_counts WHERE cards > 0") != rows(
            f"""SELECT coalesce(deck, ''), coalesce(section, ''), {card_counts.current_card_state_name('s')}, round(ease, 2),
                       count(*) FROM card_state s GROUP BY 1, 2, 3, 4"""):
        problems.append("card_counts")
    for card, *state in conn.execute("SELECT card, repetitions, ease, interval, due, lapses, last_review "
                                     "FROM card_state"):
        log = [LoggedAnswer(r[0], r[1], r[2], datetime.date.fromisoformat(r[3]), r[4]) for r in conn.execute(
            """SELECT id, kind, grade, study_day, reviewed_at FROM reviews WHERE card = ?
               AND kind IN ('review', 'forget') ORDER BY reviewed_at, uid""", (card,))]
        expected = final_schedule(log)
        s = expected.state
        if state != [s.repetitions, s.ease, s.interval, s.due and s.due.isoformat(), expected.lapses,
                     expected.last_review]:
            problems.append(f"card_state of card {card}")
    return problems
