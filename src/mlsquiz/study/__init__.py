"""Studying: the session queue (which cards, in what order, the same-day re-drill, undo), the quiz loop that
presents cards through terminal/'s prompter, answer checking, and the pure figures of `stats`.

May import store/, scheduling/, deckfile/, terminal/, runtime/ and the shared root modules; never commands/ or exam/."""
