"""The SQL of a card's state as card_counts files it, and the recount of card_counts: shared by the migrations
that built the table and the bulk writes that lift its triggers."""


def current_card_state_name(row: str) -> str:
    """card_state_name as the kept counts file cards since m006: suspended cards under 'suspended'."""
    return card_state_name(row).replace("THEN 'retired' WHEN", f"THEN 'retired' WHEN {row}.suspended = 1 THEN 'suspended' WHEN", 1)


def card_state_name(row: str) -> str:
    """SQL for a card's state (new | learning | young | mature | retired) from a card_state row alias."""
    return (f"CASE WHEN {row}.retired = 1 THEN 'retired' WHEN {row}.last_review IS NULL THEN 'new' "
            f"WHEN {row}.repetitions < 2 THEN 'learning' WHEN {row}.interval >= 21 THEN 'mature' ELSE 'young' END")


def rebuild_card_counts(db, state_name=card_state_name) -> None:
    """Recount card_counts from card_state; `state_name` is the state SQL of the schema at hand (suspended cards
    have their own state from m006 on: current_card_state_name)."""
    db.execute("DELETE FROM card_counts")
    db.execute(
        f"""INSERT INTO card_counts SELECT coalesce(deck, ''), coalesce(section, ''), {state_name('s')},
              round(ease, 2), count(*) FROM card_state s GROUP BY 1, 2, 3, 4"""
    )
