"""Tests in either language: ``words("cy")`` gives a function that puts an English interface text in
that language, through the same compiled catalogue the app reads (so a browser journey can look for
the button "Parhau" where the English journey looks for "Continue")."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from babel.support import Translations

from webapp.i18n import TRANSLATIONS


@cache
def _welsh() -> Translations:
    return Translations.load(str(TRANSLATIONS), ["cy"])


def words(language: str) -> Callable[..., str]:
    if language == "en":
        return lambda text, **values: text % values if values else text
    catalogue = _welsh()
    return lambda text, **values: catalogue.gettext(text) % values if values else catalogue.gettext(text)
