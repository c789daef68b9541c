"""`mlsquiz roadmap`: the post's five stages in order, their resources, and your progress on each."""

import json

from ..exam.status import exam_notice
from ..exam.roadmap import stage_progress


def run(args, context) -> int:
    import datetime
    import textwrap

    from ..terminal.render import shorten, terminal_safe
    from ..study.stats import section_mastery
    from ..store import stats as queries
    from ..store.decks import deck_meta
    from .collection import require_deck
    from .stats import HISTORY_DAYS, percent

    collection = context.open_collection()
    try:
        require_deck(collection, args.deck)
        decks = [d for d in queries.decks_with_sections(collection, args.deck) if json.loads(d["sections"] or "[]")]
        if not decks:
            print("No deck in this collection has roadmap stages.")
            return 0
        deck = decks[0]  # the bundled deck first
        notice = exam_notice(deck_meta(collection, deck["id"]))
        from ..store.exam import exam_day
        from .exam import exam_date_line

        exam_line = exam_date_line(collection, deck["id"], context.today(collection))  # None without an exam date
        exam_date = exam_day(collection, deck["id"])
        since = context.today(collection) - datetime.timedelta(days=HISTORY_DAYS - 1)
        progress = section_mastery(queries.card_groups(collection, deck["id"]),
                                   queries.section_reviews(collection, since, deck["id"]), {}, [])
    finally:
        collection.close()
    stages = stage_progress(json.loads(deck["sections"]), json.loads(deck["resources"] or "[]"), progress)
    if args.json:
        print(json.dumps({"deck": deck["id"], "name": deck["name"], "notice": notice,
                          "exam_date": exam_date.isoformat() if exam_date else None, "stages": stages}, indent=2))
        return 0
    print(f"Roadmap: {terminal_safe(deck['name'])}\n")
    for line in notice:  # the exam's status comes before its stages: a retired exam changes what they are for
        print(textwrap.fill(terminal_safe(line), width=79, subsequent_indent="  "))
    if exam_line:
        print(exam_line)
    if notice or exam_line:
        print()
    for stage in stages:
        marker = ">>" if stage["focus"] else "  "
        print(f"{marker} {shorten(stage['title'], 60)}" + ("   <- focus here next" if stage["focus"] else ""))
        print(f"     cards {stage['cards']}: seen {stage['seen']}, mature {stage['mature']}, "
              f"retention {percent(stage['retention'])}")
        for resource in stage["resources"]:
            cost = "paid" if resource.get("paid") else "free"
            extra = ", optional" if resource.get("optional") else ""
            name, kind = terminal_safe(resource["name"]), terminal_safe(str(resource.get("kind", "?")))
            print(f"     - {name} ({kind}, {cost}{extra})")
            about = ". ".join(filter(None, [resource.get("by") and f"By {resource['by']}", resource.get("use")]))
            about = terminal_safe(about)
            if about:
                print(textwrap.fill(about, width=79, initial_indent=" " * 7, subsequent_indent=" " * 7))
            if resource.get("link"):
                print(f"       {terminal_safe(resource['link'], keep_newlines=False)}")  # never cut a link
        print()
    if not any(stage["focus"] for stage in stages):
        print("Every stage is settled: keep up the daily reviews.")
    return 0
