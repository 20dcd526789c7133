"""Danish and English for the web pages: the language of a request, its catalogue, its formats.

Why gettext catalogues (Babel) and not dictionaries in code: translators work on ``.po``
files with standard tools, and ``pybabel extract`` finds every marked string in the
templates and the code (babel.cfg), so a test can fail on any text missing from the Danish
catalogue (tests/unit/test_web_catalogue.py). The ``.po`` files are compiled in memory at
start-up: no build step, nothing generated is committed.

The language comes from ``?lang=`` (the switch on every page, remembered in a cookie), then
the cookie, then ``Accept-Language``; English is the fallback.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal, format_percent
from babel.support import Translations

__all__ = ["LANGUAGES", "LANG_COOKIE", "N_", "Language", "language", "negotiate"]

LOCALE_DIR = Path(__file__).parent / "locale"
#: The languages offered, with the locale whose formats they use; the first is the fallback.
LANGUAGES = {"en": "en_GB", "da": "da_DK"}
LANG_COOKIE = "coprod_lang"
#: What a page shows for a missing value (an en dash).
NO_VALUE = "\u2013"


def N_(message: str) -> str:
    """Mark a string for the catalogue where it is defined; it is translated where shown."""
    return message


@dataclass(frozen=True)
class Language:
    """One language's translations and number, money and date formats."""

    code: str
    translations: Translations

    @property
    def locale(self) -> Locale:
        return _locale(self.code)

    def gettext(self, message: str) -> str:
        return self.translations.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.translations.ngettext(singular, plural, n)

    def money(self, amount: Decimal | None, currency: str | None) -> str:
        """ "1.234,50 kr." in Danish, "DKK 1,234.50" in English; a dash for no amount."""
        if amount is None or currency is None:
            return NO_VALUE
        if self.code == "en":
            return format_currency(amount, currency, "¤\u00a0#,##0.00", locale=self.locale)
        return format_currency(amount, currency, locale=self.locale)

    def number(self, value: Decimal | float | int | None, digits: int = 0) -> str:
        if value is None:
            return NO_VALUE
        pattern = "#,##0" + ("." + "0" * digits if digits else "")
        return format_decimal(value, pattern, locale=self.locale)

    def percent(self, share: Decimal | float | None, digits: int = 0) -> str:
        if share is None:
            return NO_VALUE
        pattern = "#,##0" + ("." + "0" * digits if digits else "") + "\u00a0%"
        return format_percent(share, pattern, locale=self.locale)

    def date(self, value: date | datetime | None) -> str:
        if value is None:
            return NO_VALUE
        if isinstance(value, datetime):
            return format_datetime(value, "medium", locale=self.locale)
        return format_date(value, "long" if self.code == "da" else "d MMM y", locale=self.locale)


@cache
def _locale(code: str) -> Locale:
    """Parsed once: parsing a locale costs more than formatting a number with it."""
    return Locale.parse(LANGUAGES[code])


@cache
def language(code: str) -> Language:
    """The language `code` ("da" or "en") with its catalogue compiled from the ``.po`` file."""
    if code not in LANGUAGES:
        code = next(iter(LANGUAGES))
    po = LOCALE_DIR / code / "LC_MESSAGES" / "messages.po"
    with po.open("rb") as f:
        catalog = read_po(f, locale=LANGUAGES[code])
    mo = io.BytesIO()
    write_mo(mo, catalog)
    mo.seek(0)
    return Language(code, Translations(mo))


def negotiate(query: str | None, cookie: str | None, accept_language: str | None) -> str:
    """The language of a request: the switch, the remembered choice, then the browser's."""
    for choice in (query, cookie):
        if choice in LANGUAGES:
            return choice
    for code in _accepted(accept_language or ""):
        if code in LANGUAGES:
            return code
    return next(iter(LANGUAGES))


def _accepted(header: str) -> list[str]:
    """Accept-Language's primary language tags, best first (q=0 means "not this one")."""
    weighted: list[tuple[float, int, str]] = []
    for i, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        if tag and q > 0:
            weighted.append((-q, i, tag.split("-")[0].lower()))
    return [code for _, _, code in sorted(weighted)]


Gettext = Callable[[str], str]
