import datetime

import pytest

from mlsquiz import clock
from mlsquiz.errors import UsageError


@pytest.mark.parametrize(
    "moment, day",
    [
        ("2026-03-02 03:59", "2026-03-01"),
        ("2026-03-02 04:00", "2026-03-02"),
        ("2026-03-02 23:59", "2026-03-02"),
        ("2026-03-03 00:30", "2026-03-02"),
    ],
)
def test_study_day_rolls_over_at_four(local_zone, moment, day):
    local_zone("Europe/Berlin")
    assert clock.study_day(clock.parse_moment(moment)) == datetime.date.fromisoformat(day)


def test_rollover_hour_is_configurable(local_zone):
    local_zone("UTC")
    assert clock.study_day(clock.parse_moment("2026-03-02 05:30"), rollover_hour=6) == datetime.date(2026, 3, 1)


@pytest.mark.parametrize("zone", ["America/New_York", "Europe/Berlin"])
def test_dst_changes_neither_skip_nor_double_a_day(local_zone, zone):
    local_zone(zone)
    # Every hour through March and November: study days advance by exactly one, once a day.
    for month in (3, 10, 11):
        start = clock.parse_moment(f"2026-{month:02d}-01 00:00").astimezone(datetime.timezone.utc)
        seen = []
        for hour in range(24 * 30):
            day = clock.study_day(start + datetime.timedelta(hours=hour))
            if not seen or seen[-1] != day:
                seen.append(day)
        assert all((b - a).days == 1 for a, b in zip(seen, seen[1:]))


def test_naive_now_is_local_time(local_zone):
    local_zone("America/New_York")
    moment = clock.parse_moment("2026-07-01 09:00")
    assert moment.utcoffset() == datetime.timedelta(hours=-4)
    assert clock.utc_timestamp(moment) == "2026-07-01T13:00:00.000+00:00"


def test_aware_now_keeps_its_instant(local_zone):
    local_zone("Europe/Berlin")
    moment = clock.parse_moment("2026-01-10T02:30:00Z")
    assert moment.hour == 3 and clock.study_day(moment) == datetime.date(2026, 1, 9)


def test_unreadable_now_is_a_usage_error():
    with pytest.raises(UsageError, match="--now"):
        clock.parse_moment("next blursday")


def test_day_start_is_rollover_hour_local(local_zone):
    local_zone("Europe/Berlin")
    start = clock.day_start(datetime.date(2026, 3, 29))  # DST begins that night
    assert (start.hour, start.utcoffset()) == (4, datetime.timedelta(hours=2))


@pytest.mark.parametrize("text", ["0001-01-01", "9999-12-31 23:00", "1900-06-01", "9000-01-01",
                                  "2026-03-02T09:00+25:00", "2026-03-02 09:00 +2500"])
def test_now_outside_what_the_calendar_can_hold_is_a_usage_error(text):
    with pytest.raises(UsageError, match="--now"):
        clock.parse_moment(text)


@pytest.mark.parametrize("zone, warned", [("Mars/Olympus", True), (":Nowhere/Else", True), ("../../etc/passwd", True),
                                          ("Europe/Berlin", False), ("UTC", False), ("EST5EDT", False),
                                          ("<+03>-3", False), ("", False)])
def test_an_unknown_zone_is_named_in_a_warning(monkeypatch, zone, warned):
    monkeypatch.setenv("TZ", zone)
    warning = clock.unknown_zone_warning()
    assert (warning is not None) == warned
    if warned:
        assert zone in warning and "UTC" in warning
