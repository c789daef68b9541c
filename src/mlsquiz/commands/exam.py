"""`mlsquiz exam date|plan|readiness|practice`: an exam date that paces the deck, the plan to it, what the memory
model predicts for exam day, and a timed practice exam (see exam_practice.py)."""

import datetime
import json
import textwrap

from ..errors import MlsquizError, UsageError
from .exam_deck import exam_deck, retired_note


def run(args, context) -> int:
    if args.action == "practice":
        from .exam_practice import run_practice

        return run_practice(args, context)
    collection = context.open_collection()
    try:
        deck = exam_deck(collection, args.deck)
        today = context.today(collection)
        if args.action == "date":
            return set_date(collection, deck, args, context, today)
        figures = exam_figures(collection, deck, today, context.settings(collection))
    finally:
        collection.close()
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        print(render_plan(figures) if args.action == "plan" else render_readiness(figures))
    return 0


def parse_exam_day(text: str, today: datetime.date) -> datetime.date:
    try:
        day = datetime.date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"cannot read {text!r} as a date: write it as YYYY-MM-DD, e.g. 2027-02-15") from None
    if day < today:
        raise UsageError(f"{day.isoformat()} is in the past (today is {today.isoformat()}): give a date from today on")
    return day


def set_date(collection, deck: str, args, context, today: datetime.date) -> int:
    from .. import clock
    from ..exam.pacing import days_until
    from ..store import exam

    if args.clear and args.day:
        raise UsageError("give a date or --clear, not both")
    if args.clear:
        print(f"Exam date of {deck} cleared." if exam.clear_exam_day(collection, deck)
              else f"{deck} has no exam date; nothing changed.")
        return 0
    if args.day is None:
        day = exam.exam_day(collection, deck)
        print(f"{deck}: exam on {day.isoformat()} ({days_until(today, day)})" if day else
              f"{deck} has no exam date (set one: mlsquiz exam date YYYY-MM-DD)")
        return 0
    day = parse_exam_day(args.day, today)
    exam.set_exam_day(collection, deck, day, clock.utc_timestamp(context.now))
    figures = exam_figures(collection, deck, today, context.settings(collection))
    print(f"{deck}: exam on {day.isoformat()} ({days_until(today, day)}). {pacing_sentence(figures)}")
    for line in retired_note(collection, deck):
        print(line)
    return 0


def pacing_sentence(figures: dict) -> str:
    if figures["status"] == "past":
        return "The exam date has passed: the deck is back to normal scheduling."
    if figures["new_remaining"] == 0:
        return "Every card has been introduced."
    return (f"New cards today: {figures['new_today']} (new_per_day is {figures['new_per_day']}); "
            f"all {figures['new_remaining']} remaining new cards introduced by {figures['all_introduced_by']}.")


def exam_figures(collection, deck: str, today: datetime.date, settings: dict, *, brief: bool = False) -> dict:
    """Everything `exam plan` and `exam readiness` print (and `--json` carries): pacing, expected reviews per day,
    the final window and the memory model's prediction for exam day."""
    from ..exam import forecast, pacing
    from ..scheduling.memory import recall
    from ..store import exam, readiness
    from ..store.memory import parameters_in_use
    from ..store.stats import due_by_day

    day = exam.exam_day(collection, deck)
    if day is None:
        raise MlsquizError(f"{deck} has no exam date: set one with 'mlsquiz exam date YYYY-MM-DD'")
    final_days = settings["exam_final_days"]
    start = pacing.window_start(day, final_days)
    status = "past" if today > day else ("window" if today >= start else "ahead")
    remaining = exam.new_remaining(collection, deck)
    introduced = exam.introduced_on(collection, deck, today)
    new_days = pacing.introductions(today, day, final_days, remaining, introduced) if status != "past" else []
    parameters, _ = parameters_in_use(collection.conn)
    titles, order = _sections(collection, deck)
    # `brief` (the stats block): recall if stopped only; the kept plan and the expected reviews are left out
    sums = readiness.readiness_sums(collection, deck, today, day, start, new_days, forecast.kept_constants(parameters),
                               with_plan=not brief)
    weakest = [{"key": r[0], "section": r[1], "recall": recall(parameters, r[2], (day - _date(r[3])).days)}
               for r in readiness.weakest_rows(collection, deck, day)]
    ready = forecast.summary(sums, weakest, today, day, order)
    names = readiness.card_names(collection, [c["key"] for c in ready["weakest_cards"]])
    for card in ready["weakest_cards"]:
        card["id"], card["prompt"] = names[card.pop("key")]
    for section in ready["sections"]:
        section["title"] = titles.get(section["section"], section["section"])
    reviews = []
    if status != "past" and not brief:
        due = {datetime.date.fromisoformat(d): n for d, n in due_by_day(collection, today, (day - today).days + 1, deck)}
        reviews = forecast.expected_reviews(today, day, final_days, due, new_days, ready["cards"],
                                            exam.shown_since(collection, deck, start) if status == "window" else 0)
    return {
        "deck": deck, "study_day": today.isoformat(), "exam_day": day.isoformat(), "days_left": (day - today).days,
        "status": status, "final_days": final_days, "window_start": start.isoformat(),
        "new_per_day": settings["new_per_day"], "new_remaining": remaining,
        "new_today": new_days[0][1] if new_days and new_days[0][0] == today else 0,
        "all_introduced_by": new_days[-1][0].isoformat() if new_days else None,
        "new_cards": [{"date": d.isoformat(), "new": n} for d, n in new_days],
        "reviews": reviews,
        "readiness": ready,
    }


