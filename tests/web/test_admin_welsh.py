"""Administration in Welsh (issue 13): a Welsh-speaking administrator's pages, errors and messages are
all Welsh; an administrator sets the language a person reads the service in."""

from __future__ import annotations

from email.message import EmailMessage

from sqlalchemy import select

from tests.factories import make_area, make_case, make_user, welsh
from tests.language import all_welsh
from webapp import audit, mailcatcher
from webapp.extensions import db
from webapp.i18n import force_locale, in_language_of
from webapp.models import AuditEvent, Notification, NotificationStatus, Role, User
from webapp.notifications.services import notify


def test_a_welsh_administrator_manages_users_in_welsh(app, signed_in):
    area = make_area(name="Gogledd Cymru")
    person = make_user(roles=Role.ADMINISTRATOR, name="Gwen Jones", email="gwen@example.org")
    admin = signed_in(welsh(make_user(roles=Role.ADMINISTRATOR)))
    page = admin.get("/admin/users")
    all_welsh(page)
    assert page.h1 == "Defnyddwyr" and page.title.startswith("Defnyddwyr")
    assert "Ychwanegu defnyddiwr" in page.text() and "Gweithredol" in page.text()

    page = admin.get("/admin/users/new")
    all_welsh(page)
    assert page.h1 == "Ychwanegu defnyddiwr"
    assert {"Enw llawn", "Cyfeiriad e-bost", "Ardal weithredol", "Cyfrinair dros dro"} <= {
        label.get_text(strip=True) for label in page.html.select("label")
    }
    empty = admin.post("/admin/users/new", {"name": "", "email": "", "area_id": "", "line_manager_id": ""})
    all_welsh(empty)
    assert {
        "Rhowch enw llawn yr unigolyn",
        "Rhowch gyfeiriad e-bost",
        "Dewiswch o leiaf un rôl",
        "Rhowch gyfrinair dros dro",
    } <= set(empty.error_summary())
    bad = admin.post(
        "/admin/users/new",
        {"name": "Someone", "email": "not-an-email", "roles": ["emperor"], "password": "x" * 20},
    )
    all_welsh(bad)
    assert "Rhowch gyfeiriad e-bost yn y fformat cywir, fel enw@example.org" in bad.error_summary()

    page = admin.get(f"/admin/users/{person.id}/edit")
    all_welsh(page)
    assert page.h1 == "Newid defnyddiwr: Gwen Jones"
    assert "Ailosod yr ail ffactor" in page.text()
    languages = {
        radio["value"]: radio.find_next("label").get_text(strip=True)
        for radio in page.html.select("input[name=language]")
    }
    assert languages == {"en": "English", "cy": "Cymraeg"}
    # The administrator sets Gwen's language; the change is in the trail under its field's name.
    done = admin.post(
        f"/admin/users/{person.id}/edit",
        {
            "name": person.name,
            "email": person.email,
            "roles": ["administrator"],
            "area_id": str(area.id),
            "language": "cy",
        },
        follow=True,
    )
    all_welsh(done)
    assert "Defnyddiwr wedi'i ddiweddaru." in done.text()
    db.session.expire_all()
    assert db.session.get(User, person.id).language == "cy"
    event = db.session.execute(
        select(AuditEvent).where(AuditEvent.event_type == "user.updated", AuditEvent.record_id == person.id)
    ).scalar_one()
    assert "language" in event.changed_fields

    done = admin.post(f"/admin/users/{person.id}/deactivate", {}, follow=True)
    all_welsh(done)
    assert "Mae Gwen Jones wedi'i ddadactifadu a'i allgofnodi." in done.text()
    done = admin.post(f"/admin/users/{admin.user.id}/deactivate", {}, follow=True)
    assert "Ni allwch ddadactifadu eich cyfrif eich hun." in done.text()


def test_a_new_person_gets_the_language_the_administrator_chose(app, signed_in):
    admin = signed_in(roles=Role.ADMINISTRATOR)  # an English administrator: the page is unchanged
    page = admin.get("/admin/users/new")
    assert page.html.find("html")["lang"] == "en" and page.h1 == "Add a user"
    assert page.html.select_one("input[name=language][value=en]").has_attr("checked")
    admin.post(
        "/admin/users/new",
        {
            "name": "Rhys Example",
            "email": "rhys@example.org",
            "roles": ["administrator"],
            "password": "a long enough password",
            "language": "cy",
        },
        status=302,
    )
    rhys = db.session.execute(select(User).where(User.email == "rhys@example.org")).scalar_one()
    assert rhys.language == "cy"
    bad = admin.post(
        "/admin/users/new",
        {"name": "X", "email": "x@example.org", "roles": ["administrator"], "language": "fr"},
    )
    assert "Select the language the person reads the service in" in bad.error_summary()


