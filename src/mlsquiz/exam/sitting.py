"""The practice exam's screen (the one part of this package that talks to a terminal): one question at a time
with a live countdown, Ctrl-F flags, Ctrl-N leaves it for later, a review screen of every question before
submitting, no feedback until the end. Letters never act: they filter options or fill an answer. Time running
out ends the sitting as it stands; Ctrl-Q, Esc or Ctrl-C ask once, then end it unfinished (resumable)."""

import time

from ..study import answers
from ..terminal.exam_keys import BACK, FLAG, QUIT, SKIP, TimeUp, ask_in_exam, clock_text, confirm_end, help_line
from ..terminal.prompter import Quit, wrapped_title
from ..terminal.render import shorten, terminal_safe

SUBMITTED, TIMED_OUT, UNFINISHED = "submitted", "timed_out", "unfinished"


class Sitting:
    """The questions (card dicts), what was answered and flagged, and the deadline (on `clock`, monotonic).

    `answers` and `flagged` start from a resumed attempt's (position -> (given, right)) and positions."""

    def __init__(self, questions: list[dict], prompter, deadline: float, save, flag, section_title,
                 clock=time.monotonic, answers: dict | None = None, flagged: set | None = None):
        self.questions, self.prompter, self.deadline, self.clock = questions, prompter, deadline, clock
        self.save, self.flag_saver, self.section_title = save, flag, section_title
        self.answers: dict[int, tuple] = dict(answers or {})  # position -> (given, right)
        self.flagged: set[int] = set(flagged or ())
        self.orders: dict[tuple, list] = {}  # (position, items) -> the shuffled order shown, kept on a revisit

    def left(self) -> float:
        return self.deadline - self.clock()

    def run(self, start: int = 0) -> str:
        """Every question once in order (from `start` on a resume), then the review screen until submitted;
        returns how it ended."""
        try:
            for position in range(start, len(self.questions)):
                self.steady(self.visit, position)
            while (position := self.steady(self.review_screen)) is not None:
                self.steady(self.visit, position)
        except TimeUp:
            return TIMED_OUT
        except Quit:
            return UNFINISHED
        return SUBMITTED

    def steady(self, step, *args):
        """Run a step; a Ctrl-C that lands between two prompts (no prompt holds the keys) asks too."""
        while True:
            try:
                return step(*args)
            except KeyboardInterrupt:
                if confirm_end(self.prompter, self.left):
                    raise Quit from None

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
                say("(flagged for review: Ctrl-F again unflags)", "note")
            if position in self.answers:
                say(f"(answered: {terminal_safe(shown_answer(self.answers[position][0], card))}; answer again, or "
                    "Ctrl-N keeps it)", "note")
            case = card["content"].get("case")
            if isinstance(case, dict) and case.get("text"):
                say(terminal_safe(f"Case: {case.get('title', '')}", keep_newlines=False), "status")
                say(terminal_safe(case["text"]))
                say()
            say(terminal_safe(card["prompt"]), "prompt")
            shown = self.clock()
            given = self.ask(position, card)
            if given is FLAG:
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
            return ticked if ticked else SKIP  # nothing ticked: left for later
        if kind == "order":
            return self.build_order(self.shuffled(position, content["items"]))
        if kind == "matching":
            return self.match_pairs(position, content["pairs"])
        text = self.text("Your answer:")
        return text if text in (FLAG, SKIP) or text.strip() else SKIP

    def build_order(self, shuffled: list[str]):
        return self.pick_in_turn(lambda n: f"Item {n + 1} of {len(shuffled)}", shuffled)

    def match_pairs(self, position: int, pairs: list):
        """Each left item (in the card's order) gets one of the shuffled right items not yet matched; returns the
        right item matched with each left item. Letters filter here: they never pick (unlike the quiz's match)."""
        rights = self.shuffled(position, [right for _, right in pairs])
        for number, (left, _) in enumerate(pairs, 1):
            self.prompter.say(f"{number}. {terminal_safe(left)}", hang=len(str(number)) + 2)
        return self.pick_in_turn(lambda n: f"{n + 1}. {terminal_safe(pairs[n][0], keep_newlines=False)} matches",
                                 rights)

    def pick_in_turn(self, message, choices: list[str]):
        """One of the `choices` not yet picked for each step (`message(step)` asks it), Backspace taking the last
        one back; the last step takes the one choice left. The picks in order, or FLAG/SKIP as soon as given."""
        given: list[str] = []
        while len(given) < len(choices) - 1:
            remaining = [choice for choice in choices if choice not in given]
            picked = self.select(message(len(given)), remaining, back=bool(given))
            if picked is BACK:
                given.pop()
            elif picked in (FLAG, SKIP):
                return picked
            else:
                given.append(picked)
        return given + [choice for choice in choices if choice not in given]

    # --- prompts: questionary, with the exam's keys (terminal/exam_keys.py) and the countdown -----------------

    def select(self, message: str, options: list[str], back: bool = False):
        import questionary

        instruction = help_line("choice", back=back, narrow=self.prompter.narrow)
        if len(message) + len(instruction) + 3 > self.prompter.width:  # one line, never wrapped mid-word
            instruction = help_line("choice", back=back, narrow=True)
        return self._ask(lambda: questionary.select(
            message, choices=self._choices(options, 3), qmark="?", use_jk_keys=False, use_search_filter=True,
            instruction=instruction, **self.prompter.io), back=back)

    def checkbox(self, message: str, options: list[str]):
        import questionary

        return self._ask(lambda: questionary.checkbox(
            message, choices=self._choices(options, 5), qmark="?", use_jk_keys=False, use_search_filter=True,
            instruction=help_line("tick", narrow=self.prompter.narrow), **self.prompter.io))

    def text(self, message: str):
        import questionary

        self.prompter.say(help_line("text", narrow=self.prompter.narrow), "status")
        return self._ask(lambda: questionary.text(message, qmark="?", **self.prompter.io))

    def review_screen(self) -> int | None:
        """Every question (number, answered or not, flagged, the start of its prompt); Enter on one reopens it,
        Enter on the first choice submits (asking first when some are unanswered). Returns the position to
        revisit, or None to submit."""
        import questionary
        from questionary import Choice

        while True:
            self.prompter.new_screen()
            unanswered = [p for p in range(len(self.questions)) if p not in self.answers]
            self.prompter.say(f"Review before submitting: {len(self.answers)} of {len(self.questions)} answered, "
                              f"{len(unanswered)} unanswered, {len(self.flagged)} flagged · "
                              f"{clock_text(self.left())} left", "status")
            width = self.prompter.width - 4
            choices = [Choice("Submit the exam now", value=-1)]
            for p, card in enumerate(self.questions):
                marks = ("answered" if p in self.answers else "UNANSWERED") + (", flagged" if p in self.flagged else "")
                title = f"{p + 1}. ({marks}) {terminal_safe(card['prompt'], keep_newlines=False)}"
                choices.append(Choice(shorten(title, width), value=p))
            chosen = self._ask(lambda: questionary.select(
                "Submit or reopen a question", choices=choices, qmark="?", use_jk_keys=False, use_search_filter=True,
                instruction=help_line("review", narrow=self.prompter.narrow), **self.prompter.io), commands=False)
            if chosen != -1:
                return chosen
            if not unanswered or self._confirm_submit(len(unanswered)):
                return None

    def _confirm_submit(self, unanswered: int) -> bool:
        import questionary
        from questionary import Choice

        chosen = self._ask(lambda: questionary.select(
            f"{unanswered} question{'' if unanswered == 1 else 's'} unanswered (scored as wrong). Submit anyway?",
            choices=[Choice("No, back to the review", value=False), Choice("Yes, submit", value=True)],
            qmark="?", use_jk_keys=False, instruction="(arrows, Enter)", **self.prompter.io), commands=False)
        return chosen is True

    def _choices(self, options: list[str], indent: int) -> list:
        from questionary import Choice

        width = self.prompter.width - 1 - indent
        return [Choice(wrapped_title(terminal_safe(option, keep_newlines=False), width, indent), value=option)
                for option in options]

    def _ask(self, make_question, *, back: bool = False, commands: bool = True):
        """Ask until the learner answers or acts: a quit key asks once whether to end (raising Quit on yes) and
        otherwise asks the same prompt again."""
        while True:
            value = ask_in_exam(self.prompter, make_question(), self.left, commands=commands, back=back)
            if value is not QUIT:
                return value
            if confirm_end(self.prompter, self.left):
                raise Quit


def check(card: dict, given) -> bool:
    content, kind = card["content"], card["type"]
    if kind == "choice":
        return answers.choice_is_right(given, content)
    if kind == "multi":
        return answers.multi_is_right(given, content)
    if kind == "order":
        return answers.order_is_right(given, content)
    if kind == "matching":
        return answers.matching_is_right(given, content)
    return answers.typed_is_right(given, content)


def shown_answer(given, card: dict | None = None) -> str:
    if card is not None and card["type"] == "matching" and isinstance(given, list):
        return "; ".join(f"{left} → {right}" for (left, _), right in zip(card["content"]["pairs"], given))
    return "; ".join(given) if isinstance(given, list) else str(given)
