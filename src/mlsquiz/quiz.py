"""The questionary loop: shows each card, reads the answer and the grade, saves it before the next card.

Prompts go through `Prompter`, whose prompt_toolkit input and output are parameters, so tests drive it
with a pipe instead of a terminal.
"""

import contextlib
import os
import random
import shutil
import sys
import time

from . import answers
from .render import shorten, terminal_safe

GRADES = [
    (5, "perfect: right, without hesitation"),
    (4, "right, after some hesitation"),
    (3, "right, but with serious difficulty"),
    (2, "wrong, but the answer felt familiar"),
    (1, "wrong; remembered it on seeing the answer"),
    (0, "blackout: no idea at all"),
]
UNDO, QUIT = "undo", "quit"
# SGR codes for our own lines (card text is made terminal-safe first); questionary styles its prompts itself.
STYLES = {"status": "2", "prompt": "1", "answer": "1", "right": "1;32", "wrong": "1;31", "note": "33", "link": "2"}
MAX_WIDTH = 100  # long explanations read better in a column than across a wide terminal


class Quit(Exception):
    """The learner asked to stop: Ctrl-C, Ctrl-D or "quit"."""


class Prompter:
    """Asks through questionary and tells through `write`; colour only on a terminal that wants it."""

    def __init__(self, input=None, output=None, write=None, rng=None, width=None, colour=None):
        from .charts import use_colour

        self.io = {key: value for key, value in (("input", input), ("output", output)) if value is not None}
        self.write = write or (lambda text="": print(text, flush=True))
        self.rng = rng or random.Random()
        self.width = min(width or shutil.get_terminal_size().columns, MAX_WIDTH)  # columns; lines stop one short
        self.colour = (write is None and use_colour() and os.environ.get("TERM") != "dumb") if colour is None \
            else colour

    def say(self, text: str = "", style: str | None = None, hang: int = 0) -> None:
        """Print a line of our own, word-wrapped to the terminal; `hang` indents the lines after the first."""
        lines = wrapped(text, self.width - 1, hang)
        if style and self.colour:
            lines = [f"\x1b[{STYLES[style]}m{line}\x1b[0m" for line in lines]
        self.write("\n".join(lines))

    def _ask(self, question):
        from prompt_toolkit.key_binding import KeyBindings, merge_key_bindings

        quit_keys = KeyBindings()

        @quit_keys.add("c-d", eager=True)
        def _end_of_input(event):
            event.app.exit(exception=EOFError)

        application = question.application
        application.key_bindings = merge_key_bindings([application.key_bindings, quit_keys])
        try:
            value = question.unsafe_ask()
        except (KeyboardInterrupt, EOFError):
            raise Quit from None
        if value is None:
            raise Quit
        return value

    def text(self, message: str) -> str:
        import questionary

        value = self._ask(questionary.text(message, qmark="?", **self.io))
        if value.strip().lower() == QUIT:
            raise Quit
        return value

    def select(self, message: str, options: list[str], *, search: bool = True) -> str:
        import questionary

        return self._ask(questionary.select(
            message, choices=safe_choices(options), qmark="?", use_search_filter=search, use_jk_keys=not search,
            instruction="(arrows or type to filter, Enter to choose)" if search else None, **self.io))

    def checkbox(self, message: str, options: list[str]) -> list[str]:
        import questionary

        return self._ask(questionary.checkbox(
            message, choices=safe_choices(options), qmark="?", use_search_filter=True, use_jk_keys=False,
            instruction="(Space to tick, type to filter, Enter when done)", **self.io))

    def grade(self, default: int | None) -> int | str:
        import questionary
        from questionary import Choice

        choices = [Choice(meaning, value=grade, shortcut_key=str(grade)) for grade, meaning in GRADES]
        choices += [Choice("undo previous card", value=UNDO, shortcut_key="u"),
                    Choice("quit (your answers are saved)", value=QUIT, shortcut_key="q")]
        chosen = self._ask(questionary.select(
            "Grade", choices=choices, default=next((c for c in choices if c.value == default), None),
            use_shortcuts=True, qmark="?", instruction="(number keys or arrows, Enter)", **self.io))
        if chosen == QUIT:
            raise Quit
        return chosen


def safe_choices(options: list[str]) -> list:
    """Card options as questionary choices: the title shown is terminal-safe, the value is the option itself."""
    from questionary import Choice

    return [Choice(terminal_safe(option, keep_newlines=False), value=option) for option in options]


def wrapped(text: str, width: int, hang: int = 0) -> list[str]:
    """Word-wrapped lines (never cutting a word unless it is longer than a line); the text's own newlines stay."""
    import textwrap

    lines = []
    for paragraph in text.split("\n"):
        lines += textwrap.wrap(paragraph, max(width, 20), subsequent_indent=" " * hang, break_on_hyphens=False,
                               drop_whitespace=True) or [""]
    return lines


