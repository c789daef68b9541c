"""The study loop: shows each card on a clean screen, reads the answer and the grade, saves it before the next.

How a question is asked (keys, wrapping, questionary) lives in `prompter`; this module decides what is shown.
"""

import contextlib
import sys
import time

from ..deckfile.model import lettered_items
from ..terminal.prompter import BACK, GRADES, QUIT, UNDO, Prompter, Quit, wrapped  # noqa: F401  (the quiz's interface)
from ..terminal.render import shorten, terminal_safe
from . import answers


def present(card: dict, prompter: Prompter) -> bool | None:
    """Ask the card; returns whether the answer was right (None for free recall, graded by the learner)."""
    content, kind, say = card["content"], card["type"], prompter.say
    if content.get("case"):
        show_case(prompter, content["case"])
    say(terminal_safe(answers.cloze_shown(content) if kind == "cloze" else card["prompt"]), "prompt")
    arrow = " → " if _can_encode("→") else " -> "
    if kind == "basic":
        prompter.text("Recall it, then Enter to reveal:" if prompter.narrow else
                      "Recall the answer, then press Enter to reveal:")
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
        built = build_order(prompter, content["items"])
        say(f"Your order: {terminal_safe(arrow.join(built))}", hang=12)
        right = answers.order_is_right(built, content)
    elif kind == "matching":
        matched = build_matching(prompter, content["pairs"])
        right = answers.matching_is_right(matched, content)
    else:
        check = answers.cloze_is_right if kind == "cloze" else answers.typed_is_right
        right = check(prompter.text("Your answer:"), content)
    if right is not None:
        from ..deckfile.model import answer_text

        verdict = "✓ Right." if right else "✗ Not quite."
        if not _can_encode("✓✗"):
            verdict = "Right." if right else "Wrong."
        answer = answer_text(kind, content)
        if not _can_encode(answer):
            answer = answer.replace(" → ", " -> ")
        say()
        say(f"{verdict} Answer: {terminal_safe(answer)}", "right" if right else "wrong", hang=len(verdict) + 1)
        if not right and kind == "multi":
            for line in multi_mistakes(ticked, content):
                say(line, "wrong", hang=2)
        if not right and kind == "order":
            say(order_mistake(built, content["items"], arrow), "wrong", hang=2)
        if not right and kind == "matching":
            for left, chosen, wanted in answers.matching_mistakes(matched, content):
                say(f"- {terminal_safe(left)}{arrow}{terminal_safe(wanted)}, not {terminal_safe(chosen)}", "wrong",
                    hang=2)
    say(f"Why: {terminal_safe(content['explanation'])}", hang=5)
    if content.get("link"):
        say(f"Link: {terminal_safe(content['link'])}", "link")
    return right


def build_order(prompter: Prompter, items: list[str]) -> list[str]:
    """Pick the first item, then the next from those left; Backspace (on an empty filter) takes a pick back."""
    shuffled = prompter.rng.sample(items, len(items))
    built: list[str] = []
    while len(built) < len(items) - 1:
        remaining = [item for item in shuffled if item not in built]
        picked = prompter.select(f"Item {len(built) + 1} of {len(items)}", remaining, back=bool(built))
        if picked == BACK:
            prompter.say(f"(took back: {terminal_safe(built.pop())})", "note")
        else:
            built.append(picked)
    return built + [item for item in shuffled if item not in built]


def show_case(prompter: Prompter, case: dict) -> None:
    """The scenario a case-study card shares with others, above its question."""
    prompter.say(f"Case study: {terminal_safe(case['title'], keep_newlines=False)}", "note")
    prompter.say(terminal_safe(case["text"]))
    prompter.say()


def build_matching(prompter: Prompter, pairs: list[list[str]]) -> list[str]:
    """Give each left item one of the shuffled, lettered right items, by its letter; Backspace takes the last
    match back. Returns the right item matched with each left item, in the card's order."""
    rights = lettered_items(prompter.rng.sample([right for _, right in pairs], len(pairs)))
    lefts, arrow = [left for left, _ in pairs], " →" if _can_encode("→") else " ->"
    prompter.say("Match each item with one of the lettered answers:")
    for number, left in enumerate(lefts, 1):
        prompter.say(f"{number}. {terminal_safe(left)}", hang=len(str(number)) + 2)
    matched: list[str] = []
    while len(matched) < len(pairs):
        left = terminal_safe(lefts[len(matched)], keep_newlines=False)
        remaining = [(letter, item) for letter, item in rights if item not in matched]
        picked = prompter.match(f"{len(matched) + 1}. {left}{arrow}", remaining, back=bool(matched))
        if picked == BACK:
            undone = matched.pop()
            prompter.say(f"(took back: {terminal_safe(lefts[len(matched)])}{arrow} {terminal_safe(undone)})", "note")
        else:
            matched.append(picked)
    return matched


