"""Process-level tricks, each measured and each behind its own seam: the paused garbage collector (gc_pause),
data kept until the process exits (lifetime), the forked child that builds decks during an Anki import
(forked), and the sweep of temporary files left by killed runs (leftovers). Nothing else needs to know them.

May import only the standard library and the shared root modules."""
