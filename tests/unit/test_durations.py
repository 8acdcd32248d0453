import pytest

from minikctl.kube.timefmt import (
    format_go_duration,
    format_go_duration_ns,
    human_duration,
    parse_go_duration,
    parse_go_duration_ns,
    parse_rfc3339,
    rfc1123z,
    rfc3339,
    rfc3339_micro,
    short_human_duration,
)

M = 60
H = 3600
D = 86400


@pytest.mark.parametrize(
    "secs,want",
    [
        # apimachinery duration_test.go TestHumanDuration
        (1, "1s"),
        (70, "70s"),
        (190, "3m10s"),
        (70 * M, "70m"),
        (47 * H, "47h"),
        (49 * H, "2d1h"),
        ((8 * 24 + 2) * H, "8d"),
        (367 * 24 * H, "367d"),
        ((365 * 2 + 1) * 24 * H, "2y1d"),
        ((365 * 8 + 10) * 24 * H, "8y"),
        # boundaries from kubectl-ux.md 0.1
        (0, "0s"),
        (0.5, "0s"),
        (-1, "0s"),
        (-1.9, "0s"),
        (-2, "<invalid>"),
        (119, "119s"),
        (119.9, "119s"),
        (120, "2m"),
        (121, "2m1s"),
        (599, "9m59s"),
        (600, "10m"),
        (179 * M + 59, "179m"),
        (3 * H, "3h"),
        (3 * H + M, "3h1m"),
        (7 * H + 59 * M, "7h59m"),
        (8 * H, "8h"),
        (48 * H, "2d"),
        (7 * D + 23 * H, "7d23h"),
        (8 * D, "8d"),
        (729 * D, "729d"),
        (730 * D, "2y"),
        ((8 * 365 - 1) * D, "7y364d"),
        (9 * 365 * D, "9y"),
    ],
)
def test_human_duration(secs, want):
    assert human_duration(secs) == want


def test_short_human_duration():
    assert short_human_duration(59) == "59s"
    assert short_human_duration(60) == "1m"
    assert short_human_duration(23 * H + 59 * M) == "23h"
    assert short_human_duration(D) == "1d"
    assert short_human_duration(365 * D) == "1y"
    assert short_human_duration(-5) == "<invalid>"


@pytest.mark.parametrize(
    "s,ms",
    [
        ("0", 0),
        ("-0", 0),
        ("+0", 0),
        ("30s", 30_000),
        ("5m", 300_000),
        ("1h30m", 5_400_000),
        ("1.5h", 5_400_000),
        ("500ms", 500),
        ("-5s", -5_000),
        ("+5s", 5_000),
        ("1.5s", 1_500),
        (".5s", 500),
        ("1.s", 1_000),
        ("2h45m10.5s", (2 * 3600 + 45 * 60 + 10) * 1000 + 500),
        ("1000us", 1),
        ("1000\u00b5s", 1),
        ("1000\u03bcs", 1),
        ("1500000ns", 1),
        ("3h0m0s", 3 * 3600 * 1000),
    ],
)
def test_parse_go_duration(s, ms):
    assert parse_go_duration(s) == ms


def test_parse_go_duration_ns_precision():
    assert parse_go_duration_ns("1.000000001s") == 1_000_000_001
    assert parse_go_duration_ns("-1.5us") == -1500
    assert parse_go_duration_ns("1ns") == 1


@pytest.mark.parametrize(
    "s,msg",
    [
        ("", 'time: invalid duration ""'),
        ("x", 'time: invalid duration "x"'),
        ("-", 'time: invalid duration "-"'),
        ("s", 'time: invalid duration "s"'),
        (".", 'time: invalid duration "."'),
        ("-.", 'time: invalid duration "-."'),
        (".s", 'time: invalid duration ".s"'),
        ("1", 'time: missing unit in duration "1"'),
        ("30", 'time: missing unit in duration "30"'),
        ("1d", 'time: unknown unit "d" in duration "1d"'),
        ("3000000h", 'time: invalid duration "3000000h"'),
        ("9223372036854775808ns", 'time: invalid duration "9223372036854775808ns"'),
    ],
)
def test_parse_go_duration_errors(s, msg):
    with pytest.raises(ValueError) as e:
        parse_go_duration(s)
    assert str(e.value) == msg