def multi_mistakes(ticked: list[str], content: dict) -> list[str]:
    """What a wrong select-all answer got wrong: the right options left out, and the wrong ones ticked."""
    right = content["answers"]
    missed = [option for option in content["options"] if option in right and option not in ticked]
    wrong = [option for option in content["options"] if option not in right and option in ticked]
    lines = [f"- missed: {terminal_safe('; '.join(missed))}"] if missed else []
    return lines + ([f"- ticked wrongly: {terminal_safe('; '.join(wrong))}"] if wrong else [])


def order_mistake(built: list[str], items: list[str], arrow: str = " → ") -> str:
    """Where a wrong order first went astray, and the right sequence."""
    position = next(n for n, (given, wanted) in enumerate(zip(built, items)) if given != wanted)
    return (f"- position {position + 1} should be {terminal_safe(items[position])}, not "
            f"{terminal_safe(built[position])}; right order: {terminal_safe(arrow.join(items))}")


def _can_encode(text: str) -> bool:
    try:
        text.encode(getattr(sys.stdout, "encoding", None) or "ascii")
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def status_line(position: int, total: int, counts: dict, section: str, cram: bool = False, width: int = 80) -> str:
    """`[3/12] 4 due · 5 new · 1 re-drill | Section title`, on one line of `width` columns when it fits;
    on a narrow terminal the section goes on a second line rather than being cut to nothing."""
    parts = [f"{counts['cram']} to cram"] if cram else [f"{counts['due']} due", f"{counts['new']} new"]
    parts.append(f"{counts['redrill']} re-drill")
    head = f"[{position}/{total}] {' · '.join(parts) if _can_encode('·') else ', '.join(parts)}"
    room = width - 1 - len(head) - 3
    if room >= min(len(section), 20):
        return f"{head} | {shorten(section, room)}"
    return f"{shorten(head, width - 1)}\n{shorten(section, width - 1)}"


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
    """Show one card, take its answer and grade, and save it (or take back the previous card).

    Quitting at the grade prompt of a checked card keeps that answer, under the grade Enter would have given."""
    say = prompter.say
    total = len(session.answered) + len(session.queue)
    prompter.new_screen()
    say(status_line(len(session.answered) + 1, total, session.counts(), section_title(step.card), session.cram,
                    prompter.width), "status")
    for note in prompter.take_notes():
        say(note, "note")
    if step.redrill:
        say("(re-drill: this card comes back until you grade it 4 or 5)", "note")
    shown = time.monotonic()
    right = present(step.card, prompter)
    default = answers.default_grade(right) if right is not None else answers.default_grade(True)  # never 5
    while True:
        try:
            grade = prompter.grade(default, answered=right is not None)
        except Quit:
            if right is None:
                raise
            grade = QUIT
        if grade != UNDO or session.answered:
            break
        say("Nothing to undo yet: this is the first card of the session.", "note")
    answer_ms = round((time.monotonic() - shown) * 1000)
    kept = default if grade == QUIT else grade

    def store():  # the store and the session's record of an answer change together, or neither does
        if grade == UNDO:
            note = undo(session.answered[-1].review_id)
            session.undo()
            return note
        session.record(kept, save(step, kept, answer_ms), answer_ms)
        return None

    unsaved = "the undo" if grade == UNDO else f"the answer to {card_name(step.card)} (grade {kept})"
    undo_note = stored_patiently(store, prompter, unsaved)
    if grade == QUIT:
        raise Quit
    if grade == UNDO:
        prompter.note_for_next_card(undo_note or "Undone: the previous card is back as it was.")


def card_name(card: dict) -> str:
    return terminal_safe(f"{card['deck']}:{card['card_id']}", keep_newlines=False)


RETRY_SECONDS = 1.0


def stored_patiently(store, prompter: Prompter, unsaved: str):
    """Run `store()` (one transaction) until it succeeds. While another program holds the collection's write
    lock (CollectionBusy: nothing written), the answer is kept here, the learner is told, and it is tried again
    every second. Ctrl-C stops waiting after one last try; if that fails too, one line says what was not saved."""
    from ..errors import CollectionBusy, CollectionError

    told = giving_up = False
    while True:
        final, saved = giving_up, []
        try:
            with _interrupt_deferred():
                try:
                    saved.append(store())
                except CollectionBusy:
                    pass
        except KeyboardInterrupt:  # held back during the try, delivered at its end
            giving_up = True
        if saved:
            if giving_up:
                raise KeyboardInterrupt  # saved: Ctrl-C still ends the session
            if told:
                prompter.say("Saved.", "note")
            return saved[0]
        if final:
            raise CollectionError(f"the collection is still busy (another program holds its write lock): {unsaved} "
                                  "was not saved; every earlier answer is saved")
        if not told:
            prompter.say("The collection is busy: another program (another mlsquiz: an import or a merge?) is "
                         "writing to it. Your answer is kept and saved as soon as it is free; Ctrl-C stops "
                         "waiting.", "note")
            told = True
        try:
            time.sleep(RETRY_SECONDS)
        except KeyboardInterrupt:
            giving_up = True


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
