from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user

from webapp.i18n import gettext
from webapp.permissions import Permission, can, permission_required, public

bp = Blueprint("main", __name__)
HOME_TASKS = 10
HOME_NOTIFICATIONS = 10
HOME_BRIEFINGS = 5


@bp.route("/")
@public
def index():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.sign_in"))
    return redirect(url_for("main.home"))


@bp.route("/home")
@permission_required(Permission.SIGNED_IN)
def home():
    """Each person starts where their work is: what is new for them, their open tasks (overdue
    first), their reviews and, for those who oversee reviews, the ones needing attention."""
    if not can(Permission.VIEW_TASKS):
        if can(Permission.MANAGE_USERS):
            return redirect(url_for("admin.list_users"))
        return redirect(url_for("main.no_access"))
    from webapp.formatting import today_in_london
    from webapp.learning import past
    from webapp.learning.briefings import for_home
    from webapp.notifications.services import unread_for
    from webapp.reviews import listing
    from webapp.tasks import titles
    from webapp.tasks.services import my_tasks

    today = today_in_london()
    tasks = my_tasks(current_user, page=1, per_page=HOME_TASKS)
    mine = listing.my_reviews(current_user)
    attention = listing.needing_attention(current_user, today)
    # What earlier reviews learned about the open reviews on this page (those the person works on or
    # oversees), each item saying which review it is for.
    open_reviews = {review.id: review for review in mine + (attention or [])}
    task_titles, task_cases = titles.listing(tasks.items)
    return render_template(
        "main/home.html",
        title=gettext("Your work"),
        tasks=tasks,
        task_titles=task_titles,
        task_cases=task_cases,
        new=unread_for(current_user, limit=HOME_NOTIFICATIONS),
        my_reviews=mine,
        attention=attention,
        next_tasks=listing.next_tasks(mine + (attention or [])),
        open_reviews=open_reviews,
        past=past.for_reviews(current_user, list(open_reviews)) if open_reviews else None,
        today=today,
        briefings=for_home(current_user, limit=HOME_BRIEFINGS),
    )


@bp.route("/no-access")
@permission_required(Permission.SIGNED_IN)
def no_access():
    return render_template("main/no_access.html")


@bp.route("/accessibility")
@public
def accessibility():
    """The accessibility statement the Public Sector Bodies Accessibility Regulations 2018 require:
    open to everyone, linked from every page's footer."""
    return render_template(
        "main/accessibility.html", title=gettext("Accessibility statement for Case review manager")
    )


@bp.route("/health")
@public
def health():
    return {"status": "ok"}
