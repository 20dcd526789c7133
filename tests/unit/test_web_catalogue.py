"""Every text of the web pages is in the Danish catalogue, with the same placeholders.

The strings are extracted from the templates and the code exactly as ``pybabel extract``
does (babel.cfg), so a new text that nobody translated fails here, not in front of a
Danish reader.
"""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from api.web.i18n import LOCALE_DIR, language

ROOT = Path(__file__).resolve().parents[2]
_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def extracted() -> set[str | tuple[str, ...]]:
    with (ROOT / "babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
    found: set[str | tuple[str, ...]] = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        ROOT / "api" / "web", method_map, options_map, keywords=keywords
    ):
        found.add(message if isinstance(message, str) else tuple(message))
    return found


def danish() -> dict[object, object]:
    with (LOCALE_DIR / "da" / "LC_MESSAGES" / "messages.po").open("rb") as f:
        catalog = read_po(f, locale="da")
    return {m.id if isinstance(m.id, str) else tuple(m.id): m.string for m in catalog if m.id}


def test_the_pages_have_texts_to_translate() -> None:
    assert len(extracted()) > 200


def test_every_text_has_a_danish_translation() -> None:
    translations = danish()
    missing = sorted(
        str(m) for m in extracted() if not translations.get(m) or not all(translations[m])
    )
    assert not missing, f"{len(missing)} texts missing from the Danish catalogue: {missing}"


def test_translations_keep_their_placeholders() -> None:
    for msgid, msgstr in danish().items():
        ids = [msgid] if isinstance(msgid, str) else list(msgid)  # type: ignore[arg-type]
        strs = [msgstr] if isinstance(msgstr, str) else list(msgstr)  # type: ignore[arg-type]
        wanted = set(_PLACEHOLDER.findall(ids[-1]))
        for text in strs:
            assert set(_PLACEHOLDER.findall(str(text))) == wanted, (msgid, text)


def test_the_danish_catalogue_is_used() -> None:
    assert language("da").gettext("Processes") == "Processer"
    assert language("en").gettext("Processes") == "Processes"
    assert language("xx").code == "en"


def test_the_reasons_in_or_out_say_what_the_cli_says() -> None:
    """Every reason code of the outcome rules has its catalogue sentence, and in English it is
    word for word the sentence the CLI prints, with the same numbers."""
    from api.web.why import WHY_TEXTS, why_text
    from coprod.domain.tally import WHY, Why

    assert set(WHY_TEXTS) == set(WHY)
    english, danish = language("en"), language("da")
    values = {"round": "3", "score": "120", "left": "4000", "cost": "500 DKK", "threshold": "10"}
    values |= {"percent": "80", "rival": "12"}
    for code, template in WHY.items():
        names = set(re.findall(r"\{(\w+)\}", template))
        reason = Why(code, tuple((k, v) for k, v in values.items() if k in names))
        assert why_text(english, reason) == reason.text
        assert why_text(danish, reason) != reason.text


def test_every_event_the_trail_records_has_a_heading() -> None:
    from api.web.events import EVENT_HEADINGS
    from projections.timeline.model import TimelineModel

    recorded = {e.__qualname__ for e in TimelineModel.handlers.handled()}
    assert recorded - set(EVENT_HEADINGS) == set()
    danish = language("da")
    assert all(danish.gettext(text) != text for text in EVENT_HEADINGS.values())
