"""Synthetic articles for the crash and concurrency tests: many small, distinct Indonesian
news items (own template sentences, varied regions, sectors and dates), enough to keep an
ingest busy for a few seconds. Not extraction material: the facts are combinations."""

from __future__ import annotations

import random
from collections import defaultdict
from pathlib import Path

import pyoxigraph as ox

PROVINCES = ["Jawa Barat", "Jawa Tengah", "Jawa Timur", "Bali", "Sumatera Utara"]
PROVINCES += ["Kalimantan Timur", "Sulawesi Selatan", "DKI Jakarta", "Banten", "Riau"]
KOREA = ["Gyeonggi-do", "Chungcheongnam-do", "Gyeongsangnam-do", "Jeollanam-do", "Busan"]
KOREA += ["Incheon", "Daegu", "Ulsan", "Gangwon-do", "Jeju"]
SECTORS = ["pendidikan vokasi", "energi terbarukan", "pariwisata", "industri baterai"]
SECTORS += ["pertanian cerdas", "kesehatan", "kebudayaan", "pengelolaan sampah"]
CITIES = ["Bandung", "Semarang", "Surabaya", "Denpasar", "Medan", "Balikpapan", "Makassar"]
DAYS = ["Senin", "Selasa", "Rabu", "Kamis", "Jumat"]
MONTHS = "Januari Februari Maret April Mei Juni Juli Agustus September Oktober November Desember"


def write_articles(folder: Path, n: int, seed: int = 7) -> list[Path]:
    """``n`` .txt articles in ``folder``, each with its own URL (so its own graph)."""
    rnd = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        prov, kr, sector = rnd.choice(PROVINCES), rnd.choice(KOREA), rnd.choice(SECTORS)
        city, day = rnd.choice(CITIES), rnd.choice(DAYS)
        d, m, y = rnd.randint(1, 28), rnd.randint(1, 12), rnd.randint(2018, 2025)
        text = (
            f"Provinsi {prov} dan {kr} Perkuat Kerja Sama {sector.title()}\n\n"
            f"Oleh Redaksi, {day}, {d} {MONTHS.split()[m - 1]} {y} | 10:{d:02d} WIB\n"
            f"URL: https://warta.example/{y}/{m:02d}/{d:02d}/kerja-sama-{i}\n\n"
            f"{city} - Pemerintah Provinsi {prov} menandatangani nota kesepahaman dengan "
            f"pemerintah {kr} tentang kerja sama {sector} di {city}, {day} ({d}/{m}/{y}). "
            "Kedua pihak sepakat bertukar tenaga ahli dan membuka program magang bagi pelajar. "
            f"Delegasi dari {kr} juga mengunjungi kawasan industri dan sekolah kejuruan "
            f"di {city}.\n"
        )
        path = folder / f"artikel-{i:04d}.txt"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def graphs_of(quads) -> dict[str, frozenset[str]]:
    """Named graph IRI -> its triples in N-Triples form (the graphs hold no blank nodes)."""
    out: dict[str, set[str]] = defaultdict(set)
    for q in quads:
        g = q.graph_name.value if isinstance(q.graph_name, ox.NamedNode) else ""
        out[g].add(f"{q.subject} {q.predicate} {q.object}")
    return {g: frozenset(t) for g, t in out.items()}
