"""Places: what an investigator sees on the map for a report's place names."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from eventledger.extract.gazetteer import key, skeleton


def places(record, text):
    rec = record(text, upto="places")
    return rec, {p.name: p for p in rec.places}


def test_tripoli_follows_the_country_the_report_is_about(record):
    _, lebanon = places(record, "Clashes erupted in Tripoli on Monday, Lebanese security sources said.")
    _, libya = places(
        record, "Militias in Tripoli fired rockets at the airport, the Libyan health ministry said."
    )
    assert lebanon["Tripoli"].country == "LB"
    assert libya["Tripoli"].country == "LY"


def test_transliterations_land_on_one_gazetteer_entry(record):
    ids = set()
    for spelling in ("Deir ez-Zor", "Dayr al-Zour", "Deir Ezzor"):
        _, found = places(record, f"Shelling hit {spelling} on Tuesday, activists in Syria said.")
        (pl,) = [p for p in found.values() if p.feature == "city"]
        assert pl.country == "SY" and abs(pl.lat - 35.34) < 0.3
        ids.add(pl.geonameid)
    assert len(ids) == 1


def test_arabic_name_spacy_misses_is_found(record):
    _, found = places(record, "Air strikes on Maarat al-Numan killed four people, a Syrian monitor said.")
    assert found["Maarat al-Numan"].country == "SY"


def test_province_pattern_gives_the_province_not_the_city(record):
    rec, found = places(record, "Rebels in Idlib province said they shot down a drone over the Jisr area.")
    idlib = found["Idlib"]
    assert idlib.feature == "admin1" and idlib.precision == "admin1"
    assert [m.text for m in idlib.mentions] == ["Idlib"]


def test_city_suffix_is_not_part_of_the_name(record):
    _, found = places(record, "Fighters withdrew from Raqqa City, Syrian activists said.")
    assert [m.text for m in found["Raqqa"].mentions] == ["Raqqa"]
    assert found["Raqqa"].feature == "city"


def test_part_of_a_country_is_reported_as_the_country(record):
    _, found = places(record, "Fighting continued in northern Syria, where Syria's army advanced.")
    syria = found["Syria"]
    assert syria.precision == "country" and syria.lat is None
    assert len(syria.mentions) == 2


def test_countryside_is_never_as_precise_as_a_city(record):
    _, found = places(
        record, "Shells fell on villages in the eastern Hama countryside, Syrian activists said."
    )
    assert found["Hama"].precision in ("admin1", "country")


def test_no_place_from_inside_an_organisation_name(record):
    rec, found = places(record, "The Free Syrian Army told Anadolu Agency that its fighters entered al-Bab.")
    assert "Syria" not in found
    assert found["al-Bab"].country == "SY"


def test_regions_and_countries_with_aliases(record):
    _, found = places(record, "Refugees from Darfur reached Holland and the Gaza Strip was shelled again.")
    assert found["Darfur"].country == "SD" and found["Darfur"].feature == "region"
    assert found["The Netherlands"].country == "NL"
    assert found["Gaza Strip"].country == "PS"


def test_capitalized_ordinary_words_are_not_places(record):
    _, found = places(record, "Part 2 of the interview follows. The Army said on Sunday that Police arrived.")
    assert found == {}


def test_every_mention_span_indexes_its_text(record):
    text = "Russian forces shelled Bakhmut and Avdiivka in the Donetsk region, Ukrainian officials said."
    rec, found = places(record, text)
    assert {"Bakhmut", "Avdiivka"} <= set(found)
    for pl in rec.places:
        for m in pl.mentions:
            assert text[m.span[0] : m.span[1]] == m.text


names = st.text(alphabet=st.sampled_from("abdeiklmnoqrsuyzAHZ'’- "), min_size=1, max_size=20)


@settings(max_examples=200, deadline=None)
@given(names)
def test_key_is_plain_and_stable(name):
    k = key(name)
    assert all(c.isalnum() or c == " " for c in k) and "  " not in k and k == k.strip()
    assert key(name.upper()) == k and key(name.replace("'", "’")) == k  # case and quote style do not matter
    assert set(skeleton(k)) <= set(k)


@settings(max_examples=100, deadline=None)
@given(
    st.sampled_from(["al-", "el-", "ad-", "ar-", "as-", "ash-", "an-", "az-", ""]),
    st.sampled_from(["Raqqa", "Bab"]),
)
def test_articles_and_hyphens_do_not_change_the_key(article, name):
    assert key(f"Tell {article}{name}") == key(f"Tell {name}")
