"""Pure: practice-exam results over time as lines of text (`stats` and the end of each attempt)."""


def history_lines(attempts: list[dict], titles: dict[str, str], recent: int = 3) -> list[str]:
    """One line per attempt (date, score, pass or fail, questions already studied), then the per-section share
    right of the last `recent` attempts. `titles`: section id -> title. Plain text: the caller makes it safe."""
    if not attempts:
        return []
    lines = ["Practice exams so far (oldest first):"]
    for a in attempts:
        verdict = "unfinished" if a["status"] == "unfinished" else ("pass" if a["passed"] else "fail")
        score = "-" if a["scaled"] is None else str(a["scaled"])
        lines.append(f"  {a['date']}  {a['deck']}  {score:>4}  {verdict:<10}  "
                     f"{a['studied']} of {a['questions']} questions already studied")
    last = attempts[-recent:]
    sections = sorted({s for a in last for s in a["sections"]}, key=lambda s: titles.get(s, s))
    if sections:
        lines.append(f"  by section, last {len(last)} (share right):")
        for section in sections:
            shares = []
            for a in last:
                right, asked = a["sections"].get(section, (0, 0))
                shares.append(f"{round(100 * right / asked):>3}%" if asked else "   -")
            lines.append(f"    {'  '.join(shares)}  {titles.get(section, section) or '(no section)'}")
    return lines
