"""`mlsquiz stats`: today, card states, forecast, history, retention, streaks, ease, hardest cards, mastery."""

import datetime
import json

from ..study import stats
from ..store import stats as queries
from ..store.manage import leech_rows
from ..store.summary import studied_on_day
from .due import due_figures

HISTORY_DAYS = 30
CALENDAR_DAYS = 7 * 53  # the heatmap's 52 weeks and the current one


def section_titles(collection, deck_id: str | None) -> tuple[dict, list]:
    """Titles of every declared section, and the declared (deck, section) order."""
    titles, order = {}, []
    for deck in queries.decks_with_sections(collection, deck_id):
        for section in json.loads(deck["sections"] or "[]"):
            titles[(deck["id"], section["id"])] = section.get("title", section["id"])
            order.append((deck["id"], section["id"]))
    return titles, order


def gather(collection, today: datetime.date, settings: dict, deck_id: str | None, days: int) -> dict:
    """Every figure of `stats`, as the JSON output gives it."""
    from .exam import stats_figures as exam_stats

    due = due_figures(collection, today, settings, deck_id)
    first_history_day = today - datetime.timedelta(days=HISTORY_DAYS - 1)
    review_days = [row for row in queries.review_days(collection, deck_id) if row[0] <= today.isoformat()]
    groups = queries.card_groups(collection, deck_id)
    forecast_rows = queries.due_by_day(collection, today, days, deck_id)
    retention = {}
    for window in (7, 30):
        passed, total = stats.retention_since(review_days, today - datetime.timedelta(days=window - 1))
        retention[f"last_{window}_days"] = stats.share(passed, total)
        retention[f"reviews_{window}_days"] = total
    titles, declared = section_titles(collection, deck_id)
    cards, answers, answer_ms = studied_on_day(collection, today, deck_id)  # the quiz summary's figures
    practice_answers, practice_ms = queries.practice_on_day(collection, today, deck_id)  # answers of the day too
    from ..store.memory import parameters_in_use, recall_by_section

    recall_rows = recall_by_section(collection.conn, today, parameters_in_use(collection.conn)[0], deck_id)
    retention.update(stats.predicted_retention(recall_rows))  # FSRS: average recall now of the cards seen
    return {
        "deck": deck_id,
        "study_day": today.isoformat(),
        "today": {
            "due": due["due"], "overdue": queries.count_overdue(collection, today, deck_id),
            "new_available": due["new"], "reviews_done": answers, "cards_reviewed": cards, "redrills": answers - cards,
            "time_spent_seconds": round(answer_ms / 1000),
            "practice_answers": practice_answers, "practice_seconds": round(practice_ms / 1000),
        },
        "cards": stats.state_counts(groups),
        "forecast": [{"date": e["date"], "due": e["count"]} for e in stats.day_series(forecast_rows, today, days)],
        "history": [{"date": e["date"], "reviews": e["count"]}
                    for e in stats.day_series(review_days, first_history_day, HISTORY_DAYS)],
        "retention": retention,
        "streak": stats.streaks([row[0] for row in review_days], today),
        "ease": stats.ease_summary(stats.reviewed_ease(groups)),
        "hardest": [{"deck": r["deck"], "id": r["card_id"], "prompt": r["prompt"], "lapses": r["lapses"],
                     "ease": round(r["ease"], 2)} for r in queries.hardest_cards(collection, deck_id)],
        "calendar": [{"date": row[0], "reviews": row[1]} for row in review_days
                     if row[0] >= (today - datetime.timedelta(days=CALENDAR_DAYS)).isoformat()],
        "leeches": [{"deck": r["deck"], "id": r["card_id"], "prompt": r["prompt"], "lapses": r["lapses"],
                     "suspended": bool(r["suspended"])} for r in leech_rows(collection, deck_id)],
        "sections": stats.with_predicted_retention(
            stats.section_mastery(groups, queries.section_reviews(collection, first_history_day, deck_id), titles,
                                  declared), recall_rows),
        "exam": exam_stats(collection, deck_id, today, settings),  # exam date, readiness, practice scores; or None
        "calibration": calibration_figures(collection, deck_id),
    }


def calibration_figures(collection, deck_id: str | None) -> dict | None:
    """How well the memory model (the parameters in use) predicted the learner's reviews: the whole histories of the
    most recently reviewed cards, up to store.memory.CALIBRATION_REVIEWS scheduled reviews (a bounded cost)."""
    from ..scheduling.memory import calibration
    from ..store.memory import parameters_in_use, recent_histories

    histories = recent_histories(collection.conn, deck_id)  # the latest cards' whole histories, bounded
    return calibration(parameters_in_use(collection.conn)[0], histories)


def calibration_lines(figures: dict | None) -> list[str]:
    """The model's calibration on the learner's own reviews, worded for `stats` and `optimize`."""
    from ..terminal.render import table

    if not figures:
        return ["Model calibration: no review a day or more after the previous one yet."]
    out = [f"Model calibration on {figures['reviews']} of your reviews (recent cards):",
           f"  predicted {percent(figures['predicted'])}, recalled {percent(figures['recalled'])}",
           f"  log loss {figures['plain_log_loss']:.4f} (mean; the engine's weighted {figures['log_loss']:.4f}), "
           f"RMSE (bins) {figures['rmse_bins']:.4f}"]
    rows = [[f"{b['from']:.0%}-{b['to']:.0%}", b["reviews"], percent(b["predicted"]), percent(b["recalled"])]
            for b in figures["bins"] if b["reviews"]]
    return out + [table(rows, ["predicted", "reviews", "mean", "recalled"], ("left", "right", "right", "right"))]


