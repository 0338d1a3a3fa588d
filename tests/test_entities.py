"""People and organisations as an investigator sees them: one entry per actor, every mention exact."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from eventledger import nlp
from eventledger.extract import entities
from eventledger.nlp.components import add_components
from eventledger.record import span_errors


def ents(record, text: str):
    return record(text, upto="entities").entities


def by_name(found, name: str):
    return next((e for e in found if e.name == name), None)


def test_alias_forms_become_one_canonical_entity(record):
    text = ("Daesh fighters shelled the village on Monday. Residents said ISIS had held the road since March, "
            "and the so-called Islamic State later claimed the attack.")
    found = ents(record, text)
    isis = by_name(found, "Islamic State")
    assert isis is not None and isis.type == "ORG" and isis.kind == "armed_group"
    assert {m.text for m in isis.mentions} == {"Daesh", "ISIS", "so-called Islamic State"}
    assert "ISIL" in isis.aliases
    assert len([e for e in found if e.type == "ORG"]) == 1


def test_is_counts_only_as_the_acronym(record):
    found = ents(record, "IS fighters withdrew from the town. The situation is calm, a resident said.")
    isis = by_name(found, "Islamic State")
    assert isis is not None and [m.text for m in isis.mentions] == ["IS"]
    assert by_name(ents(record, "WHY IS THE ROAD CLOSED AGAIN"), "Islamic State") is None


def test_defined_acronym_merges_with_full_name(record):
    text = ("The Northern Valley Liberation Front (NVLF) said it had captured the hill. "
            "An NVLF commander told reporters the fighting was over.")
    found = ents(record, text)
    orgs = [e for e in found if e.type == "ORG"]
    assert len(orgs) == 1
    assert orgs[0].name == "Northern Valley Liberation Front"
    assert "NVLF" in orgs[0].aliases
    assert orgs[0].kind == "armed_group"


def test_known_acronym_and_hyphen_variants_merge(record):
    text = ("Jaysh al-Karama fighters entered the town, backed by the Free Syrian Army. "
            "A spokesman for Jaysh al Karama said FSA units had also arrived.")
    found = ents(record, text)
    fsa = by_name(found, "Free Syrian Army")
    assert fsa is not None and {m.text for m in fsa.mentions} == {"Free Syrian Army", "FSA"}
    karama = [e for e in found if "Karama" in e.name]
    assert len(karama) == 1 and len(karama[0].mentions) == 2 and karama[0].kind == "armed_group"


def test_surname_mentions_join_the_full_name(record):
    text = ("Yusuf al-Hamdani, a 34-year-old teacher, fled in May. "
            "Hamdani said the militants took his brother. Later, al-Hamdani returned home.")
    people = [e for e in ents(record, text) if e.type == "PERSON"]
    assert len(people) == 1
    assert people[0].name == "Yusuf al-Hamdani"
    assert len(people[0].mentions) == 3


def test_titles_and_possessives_are_not_part_of_the_name(record):
    text = "President Viktor Orlov's spokesman denied the claim. Orlov later visited the front."
    people = [e for e in ents(record, text) if e.type == "PERSON"]
    assert [p.name for p in people] == ["Viktor Orlov"]
    assert [m.text for m in people[0].mentions] == ["Viktor Orlov", "Orlov"]


def test_demonyms_and_places_are_not_entities(record):
    text = ("Syrian and Iraqi officials met Dutch and French diplomats in Aleppo. "
            "A number of Uzbeks and Chechens were among the detainees in Raqqa.")
    found = ents(record, text)
    assert found == []


def test_junk_from_captions_and_quotes_is_dropped(record):
    text = ("Photo: Reuters\n\nDefectors walk along the border.\n\n"
            "The defectors said they had been tricked. “We were told lies,” one said. Part 2 follows.")
    names = {e.name for e in ents(record, text)}
    assert names <= {"Reuters"}


def test_initials_of_an_anonymised_witness_are_a_person(record):
    text = ("KT recounts how the checkpoint was set up in 2015. "
            "According to KT, the guards beat detainees. KT says he escaped in winter.")
    found = ents(record, text)
    kt = by_name(found, "KT")
    assert kt is not None and kt.type == "PERSON" and len(kt.mentions) == 3


def test_nationality_when_the_text_states_it(record):
    text = "A Dutch citizen, Pieter Vos, was detained at the crossing. Vos denied the charges."
    vos = next(e for e in ents(record, text) if e.type == "PERSON")
    assert vos.name == "Pieter Vos" and vos.nationality == "Dutch"


def test_media_and_ids_in_order_of_first_mention(record):
    text = ("According to Reuters, the convoy was hit twice. Voice of America and the BBC confirmed it, "
            "and VOA later published footage.")
    found = ents(record, text)
    assert [e.name for e in found] == ["Reuters", "Voice of America", "BBC"]
    assert [e.id for e in found] == ["E1", "E2", "E3"]
    assert all(e.kind == "media" for e in found)
    assert {m.text for m in found[1].mentions} == {"Voice of America", "VOA"}


def test_spans_index_their_text(record):
    text = ("The Islamic State group's fighters and the Syrian Democratic Forces (SDF) clashed; "
            "Human Rights Watch said Hamas and the Houthis' allies were not involved.")
    rec = record(text, upto="entities")
    assert span_errors(rec) == []
    for e in rec.entities:
        for m in e.mentions:
            assert not m.text.lower().startswith("the ") and not m.text.endswith(("'s", "’s", "'"))


def test_add_components_is_idempotent():
    pipe = nlp.load()
    names = list(pipe.pipe_names)
    add_components(pipe)
    assert pipe.pipe_names == names


_WORDS = st.sampled_from(["Daesh", "the", "FSA", "Free Syrian Army", "said", "IS", "al-Nusra", "Hamas’s", "group",
                          "Omar", "Haddad", "(", ")", "\n", ",", "Reuters", "KT", "recounts", "Jaysh", "al-Amal"])


@settings(max_examples=40, deadline=None)
@given(st.lists(_WORDS, min_size=1, max_size=25))
def test_every_span_indexes_its_own_text(record, words):
    rec = record(" ".join(words), upto="entities")
    assert span_errors(rec) == []
    ids = [e.id for e in rec.entities]
    assert ids == [f"E{i + 1}" for i in range(len(ids))]


@given(st.text(max_size=40))
def test_key_ignores_case_hyphens_and_articles(name):
    k = entities.key(name)
    assert k == entities.key(name.upper()) or not name.isascii()
    assert entities.key("The " + name.replace("-", " ")) == entities.key(name.replace("-", " ")) or not k


def test_acronym_in_brackets_names_the_words_before_it(record):
    text = ("According to the Coalition for Safe Roads (CSR), 40 people were detained. "
            "CSR said the detainees were later moved.")
    orgs = [e for e in ents(record, text) if e.type == "ORG"]
    assert [o.name for o in orgs] == ["Coalition for Safe Roads"]
    assert [m.text for m in orgs[0].mentions] == ["Coalition for Safe Roads", "CSR", "CSR"]


def test_a_lone_first_name_described_as_a_person_is_a_person(record):
    found = ents(record, "“The shelling went on all night,” said Olga, a 45-year-old nurse.")
    assert [(e.name, e.type) for e in found] == [("Olga", "PERSON")]


def test_alias_words_in_ordinary_prose_are_not_names(record):
    text = "They dreamed of an islamic state. Nobody knew who fired first, and the amnesty was refused."
    assert ents(record, text) == []


def test_transcript_speaker_labels_are_not_people(record):
    text = ("Q: Where were you when the shelling began?\n\nA: At the bakery with my brother.\n\n"
            "Interviewer: Did anyone help you?\n\nA: Nobody came until the morning, Lina Haddad said.")
    found = ents(record, text)
    assert {e.name for e in found} == {"Lina Haddad"}


def test_state_news_agencies_are_media(record):
    text = ("The rebel-run Saba news agency said the strikes hit a farm. Iran's IRNA and China's Xinhua "
            "carried the same figures, while the Sudan News Agency (SUNA) gave none.")
    found = ents(record, text)
    for name in ("Saba", "IRNA", "Xinhua", "Sudan News Agency"):
        e = by_name(found, name)
        assert e is not None and e.type == "ORG" and e.kind == "media", name
    assert {m.text for m in by_name(found, "Sudan News Agency").mentions} == {"Sudan News Agency", "SUNA"}


def test_project_and_initiative_names_with_common_words_are_organisations(record):
    text = ("The account was recorded by the Harbin Valley Documentation Project in March. "
            "Staff of the Eastern Shelter Initiative said they had counted 40 houses burned.")
    found = ents(record, text)
    assert by_name(found, "Harbin Valley Documentation Project") is not None
    assert by_name(found, "Eastern Shelter Initiative").type == "ORG"


def test_acronym_after_a_known_name_joins_it_everywhere(record):
    text = ("The People's Defence Force (PDF) withdrew before the raid. "
            "Soldiers accused villagers of feeding the PDF, and local PDF units denied it.")
    pdf = by_name(ents(record, text), "People's Defence Force")
    assert [m.text for m in pdf.mentions].count("PDF") == 3


def test_longer_name_around_a_known_one_keeps_its_acronym(record):
    text = "The United Nations Support Mission in Libya (UNSMIL) urged restraint. UNSMIL staff left Tripoli."
    found = ents(record, text)
    mission = by_name(found, "United Nations Support Mission in Libya")
    assert mission is not None and mission.kind == "international_org"
    assert [m.text for m in mission.mentions].count("UNSMIL") == 2


def test_foreign_language_acronym_in_brackets_joins_the_name(record):
    text = "Two men from the Sinjar Resistance Units (YBS) were killed. The YBS said it would respond."
    units = by_name(ents(record, text), "Sinjar Resistance Units")
    assert units is not None and {m.text for m in units.mentions} == {"Sinjar Resistance Units", "YBS"}


def test_group_names_with_arabic_article_and_singular_force(record):
    text = ("Clashes broke out between the Al-Nasr Brigade and the Souq al-Jumaa Protection Force "
            "after a commander was detained.")
    names = {e.name for e in ents(record, text)}
    assert {"Al-Nasr Brigade", "Souq al-Jumaa Protection Force"} <= names


def test_a_name_set_beside_an_organisation_noun_is_an_organisation(record):
    text = "Volunteers from a Lviv-based charity, Teplo, said the families would be housed in a dormitory."
    teplo = by_name(ents(record, text), "Teplo")
    assert teplo is not None and teplo.type == "ORG" and teplo.kind == "ngo"


def test_one_of_the_organisers_is_a_person(record):
    text = "\"We will not leave,\" one of the organisers, Dilan Omari, told the crowd outside the office."
    omari = by_name(ents(record, text), "Dilan Omari")
    assert omari is not None and omari.type == "PERSON"


def test_places_named_by_a_place_noun_are_not_organisations(record):
    text = ("Protesters blocked the entrance to the Bab Sarraf district and marched towards the town of "
            "Wadi Harun. The strike hit a car on the road between Sinjar and Kherbat.")
    assert ents(record, text) == []


def test_title_case_headline_is_not_a_name(record):
    text = "Aid Groups Warn Of Hunger As Siege Of Northern Town Tightens\n\nThe siege entered its third week."
    assert ents(record, text) == []


def test_a_leading_the_is_not_part_of_a_name_anywhere_in_the_text(record):
    text = "Shelling resumed at dawn, the Tawila Emergency Response Room said."
    names = {m.text for e in ents(record, text) for m in e.mentions}
    assert names and not any(n.startswith("The ") for n in names)


def test_a_name_after_a_clause_ending_in_an_organisation_noun_stays_a_person(record):
    text = ("Karim Haddad, a former fighter, spoke to us in March. Some detainees were sent home with their "
            "embassies, Haddad said, but others were held.")
    haddad = by_name(ents(record, text), "Karim Haddad")
    assert haddad is not None and haddad.type == "PERSON"
    assert [m.text for m in haddad.mentions] == ["Karim Haddad", "Haddad"]


def orgs_named(record, text: str) -> dict[str, object]:
    return {e.name: e for e in ents(record, text) if e.type == "ORG"}


def test_of_and_for_after_an_organisation_head_continue_its_name(record):
    text = ("The Regional Council of Westmark Province said a school was hit. "
            "The Front for the Liberation of Ardenne claimed the attack on the Council of Europe's office.")
    found = orgs_named(record, text)
    assert "Regional Council of Westmark Province" in found
    assert "Front for the Liberation of Ardenne" in found
    assert "Council of Europe" in found  # a possessive ends the name


def test_acronyms_with_accents_and_hyphens(record):
    text = ("Fighters of the Ardenne Valley Defence Units (AVŞ) held the ridge. An AVS commander said the road "
            "was open. The FARC-EP denied any role.")
    found = ents(record, text)
    units = by_name(found, "Ardenne Valley Defence Units")
    assert units is not None and {m.text for m in units.mentions} == {"Ardenne Valley Defence Units", "AVŞ", "AVS"}
    farc = by_name(found, "FARC-EP")
    assert farc is not None and farc.type == "ORG"
    assert not [e for e in found if e.type == "PERSON"]


def test_name_in_another_language_in_brackets_or_apposition_is_the_same_organisation(record):
    text = ("The Ombudsman's Office (Oficina del Defensor Cívico) counted 12 deaths. Later, Oficina del Defensor "
            "Cívico, the ombudsman's office, said more bodies had been found.")
    orgs = [e for e in ents(record, text) if e.type == "ORG"]
    assert len(orgs) == 1
    forms = {m.text for m in orgs[0].mentions}
    assert {"Ombudsman's Office", "Oficina del Defensor Cívico"} <= forms
    assert len(orgs[0].mentions) == 3


def test_a_surname_the_model_calls_an_organisation_joins_the_person(record):
    text = "Brenna Holt, a surveyor, reached the camp on Friday. Holt said the wells were dry. Holt added more."
    found = ents(record, text)
    assert [(e.type, e.name) for e in found] == [("PERSON", "Brenna Holt")]
    assert [m.text for m in found[0].mentions] == ["Brenna Holt", "Holt", "Holt"]


def test_outlets_named_as_interviewer_or_author_are_media(record):
    text = ("A shopkeeper told Nova Lumen that the drones came at night. In an interview with Halab Today, "
            "the mayor denied it. Sahel Ledger reported that the convoy was ambushed.")
    found = orgs_named(record, text)
    for name in ("Nova Lumen", "Halab Today", "Sahel Ledger"):
        assert name in found and found[name].kind == "media", name
    assert not [e for e in ents(record, text) if e.type == "PERSON"]


def test_people_told_or_spoken_to_stay_people(record):
    found = ents(record, "The commander told Idris Marlow to leave the village. Marlow refused.")
    assert [(e.type, e.name) for e in found] == [("PERSON", "Idris Marlow")]
    found = ents(record, "Speaking to Lina Haddad, a nurse, the doctor described the wounds.")
    assert [(e.type, e.name) for e in found] == [("PERSON", "Lina Haddad")]


def test_armed_groups_with_lowercase_article_and_one_word_militias(record):
    text = ("Fighters of the al-Nasr Brigades entered the village. Zarqan militia fighters looted shops, and "
            "government troops later clashed with Zarqan outside the town. Zarqan controls the northern road.")
    found = orgs_named(record, text)
    assert "al-Nasr Brigades" in found and found["al-Nasr Brigades"].kind == "armed_group"
    assert "Zarqan" in found and found["Zarqan"].kind == "armed_group" and len(found["Zarqan"].mentions) == 3


def test_a_people_beside_fighters_is_not_an_armed_group(record):
    text = "Amhara militia fighters and Tigrayan farmers clashed near the river. Later the Amhara militia withdrew."
    assert not [e for e in ents(record, text) if e.name in ("Amhara", "Tigrayan")]


def test_peoples_and_religious_communities_are_not_people_or_organisations(record):
    text = ("Yazidi families fled the mountain. Druze leaders and Alawite villagers met in the square. "
            "Rohingya refugees crossed the border, and Ezidi survivors later spoke to the press.")
    assert ents(record, text) == []


def test_plural_nouns_opening_a_sentence_are_not_organisations(record):
    text = "Paramedics said six people died. Witnesses described the blasts. Rescuers pulled bodies from the rubble."
    assert ents(record, text) == []


def test_title_case_headline_words_are_not_a_group_name(record):
    assert ents(record, "Rebels Seize Town As Army Retreats\nThe army withdrew on Tuesday.") == []


@given(st.text(alphabet="aAşŞéÉıçÇ -()", max_size=30))
def test_key_is_the_same_with_or_without_accents(name):
    assert entities.key(name) == entities.key(name.translate(entities._FOLD))
    assert len(name.translate(entities._FOLD)) == len(name)


def test_short_form_of_an_organisation_is_the_earlier_full_name(record):
    text = ("The fire spread through the market, according to the Lakeside Chronicle, a local news site. "
            "The Chronicle said six shops burned. Officials told the Chronicle that no one was hurt.")
    orgs = [e for e in ents(record, text) if e.type == "ORG"]
    chronicle = [e for e in orgs if e.name.endswith("Chronicle")]
    assert len(chronicle) == 1 and chronicle[0].name == "Lakeside Chronicle"
    assert len(chronicle[0].mentions) == 3


def test_acronym_given_after_or_joins_the_full_name(record):
    text = ("The Coastal Defence Command, or CODECOM, said on Tuesday that its patrol boats had sunk a skiff. "
            "CODECOM gave no figures.")
    found = [e for e in ents(record, text) if e.type == "ORG"]
    assert len(found) == 1 and {m.text for m in found[0].mentions} >= {"Coastal Defence Command", "CODECOM"}


def test_arabic_organisation_names_are_never_people(record):
    text = "Jaysh al-Fatiha fighters attacked the checkpoint, and Hurras al-Sahil said it had sent men to the area."
    found = ents(record, text)
    for name in ("Jaysh al-Fatiha", "Hurras al-Sahil"):
        e = next((x for x in found if x.name == name), None)
        assert e is not None and e.type == "ORG", (name, [(x.name, x.type) for x in found])


def test_a_village_named_with_a_place_word_is_no_entity_anywhere(record):
    text = ("Soldiers burned houses in the village of Kolowenda on Friday. "
            "A farmer in Kolowenda said four people were missing.")
    assert all("Kolowenda" not in e.name for e in ents(record, text))


def test_accented_demonym_is_no_person(record):
    found = ents(record, "The Burkinabè authorities said the convoy had reached the town.")
    assert all(e.name != "Burkinabè" for e in found)


def test_centre_for_names_are_organisations_not_facilities(record):
    found = ents(record, "A report published in May by the Centre for Highland Studies, a group based in Bamenda, "
                         "found that 40 teachers had been abducted.")
    centre = by_name(found, "Centre for Highland Studies")
    assert centre is not None and centre.type == "ORG"


def test_unfamiliar_name_opening_a_paragraph_beside_a_person_noun_is_a_person(record):
    text = ("The camp was quiet by morning.\n\nAbubakar Lawan Kyari, a spokesman for the state government, "
            "put the toll at 23.")
    person = by_name(ents(record, text), "Abubakar Lawan Kyari")
    assert person is not None and person.type == "PERSON"


def test_name_with_a_word_like_say_after_said_is_a_person(record):
    found = ents(record, "\"The evidence is clear,\" said Naw Htoo Say Moo, the group's researcher.")
    person = by_name(found, "Naw Htoo Say Moo")
    assert person is not None and person.type == "PERSON"


def test_a_village_paired_with_a_town_is_no_person(record):
    text = ("Residents of Buthidaung and Zawlaykan told researchers that men were taken. "
            "\"They took my sons,\" said a woman from Zawlaykan.")
    assert by_name(ents(record, text), "Zawlaykan") is None


def test_names_used_only_where_places_go_are_not_actors(record):
    # invented places the gazetteer lacks, which the small model tags as organisations
    text = ("Officials in Lokoran said the raiders came at dawn. A truce signed in Lokoran in 2021 had held for "
            "months. Families fled to the edge of the Dabuli Marsh. Army spokesman Brigadier General Aru Deng "
            "said troops were sent.")
    names = {e.name for e in ents(record, text)}
    assert not names & {"Lokoran", "Dabuli Marsh", "Brigadier General"}


def test_a_capital_that_denies_is_not_an_organisation(record):
    text = "Peace talks collapsed within weeks when Yaoundé denied it had asked for mediation."
    assert by_name(ents(record, text), "Yaoundé") is None
