"""Pure: the notice a deck shows about the exam it prepares for, from its `meta` (the `[deck.exam]` table)."""

import datetime

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")  # not strftime('%B'): that follows the locale


def exam_notice(meta: dict) -> list[str]:
    """Lines saying the deck's exam was retired, what replaced it and what still serves; none while it is active."""
    exam = (meta or {}).get("exam") or {}
    if exam.get("status") != "retired":
        return []
    name = exam.get("name") or "this exam"
    code = f" ({exam['code']})" if exam.get("code") else ""
    lines = [f"Exam status: the {name}{code} exam was retired on {_day(exam.get('retired_on'))} "
             "and can no longer be taken."]
    if exam.get("successors"):
        lines.append("Replaced by: " + "; ".join(exam["successors"]) + ".")
    if exam.get("note"):
        lines.append(exam["note"])
    return lines


def _day(iso: str | None) -> str:
    """`2026-03-31` as `31 March 2026`; anything that is not a date is shown as written."""
    try:
        day = datetime.date.fromisoformat(iso or "")
    except ValueError:
        return iso or "an unknown date"
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"
