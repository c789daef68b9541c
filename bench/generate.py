"""Synthetic deck files and collections for the benchmarks: N cards of every type, and a long review history."""

import datetime
import random
import sqlite3
import subprocess
from pathlib import Path

TYPES = ("basic", "choice", "multi", "order", "typed")
HISTORY_START = datetime.date(2025, 1, 1)


def toml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def card_toml(n: int) -> str:
    kind = TYPES[n % len(TYPES)]
    lines = [
        "[[cards]]", f'id = "card-{n:06d}"', f'type = "{kind}"', f'section = "part-{n % 5}"',
        f'tags = ["t{n % 7}", "bench"]', f"prompt = {toml_string(f'Synthetic question number {n} about topic {n % 97}?')}",
        f"explanation = {toml_string(f'Because of reason {n}, which is explained at some length here.')}",
    ]
    options = [f"option {n}-{k}" for k in range(4)]
    if kind == "basic":
        lines.append(f"answer = {toml_string(f'answer {n}')}")
    elif kind == "choice":
        lines += [f"options = [{', '.join(map(toml_string, options))}]", f"answer = {toml_string(options[1])}"]
    elif kind == "multi":
        lines += [f"options = [{', '.join(map(toml_string, options))}]",
                  f"answers = [{toml_string(options[0])}, {toml_string(options[2])}]"]
    elif kind == "order":
        lines.append(f"items = [{', '.join(map(toml_string, options))}]")
    else:
        lines += [f'answer = "{n}"', f'accept = ["${n}", "{n} USD"]']
    return "\n".join(lines)


def write_deck(path: Path, cards: int, deck_id: str | None = None) -> Path:
    deck_id = deck_id or f"bench-{cards}"
    header = [
        "[deck]", f'id = "{deck_id}"', f'name = "Benchmark deck of {cards} cards"', 'description = "synthetic"',
        'source = "bench/generate.py"', "",
    ]
    sections = [f'[[sections]]\nid = "part-{k}"\ntitle = "Part {k}"\nstage = {k + 1}\n' for k in range(5)]
    path.write_text("\n".join(header + sections + [card_toml(n) + "\n" for n in range(cards)]), encoding="utf-8")
    return path


def build_collection(mlsquiz: str, db: Path, deck: Path, env: dict) -> None:
    if db.exists():
        db.unlink()
    subprocess.run([mlsquiz, "--db", str(db), "import", str(deck)], check=True, env=env, capture_output=True)


def add_history(db: Path, reviews: int, today: datetime.date, seed: int = 7) -> None:
    """Give most cards a plausible SM-2 state and spread `reviews` review rows over the past year.

    Written straight with SQL (synchronous off): going through the app would mean a million fsyncs."""
    rng = random.Random(seed)
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA synchronous = OFF")
    card_ids = [row[0] for row in conn.execute("SELECT id FROM cards WHERE deck LIKE 'bench-%' ORDER BY id")]
    studied = card_ids[: int(len(card_ids) * 0.8)]  # a fifth stays new
    days = (today - HISTORY_START).days
    with conn:
        states = []
        for card in studied:
            interval = rng.choice((1, 3, 6, 15, 30, 60, 120))
            due = today + datetime.timedelta(days=rng.randint(-5, interval))
            states.append((rng.randint(1, 8), round(rng.uniform(1.3, 3.0), 2), interval, due.isoformat(),
                           rng.randint(0, 3), f"{(due - datetime.timedelta(days=interval)).isoformat()}T12:00:00.000+00:00", card))
        conn.executemany(
            "UPDATE card_state SET repetitions = ?, ease = ?, interval = ?, due = ?, lapses = ?, last_review = ? WHERE card = ?",
            states,
        )
        batch = []
        for n in range(reviews):
            day = HISTORY_START + datetime.timedelta(days=rng.randrange(days))
            grade = rng.choice((5, 4, 4, 3, 3, 2, 1))
            kind = "review" if n % 10 else "drill"
            batch.append((rng.choice(studied), f"{day.isoformat()}T12:{n % 60:02d}:00.000+00:00", day.isoformat(),
                          grade, kind, rng.randint(800, 20_000), 2, 2.5, 6, day.isoformat(), 0, None, 3, 2.5, 15,
                          (day + datetime.timedelta(days=15)).isoformat(), 0))
            if len(batch) == 50_000:
                _insert_reviews(conn, batch)
                batch = []
        _insert_reviews(conn, batch)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


def _insert_reviews(conn, batch) -> None:
    conn.executemany(
        """INSERT INTO reviews (card, reviewed_at, study_day, grade, kind, answer_ms, repetitions_before, ease_before,
           interval_before, due_before, lapses_before, last_review_before, repetitions_after, ease_after,
           interval_after, due_after, lapses_after) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        batch,
    )


def add_memory_states(db: Path, seed: int = 11) -> None:
    """Give every studied card an FSRS memory state (stability, difficulty, last review day) without replaying
    its history, so `stats` has recall to compute for all of them (the synthetic log is not a real learner's)."""
    rng = random.Random(seed)
    conn = sqlite3.connect(db)
    rows = conn.execute("SELECT card, interval, substr(last_review, 1, 10) FROM card_state WHERE last_review IS NOT NULL")
    states = [(max(0.1, interval * rng.uniform(0.5, 2.0)), rng.uniform(1, 10), day, card) for card, interval, day in rows]
    with conn:
        conn.executemany("UPDATE card_state SET stability = ?, difficulty = ?, last_review_day = ? WHERE card = ?",
                         states)
    conn.close()
