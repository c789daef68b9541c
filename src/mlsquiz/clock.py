"""The study day: local time, a 04:00 rollover, and the `--now` override. The only reader of the real clock."""

import datetime

DEFAULT_ROLLOVER_HOUR = 4


def parse_moment(text: str) -> datetime.datetime:
    """A moment from anything dateutil reads; a time without a zone is local time."""
    try:
        moment = datetime.datetime.fromisoformat(text.strip())  # the common case, without dateutil's ~55 ms import
    except ValueError:
        from dateutil import parser

        from .errors import UsageError

        try:
            moment = parser.parse(text)
        except (ValueError, OverflowError) as err:
            raise UsageError(f"--now: cannot read {text!r} as a date and time ({err})") from None
    return moment.astimezone()  # naive -> local; aware -> same instant, local zone


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
