"""Browsing the collection: `mlsquiz cards` (filters, whole prompts), `mlsquiz cards show ID`, `mlsquiz decks`."""

import json
import shutil

from ..terminal.render import shorten, table, terminal_safe

STATES = ("new", "learning", "young", "mature", "retired", "suspended")


def terminal_width() -> int:
    return max(40, min(shutil.get_terminal_size().columns, 160))


def card_tables(cards: list[dict], answers: bool, width: int) -> str:
    """One table per deck (under its id when there are several), prompts wrapped, never cut."""
    decks = list(dict.fromkeys(card["deck"] for card in cards))
    if len(decks) == 1:
        return card_table(cards, answers, width)
    return "\n\n".join(f"{deck}\n" + card_table([c for c in cards if c["deck"] == deck], answers, width)
                       for deck in decks)


def card_table(cards: list[dict], answers: bool, width: int) -> str:
    """Cards as a table whose prompt (and answer) column is word-wrapped to what the terminal has left; the
    schedule's details are in `cards show ID` and `--json`."""
    if answers:
        rows, headers = [[c["id"], c["state"], c["due"] or "-"] for c in cards], ["id", "state", "due"]
    else:
        rows = [[c["id"], c["type"], c["state"], c["due"] or "-"] for c in cards]
        headers = ["id", "type", "state", "due"]
    import textwrap

    from tabulate import tabulate

    # tabulate's "simple" format: each column at least its header plus 2, two spaces between columns
    fixed = [max([len(str(h)) + 2] + [len(str(r[i])) for r in rows]) for i, h in enumerate(headers)]
    text_columns = ["prompt", "answer"] if answers else ["prompt"]
    gaps = 2 * (len(fixed) + len(text_columns) - 1)
    text_width = max((width - 1 - sum(fixed) - gaps) // len(text_columns), 12)
    for row, card in zip(rows, cards):
        row += ["\n".join(textwrap.wrap(terminal_safe(card[key], keep_newlines=False), text_width,
                                        break_on_hyphens=False)) or "-" for key in text_columns]
    return tabulate(rows, headers=headers + text_columns, tablefmt="simple", disable_numparse=True)


def show_card(card: dict, history: list, width: int) -> str:
    """One card in full: its text, schedule, flags, memory and review history."""
    import textwrap

    def field(label: str, value) -> list[str]:
        return textwrap.wrap(f"{label + ':':<12} {terminal_safe(str(value))}", width - 1, subsequent_indent=" " * 13) \
            or [label + ":"]

    out = field("card", f"{card['deck']}:{card['id']} ({card['type']})")
    out += field("section", card["section"]) + field("tags", ", ".join(card["tags"]) or "-")
    content = card["content"]
    if content.get("case"):
        out += field("case", f"{content['case']['id']}: {content['case']['title']}")
        out += field("scenario", content["case"]["text"])
    out += field("prompt", card["prompt"])
    for key in ("options", "items"):
        if content.get(key):
            out += field(key, "; ".join(content[key]))
    out += field("answer", card["answer"])
    if content.get("accept"):
        out += field("accepted", "; ".join(content["accept"]))
    out += field("why", content.get("explanation", ""))
    if card["content"].get("link"):
        out += field("link", card["content"]["link"])
    flags = [name for name in ("suspended", "leech") if card[name]]
    if card["buried_until"]:
        flags.append(f"buried for {card['buried_until']}")
    out += field("state", card["state"] + (f" ({', '.join(flags)})" if flags else ""))
    days = f"{card['interval']} day{'' if card['interval'] == 1 else 's'}"
    out += field("schedule", f"due {card['due'] or '-'}, interval {days}, ease {card['ease']:.2f}")
    out += field("record", f"{card['repetitions']} right in a row, {card['lapses']} "
                           f"lapse{'' if card['lapses'] == 1 else 's'}")
    if card.get("stability") is not None:
        out += field("memory", f"stability {card['stability']:.1f} days, difficulty {card['difficulty']:.2f}, "
                               f"recall today {card['recall']:.0%}")
    out += ["", f"History ({len(history)} {'entry' if len(history) == 1 else 'entries'})"]
    if history:
        out.append(table([[h["study_day"], h["kind"], "-" if h["kind"] == "forget" else h["grade"],
                           "-" if h["interval_after"] is None else h["interval_after"], h["due_after"] or "-",
                           "-" if h["answer_ms"] is None else f"{h['answer_ms'] / 1000:.1f}s"] for h in history],
                         ["day", "kind", "grade", "ivl", "due", "time"]))
    return "\n".join(out)


def card_json(card: dict, history: list) -> dict:
    """`cards show ID --json`: all the text view shows, the card's own fields (options, answers, items, pairs,
    accept, case, explanation, link) at the top level beside its schedule, then its history."""
    shown = {key: value for key, value in card.items() if key != "content"}
    own = {key: value for key, value in card["content"].items() if key not in shown}
    return {**shown, **own, "history": [dict(entry) for entry in history]}


def deck_entries(deck_rows: list, declared_sections: dict, outline) -> list[dict]:
    """Each deck with its counts, its sections (declared order, with titles) and its tags, with card counts."""
    entries = []
    for row in deck_rows:
        counts, tags = outline(row["id"])
        counts = dict(counts)
        declared = json.loads(declared_sections.get(row["id"]) or "[]")
        sections = [{"id": s["id"], "title": s.get("title", s["id"]), "cards": counts.pop(s["id"], 0)}
                    for s in declared]
        sections += [{"id": key, "title": key, "cards": n} for key, n in sorted(counts.items(), key=str)]
        entries.append({"id": row["id"], "name": row["name"], "cards": row["cards"], "new": row["new"],
                        "retired": row["retired"], "sections": sections,
                        "tags": [{"tag": tag, "cards": n} for tag, n in tags]})
    return entries


def decks_text(entries: list[dict], width: int) -> str:
    out = [table([[e["id"], shorten(e["name"], 40), e["cards"], e["new"], e["retired"]] for e in entries],
                 ["deck", "name", "cards", "new", "retired"], ("left", "left", "right", "right", "right"))]
    for entry in entries:
        out += ["", f"{entry['id']}: sections (--section)"]
        out.append(table([[s["id"], shorten(s["title"], max(width - 30, 20)), s["cards"]] for s in entry["sections"]],
                         ["section", "title", "cards"], ("left", "left", "right")))
        out.append(f"{entry['id']}: tags (--tag)")
        line = " "
        for n, tag in enumerate(entry["tags"]):
            item = f" {tag['tag']} ({tag['cards']})" + ("," if n < len(entry["tags"]) - 1 else "")
            if len(line) + len(item) > width - 1 and line.strip():
                out.append(line)
                line = " "
            line += item
        out.append(line if line.strip() else "  -")
    return "\n".join(out)
