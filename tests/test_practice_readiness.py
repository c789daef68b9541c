"""`exam readiness` puts the memory model's predicted practice score (its recall over the deck's auto-checked
cards, on the deck's scale) beside the actual recent practice scores, and says which to trust and why."""

import datetime
import json
from types import SimpleNamespace

import pytest
from history import History

from mlsquiz.exam import outlook
from mlsquiz.scheduling import memory
from mlsquiz.scheduling.memory import DEFAULT_PARAMETERS as W

CARDS = 40
NOW = ("--now", "2026-03-16 09:00")


def deck_file(path):
    lines = ['[deck]\nid = "prac"\nname = "Practice"\ndescription = "practice"\nsource = "tests"\n'
             '[deck.exam]\ncode = "P-01"\nname = "Practice exam"\nstatus = "active"\npass_mark = 700\n'
             'score_min = 100\nscore_max = 1000\nquestions = 20\nminutes = 40\n',
             '[[sections]]\nid = "a"\ntitle = "Part A"\nstage = 1\n']
    for n in range(CARDS):
        lines.append(f'[[cards]]\nid = "q{n}"\ntype = "choice"\nsection = "a"\ntags = []\n'
                     f'prompt = "Which is {n}?"\noptions = ["{n}", "x{n}", "y{n}", "z{n}"]\nanswer = "{n}"\n'
                     f'explanation = "Because {n}."\n')
    lines.append('[[cards]]\nid = "plain"\ntype = "basic"\nsection = "a"\ntags = []\nprompt = "Plain?"\n'
                 'answer = "P"\nexplanation = "Not auto-checked."\n')
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def collection_with(cli, tmp_path, attempts: list[tuple[str, int, int]]):
    """30 of the 40 choice cards studied (Good on 1, 3 and 10 March), the plain card too; then practice attempts
    (day, questions, right) over the studied cards."""
    from mlsquiz.store.bundled import open_synced
    from mlsquiz.store.practice import finish_attempt, save_practice_answer, start_attempt

    db = tmp_path / f"prac-{len(attempts)}-{sum(r for *_, r in attempts)}.db"
    assert cli("--db", db, "import", deck_file(tmp_path / "prac.toml")).code == 0
    history = History(db, deck="prac")
    for day in (1, 3, 10):
        for n in [*range(30), "plain"]:
            history.answer(f"q{n}" if n != "plain" else "plain", 4, f"2026-03-{day:02d} 10:00")
    history.close()
    collection = open_synced(str(db))
    ids = dict(collection.conn.execute("SELECT card_id, id FROM cards WHERE deck = 'prac'").fetchall())
    for day, questions, right in attempts:
        study_day = datetime.date.fromisoformat(day)
        attempt = start_attempt(collection, "prac", f"{day}T09:00:00Z", study_day, 3600,
                                [(ids[f"q{n}"], "a") for n in range(questions)])
        for n in range(questions):
            save_practice_answer(collection, attempt, n, ids[f"q{n}"], "x", n < right, f"{day}T09:00:{n:02d}Z",
                                 study_day, 500)
        finish_attempt(collection, attempt, "submitted", 600,
                       SimpleNamespace(right=right, scaled=round(100 + 900 * right / questions), passed=False))
    collection.close()
    assert cli("--db", db, *NOW, "exam", "date", "2026-05-01", "--deck", "prac").code == 0
    figures = json.loads(cli("--db", db, *NOW, "exam", "readiness", "--deck", "prac", "--json").out)["practice"]
    return figures, cli("--db", db, *NOW, "exam", "readiness", "--deck", "prac").out


def test_the_prediction_is_the_models_recall_over_the_auto_checked_cards_on_the_decks_scale(cli, tmp_path):
    practice, text = collection_with(cli, tmp_path, [])
    assert practice["pool"] == CARDS and practice["seen"] == 30  # the basic card is not in the pool
    model = memory.engine(W)
    state = None
    for gap in (0, 2, 7):
        state = memory.next_memory(model, state, 4, gap)
    share = 30 * memory.recall(W, state.stability, 6) / CARDS  # study day 16 March, last review 10 March
    assert practice["predicted_share"] == pytest.approx(share, abs=1e-4)
    assert practice["predicted_score"] == round(100 + 900 * share)
    assert (practice["attempts"], practice["actual_score"], practice["trust"]) == ([], None, "prediction")
    assert f"predicted score today: {practice['predicted_score']}" in text
    assert "no practice exam finished yet" in text and "Which to trust: trust the prediction" in text


def test_scores_well_below_the_prediction_say_trust_the_practice_scores(cli, tmp_path):
    practice, text = collection_with(cli, tmp_path, [("2026-03-12", 20, 6), ("2026-03-13", 20, 7),
                                                     ("2026-03-14", 20, 5)])
    assert [a["scaled"] for a in practice["attempts"]] == [370, 415, 325]
    assert practice["actual_share"] == pytest.approx(18 / 60, abs=1e-4)
    assert practice["actual_score"] == 370
    assert practice["trust"] == "practice" and "overstates" in practice["why"]
    assert "Which to trust: trust the practice scores" in text and "370 on 2026-03-12" in text


def test_few_practice_answers_say_trust_the_prediction(cli, tmp_path):
    practice, text = collection_with(cli, tmp_path, [("2026-03-14", 8, 1)])
    assert practice["trust"] == "prediction" and "only 8 practice answers" in practice["why"]
    assert "Which to trust: trust the prediction" in text


def test_agreeing_scores_say_either_will_do(cli, tmp_path):
    practice, _ = collection_with(cli, tmp_path, [])
    right = round(practice["predicted_share"] * 60)
    practice, text = collection_with(cli, tmp_path, [("2026-03-12", 20, right // 3), ("2026-03-13", 20, right // 3),
                                                     ("2026-03-14", 20, right - 2 * (right // 3))])
    assert practice["trust"] == "either", practice
    assert "either will do" in text


def test_the_verdict_rule():
    assert outlook.practice_verdict(0.7, 0, 0)[0] == "prediction"
    assert outlook.practice_verdict(0.7, 5, 10)[0] == "prediction"  # fewer than 30 answers
    assert outlook.practice_verdict(0.7, 40, 60)[0] == "either"  # 0.667 vs 0.7: inside 2 x 5.9%
    assert outlook.practice_verdict(0.7, 30, 60)[0] == "practice"  # 0.5: far below
    assert "never studied" in outlook.practice_verdict(0.4, 50, 60)[1]  # far above
    assert outlook.practice_verdict(None, 10, 60)[0] == "practice"
