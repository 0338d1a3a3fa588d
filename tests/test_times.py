"""Times: what an investigator sees when a report says "last month" or "early 2014"."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eventledger.extract import timenorm
from eventledger.record import span_errors


@pytest.fixture
def times(record):
    """``times(text, published)`` -> {expression: (start, end)} as the record carries them."""

    def run(text: str, published: str | None = "2016-09-28") -> dict[str, tuple[str, str]]:
        rec = record(text, published=published, upto="times")
        assert span_errors(rec) == []
        return {t.text: (t.start, t.end) for t in rec.times}

    return run


# --- the scoring conventions --------------------------------------------------------------


def test_early_mid_late_year_are_four_month_thirds(times):
    got = times("The group grew in late 2013, split in early 2014 and lost ground by mid-2014.")
    assert got["late 2013"] == ("2013-09-01", "2013-12-31")
    assert got["early 2014"] == ("2014-01-01", "2014-04-30")
    assert got["mid-2014"] == ("2014-05-01", "2014-08-31")


def test_calendar_weeks_and_months_are_whole(times):
    # 2016-09-28 is a Wednesday.
    got = times("Talks began this week. Shelling resumed last week. The camp opened last month.")
    assert got["this week"] == ("2016-09-26", "2016-10-02")
    assert got["last week"] == ("2016-09-19", "2016-09-25")
    assert got["last month"] == ("2016-08-01", "2016-08-31")


def test_rolling_periods_end_at_publication_and_take_the_larger_count(times):
    got = times("Hundreds were seized in the past three years, most in the past seven or eight months.")
    assert got["the past three years"] == ("2013-09-28", "2016-09-28")
    assert got["the past seven or eight months"] == ("2016-01-28", "2016-09-28")


def test_relative_days_and_years(times):
    got = times("Yesterday the militia withdrew; today it returned. Last year it held the road, "
                "this year it lost it. Earlier this year a truce failed.")
    assert got["Yesterday"] == ("2016-09-27", "2016-09-27")
    assert got["today"] == ("2016-09-28", "2016-09-28")
    assert got["Last year"] == ("2015-01-01", "2015-12-31")
    assert got["this year"] == ("2016-01-01", "2016-12-31")
    assert got["Earlier this year"] == ("2016-01-01", "2016-09-28")


def test_ago_counts_back_from_publication(times):
    got = times("He fled a week ago; his brother two days ago. Their father left three years ago, "
                "their uncle two months ago.")
    assert got["a week ago"] == ("2016-09-21", "2016-09-21")
    assert got["two days ago"] == ("2016-09-26", "2016-09-26")
    assert got["three years ago"] == ("2013-01-01", "2013-12-31")
    assert got["two months ago"] == ("2016-07-01", "2016-07-31")


# --- weekdays and month names: before publication unless the verb is future --------------


def test_weekday_is_the_latest_one_before_publication(times):
    got = times("Gunmen attacked the checkpoint on Monday, and the army replied on Wednesday.")
    assert got["on Monday"] == ("2016-09-26", "2016-09-26")
    assert got["on Wednesday"] == ("2016-09-28", "2016-09-28")  # the publication day itself


def test_weekday_with_a_future_verb_lies_ahead(times):
    got = times("The council will vote on Tuesday. Negotiators are due to meet on Friday.")
    assert got["on Tuesday"] == ("2016-10-04", "2016-10-04")
    assert got["on Friday"] == ("2016-09-30", "2016-09-30")


def test_last_and_next_weekday(times):
    got = times("Last Friday's raid was followed by arrests last Wednesday; "
                "a hearing is set for next Monday.")
    assert got["Last Friday"] == ("2016-09-23", "2016-09-23")
    assert got["last Wednesday"] == ("2016-09-21", "2016-09-21")
    assert got["next Monday"] == ("2016-10-03", "2016-10-03")


def test_month_without_year_is_the_latest_not_after_publication(times):
    got = times("The siege began in March and was lifted in November.")
    assert got["March"] == ("2016-03-01", "2016-03-31")
    assert got["November"] == ("2015-11-01", "2015-11-30")


def test_month_with_relative_year(times):
    got = times("He was detained on 5 March last year and again in November last year.")
    assert got["5 March last year"] == ("2015-03-05", "2015-03-05")
    assert got["November last year"] == ("2015-11-01", "2015-11-30")


# --- absolute expressions -----------------------------------------------------------------


@pytest.mark.parametrize("text, expected", [
    ("He was arrested on 12 Sept. 2016.", ("12 Sept. 2016", "2016-09-12", "2016-09-12")),
    ("He was arrested on September 12, 2016.", ("September 12, 2016", "2016-09-12", "2016-09-12")),
    ("The log is dated 2016-09-12.", ("2016-09-12", "2016-09-12", "2016-09-12")),
    ("Posted 28/09/2016 by the editors.", ("28/09/2016", "2016-09-28", "2016-09-28")),
    ("He was arrested on September 12.", ("September 12", "2016-09-12", "2016-09-12")),
    ("The town fell in March 2015.", ("March 2015", "2015-03-01", "2015-03-31")),
    ("The town fell in 2014.", ("2014", "2014-01-01", "2014-12-31")),
    ("Raids were common in the 1990s.", ("the 1990s", "1990-01-01", "1999-12-31")),
    ("Raids were common in the early 2000s.", ("the early 2000s", "2000-01-01", "2003-12-31")),
    ("Thousands fled in summer 2015.", ("summer 2015", "2015-06-01", "2015-08-31")),
    ("Thousands fled in the winter of 2015.", ("the winter of 2015", "2015-12-01", "2016-02-29")),
    ("Aid was cut in the first half of 2016.", ("the first half of 2016", "2016-01-01", "2016-06-30")),
    ("Abuses went on between 2012 and 2014.", ("between 2012 and 2014", "2012-01-01", "2014-12-31")),
    ("The siege lasted from May to July 2015.", ("from May to July 2015", "2015-05-01", "2015-07-31")),
    ("The camp was shelled from November to February 2015.",
     ("from November to February 2015", "2014-11-01", "2015-02-28")),
    ("Fighting peaked in 2006-2007.", ("2006-2007", "2006-01-01", "2007-12-31")),
    ("Talks were held on 3-5 May 2015.", ("3-5 May 2015", "2015-05-03", "2015-05-05")),
])
def test_absolute_dates(times, text, expected):
    expr, start, end = expected
    assert times(text)[expr] == (start, end)


def test_since_is_read_as_the_time_itself(times):
    got = times("The town has been besieged since 2011, and its hospital shut since March.")
    assert got["2011"] == ("2011-01-01", "2011-12-31")
    assert got["March"] == ("2016-03-01", "2016-03-31")  # a "since" year does not set the story's year


def test_since_can_run_to_publication(monkeypatch):
    monkeypatch.setattr(timenorm, "SINCE_TO_PUBLICATION", True)
    text = "Roads have been closed since 2016 and the camp since last month."
    found = timenorm.find(text, date(2021, 11, 24))
    assert [(text[c.start:c.end], iv.start.isoformat(), iv.end.isoformat()) for c, iv in found] == [
        ("since 2016", "2016-01-01", "2021-11-24"), ("since last month", "2021-10-01", "2021-11-24")]


# --- round 2: ranges, parts of months, the story's own year, plans, weekdays ---------------


def test_range_between_two_months_of_different_years(times):
    got = times("Strikes hit the district between October 2023 and January 2024, a monitor said.",
                published="2024-03-01")
    assert got == {"between October 2023 and January 2024": ("2023-10-01", "2024-01-31")}


def test_part_of_a_month_without_year_is_the_latest_one_not_after_publication(times):
    got = times("Food ran out in late January; the convoy came in early February and left in mid-December.",
                published="2024-02-14")
    assert got["late January"] == ("2024-01-21", "2024-01-31")
    assert got["early February"] == ("2024-02-01", "2024-02-10")
    assert got["mid-December"] == ("2023-12-11", "2023-12-20")


def test_weeks_of_a_month(times):
    got = times("Looting peaked in the first week of May and again in the last week of February.",
                published="2024-05-20")
    assert got["the first week of May"] == ("2024-05-01", "2024-05-07")
    assert got["the last week of February"] == ("2024-02-23", "2024-02-29")


def test_month_without_year_follows_the_story_year(times):
    got = times("Ahmed was detained in October 2019 and beaten. In December, he was moved to a prison "
                "near Raqqa. In March, his family paid a bribe.", published="2024-05-16")
    assert got["December"] == ("2019-12-01", "2019-12-31")
    assert got["March"] == ("2020-03-01", "2020-03-31")  # the story runs forward into the next year


def test_story_year_does_not_reach_far_or_into_the_present(times):
    got = times("The militia was formed in 2015. It grew quickly. Its leaders fled abroad. In March, it was "
                "dissolved.", published="2024-05-16")
    assert got["March"] == ("2024-03-01", "2024-03-31")
    got = times("The siege began on 3 October 2023. In late January, food ran out.", published="2024-05-16")
    assert got["late January"] == ("2024-01-21", "2024-01-31")


def test_weekday_in_a_dateline_lead_is_the_latest_before_publication(times):
    # 2024-02-14 is a Wednesday
    got = times("KADUGLI, Feb 14 - Gunmen attacked a village on Sunday, killing 12 people, and talks are due "
                "to resume next week.", published="2024-02-14")
    assert got["on Sunday"] == ("2024-02-11", "2024-02-11")
    assert got["next week"] == ("2024-02-19", "2024-02-25")
    assert got["Feb 14"] == ("2024-02-14", "2024-02-14")


def test_timetables_lie_ahead(times):
    # 2024-05-15 is a Wednesday
    got = times("The vote is scheduled for Sunday. The council is to meet on Tuesday. Elections are due on "
                "Monday. Talks were scheduled for Saturday but collapsed.", published="2024-05-15")
    assert got["Sunday"] == ("2024-05-19", "2024-05-19")
    assert got["on Tuesday"] == ("2024-05-21", "2024-05-21")
    assert got["on Monday"] == ("2024-05-20", "2024-05-20")
    assert got["Saturday"] == ("2024-05-11", "2024-05-11")


def test_to_blame_is_not_a_plan(times):
    got = times("Residents say the militia is to blame for the attack on Monday.", published="2024-05-15")
    assert got["on Monday"] == ("2024-05-13", "2024-05-13")


def test_a_day_and_month_before_a_plural_noun_is_a_date(times):
    got = times("On Saturday May 11 drones struck the market.", published="2024-05-15")
    assert got == {"Saturday May 11": ("2024-05-11", "2024-05-11")}


def _scan_everywhere(text: str) -> list[tuple[str, int, int]]:
    return sorted((k, m.start(), m.end()) for k, _, rx in timenorm._COMPILED for m in rx.finditer(text)
                  if not (k == "rolling" and m.group("which").lower() == "last" and not m.group("the")
                          and not m.group("n")))


_WORDS = ["in", "the", "last", "past", "week", "of", "May", "March", "2014", "12", "3", "ago", "two", "years",
          "since", "Monday", "night", "early", "summer", "end", "year", "month", "-", ",", "and", "between",
          "this", "next", "weekend", "over", "yesterday", "1990s", "to", "a", "July", "spring", "x" * 70]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_WORDS), max_size=40))
def test_scanning_around_trigger_words_finds_what_scanning_everywhere_finds(words):
    text = " ".join(words)
    assert sorted((c.kind, c.start, c.end) for c in timenorm.scan(text)) == _scan_everywhere(text)


def test_day_after_said_dates_the_saying_not_the_promise(record):
    rec = record("The regional government said on Tuesday it would send food to the camps.", published="2025-02-20")
    t = next(t for t in rec.times if "Tuesday" in t.text)
    assert t.start == "2025-02-18"  # the Tuesday before publication, though "would send" lies ahead
