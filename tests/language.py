"""Tests in either language: ``words("cy")`` gives a function that puts an English interface text in
that language, through the same compiled catalogue the app reads (so a browser journey can look for
the button "Parhau" where the English journey looks for "Continue"); ``english_left(html)`` lists the
English interface texts still on a page that should be all Welsh."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache

from babel.messages.pofile import read_po
from babel.support import Translations
from bs4 import BeautifulSoup

from webapp.i18n import TRANSLATIONS
from webapp.i18n.catalogue import PO


@cache
def _welsh() -> Translations:
    return Translations.load(str(TRANSLATIONS), ["cy"])


def words(language: str) -> Callable[..., str]:
    if language == "en":
        return lambda text, **values: text % values if values else text
    catalogue = _welsh()
    return lambda text, **values: catalogue.gettext(text) % values if values else catalogue.gettext(text)


PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\w*\}")


@cache
def _english_interface_texts() -> tuple[str, ...]:
    """The English of every interface text whose Welsh differs, as it would show on a page: each run
    of at least three words between placeholders (shorter runs, "Open" or "Save", could be anyone's
    words in a user's own entry, which stays as written)."""
    with PO.open("rb") as handle:
        catalogue = read_po(handle, locale="cy")
    runs: set[str] = set()
    for message in catalogue:
        if not message.id or not message.string:
            continue
        english = message.id[0] if isinstance(message.id, tuple | list) else message.id
        welsh = message.string[0] if isinstance(message.string, tuple | list) else message.string
        if english == welsh:
            continue
        for run in PLACEHOLDER.split(english):
            run = " ".join(run.split()).strip(" .,:;()")
            if len(run.split()) >= 3 and run not in welsh:
                runs.add(run)
    return tuple(sorted(runs, key=len, reverse=True))


def _as_read(html: str) -> BeautifulSoup:
    """A page as a reader meets it, leaving out passages marked as English (``lang="en"``, such as
    the switch's "English") and scripts."""
    soup = BeautifulSoup(html, "html.parser")
    for element in soup.select('[lang="en"], script, style, template'):
        if element.name != "html":
            element.decompose()
    return soup


def visible_text(html: str) -> str:
    """A page's words as a reader sees them (see ``_as_read``)."""
    return " ".join(_as_read(html).get_text(" ").split())


@cache
def _english_messages() -> frozenset[str]:
    """Every interface text, whole, whose Welsh differs from its English ("Home", "Back", "Sign out")."""
    with PO.open("rb") as handle:
        catalogue = read_po(handle, locale="cy")
    found: set[str] = set()
    for message in catalogue:
        if not message.id or not message.string:
            continue
        english = message.id if isinstance(message.id, tuple | list) else (message.id,)
        welsh = message.string if isinstance(message.string, tuple | list) else (message.string,)
        for text in english:
            if not PLACEHOLDER.search(text) and text not in welsh:
                found.add(" ".join(text.split()))
    return frozenset(found)


def _text_pieces(soup: BeautifulSoup) -> list[str]:
    """Each element's own words, whole (what one interface text would fill), as a reader sees them."""
    pieces = [" ".join(string.split()) for string in soup.find_all(string=True)]
    pieces += [" ".join(str(value).split()) for tag in soup.find_all(True) for value in _spoken(tag)]
    return [piece.strip(" .:") for piece in pieces if piece.strip(" .:")]


def _spoken(tag) -> list[str]:
    """Attributes a screen reader says or a person sees: labels, titles, placeholders, button values."""
    values = [tag.get(name) for name in ("aria-label", "title", "placeholder", "alt")]
    if tag.name == "input" and tag.get("type") in ("submit", "button"):
        values.append(tag.get("value"))
    return [value for value in values if value]


def english_left(html: str, english_html: str | None = None) -> list[str]:
    """The English interface texts still on a page that should be all Welsh (empty when it is).

    Runs of three or more words of any interface text are found anywhere on the page. Given the
    same page rendered in English, ``english_html``, short texts are found too ("Home", "Sign out",
    an aria-label "Pages"): a piece of the page that is a whole interface text, the same in both
    renderings, is English left untranslated (a user's entry is the same in both too, but is not,
    word for word, one of the interface's texts)."""
    soup = _as_read(html)  # parsed once: a page walk checks many pages
    text = " ".join(soup.get_text(" ").split())
    left = [run for run in _english_interface_texts() if run in text]
    if english_html is not None:
        messages = _english_messages()
        pieces = _text_pieces(soup)
        in_english = set(pieces) if english_html is html else set(_text_pieces(_as_read(english_html)))
        left += sorted({piece for piece in pieces if piece in messages and piece in in_english})
    return left


def all_welsh(page) -> str:
    """A fetched page (tests.conftest.Page) is in Welsh: declared ``lang="cy"``, with no English
    interface text left on it; returns its text."""
    assert page.html.find("html")["lang"] == "cy"
    left = english_left(page.response.get_data(as_text=True))
    assert left == [], left
    return page.text()
