"""`mlsquiz exam practice`: draw the questions, run the timed sitting, store every answer as it is given (kind
'exam': the schedule never changes), then score it on the exam's scale and list what was missed."""

import datetime
import json
import sys

from ..errors import MlsquizError, NotATerminalError, UsageError


def run_practice(args, context) -> int:
    from ..store import practice as attempts
    from .exam_deck import exam_deck

    terminal = sys.stdin.isatty() and sys.stdout.isatty()
    early: dict = {}

    def count_early(collection) -> None:
        # the pool's one scan starts in a thread (store.practice.pool_counts_soon) as soon as the collection is
        # open, while the shipped decks are checked and the modules below load
        # (the deck is checked below, after the collection's own notes: a deck that is not there counts nothing)
        if terminal and not getattr(args, "resume", False):
            from ..store.exam import default_deck

            deck = args.deck or default_deck(collection, context.today(collection))
            if deck is not None:
                early[deck] = (collection.conn.total_changes, attempts.pool_counts_soon(collection, deck))

    collection = context.open_collection(before_sync=count_early)
    try:
        deck = exam_deck(collection, args.deck, context.today(collection))
        changes, pool_later = early.get(deck, (None, None))
        if pool_later is not None and collection.conn.total_changes != changes:
            pool_later()  # the sync wrote (a shipped deck changed under the scan): count again
            pool_later = attempts.pool_counts_soon(collection, deck)
        import random

        from .. import clock
        from ..exam import practice
        from ..store.decks import deck_meta
        from ..terminal import keypad, prompter  # noqa: F401 - the start screen's, loaded during the scan
        from .quiz import card_dict, section_titles

        meta = deck_meta(collection, deck)
        facts = practice.ExamFacts.from_meta(meta)
        if not terminal:
            _check_options(collection, deck, facts, args)  # bad options are usage errors even without a terminal
            raise NotATerminalError("exam practice needs a terminal: run it in one")
        earlier = attempts.resumable_attempt(collection, deck)
        if getattr(args, "resume", False) and earlier is None:
            raise UsageError(f"{deck} has no unfinished practice exam to resume")
        if earlier is not None and (getattr(args, "resume", False) or _ask_resume(earlier)):
            rows = attempts.attempt_questions(collection, earlier["id"])
            questions = [card_dict(row) for row in rows]
            given = {row["asked_at"]: (json.loads(row["answer"]), bool(row["answered_right"])) for row in rows
                     if row["answer"] is not None}
            flagged = {row["asked_at"] for row in rows if row["flagged"]}
            attempts.reopen_attempt(collection, earlier["id"])
            attempt, minutes, used = earlier["id"], earlier["seconds_allowed"] / 60, earlier["used"]
        else:
            for row in attempts.abandon_running(collection, deck):
                show(f"An earlier practice exam (started {row['started_at']}) was not finished; its "
                      f"{row['answered']} answers are kept, and it is marked unfinished.")
            (counts, span), count, minutes = _check_options(collection, deck, facts, args,
                                                            pool_later() if pool_later else None)
            rng = random.Random(args.seed)
            drawn = practice.draw_walk(counts, count, _section_weights(collection, deck), rng,
                                       attempts.random_walk(collection, deck, span, rng),
                                       recent=attempts.recent_questions(collection, deck),
                                       prefer_unseen=getattr(args, "unseen", False))
            questions = [card_dict(row) for row in attempts.cards_by_id(collection, [c["id"] for c in drawn])]
            if not _start(meta, facts, questions, minutes):
                show("Practice exam not started.")
                return 0
            attempt = attempts.start_attempt(collection, deck, clock.utc_timestamp(context.now),
                                             context.today(collection), round(minutes * 60),
                                             [(q["id"], q["section"]) for q in questions])
            given, flagged, used = {}, set(), 0
        titles = section_titles(collection)
        order = [s for d, s in titles if d == deck]
        outcome, seconds_used, sitting = _sit(collection, context, attempt, questions, minutes, titles,
                                              given, flagged, used)
        result = practice.score([(q["section"], sitting.answers[p][1] if p in sitting.answers else None)
                                 for p, q in enumerate(questions)], facts, order)
        attempts.finish_attempt(collection, attempt, outcome, seconds_used, result)
        print_result(outcome, result, facts, seconds_used, minutes, questions, sitting, titles, collection, deck)
        show_history(collection, deck, titles)
        missed = [q["id"] for p, q in enumerate(questions) if not (p in sitting.answers and sitting.answers[p][1])]
        if outcome != "unfinished" and missed and (args.requeue or _ask_requeue(len(missed))):
            attempts.requeue(collection, missed, context.today(collection) + datetime.timedelta(days=1))
            show(f"{len(missed)} missed card{'' if len(missed) == 1 else 's'} sent to tomorrow's quiz.")
    finally:
        collection.close()
    return 0


