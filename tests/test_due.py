import json
import os
import subprocess
import sys

from history import History

HEAVY = {"argparse", "pathlib", "genanki", "questionary", "prompt_toolkit", "sqlite_utils", "dateutil", "tabulate",
         "tomllib", "importlib.resources", "dataclasses", "asyncio", "yaml", "dateutil.parser"}


def test_due_counts_due_and_new_cards(cli, mini_collection, local_zone):
    local_zone("UTC")
    history = History(mini_collection)
    history.answer("b1", 5, "2026-03-02 09:00")
    history.answer("c1", 5, "2026-03-02 09:01")
    history.close()
    assert cli("due", "--deck", "mini", "--now", "2026-03-02 20:00").out == "0 due, 3 new today\n"
    assert cli("due", "--deck", "mini", "--now", "2026-03-03 09:00").out == "2 due, 3 new today\n"
    figures = json.loads(cli("due", "--json", "--deck", "mini", "--now", "2026-03-03 09:00").out)
    assert figures == {"study_day": "2026-03-03", "due": 2, "due_within_limit": 2, "new": 3,
                       "next_due": "2026-03-03", "days_until_next": 0}


def test_new_limit_counts_what_was_introduced_today(cli, mini_collection, local_zone):
    local_zone("UTC")
    assert cli("config", "new_per_day", "3").code == 0
    history = History(mini_collection)
    history.answer("b1", 5, "2026-03-02 09:00")
    history.answer("c1", 5, "2026-03-02 09:01")
    history.close()
    assert cli("due", "--deck", "mini", "--now", "2026-03-02 20:00").out == "0 due, 1 new today\n"


def test_nothing_due_says_when_the_next_card_is(cli, mini_collection, local_zone):
    local_zone("UTC")
    cli("config", "new_per_day", "0")
    history = History(mini_collection)
    history.answer("b1", 4, "2026-03-02 09:00")
    history.answer("b1", 4, "2026-03-03 09:00")  # next in 6 days
    history.close()
    assert cli("due", "--deck", "mini", "--now", "2026-03-04 09:00").out == "nothing due; next in 5 days\n"
    assert cli("due", "--deck", "mini", "--now", "2026-03-08 09:00").out == "nothing due; next tomorrow\n"


def test_due_unknown_deck_is_one_line(cli, mini_collection):
    result = cli("due", "--deck", "nope")
    assert result.code == 2 and result.err.count("\n") == 1 and "no deck 'nope'" in result.err


def test_due_imports_only_light_modules(mini_collection):
    for extra in ([], ["--json"]):
        done = subprocess.run([sys.executable, "-X", "importtime", "-m", "mlsquiz", "due", *extra],
                              capture_output=True, text=True, env={**os.environ}, check=True)
        imported = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if "|" in line}
        assert "mlsquiz.store.study" in imported and "new" in done.stdout
        assert imported & HEAVY == set()
