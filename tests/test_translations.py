"""The French and Chinese catalogs are complete, compiled, and cover every string the code marks.

When one of these tests fails: run `make messages`, translate the listed entries in
locale/<lang>/LC_MESSAGES/django.po, then run `make messages` again to compile them.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[1]
LOCALES = ["fr", "zh_Hans", "zh_Hant"]
FIX = "run `make messages`, translate these entries in the .po, then `make messages` again"


def catalog_path(root: Path, locale: str) -> Path:
    return root / "locale" / locale / "LC_MESSAGES" / "django.po"


def key(entry: polib.POEntry | polib.MOEntry) -> str:
    return f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid


def incomplete_entries(po: polib.POFile) -> list[str]:
    """Entries that are untranslated, fuzzy or obsolete, or lack one of their plural forms."""
    nplurals = int(re.search(r"nplurals\s*=\s*(\d+)", po.metadata["Plural-Forms"]).group(1))
    problems = []
    for entry in po:
        if entry.obsolete:
            problems.append(f"obsolete: {key(entry)!r}")
        elif entry.fuzzy:
            problems.append(f"fuzzy: {key(entry)!r}")
        elif entry.msgid_plural:
            if not all(entry.msgstr_plural.get(n) for n in range(nplurals)):
                problems.append(f"missing plural forms: {key(entry)!r}")
        elif not entry.msgstr:
            problems.append(f"untranslated: {key(entry)!r}")
    return problems


def listing(lines: list[str]) -> str:
    return "".join(f"\n  {line}" for line in lines)


def translations(catalog: polib.POFile | polib.MOFile) -> dict:
    """msgid -> msgstr (or the tuple of plural forms) of the entries a .mo would contain."""
    entries = catalog.translated_entries() if isinstance(catalog, polib.POFile) else catalog
    return {
        key(entry): tuple(entry.msgstr_plural[n] for n in sorted(entry.msgstr_plural))
        if entry.msgid_plural
        else entry.msgstr
        for entry in entries
    }


@pytest.mark.parametrize("locale", LOCALES)
def test_catalog_is_fully_translated(locale):
    po = polib.pofile(str(catalog_path(ROOT, locale)))
    problems = incomplete_entries(po)
    assert not problems, f"{locale}: {len(problems)} entries to fix ({FIX}):{listing(problems)}"


@pytest.mark.parametrize("locale", LOCALES)
def test_compiled_catalog_matches_po(locale):
    po_path = catalog_path(ROOT, locale)
    mo_path = po_path.with_suffix(".mo")
    assert mo_path.exists(), f"{mo_path} is missing: run `make messages`"
    po, mo = polib.pofile(str(po_path)), polib.mofile(str(mo_path))
    expected, compiled = translations(po), translations(mo)
    keys = sorted(expected.keys() | compiled.keys())
    stale = [repr(k) for k in keys if expected.get(k) != compiled.get(k)]
    assert not stale, (
        f"{locale}: django.mo is older than django.po, run `make messages`:{listing(stale)}"
    )
    assert mo.metadata.get("Plural-Forms") == po.metadata.get("Plural-Forms")


def test_catalogs_cover_every_marked_string(tmp_path):
    if shutil.which("xgettext") is None:
        pytest.skip("GNU gettext (xgettext) is needed to extract messages: apt-get install gettext")
    for name in ("platform", "templates", "locale"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy2(ROOT / "manage.py", tmp_path / "manage.py")
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "PYTHONPATH"}}
    command = [sys.executable, "manage.py", "makemessages", "--no-obsolete", "--ignore=var"]
    command += [f"--locale={locale}" for locale in LOCALES]
    result = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True)
    assert result.returncode == 0, f"makemessages failed:\n{result.stdout}\n{result.stderr}"

    report = []
    for locale in LOCALES:
        committed = polib.pofile(str(catalog_path(ROOT, locale)))
        regenerated = polib.pofile(str(catalog_path(tmp_path, locale)))
        problems = incomplete_entries(regenerated)
        removed = sorted({key(e) for e in committed} - {key(e) for e in regenerated})
        problems += [f"no longer in the code: {msgid!r}" for msgid in removed]
        report += [f"{locale}: {problem}" for problem in problems]
    assert not report, f"The catalogs are behind the code ({FIX}):{listing(report)}"


def test_every_message_of_a_jinja_template_is_where_makemessages_finds_it():
    """``makemessages`` reads ``.jinja`` files as Django templates: in a ``{{ … }}`` it finds a
    ``_("…")`` only at the start, so a message given to a macro or written after another would
    never reach the catalogs, and would show in English in every language."""
    hidden = []
    for path in sorted((ROOT / "templates").rglob("*.jinja")):
        for expression in re.findall(r"\{\{(.*?)\}\}", path.read_text(encoding="utf-8"), re.S):
            marked = len(re.findall(r"\b_\(", expression))
            found = 1 if re.match(r"\s*_\(", expression) else 0
            if marked > found:
                hidden.append(f"{path.relative_to(ROOT)}: {{{{{expression}}}}}")
    assert not hidden, "Give these messages a {% set %} of their own:" + listing(hidden)
