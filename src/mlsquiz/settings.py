"""The collection's settings: names, defaults and validation (pure; the store keeps the values)."""

from .errors import UsageError

DEFAULTS = {"new_per_day": 10, "reviews_per_day": 200, "rollover_hour": 4, "scheduler": "sm2",
            "desired_retention": 0.9, "leech_lapses": 8, "leech_action": "suspend",
            "exam_final_days": 7, "backups_kept": 10}
HELP = {
    "new_per_day": "new cards introduced per study day, across all sessions",
    "reviews_per_day": "due cards reviewed per study day, across all sessions",
    "rollover_hour": "local hour (0-23) at which a new study day starts",
    "scheduler": "sm2 or fsrs: which model sets review intervals (switching recomputes every schedule)",
    "desired_retention": "fsrs only: the recall probability (0.70-0.99) at which a card falls due",
    "leech_lapses": "lapses (grades below 3) after which a card is a leech",
    "leech_action": "suspend or tag: what happens to a leech (tag keeps it in sessions)",
    "exam_final_days": "with an exam date: the last days before it in which every card is shown once more",
    "backups_kept": "backups of the collection kept (one is made before each bulk change; see 'mlsquiz backups')",
}
CHOICES = {"scheduler": ("sm2", "fsrs"), "leech_action": ("suspend", "tag")}
RANGES = {"new_per_day": (0, 100_000), "reviews_per_day": (0, 1_000_000), "rollover_hour": (0, 23),
          "desired_retention": (0.70, 0.99), "leech_lapses": (1, 1000),
          "exam_final_days": (1, 60), "backups_kept": (1, 1000)}


def parse_setting(key: str, value: str) -> int | float | str:
    """Validate one setting; raises UsageError with a one-line reason."""
    if key not in DEFAULTS:
        raise UsageError(f"unknown setting {key!r} (known: {', '.join(DEFAULTS)})")
    if key in CHOICES:
        if value not in CHOICES[key]:
            raise UsageError(f"{key} must be one of {', '.join(CHOICES[key])}, not {value!r}")
        return value
    low, high = RANGES[key]
    if isinstance(DEFAULTS[key], float):
        try:
            number = float(value)
        except ValueError:
            number = None
        if number is None or not low <= number <= high:
            raise UsageError(f"{key} must be a number from {low:.2f} to {high:.2f}, not {value!r}")
        return number
    try:
        number = int(value)
    except ValueError:
        raise UsageError(f"{key} must be a whole number, not {value!r}") from None
    if not low <= number <= high:
        raise UsageError(f"{key} must be between {low} and {high}, not {number}")
    return number


def effective_settings(stored: dict[str, str]) -> dict[str, int | float | str]:
    """Defaults overlaid with what the collection stores, each of its default's type."""
    return {key: type(default)(stored.get(key, default)) for key, default in DEFAULTS.items()}
