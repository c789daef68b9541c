"""The README and docs/ stay short, linked and runnable: every `mlsquiz …` line in their fenced code blocks parses
with the real argument parser, the README has at most 250 lines, and every docs/ link in it leads to a file."""

import re
import shlex
from pathlib import Path

import pytest

from mlsquiz.commands import COMMANDS
from mlsquiz.commands.arguments import build_parser, starts_with_quiz_option
from mlsquiz.errors import UsageError

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
PAGES = [README, *sorted((ROOT / "docs").glob("*.md"))]
PREFIXES = ("$ mlsquiz ", ".venv/bin/mlsquiz ", "mlsquiz ")
SHELL_OPERATORS = {">", ">>", "<", "|", "||", "&&", ";", "&", "2>", "2>&1"}
MAX_README_LINES = 250


def command_lines(path: Path) -> list[tuple[int, str]]:
    """(line number, text) of every line inside a fenced code block that runs mlsquiz."""
    found, fence = [], None
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        stripped = line.strip()
        if fence is None:
            if stripped.startswith(("```", "~~~")):
                fence = stripped[:3]
            continue
        if stripped.startswith(fence):
            fence = None
            continue
        if stripped == "mlsquiz" or stripped.startswith(PREFIXES):
            found.append((number, stripped))
    return found


def arguments(line: str) -> list[str]:
    """The words after the program name, up to the first shell operator or comment."""
    lexer = shlex.shlex(line, posix=True, punctuation_chars=";&|<>")
    lexer.whitespace_split = True
    lexer.commenters = "#"
    words = []
    for word in lexer:
        if word in SHELL_OPERATORS or set(word) <= set(";&|<>"):
            break
        words.append(word)
    return words[1:] if words and words[0] != "$" else words[2:]


def parse(argv: list[str]) -> None:
    """Parse as `mlsquiz` does: quiz options without a command name mean `mlsquiz quiz …`."""
    if starts_with_quiz_option(argv):
        argv = ["quiz", *argv]
    try:
        build_parser(COMMANDS).parse_args(argv)
    except SystemExit as exit_:  # --help or --version
        if exit_.code not in (0, None):
            raise


EXAMPLES = [(path, number, line) for path in PAGES for number, line in command_lines(path)]


def test_the_docs_have_examples_to_check():
    assert len(EXAMPLES) > 20
    assert {path.name for path, _, _ in EXAMPLES} >= {"README.md", "studying.md", "exam-preparation.md"}


@pytest.mark.parametrize("path, number, line", EXAMPLES,
                         ids=[f"{path.name}:{number}" for path, number, _ in EXAMPLES])
def test_every_documented_command_parses(path, number, line):
    argv = arguments(line)
    try:
        parse(argv)
    except (UsageError, SystemExit) as error:
        pytest.fail(f"{path.relative_to(ROOT)}:{number}: {line!r} does not parse: {error}")


def test_the_readme_is_short():
    lines = len(README.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_README_LINES, f"README.md has {lines} lines, at most {MAX_README_LINES}"


def test_every_docs_link_in_the_readme_leads_to_a_file():
    text = README.read_text(encoding="utf-8")
    links = re.findall(r"\]\((docs/[^)#\s]+)", text)
    assert links, "the README links to no docs/ page"
    missing = sorted({link for link in links if not (ROOT / link).is_file()})
    assert not missing, f"README.md links to missing files: {missing}"


def test_every_docs_page_is_linked_from_the_readme():
    text = README.read_text(encoding="utf-8")
    pages = {f"docs/{page.name}" for page in (ROOT / "docs").glob("*.md")}
    unlinked = sorted(page for page in pages if f"]({page}" not in text)
    assert not unlinked, f"docs pages the README never links to: {unlinked}"


@pytest.mark.parametrize("line, expected", [
    ("mlsquiz completion bash > ~/x", ["completion", "bash"]),
    ("$ mlsquiz due --json | jq .due", ["due", "--json"]),
    ("mlsquiz stats   # today's figures", ["stats"]),
    ("mlsquiz import a.toml && mlsquiz due", ["import", "a.toml"]),
    ('.venv/bin/mlsquiz --now "2026-03-01 09:00" stats; echo', ["--now", "2026-03-01 09:00", "stats"]),
])
def test_arguments_stop_at_shell_operators(line, expected):
    assert arguments(line) == expected


def test_a_wrong_example_fails():
    with pytest.raises(UsageError):
        parse(arguments("mlsquiz stats --no-such-option"))