def _practice_phrase(today: dict) -> str:
    """'; 2 practice-exam answers in 1m 15s' on a day with practice-exam answers (the history and streak count
    them as answers of the day), else nothing."""
    if not today.get("practice_answers"):
        return ""
    minutes, seconds = divmod(today["practice_seconds"], 60)
    return f"; {plural(today['practice_answers'], 'practice-exam answer')} in {minutes}m {seconds:02d}s"


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def percent(rate: float | None) -> str:
    return "-" if rate is None else f"{rate * 100:.0f}%"


def render(figures: dict) -> str:
    from ..terminal.charts import bar_chart, calendar_heatmap, column_chart, date_axis
    from ..terminal.render import shorten, table
    from ..study.session import studied_phrase

    today, cards = figures["today"], figures["cards"]
    out = [
        f"Study day {figures['study_day']}" + (f" - deck {figures['deck']}" if figures["deck"] else ""),
        f"  due now {today['due']} ({today['overdue']} overdue), new available {today['new_available']}",
        f"  today: {studied_phrase(today['cards_reviewed'], today['reviews_done'], today['time_spent_seconds'] * 1000)}"
        + _practice_phrase(today),
        f"  streak {plural(figures['streak']['current'], 'day')} (longest {figures['streak']['longest']})",
        "",
        table([[cards[s] for s in cards]], list(cards)),
        "",
        f"Forecast: cards due over the next {len(figures['forecast'])} days (overdue on the first)",
    ]
    forecast = [(datetime.date.fromisoformat(e["date"]).strftime("%a %m-%d"), e["due"]) for e in figures["forecast"]]
    out += [bar_chart(forecast, width=50), ""]
    history = [e["reviews"] for e in figures["history"]]
    out += [f"Reviews per day, last {len(history)} days (total {sum(history)}), oldest on the left",
            column_chart(history, height=4)]
    if any(history):
        out += ["-" * len(history), date_axis(datetime.date.fromisoformat(figures["history"][0]["date"]),
                                              len(history))]
    today_date = datetime.date.fromisoformat(figures["study_day"])
    out += ["", "Reviews over the last 52 weeks",
            calendar_heatmap({e["date"]: e["reviews"] for e in figures["calendar"]}, today_date), ""]
    retention = figures["retention"]
    out.append(f"Retention (scheduled reviews graded 3+): 7 days {percent(retention['last_7_days'])} "
               f"of {retention['reviews_7_days']}, 30 days {percent(retention['last_30_days'])} "
               f"of {retention['reviews_30_days']}")
    out.append(f"Predicted retention now (FSRS recall of the {retention['predicted_cards']} cards seen): "
               f"{percent(retention['predicted_now'])}")
    ease = figures["ease"]
    if ease["cards"]:
        buckets = ", ".join(f"{b['from']}-{b['to'] or ''}: {b['cards']}" for b in ease["distribution"])
        out.append(f"Ease: average {ease['average']:.2f} ({buckets})")
    if figures["hardest"]:
        out += ["", "Hardest cards"]
        out.append(table([[shorten(h["id"], 22), h["lapses"], f"{h['ease']:.2f}", shorten(h["prompt"], 38)]
                          for h in figures["hardest"]], ["card", "lapses", "ease", "prompt"]))
    if figures["leeches"]:
        out += ["", "Leeches (cards that keep lapsing: rewrite, split or drop them; 'mlsquiz unsuspend ID')"]
        out.append(table([[shorten(f"{h['deck']}:{h['id']}", 22), h["lapses"], "yes" if h["suspended"] else "no",
                           shorten(h["prompt"], 36)] for h in figures["leeches"]],
                         ["card", "lapses", "suspended", "prompt"]))
    out += ["", "Mastery by section (retention over 30 days; predicted recall now)"]
    several_decks = len({s["deck"] for s in figures["sections"]}) > 1
    out.append(table([[shorten((f"{s['deck']}: " if several_decks else "") + s["title"], 32), s["cards"], s["seen"],
                       s["mature"], percent(s["retention"]), percent(s["predicted_retention"])]
                      for s in figures["sections"]],
                     ["section", "cards", "seen", "mature", "retention", "now"],
                     ("left", "right", "right", "right", "right", "right")))
    out += ["", *calibration_lines(figures.get("calibration"))]
    from .exam import stats_lines

    out += stats_lines(figures.get("exam"))
    return "\n".join(out)


def run(args, context) -> int:
    from .collection import require_deck

    collection = context.open_collection()
    try:
        require_deck(collection, args.deck)
        figures = gather(collection, context.today(collection), context.settings(collection), args.deck, args.days)
        from ..store.memory import parameters_in_use

        warning = parameters_in_use(collection.conn)[1]
    finally:
        collection.close()
    if warning:
        import sys

        print(f"mlsquiz: {warning}", file=sys.stderr)
    print(json.dumps(figures, indent=2) if args.json else render(figures))  # JSON in ASCII: escapes, no loss
    return 0
