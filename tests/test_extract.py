"""Extraction on the project's own articles: the seed story, its English retelling, and
failure classes (acting titles, apposition, title after a comma, relative dates)."""

from pathlib import Path

import pytest

from kg.extract import extract, split_sentences
from kg.model import Article
from kg.read import read_file

ROOT = Path(__file__).resolve().parents[1]


def _extract(path: Path) -> dict:
    art = next(iter(read_file(path)))
    return extract(art).to_json()


@pytest.fixture(scope="module")
def seed_id() -> dict:
    return _extract(ROOT / "data/articles/kabar-ibukota-2025-jakarta-chungnam.txt")


@pytest.fixture(scope="module")
def seed_en() -> dict:
    return _extract(ROOT / "data/articles/nusantara-wire-2025-jakarta-south-chungcheong.txt")


def _ent(doc: dict, name: str) -> dict:
    for e in doc["entities"]:
        if e["name"] == name or name in e["aliases"]:
            return e
    raise AssertionError(f"{name} not among {[e['name'] for e in doc['entities']]}")


def test_seed_entities_and_types(seed_id: dict) -> None:
    assert _ent(seed_id, "DKI Jakarta")["type"] == "Province"
    assert _ent(seed_id, "Chungcheongnam-do")["country"] == "KR"
    assert _ent(seed_id, "Pramono Anung")["type"] == "Person"
    assert "Pramono" in _ent(seed_id, "Pramono Anung")["aliases"]
    assert _ent(seed_id, "Kim Tae Heum")["country"] == "KR"
    cepa = _ent(seed_id, "Chungcheongnam-do Economic Promotion Agency")
    assert "CEPA" in cepa["aliases"] and cepa["type"] == "GovernmentOrganization"
    assert _ent(seed_id, "Balai Kota Jakarta")["type"] == "Facility"


def test_seed_posts_title_before_name_and_after_comma(seed_id: dict) -> None:
    posts = {(p["person"], p["role_en"], p["organization"]) for p in seed_id["posts"]}
    assert ("Pramono Anung", "governor", "DKI Jakarta") in posts
    assert ("Kim Tae Heum", "governor", "Chungcheongnam-do") in posts


def test_seed_signing_event_with_agreement(seed_id: dict) -> None:
    signings = [e for e in seed_id["events"] if e["type"] == "Signing"]
    assert len(signings) == 1, signings
    ev = signings[0]
    assert ev["date"] == "2025-05-27"
    assert ev["location"] == "Balai Kota Jakarta"
    assert set(ev["participants"]) == {"Pramono Anung", "Kim Tae Heum"}
    agr = ev["agreement"]
    assert agr["type"] == "LoI"
    assert set(agr["parties"]) == {"DKI Jakarta", "Chungcheongnam-do"}
    assert {"trade", "economy", "culture", "sports", "education"} <= set(agr["sectors"])


def test_seed_cepa_opening_in_jakarta_2021(seed_id: dict) -> None:
    openings = [e for e in seed_id["events"] if e["type"] == "Opening"]
    assert any(
        e["date"] == "2021" and "Chungcheongnam-do Economic Promotion Agency" in e["participants"]
        for e in openings
    ), openings


def test_seed_cooperation_pair(seed_id: dict) -> None:
    pairs = {frozenset(p) for p in seed_id["cooperation"]}
    assert frozenset({"DKI Jakarta", "Chungcheongnam-do"}) in pairs


def test_english_retelling_resolves_romanisation_and_weekday(seed_en: dict) -> None:
    prov = _ent(seed_en, "South Chungcheong")
    assert prov["country"] == "KR"
    posts = {(p["person"], p["organization"]) for p in seed_en["posts"]}
    assert ("Kim Tae-heum", prov["name"]) in posts
    sig = [e for e in seed_en["events"] if e["type"] == "Signing"]
    assert len(sig) == 1 and sig[0]["date"] == "2025-05-27"
    assert sig[0]["agreement"]["type"] == "LoI"


