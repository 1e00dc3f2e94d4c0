"""The Welsh catalogue is complete: every interface text in the code has Welsh, none is fuzzy, and
each Welsh text carries the same placeholders as its English (and all six of Welsh's plural forms)."""

from __future__ import annotations

from babel.messages.catalog import Catalog

from webapp.i18n import catalogue


def test_every_interface_text_has_welsh_with_the_same_placeholders():
    template = catalogue.extract()
    assert len([m for m in template if m.id]) > 0
    problems = catalogue.problems(template, catalogue.load())
    advice = f"{len(problems)} texts need Welsh (python -m webapp.i18n.catalogue todo):\n"
    assert problems == [], advice + "\n".join(problems[:50])


def _catalogue(*entries) -> Catalog:
    made = Catalog(locale="cy")
    for english, welsh, flags in entries:
        made.add(english, welsh, flags=flags)
    return made


def test_the_check_finds_missing_fuzzy_and_changed_placeholders():
    template = _catalogue(
        ("Sign in", None, ()),
        ("Case %(number)s", None, ()),
        ("Save", None, ()),
        ("Back", None, ()),
        (("%(count)s task", "%(count)s tasks"), None, ()),
    )
    welsh = _catalogue(
        ("Case %(number)s", "Achos %(rhif)s", ()),
        ("Save", "Cadw", ("fuzzy",)),
        ("Back", "Yn ôl", ()),
        (("%(count)s task", "%(count)s tasks"), ("%(count)s tasg", "%(count)s dasg"), ()),
    )
    found = catalogue.problems(template, welsh)
    assert any(line.startswith("no Welsh: 'Sign in'") for line in found)
    assert any(line.startswith("placeholders differ: 'Case %(number)s'") for line in found)
    assert any(line.startswith("fuzzy: 'Save'") for line in found)
    assert any(line.startswith("needs 6 plural forms: '%(count)s task'") for line in found)
    assert not any("'Back'" in line for line in found)


def test_english_left_finds_interface_english_but_not_marked_or_welsh_passages():
    from tests.language import english_left

    assert english_left("<main><p>Review not initiated</p></main>") == ["Review not initiated"]
    assert english_left("<main><p>Adolygiad heb ei gychwyn</p></main>") == []
    # A passage marked as English (a user's own words, the switch's "English") is not the interface's.
    assert english_left('<main><p lang="en">Review not initiated</p></main>') == []
    # Short runs ("Open", "Done") could be anyone's words and are not counted.
    assert english_left("<main><p>Open Done</p></main>") == []