def _check_options(collection, deck: str, facts, args, pool=None) -> tuple[tuple, int, float]:
    """The deck's auto-checked cards per section and its card id range (`store.practice.pool_counts`), the
    number of questions and the minutes allowed; UsageError when asked for more questions than there are cards."""
    from ..store import practice as attempts

    pool = pool or attempts.pool_counts(collection, deck)
    available = sum(pool[0].values())
    if not available:
        raise MlsquizError(f"{deck} has no auto-checked cards ({', '.join(attempts.AUTO_CHECKED)}) for a "
                           "practice exam")
    count = args.questions or min(facts.questions, available)
    if count > available:
        raise UsageError(f"--questions {count} is more than the {available} auto-checked cards of {deck}")
    return pool, count, args.minutes or facts.minutes_for(count)


def start_lines(meta: dict, facts, questions: list[dict], minutes: float) -> list[str]:
    """The start screen's text: the format, the real exam's unscored questions, how time counts, the keys."""
    from ..exam.practice import studied_count

    exam = (meta or {}).get("exam") or {}
    name = " ".join(part for part in (exam.get("code"), exam.get("name") and f"({exam['name']})") if part)
    lines = [f"Practice exam{': ' + name if name else ''}. {len(questions)} questions, {minutes_text(minutes * 60)}"
             f", pass mark {facts.pass_mark} on {facts.score_min}-{facts.score_max}."]
    if facts.unscored:
        lines.append(f"The real exam has {facts.unscored} unscored questions among its {facts.questions}, not "
                     "marked as such; here every question counts.")
    studied = studied_count(questions)
    lines.append(f"{studied} of the {len(questions)} questions are cards you have already studied.")
    lines.append("Keys: Ctrl-F flags a question, Ctrl-N leaves it for later, Ctrl-Q or Esc ends the attempt (you "
                 "are asked first; it stays resumable). Letters only ever filter the options or fill in an "
                 "answer. After the last question, a review screen lists every question to reopen before you "
                 "submit.")
    lines.append("Time: the clock runs while the attempt is open and stops when it is ended or the terminal is "
                 "closed; `mlsquiz exam practice --resume` goes on with the time that was left.")
    return lines


def _start(meta: dict, facts, questions: list[dict], minutes: float) -> bool:
    """The start screen: the format and keys, and a choice to start (the clock starts then). It is drawn and read
    without prompt_toolkit (terminal/keypad), so it shows at once; questionary and the sitting load meanwhile."""
    from ..runtime.preload import import_soon
    from ..terminal import keypad
    from ..terminal.prompter import Prompter
    from ..terminal.render import terminal_safe

    prompter = Prompter(clear=True)
    prompter.new_screen()
    for line in start_lines(meta, facts, questions, minutes):
        prompter.say(terminal_safe(line))  # the exam's code and name are deck text
        prompter.say()
    loading = []  # started once the menu is drawn: a thread importing meanwhile would delay drawing it
    started = keypad.choose("Ready?", [("Start the exam (the clock starts now)", True), ("Not now", False)],
                            "(arrows, Enter; Esc leaves)", False, colour=prompter.colour,
                            drawn=lambda: loading.append(import_soon("questionary", "mlsquiz.exam.sitting")))
    for loaded in loading:
        loaded()
    return started


