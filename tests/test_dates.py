"""Date expressions in Indonesian, English and Korean news, relative to the publication date."""

from datetime import date

import pytest

from kg.dates import find_dates, parse_header_date
from kg.lexicon import load_lexicon

LEX = load_lexicon()
REF = date(2025, 5, 28)  # a Wednesday


def values(text: str, ref: date | None = REF) -> list[str]:
    return [d.value for d in find_dates(text, LEX, ref)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ditandatangani di Balai Kota, Selasa (27/5/2025).", ["2025-05-27"]),
        ("pada 18 Desember 2020 di Seoul", ["2020-12-18"]),
        ("signed on Nov. 14, 2022 in Bali", ["2022-11-14"]),
        ("signed on November 14, 2022", ["2022-11-14"]),
        ("2025년 5월 27일 자카르타에서", ["2025-05-27"]),
        ("sejak pembukaan kantor itu pada 2021", ["2021"]),
        ("since 2019, the office has", ["2019"]),
        ("pada Mei 2024 lalu", ["2024-05"]),
        ("kunjungan 29 September - 2 Oktober 2009", ["2009-09-29/2009-10-02"]),
        ("pertemuan 21-23 September 2023", ["2023-09-21/2023-09-23"]),
    ],
)
def test_explicit_dates(text: str, expected: list[str]) -> None:
    assert values(text) == expected


def test_day_month_without_year_takes_the_nearest_past_year() -> None:
    assert values("Rabu (27/5) lalu", date(2025, 6, 2)) == ["2025-05-27"]
    assert values("pada 30 Desember", date(2025, 1, 3)) == ["2024-12-30"]


def test_bare_weekday_is_the_last_such_day_on_or_before_publication() -> None:
    # published Wednesday 28 May 2025: "Selasa" is the day before, "Rabu" the same day
    assert values("Gubernur menerima tamu pada Selasa.") == ["2025-05-27"]
    assert values("The two ministers met on Monday.") == ["2025-05-26"]
    assert values("Rabu ini") == ["2025-05-28"]


def test_relative_words() -> None:
    assert values("Penandatanganan dilakukan kemarin.") == ["2025-05-27"]
    assert values("signed yesterday") == ["2025-05-27"]
    assert values("어제 협약을 체결했다") == ["2025-05-27"]


def test_korean_day_only_refers_to_the_publication_month() -> None:
    assert values("지난 27일 충남도청에서", date(2025, 5, 29)) == ["2025-05-27"]
    assert values("지난 30일", date(2025, 6, 2)) == ["2025-05-30"]


def test_without_reference_date_relative_forms_are_skipped() -> None:
    assert values("kemarin, Selasa (27/5)", None) == []


def test_impossible_dates_are_ignored() -> None:
    assert values("pada 31/2/2025") == []


def test_header_lines() -> None:
    assert parse_header_date("Oleh Juli, Selasa, 27 Mei 2025 | 19:21 WIB - Redaktur: X", LEX) == (
        "2025-05-27",
        "2025-05-27T19:21:00+07:00",
    )
    assert parse_header_date("Kamis, 12 Desember 2024 | 07:00 WITA", LEX) == (
        "2024-12-12",
        "2024-12-12T07:00:00+08:00",
    )
    assert parse_header_date("By Kim Ji-soo | November 14, 2024", LEX) == ("2024-11-14", None)
    assert parse_header_date("no date here", LEX) is None


def test_without_a_publication_date_day_months_take_the_nearest_year() -> None:
    ref = date(2023, 2, 1)  # only the latest date the article states
    assert [d.value for d in find_dates("pada Rabu, 8 Maret di Seoul", LEX, ref, False)] == [
        "2023-03-08"
    ]
    # against a publication date, the same words mean the last 8 March before it
    assert values("pada 8 Maret", ref) == ["2022-03-08"]
