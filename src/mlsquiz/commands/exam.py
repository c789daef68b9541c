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
        today = context.today(collection)
        deck = exam_deck(collection, args.deck, today)
        if args.action == "date":
            return set_date(collection, deck, args, context, today)
        figures = exam_figures(collection, deck, today, context.settings(collection),
                               retentions=getattr(args, "retention", None), practice=args.action == "readiness")
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
    if (day - today).days > MAX_EXAM_DAYS_AHEAD:  # plans and forecasts count days to it: 9999-12-31 overflowed them
        raise UsageError(f"{day.isoformat()} is more than 10 years away: give a date within {MAX_EXAM_DAYS_AHEAD} "
                         "days of today")
    return day


MAX_EXAM_DAYS_AHEAD = 3653  # ten years


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
    done = figures.get("introduced_today", 0)
    today = (f"done ({done} introduced today)" if not figures["new_today"] and done else
             f"{figures['new_today']}" + (f" more ({done} introduced already)" if done else ""))
    return (f"New cards today: {today} (new_per_day is {figures['new_per_day']}); "
            f"all {figures['new_remaining']} remaining new cards introduced by {figures['all_introduced_by']}.")


def exam_figures(collection, deck: str, today: datetime.date, settings: dict, *, brief: bool = False,
                 retentions: list[float] | None = None, practice: bool = False) -> dict:
    """See _exam_figures. The cyclic garbage collector is paused meanwhile (runtime/gc_pause.py): a large deck's
    forecast builds hundreds of thousands of small tuples, and the collector's passes over them cost more than the
    forecast."""
    from ..runtime.gc_pause import collector_paused

    with collector_paused():
        return _exam_figures(collection, deck, today, settings, brief=brief, retentions=retentions, practice=practice)


def _exam_figures(collection, deck: str, today: datetime.date, settings: dict, *, brief: bool = False,
                  retentions: list[float] | None = None, practice: bool = False) -> dict:
    """Everything `exam plan` and `exam readiness` print (and `--json` carries): pacing, expected reviews per day,
    the final window and the memory model's prediction for exam day; the predicted practice score beside the
    actual ones; with `retentions`, the kept plan's workload and recall for each desired retention."""
    from ..exam.outlook import workload
    from .exam_outlook import practice_figures
    from ..exam import forecast, kept, pacing
    from ..store import exam, readiness
    from ..store.memory import parameters_in_use

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
    factor, power = 0.9 ** (-1 / parameters[20]) - 1, -parameters[20]
    if brief:  # the stats block: recall if stopped only, in SQL; no kept plan, no expected reviews
        weakest, pool = _weakest(parameters, day, readiness.weakest_rows(collection, deck, day)), None
        ready = forecast.summary(readiness.stopped_sums(collection, deck, day, factor, power), weakest, today, day,
                                 order)
    else:
        from ..scheduling.memory import review_outcomes
        from ..store.connection import read_soon
        from ..store.memory import recent_histories

        def meanwhile() -> list:  # while a large deck's cards are read in two parts
            import tabulate  # noqa: F401 - terminal/render.table's

            return review_outcomes(parameters, recent_histories(collection.conn, deck))

        columns, outcomes = readiness.forecast_columns_in_two(collection, deck, meanwhile)
        cards = kept.Deck(*columns)
        # the weakest cards and the practice pool are read in a thread while the kept plan is worked out, started
        # once the deck is read (a thread reading meanwhile would slow the read down twice over)
        rows = read_soon(collection, lambda reader: (
            readiness.weakest_rows(reader, deck, day),
            readiness.practice_pool_recall(reader, deck, today, factor, power) if practice else None), "exam-rows")
        ready, shift, queue = _kept_readiness(cards, parameters, today, day, final_days, new_days, order, settings,
                                              outcomes)
        weakest_rows, pool = rows()
        ready["weakest_cards"] = _weakest(parameters, day, weakest_rows)
    names = readiness.card_names(collection, [c["key"] for c in ready["weakest_cards"]])
    for card in ready["weakest_cards"]:
        card["id"], card["prompt"] = names[card.pop("key")]
    for section in ready["sections"]:
        section["title"] = titles.get(section["section"], section["section"])
    reviews = []
    if status != "past" and not brief:
        due = forecast.due_by_day(cards.due, today, day + pacing.DAY)  # store.stats.due_by_day over the column
        from .exam_queue import window_today

        in_window = status == "window"
        reviews = forecast.expected_reviews(today, day, final_days, due, new_days, ready["cards"],
                                            exam.shown_since(collection, deck, start) if in_window else 0,
                                            window_today(collection, deck, today, settings) if in_window else None)
    return {
        "deck": deck, "study_day": today.isoformat(), "exam_day": day.isoformat(), "days_left": (day - today).days,
        "status": status, "final_days": final_days, "window_start": start.isoformat(),
        "new_per_day": settings["new_per_day"], "new_remaining": remaining,
        "new_today": new_days[0][1] if new_days and new_days[0][0] == today else 0,
        "introduced_today": introduced,
        "all_introduced_by": new_days[-1][0].isoformat() if new_days else None,
        "new_cards": [{"date": d.isoformat(), "new": n} for d, n in new_days],
        "reviews": reviews,
        "readiness": ready,
        **({"practice": practice_figures(collection, deck, today, pool)} if practice else {}),
        **({"retention": workload(parameters, queue, today, day, new_days, retentions, shift)
            if status != "past" else [], "desired_retention": settings["desired_retention"],
            "scheduler": settings["scheduler"]} if retentions and not brief else {}),
    }



