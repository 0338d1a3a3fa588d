"""Quotes as an investigator reads them: the exact words, and who said them (never "he")."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eventledger.extract.quotes import find_marked
from eventledger.extract.speakers import is_pronoun


def direct(rec):
    return [q for q in rec.quotes if q.kind == "direct"]


def by_text(rec, start: str):
    return next(q for q in rec.quotes if q.text.startswith(start))


def assert_spans(rec):
    text = rec.document.text
    for q in rec.quotes:
        assert text[q.span[0]:q.span[1]] == q.text
        if q.speaker_span is not None:
            assert 0 <= q.speaker_span[0] <= q.speaker_span[1] <= len(text)
        assert q.speaker is None or not is_pronoun(q.speaker)


def test_pronoun_speaker_resolves_to_the_named_person(record):
    rec = record('Colonel Amir Haddad commands the brigade in Kharkiv.\n\n'
                 '"We lost six men in one night," he said.', upto="quotes")
    q = by_text(rec, "We lost six men")
    assert q.text == "We lost six men in one night,"
    assert q.speaker.endswith("Haddad") and q.cue == "said"
    assert_spans(rec)


def test_curly_mismatched_and_guillemet_marks(record):
    text = ('Nadia Farouk said: “The well was poisoned.”\n\n'
            '"The bakery is gone,” Farouk added.\n\n'
            'Farouk told reporters: «Nobody came to help us.»')
    rec = record(text, upto="quotes")
    texts = [q.text for q in direct(rec)]
    assert texts == ["The well was poisoned.", "The bakery is gone,", "Nobody came to help us."]
    assert all(q.speaker.endswith("Farouk") for q in direct(rec))
    assert_spans(rec)


def test_apostrophes_are_not_quotes_but_headline_single_quotes_are(record):
    rec = record("The militia’s fighters don’t retreat, the soldiers’ commander warned.", upto="quotes")
    assert direct(rec) == []
    rec = record("‘They burned every house in the village’ – a survivor’s account\n\nThe village is empty now.",
                 upto="quotes")
    assert [q.text for q in direct(rec)] == ["They burned every house in the village"]


def test_quote_split_by_attribution_gives_two_quotes_by_the_same_speaker(record):
    rec = record("Rahim Osman, a farmer, fled with his family.\n\n"
                 "“The shelling started at dawn,” he said. “By noon the market was burning.”", upto="quotes")
    first, second = direct(rec)
    assert first.text == "The shelling started at dawn,"
    assert second.text == "By noon the market was burning."
    assert first.speaker == second.speaker and first.speaker.endswith("Osman")
    assert second.confidence <= first.confidence


def test_said_after_the_name_and_apposition(record):
    rec = record("“The road to the border is closed,” said Maria Lopez, a nurse at the clinic.", upto="quotes")
    assert direct(rec)[0].speaker == "Maria Lopez"
    rec = record("Abu Karam, a former fighter, said: “I saw them take the prisoners away.”", upto="quotes")
    assert direct(rec)[0].speaker == "Abu Karam"


def test_short_name_maps_to_the_full_name(record):
    rec = record("Ahmed Karimi runs the hospital in Taiz. “We have no fuel left,” Karimi said.", upto="quotes")
    assert direct(rec)[0].speaker == "Ahmed Karimi"


def test_according_to_and_partial_quotes_in_reported_speech(record):
    rec = record("According to Karimi, the strikes “flattened the market” in minutes.\n\n"
                 "Karimi said the attack had “destroyed” the only bridge.", upto="quotes")
    flattened = by_text(rec, "flattened")
    assert flattened.speaker == "Karimi" or flattened.speaker.endswith("Karimi")
    assert by_text(rec, "destroyed").speaker.endswith("Karimi")


def test_scare_quotes_are_not_speech(record):
    rec = record("The group declared a so-called “emirate” in the valley last year.", upto="quotes")
    assert direct(rec) == []


def test_multi_paragraph_quote_keeps_its_speaker(record):
    text = ("Samira Haddad, a teacher, described the night of the raid.\n\n"
            "“They came at two in the morning and took my brother. We never saw him again.\n\n"
            "“Nobody told us where he was taken,” she said.")
    rec = record(text, upto="quotes")
    first, second = direct(rec)
    assert first.text.startswith("They came at two") and first.text.endswith("saw him again.")
    assert first.speaker == second.speaker == "Samira Haddad"
    assert_spans(rec)


def test_nested_single_quotes_stay_inside_the_quote(record):
    rec = record("“The officer shouted ‘run now’ and we ran to the river,” said Leila Mansour.", upto="quotes")
    (q,) = direct(rec)
    assert "‘run now’" in q.text and q.speaker == "Leila Mansour"


def test_one_of_them_resolves_to_the_group_and_she_to_that_speaker(record):
    text = ("Two nurses from the clinic spoke to reporters on Monday.\n\n"
            "“We worked without power for a week,” one of them said.\n\n"
            "“The generators were stolen,” she added.")
    rec = record(text, upto="quotes")
    first, second = direct(rec)
    assert first.speaker == "one of the two nurses"
    assert second.speaker == "one of the two nurses"
    assert_spans(rec)


def test_unresolvable_pronoun_gives_no_speaker(record):
    rec = record("“Everything is gone,” he said.", upto="quotes")
    assert direct(rec)[0].speaker is None


def test_testimony_paragraph_of_only_a_quote_goes_to_the_recent_speaker(record):
    text = ("Yusuf Adam, a trader from El Fasher, said militiamen looted his shop.\n\n"
            "“They took everything and beat my son,” Adam said.\n\n"
            "“We left the city on foot the next morning.”")
    rec = record(text, upto="quotes")
    last = by_text(rec, "We left the city")
    assert last.speaker == "Yusuf Adam" and last.confidence < 0.9


def test_indirect_speech_with_that_and_without(record):
    text = ("Ahmed Karimi told Reuters that the convoy was hit near the bridge.\n\n"
            "Karimi said he arrived in the town two days later.")
    rec = record(text, upto="quotes")
    ind = [q for q in rec.quotes if q.kind == "indirect"]
    assert [q.text for q in ind] == ["the convoy was hit near the bridge", "he arrived in the town two days later"]
    assert all(q.speaker == "Ahmed Karimi" for q in ind)
    assert ind[0].cue == "told"


def test_the_report_says_resolves_to_the_cited_report(record):
    text = ("Dozens were detained in the city, according to a report published by Amnesty International.\n\n"
            "The report says that detainees were held without charge.")
    rec = record(text, upto="quotes")
    (q,) = [q for q in rec.quotes if q.kind == "indirect"]
    assert q.text == "detainees were held without charge"
    assert q.speaker == "Amnesty International"


_PIECES = st.sampled_from(['"', "“", "”", "«", "»", "‘", "’", "'", " ", "\n\n", "he said", "She told us",
                           "Karimi", "word", ".", ",", "don’t", "one of them said", "according to"])


@settings(max_examples=200, deadline=None)
@given(st.lists(_PIECES, max_size=30))
def test_marks_pair_inside_text(pieces):
    text = " ".join(pieces)
    for m in find_marked(text):
        assert 0 <= m.start < m.end <= len(text)
        assert text[m.start:m.end] == text[m.start:m.end].strip()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(_PIECES, min_size=1, max_size=25))
def test_random_quote_marks_never_crash_and_spans_index_text(record, pieces):
    rec = record(" ".join(pieces), upto="quotes")
    assert_spans(rec)


def indirect(rec):
    return [q for q in rec.quotes if q.kind == "indirect"]


def test_what_a_source_did_not_say_or_could_not_confirm_is_not_reported_speech(record):
    text = ("The agency could not independently confirm who fired the rockets.\n\n"
            "The ministry did not say that the convoy had been attacked.\n\n"
            "Officials did not know whether the bridge was still standing.")
    rec = record(text, upto="quotes")
    assert indirect(rec) == []


def test_relative_clauses_are_never_reported_speech(record):
    rec = record("Aid workers said the militia, which controlled the checkpoint, turned the trucks back. "
                 "Nobody said who had ordered it.", upto="quotes")
    assert [q.text for q in indirect(rec)] == ["the militia, which controlled the checkpoint, turned the trucks back"]


def test_a_denied_claim_is_not_the_speakers_words(record):
    rec = record("A spokesman for the Northern Brigade denied that its fighters had shelled the village.",
                 upto="attributions")
    assert indirect(rec) == []
    (att,) = rec.attributions  # who spoke about the claim is still on record
    assert rec.document.text[slice(*att.claim_span)] == "its fighters had shelled the village"


def test_headline_and_wire_lead_are_the_reporters_own_words(record):
    text = ("Strike on bakery in river town kills 12, medics say\n\n"
            "MARBEK, Eastland (Wirenews) - Twelve people were killed when a missile hit a bakery in Marbek on "
            "Sunday, medics and residents said.\n\n"
            "The bakery had been the only one open in the district, a shopkeeper said.")
    rec = record(text, upto="quotes")
    assert [q.text for q in indirect(rec)] == ["The bakery had been the only one open in the district"]


def test_a_lead_that_names_its_source_first_is_still_reported_speech(record):
    rec = record("Border Watch\n\nThe Eastland army said on Monday that it had detained 40 smugglers near the "
                 "border.", upto="quotes")
    assert [q.text for q in indirect(rec)] == ["it had detained 40 smugglers near the border"]


def test_it_said_resolves_to_the_organisation(record):
    text = ("The Norwegian Refugee Council said it had closed two offices in the province. "
            "It warned that thousands of families would lose their food rations.")
    rec = record(text, upto="quotes")
    warned = by_text(rec, "thousands of families")
    assert warned.speaker == "Norwegian Refugee Council"


def test_who_said_takes_the_person_the_relative_clause_describes(record):
    rec = record("Jamal Idris, a farmer who said he lost his brother in the raid, fled to the camp.", upto="quotes")
    assert by_text(rec, "he lost his brother").speaker == "Jamal Idris"


def test_one_of_them_with_a_description_takes_the_description(record):
    text = ("Soldiers released 30 detainees on Friday.\n\n"
            "One of them, a 19-year-old student from the valley, said he had been beaten every night.")
    rec = record(text, upto="quotes")
    assert by_text(rec, "he had been beaten").speaker == "a 19-year-old student"


def test_a_name_before_news_agency_is_the_agency(record):
    rec = record("The state-run Kestrel news agency said rebels had blown up the pipeline.", upto="quotes")
    speaker = by_text(rec, "rebels had blown up").speaker
    assert speaker is not None and speaker.startswith("Kestrel")


def test_answers_in_a_transcript_are_the_witness_words_and_q_is_never_a_speaker(record):
    text = ("Amina Yusuf, 52, sells vegetables in the market of Damazin.\n\n"
            "Q: What happened that night?\n\n"
            "A: They came at midnight and took my son. They said he was a spy.\n\n"
            "Q: Did you see him again?\n\n"
            "A: Never. Nobody tells us where he is.")
    rec = record(text, upto="quotes")
    answers = direct(rec)
    assert [q.text for q in answers] == ["They came at midnight and took my son. They said he was a spy.",
                                         "Never. Nobody tells us where he is."]
    assert all(q.speaker == "Amina Yusuf" for q in answers)
    assert all(q.speaker not in ("Q", "A") for q in rec.quotes)
    assert_spans(rec)


# ---------------------------------------------------------------- an interview with two witnesses

INTERVIEW = ("Village mourns after raid\n\n"
             "KAFR NASRA, Syria (Wire) — Omar Bakri was tending his sheep when the first barrel bomb fell on the "
             "village last week.\n\n"
             "Bakri said the helicopters landed near the school just after dawn, and soldiers went from house to "
             "house.\n\n"
             '"They took my brothers first. They tied their hands and pushed them into a truck.\n\n'
             '"We waited for two days. Nobody told us anything about where they were taken.\n\n'
             '"On the third day a neighbour found the bodies by the river."\n\n'
             "The village has been shelled repeatedly since March.\n\n"
             "Bakri's wife, Leila Hamdan, said she hid with the children in the cellar.\n\n"
             '"We could hear the screaming all night," she added.\n\n'
             '"I will never go back there," he said.')


def test_a_wife_introduced_later_never_takes_her_husbands_words(record):
    """The quote that runs over three paragraphs after 'Bakri said ...' is his, though it has no attribution of
    its own and his wife is the latest speaker in the document; his later '..., he said' is his too."""
    rec = record(INTERVIEW, upto="quotes")
    for start in ("They took my brothers", "We waited for two days", "On the third day", "I will never go back"):
        assert by_text(rec, start).speaker == "Omar Bakri", start
    assert by_text(rec, "We could hear the screaming").speaker == "Leila Hamdan"
    assert_spans(rec)


def test_he_and_she_agree_with_titles_and_kinship_words(record):
    text = ("Mr Daniyar Sultanov runs the only pharmacy in the town.\n\n"
            "Mrs Aliya Kemel, a teacher, said the school had been hit twice.\n\n"
            '"The windows are all broken," he said.\n\n'
            "Tarek Aziz, her husband, told reporters the road was mined.\n\n"
            '"We cannot reach the fields," she said.')
    rec = record(text, upto="quotes")
    assert by_text(rec, "The windows are all broken").speaker == "Daniyar Sultanov"
    assert by_text(rec, "We cannot reach the fields").speaker.endswith("Aliya Kemel")
    text = ("Umm Khaled fled the camp with her four children.\n\n"
            "Abu Yasser, a driver, said the checkpoints had closed at noon.\n\n"
            '"We slept in the open for three nights," she said.')
    assert by_text(record(text, upto="quotes"), "We slept in the open").speaker == "Umm Khaled"


def test_a_pronoun_inside_the_subject_says_nothing_about_the_subject(record):
    text = ("Ahmad Saleh said the gunmen came at night.\n\n"
            "Mariam, his wife, said the women were locked in the school.\n\n"
            '"They gave us no water for two days," she said.\n\n'
            '"There was nothing we could do," he said.')
    rec = record(text, upto="quotes")
    assert by_text(rec, "They gave us no water").speaker == "Mariam"
    assert by_text(rec, "There was nothing we could do").speaker == "Ahmad Saleh"


def test_a_quote_paragraph_after_reported_speech_is_the_reporting_speakers(record):
    """Not the soldiers the reported clause mentions: the person whose main verb 'said' closes the paragraph."""
    text = ("Hassan Noor, a fisherman, said the soldiers told the families to leave before sunset.\n\n"
            '"I took my mother and my two sons and we walked to the coast."')
    assert by_text(record(text, upto="quotes"), "I took my mother").speaker == "Hassan Noor"


def test_a_quote_never_takes_a_speaker_named_after_it(record):
    text = ("Shelling hit the eastern districts of the city overnight, killing at least nine people.\n\n"
            '"The whole building shook and then the ceiling came down."\n\n'
            "Rescue teams worked until morning.\n\n"
            'Dr Salma Yousef said: "We treated forty wounded."\n\n'
            '"Most were children," Yousef said.')
    rec = record(text, upto="quotes")
    assert by_text(rec, "The whole building shook").speaker is None
    assert by_text(rec, "Most were children").speaker == "Salma Yousef"


def test_a_far_unattributed_quote_goes_to_the_latest_speaker_not_the_most_quoted(record):
    text = ("Commander Viktor Hrytsenko said the bridge would be rebuilt.\n\n"
            '"We need two weeks," Hrytsenko said.\n\n'
            '"Maybe three," Hrytsenko said.\n\n'
            "Olena Marchuk, a volunteer, said the convoy had reached the villages.\n\n"
            "The river crossing has been shelled daily.\n\n"
            "Engineers have rebuilt it twice this year.\n\n"
            "The nearest hospital is forty kilometres away.\n\n"
            "Aid groups have appealed for generators.\n\n"
            '"I counted more than two hundred families waiting for bread."')
    rec = record(text, upto="quotes")
    assert by_text(rec, "I counted more than").speaker == "Olena Marchuk"


def test_a_quoted_headline_is_the_main_voice_of_the_story(record):
    text = ("“We buried them ourselves”: a survivor remembers\n\n"
            "Farida Osman lost three relatives when militiamen attacked her village in June.\n\n"
            "“They burned the granary first,” Osman said.\n\n"
            "“Then they came for the men,” Osman said.")
    rec = record(text, upto="quotes")
    assert by_text(rec, "We buried them ourselves").speaker == "Farida Osman"


def test_according_to_at_the_start_of_a_sentence_is_reported_speech(record):
    text = ("According to the Kutum Doctors Network, at least 40 people died in the shelling.\n\n"
            "The market was destroyed, according to residents.")
    rec = record(text, upto="quotes")
    (q,) = indirect(rec)
    assert q.text == "at least 40 people died in the shelling"
    assert q.speaker == "Kutum Doctors Network" and q.cue == "According to"
    assert_spans(rec)


def test_he_said_after_a_quote_is_not_someone_the_quote_names(record):
    text = ("Yasin Darwish, 40, was at the bakery when the strike hit.\n\n"
            '"Mahmoud was standing next to me and he fell first," he said.')
    assert by_text(record(text, upto="quotes"), "Mahmoud was standing").speaker == "Yasin Darwish"


def test_what_he_and_she_resolved_to_before_keeps_later_pronouns_apart(record):
    text = ("Nadia Rahimi, 34, lives in the camp with her sister.\n\n"
            '"The tents flood every time it rains," she said.\n\n'
            "Karim Shah runs the camp's water station.\n\n"
            '"The pumps broke in March," he said.\n\n'
            '"Nobody has come to repair anything," she said.')
    rec = record(text, upto="quotes")
    assert by_text(rec, "The pumps broke").speaker == "Karim Shah"
    assert by_text(rec, "Nobody has come to repair").speaker == "Nadia Rahimi"


def test_he_said_never_goes_to_a_capital_standing_for_its_government(record):
    rec = record('Peter Mensah said he wanted to go home. Talks announced in May collapsed when Kinshasa denied it '
                 'had asked for mediation.\n\n"We only want the schools open," he said.')
    assert by_text(rec, "We only want").speaker == "Peter Mensah"


def test_she_said_closing_a_paragraph_is_the_woman_that_paragraph_is_about(record):
    rec = record("The defence minister told parliament in April that the rebels were on the run.\n\n"
                 "For Mariam Kone, who fled Gao in 2020 and now sells fish in Mopti, the promises sound familiar. "
                 '"Every year they say the war is over," she said.')
    assert by_text(rec, "Every year").speaker == "Mariam Kone"


def test_partial_quote_goes_to_the_verb_that_frames_it_not_a_nearer_aside(record):
    rec = record('Rebel commanders said the unit "acted without orders" and that the truce, which the government '
                 'says is fragile, still holds.')
    q = by_text(rec, "acted without orders")
    assert q.speaker is not None and "commanders" in q.speaker


def test_who_it_said_is_the_organisation_speaking_not_the_group_just_named(record):
    rec = record('The Army Command said in a statement that an air strike had killed "four fighters" belonging to '
                 'the Northern Front, the armed wing of the Liberation Council, who it said had been "planning an '
                 'attack on the airport".')
    assert by_text(rec, "planning an attack").speaker == "Army Command"


def test_a_name_given_in_a_relative_clause_names_the_witness(record):
    rec = record('A shopkeeper in Gao, who gave only his first name, Ibrahim, said the market was shelled at dawn. '
                 '"We heard the planes first," he said.')
    assert by_text(rec, "We heard the planes").speaker == "Ibrahim"


def test_second_reporting_verb_starts_its_own_reported_clause(record):
    text = ("The group said in a message to reporters that it had lost no fighters in the valley and claimed that "
            "its men had ambushed an army convoy on Saturday.")
    rec = record(text)
    said = [q.text for q in rec.quotes if q.kind == "indirect"]
    assert "it had lost no fighters in the valley" in said
    assert "its men had ambushed an army convoy on Saturday" in said


def test_the_statement_said_is_whoever_made_the_statement(record):
    text = ("The Daily Tribune reported on Tuesday that six houses were hit.\n\n"
            "In a statement on Monday, the Northern Command said troops had killed four militants. "
            "\"No village was targeted,\" the statement said.")
    rec = record(text)
    q = by_text(rec, "No village was targeted")
    assert q.speaker == "Northern Command"
