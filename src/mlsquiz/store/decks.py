"""Decks and cards in the collection: importing (upsert by card id, retiring what a file dropped) and listing."""

import hashlib
import json
import operator
from dataclasses import dataclass

from .columns import CARD_COLUMNS  # noqa: F401  (re-exported: listing queries share it)


@dataclass(frozen=True)
class ImportSummary:
    deck_id: str
    added: int = 0
    updated: int = 0
    retired: int = 0
    unchanged: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.retired)


def deck_with_file_hash(collection, file_hash: str) -> str | None:
    row = collection.conn.execute("SELECT id FROM decks WHERE file_hash = ?", (file_hash,)).fetchone()
    return row["id"] if row else None


# json.dumps with options builds a new encoder per call; a deck has thousands of cards.
_CONTENT_JSON = json.JSONEncoder(ensure_ascii=False).encode
SAVE_BATCH = 1_000  # cards written per statement batch; a progress bar moves on after each


def _in_batches(conn, sql: str, rows: list, advance) -> None:
    for start in range(0, len(rows), SAVE_BATCH):
        batch = rows[start:start + SAVE_BATCH]
        conn.executemany(sql, batch)
        if advance is not None:
            advance(len(batch))


def content_hashes(cards) -> list[str]:
    """Each card's content hash, as import_deck stores it: pure, so an Anki import works them out in its forked
    child while this process maps the review log (store/anki_import.py)."""
    return [card.content_hash for card in cards]


def card_values(cards, hashes: list[str] | None = None) -> list[tuple]:
    """(type, prompt, content as JSON, section, tags as JSON, content hash) of each card, as import_deck writes
    them; `hashes`: content_hashes(cards), if worked out already."""
    tags_json: dict = {}  # a deck's cards share a few sets of tags
    values = []
    for card, content_hash in zip(cards, hashes or map(operator.attrgetter("content_hash"), cards), strict=True):
        tags = tags_json.get(card.tags) if type(card.tags) is tuple else None
        if tags is None:
            tags = json.dumps(list(card.tags))
            if type(card.tags) is tuple:
                tags_json[card.tags] = tags
        values.append((card.type, card.prompt, _CONTENT_JSON(card.content), card.section, tags, content_hash))
    return values


def import_deck(collection, deck, file_hash: str, *, bundled: bool = False, bars=None,
                hashes: list[str] | None = None) -> ImportSummary:
    """Add or update `deck` in one transaction; progress stays with each card id. `bars` (progress.progress)
    is told how far saving is; an interrupt rolls everything back. `hashes`: content_hashes(deck.cards), if
    worked out already."""
    with collection.transaction() as conn:
        existing = {
            row["card_id"]: row
            for row in conn.execute(
                "SELECT id, card_id, type, section, tags, position, content_hash, retired FROM cards WHERE deck = ?",
                (deck.id,),
            )
        }
        conn.execute(
            """INSERT INTO decks (id, name, description, source, sections, resources, file_hash, bundled, imported_at, meta)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), ?)
               ON CONFLICT (id) DO UPDATE SET name = excluded.name, description = excluded.description,
                 source = excluded.source, sections = excluded.sections, resources = excluded.resources,
                 file_hash = excluded.file_hash, bundled = excluded.bundled, imported_at = excluded.imported_at,
                 meta = excluded.meta""",
            (deck.id, deck.name, deck.description, deck.source, json.dumps(deck.sections),
             json.dumps(deck.resources), file_hash, int(bundled), json.dumps(deck.meta, ensure_ascii=False)),
        )
        inserts, updates, edited = [], [], 0
        for position, (card, (kind, prompt, content, section, tags, content_hash)) in enumerate(
                zip(deck.cards, card_values(deck.cards, hashes))):
            row = (kind, prompt, content, section, tags, position, content_hash)
            old = existing.get(card.id)
            if old is None:
                inserts.append((deck.id, card.id, *row))
                continue
            changed = (old["content_hash"], old["retired"], old["type"], old["section"], old["tags"]) != (
                content_hash, 0, kind, section, tags)
            if changed or old["position"] != position:
                updates.append((*row, old["id"]))
            edited += changed  # a card that only moved because another was added or dropped is not "updated"
        advance = None if bars is None else bars.stage("saving cards", len(inserts) + len(updates)).advance
        _in_batches(conn, """INSERT INTO cards (deck, card_id, type, prompt, content, section, tags, position,
                               content_hash, retired) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0)""", inserts, advance)
        _in_batches(conn, """UPDATE cards SET type = ?, prompt = ?, content = ?, section = ?, tags = ?, position = ?,
                               content_hash = ?, retired = 0 WHERE id = ?""", updates, advance)
        from .bulk import bulk_state_changes

        with bulk_state_changes(conn, len(inserts)):
            conn.execute(
                """INSERT INTO card_state (card, deck, section, position, retired)
                   SELECT id, deck, section, position, retired FROM cards
                   WHERE deck = ? AND id NOT IN (SELECT card FROM card_state)""",
                (deck.id,),
            )
        kept = {card.id for card in deck.cards}
        to_retire = [(row["id"],) for key, row in existing.items() if key not in kept and not row["retired"]]
        conn.executemany("UPDATE cards SET retired = 1 WHERE id = ?", to_retire)
    return ImportSummary(deck.id, added=len(inserts), updated=edited, retired=len(to_retire),
                         unchanged=len(deck.cards) - len(inserts) - edited)