def _date(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def _sections(collection, deck: str) -> tuple[dict, list]:
    from ..store.decks import deck_row

    sections = json.loads(deck_row(collection, deck)["sections"] or "[]")
    return {s["id"]: s.get("title", s["id"]) for s in sections}, [s["id"] for s in sections]


def percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


def render_plan(f: dict) -> str:
    from ..terminal.charts import bar_chart

    out = [f"Exam plan for {f['deck']}: exam on {f['exam_day']} ({_days(f)})"]
    if f["status"] == "past":
        return "\n".join(out + ["The exam date has passed: the deck is back to normal scheduling."])
    out += _wrap(f"  {pacing_sentence(f)}")
    if f["new_cards"]:
        rates = sorted(e["new"] for e in f["new_cards"])
        spread = str(rates[0]) if rates[0] == rates[-1] else f"{rates[0]} to {rates[-1]}"
        out += _wrap(f"  pace: {spread} new cards a day until {f['all_introduced_by']} (a skipped day raises the "
                     "rest)")
    out += _wrap(f"  final-review window: {f['window_start']} to {f['exam_day']} ({f['final_days']} days before "
                 "the exam): every card not reviewed there is shown once more, most forgotten first")
    rows, label = _weekly(f["reviews"]) if len(f["reviews"]) > 31 else (
        [(datetime.date.fromisoformat(e["date"]).strftime("%a %m-%d"), e["reviews"] + e["new"])
         for e in f["reviews"]], "day")
    out += ["", f"Expected cards per {label} if the plan is kept (reviews + new)", bar_chart(rows, width=50)]
    out += ["", *readiness_lines(f["readiness"], with_cards=False)]
    return "\n".join(out)


def _weekly(reviews: list[dict]) -> tuple[list, str]:
    weeks: dict = {}
    for e in reviews:
        day = datetime.date.fromisoformat(e["date"])
        key = (day - datetime.timedelta(days=day.weekday())).strftime("wk %m-%d")
        weeks[key] = weeks.get(key, 0) + e["reviews"] + e["new"]
    return list(weeks.items()), "week (from Monday)"


def _days(f: dict) -> str:
    from ..exam.pacing import days_until

    return days_until(datetime.date.fromisoformat(f["study_day"]), datetime.date.fromisoformat(f["exam_day"]))


def readiness_lines(r: dict, with_cards: bool = True) -> list[str]:
    """The prediction, worded as one: the memory model's recall on exam day, not a score."""
    from ..terminal.render import shorten, table

    out = _wrap(f"Predicted recall on exam day ({r['exam_day']}), from the FSRS memory model (a prediction, not a "
                "score):", 2)
    out += _wrap(f"  if you stop today:    {percent(r['if_stopped'])} of all {r['cards']} cards "
                 f"({percent(r['if_stopped_seen'])} of the cards seen; never-seen cards count as forgotten)", 24)
    if r["if_plan_kept"] is not None:
        out += _wrap(f"  if the plan is kept:  {percent(r['if_plan_kept'])} (every review assumed answered right)", 24)
    rows = [[shorten(s["title"], 36), s["cards"], s["seen"], percent(s["if_stopped"]), percent(s["if_plan_kept"])]
            for s in r["sections"]]
    out += ["", table(rows, ["section", "cards", "seen", "if stopped", "plan kept"])]
    if with_cards:
        out += ["", f"Never seen: {r['never_seen']} card{'' if r['never_seen'] == 1 else 's'}"]
        if r["weakest_cards"]:
            out.append("Weakest cards (lowest predicted recall on exam day):")
            out += [f"  {percent(c['recall']):>4}  {c['id']}: {shorten(c['prompt'], 60)}" for c in r["weakest_cards"]]
    return out


def render_readiness(f: dict) -> str:
    out = [f"Exam readiness for {f['deck']}: exam on {f['exam_day']} ({_days(f)})"]
    if f["status"] == "past":
        out.append("The exam date has passed: the deck is back to normal scheduling.")
    weakest = [s["title"] for s in f["readiness"]["sections"] if s["section"] in f["readiness"]["weakest_sections"]]
    return "\n".join(out + ["", *readiness_lines(f["readiness"]), "", *_wrap("Weakest sections: " + "; ".join(weakest))])


def _wrap(text: str, indent: int = 4) -> list[str]:
    """A line of ours, wrapped to 79 columns (the commands fit 80)."""
    return textwrap.wrap(text, 79, subsequent_indent=" " * indent, drop_whitespace=True) or [""]


def stats_figures(collection, deck_id: str | None, today: datetime.date, settings: dict) -> dict | None:
    """For `stats`: the exam date and readiness of the deck it means, and the trend of practice scores; None when
    there is neither an exam date nor a practice attempt."""
    from ..store.exam import default_deck, exam_day
    from ..store.practice import attempt_rows

    deck = deck_id or default_deck(collection)
    attempts = [{"date": r["study_day"], "deck": r["deck"], "status": r["status"], "questions": r["questions"],
                 "right": r["right"], "scaled": r["scaled"], "passed": bool(r["passed"])}
                for r in attempt_rows(collection, deck_id)]
    if deck is None or exam_day(collection, deck) is None:
        return {"practice": attempts} if attempts else None
    r = exam_figures(collection, deck, today, settings, brief=True)
    ready = r["readiness"]
    return {"deck": deck, "exam_day": r["exam_day"], "days_left": r["days_left"], "status": r["status"],
            "if_stopped": ready["if_stopped"],
            "never_seen": ready["never_seen"],
            "weakest_sections": [s["title"] for s in ready["sections"] if s["section"] in ready["weakest_sections"]],
            "practice": attempts}


def stats_lines(figures: dict | None) -> list[str]:
    if not figures:
        return []
    out = [""]
    if "exam_day" in figures:
        out.append(f"Exam: {figures['deck']} on {figures['exam_day']} ({_days({'study_day': _today(figures), **figures})})")
        if figures["status"] != "past":
            out.append("  predicted recall on exam day (a memory-model prediction, not a score):")
            out += textwrap.wrap(f"{percent(figures['if_stopped'])} if you stop today (with the plan kept: see "
                                 f"'mlsquiz exam plan'); "
                                 f"{figures['never_seen']} cards never seen", 79, initial_indent="    ",
                                 subsequent_indent="    ")
            out += textwrap.wrap("weakest sections: " + "; ".join(figures["weakest_sections"]) +
                                 " (see 'mlsquiz exam readiness')", 79, initial_indent="  ", subsequent_indent="    ")
    if figures["practice"]:
        trend = ", ".join(f"{a['date'][5:]} {a['scaled']}" + ("" if a["status"] != "unfinished" else " (unfinished)")
                          for a in figures["practice"])
        out += textwrap.wrap(f"Practice exams (scaled scores, oldest first): {trend}", 79, subsequent_indent="  ")
    return out


def _today(figures: dict) -> str:
    return (datetime.date.fromisoformat(figures["exam_day"]) - datetime.timedelta(days=figures["days_left"])).isoformat()


def exam_date_line(collection, deck: str, today: datetime.date) -> str | None:
    """`Your exam date: 2027-02-15 (exam in 78 days)` for `roadmap` and the quiz summary; None without one."""
    from ..exam.pacing import days_until
    from ..store.exam import exam_day

    day = exam_day(collection, deck)
    if day is None:
        return None
    past = " - past: back to normal scheduling" if day < today else ""
    return f"Your exam date: {day.isoformat()} ({days_until(today, day)}){past}"