def test_acting_governor_and_meeting() -> None:
    doc = _extract(ROOT / "tests/articles/jateng-gyeongnam-2024.txt")
    assert doc["published"] == "2024-08-16"
    posts = {(p["person"], p["role_en"], p["organization"]) for p in doc["posts"]}
    assert ("Nana Sudjana", "governor", "Jawa Tengah") in posts
    meetings = [e for e in doc["events"] if e["type"] in ("Meeting", "Visit")]
    assert meetings and meetings[0]["date"] == "2024-08-15"
    pairs = {frozenset(p) for p in doc["cooperation"]}
    assert frozenset({"Jawa Tengah", "Gyeongsangnam-do"}) in pairs
    # the byline name is not an entity
    assert not any("Rina" in e["name"] for e in doc["entities"])


def test_sentences_keep_offsets() -> None:
    text = "Gubernur H.B. Paliuju tiba di Seoul. Ia bertemu Gubernur Jeollanam-do.\nBaris baru"
    sents = split_sentences(text)
    assert [s.text for s in sents] == [
        "Gubernur H.B. Paliuju tiba di Seoul.",
        "Ia bertemu Gubernur Jeollanam-do.",
        "Baris baru",
    ]
    for s in sents:
        assert text[s.start : s.end] == s.text


def test_evidence_offsets_point_at_the_sentence() -> None:
    art = next(iter(read_file(ROOT / "data/articles/kabar-ibukota-2025-jakarta-chungnam.txt")))
    ex = extract(art)
    for ev in ex.events:
        for e in ev.evidence:
            assert art.text[e.start : e.end] == e.text
            assert 0 < e.confidence <= 1 and e.rule


def _doc(name: str) -> dict:
    return _extract(ROOT / "tests/articles" / name)


def test_slash_joined_titles_give_two_posts() -> None:
    doc = _doc("karawang-baterai-2021.txt")
    posts = {(p["person"], p["role_en"], p["organization"]) for p in doc["posts"]}
    assert ("Bahlil Lahadalia", "minister of investment", "Indonesia") in posts
    assert any(p == "Bahlil Lahadalia" and r == "head" for p, r, _o in posts), posts


def test_two_agreements_in_one_sentence_are_two_signings() -> None:
    doc = _doc("karawang-baterai-2021.txt")
    agreements = [e["agreement"] for e in doc["events"] if e.get("agreement")]
    parties = {frozenset(a["parties"]) for a in agreements}
    assert frozenset({"LG Energy Solution", "Indonesia Battery Corporation"}) in parties
    # "pemerintah Indonesia" is the state itself
    assert frozenset({"Hyundai Motor Group", "Indonesia"}) in parties
    assert all(a["type"] == "MoU" for a in agreements)


def test_groundbreaking_is_an_opening_with_its_own_date() -> None:
    doc = _doc("karawang-baterai-2021.txt")
    openings = [e for e in doc["events"] if e["type"] == "Opening"]
    assert openings and openings[0]["date"] == "2021-09-15"


def test_title_with_comma_and_wali_kota_and_unnamed_official() -> None:
    doc = _doc("surabaya-busan-2019.txt")
    posts = {(p["person"], p["role_en"], p["organization"]) for p in doc["posts"]}
    assert ("Oh Keo-don", "mayor", "Busan") in posts
    assert ("Tri Rismaharini", "mayor", "Surabaya") in posts
    visits = [e for e in doc["events"] if e["type"] in ("Visit", "Meeting")]
    assert any(e["date"] == "2019-03-26" and "Oh Keo-don" in e["participants"] for e in visits)
    pairs = {frozenset(p) for p in doc["cooperation"]}
    assert frozenset({"Surabaya", "Busan"}) in pairs


