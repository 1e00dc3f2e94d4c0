"""Administrators extend the lists of risk factors and practice themes, and stop offering entries;
nothing is deleted, so past reviews keep their tags."""

from __future__ import annotations

from sqlalchemy import select

from tests.learning.helpers import agreed_review
from tests.learning.test_learning_record import answers, learning_of, tag
from webapp.extensions import db
from webapp.models import AuditEvent, LearningTag, TagKind


def offered(client, review) -> set[str]:
    page = client.get(f"/reviews/{review.id}/learning/edit")
    return {label.get_text(strip=True) for label in page.html.select(".govuk-checkboxes__label")}


def test_the_lists_page_shows_both_lists(world, signed_in):
    page = signed_in(world["admin"]).get("/admin/learning-tags")
    captions = [c.get_text(strip=True) for c in page.html.select("caption")]
    assert captions == ["Risk factors", "Practice themes"]
    assert "Co-sleeping" in page.text() and "Crisp analysis" in page.text()


def test_an_administrator_adds_a_risk_factor_and_a_theme(world, signed_in):
    review = agreed_review(world)
    admin = signed_in(world["admin"])
    admin.post("/admin/learning-tags", {"kind": "risk_factor", "name": "  Online   harm "}, status=302)
    admin.post("/admin/learning-tags", {"kind": "practice_theme", "name": "Hearing the child"}, status=302)
    added = db.session.execute(select(LearningTag).where(LearningTag.name == "Online harm")).scalar_one()
    assert added.kind == TagKind.RISK_FACTOR and added.active
    assert {"Online harm", "Hearing the child"} <= offered(signed_in(world["pdt"]), review)
    events = db.session.execute(
        select(AuditEvent).where(AuditEvent.event_type == "taxonomy.changed").order_by(AuditEvent.id)
    ).scalars()
    first = events.first()
    assert (first.record_id, first.actor_id, first.case_id) == (added.id, world["admin"].id, None)


def test_bad_or_duplicate_names_are_refused(world, signed_in):
    admin = signed_in(world["admin"])
    before = db.session.execute(select(LearningTag.id)).all()
    assert admin.post("/admin/learning-tags", {"kind": "risk_factor", "name": ""}).error_summary() == [
        "Enter the name"
    ]
    assert admin.post("/admin/learning-tags", {"kind": "risk_factor", "name": "x" * 101}).error_summary() == [
        "Name must be 100 characters or fewer"
    ]
    assert admin.post("/admin/learning-tags", {"kind": "colour", "name": "Blue"}).error_summary() == [
        "Select risk factor or practice theme"
    ]
    assert admin.post("/admin/learning-tags", {"kind": "risk_factor", "name": "NEGLECT"}).error_summary() == [
        "That name is already in the list"
    ]
    assert db.session.execute(select(LearningTag.id)).all() == before
    # The same name may appear in the other list.
    admin.post("/admin/learning-tags", {"kind": "practice_theme", "name": "Neglect"}, status=302)


def test_deactivating_keeps_the_tag_on_past_reviews(world, signed_in):
    review = agreed_review(world)
    signed_in(world["pdt"]).post(f"/reviews/{review.id}/learning/edit", answers(), status=302)
    admin = signed_in(world["admin"])
    neglect = tag("Neglect")
    admin.post(f"/admin/learning-tags/{neglect.id}/deactivate", {}, status=302)
    db.session.expire_all()
    assert neglect.active is False
    assert "Neglect" not in offered(signed_in(world["pdt"]), review)
    assert "Neglect" in [t.name for t in learning_of(review).tags]
    assert "Not offered" in admin.get("/admin/learning-tags").text()
    admin.post(f"/admin/learning-tags/{neglect.id}/reactivate", {}, status=302)
    db.session.expire_all()
    assert neglect.active is True
    assert "Neglect" in offered(signed_in(world["pdt"]), review)
    changes = db.session.execute(
        select(AuditEvent.changed_fields).where(
            AuditEvent.event_type == "taxonomy.changed", AuditEvent.record_id == neglect.id
        )
    ).scalars()
    assert list(changes) == [["active"], ["active"]]
    admin.post("/admin/learning-tags/999999/deactivate", {}, status=404)


def test_only_administrators_manage_the_lists(world, signed_in):
    neglect = tag("Neglect")
    for key in ("ce", "dce", "pdt", "slt", "practitioner"):
        client = signed_in(world[key])
        client.get("/admin/learning-tags", status=403)
        client.post("/admin/learning-tags", {"kind": "risk_factor", "name": "Mine"}, status=403)
        client.post(f"/admin/learning-tags/{neglect.id}/deactivate", {}, status=403)
    db.session.expire_all()
    assert neglect.active
    assert db.session.execute(select(LearningTag).where(LearningTag.name == "Mine")).first() is None


def test_there_is_no_way_to_delete_an_entry(app):
    rules = [rule for rule in app.url_map.iter_rules() if "learning-tags" in rule.rule]
    assert all("DELETE" not in rule.methods for rule in rules)
    assert not any("delete" in rule.rule or "remove" in rule.rule for rule in rules)
