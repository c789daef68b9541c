"""The practice exam's keys: every command is on a key no text can type (Ctrl-F flag, Ctrl-N later, Ctrl-Q or Esc
quit, Backspace on an empty filter back), so letters only ever filter options or fill an answer; plus a countdown
line under each prompt and an exit when time runs out."""

import asyncio


class Command:
    """What a key asked for instead of an answer: equal only to itself, so no typed text or option can be one."""

    def __init__(self, name: str):
        self.name = name

    def __repr__(self) -> str:
        return f"Command({self.name!r})"


FLAG, SKIP, BACK, QUIT = Command("flag"), Command("skip"), Command("back"), Command("quit")


class TimeUp(Exception):
    """The time allowed has run out."""


def clock_text(seconds: float) -> str:
    seconds = max(0, int(seconds + 0.999))
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60:02d}:{rest % 60:02d}"


def help_line(kind: str, *, back: bool = False, narrow: bool = False) -> str:
    """How to answer at a prompt (its instruction): `kind` is choice, tick (a checkbox), text or review."""
    if narrow:
        answer = {"choice": "Enter chooses", "tick": "Space ticks", "text": "Enter ends", "review": "Enter opens"}
    else:
        answer = {"choice": "arrows or type to filter, Enter chooses", "tick": "Space ticks, type to filter, Enter ends",
                  "text": "Enter ends it; Enter alone leaves it for later",
                  "review": "arrows or type to filter, Enter opens or submits"}
    return f"({answer[kind]}" + ("; Backspace back)" if back else ")")


def command_line(seconds: float, *, commands: bool, narrow: bool) -> str:
    """The line under every prompt: the time left and the command keys (none of them a letter)."""
    if narrow:
        keys = " · ^F flag ^N later ^Q quit" if commands else " · ^Q quit"
    else:
        keys = " · Ctrl-F flag · Ctrl-N later · Ctrl-Q or Esc quit" if commands else " · Ctrl-Q or Esc quit"
    return f"  time left {clock_text(seconds)}{keys} "


def ask_in_exam(prompter, question, seconds_left, *, commands: bool = True, back: bool = False,
                confirming: bool = False):
    """Run a questionary prompt through `prompter` with the exam's keys and countdown. Returns the answer or a
    Command (QUIT for Ctrl-Q, Esc, Ctrl-C and Ctrl-D: the caller asks before ending anything); raises TimeUp.
    `confirming`: the question is the one asking whether to end (Esc answers False, a quit key again True)."""
    from prompt_toolkit.filters import Condition, is_done
    from prompt_toolkit.layout import ConditionalContainer, HSplit, Layout, Window
    from prompt_toolkit.layout.controls import FormattedTextControl

    def exam_keys(keys, control):
        def leave(result):
            return lambda event: event.app.exit(result=result)

        filtering = Condition(lambda: control is not None and bool(control.search_filter))
        for key in ("c-q", "escape", "c-c", "c-d"):
            keys.add(key, eager=True)(leave((key != "escape") if confirming else QUIT))
        if commands:
            keys.add("c-f", eager=True)(leave(FLAG))
            keys.add("c-n", eager=True)(leave(SKIP))
        if back:
            keys.add("c-h", eager=True, filter=~filtering)(leave(BACK))
        if control is not None and control.use_indicator:  # a checkbox: a space inside typed words filters
            keys.add(" ", eager=True, filter=filtering)(lambda event: control.add_search_character(" "))

    app = question.application
    countdown = Window(FormattedTextControl(lambda: command_line(
        seconds_left(), commands=commands and not confirming, narrow=prompter.narrow)), height=1, style="reverse")
    app.layout = Layout(HSplit([app.layout.container, ConditionalContainer(countdown, filter=~is_done)]),
                        focused_element=app.layout.current_window)
    app.refresh_interval = 1

    def time_up():
        if not app.future.done():
            app.exit(exception=TimeUp())

    app.pre_run_callables.append(lambda: asyncio.get_running_loop().call_later(max(0.0, seconds_left()), time_up))
    return prompter._ask(question, exam_keys)


def confirm_end(prompter, seconds_left) -> bool:
    """Ask once whether to end the attempt; No is the default, and Esc means No. A second Ctrl-Q (or Ctrl-C)
    means Yes."""
    import questionary
    from questionary import Choice

    narrow = prompter.narrow  # one line at 40 columns: prompt_toolkit would break the message mid-word
    chosen = ask_in_exam(prompter, questionary.select(
        "End the attempt? (resumable)" if narrow else "End the attempt? It stays resumable", choices=[Choice("No, back to the exam", value=False),
                                                       Choice("Yes, end it now", value=True)],
        qmark="?", use_jk_keys=False, instruction="(Enter)" if narrow else "(arrows, Enter)", **prompter.io),
        seconds_left, commands=False, confirming=True)
    return chosen is True
