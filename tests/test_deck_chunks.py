"""Reading a deck file in pieces (for a progress bar) gives exactly what one whole parse gives, or defers to it."""

import sys
import tomllib

from conftest import MINI_DECK
from mlsquiz.deckfile.chunks import parse_in_pieces, pieces


def counted(text, per_piece, alongside=False):
    seen = []
    result = parse_in_pieces(text, lambda total: (seen.append(("total", total)), seen.append)[1], per_piece,
                             alongside=alongside)
    return result, seen


def test_pieces_parse_to_the_same_document_and_count_every_card():
    text = MINI_DECK.read_text() * 1  # five cards
    for per_piece in (1, 2, 3, 5, 50):
        document, seen = counted(text, per_piece)
        assert document == tomllib.loads(text)
        assert seen[0] == ("total", 5) and sum(seen[1:]) == 5
        assert "".join(piece for piece, _ in pieces(text, per_piece)) == text


def test_a_cut_inside_a_multiline_string_falls_back_to_the_whole_parse():
    text = '[deck]\nid = "x"\n[[cards]]\nid = "a"\nnote = """\n[[cards]]\n"""\n[[cards]]\nid = "b"\n'
    assert counted(text, 1)[0] is None
    assert len(tomllib.loads(text)["cards"]) == 2


def test_a_table_written_twice_is_left_to_the_whole_parse_to_report():
    text = '[deck]\nid = "x"\n[[cards]]\nid = "a"\n[deck]\nid = "y"\n[[cards]]\nid = "b"\n'
    assert counted(text, 1)[0] is None


def big_deck_text(cards: int) -> str:
    head = '[deck]\nid = "big"\nname = "Big"\n\n[[sections]]\nid = "s"\ntitle = "S"\n\n'
    return head + "".join(f'[[cards]]\nid = "c{n}"\ntype = "basic"\nsection = "s"\ntags = ["t{n % 3}"]\n'
                          f'prompt = "Q {n}?"\nexplanation = "E"\nanswer = "A {n}"\n\n' for n in range(cards))


def test_alongside_a_forked_child_parses_to_the_same_document_and_counts_every_card(monkeypatch):
    from mlsquiz.deckfile import chunks
    from mlsquiz.runtime import forked

    text = big_deck_text(2_600)
    children = []
    start = forked._start
    monkeypatch.setattr(forked, "_start", lambda pending: (children.append(pending), start(pending)))
    for enabled in (True, False):
        monkeypatch.setattr(forked, "ENABLED", enabled)
        document, seen = counted(text, 500, alongside=True)
        assert document == tomllib.loads(text)
        assert seen[0] == ("total", 2_600) and sum(seen[1:]) == 2_600
        # No one told: the same document, or (one processor) None, for the caller's whole parse.
        assert parse_in_pieces(text, None, 500, alongside=True) == (document if chunks._cores() > 1 else None)
    # the child really ran, for each call with it (where there is a second processor to run it on)
    assert len(children) == (2 if sys.platform == "linux" and chunks._cores() > 1 else 0)


def test_alongside_a_later_half_that_does_not_parse_falls_back_to_the_whole_parse():
    text = big_deck_text(2_600)
    broken = text.replace('id = "c2000"\n', 'id = "c2000\n', 1)  # an unterminated string in the later half
    assert parse_in_pieces(broken, None, 500, alongside=True) is None  # (on one processor: left to it anyway)
    twice = text + '[deck]\nid = "again"\n'  # a table the first half holds, written again in the later one
    assert parse_in_pieces(twice, None, 500, alongside=True) is None


def test_a_deck_read_alongside_is_the_deck_read_whole():
    from mlsquiz.deckfile.reading import parse_deck

    raw = big_deck_text(2_600).encode()
    assert parse_deck(raw, "big.toml", alongside=True) == parse_deck(raw, "big.toml")


def test_card_headers_are_the_lines_the_header_pattern_finds():
    import re

    from mlsquiz.deckfile.chunks import card_header_starts

    pattern = re.compile(r"^[ \t]*\[\[[ \t]*cards[ \t]*\]\]", re.MULTILINE)
    for text in ("", "[[cards]]", "  [[cards]]\n[[cards]] [[cards]]\n\t[[ cards ]]\nx = \"[[cards]]\"\n[[cards]]",
                 "\r\n [[cards]]\r\n", "a\n \x0c[[cards]]\n", "\n\n\t \t[[\tcards\t]]x", "[[cardsx]]\n [ [cards]]",
                 big_deck_text(30)):
        assert card_header_starts(text) == [match.start() for match in pattern.finditer(text)]
