"""Cleaning: the text an investigator reads (and every span indexes), and what was lifted out of it."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eventledger.clean import CleanError, clean, iso_date
from eventledger.clean.decode import decode
from eventledger.clean.text import clean_text
from eventledger.ingest import RawDocument, read
from eventledger.record import Source
from test_ingest import make_pdf

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"


def raw(
    data: bytes | str, media_type: str = "text/plain", encoding: str | None = None, **meta
) -> RawDocument:
    data = data.encode() if isinstance(data, str) else data
    return RawDocument(
        data=data, source=Source(path="x"), media_type=media_type, meta=meta, encoding=encoding
    )


REPORT = """Fighters seize hilltop near Qaryat al-Nahr

Government troops withdrew from the hilltop on Sunday, a local monitor said.

Photo by: Reuters
Photo by: Reuters

Red Hills Brigade fighters outside Qaryat al-Nahr, credit: Example Agency
Red Hills Brigade fighters outside Qaryat al-Nahr, credit: Example Agency

“We had no choice — they outnumbered us,” a soldier told reporters.\u00a0\u00a0

Share on Facebook Share on Twitter

This website uses cookies to improve your experience. We'll assume you're ok with this, but you can opt-out \
if you wish. Accept Read MoreThe monitor said at least 12 people were killed.



