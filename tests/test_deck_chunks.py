"""Reading a deck file in pieces (for a progress bar) gives exactly what one whole parse gives, or defers to it."""

import tomllib

from conftest import MINI_DECK
from mlsquiz.deckfile.chunks import parse_in_pieces, pieces


def counted(text, per_piece):
    seen = []
    result = parse_in_pieces(text, lambda total: (seen.append(("total", total)), seen.append)[1], per_piece)
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
