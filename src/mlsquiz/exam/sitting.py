"""The practice exam's screen (the one part of this package that talks to a terminal): one question at a time
with a live countdown, `f` flags, `n` leaves it for later, a review screen before submitting, no feedback until
the end. Time running out ends the sitting as it stands; Ctrl-C or `q` ends it unfinished."""

import time

from ..study import answers
from ..terminal.prompter import Quit, wrapped_title
from ..terminal.render import shorten, terminal_safe

SUBMITTED, TIMED_OUT, UNFINISHED = "submitted", "timed_out", "unfinished"
FLAG, SKIP, BACK = "flag", "skip", "back"


class TimeUp(Exception):
    """The time allowed has run out."""


def clock_text(seconds: float) -> str:
    seconds = max(0, int(seconds + 0.999))
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60:02d}:{rest % 60:02d}"


class Sitting:
    """The questions (card dicts), what was answered and flagged, and the deadline (on `clock`, monotonic)."""

    def __init__(self, questions: list[dict], prompter, deadline: float, save, flag, section_title,
                 clock=time.monotonic):
        self.questions, self.prompter, self.deadline, self.clock = questions, prompter, deadline, clock
        self.save, self.flag_saver, self.section_title = save, flag, section_title
        self.answers: dict[int, tuple] = {}  # position -> (given, right)
        self.flagged: set[int] = set()
        self.orders: dict[tuple, list] = {}  # (position, items) -> the shuffled order shown, kept on a revisit

    def left(self) -> float:
        return self.deadline - self.clock()

    def run(self) -> str:
        """Every question once in order, then the review screen until submitted; returns how it ended."""
        try:
            for position in range(len(self.questions)):
                self.visit(position)
            while (position := self.review_screen()) is not None:
                self.visit(position)
        except TimeUp:
            return TIMED_OUT
        except (Quit, KeyboardInterrupt):
            return UNFINISHED
        return SUBMITTED

    def status(self, position: int) -> str:
        card = self.questions[position]
        head = (f"[Question {position + 1}/{len(self.questions)}] {len(self.answers)} answered · "
                f"{len(self.flagged)} flagged · {clock_text(self.left())} left")
        section, width = terminal_safe(self.section_title(card), keep_newlines=False), self.prompter.width
        room = width - 1 - len(head) - 3
        if room >= min(len(section), 20):
            return f"{head} | {shorten(section, room)}"
        return f"{shorten(head, width - 1)}\n{shorten(section, width - 1)}"  # a narrow terminal: two lines

    def visit(self, position: int) -> None:
        """Ask one question until it is answered or left (flagging re-asks it, with the flag shown)."""
        while True:
            if self.left() <= 0:
                raise TimeUp
            card, say = self.questions[position], self.prompter.say
            self.prompter.new_screen()
            say(self.status(position), "status")
            if position in self.flagged:
                say("(flagged for review: f again unflags)", "note")
            if position in self.answers:
                say(f"(answered: {terminal_safe(shown_answer(self.answers[position][0]))}; answer again or n "
                    "to keep it)", "note")
            say(terminal_safe(card["prompt"]), "prompt")
            shown = self.clock()
            given = self.ask(position, card)
            if given == FLAG:
                self.toggle_flag(position)
                continue
            if given in (SKIP, BACK) or given is None:
                return
            right = check(card, given)
            self.save(position, card, given, right, round((self.clock() - shown) * 1000))
            self.answers[position] = (given, right)  # after the save: what is scored is what is stored
            return

    def toggle_flag(self, position: int) -> None:
        if position in self.flagged:
            self.flagged.discard(position)
        else:
            self.flagged.add(position)
        self.flag_saver(position, position in self.flagged)

    def shuffled(self, position: int, items: list[str]) -> list[str]:
        key = (position, tuple(items))
        if key not in self.orders:
            self.orders[key] = self.prompter.rng.sample(items, len(items))
        return self.orders[key]

    def ask(self, position: int, card: dict):
        content, kind = card["content"], card["type"]
        if kind == "choice":
            return self.select("Choose one", self.shuffled(position, content["options"]))
        if kind == "multi":
            ticked = self.checkbox("Select all that apply", self.shuffled(position, content["options"]))
            return ticked if isinstance(ticked, str) or ticked else SKIP
        if kind == "order":
            return self.build_order(self.shuffled(position, content["items"]))
        text = self.text("Your answer (Enter alone leaves it for later; Ctrl-F flags):")
        return text if text in (FLAG, SKIP) or text.strip() else SKIP

    def build_order(self, shuffled: list[str]):
        items = shuffled
        built: list[str] = []
        while len(built) < len(items) - 1:
            remaining = [item for item in shuffled if item not in built]
            picked = self.select(f"Item {len(built) + 1} of {len(items)}", remaining, back=bool(built))
            if picked == BACK:
                built.pop()
            elif picked in (FLAG, SKIP):
                return picked
            else:
                built.append(picked)
        return built + [item for item in shuffled if item not in built]

    # --- prompts: questionary, with our keys and the countdown -----------------------------------------------

    def select(self, message: str, options: list[str], back: bool = False):
        import questionary

        return self._ask(questionary.select(
            message, choices=self._choices(options, 3), qmark="?", use_jk_keys=False,
            instruction="(arrows, Enter; f flag, n later, q quit" + (", Backspace back)" if back else ")"),
            **self.prompter.io), letters=True, back=back)

    def checkbox(self, message: str, options: list[str]):
        import questionary

        return self._ask(questionary.checkbox(
            message, choices=self._choices(options, 5), qmark="?", use_jk_keys=False,
            instruction="(Space ticks, Enter ends; f flag, n later, q quit)", **self.prompter.io), letters=True)

    def text(self, message: str):
        import questionary

        value = self._ask(questionary.text(message, qmark="?", **self.prompter.io), letters=False)
        if isinstance(value, str) and value.strip().lower() == "quit":
            raise Quit
        return value

    def review_screen(self) -> int | None:
        """Unanswered and flagged questions to go back to; Enter on the first choice submits. Returns the
        position to revisit, or None to submit."""
        import questionary
        from questionary import Choice

        self.prompter.new_screen()
        unanswered = [p for p in range(len(self.questions)) if p not in self.answers]
        self.prompter.say(f"Review before submitting: {len(self.answers)} of {len(self.questions)} answered, "
                          f"{len(unanswered)} unanswered, {len(self.flagged)} flagged · "
                          f"{clock_text(self.left())} left", "status")
        width = self.prompter.width - 7
        choices = [Choice("Submit the exam now", value=-1)]
        for p in sorted(set(unanswered) | self.flagged):
            why = " and ".join(w for w, on in (("unanswered", p in unanswered), ("flagged", p in self.flagged)) if on)
            title = f"Go back to question {p + 1} ({why}): {terminal_safe(self.questions[p]['prompt'], keep_newlines=False)}"
            choices.append(Choice(wrapped_title(title, width, 3), value=p))
        chosen = self._ask(questionary.select("Submit or go back", choices=choices, qmark="?", use_jk_keys=False,
                                              instruction="(Enter submits; arrows to pick a question; q quit)",
                                              **self.prompter.io), letters=True, flags=False)
        if chosen in (FLAG, SKIP):
            return self.review_screen()
        return None if chosen == -1 else chosen

    def _choices(self, options: list[str], indent: int) -> list:
        from questionary import Choice

        width = self.prompter.width - 1 - indent
        return [Choice(wrapped_title(terminal_safe(option, keep_newlines=False), width, indent), value=option)
                for option in options]

    def _ask(self, question, *, letters: bool, back: bool = False, flags: bool = True):
        """Run a prompt (through the quiz's Prompter: Ctrl-C and Ctrl-D quit) with the exam's keys, a countdown
        line under it, and an exit when time runs out."""
        import asyncio

        from prompt_toolkit.layout import HSplit, Layout, Window
        from prompt_toolkit.layout.controls import FormattedTextControl

        def exam_keys(keys, control):
            def leave(result):
                return lambda event: event.app.exit(result=result)

            keys.add("c-f", eager=True)(leave(FLAG))
            if letters:
                keys.add("q", eager=True)(lambda event: event.app.exit(exception=EOFError))
                if flags:
                    keys.add("f", eager=True)(leave(FLAG))
                    keys.add("n", eager=True)(leave(SKIP))
            if back:
                keys.add("c-h", eager=True)(leave(BACK))

        app = question.application
        countdown = Window(FormattedTextControl(lambda: f"  time left {clock_text(self.left())}"), height=1,
                           style="reverse")
        app.layout = Layout(HSplit([app.layout.container, countdown]), focused_element=app.layout.current_window)
        app.refresh_interval = 1

        def time_up():
            if not app.future.done():
                app.exit(exception=TimeUp())

        app.pre_run_callables.append(lambda: asyncio.get_running_loop().call_later(max(0.0, self.left()), time_up))
        return self.prompter._ask(question, exam_keys)


def check(card: dict, given) -> bool:
    content, kind = card["content"], card["type"]
    if kind == "choice":
        return answers.choice_is_right(given, content)
    if kind == "multi":
        return answers.multi_is_right(given, content)
    if kind == "order":
        return answers.order_is_right(given, content)
    return answers.typed_is_right(given, content)


def shown_answer(given) -> str:
    return "; ".join(given) if isinstance(given, list) else str(given)
