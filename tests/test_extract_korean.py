"""Korean (Hangul) articles on the project's own text: gazetteer names in Hangul, titles
after names (대통령, 회장, 도지사, 주지사, 대사 …), envoy postings (주인도네시아 대사),
foreign names that end like particles, dates (지난 3일, 2018년 5월 6일), agreement words,
the locative 에서, and romanised aliases of Korean names."""

from datetime import date
from pathlib import Path

import pytest

from kg.dates import find_dates
from kg.extract import extract
from kg.extract.romanise import romanise_name
from kg.lexicon import load_lexicon
from kg.model import Article
from kg.read import read_file

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def battery() -> dict:
    art = next(iter(read_file(ROOT / "tests/articles/ko-karawang-battery-2024.txt")))
    return extract(art).to_json()


def _ko(text: str, published: str = "2025-05-29") -> dict:
    return extract(Article(text=text, source="test", published=published, lang="ko")).to_json()


def _posts(doc: dict) -> set[tuple[str, str, str]]:
    return {(p["person"], p["role_en"], p["organization"]) for p in doc["posts"]}


def _ent(doc: dict, name: str) -> dict:
    for e in doc["entities"]:
        if e["name"] == name:
            return e
    raise AssertionError(f"{name} not among {[e['name'] for e in doc['entities']]}")


def test_titles_after_names_and_foreign_names(battery: dict) -> None:
    posts = _posts(battery)
    # "조코 위도도 인도네시아 대통령": a foreign name whose last syllable is also a particle
    assert ("조코 위도도", "president", "인도네시아") in posts
    assert ("정의선", "chairman", "현대자동차그룹") in posts
    assert ("김관용", "governor", "경상북도") in posts
    assert ("아흐마드 헤리야완", "governor", "서자바주") in posts


def test_an_ambassador_to_a_country_serves_the_sending_state(battery: dict) -> None:
    assert ("이상덕", "ambassador", "한국") in _posts(battery)
    assert _ent(battery, "이상덕")["country"] == "KR"
    doc = _ko("협력\n\n다르마완 주한 인도네시아 대사는 지난 27일 서울에서 기자들과 만났다.")
    assert ("다르마완", "ambassador", "인도네시아") in _posts(doc)


def test_hangul_gazetteer_names_dates_and_places(battery: dict) -> None:
    assert battery["published"] == "2024-07-05"  # "입력 2024.07.05 09:30"
    assert _ent(battery, "서자바주")["type"] == "Province"
    assert _ent(battery, "카라왕")["country"] == "ID"
    assert _ent(battery, "LG에너지솔루션")["type"] == "Company"
    (opening,) = [e for e in battery["events"] if e["type"] == "Opening"]
    assert opening["date"] == "2024-07-03"  # "지난 3일"
    assert opening["location"] == "카라왕"


def test_signing_with_locative_and_the_officials_named_after_it(battery: dict) -> None:
    signings = [e for e in battery["events"] if e["type"] == "Signing"]
    loi = [e for e in signings if e["agreement"]["type"] == "LoI"]
    assert len(loi) == 1, signings
    assert loi[0]["date"] == "2018-05-06"
    assert loi[0]["location"] == "반둥"  # "반둥에서": the venue, not a party
    assert set(loi[0]["agreement"]["parties"]) == {"경상북도", "서자바주"}
    assert set(loi[0]["participants"]) == {"김관용", "아흐마드 헤리야완"}  # "당시 … 서명했다"
    sister = [e for e in signings if e["agreement"]["type"] == "SisterCity"]
    assert sister and sister[0]["date"] == "1994"
    assert {"부산시", "수라바야"} == set(sister[0]["agreement"]["parties"])


@pytest.mark.parametrize(
    ("word", "atype"),
    [
        ("업무협약(MOU)", "MoU"),
        ("양해각서", "MoU"),
        ("의향서(LOI)", "LoI"),
        ("우호교류 협약", "SisterCity"),
        ("자매결연 협정", "SisterCity"),
    ],
)
def test_korean_agreement_words(word: str, atype: str) -> None:
    doc = _ko(
        f"교류\n\n박형준 부산시장과 에리 차하야디 수라바야 시장은 지난 27일 부산시청에서 "
        f"항만 협력을 위한 {word}을 체결했다."
    )
    (signing,) = [e for e in doc["events"] if e["type"] == "Signing"]
    assert signing["agreement"]["type"] == atype
    assert signing["date"] == "2025-05-27"
    assert set(signing["participants"]) == {"박형준", "에리 차하야디"}
    assert set(signing["agreement"]["parties"]) == {"부산시", "수라바야"}
    assert "maritime" in signing["agreement"]["sectors"]


def test_korean_date_forms() -> None:
    lex = load_lexicon()
    ref = date(2025, 5, 29)
    text = "2025년 5월 27일 서명했고, 지난 20일 만났으며 3일(현지시간) 다시 방문한다."
    assert [d.value for d in find_dates(text, lex, ref)] == [
        "2025-05-27",
        "2025-05-20",
        "2025-05-03",
    ]


@pytest.mark.parametrize(
    ("hangul", "roman"),
    [
        ("김태흠", "Kim Tae-heum"),
        ("이상덕", "Lee Sang-deok"),
        ("박보생", "Park Bo-saeng"),
        ("김영록", "Kim Yeong-rok"),  # syllable by syllable: no sound change across the name
        ("오세훈", "Oh Se-hun"),
        ("남궁민", "Namgung Min"),
        ("조현", "Cho Hyeon"),
        ("프라모노", None),  # no Korean surname: a foreign name in Hangul
        ("이마스 아리윰닝시", None),
    ],
)
def test_romanised_korean_names(hangul: str, roman: str | None) -> None:
    assert romanise_name(hangul, load_lexicon()) == roman


def test_a_newspaper_named_after_a_place_is_not_the_place() -> None:
    doc = _ko(
        "교류\n\n부산시와 수라바야시는 1994년 자매결연을 맺었다.\n\n"
        "저작권자 © 경북일보 무단전재 및 재배포 금지"
    )
    names = {e["name"] for e in doc["entities"]}
    assert "경상북도" not in names and "경북" not in names


def test_korean_persons_carry_their_romanised_name(battery: dict) -> None:
    assert "Lee Sang-deok" in _ent(battery, "이상덕")["aliases"]
    assert "Kim Gwan-yong" in _ent(battery, "김관용")["aliases"]
    # foreign names written in Hangul get none
    assert _ent(battery, "조코 위도도")["aliases"] == []
