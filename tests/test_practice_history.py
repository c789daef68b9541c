"""Practice-exam results over time (issue 26): `stats` and the end of each attempt list the attempts so far per
deck (date, score, pass or fail, questions already studied) and the per-section scores of the last three."""

import datetime
import json
from types import SimpleNamespace

from history import History
from mlsquiz.exam.history import history_lines


def sit(collection, day: str, answers: dict[str, bool], scaled: int, passed: bool) -> None:
    from mlsquiz.store.practice import finish_attempt, save_practice_answer, start_attempt

    study_day = datetime.date.fromisoformat(day)
    ids = {card_id: (row_id, section) for row_id, card_id, section in
           collection.conn.execute("SELECT id, card_id, section FROM cards WHERE deck = 'mini'")}
    questions = [ids[card] for card in answers]
    attempt = start_attempt(collection, "mini", f"{day}T09:00:00Z", study_day, 600, questions)
    for position, (card, right) in enumerate(answers.items()):
        save_practice_answer(collection, attempt, position, ids[card][0], "x", right, f"{day}T09:00:0{position}Z",
                             study_day, 500)
    finish_attempt(collection, attempt, "submitted", 60,
                   SimpleNamespace(right=sum(answers.values()), scaled=scaled, passed=passed))


def test_stats_lists_attempts_with_studied_questions_and_section_scores(cli, mini_collection):
    from mlsquiz.store.bundled import open_synced

    history = History(mini_collection)
    history.answer("c1", 4, "2026-03-01 10:00")  # studied before both attempts
    history.close()
    collection = open_synced(str(mini_collection))
    sit(collection, "2026-03-02", {"c1": True, "m1": False}, 550, False)
    sit(collection, "2026-03-03", {"c1": True, "m1": True, "t1": False}, 700, True)
    collection.close()
    figures = json.loads(cli("--now", "2026-03-04 09:00", "stats", "--deck", "mini", "--json").out)["exam"]
    practice = figures["practice"]
    assert [(a["date"], a["scaled"], a["passed"], a["studied"], a["questions"]) for a in practice] == \
        [("2026-03-02", 550, False, 1, 2), ("2026-03-03", 700, True, 1, 3)]
    assert practice[1]["sections"] == {"Part one": [1, 1], "Part two": [1, 2]}
    text = cli("--now", "2026-03-04 09:00", "stats", "--deck", "mini").out
    assert "Practice exams so far (oldest first):" in text
    assert "2026-03-03  mini   700  pass        1 of 3 questions already studied" in text
    assert "100%  100%  Part one" in text and "  0%   50%  Part two" in text


def test_history_lines_show_the_last_three_attempts_by_section():
    attempts = [{"date": f"2026-03-0{n}", "deck": "d", "status": "submitted", "questions": 2, "right": 1,
                 "scaled": 500 + n, "passed": n > 2, "studied": n, "sections": {"s": [n % 2, 1]}} for n in range(1, 6)]
    lines = history_lines(attempts, {"s": "Section S"})
    assert len([line for line in lines if "already studied" in line]) == 5
    assert lines[-1] == "    100%    0%  100%  Section S"  # attempts 3, 4, 5: right, wrong, right
    assert "last 3" in lines[-2]
    assert history_lines([], {}) == []
