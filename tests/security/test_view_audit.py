"""Every GET page that shows case data writes an audit event.

The walk covers every GET route in the app. Routes with record ids are requested with a review whose
records exist, in every review state (and every dispute stage), as each person on the review, until
the page answers 200; a 200 must have written an event naming the case. A route that never answers
200 fails the test too, so the data keeps up with new routes. Routes that show no case data are on
an explicit allow-list, each with its reason."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select, update

from tests.accuracy.helpers import shared_review
from tests.clock import london_today
from tests.conftest import sign_in
from tests.factories import make_user
from tests.security.routes import id_arguments, methods, rules, url_for_rule
from webapp.extensions import db
from webapp.models import (
    AccuracyResponse,
    ActionPlanItem,
    ActionStatus,
    ApplicationType,
    AuditEvent,
    Briefing,
    BriefingRecipient,
    BriefingStatus,
    Child,
    ChronologyEntry,
    CourtApplication,
    Dispute,
    DisputeStage,
    ExternalReview,
    ExternalReviewKind,
    InformationRequest,
    LearningPoint,
    LearningTag,
    Review,
    ReviewState,
    Role,
    Task,
    utcnow,
)
from webapp.notifications.services import notify
from webapp.safeguarding.services import participation_of

# GET routes that show no case data, and why; everything else must audit its views.
NO_CASE_DATA = {
    "main.index": "the start page",
    "main.home": "lists: the person's new notifications, tasks and reviews (case numbers), to choose one",
    "main.health": "a health check for the load balancer",
    "main.accessibility": "the accessibility statement",
    "main.no_access": "a fixed message for people with no role",
    "auth.sign_in": "the sign-in form",
    "auth.second_factor": "the sign-in code form",
    "auth.set_up_second_factor": "setting up the second factor during sign-in",
    "auth.new_password": "the forced password change at sign-in",
    "auth.continue_sign_in": "redirects to the next step of signing in",
    "account.overview": "the person's own account: name, second factor on or off",
    "account.change_password": "the person's own password form",
    "account.confirm_password": "asks for the password again before an administrator's action",
    "account.set_up_second_factor": "the person's own second factor set-up",
    "account.email_preference": "the person's own choice of emails",
    "language.switch": "saves the language chosen and returns to the page it was chosen on",
    "approvals.waiting": "changes to staff access awaiting approval: names and roles, no case data",
    "assets.govuk_asset": "GOV.UK Frontend files",
    "assets.govuk_bundle": "GOV.UK Frontend files",
    "static": "the app's CSS and JavaScript",
    "admin.list_areas": "area names",
    "admin.tasks_with_nobody": "kinds of task, the group and area with nobody in it; no case data",
    "admin.rename_area": "an area name",
    "admin.list_users": "staff accounts, no case data",
    "admin.new_user": "an empty form",
    "admin.edit_user": "a staff account",
    "admin.policy": "the timescales policy",
    "admin.audit_trail": "audited itself, as audit.viewed (ids and field names only)",
    "admin_mail.caught_mail": "development mail catcher: emails carry no case data",
    "learning.tags": "the learning lists (tag names)",
    "learning.tag_welsh_name": "one learning list entry's Welsh name",
    "notifications.list_notifications": "the person's notifications: a line and a link each",
    "notifications.failed_notifications": "failed emails: kinds and addresses, no case data",
    "notifications.open_notification": "marks one read and redirects to its page, which is audited",
    "cases.new_case": "an empty form",
    "learning.learning_dashboard": "aggregate counts over many reviews, no case named",
    "learning.dashboard_csv": "aggregate counts (audited when exported: dashboard.exported)",
    "learning.closed_reviews_csv": "anonymised coded rows, no case named (audited: learning.exported)",
    "learning.closed_reviews_json": "anonymised coded rows, no case named (audited: learning.exported)",
    "learning.list_briefings": "briefing titles and counts: anonymised, no case named",
    "learning.send_briefing": "roles and areas to send a draft briefing to: no case named",
    "learning.new_briefing_session": "a form for a session delivering a briefing: staff names, no case data",
}
# Lists name cases (case number, area, state) so that a person can open one; opening it is audited.
LISTS = {
    "cases.list_cases": "case numbers and areas, to choose a case; the case page is audited",
    "cases.list_incidents": "incident kinds and case numbers, to choose one; its page is audited",
    "reviews.my_tasks": "the person's own tasks, to choose one; the task page is audited",
    "reviews.team_tasks": "the team's tasks, to choose one; the task page is audited",
    "reviews.list_reviews": "case numbers, stages and next tasks, to choose a review; its page is audited",
    "learning.dashboard_reviews": "the reviews behind a figure, to choose one; the review page is audited",
    "learning.new_briefing": "reviews with an agreed report and their learning points, to draw a briefing on",
    "learning.edit_briefing": "reviews with an agreed report and their learning points, to choose from",
}


def review_with_every_record():
    shared = shared_review()
    review = shared.review
    pdt = make_user(roles=Role.PRACTICE_DEVELOPMENT_TEAM)
    slt = make_user(roles=Role.SENIOR_LEADERSHIP_TEAM)
    response = AccuracyResponse(
        review_id=review.id,
        draft_id=shared.draft.id,
        party="practitioner",
        user_id=shared.practitioner.id,
        agrees=False,
        concern="A date is wrong.",
    )
    db.session.add(response)
    db.session.flush()
    dispute = Dispute(
        review_id=review.id, response_id=response.id, draft_id=response.draft_id, stage=DisputeStage.AUTHOR
    )
    item = ActionPlanItem(
        review_id=review.id,
        action="Refresh the training.",
        owner_id=shared.manager.id,
        due_on=london_today() + timedelta(days=30),
        status=ActionStatus.IN_PROGRESS,
    )
    entry = ChronologyEntry(
        review_id=review.id,
        occurred_on=london_today() - timedelta(days=90),
        what_happened="A visit.",
        source="Case file",
        created_by_id=shared.reviewer.id,
    )
    point = LearningPoint(review_id=review.id, position=1, text="Update the risk assessment.")
    child = Child(case_id=review.case_id, name="Child A", date_of_birth=london_today() - timedelta(days=2000))
    application = CourtApplication(
        case_id=review.case_id,
        application_type=ApplicationType.CHILD_ARRANGEMENTS,
        made_on=london_today() - timedelta(days=200),
    )
    db.session.add_all([dispute, item, entry, point, child, application])
    # Our part in a SUSR, with an information request (its answer and cancel pages).
    participation = participation_of(review) or ExternalReview(
        review_id=review.id, kind=ExternalReviewKind.SUSR, known_from_outset=False
    )
    db.session.add(participation)
    db.session.flush()
    information_request = InformationRequest(
        external_review_id=participation.id,
        received_on=london_today(),
        requested_by="Panel chair",
        summary="Contact records.",
        deadline=london_today() + timedelta(days=10),
        recorded_by_id=shared.ce.id,
    )
    db.session.add(information_request)
    notification = notify(
        shared.ce, "task_due", link_path=f"/reviews/{review.id}", detail="x", dedupe_key="walk"
    )
    db.session.commit()
    # A briefing drawn on the review, sent to its practitioner: its page shows the review's learning.
    briefing = Briefing(
        title="Household checks",
        body="Check who lives in the home.",
        written_by_id=pdt.id,
        status=BriefingStatus.SENT,
        sent_at=utcnow(),
        sent_by_id=pdt.id,
    )
    briefing.reviews = [review]
    db.session.add(briefing)
    db.session.flush()
    db.session.add(
        BriefingRecipient(briefing_id=briefing.id, user_id=shared.practitioner.id, due_on=london_today())
    )
    db.session.commit()
    # A task done on the generic task page (others redirect to their feature's page), chosen in id
    # order so the walk opens the same page on every database.
    generic = [
        task
        for task in db.session.execute(
            select(Task).where(Task.review_id == review.id).order_by(Task.id)
        ).scalars()
        if task.kind not in current_app.extensions["task_pages"]
    ]
    task = generic[0]
    people = [
        shared.ce,
        shared.dce,
        shared.reviewer,
        shared.manager,
        shared.practitioner,
        shared.hoo,
        pdt,
        slt,
    ]
    ids = {
        "case_id": review.case_id,
        "incident_id": review.incident_id,
        "review_id": review.id,
        "task_id": task.id,
        "dispute_id": dispute.id,
        "item_id": item.id,
        "point_id": point.id,
        "entry_id": entry.id,
        "child_id": child.id,
        "application_id": application.id,
        "version": shared.draft.version,
        "notification_id": notification.id,
        "briefing_id": briefing.id,
        "request_id": information_request.id,
        "tag_id": db.session.execute(select(LearningTag.id).order_by(LearningTag.id)).scalars().first(),
    }
    return review, ids, people


def audit_count(case_id: int) -> int:
    return db.session.execute(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.case_id == case_id)
    ).scalar_one()


def set_state(review_id: int, state: ReviewState, stage: DisputeStage) -> None:
    db.session.execute(update(Review).where(Review.id == review_id).values(state=state))
    db.session.execute(update(Dispute).where(Dispute.review_id == review_id).values(stage=stage))
    db.session.commit()


def conditions(rule) -> list[tuple[ReviewState | None, DisputeStage]]:
    """Each review state (and each dispute stage, for a dispute's pages) the route may need."""
    if not id_arguments(rule):
        return [(None, DisputeStage.AUTHOR)]
    stages = DisputeStage if "dispute_id" in rule.arguments else [DisputeStage.AUTHOR]
    return [(state, stage) for state in ReviewState for stage in stages]


def test_every_get_page_showing_case_data_audits_the_view(app):
    review, ids, people = review_with_every_record()
    case_id, review_id = ids["case_id"], review.id
    for person in people:
        person.client = app.test_client()
        assert sign_in(person.client, person.email).status_code == 302
    routes = [
        rule
        for rule in rules(app)
        if "GET" in methods(rule) and rule.endpoint not in NO_CASE_DATA and rule.endpoint not in LISTS
    ]
    unaudited, unresolved, audited = [], [], []
    for rule in routes:
        url = url_for_rule(rule, {name: ids[name] for name in id_arguments(rule)})
        shown = False
        for state, stage in conditions(rule):
            if state is not None:
                set_state(review_id, state, stage)
            for person in people:
                before = audit_count(case_id)
                response = person.client.get(url)
                response.close()
                if response.status_code == 200:
                    shown = True
                    if audit_count(case_id) == before:
                        unaudited.append(f"{rule.endpoint} ({url}, {state}, {stage})")
                    break
            if shown:
                break
        (audited if shown else unresolved).append(rule.endpoint)
    assert unaudited == [], "GET pages showing case data without an audit event:\n" + "\n".join(unaudited)
    assert unresolved == [], "routes the walk could not open: give the walk the data they need"
    assert len(audited) >= 35
