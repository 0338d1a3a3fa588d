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


def test_since_runs_to_publication(times):
    got = times("The town has been besieged since 2011, and its hospital shut since March.")
    assert got["since 2011"] == ("2011-01-01", "2016-09-28")
    assert got["since March"] == ("2016-03-01", "2016-09-28")


def test_years_in_a_list_are_each_dated(times):
    got = times("Elections were held in 2010, 2014 and 2018.")
    assert set(got) == {"2010", "2014", "2018"}


# --- what is not a time -------------------------------------------------------------------


def test_durations_and_habits_are_not_emitted(times):
    got = times("He was held for three years and beaten at night, every day, for a few days at a time.")
    assert got == {}


def test_ages_counts_and_unit_numbers_are_not_times(times):
    got = times("A 34-year-old from the 17th Division said 300 detainees and some 2000 fighters "
                "were moved under Resolution 2254.")
    assert got == {}


def test_modal_may_and_the_fall_of_a_city_are_not_dates(times):
    got = times("Fighters may march on the town. The fall of the city shocked them.")
    assert got == {}


def test_habits_are_not_dated(times):
    assert times("Guards beat the prisoners every Friday and each summer.") == {}


def test_year_used_as_an_adjective_is_a_time(times):
    assert times("The 2011 protests spread to Homs.") == {"2011": ("2011-01-01", "2011-12-31")}


def test_month_in_a_list_shares_the_year_written_after_it(times):
    got = times("In January and February 2015, the group executed dozens.")
    assert got["January"] == ("2015-01-01", "2015-01-31")
    assert got["February 2015"] == ("2015-02-01", "2015-02-28")


def test_reported_future_lies_ahead(times):
    got = times("Officials said on Wednesday that talks would resume on Monday.")
    assert got["on Monday"] == ("2016-10-03", "2016-10-03")


def test_without_publication_date_only_absolute_times_are_resolved(times):
    got = times("Last month, gunmen returned to the village they had held in 2014.", published=None)
    assert got == {"2014": ("2014-01-01", "2014-12-31")}


def test_one_item_per_expression(record):
    rec = record("On Tuesday, September 12, 2016, the convoy left; it arrived in early 2014 style.",
                 published="2016-09-28", upto="times")
    spans = sorted(t.span for t in rec.times)
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:], strict=False))
    assert [t.text for t in rec.times][0] == "Tuesday, September 12, 2016"


def test_relative_flag_marks_publication_anchored_times(record):
    rec = record("In 2014 the group rose; last month it fell.", published="2016-09-28", upto="times")
    assert {t.text: t.relative for t in rec.times} == {"2014": False, "last month": True}


# --- properties of the normalizer ---------------------------------------------------------

_RELATIVE = [
    "last month", "this week", "last week", "next week", "the past three years",
    "the past seven or eight months", "on Tuesday", "yesterday", "today", "last year", "this year",
    "earlier this year", "in March",
    "September 12", "a week ago", "two days ago", "three years ago", "late last year", "the end of the year",
    "over the weekend", "last summer", "in the winter", "next March", "31 January", "29 February",
    "early March", "the past 48 hours", "from November to February", "between May and July this year",
    "last Sunday", "this summer", "later this month",
]
_ABSOLUTE = [
    "March 2015", "in 2014", "the 1990s", "between 2012 and 2014", "from May to July 2015", "12 Sept. 2016",
    "2016-09-12", "mid-2014", "late-2013", "summer 2015", "12/09/2016", "the winter of 2015", "3-5 May 2015",
]


@settings(max_examples=300, deadline=None)
@given(published=st.dates(min_value=date(1950, 1, 1), max_value=date(2090, 12, 31)),
       template=st.sampled_from(_RELATIVE), future=st.booleans())
def test_relative_templates_resolve_near_publication(published, template, future):
    text = f"Residents said {template}, fighters came."
    found = timenorm.find(text, published, future=lambda s, e: future)
    assert len(found) == 1, template
    cand, iv = found[0]
    assert template.removeprefix("in ").removeprefix("over ") in text[cand.start:cand.end]
    assert iv.start <= iv.end and iv.relative
    assert abs((iv.start - published).days) < 4 * 366


@settings(max_examples=200, deadline=None)
@given(published=st.one_of(st.none(), st.dates(min_value=date(2017, 1, 1), max_value=date(2090, 12, 31))),
       template=st.sampled_from(_ABSOLUTE))
def test_absolute_templates_do_not_depend_on_publication(published, template):
    text = f"Residents said {template}, fighters came."
    found = timenorm.find(text, published)
    assert [(iv.start, iv.end) for _, iv in found] == [
        (iv.start, iv.end) for _, iv in timenorm.find(text, date(2017, 1, 1))]
    assert len(found) == 1 and not found[0][1].relative


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("0123456789 -./,'’MayJunSeptlastwekyrodhis")), max_size=60)
       | st.text(max_size=80),
       st.one_of(st.none(), st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31))))
def test_random_text_never_crashes_and_spans_are_ordered(text, published):
    found = timenorm.find(text, published)
    ends = 0
    for cand, iv in found:
        assert ends <= cand.start < cand.end <= len(text)
        assert iv.start <= iv.end
        ends = cand.end
