"""`mlsquiz roadmap`: the post's five stages in order, their resources, and your progress on each."""

import json

from ..roadmap import stage_progress


def run(args, context) -> int:
    import datetime
    import textwrap

    from ..render import shorten, terminal_safe
    from ..stats import section_mastery
    from ..store import stats as queries
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
        since = context.today(collection) - datetime.timedelta(days=HISTORY_DAYS - 1)
        progress = section_mastery(queries.card_groups(collection, deck["id"]),
                                   queries.section_reviews(collection, since, deck["id"]), {}, [])
    finally:
        collection.close()
    stages = stage_progress(json.loads(deck["sections"]), json.loads(deck["resources"] or "[]"), progress)
    print(f"Roadmap: {terminal_safe(deck['name'])}\n")
    for stage in stages:
        marker = ">>" if stage["focus"] else "  "
        print(f"{marker} {shorten(stage['title'], 60)}" + ("   <- focus here next" if stage["focus"] else ""))
        print(f"     cards {stage['cards']}: seen {stage['seen']}, mature {stage['mature']}, "
              f"retention {percent(stage['retention'])}")
        for resource in stage["resources"]:
            cost = "paid" if resource.get("paid") else "free"
            extra = ", optional" if resource.get("optional") else ""
            print(f"     - {terminal_safe(resource['name'])} ({resource.get('kind', '?')}, {cost}{extra})")
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
