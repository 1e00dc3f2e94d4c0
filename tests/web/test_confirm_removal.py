"""Removing a child or an application from a case asks first, on its own page (WCAG 3.3.4)."""

from __future__ import annotations

from datetime import date

from tests.factories import make_application, make_area, make_case, make_user
from webapp.extensions import db
from webapp.models import Child, CourtApplication, Role


def test_removing_a_child_or_an_application_asks_first(app, signed_in):
    area = make_area(name="North")
    case = make_case(area=area, children=[("Gwen Jones", date(2018, 5, 1))])
    make_application(case=case, application_type="care_order", made_on=date(2025, 1, 6))
    head = signed_in(make_user(roles=Role.AREA_HEAD_OF_OPERATIONS, area=area))
    child = case.children[0]
    application = case.applications[0]
    view = head.get(f"/cases/{case.id}")
    link = view.html.find("a", href=f"/cases/{case.id}/children/{child.id}/remove")
    assert link.get_text(" ", strip=True) == "Remove Gwen Jones, born 1 May 2018"
    page = head.get(f"/cases/{case.id}/children/{child.id}/remove")
    assert page.h1 == f"Remove Gwen Jones from case {case.case_number}?"
    assert page.html.select_one("main form button").get_text(strip=True) == "Yes, remove it"
    assert page.html.find("a", string="Keep the child") is not None
    page = head.get(f"/cases/{case.id}/applications/{application.id}/remove")
    assert page.h1 == f"Remove the care order from case {case.case_number}?"
    db.session.expire_all()
    assert db.session.get(Child, child.id) is not None
    assert db.session.get(CourtApplication, application.id) is not None
    head.post(f"/cases/{case.id}/children/{child.id}/remove", {}, status=302)
    head.post(f"/cases/{case.id}/applications/{application.id}/remove", {}, status=302)
    db.session.expire_all()
    assert db.session.get(Child, child.id) is None
    assert db.session.get(CourtApplication, application.id) is None
    head.get(f"/cases/{case.id}/children/{child.id}/remove", status=404)
