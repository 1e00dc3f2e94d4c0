"""Welsh and English: one mechanism (Flask-Babel) for every interface text.

Which language a request is in, in order: the signed-in person's saved choice; the choice kept in a
cookie before sign-in; the browser's Accept-Language; English. Messages written for a person (in-app
notifications, emails, calendar invitations) are put in that person's saved language with
``in_language_of``, whoever caused them. Users' own entries are never translated.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from babel.support import NullTranslations
from flask import Flask, g, has_request_context, request
from flask_babel import Babel, force_locale, get_locale, get_translations
from flask_babel.speaklater import LazyString
from flask_login import current_user
from werkzeug.wrappers import Response

from config import BASE_DIR

__all__ = [
    "LANGUAGES",
    "LazyString",
    "current_language",
    "gettext",
    "in_language_of",
    "language_of",
    "lazy_gettext",
    "lazy_ngettext",
    "lazy_pgettext",
    "ngettext",
    "pgettext",
    "remember_language",
]

# Each language in its own words: the switch shows the other one.
LANGUAGES = {"en": "English", "cy": "Cymraeg"}
DEFAULT_LANGUAGE = "en"
COOKIE = "language"
ONE_YEAR = 365 * 24 * 3600
TRANSLATIONS = BASE_DIR / "translations"

babel = Babel()


def select_language() -> str:
    if not has_request_context():
        return DEFAULT_LANGUAGE  # a job: messages to people are put in their language by in_language_of
    if current_user and current_user.is_authenticated:
        return language_of(current_user)
    chosen = request.cookies.get(COOKIE)
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(list(LANGUAGES)) or DEFAULT_LANGUAGE


def remember_language(response: Response, code: str) -> Response:
    """Keep ``code`` in the browser, for the pages before sign-in (the switch, and signing out: the
    sign-in page then stays in the language the person was using)."""
    response.set_cookie(
        COOKIE, code, max_age=ONE_YEAR, secure=request.is_secure, httponly=True, samesite="Lax"
    )
    return response


def current_language() -> str:
    """ "en" or "cy": the language this request (or a ``force_locale`` block) is in."""
    locale = get_locale()
    return locale.language if locale is not None and locale.language in LANGUAGES else DEFAULT_LANGUAGE


def language_of(user) -> str:
    """ "en" or "cy": the language ``user`` chose for what is written for them."""
    language = getattr(user, "language", None)
    return language if language in LANGUAGES else DEFAULT_LANGUAGE


@contextmanager
def in_language_of(user) -> Iterator[None]:
    """Write a message for ``user`` in the language they chose, whoever's request this is."""
    with force_locale(language_of(user)):
        yield


def translations() -> NullTranslations:
    """The catalogue of the language of the moment, found once per request and language.

    Flask-Babel finds it again on every lookup (several context-local reads each time: about 12 µs,
    against 0.6 µs for the lookup itself), and a page looks up hundreds of texts. The catalogue is
    kept on Flask-Babel's own per-request state with the locale it belongs to, so a ``force_locale``
    block (which sets another locale object there) finds its own and the request's comes back after.
    """
    try:
        state = g._flask_babel
    except (AttributeError, RuntimeError):  # not looked up yet in this context, or no context
        return get_translations()
    locale = getattr(state, "babel_locale", None)
    kept = getattr(state, "case_review_translations", None)
    if kept is not None and locale is not None and kept[0] is locale:
        return kept[1]
    found = get_translations()
    state.case_review_translations = (getattr(state, "babel_locale", None), found)
    return found


def gettext(string: str, **variables) -> str:
    text = translations().ugettext(string)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, num: int, **variables) -> str:
    variables.setdefault("num", num)
    return translations().ungettext(singular, plural, num) % variables


def pgettext(context: str, string: str, **variables) -> str:
    text = translations().upgettext(context, string)
    return text % variables if variables else text


def lazy_gettext(string: str, **variables) -> LazyString:
    return LazyString(gettext, string, **variables)


def lazy_ngettext(singular: str, plural: str, num: int, **variables) -> LazyString:
    return LazyString(ngettext, singular, plural, num, **variables)


def lazy_pgettext(context: str, string: str, **variables) -> LazyString:
    return LazyString(pgettext, context, string, **variables)


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LANGUAGE)
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", "Europe/London")
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(TRANSLATIONS)
    babel.init_app(app, locale_selector=select_language)
    # {% trans %} blocks are extracted trimmed (babel.cfg), so they must be looked up trimmed too.
    app.jinja_env.policies["ext.i18n.trimmed"] = True
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda string: translations().ugettext(string),
        ngettext=lambda singular, plural, num: translations().ungettext(singular, plural, num),
        pgettext=lambda context, string: translations().upgettext(context, string),
        npgettext=lambda context, singular, plural, num: translations().unpgettext(
            context, singular, plural, num
        ),
        newstyle=True,
    )

    @app.context_processor
    def languages() -> dict:
        language = current_language()
        other = "cy" if language == "en" else "en"
        return {
            "current_language": language,
            "other_language": other,
            "other_language_name": LANGUAGES[other],
        }
