"""Dates as readers expect them in their language: CLDR long dates through Babel."""

from __future__ import annotations

import datetime

from .language import Language, parse_language

FALLBACK_LOCALE = "en"
"""The locale used when Babel does not know the requested one."""


def date_locale(language: Language, house_locale: str = "") -> str:
    """The locale a document's dates are written in.

    A style's ``[text] date_locale`` (``en-GB``) is the house convention for every document of its language,
    whatever region the document names (a wire story tagged ``en-US`` still gets the house's British dates);
    documents in other languages keep their own.
    """
    if house_locale:
        house = parse_language(house_locale)
        if house.primary == language.primary:
            return house.tag
    return language.tag


_US_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_US_ENGLISH = frozenset({"en", "en-US"})
"""Locales whose CLDR long date is "MMMM d, y" with these month names (tests compare them with Babel's)."""


def long_date(date: datetime.date, locale: str) -> tuple[str, str]:
    """``date`` in the CLDR long format of ``locale``, and a warning when the locale was unknown (else "")."""
    if locale in _US_ENGLISH:
        # The commonest case spelt out: loading Babel and its locale data costs ~30 ms of a cold export.
        return f"{_US_MONTHS[date.month - 1]} {date.day}, {date.year}", ""
    # Babel loads its locale data on first use; importing it only here keeps start-up quick.
    from babel import Locale, UnknownLocaleError
    from babel.dates import format_date

    warning = ""
    try:
        parsed = Locale.parse(locale, sep="-")
    except (UnknownLocaleError, ValueError, TypeError):
        parsed = Locale.parse(FALLBACK_LOCALE)
        warning = f"no date format for locale {locale!r}; dates are written in English"
    return format_date(date, format="long", locale=parsed), warning