Example Wire and agencies
"""


def test_furniture_goes_and_captions_stay_without_their_credit():
    out = clean(raw(REPORT))
    assert out.text == (
        "Fighters seize hilltop near Qaryat al-Nahr\n\n"
        "Government troops withdrew from the hilltop on Sunday, a local monitor said.\n\n"
        "Red Hills Brigade fighters outside Qaryat al-Nahr\n\n"
        "“We had no choice — they outnumbered us,” a soldier told reporters.\n\n"
        "The monitor said at least 12 people were killed."
    )
    md = out.metadata
    assert md["photo_credits"] == ["Photo by: Reuters", "credit: Example Agency"]
    assert md["captions"] == ["Red Hills Brigade fighters outside Qaryat al-Nahr"]
    assert "Share on Facebook Share on Twitter" in md["boilerplate"]
    assert "Example Wire and agencies" in md["boilerplate"]
    assert any(b.startswith("This website uses cookies") for b in md["boilerplate"])
    for caption in md["captions"]:
        assert caption in out.text


@pytest.mark.parametrize(
    "line",
    [
        "Sources said the attack killed five people.",
        "Published reports suggest 40 people died in 2019.",
        "Credit Suisse froze the accounts of two militia leaders.",
        "He showed a photo by a local journalist of the burned houses.",
        "Copyright lawyers were not involved.",
        "BEIRUT (Reuters) - Air strikes hit rebel-held areas overnight, a monitor said.",
        "Share prices fell in Khartoum as the fighting spread.",
        "Related fighting was reported in Darfur.",
    ],
)
def test_real_sentences_are_not_mistaken_for_furniture(line):
    text, removed = clean_text(f"Attack near Goma\n\n{line}\n\nReporting from the front line is dangerous.")
    assert line in text and "Reporting from the front line is dangerous." in text
    assert not removed.as_metadata()


@pytest.mark.parametrize(
    "caption, kept, credit",
    [
        ("Displaced families near Kherson. Photo: AFP", "Displaced families near Kherson.", "Photo: AFP"),
        ("Smoke over Sanaa (Getty Images)", "Smoke over Sanaa", "(Getty Images)"),
        ("A checkpoint in Lashio. REUTERS/Jane Doe", "A checkpoint in Lashio.", "REUTERS/Jane Doe"),
        ("Image caption, Rebels in Idlib", "Rebels in Idlib", None),
    ],
)
def test_caption_credits(caption, kept, credit):
    text, removed = clean_text(f"Clashes\n\n{caption}\n\nFighting continued on Monday.")
    assert text.split("\n\n")[1] == kept
    assert removed.captions == [kept]
    assert removed.photo_credits == ([credit] if credit else [])


def test_line_endings_trailing_spaces_and_blank_lines():
    text, _ = clean_text("Title\r\n\r\n\r\n\r\nFirst para.   \rSecond line\t\n\n\n")
    assert text == "Title\n\nFirst para.\nSecond line"


def test_nothing_left_is_an_error():
    with pytest.raises(CleanError, match="no text left after cleaning"):
        clean(raw("Share on Facebook Share on Twitter\n\nPhoto: AFP\n"))
    with pytest.raises(CleanError):
        clean(raw("  \n\n "))


# ------------------------------------------------------------------ encodings

ARABIC = "قال مسؤولون محليون إن خمسة أشخاص قتلوا عندما سقطت قذائف على سوق مزدحم في مدينة حلب يوم الثلاثاء."


@pytest.mark.parametrize(
    "data",
    [
        "Shelling in Homs “today” — report".encode("utf-16"),
        "Shelling in Homs “today” — report".encode("utf-16-le"),
        "Shelling in Homs “today” — report".encode("utf-8-sig"),
    ],
)
def test_unicode_encodings(data):
    assert clean(raw(data)).text == "Shelling in Homs “today” — report"


def test_windows_1256_arabic_without_a_label():
    out = clean(raw(ARABIC.encode("cp1256")))
    assert out.text == ARABIC


def test_declared_charset_in_html_meta():
    page = f'<html><head><meta charset="windows-1256"></head><body><p>{ARABIC}</p></body></html>'
    out = clean(raw(page.encode("cp1256"), "text/html"))
    assert ARABIC in out.text


def test_invalid_utf8_falls_back_to_detection():
    text, enc = decode("Café in Zürich – “quoted” words from a witness".encode("cp1252"))
    assert "Zürich" in text and "“quoted”" in text and enc


def test_latin1_label_on_utf8_bytes_is_overruled():
    text, enc = decode("Ma’arrat al-Nu’man".encode(), declared="iso-8859-1")
    assert text == "Ma’arrat al-Nu’man" and enc == "utf-8"


# ------------------------------------------------------------------ HTML, Markdown, PDF


def test_html_article_text_and_page_metadata():
    (doc,) = read(str(FIXTURES / "article.html"))
    out = clean(doc)
    assert out.text.startswith(
        "Market shelled in Kharkiv\n\nFirefighters at the central market in Kharkiv.\n\n"
    )
    assert "“We heard three explosions,” said Olena Koval" in out.text
    assert (
        "Sport" not in out.text and "Terrible news" not in out.text and "All rights reserved" not in out.text
    )
    assert (out.title, out.outlet, out.published, out.language) == (
        "Market shelled in Kharkiv",
        "Example News",
        "2022-05-04",
        "en",
    )
    assert out.url == "https://news.example.org/kharkiv-market"
    assert out.metadata["photo_credits"] == ["Photo: AFP"]
    assert out.metadata["captions"] == ["Firefighters at the central market in Kharkiv."]


def test_html_fragment_from_a_feed_or_jsonl():
    out = clean(raw("<p>Aid reached <b>Al Hol</b>.</p><p>The UN said so.</p>", "text/html"))
    assert out.text == "Aid reached Al Hol.\n\nThe UN said so."


def test_sidecar_and_overrides_beat_page_metadata(tmp_path):
    page = tmp_path / "page.html"
    page.write_bytes((FIXTURES / "article.html").read_bytes())
    (tmp_path / "page.meta.json").write_text('{"outlet": "Sidecar Outlet", "published": "2022-05-05"}')
    (doc,) = read(str(page), overrides={"published": "2022-05-06"})
    out = clean(doc)
    assert (out.outlet, out.published, out.title) == (
        "Sidecar Outlet",
        "2022-05-06",
        "Market shelled in Kharkiv",
    )


def test_warc_capture_date_is_only_a_fallback():
    page = raw("<p>Shelling in Donetsk.</p>", "text/html", captured="2022-07-01")
    assert clean(page).published == "2022-07-01"
    page.meta["published"] = "Tue, 28 Jun 2022 08:00:00 GMT"
    assert clean(page).published == "2022-06-28"


def test_markdown_markup_is_stripped():
    (doc,) = read(str(FIXTURES / "batch" / "sub" / "story.md"))
    out = clean(doc)
    assert out.text == (
        "Drone strike reported near Marib\n\n"
        "A drone struck a vehicle east of Marib on Friday, according to local officials."
    )
    assert out.metadata["image_captions"] == ["Wreckage of a vehicle near Marib"]
    assert out.title == "Drone strike reported near Marib"


def test_a_front_matter_title_keeps_its_own_quotation_marks():
    md = "---\ntitle: '\"We ran at night\" - a testimony'\ndate: 2023-02-20\n---\n\nShe left the village at dawn.\n"
    out = clean(raw(md.encode(), "text/markdown"))
    assert out.title == '"We ran at night" - a testimony'
    assert out.published == "2023-02-20"


def test_pdf_text_layer_and_scans():
    out = clean(
        raw(make_pdf(["Airstrikes hit Saada on Monday.", "Residents fled north."]), "application/pdf")
    )
    assert "Airstrikes hit Saada on Monday." in out.text and "Residents fled north." in out.text
    with pytest.raises(CleanError, match="no text layer"):
        clean(raw(make_pdf([]), "application/pdf"))


@pytest.mark.parametrize(
    "value, want",
    [
        ("2022-05-04", "2022-05-04"),
        ("2022-05-04T10:22:00+03:00", "2022-05-04"),
        ("Wed, 04 May 2022 10:22:00 GMT", "2022-05-04"),
        ("4 May 2022", "2022-05-04"),
        ("2022-13-45", None),
        ("soon", None),
        ("", None),
    ],
)
def test_publication_dates_are_normalized(value, want):
    assert iso_date(value) == want


# ------------------------------------------------------------------ properties

FURNITURE = [
    "Photo: AFP",
    "Share on Facebook Share on Twitter",
    "Read more",
    "Related: more news",
    "Smoke over Sanaa (Getty Images)",
    "Example Wire and agencies",
    "Advertisement",
    "",
    "",
    "\r\n",
    "Accept Read More",
    "Rebels in Idlib, credit: Example Agency",
]
lines = st.one_of(st.sampled_from(FURNITURE), st.text(max_size=60))


@settings(max_examples=150, deadline=None)
@given(st.lists(lines, max_size=12).map("\n".join))
def test_cleaning_never_crashes_and_is_stable(text):
    cleaned, removed = clean_text(text)
    again, removed_again = clean_text(cleaned)
    assert again == cleaned
    assert not removed_again.boilerplate and not removed_again.photo_credits
    assert "\r" not in cleaned and "\n\n\n" not in cleaned
    assert all(line == line.rstrip() for line in cleaned.split("\n"))
    for caption in removed.captions:  # every caption listed is still in the text
        assert caption in cleaned


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=400), st.sampled_from(["text/plain", "text/html", "text/markdown"]))
def test_clean_on_arbitrary_bytes_gives_text_or_a_reason(data, media_type):
    try:
        out = clean(raw(data, media_type))
    except CleanError as exc:
        assert str(exc) and "\n" not in str(exc)
    else:
        assert out.text.strip()
