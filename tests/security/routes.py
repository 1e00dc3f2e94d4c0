"""Every route in the app, as URLs a test can request."""

from __future__ import annotations

from collections.abc import Iterator

from werkzeug.routing import Rule

# Values for the path arguments that are not record ids.
NON_ID_ARGUMENTS = {
    "filename": "govuk-frontend.min.css",
    "source": "case_file",
    "party": "practitioner",
    "fmt": "pdf",
    "key": "risk-factors",
    "code": "en",
}


def rules(app) -> Iterator[Rule]:
    yield from sorted(app.url_map.iter_rules(), key=lambda rule: rule.rule)


def id_arguments(rule: Rule) -> list[str]:
    return [name for name in rule.arguments if name not in NON_ID_ARGUMENTS]


def url_for_rule(rule: Rule, ids: dict[str, object]) -> str:
    """The rule's path with ``ids`` for its ids and a fixed value for its other arguments."""
    values = {name: ids[name] if name in ids else NON_ID_ARGUMENTS[name] for name in rule.arguments}
    if rule.endpoint == "static":
        values["filename"] = "app.css"
    # Built by hand, not with url_for: oversized ids must reach the app exactly as typed.
    path = rule.rule
    for name, value in values.items():
        path = _replace_argument(path, name, str(value))
    return path


def _replace_argument(path: str, name: str, value: str) -> str:
    start = path.index("<")
    while True:
        end = path.index(">", start)
        if path[start + 1 : end].split(":")[-1] == name:
            return path[:start] + value + path[end + 1 :]
        start = path.index("<", end)


def methods(rule: Rule) -> list[str]:
    return sorted(rule.methods - {"HEAD", "OPTIONS"})
