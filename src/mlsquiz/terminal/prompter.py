"""How the quiz asks: questionary prompts with our keys (one-key grades, safe Enter, Backspace steps back),
word-wrapped to the terminal. Input and output are parameters, so tests drive it through a pipe."""

import os
import random
import shutil
import textwrap

from .render import terminal_safe

GRADES = [
    (5, "perfect: right, without hesitation", "perfect"),
    (4, "right, after some hesitation", "right, hesitated"),
    (3, "right, but with serious difficulty", "right, hard"),
    (2, "wrong, but the answer felt familiar", "wrong, familiar"),
    (1, "wrong; remembered it on seeing the answer", "wrong, then recalled"),
    (0, "blackout: no idea at all", "blackout"),
]
UNDO, QUIT, BACK = "undo", "quit", "back"
# SGR codes for our own lines (card text is made terminal-safe first); questionary styles its prompts itself.
STYLES = {"status": "2", "prompt": "1", "answer": "1", "right": "1;32", "wrong": "1;31", "note": "33", "link": "2"}
MAX_WIDTH = 100  # long explanations read better in a column than across a wide terminal
NARROW = 60  # below this many columns, labels and instructions take their short forms
CLEAR_SCREEN = "\x1b[H\x1b[2J"
# What questionary draws before a choice's title: pointer (" » "), then a tick box ("○ ") or a shortcut ("1) ").
SELECT_INDENT, CHECKBOX_INDENT, GRADE_INDENT = 3, 5, 6


class Quit(Exception):
    """The learner asked to stop: Ctrl-C, Ctrl-D, "q" or "quit"."""


class Prompter:
    """Asks through questionary and tells through `write`; colour only on a terminal that wants it.

    `clear` starts each card on a clean screen (a terminal with `--scroll` off); tests leave it off."""

    def __init__(self, input=None, output=None, write=None, rng=None, width=None, colour=None, clear=False):
        from .charts import use_colour

        self.io = {key: value for key, value in (("input", input), ("output", output)) if value is not None}
        self.printing = write is None
        self.write = write or (lambda text="": print(text, flush=True))
        self.rng = rng or random.Random()
        self.width = max(min(width or shutil.get_terminal_size().columns, MAX_WIDTH), 1)
        self.colour = (write is None and use_colour() and os.environ.get("TERM") != "dumb") if colour is None \
            else colour
        self.clear = clear
        self._notes: list[str] = []

    @property
    def narrow(self) -> bool:
        return self.width < NARROW

    def new_screen(self) -> None:
        """Start a card on a clean screen, so nothing of the previous card's answer is left in view."""
        if not self.clear:
            return
        if self.printing:
            print(CLEAR_SCREEN, end="", flush=True)
        else:
            self.write(CLEAR_SCREEN)

    def note_for_next_card(self, text: str) -> None:
        """A note shown under the next card's status line (the screen is cleared before it)."""
        self._notes.append(text)

    def take_notes(self) -> list[str]:
        notes, self._notes = self._notes, []
        return notes

    def say(self, text: str = "", style: str | None = None, hang: int = 0) -> None:
        """Print a line of our own, word-wrapped to the terminal; `hang` indents the lines after the first."""
        lines = wrapped(text, self.width - 1, hang)
        if style and self.colour:
            lines = [f"\x1b[{STYLES[style]}m{line}\x1b[0m" for line in lines]
        self.write("\n".join(lines))

    def _ask(self, question, keys=None):
        """Run one questionary prompt with Ctrl-D as quit and `keys(bindings, control)` added on top."""
        from prompt_toolkit.key_binding import KeyBindings, merge_key_bindings
        from prompt_toolkit.keys import Keys

        extra = KeyBindings()

        @extra.add("c-d", eager=True)
        def _end_of_input(event):
            event.app.exit(exception=EOFError)

        # An escape sequence typed or pasted at a prompt (ESC [ 3 1 m) parses as a mouse report, and
        # prompt_toolkit's handler crashes on it and drops the typed text; the quiz uses no mouse.
        @extra.add(Keys.Vt100MouseEvent, eager=True)
        def _not_a_mouse(event):
            pass

        application = question.application
        control = _inquirer_control(application)
        if control is not None:
            _search_across_wrapped_titles(control)
            _refuse_enter_when_nothing_matches(extra, control)
        if keys is not None:
            keys(extra, control)
        application.key_bindings = merge_key_bindings([application.key_bindings, extra])  # ours win: added last
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

    def select(self, message: str, options: list[str], *, back: bool = False) -> str:
        """One of `options`; with `back`, Backspace on an empty filter returns BACK (steps back one pick)."""
        import questionary

        if self.narrow:
            instruction = "(type to filter, Backspace: back)" if back else "(type to filter)"
        else:
            instruction = "(arrows or type to filter, Enter to choose" + (
                "; Backspace steps back)" if back else ")")

        def step_back(bindings, control):
            from prompt_toolkit.filters import Condition

            @bindings.add("c-h", eager=True, filter=Condition(lambda: not control.search_filter))
            def _back(event):
                event.app.exit(result=BACK)

        return self._ask(questionary.select(
            message, choices=self._choices(options, SELECT_INDENT), qmark="?", use_search_filter=True,
            use_jk_keys=False, instruction=instruction, **self.io), step_back if back else None)

    def checkbox(self, message: str, options: list[str]) -> list[str]:
        import questionary

        instruction = "(Space ticks, Enter ends)" if self.narrow else \
            "(Space to tick, type to filter, Enter when done)"
        return self._ask(questionary.checkbox(
            message, choices=self._choices(options, CHECKBOX_INDENT), qmark="?", use_search_filter=True,
            use_jk_keys=False, instruction=instruction, **self.io))

    def match(self, message: str, lettered: list[tuple[str, str]], *, back: bool = False) -> str:
        """The item of `lettered` ((letter, item) pairs: `deckfile.model.lettered_items`) chosen, or BACK."""
        return self._ask(*self.match_prompt(message, lettered, back=back))

    def match_prompt(self, message: str, lettered: list[tuple[str, str]], *, back: bool = False):
        """(questionary question, keys hook for `_ask`) of `match`, for a caller that adds keys of its own.

        Its letter (either case) answers at once; arrows and Enter work too; with `back`, Backspace gives BACK."""
        import questionary
        from questionary import Choice

        indent = SELECT_INDENT + 3  # "a) " after the pointer
        choices = [Choice(wrapped_title(terminal_safe(item, keep_newlines=False), self.width - 1 - indent, indent),
                          value=item, shortcut_key=letter) for letter, item in lettered]
        if self.narrow:
            instruction = "(a letter, Backspace: back)" if back else "(a letter)"
        else:
            instruction = "(a letter, or arrows and Enter" + ("; Backspace: back)" if back else ")")

        def letter_keys(bindings, control):
            for index, (letter, item) in enumerate(lettered):
                for key in {letter.lower(), letter.upper()}:
                    _answer_on_key(bindings, control, key, index, item)
            if back:
                bindings.add("c-h", eager=True)(lambda event: event.app.exit(result=BACK))

        return questionary.select(message, choices=choices, use_shortcuts=True, qmark="?", use_jk_keys=False,
                                  instruction=instruction, **self.io), letter_keys

    def grade(self, default: int | None, *, answered: bool = False) -> int | str:
        """A grade, UNDO, or Quit raised. A digit (or u, q) answers at once; Enter takes the one under the cursor.

        `answered`: the card was checked, so quitting here keeps its answer (the label says so)."""
        import questionary
        from questionary import Choice

        titles = [(grade, short if self.narrow else meaning) for grade, meaning, short in GRADES]
        titles += [(UNDO, "undo previous card"),
                   (QUIT, "quit (this answer is saved)" if answered else "quit (earlier answers are saved)")]
        choices = [Choice(wrapped_title(title, self.width - 1 - GRADE_INDENT, GRADE_INDENT), value=value,
                          shortcut_key=str(value)[0]) for value, title in titles]

        def one_key(bindings, control):
            for index, choice in enumerate(choices):
                _answer_on_key(bindings, control, choice.shortcut_key, index, choice.value)

        chosen = self._ask(questionary.select(
            "Grade", choices=choices, default=next((c for c in choices if c.value == default), None),
            use_shortcuts=True, qmark="?", instruction="(a key, or arrows and Enter)" if self.narrow
            else "(press a number key, or arrows and Enter)", **self.io), one_key)
        if chosen == QUIT:
            raise Quit
        return chosen

    def _choices(self, options: list[str], indent: int) -> list:
        """Card options as questionary choices: the title is terminal-safe and wrapped, the value is the option."""
        from questionary import Choice

        return [Choice(wrapped_title(terminal_safe(option, keep_newlines=False), self.width - 1 - indent, indent),
                       value=option) for option in options]


