"""The procedure's words live in one place (rules/clauses.py): every rule quotes a named clause, each
clause has its Welsh in the catalogue under a comment naming it, and a Welsh page marks the Welsh as
this service's translation until OFFICIAL_WELSH_PROCEDURE says the official text is supplied."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from flask import render_template_string
from flask_babel import force_locale

from rules import clauses
from rules.procedure import RULES
from webapp.i18n import catalogue

QUOTE = '{% from "_procedure.html" import procedure_quotation %}{{ procedure_quotation(clause) }}'
MARK = "Cyfieithiad y gwasanaeth hwn o'r weithdrefn"


def test_every_rule_quotes_a_clause_kept_in_rules_clauses():
    for rule in RULES:
        assert clauses.CLAUSES.get(rule.clause.name) is rule.clause, rule.id
        assert clauses.quoted(rule.clause.english) is rule.clause


def test_the_accuracy_pages_quote_the_same_clauses():
    from webapp.accuracy.agreement import CLAUSES

    for clause in CLAUSES.values():
        assert clauses.CLAUSES[clause.name] is clause


def test_each_clause_has_welsh_in_the_catalogue_under_its_name():
    welsh = catalogue.load()
    for name, clause in clauses.CLAUSES.items():
        message = welsh.get(clause.english)
        assert message is not None and message.string, name
        assert message.string != clause.english, name
        assert f"procedure clause {name}" in message.auto_comments, (name, message.auto_comments)


def _quotation(app, language: str, clause: clauses.Clause) -> BeautifulSoup:
    with app.test_request_context(), force_locale(language):
        return BeautifulSoup(render_template_string(QUOTE, clause=clause), "html.parser")


def test_a_welsh_page_marks_the_service_translation_and_offers_the_english(app):
    clause = clauses.CLOSED_CASES
    html = _quotation(app, "cy", clause)
    assert "Esbonio Adolygiadau Achos, 2. Achosion wedi Cau" in html.get_text()
    assert MARK in html.get_text()
    assert html.select_one('details [lang="en"]').get_text(strip=True) == clause.english

    english = _quotation(app, "en", clause)
    assert english.get_text(" ", strip=True) == clause.english
    assert MARK not in english.get_text() and english.find("details") is None


def test_the_flag_switches_the_marking_off_once_the_official_welsh_is_supplied(app, monkeypatch):
    monkeypatch.setattr(clauses, "OFFICIAL_WELSH_PROCEDURE", True)
    html = _quotation(app, "cy", clauses.CLOSED_CASES)
    assert MARK not in html.get_text()
    assert "Esbonio Adolygiadau Achos, 2. Achosion wedi Cau" in html.get_text()
    assert html.select_one('details [lang="en"]') is not None


@pytest.mark.parametrize("language", ["cy", "en"])
def test_a_passage_no_longer_in_the_procedure_is_shown_as_kept_in_english(app, language):
    html = _quotation(app, language, clauses.quoted("Words a record kept."))
    kept = html.select_one('[lang="en"]')
    assert kept is not None and kept.get_text(strip=True) == "Words a record kept."
    assert MARK not in html.get_text()
