"""kube/cron.py against robfig/cron v3.0.1 (what the CronJob controller and the API's validation use): the
parser's errors (parser.go) and Next (spec.go), with the cases of robfig/cron's spec_test.go (TestActivation,
TestNext) written in the standard five fields. In v3 a stepped star (``*/10``) is no longer a star (getRange clears
starBit when step > 1): day of month and day of week then match with OR, two cases below say so."""

from __future__ import annotations

import datetime as dt

import pytest

from minikctl.kube import cron


def ms(text: str) -> int:
    """A time as spec_test.go's getTime writes them: "Mon Jul 9 14:45 2012" (UTC) or an ISO time with offset."""
    for fmt in ("%a %b %d %H:%M %Y", "%a %b %d %H:%M:%S %Y"):
        try:
            return int(dt.datetime.strptime(text, fmt).replace(tzinfo=dt.timezone.utc).timestamp() * 1000)
        except ValueError:
            pass
    return int(dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S%z").timestamp() * 1000)


@pytest.mark.parametrize("when, spec, expected", [
    ("Mon Jul 9 15:00 2012", "0/15 * * * *", True),
    ("Mon Jul 9 15:45 2012", "0/15 * * * *", True),
    ("Mon Jul 9 15:40 2012", "0/15 * * * *", False),
    ("Mon Jul 9 15:05 2012", "5/15 * * * *", True),
    ("Mon Jul 9 15:20 2012", "5/15 * * * *", True),
    ("Mon Jul 9 15:50 2012", "5/15 * * * *", True),
    ("Sun Jul 15 15:00 2012", "0/15 * * Jul *", True),
    ("Sun Jul 15 15:00 2012", "0/15 * * Jun *", False),
    ("Sun Jul 15 08:30 2012", "30 08 ? Jul Sun", True),
    ("Sun Jul 15 08:30 2012", "30 08 15 Jul ?", True),
    ("Mon Jul 16 08:30 2012", "30 08 ? Jul Sun", False),
    ("Mon Jul 16 08:30 2012", "30 08 15 Jul ?", False),
    ("Mon Jul 9 15:00 2012", "@hourly", True),
    ("Mon Jul 9 15:04 2012", "@hourly", False),
    ("Mon Jul 9 15:00 2012", "@daily", False),
    ("Mon Jul 9 00:00 2012", "@daily", True),
    ("Mon Jul 9 00:00 2012", "@weekly", False),
    ("Sun Jul 8 00:00 2012", "@weekly", True),
    ("Sun Jul 8 01:00 2012", "@weekly", False),
    ("Sun Jul 8 00:00 2012", "@monthly", False),
    ("Sun Jul 1 00:00 2012", "@monthly", True),
    # day of month OR day of week when both are restricted, AND when one is a star
    ("Sun Jul 15 00:00 2012", "* * 1,15 * Sun", True),
    ("Fri Jun 15 00:00 2012", "* * 1,15 * Sun", True),
    ("Wed Aug 1 00:00 2012", "* * 1,15 * Sun", True),
    ("Sun Jul 15 00:00 2012", "* * * * Mon", False),
    ("Sun Jul 15 00:00 2012", "* * */10 * Sun", True),  # v3: a stepped star is no star (getRange: step > 1)
    ("Mon Jul 9 00:00 2012", "* * 1,15 * *", False),
    ("Sun Jul 15 00:00 2012", "* * 1,15 * *", True),
    ("Sun Jul 15 00:00 2012", "* * */2 * Sun", True),
])
def test_activation(when, spec, expected):
    """spec_test.go TestActivation: Next(t - 1s) == t exactly when t matches."""
    t = ms(when)
    assert (cron.parse(spec).next(t - 1000) == t) is expected


@pytest.mark.parametrize("when, spec, expected", [
    ("Mon Jul 9 14:45 2012", "0/15 * * * *", "Mon Jul 9 15:00 2012"),
    ("Mon Jul 9 14:59 2012", "0/15 * * * *", "Mon Jul 9 15:00 2012"),
    ("Mon Jul 9 14:59:59 2012", "0/15 * * * *", "Mon Jul 9 15:00 2012"),
    ("Mon Jul 9 15:45 2012", "20-35/15 * * * *", "Mon Jul 9 16:20 2012"),
    ("Mon Jul 9 23:46 2012", "*/15 * * * *", "Tue Jul 10 00:00 2012"),
    ("Mon Jul 9 23:45 2012", "20-35/15 * * * *", "Tue Jul 10 00:20 2012"),
    ("Mon Jul 9 23:35 2012", "0 0 9 Apr-Oct ?", "Thu Aug 9 00:00 2012"),
    ("Mon Jul 9 23:35 2012", "0 0 */5 Apr,Aug,Oct Mon", "Wed Aug 1 00:00 2012"),  # v3: day 1 OR Monday
    ("Mon Jul 9 23:35 2012", "0 0 */5 Oct Mon", "Mon Oct 1 00:00 2012"),
    ("Mon Jul 9 23:35 2012", "0 0 * Feb Mon", "Mon Feb 4 00:00 2013"),
    ("Mon Jul 9 23:35 2012", "0 0 * Feb Mon/2", "Fri Feb 1 00:00 2013"),
    ("Mon Dec 31 23:59:45 2012", "* * * * *", "Tue Jan 1 00:00:00 2013"),
    ("Mon Jul 9 23:35 2012", "0 0 29 Feb ?", "Mon Feb 29 00:00 2016"),
])
def test_next(when, spec, expected):
    """spec_test.go TestNext."""
    assert cron.parse(spec).next(ms(when)) == ms(expected)


@pytest.mark.parametrize("when, spec, expected", [
    ("2012-03-11T00:00:00-0500", "30 2 11 Mar ?", "2013-03-11T02:30:00-0400"),  # EST -> EDT: 02:30 does not exist
    ("2012-11-04T00:00:00-0400", "30 2 04 Nov ?", "2012-11-04T02:30:00-0500"),  # EDT -> EST
    ("2012-11-04T01:45:00-0400", "30 1 04 Nov ?", "2012-11-04T01:30:00-0500"),  # the repeated hour
])
def test_next_across_daylight_saving_time(when, spec, expected):
    """spec_test.go's daylight-saving cases, in America/New_York (TZ= as formatSchedule writes a CronJob's
    timeZone)."""
    assert cron.parse("TZ=America/New_York " + spec).next(ms(when)) == ms(expected)


@pytest.mark.parametrize("spec", ["0 0 30 Feb ?", "0 0 31 Apr ?"])
def test_unsatisfiable_schedules_have_no_next_time(spec):
    assert cron.parse(spec).next(ms("Mon Jul 9 23:35 2012")) is None


def test_every():
    """@every: ConstantDelaySchedule, from the time rounded down to the second; at least one second."""
    assert cron.parse("@every 1h30m").next(ms("Mon Jul 9 23:35 2012") + 700) == ms("Tue Jul 10 01:05 2012")
    assert cron.parse("@every 10ms").every_s == 1


@pytest.mark.parametrize("spec, error", [
    ("", "empty spec string"),
    ("* * * *", "expected exactly 5 fields, found 4: [* * * *]"),
    ("60 * * * *", "end of range (60) above maximum (59): 60"),
    ("* * 0 * *", "beginning of range (0) below minimum (1): 0"),
    ("5-1 * * * *", "beginning of range (5) beyond end of range (1): 5-1"),
    ("*/0 * * * *", "step of range should be a positive number: */0"),
    ("1-2-3 * * * *", "too many hyphens: 1-2-3"),
    ("1/2/3 * * * *", "too many slashes: 1/2/3"),
    ("x * * * *", 'failed to parse int from x: strconv.Atoi: parsing "x": invalid syntax'),
    ("* * * * 7", "end of range (7) above maximum (6): 7"),
    ("@fortnightly", "unrecognized descriptor: @fortnightly"),
    ("@every x", 'failed to parse duration @every x: time: invalid duration "x"'),
    ("TZ=Nowhere/Town * * * * *", "provided bad location Nowhere/Town: unknown time zone Nowhere/Town"),
    ("*/5 * * * *", ""), ("0 9 * * MON-fri", ""), ("@annually", ""), ("TZ=Europe/Paris 0 9 * * *", ""),
])
def test_parse_errors_are_robfig_s(spec, error):
    """parser.go's messages (the API server prints them in spec.schedule's Invalid cause)."""
    assert cron.parse_error(spec) == error