def wrapped(text: str, width: int, hang: int = 0) -> list[str]:
    """Word-wrapped lines (never cutting a word unless it is longer than a line); the text's own newlines stay."""
    width = max(width, 1)
    hang = min(hang, width // 2)
    lines = []
    for paragraph in text.split("\n"):
        lines += textwrap.wrap(paragraph, width, subsequent_indent=" " * hang, break_on_hyphens=False,
                               drop_whitespace=True) or [""]
    return lines


def wrapped_title(title: str, width: int, indent: int) -> str:
    """A choice's title on as many lines as it needs, continuation lines under the first one's text."""
    return "\n".join(line if n == 0 else " " * indent + line
                     for n, line in enumerate(wrapped(title, max(width, 8))))


def _inquirer_control(application):
    from questionary.prompts.common import InquirerControl

    for window in application.layout.find_all_windows():
        if isinstance(window.content, InquirerControl):
            return window.content
    return None


def _search_across_wrapped_titles(control) -> None:
    """Filter on a title's words, so a phrase still matches where the title was wrapped onto two lines."""

    class WrappedTitles(type(control)):
        @property
        def filtered_choices(self):
            if not self.search_filter:
                return self.choices
            found = [c for c in self.choices if _matches(self.search_filter, c)]
            self.found_in_search = bool(found)
            return found or self.choices

    control.__class__ = WrappedTitles


def _matches(search: str, choice) -> bool:
    return search.lower() in " ".join(str(choice.title).split()).lower()


def _refuse_enter_when_nothing_matches(bindings, control) -> None:
    """questionary shows every option when the filter matches none, and Enter (or Space) would take the top
    one: a typo must not answer the card."""
    from prompt_toolkit.filters import Condition

    nothing = Condition(lambda: bool(control.search_filter)
                        and not any(_matches(control.search_filter, c) for c in control.choices))

    @bindings.add("c-m", eager=True, filter=nothing)
    @bindings.add(" ", eager=True, filter=nothing & Condition(lambda: control.use_indicator))
    def _nothing_matches(event):
        event.app.output.bell()


def _answer_on_key(bindings, control, key: str, index: int, value) -> None:
    @bindings.add(key, eager=True)
    def _answer(event):
        control.pointed_at, control.is_answered = index, True
        event.app.exit(result=value)
