import pytest
from hypothesis import given
from hypothesis import strategies as st

from mlsquiz.study.answers import (
    choice_is_right, default_grade, multi_is_right, normalise, order_is_right, typed_is_right,
)

PRICE = {"answer": "40", "accept": ["$40", "40 USD"]}


@pytest.mark.parametrize("given", ["40", "$40", "40 USD", " 40 usd ", "$ 40", "40 dollars", "USD 40", "40.00", "$40."])
def test_typed_price_accepts_its_forms(given):
    assert typed_is_right(given, PRICE)


@pytest.mark.parametrize("given", ["400", "4", "", "forty-one", "$41"])
def test_typed_price_rejects_other_amounts(given):
    assert not typed_is_right(given, PRICE)


def test_thousands_separators_percent_and_case():
    assert typed_is_right("1,000,000", {"answer": "1000000"})
    assert typed_is_right("50 %", {"answer": "50"})
    assert typed_is_right("50 percent", {"answer": "50%"})
    assert typed_is_right("  sagemaker ", {"answer": "SageMaker"})
    assert typed_is_right("March 2019", {"answer": "2019", "accept": ["March 2019"]})
    assert normalise("Ａ  B") == "a b"
    assert typed_is_right("1 - 2", {"answer": "1-2"}) and typed_is_right("1\u20132", {"answer": "1-2"})
    assert not typed_is_right("12", {"answer": "1-2"})


def test_choice_multi_order():
    assert choice_is_right("B", {"answer": "B"}) and not choice_is_right("b", {"answer": "B"})
    assert multi_is_right(["y", "x"], {"answers": ["x", "y"]})
    assert not multi_is_right(["x"], {"answers": ["x", "y"]})
    assert order_is_right(["a", "b", "c"], {"items": ["a", "b", "c"]})
    assert not order_is_right(["b", "a", "c"], {"items": ["a", "b", "c"]})


def test_default_grade_follows_the_check():
    assert (default_grade(True), default_grade(False)) == (4, 1)


@given(st.text(min_size=1, max_size=40))
def test_normalising_is_idempotent_and_an_answer_matches_itself(answer):
    once = normalise(answer)
    assert normalise(once) == once
    if once:
        card = {"answer": answer}
        assert typed_is_right(answer, card)
        assert typed_is_right(f"  {answer.upper()}  ", card) == (normalise(answer.upper()) == once)


def test_an_empty_answer_is_never_right():
    assert not typed_is_right("   ", {"answer": "$", "accept": ["%"]})
