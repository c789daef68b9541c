"""Integrity checks of a collection file."""


def integrity_report(collection) -> list[str]:
    """Problems SQLite's integrity and foreign-key checks find; empty when the file is sound."""
    conn = collection.conn
    problems = [row[0] for row in conn.execute("PRAGMA integrity_check") if row[0] != "ok"]
    problems += [f"row {row[1]} of {row[0]} points at a missing {row[2]}" for row in conn.execute("PRAGMA foreign_key_check")]
    orphans = conn.execute("SELECT count(*) FROM cards WHERE id NOT IN (SELECT card FROM card_state)").fetchone()[0]
    if orphans:
        problems.append(f"{orphans} cards have no schedule state")
    return problems
