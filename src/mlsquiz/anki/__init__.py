"""Anki packages: reading .apkg/.colpkg without the `anki` package (zip, SQLite and zstd only) and writing them.

package.py opens the zip safely and unpacks its real collection; collection.py reads notes, cards and the review
log from it; text.py turns Anki's HTML into terminal text; history.py and foreign.py map them to mlsquiz;
export.py and export_progress.py write a package with genanki and carry progress into it.

May import store/, scheduling/, deckfile/, terminal/, runtime/ and the shared root modules; never study/, exam/
or commands/."""
