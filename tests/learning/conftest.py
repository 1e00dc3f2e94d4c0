"""The people of the learning tests: every role, in two areas."""

from __future__ import annotations

import pytest

from tests.factories import make_area, make_user
from webapp.models import Role


@pytest.fixture
def world(app):
    north, south = make_area(name="North"), make_area(name="South")
    ce = make_user(roles=Role.CHIEF_EXECUTIVE, name="Ceri Chief")
    dce = make_user(roles=Role.DEPUTY_CHIEF_EXECUTIVE, name="Dafydd Deputy", manager=ce)
    pm = make_user(roles=Role.PRACTICE_MANAGER, area=north, name="Mared Manager", manager=dce)
    return {
        "north": north,
        "south": south,
        "ce": ce,
        "dce": dce,
        "pdt": make_user(roles=Role.PRACTICE_DEVELOPMENT_TEAM, name="Huw Development", manager=dce),
        "slt": make_user(roles=Role.SENIOR_LEADERSHIP_TEAM, name="Megan Leadership"),
        "admin": make_user(roles=Role.ADMINISTRATOR, name="Alex Admin"),
        "ahoo": make_user(roles=Role.AREA_HEAD_OF_OPERATIONS, area=north),
        "reviewer": make_user(roles=Role.HEAD_OF_OPERATIONS, area=south, name="South Reviewer"),
        "pm": pm,
        "practitioner": make_user(roles=Role.PRACTITIONER, area=north, name="Owain Practitioner", manager=pm),
        # Owns actions on a North case without seeing North's cases.
        "outsider": make_user(
            roles=Role.PRACTITIONER,
            area=south,
            name="Siân Outsider",
            manager=make_user(roles=Role.PRACTICE_MANAGER),
        ),
    }
