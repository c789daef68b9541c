"""terminal/render.shorten: one line cut at a word boundary (issue 26: never mid-word where a word boundary is
near), by display columns, with the ellipsis inside the width."""

from mlsquiz.terminal.render import shorten


def test_a_cut_falls_at_a_word_boundary_near_the_end():
    assert shorten("Domain 3: Deployment and Orchestration of ML Workflows", 44) == \
        "Domain 3: Deployment and Orchestration of…"
    assert shorten("Which AWS service, given the requirement", 20) == "Which AWS service…"  # no dangling comma


def test_a_single_long_word_is_cut_where_it_must_be():
    assert shorten("abcdefghijklmnopqrstuvwxyz", 10) == "abcdefghi…"
    assert shorten("see https://docs.aws.amazon.com/sagemaker/latest/dg/whatis.html", 30) == \
        "see https://docs.aws.amazon.c…"  # the only space is too far back


def test_width_counts_wide_characters_double_and_short_text_is_untouched():
    assert shorten("short", 10) == "short"
    out = shorten("日本語のテキストです長い", 9)
    assert out.endswith("…") and sum(2 if ord(c) > 0x3000 else 1 for c in out) <= 9
    for width in range(4, 60):
        text = shorten("Domain 3: Deployment and Orchestration of ML Workflows", width)
        assert len(text) <= width, (width, text)
