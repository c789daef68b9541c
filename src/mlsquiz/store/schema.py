"""What marks a file as an mlsquiz collection and which schema this version writes. Kept apart from
migrations.py so that opening a collection (`mlsquiz due`, in every shell prompt) need not load the migrations."""

# 'MLSQ': marks a file as an mlsquiz collection, so another app's SQLite file is never mistaken for one.
APPLICATION_ID = 0x4D4C5351
SCHEMA_VERSION = 11  # len(migrations.MIGRATIONS); a test keeps the two equal
