"""Pure: Anki's cloze syntax, `{{c1::answer}}` or `{{c1::answer::hint}}`. One card per deletion number."""

import re

DELETION = re.compile(r"\{\{c(\d+)::(.*?)(?:::(.*?))?\}\}", re.DOTALL)


def cloze_numbers(text: str) -> list[int]:
    """The deletion numbers a text uses, in order: each is one card (c1 -> card 1, as in Anki)."""
    return sorted({int(m.group(1)) for m in DELETION.finditer(text) if int(m.group(1)) > 0})


def cloze_question(text: str, number: int) -> str:
    """The text with deletion `number` hidden as [...] (or [hint]) and every other deletion shown."""
    def show(match: re.Match) -> str:
        if int(match.group(1)) != number:
            return match.group(2)
        return f"[{match.group(3)}]" if match.group(3) else "[...]"

    return DELETION.sub(show, text)


def cloze_answers(text: str, number: int) -> list[str]:
    """What deletion `number` hides, in order of appearance."""
    return [m.group(2) for m in DELETION.finditer(text) if int(m.group(1)) == number]