def _ask_resume(earlier) -> bool:
    import questionary
    from questionary import Choice

    from ..terminal.prompter import Prompter, Quit
    from ..terminal.render import terminal_safe

    left = max(0, earlier["seconds_allowed"] - earlier["used"])
    prompter = Prompter()
    prompter.say(terminal_safe(f"The practice exam started {earlier['started_at'][:16].replace('T', ' ')} UTC is unfinished: "
                 f"{earlier['answered']} of {earlier['questions']} answered, {minutes_text(left)} left."))
    try:
        return bool(prompter._ask(questionary.select(
            "Resume it?", choices=[Choice("Resume it", value=True),
                                   Choice("Start a new one (that one stays unfinished)", value=False)],
            qmark="?", use_jk_keys=False, instruction="(arrows, Enter)")))
    except Quit:
        raise SystemExit(0) from None


def _section_weights(collection, deck: str) -> dict | None:
    """The deck's section weights when it declares any (`weight` in [[sections]]), else None (card counts)."""
    from ..store.decks import deck_row

    sections = json.loads(deck_row(collection, deck)["sections"] or "[]")
    weights = {s["id"]: s["weight"] for s in sections if isinstance(s.get("weight"), (int, float))}
    return weights or None


def _sit(collection, context, attempt: int, questions: list[dict], minutes: float, titles: dict, given: dict,
         flagged: set, used_before: int):
    """Run the sitting with `used_before` seconds already spent (a resumed attempt); every answer and flag is
    stored at once, with the time used so far."""
    import time

    from .. import clock
    from ..exam.sitting import Sitting
    from ..terminal.prompter import Prompter
    from ..store import practice as attempts

    today = context.today(collection)
    origin = time.monotonic()
    allowed = round(minutes * 60)

    def used() -> int:
        return min(used_before + round(time.monotonic() - origin), allowed)

    def save(position: int, card: dict, answer, right: bool, answer_ms: int) -> None:
        moment = context.now + datetime.timedelta(seconds=time.monotonic() - origin)
        attempts.save_practice_answer(collection, attempt, position, card["id"], answer, right,
                                      clock.utc_timestamp(moment), today, answer_ms)
        attempts.record_time(collection, attempt, used())

    def flag(position: int, on: bool) -> None:
        attempts.set_flag(collection, attempt, position, on)
        attempts.record_time(collection, attempt, used())

    sitting = Sitting(questions, Prompter(clear=True), origin + allowed - used_before, save, flag,
                      lambda card: titles.get((card["deck"], card["section"]), card["section"]),
                      answers=given, flagged=flagged)
    start = next((p for p in range(len(questions)) if p not in given), len(questions))
    outcome = sitting.run(start)
    return outcome, used(), sitting


def _ask_requeue(missed: int) -> bool:
    import questionary

    from ..terminal.prompter import Quit, Prompter

    try:
        return bool(Prompter()._ask(questionary.confirm(
            f"Send the {missed} missed card{'' if missed == 1 else 's'} to tomorrow's quiz?", default=False,
            qmark="?")))
    except Quit:
        return False


def minutes_text(seconds: float) -> str:
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes}m {rest:02d}s"


