"""Deck files: the model of a deck and its cards (model), reading and validating TOML (reading, check, chunks),
Anki's cloze syntax, and the deck files shipped inside the package (bundled). No SQL, no terminal.

May import runtime/ and the shared root modules (errors); never store/ or anything above it."""