def anki_deck_identities(conn, decks: list[tuple[str, int, list[str]]]) -> dict[str, str]:
    """The mlsquiz deck id each deck of an Anki import goes to, from (proposed id, its Anki deck id, its card ids).

    An existing deck is the same deck only if it holds some of these notes (card ids come from note GUIDs) and
    came from the same Anki deck (or, imported before origins were kept, from no other). Unrelated packages whose
    notes sit in Anki's "Default" deck, or a deck file that happens to be named `anki-default`, never share an id:
    the newcomer gets the proposed id with a digest of its Anki deck and notes."""
    taken = {row[0] for row in conn.execute("SELECT id FROM decks")}
    chosen: dict[str, str] = {}
    for proposed, anki_deck, card_ids in decks:
        found = _same_anki_deck(conn, anki_deck, card_ids, set(chosen.values()))
        if found is None:
            digest = hashlib.sha256("\x1f".join([str(anki_deck), *sorted(card_ids)]).encode()).hexdigest()
            found, length = proposed, 8
            while found in taken or found in chosen.values():
                found = f"{proposed}-{digest[:length]}" if length <= len(digest) else f"{proposed}-{digest}-{length}"
                length += 4
        chosen[proposed] = found
    return chosen


def _same_anki_deck(conn, anki_deck: int, card_ids: list[str], claimed: set[str]) -> str | None:
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS anki_deck_cards (card_id TEXT PRIMARY KEY)")
    conn.execute("DELETE FROM temp.anki_deck_cards")
    conn.executemany("INSERT OR IGNORE INTO temp.anki_deck_cards VALUES (?)", ((card,) for card in card_ids))
    rows = conn.execute(
        """SELECT c.deck, d.meta, count(*) AS shared FROM cards c JOIN decks d ON d.id = c.deck
           WHERE c.card_id IN (SELECT card_id FROM temp.anki_deck_cards) GROUP BY c.deck ORDER BY shared DESC, c.deck"""
    ).fetchall()
    for deck, meta, _ in rows:
        try:
            origin = json.loads(meta or "{}").get("anki")
        except (ValueError, AttributeError):
            continue
        legacy = origin is None and deck.startswith("anki-")
        if deck not in claimed and (legacy or isinstance(origin, dict) and origin.get("deck") == anki_deck):
            return deck
    return None


def deck_rows(collection) -> list:
    """Every deck with its card counts (active, retired, new, due is left to the study queries)."""
    return collection.conn.execute(
        """SELECT d.id, d.name, d.bundled,
                  count(c.id) FILTER (WHERE c.retired = 0) AS cards,
                  count(c.id) FILTER (WHERE c.retired = 1) AS retired,
                  count(c.id) FILTER (WHERE c.retired = 0 AND s.last_review IS NULL) AS new
           FROM decks d LEFT JOIN cards c ON c.deck = d.id LEFT JOIN card_state s ON s.card = c.id
           GROUP BY d.id ORDER BY d.id"""
    ).fetchall()


def deck_exists(collection, deck_id: str) -> bool:
    return collection.conn.execute("SELECT 1 FROM decks WHERE id = ?", (deck_id,)).fetchone() is not None


def deck_row(collection, deck_id: str):
    return collection.conn.execute("SELECT * FROM decks WHERE id = ?", (deck_id,)).fetchone()


def card_rows(collection, deck_id: str | None = None, *, include_retired: bool = True) -> list:
    """Cards with their state, in deck and authored order."""
    where, params = ["1 = 1"], []
    if deck_id:
        where.append("c.deck = ?")
        params.append(deck_id)
    if not include_retired:
        where.append("c.retired = 0")
    return collection.conn.execute(
        f"""SELECT {CARD_COLUMNS} FROM cards c JOIN card_state s ON s.card = c.id
            WHERE {' AND '.join(where)} ORDER BY c.deck, c.position""",
        params,
    ).fetchall()


def deck_meta(collection, deck_id: str) -> dict:
    """The extra facts of a deck's `[deck]` table (`meta`, e.g. the exam's status); {} for none or an unknown deck."""
    row = collection.conn.execute("SELECT meta FROM decks WHERE id = ?", (deck_id,)).fetchone()
    return json.loads(row["meta"] or "{}") if row else {}


def deck_has_reviews(collection, deck_id: str) -> bool:
    """Whether any card of the deck was ever answered (a fresh deck shows its exam notice before the first card)."""
    return collection.conn.execute(
        "SELECT 1 FROM cards c WHERE c.deck = ? AND EXISTS (SELECT 1 FROM reviews r WHERE r.card = c.id) LIMIT 1",
        (deck_id,),
    ).fetchone() is not None
