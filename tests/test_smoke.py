from conftest import MINI_DECK


def test_import_then_list_cards(cli):
    assert cli("import", MINI_DECK).code == 0
    listed = cli("cards", "--deck", "mini")
    assert listed.code == 0
    assert "b1" in listed.out and "t1" in listed.out
