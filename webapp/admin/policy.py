"""The timescales in force: the policy file as the initial default, with the changes an administrator
made on the Policy page (stored in the database, so every worker and the scheduler use them at once,
without a restart)."""

from __future__ import annotations

from flask import current_app, g, has_request_context
from sqlalchemy import select

import rules
from rules.policy import with_overrides
from webapp import audit
from webapp.extensions import db
from webapp.models import PolicySetting, User
from webapp.records import unit_of_work

SOURCE = "the policy file with the administrators' changes"


def file_policy() -> rules.Policy:
    return current_app.extensions["case_review_policy"]


def _overrides() -> dict[str, int]:
    rows = db.session.execute(select(PolicySetting.key, PolicySetting.working_days)).all()
    return {key: days for key, days in rows}


def effective_policy() -> rules.Policy:
    """The file's policy with the stored changes, read once per request (the table is tiny)."""
    if has_request_context() and "effective_policy" in g:
        return g.effective_policy
    overrides = _overrides()
    policy = with_overrides(file_policy(), overrides, SOURCE) if overrides else file_policy()
    if has_request_context():
        g.effective_policy = policy
    return policy


def changed_keys() -> set[str]:
    return set(_overrides())


@unit_of_work()
def change(values: dict[str, int], *, actor: User) -> list[str]:
    """Store the settings that differ from those in force; rules.PolicyError (naming the key) if the
    result would not be a valid policy, and then nothing is saved."""
    current = {key: days for key, days, _ in effective_policy().describe()}
    changed = sorted(key for key, days in values.items() if current.get(key) != days)
    if not changed:
        return []
    with_overrides(file_policy(), {**_overrides(), **{key: values[key] for key in changed}}, SOURCE)
    for key in changed:
        setting = db.session.get(PolicySetting, key)
        if setting is None:
            db.session.add(PolicySetting(key=key, working_days=values[key], updated_by_id=actor.id))
        else:
            setting.working_days = values[key]
            setting.updated_by_id = actor.id
    db.session.flush()
    audit.record("policy.changed", record_id=None, changed_fields=changed, actor=actor)
    if has_request_context():
        g.pop("effective_policy", None)
    return changed
