"""One module per command family: each parses what the user said, calls the layers below, and prints through
terminal/. May import exam/, study/, anki/, store/ and everything below; never cli.py or context.py.

COMMANDS is the table cli.py dispatches from (modules are imported only when their command runs)."""

# command -> (module:function, one-line help, example)
COMMANDS = {
    "quiz": ("mlsquiz.commands.quiz:run", "study today's cards (the default command)", "mlsquiz quiz --new 5"),
    "due": ("mlsquiz.commands.due:run", "one line of what is due, for a shell prompt or status bar", "mlsquiz due --json"),
    "stats": ("mlsquiz.commands.stats:run", "statistics: today, forecast, retention, streaks, mastery", "mlsquiz stats --days 30"),
    "roadmap": ("mlsquiz.commands.roadmap:run", "the post's five stages, their resources and your progress", "mlsquiz roadmap"),
    "export": ("mlsquiz.commands.export:run", "write an Anki package (.apkg)", "mlsquiz export -o aws.apkg --with-progress"),
    "import": ("mlsquiz.commands.collection:run_import", "add or update a deck from a deck file or an Anki package, or merge another collection", "mlsquiz import decks/my-deck.toml"),
    "check": ("mlsquiz.commands.collection:run_check", "validate deck files without importing them", "mlsquiz check decks/*.toml"),
    "decks": ("mlsquiz.commands.collection:run_decks", "list decks, their sections and tags, with card counts", "mlsquiz decks --json"),
    "cards": ("mlsquiz.commands.collection:run_cards", "browse and search cards, or show one in full (cards show ID)", "mlsquiz cards --search sagemaker --answers"),
    "config": ("mlsquiz.commands.collection:run_config", "show or change settings such as new cards per day", "mlsquiz config new_per_day 15"),
    "doctor": ("mlsquiz.commands.collection:run_doctor", "check the collection file's integrity", "mlsquiz doctor"),
    "backups": ("mlsquiz.commands.backups:run_backups", "list the backups kept before each bulk change (when, what change, size)", "mlsquiz backups"),
    "restore": ("mlsquiz.commands.backups:run_restore", "put a backup back in the collection's place (the current state is kept as a backup first)", "mlsquiz restore 3"),
    "suspend": ("mlsquiz.commands.manage:run", "take cards out of sessions, counts and exports", "mlsquiz suspend b1 c1"),
    "unsuspend": ("mlsquiz.commands.manage:run", "bring suspended cards back", "mlsquiz unsuspend --tag leech-prone --yes"),
    "bury": ("mlsquiz.commands.manage:run", "take cards out of today's session only", "mlsquiz bury practice-price"),
    "unbury": ("mlsquiz.commands.manage:run", "bring buried cards back into today's session", "mlsquiz unbury practice-price"),
    "forget": ("mlsquiz.commands.manage:run", "reset cards to new, keeping their review history", "mlsquiz forget --section aws --yes"),
    "completion": ("mlsquiz.commands.completion:run", "print a shell completion script (bash, zsh or fish)", "mlsquiz completion bash > ~/.local/share/bash-completion/completions/mlsquiz"),
    "optimize": ("mlsquiz.commands.optimize:run", "fit the FSRS memory model to your review history", "mlsquiz optimize"),
    "exam": ("mlsquiz.commands.exam:run", "exam preparation: exam date, pacing plan, readiness, timed practice exam", "mlsquiz exam date 2027-02-15"),
}
