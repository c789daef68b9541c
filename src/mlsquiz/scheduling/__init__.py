"""Scheduling, pure: SM-2 in exact arithmetic, the FSRS memory model, the choice between them, and the replay of
a review log into card states. No I/O, no clock (every function takes `today`), no SQL.

May import only the shared root modules (errors); nothing else of mlsquiz."""
