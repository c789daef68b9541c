import subprocess
import sys

import pytest

from mlsquiz.commands import COMMANDS

HEAVY = ("prompt_toolkit", "questionary", "genanki", "sqlite_utils", "asyncio", "yaml", "dateutil.parser")


@pytest.mark.parametrize("command", list(COMMANDS))
def test_every_command_has_help_with_an_example(command, capsys):
    from mlsquiz.cli import main

    with pytest.raises(SystemExit) as exited:
        main([command, "--help"])
    assert exited.value.code == 0
    out = capsys.readouterr().out
    assert f"usage: mlsquiz {command}" in out
    assert f"example: mlsquiz {command}" in out


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--frobnicate"], "unrecognized arguments: --frobnicate"),
        (["stats", "--days", "-2"], "must be at least 1, got -2"),  # as --days 0 says
        (["quiz", "--new", "lots"], "expected a whole number"),
        (["--now", "yesterday-ish", "decks"], "--now: cannot read"),
        (["cards", "--deck", "nope"], "no deck 'nope'"),
        (["export", "--deck", "nope"], "no deck 'nope'"),
        (["config", "new_per_day", "-1"], "new_per_day must be between 0 and"),
        (["config", "colour", "blue"], "unknown setting 'colour'"),
        (["import", "missing.toml"], "missing.toml: no such file"),
        (["quiz", "--section", "ml"], "--section and --tag only go with --cram"),
        (["launch"], "invalid choice: 'launch'"),
    ],
)
def test_bad_input_is_one_line_and_a_nonzero_exit(cli, argv, message):
    result = cli(*argv)
    assert result.code != 0
    assert message in result.err
    created = "mlsquiz: created a new collection at "  # first use says so (cards/export --deck make the collection)
    assert len([line for line in result.err.strip().splitlines() if not line.startswith(created)]) == 1
    assert "Traceback" not in result.err


def test_global_options_work_after_the_command(cli, tmp_path):
    other = tmp_path / "other.db"
    assert cli("decks", "--db", other).code == 0
    assert other.exists()


def test_db_option_beats_environment(cli, tmp_path, db_path):
    other = tmp_path / "elsewhere.db"
    cli("--db", other, "decks")
    assert other.exists() and not db_path.exists()


def test_python_dash_m_runs_the_cli(tmp_path):
    done = subprocess.run([sys.executable, "-m", "mlsquiz", "--version"], capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.startswith("mlsquiz ")


def test_importing_the_cli_pulls_in_no_heavy_module():
    done = subprocess.run([sys.executable, "-X", "importtime", "-c", "import mlsquiz.cli"],
                          capture_output=True, text=True, check=True)
    imported = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines()}
    assert imported & set(HEAVY) == set()
    assert "mlsquiz.cli" in imported
