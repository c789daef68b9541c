"""Two comparisons for `exam plan` and `exam readiness`: the workload and exam-day recall of several desired
retentions (`exam plan --retention`), and the memory model's predicted practice score beside the actual ones."""

import datetime
import textwrap

RECENT_PRACTICE = 3  # the finished attempts a readiness compares with the prediction


def practice_figures(collection, deck: str, today: datetime.date, pool: tuple) -> dict:
    """The model's recall today over the deck's practice pool (its active auto-checked cards; never-seen ones count
    as forgotten) on the deck's score scale, the latest finished attempts, and which to trust. `pool`: the store's
    practice_pool_recall for today."""
    from ..exam.outlook import practice_verdict
    from ..exam.practice import ExamFacts
    from ..store.decks import deck_meta
    from ..store.practice import attempt_history

    facts = ExamFacts.from_meta(deck_meta(collection, deck))
    cards, seen, total = pool
    predicted = total / cards if cards and seen else None
    finished = [a for a in attempt_history(collection, deck) if a["status"] in ("submitted", "timed_out")]
    recent = finished[-RECENT_PRACTICE:]
    questions, right = sum(a["questions"] for a in recent), sum(a["right"] or 0 for a in recent)
    trust, why = practice_verdict(predicted, right, questions) if cards else ("prediction", "")

    def score(share: float | None) -> int | None:
        # the practice result's own straight line (exam.practice.scaled_score), at the share itself
        return None if share is None else round(facts.score_min + (facts.score_max - facts.score_min) * share)

    return {"pool": cards, "seen": seen, "predicted_share": None if predicted is None else round(predicted, 4),
            "predicted_score": score(predicted), "score_min": facts.score_min, "score_max": facts.score_max,
            "pass_mark": facts.pass_mark,
            "attempts": [{"date": a["date"], "questions": a["questions"], "right": a["right"],
                          "scaled": a["scaled"], "studied": a["studied"]} for a in recent],
            "actual_share": round(right / questions, 4) if questions else None,
            "actual_score": score(right / questions) if questions else None, "trust": trust, "why": why}


def practice_lines(p: dict) -> list[str]:
    if not p["pool"]:
        return ["Practice exams: this deck has no auto-checked cards to draw from."]
    scale = f"on {p['score_min']}-{p['score_max']}, pass mark {p['pass_mark']}"
    out = _wrap(f"Practice exams ({scale}):")
    predicted = ("-" if p["predicted_score"] is None else
                 f"{p['predicted_score']} ({p['predicted_share']:.0%} of {p['pool']} auto-checked cards recalled "
                 "today by the memory model; never-studied cards count as forgotten)")
    out += _wrap(f"  predicted score today: {predicted}", 4)
    if p["attempts"]:
        scores = ", ".join(f"{a['scaled']} on {a['date']}" for a in p["attempts"])
        out += _wrap(f"  actual, latest {len(p['attempts'])}: {scores} (together {p['actual_score']}, "
                     f"{p['actual_share']:.0%} right)", 4)
    else:
        out.append("  actual: no practice exam finished yet")
    label = {"prediction": "trust the prediction", "practice": "trust the practice scores",
             "either": "either will do"}[p["trust"]]
    return out + _wrap(f"  Which to trust: {label}: {p['why']}", 4)


def retention_lines(f: dict) -> list[str]:
    """The table of `exam plan --retention`: one row per desired retention."""
    from ..terminal.render import table

    if f["status"] == "past":
        return []
    days = f["days_left"] + 1
    out = _wrap(f"Workload by desired retention, if the plan is kept ({days} study days to the exam, the "
                "window's reviews included; new cards are the same for every row):")
    rows = []
    for r in f["retention"]:
        low, high = r["if_plan_kept_range"] or (None, None)
        mark = " (yours)" if abs(r["desired_retention"] - f["desired_retention"]) < 1e-9 else ""
        rows.append([f"{r['desired_retention']:.2f}{mark}", f"{r['reviews_per_day']:.1f}", r["reviews"],
                     _percent(r["if_plan_kept"]), f"{_percent(low)} to {_percent(high)}"])
    out += [table(rows, ["retention", "reviews/day", "in all", "exam-day recall", "10th-90th pct"])]
    out += _wrap("Each planned review at the memory model's interval for that retention, answered right with its "
                 "recall adjusted by your record (as the kept plan above).", 4)
    if f["scheduler"] != "fsrs":
        out += _wrap("Your scheduler is SM-2, which ignores desired retention: to schedule by it, 'mlsquiz config "
                     "scheduler fsrs' and 'mlsquiz config desired_retention R'.", 4)
    else:
        out += _wrap("To use one: 'mlsquiz config desired_retention R'.", 4)
    return out


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


def _wrap(text: str, indent: int = 4) -> list[str]:
    return textwrap.wrap(text, 79, subsequent_indent=" " * indent) or [""]