def test_areas_in_welsh(app, signed_in):
    area = make_area(name="De Cymru")
    admin = signed_in(welsh(make_user(roles=Role.ADMINISTRATOR)))
    page = admin.get("/admin/areas")
    all_welsh(page)
    assert page.h1 == "Ardaloedd gweithredol" and "Ychwanegu ardal" in page.text()
    empty = admin.post("/admin/areas", {"name": ""})
    all_welsh(empty)
    assert empty.error_summary() == ["Rhowch enw'r ardal"]
    taken = admin.post("/admin/areas", {"name": "de cymru"})
    assert taken.error_summary() == ["Mae ardal gyda'r enw hwn yn bodoli eisoes"]
    added = admin.post("/admin/areas", {"name": "Powys"}, follow=True)
    all_welsh(added)
    assert "Ardal wedi'i hychwanegu." in added.text()
    page = admin.get(f"/admin/areas/{area.id}/rename")
    all_welsh(page)
    assert page.h1 == "Ailenwi ardal: De Cymru"
    renamed = admin.post(f"/admin/areas/{area.id}/rename", {"name": "Gwent"}, follow=True)
    assert "Ardal wedi'i hailenwi." in renamed.text()


def test_the_policy_page_in_welsh(app, signed_in):
    admin = signed_in(welsh(make_user(roles=Role.ADMINISTRATOR)))
    page = admin.get("/admin/policy")
    all_welsh(page)
    assert page.h1 == "Polisi amserlenni"
    assert "Pennaeth Gweithrediadau Ardal yn cydnabod yr hysbysiad (o'r hysbysiad)" in page.text()
    assert "Ein rhagosodiadau ni" in page.text()
    bad = admin.post("/admin/policy", {"decision": "ten"})
    all_welsh(bad)
    assert "Rhowch decision fel nifer cyfan o ddiwrnodau gwaith, o 0 i 999" in bad.error_summary()
    values = {field["name"]: field["value"] for field in page.html.select("input.govuk-input")}
    unchanged = admin.post("/admin/policy", values, follow=True)
    assert "Ni wnaethoch newid dim." in unchanged.text()
    ladder = admin.post("/admin/policy", values | {"escalation.line_manager_after": "9"})
    all_welsh(ladder)
    assert ladder.error_summary() == [
        "Rhaid i escalation.deputy_chief_executive_after fod yn hwyrach nag escalation.line_manager_after"
    ]
    changed = admin.post("/admin/policy", values | {"acknowledge_incident": "4"}, follow=True)
    all_welsh(changed)
    assert "1 amserlen wedi newid. Mae'n berthnasol o hyn ymlaen." in changed.text()


def test_the_audit_trail_in_welsh(app, signed_in):
    case = make_case()
    signed_in(case.practitioner).get(f"/cases/{case.id}")
    ce = signed_in(welsh(make_user(roles=Role.CHIEF_EXECUTIVE)))
    page = ce.get("/admin/audit")
    all_welsh(page)
    assert page.h1 == "Trywydd archwilio"
    labels = [row.select("td")[2].get_text(" ", strip=True) for row in page.html.select("tbody tr")]
    assert "Achos wedi'i weld case.viewed" in labels
    options = [option.get_text(strip=True) for option in page.html.select("#filter-event option")]
    assert "Tasg wedi'i huwchgyfeirio" in options and "Trywydd archwilio wedi'i weld" in options
    bad = ce.get("/admin/audit?person=neb@example.org&from=2026-13-01&case_number=ZZ9")
    all_welsh(bad)
    assert bad.error_summary() == [
        "Does dim achos gyda'r rhif achos hwnnw",
        "Does gan neb y cyfeiriad e-bost hwnnw",
        "Rhaid i'r dyddiad 'O' fod yn ddyddiad go iawn, er enghraifft 2026-12-01",
    ]
    # Every event has a Welsh name of its own; so have the actors that are not people.
    for event_type in audit.EVENT_TYPES:
        with force_locale("en"):
            english = audit.event_label(event_type)
        with in_language_of(ce.user):
            assert audit.event_label(event_type) != english, event_type
    with in_language_of(ce.user):
        assert audit.actor_words("system") == "Y gwasanaeth"