def test_wire_dateline_caption_and_short_names() -> None:
    doc = _doc("seoul-summit-2023.txt")
    assert doc["published"] == "2023-07-28"  # from the wire dateline
    posts = {(p["person"], p["organization"]) for p in doc["posts"]}
    # "South Korean President Yoon": the implied state is the post's organisation
    assert ("Yoon Suk Yeol", "South Korea") in posts or ("Yoon Suk Yeol", "Korea Selatan") in posts
    widodo = _ent(doc, "Joko Widodo")
    assert "Widodo" in widodo["aliases"]
    meetings = [e for e in doc["events"] if e["type"] == "Meeting"]
    # the photo caption (dated 27 July) is not a second meeting nor the meeting's date
    assert len(meetings) == 1 and meetings[0]["date"] == "2023-07-28", meetings
    assert meetings[0]["location"] == "Seoul"
    pairs = {frozenset(p) for p in doc["cooperation"]}
    assert any({"Indonesia"} < set(p) for p in pairs), pairs


def test_korean_titles_foreign_names_and_dotted_dates() -> None:
    doc = _doc("seoul-jakarta-ko.txt")
    assert doc["published"] == "2022-10-20"  # "입력 2022.10.20 10:00"
    posts = {(p["person"], p["role_en"], p["organization"]) for p in doc["posts"]}
    assert ("오세훈", "mayor", "서울시") in posts
    # a multi-word Indonesian name in Hangul, and "주정부" is the province itself
    assert ("헤루 부디 하르토노", "governor", "자카르타") in posts
    sister = [e for e in doc["events"] if (e.get("agreement") or {}).get("type") == "SisterCity"]
    assert sister and sister[0]["date"] == "1992"
    assert {frozenset(p) for p in doc["cooperation"]} == {frozenset({"서울시", "자카르타"})}


@pytest.mark.parametrize(
    ("acronym", "name", "fits"),
    [
        ("CEPA", "Chungcheongnam-do Economic Promotion Agency", True),
        ("HMMI", "PT Hyundai Motor Manufacturing Indonesia", True),
        ("IKN", "Indonesia - Korea Network", True),
        ("BKPM", "Badan Koordinasi Penanaman Modal", True),
        ("HLI", "Indonesia", False),
        ("KIT", "Jawa Tengah", False),
    ],
)
def test_a_parenthetical_acronym_must_fit_its_host(acronym: str, name: str, fits: bool) -> None:
    from kg.extract.mentions import _initials_fit

    assert _initials_fit(acronym, name) is fits


def _extract_text(text: str, published: str = "2023-03-04", lang: str = "en") -> dict:
    return extract(Article(text=text, source="test", published=published, lang=lang)).to_json()


def test_titles_after_the_organisation_and_envoy_postings() -> None:
    doc = _extract_text(
        "Posts\n\nSeoul Mayor Oh Se-hoon welcomed Indonesian Ambassador to South Korea "
        "Gandi Sulistiyanto and the governor of West Java, Ridwan Kamil, at Seoul City Hall."
    )
    posts = {(p["person"], p["role_en"], p["organization"]) for p in doc["posts"]}
    assert ("Oh Se-hoon", "mayor", "Seoul") in posts
    assert ("Gandi Sulistiyanto", "ambassador", "Indonesia") in posts
    assert ("Ridwan Kamil", "governor", "West Java") in posts
    for ev in doc["events"]:
        assert ev["location"] != "South Korea"  # a posting, not the venue


def test_a_ministers_remit_belongs_to_the_title() -> None:
    doc = _extract_text(
        "Remit\n\nCoordinating Minister for Maritime Affairs and Investment Luhut Binsar "
        "Pandjaitan met South Korea's Minister of Trade, Industry and Energy Lee Chang-yang."
    )
    posts = {p["person"]: (p["role"], p["organization"]) for p in doc["posts"]}
    assert posts["Luhut Binsar Pandjaitan"] == (
        "Coordinating Minister for Maritime Affairs and Investment",
        "Indonesia",
    )
    assert posts["Lee Chang-yang"] == ("Minister of Trade, Industry and Energy", "South Korea")


def test_visit_destination_surname_reference_and_story_date() -> None:
    doc = _extract_text(
        "Visit\n\nBusan Mayor Park Heong-joon visited Surabaya on Tuesday. "
        "Park met Surabaya Mayor Eri Cahyadi at the Surabaya City Hall.",
        published="2024-10-17",
    )
    visit = next(e for e in doc["events"] if e["type"] == "Visit")
    assert visit["location"] == "Surabaya" and visit["date"] == "2024-10-15"
    meeting = next(e for e in doc["events"] if e["type"] == "Meeting")
    assert set(meeting["participants"]) == {"Park Heong-joon", "Eri Cahyadi"}
    assert meeting["date"] == "2024-10-15"
    assert "Park" in _ent(doc, "Park Heong-joon")["aliases"]