def test_parse_min_int64():
    assert parse_go_duration_ns("-9223372036854775808ns") == -(1 << 63)


@pytest.mark.parametrize(
    "ms,want",
    [
        (0, "0s"),
        (500, "500ms"),
        (1, "1ms"),
        (1000, "1s"),
        (1500, "1.5s"),
        (90_000, "1m30s"),
        (60_000, "1m0s"),
        (3_600_000, "1h0m0s"),
        (5_400_000, "1h30m0s"),
        (-5_000, "-5s"),
        (-500, "-500ms"),
        (30 * 24 * 3_600_000, "720h0m0s"),
        (61_001, "1m1.001s"),
    ],
)
def test_format_go_duration(ms, want):
    assert format_go_duration(ms) == want


def test_format_go_duration_ns():
    # Go's time_test.go durationTests
    assert format_go_duration_ns(1) == "1ns"
    assert format_go_duration_ns(1100) == "1.1\u00b5s"
    assert format_go_duration_ns(2_200_000) == "2.2ms"
    assert format_go_duration_ns(3_300_000_000) == "3.3s"
    assert format_go_duration_ns(4 * 60 * 10**9 + 5 * 10**9) == "4m5s"
    assert format_go_duration_ns(4 * 60 * 10**9 + 5_001_000_000) == "4m5.001s"
    assert format_go_duration_ns(5 * 3600 * 10**9 + 6 * 60 * 10**9 + 7_001_000_000) == "5h6m7.001s"
    assert format_go_duration_ns(8 * 60 * 10**9 + 1) == "8m0.000000001s"
    assert format_go_duration_ns((1 << 63) - 1) == "2562047h47m16.854775807s"
    assert format_go_duration_ns(-(1 << 63)) == "-2562047h47m16.854775808s"


def test_roundtrip():
    for s in ["1m30s", "1h0m0s", "500ms", "0s", "2h45m10.5s", "-3m0s"]:
        assert format_go_duration(parse_go_duration(s)) == s


def test_rfc3339():
    assert rfc3339(0) == "1970-01-01T00:00:00Z"
    assert rfc3339(1735689600000) == "2025-01-01T00:00:00Z"
    assert rfc3339(1735689600999) == "2025-01-01T00:00:00Z"
    assert rfc3339_micro(1735689600123) == "2025-01-01T00:00:00.123000Z"
    assert rfc3339_micro(0) == "1970-01-01T00:00:00.000000Z"


def test_rfc1123z():
    # Go's reference time: Mon Jan 2 15:04:05 2006 (UTC here)
    ms = parse_rfc3339("2006-01-02T15:04:05Z")
    assert rfc1123z(ms) == "Mon, 02 Jan 2006 15:04:05 +0000"
    assert rfc1123z(1735689600000) == "Wed, 01 Jan 2025 00:00:00 +0000"


def test_parse_rfc3339():
    assert parse_rfc3339("2025-01-01T00:00:00Z") == 1735689600000
    assert parse_rfc3339("2025-01-01T00:00:00.5Z") == 1735689600500
    assert parse_rfc3339("2025-01-01T00:00:00.123456Z") == 1735689600123
    assert parse_rfc3339("2025-01-01T01:00:00+01:00") == 1735689600000
    assert parse_rfc3339("2024-12-31T19:00:00-05:00") == 1735689600000
    assert parse_rfc3339(rfc3339_micro(1735689600123)) == 1735689600123
    for bad in ["", "2025-01-01", "2025-01-01 00:00:00Z", "2025-13-01T00:00:00Z", "2025-01-01T00:00:00", "yesterday"]:
        with pytest.raises(ValueError):
            parse_rfc3339(bad)
    with pytest.raises(ValueError) as e:
        parse_rfc3339("x")
    assert str(e.value) == 'parsing time "x" as "2006-01-02T15:04:05Z07:00": cannot parse "x" as "2006"'