def _kept_readiness(cards, parameters, today, day, final_days: int, new_days: list, order: list, settings: dict,
                    outcomes: list) -> tuple:
    """forecast.deck_readiness over the deck's cards (kept.Deck), the success chances moved by the learner's own
    record (`outcomes`: (predicted, recalled) of their recent reviews); the shift and the window's queue too, for
    the workload by retention."""
    from ..exam import forecast, kept, pacing
    from ..runtime.lifetime import keep_until_exit

    stopped = forecast.stopped_column(parameters, cards, day)
    queue = kept.window_queue(parameters, cards, today.toordinal(), day.toordinal(),
                              pacing.window_start(day, final_days).toordinal(), new_days) if today <= day else None
    shift = forecast.recall_shift(outcomes)
    ready = forecast.deck_readiness(parameters, cards, stopped, [], today, day, final_days, new_days, order,
                                    settings["desired_retention"], shift, queue)  # the weakest cards: the caller's
    keep_until_exit(cards, stopped, queue)  # hundreds of thousands of numbers: the process's end frees them free
    ready["record"] = {"reviews": len(outcomes),
                       "predicted": round(sum(p for p, _ in outcomes) / len(outcomes), 4) if outcomes else None,
                       "recalled": round(sum(y for _, y in outcomes) / len(outcomes), 4) if outcomes else None}
    return ready, shift, queue


def _weakest(parameters, day: datetime.date, rows: list) -> list[dict]:
    from ..scheduling.memory import recall

    return [{"key": r[0], "section": r[1], "recall": recall(parameters, r[2], (day - _date(r[3])).days)} for r in rows]


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
    if "retention" in f:
        from .exam_outlook import retention_lines

        out += ["", *retention_lines(f)]
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
        low, high = r["if_plan_kept_range"]
        out += _wrap(f"  if the plan is kept:  {percent(r['if_plan_kept'])} (10th-90th percentile {percent(low)} to "
                     f"{percent(high)} of the cards)", 24)
        out += _wrap(f"  {_record_sentence(r.get('record'))} Assumes: {r['plan_assumes']}.", 4)
    rows = [[shorten(s["title"], 36), s["cards"], s["seen"], percent(s["if_stopped"]), percent(s["if_plan_kept"])]
            for s in r["sections"]]
    out += ["", table(rows, ["section", "cards", "seen", "if stopped", "plan kept"])]
    if with_cards:
        out += ["", f"Never seen: {r['never_seen']} card{'' if r['never_seen'] == 1 else 's'}"]
        if r["weakest_cards"]:
            out.append("Weakest cards (lowest predicted recall on exam day):")
            out += [f"  {percent(c['recall']):>4}  {c['id']}: {shorten(c['prompt'], 60)}" for c in r["weakest_cards"]]
    return out