def print_result(outcome: str, result, facts, seconds_used: int, minutes: float, questions, sitting, titles,
                 collection, deck: str) -> None:
    import shutil
    import textwrap

    from ..deckfile.model import answer_text
    from ..exam.practice import studied_count
    from ..terminal.render import table, terminal_safe
    from .exam_deck import retired_note

    width = max(shutil.get_terminal_size().columns, 40) - 1

    def fill(text: str, hang: int = 0) -> str:  # at word boundaries only: never "31 March 2" / "026"
        return textwrap.fill(text, width=width, subsequent_indent=" " * hang, break_on_hyphens=False,
                             break_long_words=False)

    show()
    ended = {"submitted": "submitted", "timed_out": "time ran out: submitted as it stood",
             "unfinished": "left unfinished (the answers given are kept; `mlsquiz exam practice --resume` goes "
                           "on with it)"}[outcome]
    show(fill(f"Practice exam {ended}."))
    for line in retired_note(collection, deck)[:1]:
        show(fill(line + " This rehearses its historical format."))
    verdict = "PASS" if result.passed else "FAIL"
    if outcome == "unfinished":
        verdict = "not scored as a sitting"
    show(fill(
        f"Score: {result.scaled} on {facts.score_min}-{facts.score_max} (pass mark {facts.pass_mark}): {verdict}"
        f" - {result.right} of {result.questions} right, {result.answered} answered, time used "
        f"{minutes_text(seconds_used)} of {minutes_text(minutes * 60)}", 2))
    show(fill("(the share right mapped linearly onto the scale; AWS's own scaling is not public)"))
    studied = studied_count(questions)
    show(fill(f"{studied} of the {len(questions)} questions were cards you had already studied"
               + (" (--unseen prefers the others)." if studied else ".")))
    room = max(width - 26, 12)  # the other three columns and the gaps take 26; a long title wraps in its cell
    rows = [["\n".join(textwrap.wrap(terminal_safe(str(titles.get((deck, s["section"]), s["section"])),
                                                   keep_newlines=False), room, break_on_hyphens=False)) or "-",
             s["questions"], s["right"], s["scaled"]] for s in result.sections]
    show(table(rows, ["section", "questions", "right", "scaled"]), wrap=False)
    # unfinished: only the questions answered wrongly (the rest were never reached)
    missed = [(p, q) for p, q in enumerate(questions) if not (p in sitting.answers and sitting.answers[p][1])
              and (outcome != "unfinished" or p in sitting.answers)]
    if missed:
        show("\nMissed questions:")
    from ..exam.sitting import shown_answer

    for p, q in missed:
        given = shown_answer(sitting.answers[p][0], q) if p in sitting.answers else "(unanswered)"
        for label, text in ((f"{p + 1}.", q["prompt"]), ("   your answer:", given),
                            ("   right answer:", answer_text(q["type"], q["content"])),
                            ("   why:", q["content"]["explanation"])):
            show(fill(f"{label} {terminal_safe(text, keep_newlines=False)}", 6))


def show_history(collection, deck: str, titles: dict) -> None:
    """The attempts so far on this deck and the per-section scores of the last three (issue 26)."""
    from ..exam.history import history_lines
    from ..store.practice import attempt_history

    lines = history_lines(attempt_history(collection, deck), {s: title for (d, s), title in titles.items() if d == deck})
    if lines:
        show("\n" + "\n".join(lines))


def show(text: str = "", *, wrap: bool = True) -> None:
    """The one way this command prints its own lines (the earlier-attempt note, the result, its table, the missed
    questions): through terminal/render.terminal_safe. Its stdout is not behind output.SafeStream (prompt_toolkit
    draws the sitting there), so any deck text (section titles, exam name, prompts) is neutralised here; a test
    (tests/test_exam_output_safe.py) fails on a bare print in this module."""
    import shutil
    import textwrap

    from ..terminal.render import terminal_safe

    width = max(shutil.get_terminal_size().columns, 40) - 1
    lines = []
    for line in terminal_safe(text).split("\n"):  # at word boundaries only, never mid-word (issue 26)
        indent = " " * min(len(line) - len(line.lstrip(" ")), width // 2)
        lines += (textwrap.wrap(line, width, subsequent_indent=indent, break_on_hyphens=False,
                                break_long_words=False) or [""]) if wrap and len(line) > width else [line]
    print("\n".join(lines), flush=True)
