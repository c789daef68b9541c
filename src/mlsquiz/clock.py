"""The study day: local time, a 04:00 rollover, and the `--now` override. The only reader of the real clock."""

import datetime

DEFAULT_ROLLOVER_HOUR = 4
# The years --now may name: the calendar ends in 9999, and a card may be scheduled up to 100 years ahead.
MIN_YEAR, MAX_YEAR = 1900, 9000
ZONE_FOLDERS = ("/usr/share/zoneinfo", "/usr/lib/zoneinfo", "/usr/share/lib/zoneinfo", "/etc/zoneinfo")


def parse_moment(text: str) -> datetime.datetime:
    """A moment from anything dateutil reads; a time without a zone is local time."""
    from .errors import UsageError

    try:
        moment = datetime.datetime.fromisoformat(text.strip())  # the common case, without dateutil's ~55 ms import
    except ValueError:
        from dateutil import parser

        try:
            moment = parser.parse(text)
        except (ValueError, OverflowError, TypeError) as err:
            raise UsageError(f"--now: cannot read {text!r} as a date and time ({err})") from None
    if not MIN_YEAR < moment.year < MAX_YEAR:  # a year of margin on each side for zone offsets
        raise UsageError(f"--now: {text!r} is not between the years {MIN_YEAR} and {MAX_YEAR}, "
                         "which mlsquiz can schedule in")
    try:
        return moment.astimezone()  # naive -> local; aware -> same instant, local zone
    except (ValueError, OverflowError, OSError) as err:
        raise UsageError(f"--now: cannot use {text!r} as a moment ({err})") from None


def unknown_zone_warning() -> str | None:
    """A line to show when $TZ names a zone this system does not know: the C library then silently uses UTC."""
    import os

    zone = os.environ.get("TZ", "").strip()
    name = zone[1:] if zone.startswith(":") else zone
    if not name or name.upper() in ("UTC", "UTC0", "GMT", "GMT0", "Z"):
        return None
    if os.path.isabs(name):
        known = os.path.isfile(name)
    else:
        folders = (os.environ.get("TZDIR") or ZONE_FOLDERS[0], *ZONE_FOLDERS)  # TZDIR: where the C library looks
        known = ".." not in name and any(os.path.isfile(os.path.join(folder, name)) for folder in folders)
    # A POSIX rule such as EST5EDT or <+03>-3 needs no file.
    if known or (not zone.startswith(":") and _posix_rule(name)):
        return None
    return f"mlsquiz: warning: the time zone TZ={zone!r} is unknown here, so study days follow UTC"


def _posix_rule(text: str) -> bool:
    import re

    return re.match(r"^(<[A-Za-z0-9+-]+>|[A-Za-z]{3,})[+-]?\d{1,2}(:\d{2}){0,2}", text) is not None


def current_moment(override: str | None) -> datetime.datetime:
    """The moment a command runs at: the override if given, else the real clock, always zone-aware."""
    if override:
        return parse_moment(override)
    return datetime.datetime.now().astimezone()


def study_day(moment: datetime.datetime, rollover_hour: int = DEFAULT_ROLLOVER_HOUR) -> datetime.date:
    """The local calendar day a moment belongs to; it starts at `rollover_hour` local time."""
    local = moment.astimezone()
    # Wall-clock arithmetic on the local date and hour, so DST changes never skip or double a day.
    return local.date() if local.hour >= rollover_hour else local.date() - datetime.timedelta(days=1)


def day_start(day: datetime.date, rollover_hour: int = DEFAULT_ROLLOVER_HOUR) -> datetime.datetime:
    """The moment (local, zone-aware) a study day begins."""
    naive = datetime.datetime.combine(day, datetime.time(rollover_hour))
    return naive.astimezone()


def utc_timestamp(moment: datetime.datetime) -> str:
    """How moments are stored: ISO 8601 in UTC with milliseconds."""
    return moment.astimezone(datetime.timezone.utc).isoformat(timespec="milliseconds")