def test_capitals_standing_for_states_and_glossed_ministries() -> None:
    doc = _extract_text(
        "Seoul and Jakarta sign revised fighter cost-share deal\n\n"
        "South Korea's arms procurement agency said on Friday it had signed a revised "
        "cost-sharing agreement with Indonesia's Ministry of Defence (Kementerian Pertahanan).",
        published="2025-06-13",
    )
    ministry = _ent(doc, "Kementerian Pertahanan")
    assert "Ministry of Defence" in ministry["aliases"] and ministry["type"] == "Ministry"
    parties = {frozenset(e["agreement"]["parties"]) for e in doc["events"] if e.get("agreement")}
    # the headline's capitals are the two states; the body's unnamed agency is its state's
    assert frozenset({"South Korea", "Indonesia"}) in parties
    assert frozenset({"South Korea", "Kementerian Pertahanan"}) in parties
    assert not any("Seoul" in p or "Jakarta" in p for p in parties)


def test_witnesses_do_not_sign_and_legal_forms_are_not_names() -> None:
    doc = _extract_text(
        "MoU\n\nPT PLN (Persero) dan Korea Electric Power Corporation (KEPCO) menandatangani "
        "nota kesepahaman di Jakarta, Senin (20/11/2023). Penandatanganan dilakukan oleh "
        "Direktur Utama PT PLN (Persero) Darmawan Prasodjo dan CEO KEPCO Kim Dong-cheol, "
        "disaksikan Menteri ESDM Arifin Tasrif.",
        published="2023-11-21",
    )
    assert _ent(doc, "PT PLN")["type"] == "Company"
    assert not any(e["name"] == "Persero" for e in doc["entities"])
    signings = [e for e in doc["events"] if e["type"] == "Signing"]
    assert len(signings) == 1
    assert set(signings[0]["agreement"]["parties"]) == {
        "PT PLN",
        "Korea Electric Power Corporation",
    }
    assert "Arifin Tasrif" in signings[0]["participants"]  # present, as a witness


def test_a_title_gives_way_to_the_organisation_it_runs_into() -> None:
    doc = _extract_text(
        "Pariwisata\n\nNota kesepahaman ditandatangani oleh Kepala Dinas Pariwisata Provinsi "
        "Bali Tjok Bagus Pemayun dan Direktur Korea Tourism Organization (KTO) Kantor Jakarta "
        "Lee Chang-ho di Denpasar, Jumat (10/3/2023).",
        published="2023-03-11",
    )
    posts = {(p["person"], p["role"], p["organization"]) for p in doc["posts"]}
    assert ("Tjok Bagus Pemayun", "Kepala", "Dinas Pariwisata Provinsi Bali") in posts
    sig = next(e for e in doc["events"] if e["type"] == "Signing")
    assert sig["location"] == "Denpasar"  # "Kantor Jakarta" is the office's seat
    assert set(sig["agreement"]["parties"]) == {
        "Dinas Pariwisata Provinsi Bali",
        "Korea Tourism Organization",
    }


@pytest.mark.parametrize(
    "text",
    [
        "A" * 20000,  # one endless token: name patterns must not rescan it from every offset
        "\n".join("Kim Tae Heum, Gubernur Chungcheongnam-do, Kim Tae Heum" for _ in range(400)),
        "Universitas " + "Abc " * 3000,
        "Gubernur " * 3000,
    ],
)
def test_pathological_input_is_handled_without_error(text: str) -> None:
    """Regression for quadratic scans found by fuzzing (each of these once took minutes)."""
    ex = extract(Article(text=text, source="fuzz", published="2025-05-28", lang="id"))
    assert all(0 <= a <= b <= len(text) for e in ex.entities.values() for a, b in e.mentions)


