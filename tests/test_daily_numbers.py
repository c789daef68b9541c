"""Numbers that agree (due within the daily limit, summary and stats in one wording), the stats calendar and
date axis, shell completion, and the small wording fixes."""

import datetime
import json
import subprocess

import pytest

from history import History
from mlsquiz.terminal.charts import calendar_heatmap, date_axis
from screen import ENTER, Terminal

TODAY = datetime.date(2026, 3, 2)


def test_due_says_what_fits_today_and_how_many_more_are_over_the_limit(cli, mini_collection, local_zone):
    local_zone("UTC")
    history = History(mini_collection)
    for card in ("b1", "c1", "m1", "o1"):
        history.answer(card, 4, "2026-03-01 09:00")
    history.close()
    assert cli("config", "reviews_per_day", "3").code == 0
    assert cli("due", "--deck", "mini").out == "3 due (1 more over today's limit), 1 new today\n"
    figures = json.loads(cli("due", "--deck", "mini", "--json").out)
    assert (figures["due"], figures["due_within_limit"]) == (4, 3)
    assert cli("config", "reviews_per_day", "200").code == 0
    assert cli("due", "--deck", "mini").out == "4 due, 1 new today\n"


def test_the_quiz_summary_and_stats_count_the_same_things_in_the_same_words(cli, mini_collection):
    term = Terminal(mini_collection, "quiz", "--deck", "mini", "--new", "2")
    term.wait_for("Recall the answer")
    term.send(ENTER)
    term.wait_for(r"\? Grade")
    term.send("2")  # b1 comes back as a re-drill
    term.wait_for("Choose one")
    term.send("SageMaker", ENTER)
    term.wait_for(r"\? Grade")
    term.send("4")
    term.wait_for("Recall the answer")
    term.send(ENTER)
    term.wait_for(r"\? Grade")
    term.send("5")
    screen = " ".join(term.wait_for("streak").split())
    assert term.finish() == 0
    summary = screen.split("Session done: ")[1].split(".")[0]
    assert summary.startswith("2 cards reviewed (+ 1 re-drill) in ")
    stats_line = next(line for line in cli("stats", "--deck", "mini").out.splitlines() if "today:" in line)
    assert stats_line.strip() == f"today: {summary}"  # same cards, same re-drills, same time


@pytest.mark.parametrize("days", ["0", "-1"])
def test_stats_days_below_one_get_one_message(cli, mini_collection, days):
    result = cli("stats", "--days", days)
    assert result.code == 2 and f"must be at least 1, got {int(days)}" in result.err


def test_plurals_and_the_quiz_refusal_have_one_prefix(cli, mini_collection):
    out = cli("stats", "--deck", "mini").out
    assert "streak 0 days (longest 0)" in out
    assert cli("quiz").err == "mlsquiz: quiz needs a terminal: run it in one\n"


def test_the_calendar_heatmap_fits_80_columns_with_months_weekdays_and_a_scale():
    counts = {(TODAY - datetime.timedelta(days=n)).isoformat(): n % 9 for n in range(400)}
    lines = calendar_heatmap(counts, TODAY).splitlines()
    assert len(lines) == 9 and all(len(line) <= 80 for line in lines)
    assert lines[1].startswith("Mon ") and lines[3].startswith("Wed ") and lines[7].startswith("Sun ")
    assert "Mar" in lines[0] and "Feb" in lines[0]
    assert lines[-1].strip() == "· none  ░ 1-2  ▒ 3-4  ▓ 5-6  █ 7-8 reviews a day"
    # today (a Monday) is the last column of the first row; the days after it in this week stay blank
    assert lines[1][-1] == "·" and len(lines[2]) < len(lines[1])  # 2026-03-02: 0 reviews


def test_the_30_day_chart_has_dates_on_its_axis(cli, mini_collection, local_zone):
    local_zone("UTC")
    assert date_axis(datetime.date(2026, 2, 1), 30) == "02-01        02-16       03-02"
    history = History(mini_collection)
    history.answer("b1", 4, "2026-03-01 09:00")
    history.close()
    out = cli("stats", "--deck", "mini").out
    assert "02-01        02-16       03-02" in out and "Reviews over the last 52 weeks" in out


def test_completion_scripts_come_from_the_parser(cli, tmp_path):
    for shell in ("bash", "zsh", "fish"):
        result = cli("completion", shell)
        assert result.code == 0 and "suspend" in result.out and "--search" in result.out
    assert cli("completion", "tcsh").code == 2
    script = tmp_path / "mlsquiz.bash"
    script.write_text(cli("completion", "bash").out)
    done = subprocess.run(
        ["bash", "-c", f'source {script}; COMP_WORDS=(mlsquiz cards --se); COMP_CWORD=2; '
                       'COMP_LINE="mlsquiz cards --se"; COMP_POINT=18; _shtab_mlsquiz; echo "${COMPREPLY[@]}"'],
        capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["--search", "--section"]


def test_check_counts_one_card_in_the_singular(cli, tmp_path):
    deck = tmp_path / "one.toml"
    deck.write_text('[deck]\nid = "one"\nname = "One"\n\n[[cards]]\nid = "a"\ntype = "basic"\nsection = "s"\n'
                    'tags = ["t"]\nprompt = "P"\nanswer = "A"\nexplanation = "E"\n')
    assert cli("check", deck).out == f"{deck}: ok, deck 'one' with 1 card\n"
