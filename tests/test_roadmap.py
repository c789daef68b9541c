from history import History
from mlsquiz.exam.roadmap import stage_progress

SECTIONS = [{"id": "intro", "title": "Overview", "stage": 0}, {"id": "py", "title": "1. Python", "stage": 1},
            {"id": "ml", "title": "2. ML", "stage": 2}]
RESOURCES = [{"name": "Course", "section": "py", "kind": "course", "paid": False},
             {"name": "Book", "section": "ml", "kind": "book", "paid": True}]


def row(section, cards, seen, learning):
    return {"section": section, "cards": cards, "seen": seen, "mature": 0, "learning": learning, "retention": None}


def test_stages_in_order_with_their_resources_and_the_first_unsettled_marked():
    stages = stage_progress(SECTIONS, RESOURCES, [row("py", 2, 2, 0), row("ml", 3, 1, 1)])
    assert [s["title"] for s in stages] == ["1. Python", "2. ML"]
    assert [r["name"] for r in stages[1]["resources"]] == ["Book"]
    assert [s["focus"] for s in stages] == [False, True]


def test_a_stage_with_a_lapsed_card_is_not_settled():
    stages = stage_progress(SECTIONS, RESOURCES, [row("py", 2, 2, 1), row("ml", 3, 0, 0)])
    assert [s["focus"] for s in stages] == [True, False]


def test_roadmap_command_shows_stages_progress_and_focus(cli, mini_collection, local_zone):
    local_zone("UTC")
    history = History(mini_collection)
    history.answer("b1", 5, "2026-03-02 09:00")
    history.answer("b1", 5, "2026-03-03 09:00")
    history.answer("c1", 5, "2026-03-02 09:00")
    history.answer("c1", 5, "2026-03-03 09:00")
    history.close()
    result = cli("roadmap", "--deck", "mini", "--now", "2026-03-03 12:00")
    assert result.code == 0
    lines = result.out.splitlines()
    assert lines.index("   Part one") < lines.index(">> Part two   <- focus here next")
    assert "     cards 2: seen 2, mature 0, retention 100%" in lines


def test_bundled_roadmap_lists_five_stages(cli):
    result = cli("roadmap")
    assert result.code == 0
    assert result.out.count("     cards ") == 5
    assert "Kaggle Python Course" in result.out and "SageMaker" in result.out


def test_bundled_roadmap_starts_with_the_exams_retirement(cli):
    result = cli("roadmap")
    assert result.code == 0
    head = result.out.split("Kaggle Python Course")[0]
    assert "exam was retired on 31 March 2026" in " ".join(head.split())
    assert "MLA-C01" in head and "AIP-C01" in head and "AI Practitioner" in head
    assert "still serve the successors" in " ".join(head.split())


def test_a_deck_without_exam_facts_has_no_notice(cli, mini_collection):
    result = cli("roadmap", "--deck", "mini")
    assert result.code == 0 and "Exam status" not in result.out