def _record_sentence(record: dict | None) -> str:
    if not record or not record["reviews"]:
        return "No past reviews to check the model against yet: its recall is taken as is."
    return (f"Your {record['reviews']} reviews of the cards studied most recently: recalled {percent(record['recalled'])} where the model "
            f"predicted {percent(record['predicted'])}; the chances are moved toward your record.")


def section_lines(r: dict, sections: list[dict], new_cards: list[dict] | None = None) -> list[str]:
    """Weakest sections (lowest predicted recall of the cards seen) and, apart, the sections not started."""
    titles = {s["section"]: s["title"] for s in sections}
    weakest = [f"{titles[k]} ({percent(next(s for s in sections if s['section'] == k)['if_stopped_seen'])})"
               for k in r["weakest_sections"]]
    out = _wrap("Weakest sections (lowest predicted recall of the cards seen): " + ("; ".join(weakest) or "none yet"))
    if r.get("not_started"):
        starts = f" (new cards continue until {new_cards[-1]['date']}, in deck order)" if new_cards else ""
        out += _wrap("Not started: " + "; ".join(titles[k] for k in r["not_started"]) + starts)
    return out


def render_readiness(f: dict) -> str:
    out = [f"Exam readiness for {f['deck']}: exam on {f['exam_day']} ({_days(f)})"]
    if f["status"] == "past":
        out.append("The exam date has passed: the deck is back to normal scheduling.")
    from .exam_outlook import practice_lines

    return "\n".join(out + ["", *readiness_lines(f["readiness"]), "",
                            *section_lines(f["readiness"], f["readiness"]["sections"], f["new_cards"]), "",
                            *practice_lines(f["practice"])])


def _wrap(text: str, indent: int = 4) -> list[str]:
    """A line of ours, wrapped to 79 columns (the commands fit 80)."""
    return textwrap.wrap(text, 79, subsequent_indent=" " * indent, drop_whitespace=True) or [""]


def stats_figures(collection, deck_id: str | None, today: datetime.date, settings: dict) -> dict | None:
    """For `stats`: the exam date and readiness of the deck it means, and the trend of practice scores; None when
    there is neither an exam date nor a practice attempt."""
    from ..store.exam import default_deck, exam_day
    from ..store.practice import attempt_history

    deck = deck_id or default_deck(collection, today)
    attempts = attempt_history(collection, deck_id)
    titles = {deck_id: _sections(collection, deck_id)[0] for deck_id in {a["deck"] for a in attempts}}
    for a in attempts:  # per-section scores under the titles a learner reads
        a["sections"] = {titles[a["deck"]].get(s, s): score for s, score in a["sections"].items()}
        del a["id"]
    if deck is None or exam_day(collection, deck) is None:
        return {"practice": attempts} if attempts else None
    r = exam_figures(collection, deck, today, settings, brief=True)
    ready = r["readiness"]
    return {"deck": deck, "exam_day": r["exam_day"], "days_left": r["days_left"], "status": r["status"],
            "if_stopped": ready["if_stopped"],
            "never_seen": ready["never_seen"],
            "weakest_sections": [next(s["title"] for s in ready["sections"] if s["section"] == k)
                                 for k in ready["weakest_sections"]],
            "not_started": [s["title"] for s in ready["sections"] if s["section"] in ready["not_started"]],
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
            out += textwrap.wrap("weakest sections (cards seen): " + ("; ".join(figures["weakest_sections"]) or
                                 "none yet") + " (see 'mlsquiz exam readiness')", 79, initial_indent="  ",
                                 subsequent_indent="    ")
            if figures["not_started"]:
                out += textwrap.wrap("not started: " + "; ".join(figures["not_started"]), 79, initial_indent="  ",
                                     subsequent_indent="    ")
    if figures["practice"]:
        from ..exam.history import history_lines

        out += history_lines(figures["practice"], figures.get("section_titles", {}))
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