def test_notifications_not_sent_and_caught_mail_in_welsh(app, signed_in, monkeypatch, tmp_path):
    reader = make_user(email="reader@example.org")
    failed = notify(reader, "task_due", link_path="/tasks/1", detail="Detail", dedupe_key="welsh:failed")
    failed.status = NotificationStatus.FAILED
    failed.last_error = "SMTPRecipientsRefused 550"
    db.session.commit()
    admin = signed_in(welsh(make_user(roles=Role.ADMINISTRATOR)))
    page = admin.get("/admin/notifications/failed")
    all_welsh(page)
    assert page.h1 == "Hysbysiadau heb eu hanfon"
    assert "Mae gennych dasg adolygiad achos sy'n ddyledus" in page.text()  # the kind, in Welsh
    again = admin.post(f"/admin/notifications/{failed.id}/retry", {}, follow=True)
    all_welsh(again)
    assert "Caiff yr hysbysiad ei anfon eto y tro nesaf y bydd y gwasanaeth yn anfon e-byst." in again.text()
    assert "Mae pob hysbysiad wedi'i anfon." in again.text()
    twice = admin.post(f"/admin/notifications/{failed.id}/retry", {}, follow=True)
    assert "Nid yw'r hysbysiad hwnnw'n aros i gael ei anfon eto mwyach." in twice.text()

    monkeypatch.setitem(app.config, "MAIL_CATCHER", True)
    monkeypatch.setitem(app.config, "MAIL_CATCHER_DIRECTORY", str(tmp_path))
    page = admin.get("/admin/mail")
    all_welsh(page)
    assert page.h1 == "E-byst a ddaliwyd" and "Does dim negeseuon e-bost wedi'u dal eto." in page.text()
    caught = EmailMessage()
    caught["To"], caught["Subject"] = "reader@example.org", "Eich crynodeb dyddiol o adolygiadau achos"
    caught["Date"] = "Mon, 30 Nov 2026 07:00:00 +0000"
    caught["Message-ID"] = "<caught@case-review.invalid>"
    caught.set_content("Mae eich crynodeb dyddiol yn barod.")
    mailcatcher.store_message(tmp_path, bytes(caught))
    page = admin.get("/admin/mail")
    all_welsh(page)
    assert "Dangos y testun" in page.text() and "Yn dangos 1 o 1." in page.text()
    monkeypatch.setitem(app.config, "MAIL_CATCHER", False)
    page = admin.get("/admin/mail")
    all_welsh(page)
    assert page.h1 == "E-byst" and "Mae negeseuon e-bost yn mynd i'r gweinydd post" in page.text()


def test_access_changes_and_tasks_with_nobody_in_welsh(app, signed_in):
    person = make_user(roles=Role.ADMINISTRATOR, name="Gwen Jones")
    approver = welsh(make_user(roles=Role.CHIEF_EXECUTIVE))
    admin = signed_in(roles=Role.ADMINISTRATOR)
    admin.post(
        f"/admin/users/{person.id}/edit",
        {"name": person.name, "email": person.email, "roles": ["administrator", "practitioner"]},
        status=302,
    )
    ce = signed_in(approver)
    page = ce.get("/account-changes")
    all_welsh(page)
    assert page.h1 == "Newidiadau mynediad i'w cymeradwyo"
    assert "Newid rolau: " in page.text() and "Cymeradwyo" in page.text()
    # The administrator's form says what is waiting, in Welsh for a Welsh administrator.
    welsh_admin = signed_in(welsh(make_user(roles=Role.ADMINISTRATOR)))
    form = welsh_admin.get(f"/admin/users/{person.id}/edit")
    all_welsh(form)
    assert "Mae newid rolau yn aros i'r Prif Weithredwr neu'r Dirprwy Brif Weithredwr ei gymeradwyo." in (
        form.text()
    )
    form_action = page.html.select_one("form[action$='/approve']")["action"]
    done = ce.post(form_action, {}, follow=True)
    all_welsh(done)
    assert "Newid wedi'i gymeradwyo." in done.text() and "Does dim newidiadau yn aros." in done.text()
    # The approvers were told in their language (notification detail written for each).
    detail = db.session.execute(
        select(Notification.detail).where(Notification.user_id == ce.user.id)
    ).scalar_one()
    assert detail == "Mae newid i fynediad rhywun yn aros i chi ei gymeradwyo."

    page = welsh_admin.get("/admin/tasks-with-nobody")
    all_welsh(page)
    assert page.h1 == "Tasgau heb neb i'w gwneud"
    assert "Mae gan bob tasg agored rywun i'w gwneud." in page.text()


def test_english_administrator_pages_are_unchanged(app, signed_in):
    admin = signed_in(roles=Role.ADMINISTRATOR)
    assert admin.get("/admin/users").h1 == "Users"
    assert admin.get("/admin/areas").h1 == "Operational areas"
    assert admin.get("/admin/policy").h1 == "Timescales policy"
    assert admin.get("/admin/notifications/failed").h1 == "Notifications not sent"
    ce = signed_in(roles=Role.CHIEF_EXECUTIVE)
    trail = ce.get("/admin/audit")
    assert trail.h1 == "Audit trail" and "Case viewed" in [
        option.get_text(strip=True) for option in trail.html.select("#filter-event option")
    ]


def test_an_operator_creates_a_welsh_speaking_user_at_the_command_line(app):
    result = app.test_cli_runner().invoke(
        args=[
            "users",
            "create",
            "--email=elin@example.org",
            "--name=Elin Example",
            "--role=administrator",
            "--language=cy",
        ],
        input="a long enough password\n",
    )
    assert result.exit_code == 0, result.output
    elin = db.session.execute(select(User).where(User.email == "elin@example.org")).scalar_one()
    assert elin.language == "cy"
