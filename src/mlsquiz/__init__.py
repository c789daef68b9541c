"""mlsquiz: spaced-repetition flashcards in the terminal."""
