"""Domain errors: raised anywhere, turned into one line on stderr and an exit code only in cli.py."""


class MlsquizError(Exception):
    """A user-facing error. `exit_code` is what the command exits with."""

    exit_code = 1


class UsageError(MlsquizError):
    """Bad command-line input (an option value, an unknown deck id)."""

    exit_code = 2


class DeckError(MlsquizError):
    """A deck file with problems; `problems` holds one `FILE:LINE: message` per problem."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


class CollectionError(MlsquizError):
    """The collection cannot be opened or written: corrupt, foreign, too new, read-only, locked."""


class CollectionBusy(CollectionError):
    """Another program holds the collection's write lock longer than a writer waits; nothing was written."""


class NotATerminalError(MlsquizError):
    """An interactive command run without a terminal."""

    exit_code = 2