def test_lowercase_title_after_the_place_and_acting_modifier() -> None:
    art = Article(
        text="Smart city\n\nActing Jakarta governor Heru Budi Hartono welcomed the Jakarta "
        "administration's partners from the Seoul Metropolitan Government.",
        source="test",
        published="2023-06-08",
        lang="en",
    )
    ex = extract(art)
    post = next(p for p in ex.posts if ex.name(p.person) == "Heru Budi Hartono")
    assert ex.name(post.organization) == "Jakarta" and post.role_key == "governor"
    assert post.modifier == "acting"
    assert ex.entities["region/ID-JK"].name == "Jakarta"  # not "Jakarta administration"


def test_korean_name_before_a_bare_title_and_particles_are_not_names() -> None:
    doc = _extract_text(
        "협약\n\n전라남도는 김영록 지사가 지난 12일 도청에서 인도네시아 중부자바주 대표단과 "
        "만나 업무협약(MOU)을 체결했다고 밝혔다. 이날 협약식에는 중부자바주 부지사가 참석했다.",
        published="2023-05-14",
        lang="ko",
    )
    posts = {(p["person"], p["role"], p["organization"]) for p in doc["posts"]}
    assert posts == {("김영록", "지사", "전라남도")}
    assert not any(e["name"].endswith(("는", "에는")) for e in doc["entities"])
    sig = next(e for e in doc["events"] if e["type"] == "Signing")
    assert sig["date"] == "2023-05-12" and "김영록" in sig["participants"]


def test_a_signing_told_twice_by_its_parties_keeps_them_as_participants() -> None:
    # headline and first sentence both name only the two regions (no signatory yet): the
    # parties stand in for the people who signed, so the signing keeps participants
    doc = _extract_text(
        "West Java and Gyeongsangbuk-do Sign MoU on Agriculture\n\n"
        "BANDUNG -- West Java and South Korea's Gyeongsangbuk-do signed a memorandum of "
        "understanding (MoU) on agriculture at the West Java governor's office on Tuesday, "
        "October 16.\n\n"
        "Farmers' groups from both provinces will take part in a training programme.",
        published="2018-10-17",
    )
    signings = [e for e in doc["events"] if e["type"] == "Signing"]
    assert len(signings) == 1, doc["events"]
    assert signings[0]["date"] == "2018-10-16"
    assert sorted(signings[0]["participants"]) == ["Gyeongsangbuk-do", "West Java"]


def _persons_in(text: str, headline: str) -> set[str]:
    from kg.read import article_from_text

    art = article_from_text(text, "inline.txt", headline=headline)
    return {e.name for e in extract(art).entities.values() if e.type == "Person"}


@pytest.mark.parametrize("verb", ["Tandatangani", "Teken", "Resmikan", "Kunjungi", "Sepakati"])
def test_headline_verb_after_a_title_is_not_a_name(verb: str) -> None:
    # sentence-case headlines: "Wali Kota Suwon Teken kerja sama ..."; the verb after
    # "title + place" is not the office holder's name
    headline = f"Wali Kota Suwon {verb} kerja sama pendidikan dengan Kota Bogor"
    text = (
        f"{headline}\n\nBOGOR - Pemerintah Kota Bogor dan Pemerintah Kota Suwon menjalin "
        "kerja sama di bidang pendidikan vokasi di Balai Kota Bogor, Senin (12/5/2025)."
    )
    assert _persons_in(text, headline) == set()


def test_one_word_speaker_at_a_sentence_start_needs_a_fuller_mention() -> None:
    headline = "Jabar and Gyeonggi renew sister-province ties"
    text = (
        f"{headline}\n\nBANDUNG - West Java and Gyeonggi Province renewed their "
        "sister-province agreement in Bandung on Tuesday. Officials said the next step "
        "is a joint trade office. Governor Dedi Mulyadi welcomed the delegation. "
        "Mulyadi said vocational schools would exchange teachers. Analysts said the "
        "renewal was expected."
    )
    persons = _persons_in(text, headline)
    assert "Officials" not in persons and "Analysts" not in persons
    assert "Dedi Mulyadi" in persons
