"""The service navigation in the header: which sections a signed-in person sees, and which one the
page belongs to. One table, read in order; a section shows when the person holds its permission.

Built here rather than in the template: every signed-in page renders it, and a Jinja loop adding
one dictionary at a time to a list cost several times what this does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import request, url_for
from flask_login import current_user
from markupsafe import Markup, escape

from webapp.i18n import LazyString
from webapp.i18n import gettext as _
from webapp.i18n import lazy_gettext as _l
from webapp.permissions import Permission, permissions_of


@dataclass(frozen=True)
class Section:
    endpoint: str  # where its link goes
    text: LazyString
    permission: Permission
    # Whether a page (by its endpoint and blueprint) belongs to this section.
    current: Callable[[str, str], bool]


def _is(*endpoints: str) -> Callable[[str, str], bool]:
    return lambda endpoint, _blueprint: endpoint in endpoints


SECTIONS = (
    Section("main.home", _l("Home"), Permission.VIEW_TASKS, _is("main.home")),
    Section("reviews.list_reviews", _l("Reviews"), Permission.VIEW_CASES, _is("reviews.list_reviews")),
    Section(
        "cases.list_cases",
        _l("Cases"),
        Permission.VIEW_CASES,
        lambda endpoint, blueprint: blueprint == "cases" and not endpoint.startswith("cases.list_incidents"),
    ),
    Section(
        "cases.list_incidents",
        _l("Incidents"),
        Permission.VIEW_CASES,
        lambda endpoint, _blueprint: endpoint.startswith("cases.list_incidents"),
    ),
    Section(
        "reviews.my_tasks",
        _l("My tasks"),
        Permission.VIEW_TASKS,
        _is("reviews.my_tasks", "reviews.action_task"),
    ),
    Section("reviews.team_tasks", _l("Team tasks"), Permission.VIEW_TEAM_TASKS, _is("reviews.team_tasks")),
    Section(
        "learning.learning_dashboard",
        _l("Learning dashboard"),
        Permission.VIEW_DASHBOARD,
        _is("learning.learning_dashboard", "learning.dashboard_csv"),
    ),
    Section(
        "learning.list_briefings",
        _l("Learning briefings"),
        Permission.TRACE_BRIEFINGS,
        lambda endpoint, _blueprint: endpoint.startswith("learning.") and "briefing" in endpoint,
    ),
    Section(
        "notifications.list_notifications",
        _l("Notifications"),
        Permission.SIGNED_IN,
        _is("notifications.list_notifications"),
    ),
    Section(
        "notifications.failed_notifications",
        _l("Failed emails"),
        Permission.MANAGE_NOTIFICATIONS,
        _is("notifications.failed_notifications"),
    ),
    Section(
        "admin.list_users",
        _l("Users"),
        Permission.MANAGE_USERS,
        lambda endpoint, _blueprint: endpoint.startswith("admin.") and "user" in endpoint,
    ),
    Section(
        "admin_mail.caught_mail",
        _l("Caught emails"),
        Permission.MANAGE_NOTIFICATIONS,
        _is("admin_mail.caught_mail"),
    ),
    Section("admin.list_areas", _l("Areas"), Permission.MANAGE_AREAS, _is("admin.list_areas")),
    Section("learning.tags", _l("Learning lists"), Permission.MANAGE_TAXONOMY, _is("learning.tags")),
    Section("admin.policy", _l("Policy"), Permission.VIEW_POLICY, _is("admin.policy")),
    Section(
        "approvals.waiting",
        _l("Access changes"),
        Permission.APPROVE_ACCOUNT_CHANGES,
        lambda _endpoint, blueprint: blueprint == "approvals",
    ),
    Section("admin.audit_trail", _l("Audit trail"), Permission.VIEW_AUDIT, _is("admin.audit_trail")),
)


# This module's own markup: the count and the words are escaped into it by format().
_BADGE = Markup(
    '<strong class="govuk-tag govuk-tag--red">{}<span class="govuk-visually-hidden"> {}</span></strong>'
)
_SPACE = Markup(" ")


def _notifications_html(unread: int) -> Markup:
    """The Notifications link's words, with a red count of the unread ones."""
    text = escape(_("Notifications"))
    if not unread:
        return text
    return text + _SPACE + _BADGE.format(unread, _("unread"))


def service_navigation(unread: int) -> list[dict]:
    """The items for GOV.UK's service navigation component, for the signed-in person on this page
    (none for anyone else), in the page's language; ``unread`` is their unread notifications."""
    if not current_user.is_authenticated:
        return []
    held = permissions_of(current_user)
    endpoint, blueprint = request.endpoint or "", request.blueprint or ""
    items = []
    for section in SECTIONS:
        if section.permission not in held:
            continue
        item: dict = {"href": url_for(section.endpoint), "active": section.current(endpoint, blueprint)}
        if section.endpoint == "notifications.list_notifications":
            item["html"] = _notifications_html(unread)
        else:
            item["text"] = str(section.text)
        items.append(item)
    return items
