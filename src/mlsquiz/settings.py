"""The collection's settings: names, defaults and validation (pure; the store keeps the values)."""

from .errors import UsageError

DEFAULTS = {"new_per_day": 10, "reviews_per_day": 200, "rollover_hour": 4}
HELP = {
    "new_per_day": "new cards introduced per study day, across all sessions",
    "reviews_per_day": "due cards reviewed per study day, across all sessions",
    "rollover_hour": "local hour (0-23) at which a new study day starts",
}
RANGES = {"new_per_day": (0, 100_000), "reviews_per_day": (0, 1_000_000), "rollover_hour": (0, 23)}


def parse_setting(key: str, value: str) -> int:
    """Validate one setting; raises UsageError with a one-line reason."""
    if key not in DEFAULTS:
        raise UsageError(f"unknown setting {key!r} (known: {', '.join(DEFAULTS)})")
    low, high = RANGES[key]
    try:
        number = int(value)
    except ValueError:
        raise UsageError(f"{key} must be a whole number, not {value!r}") from None
    if not low <= number <= high:
        raise UsageError(f"{key} must be between {low} and {high}, not {number}")
    return number


def effective_settings(stored: dict[str, str]) -> dict[str, int]:
    """Defaults overlaid with what the collection stores."""
    return {key: int(stored.get(key, default)) for key, default in DEFAULTS.items()}
