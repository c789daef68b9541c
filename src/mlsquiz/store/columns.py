"""Columns shared by the queries that list cards with their state."""

CARD_COLUMNS = """c.id, c.deck, c.card_id, c.type, c.prompt, c.content, c.section, c.tags, c.position,
                  c.retired, s.repetitions, s.ease, s.interval, s.due, s.lapses, s.last_review"""
