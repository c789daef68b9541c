"""Pure mapping of Anki data to mlsquiz: the review log, field HTML, card templates; and schema step m008."""

import datetime
import sqlite3

from hypothesis import given, settings
from hypothesis import strategies as st

from mlsquiz.store import migrations
from mlsquiz.anki.collection import LogEntry
from mlsquiz.anki.foreign import note_key, referenced_fields, slug
from mlsquiz.anki.history import reviews_from_log
from mlsquiz.anki.text import html_to_text
from mlsquiz.clock import utc_timestamp
from mlsquiz.store.opening import open_collection


def ms(text: str) -> int:
    return int(datetime.datetime.fromisoformat(text).timestamp() * 1000)


def test_buttons_become_grades_and_a_days_learning_steps_one_review(local_zone):
    local_zone("Europe/Berlin")
    log = [
        LogEntry(ms("2026-03-01T10:00+01:00"), 7, 1, 5000, 0),   # Again: the day's first answer
        LogEntry(ms("2026-03-01T10:01+01:00"), 7, 3, 4000, 0),   # Good, a learning step: a re-drill
        LogEntry(ms("2026-03-02T03:30+01:00"), 7, 2, 3000, 1),   # Hard at 03:30: still the study day 03-01
        LogEntry(ms("2026-03-02T09:00+01:00"), 7, 4, 2000, 1),   # Easy, the next study day
        LogEntry(ms("2026-03-03T09:00+01:00"), 7, 0, 0, 4),      # a manual reschedule
        LogEntry(ms("2026-03-04T09:00+01:00"), 7, 0, 0, 5),      # a rescheduling
        LogEntry(ms("2026-03-01T10:00+01:00"), 8, 3, 70000, 1),  # another card, same moment
        LogEntry(10**16, 8, 3, 1000, 1),                         # a time no clock gave: skipped, not a crash
    ]
    reviews, skipped = reviews_from_log(log, rollover_hour=4)
    assert [(r.anki_card, r.study_day, r.grade, r.kind) for r in reviews] == [
        (7, "2026-03-01", 2, "review"), (7, "2026-03-01", 4, "drill"), (7, "2026-03-01", 3, "drill"),
        (7, "2026-03-02", 5, "review"), (8, "2026-03-01", 4, "review")]
    assert skipped == {"manual schedule changes": 1, "reschedulings": 1, "log rows with an impossible time": 1}
    assert reviews[0].reviewed_at == "2026-03-01T09:00:00.000+00:00" and reviews[0].uid == f"anki-{log[0].id}"


@settings(max_examples=500, deadline=None)
@given(st.integers(min_value=946_684_800_000, max_value=4_102_444_799_999))
def test_an_answer_moment_is_stored_as_the_quiz_stores_it(moment):
    """The log's millisecond times are turned into text without a datetime per row: the text must be
    clock.utc_timestamp's, to the millisecond, or a re-import would not recognise its own answers."""
    (review,), _ = reviews_from_log([LogEntry(moment, 1, 3, 0, 1)], rollover_hour=4)
    exact = datetime.datetime.fromtimestamp(moment // 1000, datetime.timezone.utc).replace(
        microsecond=moment % 1000 * 1000)
    assert review.reviewed_at == utc_timestamp(exact)


def test_field_html_becomes_terminal_text():
    assert html_to_text("<b>bold</b> &amp; &lt;tag&gt;&nbsp;x") == "bold & <tag> x"
    assert html_to_text("one<br>two<div>three</div>") == "one\ntwo\nthree"
    assert html_to_text("<ul><li>a</li><li>b</li></ul>") == "- a\n- b"
    assert html_to_text('[sound:x.mp3]<img src="a b.png">') == "[sound x.mp3: not played][image a b.png: not shown]"
    assert html_to_text("<script>alert(1)</script><style>p{}</style>shown") == "shown"
    assert html_to_text("&amp;lt;") == "&lt;"  # decoded once, not twice


def test_templates_tell_question_and_answer_fields():
    names = ("Front", "Back", "Extra")
    assert referenced_fields("{{Front}}", names) == (("Front", ""),)
    assert referenced_fields("{{#Extra}}{{Extra}}{{/Extra}} {{type:Back}} {{FrontSide}}", names) == (
        ("Extra", ""), ("Back", "type"))
    assert referenced_fields("{{cloze:Front}}{{hint:Extra}}", names) == (("Front", "cloze"), ("Extra", "hint"))


def test_ids_from_anki_names_are_deck_file_ids():
    assert slug("Spanish::Verbs 1") == "spanish-verbs-1" and slug("日本語") == ""
    assert note_key("A>pJE>,vu&") == "n413e704a453e2c767526"


def test_m008_gives_every_review_an_identity_old_copies_agree_on(db_path, cli, schema_before, tmp_path):
    from history import History

    from conftest import MINI_DECK

    schema_before(migrations.m008_review_identity)  # a collection from before m008
    cli("import", MINI_DECK)
    history = History(db_path)
    history.answer("b1", 4, "2026-03-01 09:00")
    history.close()
    copy = tmp_path / "copy.db"
    with sqlite3.connect(db_path) as a, sqlite3.connect(copy) as b:
        a.backup(b)
    schema_before(None)
    uids = []
    for path in (db_path, copy):
        open_collection(path).close()
        with sqlite3.connect(path) as conn:
            uids.append(conn.execute("SELECT uid FROM reviews").fetchall())
    assert uids[0] == uids[1] and uids[0][0][0].startswith("m-mini/b1@2026-03-01T09:00:00.000")
    history = History(db_path)
    history.answer("b1", 5, "2026-03-02 09:00")
    history.close()
    with sqlite3.connect(db_path) as conn:
        new = conn.execute("SELECT uid FROM reviews ORDER BY id").fetchall()[-1][0]
        indexes = {row[1]: row[2] for row in conn.execute("PRAGMA index_list(reviews)")}
    assert len(new) == 32 and indexes["reviews_uid"] == 1  # random for new answers, unique


def _every_pass(field: str) -> str:
    """html_to_text with every pass always run (it skips a pass where its markup cannot be)."""
    from mlsquiz.anki import text

    out = text._SOUND.sub(lambda m: f"[sound {m.group(1)}: not played]", field)
    if "<" in out:
        out = text._COMMENT.sub("", text._HIDDEN.sub("", out))
        out = text._ITEM.sub("\n- ", text._IMAGE.sub(text._image, out))
        out = text._TAG.sub("", text._BREAK.sub("\n", out))
    if "&" in out:
        out = __import__("html").unescape(out)
    lines = [" ".join(line.split()) for line in out.replace("\xa0", " ").split("\n")]
    return text._BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


_PIECES = ["<b>", "</b>", "<SCRIPT>x</script>", "<style>a</STYLE>", "<!-- c -->", "<img src='a.png'>",
           "<IMG SRC=b.jpg>", "<li>", "<LI class=x>", "</li>", "<br>", "<div>", "&amp;", "&lt;", "[sound:a.mp3]",
           "[sound:", "text", " ", "\n", "\xa0", "<", "&", "<!--", "-->"]


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=12).map("".join))
def test_skipping_html_passes_never_changes_the_text(field):
    assert html_to_text(field) == _every_pass(field)
