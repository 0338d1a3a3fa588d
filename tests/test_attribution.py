"""Claims credited to a source: who stands behind them and exactly which words they cover."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st


def claim(rec, att) -> str:
    s, e = att.claim_span
    return rec.document.text[s:e]


def assert_spans(rec):
    text = rec.document.text
    for a in rec.attributions:
        assert text[a.span[0]:a.span[1]] == a.text
        s, e = a.claim_span
        assert 0 <= s < e <= len(text)


def test_according_to_a_report_at_the_end_of_a_sentence(record):
    rec = record("An armed group has opened a camp for defectors near Idlib, according to a report published "
                 "on the BBC website.", upto="attributions")
    (a,) = rec.attributions
    assert a.text == "according to a report published on the BBC website"
    assert a.source == "BBC"
    assert claim(rec, a) == "An armed group has opened a camp for defectors near Idlib"
    assert_spans(rec)


def test_according_to_a_person_at_the_start_of_a_sentence(record):
    rec = record("According to Samir Aziz, the militia burned the granary before withdrawing.",
                 upto="attributions")
    (a,) = rec.attributions
    assert a.source == "Samir Aziz"
    assert claim(rec, a) == "the militia burned the granary before withdrawing"


def test_press_reported_that(record):
    rec = record("At the time, Arabic press reported that 40 activists were executed in the prison.",
                 upto="attributions")
    (a,) = rec.attributions
    assert a.text == "Arabic press reported" and a.source == "Arabic press"
    assert claim(rec, a) == "40 activists were executed in the prison"


def test_sources_told_and_state_media_said(record):
    rec = record("Security sources told AFP that the checkpoint was attacked at night.\n\n"
                 "State media said the attackers had fled across the river.", upto="attributions")
    first, second = rec.attributions
    assert first.text == "Security sources told AFP" and claim(rec, first) == "the checkpoint was attacked at night"
    assert second.source == "State media" and claim(rec, second) == "the attackers had fled across the river"
    assert_spans(rec)


def test_the_report_says_is_credited_to_the_report_cited_before(record):
    rec = record("Hundreds fled the town, according to a report by Human Rights Watch.\n\n"
                 "The report says that the shelling lasted three days.", upto="attributions")
    later = rec.attributions[-1]
    assert later.text == "The report says" and later.source == "Human Rights Watch"
    assert claim(rec, later) == "the shelling lasted three days"


def test_reportedly_after_a_cited_report(record):
    rec = record("The army seized the airport, according to a report by Reuters.\n\n"
                 "The camp reportedly holds around 300 detainees.", upto="attributions")
    hedge = rec.attributions[-1]
    assert hedge.text == "reportedly" and hedge.source == "Reuters"
    assert claim(rec, hedge) == "The camp reportedly holds around 300 detainees"


def test_citing_a_source(record):
    rec = record("Twelve civilians were killed in the strike, the agency said, citing local officials.",
                 upto="attributions")
    cited = [a for a in rec.attributions if a.text.startswith("citing")]
    assert cited and cited[0].source == "local officials"
    assert "Twelve civilians were killed" in claim(rec, cited[0])


def test_claims_inside_direct_quotes_are_not_attributions(record):
    rec = record("“The town fell, according to our scouts,” said Omar Bakr.", upto="attributions")
    assert rec.attributions == []


_WORDS = st.sampled_from(["according to", "the report", "said", "that", "reportedly", "citing", "Reuters",
                          "the army", "attacked", "Omar", "“", "”", ".", ",", "\n\n"])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(_WORDS, min_size=1, max_size=25))
def test_random_text_never_crashes_and_spans_index_text(record, words):
    rec = record(" ".join(words), upto="attributions")
    assert_spans(rec)


def test_institution_is_not_taken_for_the_person_named_before(record):
    rec = record("“We will not leave,” said the mayor, Ali Hassan.\n\n"
                 "The army said in a statement that it had killed 20 militants, citing field commanders.",
                 upto="attributions")
    said = next(a for a in rec.attributions if a.text.startswith("The army"))
    assert said.source == "The army"
    assert claim(rec, said) == "it had killed 20 militants"


def test_according_to_figures_kept_by_someone_credits_the_keeper(record):
    rec = record("According to a tally kept by a local rights group, at least 20 homes were burned.",
                 upto="attributions")
    (a,) = rec.attributions
    assert a.source.endswith("local rights group")
    assert claim(rec, a) == "at least 20 homes were burned"


def test_a_denial_is_kept_as_an_attribution_that_denies(record):
    rec = record("Residents said soldiers fired on the crowd. The army denied that its troops had fired on anyone.",
                 upto="attributions")
    stances = {a.source: a.stance for a in rec.attributions}
    assert stances.get("army") == "denies" or "denies" in stances.values()
    assert any(a.stance == "asserts" for a in rec.attributions)
