"""Pure: Anki's cloze syntax, `{{c1::answer}}` or `{{c1::answer::hint}}`. One card per deletion number.

Read by a scanner in one pass (a regular expression with two lazy groups took cubic time on unclosed
deletions: 20 s for a 5 KB deck file). It finds what Anki's pattern finds: a deletion ends at the first `}}`
after its `::`, its hint starts at the first `::` inside, and its number is ASCII digits only."""

from typing import NamedTuple

# Each deletion number is one card, stored with the whole text, so both are bounded: a real note numbers its
# deletions c1, c2, ... (a list of 50 states is a long one), and a number above 500 is a typo or an attack
# (`c99999999999999999999` once ended `export` in a traceback).
MAX_DELETION_NUMBER = 500
MAX_CARDS_PER_ENTRY = 100
# The text an entry stores: its length times its cards (100 cards of a 2,000-character text, or 10 of 20,000).
# Without it a 64 KB deck file of one entry with thousands of deletions became a 643 MB collection.
MAX_STORED_CHARACTERS = 200_000
_OPEN, _SPLIT, _CLOSE = "{{c", "::", "}}"


class Deletion(NamedTuple):
    start: int
    end: int  # just past its `}}`
    digits: str
    answer: str
    hint: str | None

    @property
    def number(self) -> int:
        return int(self.digits)

    def group(self, index: int):
        """As the match of the old pattern: 1 the number's digits, 2 the answer, 3 the hint (or None)."""
        return (self.digits, self.answer, self.hint)[index - 1]


def deletions(text: str):
    """Every deletion of the text, in order; linear in the text's length."""
    position = 0
    while (start := text.find(_OPEN, position)) >= 0:
        digits_end = start + len(_OPEN)
        while digits_end < len(text) and "0" <= text[digits_end] <= "9":
            digits_end += 1
        if digits_end == start + len(_OPEN) or not text.startswith(_SPLIT, digits_end):
            position = start + 1
            continue
        body = digits_end + len(_SPLIT)
        close = text.find(_CLOSE, body)
        if close < 0:
            return  # no later deletion can close either
        answer, split, hint = text[body:close].partition(_SPLIT)
        yield Deletion(start, close + len(_CLOSE), text[start + len(_OPEN):digits_end], answer,
                       hint if split else None)
        position = close + len(_CLOSE)


class _Pattern:
    """The two calls of a compiled pattern that callers used (`finditer`, `sub`), run by the scanner."""

    def finditer(self, text: str):
        return deletions(text)

    def sub(self, replace, text: str) -> str:
        parts, position = [], 0
        for deletion in deletions(text):
            parts += [text[position:deletion.start], replace(deletion)]
            position = deletion.end
        return "".join(parts) + text[position:]


DELETION = _Pattern()


def cloze_numbers(text: str) -> list[int]:
    """The deletion numbers a text uses, in order: each is one card (c1 -> card 1, as in Anki)."""
    return sorted({d.number for d in deletions(text) if 0 < d.number <= MAX_DELETION_NUMBER})


def cloze_question(text: str, number: int) -> str:
    """The text with deletion `number` hidden as [...] (or [hint]) and every other deletion shown."""
    def show(deletion: Deletion) -> str:
        if deletion.number != number:
            return deletion.answer
        return f"[{deletion.hint}]" if deletion.hint else "[...]"

    return DELETION.sub(show, text)


def cloze_answers(text: str, number: int) -> list[str]:
    """What deletion `number` hides, in order of appearance."""
    return [d.answer for d in deletions(text) if d.number == number]


def cloze_problem(text: str) -> str | None:
    """Why a cloze text cannot be cards (an empty deletion, a number out of range, too many cards), or None."""
    numbers = set()
    for deletion in deletions(text):
        if not deletion.answer.strip():
            return f"deletion {{{{c{deletion.digits}::...}}}} is empty (it would hide nothing)"
        if not 0 < deletion.number <= MAX_DELETION_NUMBER:
            return f"deletion number c{deletion.digits} is not between c1 and c{MAX_DELETION_NUMBER}"
        numbers.add(deletion.number)
    if not numbers:
        return "a cloze prompt needs a deletion such as {{c1::answer}}"
    if len(numbers) > MAX_CARDS_PER_ENTRY:
        return (f"{len(numbers)} deletion numbers make {len(numbers)} cards; at most {MAX_CARDS_PER_ENTRY} per "
                "entry (split it into several entries)")
    if len(numbers) * len(text) > MAX_STORED_CHARACTERS:
        return (f"{len(numbers)} cards of a {len(text):,}-character text: each card keeps the whole text, at most "
                f"{MAX_STORED_CHARACTERS:,} characters per entry (split it, or use fewer deletion numbers)")
    return None
