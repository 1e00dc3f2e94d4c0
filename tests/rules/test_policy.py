"""The deadlines policy: the packaged default, the environment override, and refused files."""

from __future__ import annotations

import dataclasses
import json
import re
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from rules import Policy, PolicyError, load_policy

REQUIRED = [
    "acknowledge_incident",
    "consult_area_head",
    "rapid_review",
    "decision",
    "inform_practitioner_and_pm",
    "offer_eap_referral",
    "first_support_meeting",
    "support_meeting_cadence",
    "agree_support_needs",
    "allocate_reviewer",
    "gather_information",
    "draft_report",
    "accuracy_response",
    "dispute_author_stage",
    "dispute_dce_stage",
    "dispute_raiser_answer",
    "dispute_revision",
    "grievance_stage",
    "slt_discussion",
    "agree_action_plan",
    "action_plan_progress_review",
]


@pytest.fixture(autouse=True)
def no_policy_override(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CASE_REVIEW_POLICY", raising=False)


def default_text() -> str:
    return resources.files("rules").joinpath("policy.toml").read_text("utf-8")


def write_policy(tmp_path: Path, *, escalation: dict[str, Any] | None = None, **changes: Any) -> Path:
    """The default policy with some keys changed (None removes a key), written as TOML."""
    data = tomllib.loads(default_text())
    ladder = {**data.pop("escalation"), **(escalation or {})}
    data.update(changes)
    lines = [f"{key} = {json.dumps(value)}" for key, value in data.items() if value is not None]
    lines.append("[escalation]")
    lines += [f"{key} = {json.dumps(value)}" for key, value in ladder.items() if value is not None]
    path = tmp_path / "policy.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_default_policy_loads() -> None:
    policy = load_policy()

    assert isinstance(policy, Policy)
    assert policy.timescale("acknowledge_incident") == 1
    assert policy.timescale("rapid_review") == 15  # England's rapid review reference point
    assert policy.timescale("decision") == 5
    assert policy.timescale("share_with_external_review") == 5
    assert all(policy.timescale(key) >= 1 for key in REQUIRED)
    assert policy.escalation.reminder_at_due == 0
    assert policy.escalation.line_manager_after == 2
    assert policy.escalation.deputy_chief_executive_after == 5


def test_every_default_says_it_is_ours_and_why() -> None:
    # Each setting is in a block of lines, with its comment, separated by blank lines.
    blocks = [block for block in default_text().split("\n\n") if re.search(r"^\w+ = ", block, re.M)]

    assert len(blocks) == 28  # 27 timescales and the escalation table
    for block in blocks:
        assert "our default" in block.lower(), block
        assert "procedure gives none" in block, block


def test_describe_lists_every_setting_for_the_admin_page() -> None:
    rows = load_policy().describe()
    keys = [key for key, _, _ in rows]

    assert set(REQUIRED) <= set(keys)
    assert "share_with_external_review" in keys
    assert keys[-3:] == [
        "escalation.reminder_at_due",
        "escalation.line_manager_after",
        "escalation.deputy_chief_executive_after",
    ]
    assert all(isinstance(days, int) and description for _, days, description in rows)


def test_policy_is_immutable() -> None:
    policy = load_policy()

    with pytest.raises(dataclasses.FrozenInstanceError):
        policy.escalation = None  # type: ignore[misc]
    with pytest.raises(TypeError):
        policy.timescales["decision"] = 1  # type: ignore[index]


def test_environment_names_another_policy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CASE_REVIEW_POLICY", str(write_policy(tmp_path, decision=8)))

    assert load_policy().timescale("decision") == 8


def test_explicit_path_wins_over_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CASE_REVIEW_POLICY", str(tmp_path / "absent.toml"))
    other = tmp_path / "other"
    other.mkdir()

    assert load_policy(write_policy(other, decision=9)).timescale("decision") == 9


def test_unknown_key_is_named(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="decsion") as caught:
        load_policy(write_policy(tmp_path, decsion=5))

    assert caught.value.key == "decsion"


def test_unknown_escalation_key_is_named(tmp_path: Path) -> None:
    with pytest.raises(PolicyError) as caught:
        load_policy(write_policy(tmp_path, escalation={"chief_executive_after": 9}))

    assert caught.value.key == "escalation.chief_executive_after"


@pytest.mark.parametrize("value", [0, -3, 2.5, "5", True])
def test_non_positive_or_non_integer_value_is_named(tmp_path: Path, value: Any) -> None:
    with pytest.raises(PolicyError, match="draft_report") as caught:
        load_policy(write_policy(tmp_path, draft_report=value))

    assert caught.value.key == "draft_report"


def test_reminder_may_be_on_the_due_date_but_not_before(tmp_path: Path) -> None:
    with pytest.raises(PolicyError) as caught:
        load_policy(write_policy(tmp_path, escalation={"reminder_at_due": -1}))

    assert caught.value.key == "escalation.reminder_at_due"


def test_escalation_ladder_must_climb(tmp_path: Path) -> None:
    ladder = {"line_manager_after": 5, "deputy_chief_executive_after": 5}
    with pytest.raises(PolicyError) as caught:
        load_policy(write_policy(tmp_path, escalation=ladder))

    assert caught.value.key == "escalation.deputy_chief_executive_after"


def test_missing_required_key_is_named(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="slt_discussion"):
        load_policy(write_policy(tmp_path, slt_discussion=None))


def test_external_review_sharing_is_optional(tmp_path: Path) -> None:
    policy = load_policy(write_policy(tmp_path, share_with_external_review=None))

    assert policy.timescales["share_with_external_review"] is None
    with pytest.raises(PolicyError, match="not set"):
        policy.timescale("share_with_external_review")


def test_unknown_timescale_name_is_refused() -> None:
    with pytest.raises(PolicyError, match="unknown timescale"):
        load_policy().timescale("lunch")


def test_invalid_toml_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "broken.toml"
    path.write_text("decision = = 5\n", encoding="utf-8")

    with pytest.raises(PolicyError, match="not valid TOML"):
        load_policy(path)


def test_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="cannot read"):
        load_policy(tmp_path / "absent.toml")
