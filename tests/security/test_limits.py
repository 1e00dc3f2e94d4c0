"""Input limits: oversized bodies answer 413 with a GOV.UK page; ids and page numbers beyond what
the database holds answer 404, never 500."""

from __future__ import annotations

import pytest

from tests.conftest import Page, sign_in
from tests.factories import make_case, make_user
from tests.security.routes import id_arguments, methods, rules, url_for_rule
from webapp.models import Role

OVERSIZED = [2**31, 2**63, 10**30, "9" * 5000]


def signed_in_clients(app) -> list:
    clients = []
    for role in (Role.CHIEF_EXECUTIVE, Role.ADMINISTRATOR):
        client = app.test_client()
        assert sign_in(client, make_user(roles=role).email).status_code == 302
        clients.append(client)
    return clients


def test_every_route_answers_404_to_an_oversized_id(app):
    make_case()  # so that a small id would exist
    answers = {}
    tried = 0
    for client in signed_in_clients(app):
        for rule in rules(app):
            names = id_arguments(rule)
            if not names:
                continue
            for value in OVERSIZED:
                url = url_for_rule(rule, dict.fromkeys(names, value))
                for method in methods(rule):
                    response = client.open(url, method=method, data={})
                    tried += 1
                    if response.status_code != 404:
                        answers[f"{method} {rule.rule} id={str(value)[:20]}"] = response.status_code
    assert tried > 400
    assert answers == {}


@pytest.mark.parametrize(
    "url",
    [
        "/cases?page={n}",
        "/cases?area={n}",
        "/incidents?page={n}",
        "/incidents?area={n}",
        "/admin/audit?case={n}",
        "/admin/audit?record_id={n}",
        "/admin/audit?page={n}",
        "/admin/users?page={n}",
        "/admin/notifications/failed?page={n}",
        "/tasks/team?page={n}",
    ],
)
def test_an_oversized_number_in_the_query_answers_404(app, url):
    for client in signed_in_clients(app):
        for value in OVERSIZED[:3]:
            response = client.get(url.format(n=value))
            assert response.status_code in (403, 404), (url, value, response.status_code)
        # Not a number, or a huge string of digits Python will not parse: ignored, as before.
        assert client.get(url.format(n="abc")).status_code in (200, 403)
        assert client.get(url.format(n="9" * 5000)).status_code in (200, 403)


def test_the_largest_valid_id_is_simply_not_found(app):
    [client, _admin] = signed_in_clients(app)
    assert client.get(f"/cases/{2**31 - 1}").status_code == 404
    assert client.get(f"/cases?page={2**31 - 1}").status_code == 200


def test_a_body_over_the_limit_answers_413_with_a_gov_uk_page(app):
    client = app.test_client()
    response = client.post(
        "/sign-in",
        data={"email": "someone@example.org", "password": "x" * (2 * 1024 * 1024)},
    )
    page = Page(response)
    assert page.status == 413
    assert page.title == "What you sent is too large – Case review manager"
    assert "Nothing was saved" in page.text()


def multipart(fields: dict[str, str]) -> tuple[bytes, str]:
    """A multipart body built here, as bytes (the test client would spool a big one to a file)."""
    boundary = "----case-review-test-boundary"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in fields.items()
    ]
    return ("".join(parts) + f"--{boundary}--\r\n").encode(), f"multipart/form-data; boundary={boundary}"


def test_a_form_over_the_memory_limit_answers_413(app):
    # Under MAX_CONTENT_LENGTH (1 MiB) but one multipart field over MAX_FORM_MEMORY_SIZE (512 KiB).
    client = app.test_client()
    body, content_type = multipart({"email": "a@example.org", "password": "x" * (700 * 1024)})
    response = client.post("/sign-in", data=body, content_type=content_type)
    assert response.status_code == 413


def test_a_form_with_too_many_fields_answers_413(app):
    client = app.test_client()
    body, content_type = multipart({f"field{n}": "x" for n in range(1500)})
    response = client.post("/sign-in", data=body, content_type=content_type)
    assert response.status_code == 413


def test_a_normal_form_is_unaffected(app):
    user = make_user(roles=Role.CHIEF_EXECUTIVE)
    assert sign_in(app.test_client(), user.email).status_code == 302
