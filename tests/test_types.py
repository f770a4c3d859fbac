"""Typed values: dates, durations, booleans, placeholders (diag/types.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from diag.types import (CONVERTERS, format_value, to_bool, to_datetime, to_duration, to_int, to_json,
                        to_raw, to_release, to_text, to_upper, to_url, url_parts)
from diag.version import Release

UTC = dt.timezone.utc


def utc(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize("text, expected", [
    # Smart Agent (show license status)
    ("Jun 22 16:15:41 2022 UTC", utc(2022, 6, 22, 16, 15, 41)),
    ("Mar 03 09:12:40 2023 UTC", utc(2023, 3, 3, 9, 12, 40)),
    ("Jun  2 16:15:41 2022 UTC", utc(2022, 6, 2, 16, 15, 41)),
    # zones: converted to UTC
    ("Jun 22 12:15:41 2022 EDT", utc(2022, 6, 22, 16, 15, 41)),
    ("Dec 02 07:15:41 2024 EST", utc(2024, 12, 2, 12, 15, 41)),
    ("Jan 22 14:03:27 2024 CET", utc(2024, 1, 22, 13, 3, 27)),
    ("Jul 20 15:03:27 2024 CEST", utc(2024, 7, 20, 13, 3, 27)),
    ("Apr 08 21:47:05 2024 IST", utc(2024, 4, 8, 16, 17, 5)),
    ("Sep 04 01:15:22 2023 BST", utc(2023, 9, 4, 0, 15, 22)),
    ("Aug 03 09:03:25 2024 est", utc(2024, 8, 3, 14, 3, 25)),  # lower-case zone
    ("Jun 22 16:15:41 2022 XYZT", utc(2022, 6, 22, 16, 15, 41)),  # unknown zone read as UTC
    # a date written year first with a zone after the time; numeric offsets
    ("2024-01-20 10:00:00 UTC", utc(2024, 1, 20, 10, 0, 0)),
    ("2024-01-20 02:00:00 PST", utc(2024, 1, 20, 10, 0, 0)),
    ("Jan 20 10:00:00 2024 +0530", utc(2024, 1, 20, 4, 30, 0)),
    ("Jan 20 10:00:00 2024 -08:00", utc(2024, 1, 20, 18, 0, 0)),
    # !Time: line of a running-config (no zone: UTC); single-digit day padded with a space
    ("Wed Jun 22 16:16:28 2022", utc(2022, 6, 22, 16, 16, 28)),
    ("Thu Mar  9 14:27:10 2023", utc(2023, 3, 9, 14, 27, 10)),
    # show clock, with and without the '*' of an unsynchronised clock
    ("16:16:28.123 UTC Wed Jun 22 2022", utc(2022, 6, 22, 16, 16, 28, 123000)),
    ("*11:46:03.512 EDT Thu Jun 13 2024", utc(2024, 6, 13, 15, 46, 3, 512000)),
    # syslog, year first, padded day, milliseconds
    ("2022 Jun  2 16:15:41.123", utc(2022, 6, 2, 16, 15, 41, 123000)),
    ("2024 Feb 26 15:09:41", utc(2024, 2, 26, 15, 9, 41)),
    # ISO 8601
    ("2022-06-22T16:15:41Z", utc(2022, 6, 22, 16, 15, 41)),
    ("2022-06-22 18:15:41+02:00", utc(2022, 6, 22, 16, 15, 41)),
    ("2022-06-22T16:15:41", utc(2022, 6, 22, 16, 15, 41)),
    # a date without a time is midnight
    ("Jun 22 2022", utc(2022, 6, 22)),
    # full month names and commas
    ("June 22, 2022 16:15:41 UTC", utc(2022, 6, 22, 16, 15, 41)),
])
def test_dates(text, expected):
    got = to_datetime(text)
    assert got == expected
    assert got.tzinfo is not None and got.utcoffset() == dt.timedelta(0)


@pytest.mark.parametrize("text", [
    None, "", "   ", "<none>", "<empty>", "None", "Never", "n/a", "-", "Not Configured",
    "garbage", "Jun 2022",  # no day
    "Feb 30 10:00:00 2023 UTC",  # impossible day
    "16:15:41 UTC",  # no date at all
])
def test_dates_that_are_not(text):
    assert to_datetime(text) is None


@pytest.mark.parametrize("text, expected", [
    ("89 days, 23 hours, 50 minutes, 7 seconds", dt.timedelta(days=89, hours=23, minutes=50, seconds=7)),
    ("1 day(s), 20 hour(s), 53 minute(s), 38 second(s)", dt.timedelta(days=1, hours=20, minutes=53, seconds=38)),
    ("30  days", dt.timedelta(days=30)),
    ("12 hours", dt.timedelta(hours=12)),
    ("5 mins 3 secs", dt.timedelta(minutes=5, seconds=3)),
    ("2 weeks", dt.timedelta(weeks=2)),
    ("0 days, 0 hours, 0 minutes, 0 seconds", dt.timedelta(0)),
])
def test_durations(text, expected):
    assert to_duration(text) == expected


@pytest.mark.parametrize("text", [None, "", "<none>", "0 (no reporting)", "soon"])
def test_durations_that_are_not(text):
    assert to_duration(text) is None


@pytest.mark.parametrize("text, expected", [
    ("ENABLED", True), ("Enabled", True), ("enable", True), ("True", True), ("yes", True), ("on", True),
    ("Allowed", True), ("ALLOWED", True), ("Installed", True),
    ("DISABLED", False), ("disable", False), ("False", False), ("no", False), ("off", False),
    ("Not Allowed", False), ("NOT ALLOWED", False), ("not installed", False),
    ("  enabled  ", True),
    (None, None), ("", None), ("<none>", None), ("maybe", None), ("yes (CISCO default)", None),
])
def test_booleans(text, expected):
    assert to_bool(text) is expected


@pytest.mark.parametrize("placeholder", ["<none>", "<empty>", "Not Configured", "NOT CONFIGURED", "", "   "])
def test_placeholders_are_absent_values(placeholder):
    assert to_text(placeholder) is None
    assert to_upper(placeholder) is None
    assert to_url(placeholder) is None
    assert to_int(placeholder) is None
    assert to_datetime(placeholder) is None


def test_raw_keeps_placeholders():
    assert to_raw("<none>") == "<none>"
    assert to_raw("  Jun 03 09:41:22 2024 UTC ") == "Jun 03 09:41:22 2024 UTC"
    assert to_raw("") is None and to_raw(None) is None


def test_text_and_upper():
    assert to_text("  Acme Networks ") == "Acme Networks"
    assert to_text("None") == "None"  # a status word, not a placeholder ("Last Renewal Attempt: None")
    assert to_upper("Not  Allowed") == "NOT ALLOWED"
    assert to_upper("No Licenses in Use") == "NO LICENSES IN USE"
    assert to_upper("None") == "NONE"


def test_int():
    assert to_int("3128") == 3128
    assert to_int("port 80") == 80
    assert to_int("-5") == -5
    assert to_int("none") is None
    assert to_int("abc") is None


def test_release_and_url():
    assert to_release("9.3(4)") == Release.parse("9.3(4)")
    assert to_release("<none>") is None
    assert to_url(" https://tools.cisco.com/its/service/oddce/services/DDCEService ") == \
        "https://tools.cisco.com/its/service/oddce/services/DDCEService"
    assert url_parts("HTTP://tools.cisco.com/its/service") == ("http", "tools.cisco.com", "/its/service")
    assert url_parts("https://[2001:db8::1]:8443/cslu/v1/pi") == ("https", "2001:db8::1", "/cslu/v1/pi")
    assert url_parts("") == ("", "", "")


def test_converter_table_is_complete():
    assert set(CONVERTERS) == {"text", "raw", "upper", "int", "bool", "date", "duration", "release", "url"}


def test_json_and_format():
    when = utc(2022, 6, 22, 16, 15, 41)
    assert to_json(when) == "2022-06-22T16:15:41+00:00"
    assert to_json(dt.timedelta(days=1, hours=12)) == 1.5
    assert to_json(Release.parse("10.2(3)F")) == "10.2(3)F"
    assert to_json([when]) == ["2022-06-22T16:15:41+00:00"]
    assert format_value(when) == "Jun 22 2022 16:15 UTC"
    assert format_value(dt.timedelta(days=30)) == "30 days"
    assert format_value(dt.timedelta(hours=5)) == "5 hours"
    assert format_value(True) == "yes"
    assert format_value(None) == "?"


_ZONES = st.sampled_from(["UTC", "EDT", "EST", "CET", "CEST", "IST", "PDT", "JST", "BST"])


@given(st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2099, 12, 31)), _ZONES)
def test_smart_agent_form_round_trips(local, zone):
    from diag.types import ZONES

    text = local.strftime("%b %d %H:%M:%S %Y ") + zone
    expected = (local.replace(microsecond=0) - dt.timedelta(hours=ZONES[zone.lower()])).replace(tzinfo=UTC)
    assert to_datetime(text) == expected


@given(st.text(max_size=60))
def test_converters_never_raise(text):
    for conv in CONVERTERS.values():
        conv(text)


@pytest.mark.parametrize("text,zone,known,month", [
    ("10:15:02.117 MEZ Tue May 16 2023", "MEZ", False, 5),
    ("16:16:28.811 UTC Wed Jun 22 2022", "UTC", True, 6),
    ("10:15:02.117 MAR Wed Jun 22 2022", "MAR", False, 6),  # a zone named like a month
    ("10:15:02.117 SUN Sun Jun 22 2022", "SUN", False, 6),  # like a day
    ("10:15:02.117 PST8 Wed Jun 22 2022", "PST8", False, 6),
    ("10:15:02.117 GMT+8 Wed Jun 22 2022", "GMT+8", False, 6),
    ("Wed Jun 22 16:16:28 2022", None, True, 6),  # !Time: names no zone
    ("Jun 22 16:15:44 2022 UTC", None, True, 6),
])
def test_the_zone_of_a_clock_reading(text, zone, known, month):
    from diag.types import zone_of

    assert zone_of(text) == (zone, known)
    assert to_datetime(text).month == month
