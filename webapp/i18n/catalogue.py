"""The Welsh catalogue, kept complete as the code changes.

    python -m webapp.i18n.catalogue update          # extract every text, add new ones to the .po
    python -m webapp.i18n.catalogue check [PATH..]  # list texts with no Welsh, fuzzy, or placeholders
                                                    # that differ (only those found under PATH..)
    python -m webapp.i18n.catalogue todo PATH.. > todo.json   # the untranslated texts as JSON
    python -m webapp.i18n.catalogue fill todo.json  # put the Welsh from the JSON into the .po

The JSON maps each English text to its Welsh: a string, or for a text with plural forms a list of
six strings (Welsh's forms for n = 0, 1, 2, 3, 6 and any other number). ``make`` compiles the .po
into the .mo the app reads; the .mo is not committed. tests/i18n/test_catalogue.py fails while any
text lacks Welsh.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from config import BASE_DIR

PO = BASE_DIR / "translations" / "cy" / "LC_MESSAGES" / "messages.po"
MO = PO.with_suffix(".mo")
KEYWORDS = {**DEFAULT_KEYWORDS, "lazy_gettext": None, "lazy_ngettext": (1, 2), "_l": None, "_n": (1, 2)}
SKIPPED_DIRECTORIES = {"node_modules", "translations", "tests", "bench", "instance", "migrations", "docs"}
# %(name)s in Python and in templates (Jinja's newstyle gettext), {name} in str.format.
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\w*\}")


def _walk(dirname: str) -> bool:
    name = Path(dirname).name
    return not (name.startswith((".", "_")) or name in SKIPPED_DIRECTORIES)


def extract() -> Catalog:
    """Every interface text in the code and templates, as babel.cfg says where to look."""
    with (BASE_DIR / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    catalog = Catalog(project="Case review manager", charset="utf-8")
    for filename, lineno, message, comments, context in extract_from_dir(
        BASE_DIR,
        method_map,
        options_map,
        keywords=KEYWORDS,
        comment_tags=("Translators:",),
        strip_comment_tags=True,
        directory_filter=_walk,
    ):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def load() -> Catalog:
    if not PO.exists():
        return Catalog(locale="cy", project="Case review manager", charset="utf-8")
    with PO.open("rb") as handle:
        return read_po(handle, locale="cy")


HEADER = """\
# Welsh for the case review manager: this service's translation (see docs/welsh-glossary.md).
# Edit with `python -m webapp.i18n.catalogue` (its docstring says how); `make` compiles it."""
# Fixed, so two branches that add texts do not also collide on the header's dates.
STAMP = datetime(2026, 12, 1, tzinfo=UTC)


def save(catalog: Catalog) -> None:
    PO.parent.mkdir(parents=True, exist_ok=True)
    catalog.header_comment = HEADER
    catalog.fuzzy = False
    catalog.creation_date = catalog.revision_date = STAMP
    catalog.version = "1"
    catalog.last_translator = catalog.language_team = "Case review manager team"
    catalog.msgid_bugs_address = ""
    # No line numbers and no wrapping: an edit elsewhere in a file does not touch the catalogue.
    with PO.open("wb") as handle:
        write_po(handle, catalog, width=0, sort_output=True, ignore_obsolete=True, include_lineno=False)


def update() -> Catalog:
    catalog = load()
    catalog.update(extract(), no_fuzzy_matching=True)
    save(catalog)
    return catalog


def compile_mo() -> None:
    with PO.open("rb") as handle:
        catalog = read_po(handle, locale="cy")
    with MO.open("wb") as handle:
        write_mo(handle, catalog)


def _forms(message: Message) -> list[str]:
    return list(message.string) if isinstance(message.string, (list, tuple)) else [message.string or ""]


def _placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def problems(template: Catalog, welsh: Catalog, under: Iterable[str] = ()) -> list[str]:
    """What keeps the Welsh from being complete: each a line naming the text and what is wrong."""
    prefixes = tuple(under)
    found = []
    for message in template:
        if not message.id:
            continue
        if prefixes and not any(path.startswith(prefixes) for path, _ in message.locations):
            continue
        english = message.id if isinstance(message.id, (list, tuple)) else (message.id,)
        where = ", ".join(sorted({path for path, _ in message.locations}))
        translated = welsh.get(message.id, context=message.context)
        if translated is None:
            found.append(f"no Welsh: {english[0]!r} ({where})")
            continue
        if translated.fuzzy:
            found.append(f"fuzzy: {english[0]!r} ({where})")
        forms = _forms(translated)
        if len(english) > 1 and len(forms) != welsh.num_plurals:
            found.append(f"needs {welsh.num_plurals} plural forms: {english[0]!r} ({where})")
        if not all(form.strip() for form in forms):
            found.append(f"no Welsh: {english[0]!r} ({where})")
            continue
        wanted = set().union(*(_placeholders(text) for text in english))
        for form in forms:
            if _placeholders(form) - wanted or (len(english) == 1 and _placeholders(form) != wanted):
                found.append(f"placeholders differ: {english[0]!r} -> {form!r} ({where})")
                break
    return found


def _todo(under: list[str]) -> dict:
    template, welsh = extract(), load()
    todo: dict[str, object] = {}
    for message in template:
        if not message.id or (under and not any(p.startswith(tuple(under)) for p, _ in message.locations)):
            continue
        translated = welsh.get(message.id, context=message.context)
        if translated is not None and not translated.fuzzy and all(f.strip() for f in _forms(translated)):
            continue
        if isinstance(message.id, (list, tuple)):
            todo[message.id[0]] = {"plural": message.id[1], "cy": [""] * welsh.num_plurals}
        else:
            todo[message.id] = ""
    return todo


def _fill(path: str) -> int:
    entries = json.loads(Path(path).read_text(encoding="utf-8"))
    catalog = update()
    filled = 0
    for message in catalog:
        if not message.id:
            continue
        key = message.id[0] if isinstance(message.id, (list, tuple)) else message.id
        if key not in entries:
            continue
        value = entries[key]
        if isinstance(value, dict):
            value = value["cy"]
        if not value:
            continue
        message.string = tuple(value) if isinstance(message.id, (list, tuple)) else value
        message.flags.discard("fuzzy")
        filled += 1
    save(catalog)
    return filled


def main(argv: list[str]) -> int:
    command, rest = (argv[0], argv[1:]) if argv else ("check", [])
    if command == "update":
        catalog = update()
        print(f"{len([m for m in catalog if m.id])} texts in {PO.relative_to(BASE_DIR)}")
        return 0
    if command == "check":
        found = problems(extract(), load(), rest)
        print("\n".join(found) or "The Welsh is complete.")
        return 1 if found else 0
    if command == "todo":
        json.dump(_todo(rest), sys.stdout, ensure_ascii=False, indent=1)
        print()
        return 0
    if command == "fill":
        print(f"{_fill(rest[0])} texts given Welsh")
        return 0
    if command == "compile":
        compile_mo()
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
