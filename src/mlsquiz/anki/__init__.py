"""Reading Anki packages (.apkg/.colpkg) without the `anki` package: zip, SQLite and zstd only.

package.py opens the zip safely and unpacks its real collection; collection.py reads notes, cards and the review
log from it; text.py turns Anki's HTML into terminal text; history.py and foreign.py map them to mlsquiz."""
