"""Chinese text uses Chinese (full-width) punctuation (issue 13): "姓名：王建国（崇礼区）", not
"姓名: 王建国 (崇礼区)". Checks the zh_Hans translations and the text the templates print around
what they render (a translated phrase or a value, Chinese on a Chinese page). No database."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import vetserve

PACKAGE = Path(vetserve.__file__).parent
PO = PACKAGE / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
HAN = "\u3400-\u9fff\uf900-\ufaff"
# What a template prints: a value or a translated phrase, Chinese on a Chinese page.
OUTPUT = "\x01"
ASCII_MARKS = ",:;?!()"
NEXT_TO_CHINESE = re.compile(
    rf"[{HAN}{OUTPUT}] ?[{re.escape(ASCII_MARKS)}]|[{re.escape(ASCII_MARKS)}] ?[{HAN}{OUTPUT}]"
)
# Placeholders are not punctuation: %(name)s, %s, {name}.
PLACEHOLDER = re.compile(r"%\(\w+\)[sdf]|%[sdf]|\{\w*\}")


def msgstrs(path: Path) -> list[tuple[int, str]]:
    """(line, text) of every msgstr of a .po file, continuation lines joined."""
    found: list[tuple[int, str]] = []
    in_msgstr = False
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.startswith("msgstr"):
            found.append((number, ast.literal_eval(line.split(" ", 1)[1])))
            in_msgstr = True
        elif line.startswith('"') and in_msgstr:
            found[-1] = (found[-1][0], found[-1][1] + ast.literal_eval(line))
        else:
            in_msgstr = False
    return found


def offending_translations(path: Path) -> list[str]:
    return [
        f"django.po:{number}: {text}"
        for number, text in msgstrs(path)
        if NEXT_TO_CHINESE.search(PLACEHOLDER.sub("x", text).replace(OUTPUT, ""))
    ]


TEMPLATE_OUTPUT = re.compile(
    r"{% *blocktranslate.*?{% *endblocktranslate *%}|{% *translate .*?%}|{{.*?}}", re.S
)
TEMPLATE_OTHER = re.compile(r"{%.*?%}|{#.*?#}", re.S)
HTML_TAG = re.compile(r"<[^>]*>")
ENTITY = re.compile(r"&#?\w+;")
SCRIPT_OR_STYLE = re.compile(r"<(script|style)\b.*?</\1>", re.S)


def template_text(source: str) -> str:
    """The text a template prints, with each value or translated phrase as OUTPUT, and no
    template logic, comments, HTML tags or attributes (URLs hold "?" and ":" on purpose)."""
    text = TEMPLATE_OUTPUT.sub(OUTPUT, source)
    text = TEMPLATE_OTHER.sub("", text)
    text = SCRIPT_OR_STYLE.sub("", text)
    return ENTITY.sub(" ", HTML_TAG.sub(" ", text))


def offending_templates(root: Path) -> list[str]:
    found = []
    for path in sorted(root.rglob("templates/**/*.html")):
        if "django/forms" in path.as_posix():
            continue
        for number, line in enumerate(template_text(path.read_text()).splitlines(), 1):
            if NEXT_TO_CHINESE.search(line):
                found.append(f"{path.relative_to(root)}:{number}: {line.strip()!r}")
    return found


def test_the_checker_finds_half_width_marks_next_to_chinese(tmp_path):
    po = tmp_path / "django.po"
    po.write_text('msgid "a"\nmsgstr "姓名: 王"\n\nmsgid "b"\nmsgstr ""\n"共 %(n)s 人(含候补)"\n')
    assert len(offending_translations(po)) == 2
    po.write_text('msgid "a"\nmsgstr "姓名：%(name)s（%(org)s）"\n')
    assert offending_translations(po) == []
    templates = tmp_path / "app" / "templates" / "app"
    templates.mkdir(parents=True)
    (templates / "a.html").write_text('<a href="?q={{ q }}">{% translate "Name" %}: {{ n }}</a>')
    assert len(offending_templates(tmp_path)) == 1
    (templates / "a.html").write_text('<a href="?q={{ q }}">{% translate "Name" %}：{{ n }}</a>')
    assert offending_templates(tmp_path) == []


def test_no_chinese_translation_uses_half_width_punctuation():
    assert offending_translations(PO) == []


def test_no_template_prints_half_width_punctuation_around_chinese():
    assert offending_templates(PACKAGE) == []