def present(card: dict, prompter: Prompter) -> bool | None:
    """Ask the card; returns whether the answer was right (None for free recall, graded by the learner)."""
    content, kind, say = card["content"], card["type"], prompter.say
    say(terminal_safe(card["prompt"]), "prompt")
    if kind == "basic":
        prompter.text("Recall the answer, then press Enter to reveal:")
        say()
        say(f"Answer: {terminal_safe(content['answer'])}", "answer", hang=8)
        right = None
    elif kind == "choice":
        options = prompter.rng.sample(content["options"], len(content["options"]))
        right = answers.choice_is_right(prompter.select("Choose one", options), content)
    elif kind == "multi":
        options = prompter.rng.sample(content["options"], len(content["options"]))
        ticked = prompter.checkbox("Select all that apply", options)
        say(f"You ticked: {terminal_safe('; '.join(ticked)) or '(nothing)'}", hang=12)
        right = answers.multi_is_right(ticked, content)
    elif kind == "order":
        remaining = prompter.rng.sample(content["items"], len(content["items"]))
        built = []
        while len(remaining) > 1:
            picked = prompter.select(f"Item {len(built) + 1} of {len(content['items'])}", remaining)
            built.append(picked)
            remaining.remove(picked)
        built += remaining
        say(f"Your order: {terminal_safe((' → ' if _can_encode('→') else ' -> ').join(built))}", hang=12)
        right = answers.order_is_right(built, content)
    else:
        right = answers.typed_is_right(prompter.text("Your answer:"), content)
    if right is not None:
        from .deck import answer_text

        verdict = "✓ Right." if right else "✗ Not quite."
        if not _can_encode("✓✗"):
            verdict = "Right." if right else "Wrong."
        answer = answer_text(kind, content)
        if not _can_encode(answer):
            answer = answer.replace(" → ", " -> ")
        say()
        say(f"{verdict} Answer: {terminal_safe(answer)}", "right" if right else "wrong", hang=len(verdict) + 1)
    say(f"Why: {terminal_safe(content['explanation'])}", hang=5)
    if content.get("link"):
        say(f"Link: {terminal_safe(content['link'])}", "link")
    return right


def _can_encode(text: str) -> bool:
    try:
        text.encode(getattr(sys.stdout, "encoding", None) or "ascii")
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def status_line(position: int, total: int, counts: dict, section: str, cram: bool = False, width: int = 80) -> str:
    """`[3/12] 4 due · 5 new · 1 re-drill | Section title`, on one line of `width` columns."""
    parts = [f"{counts['cram']} to cram"] if cram else [f"{counts['due']} due", f"{counts['new']} new"]
    parts.append(f"{counts['redrill']} re-drill")
    head = f"[{position}/{total}] {' · '.join(parts) if _can_encode('·') else ', '.join(parts)} | "
    return head + shorten(section, max(width - 1 - len(head), 12))


def run_session(session, prompter: Prompter, save, undo, section_title) -> float:
    """Work through the queue until it is empty or the learner quits; returns the seconds spent.

    `save(step, grade, answer_ms) -> review id` must store the answer durably before returning;
    `undo(review id)` takes a stored answer back."""
    started = time.monotonic()
    while (step := session.next_step()) is not None:
        try:
            ask_card(session, step, prompter, save, undo, section_title)
        except (Quit, KeyboardInterrupt):  # Ctrl-C between two prompts quits just the same
            break
    return time.monotonic() - started


def ask_card(session, step, prompter: Prompter, save, undo, section_title) -> None:
    """Show one card, take its answer and grade, and save it (or take back the previous card)."""
    say = prompter.say
    total = len(session.answered) + len(session.queue)
    say()
    say(status_line(len(session.answered) + 1, total, session.counts(), section_title(step.card), session.cram,
                    prompter.width), "status")
    if step.redrill:
        say("(re-drill: this card comes back until you grade it 4 or 5)", "note")
    shown = time.monotonic()
    right = present(step.card, prompter)
    grade = prompter.grade(answers.default_grade(right) if right is not None else None)
    with _interrupt_deferred():  # the store and the session's record of an answer stay in step
        if grade == UNDO:
            taken_back = session.undo()
            if taken_back is not None:
                undo(taken_back.review_id)
        else:
            answer_ms = round((time.monotonic() - shown) * 1000)
            session.record(grade, save(step, grade, answer_ms))
    if grade == UNDO:
        say("Undone: the previous card is back as it was." if taken_back else "Nothing to undo yet.", "note")


@contextlib.contextmanager
def _interrupt_deferred():
    """Hold back Ctrl-C (SIGINT) while an answer is saved; it arrives, as KeyboardInterrupt, right after."""
    import signal

    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
