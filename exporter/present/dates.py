"""Dates as readers expect them in their language: CLDR long dates through Babel."""

from __future__ import annotations

import datetime

from .language import Language, parse_language

FALLBACK_LOCALE = "en"
"""The locale used when Babel does not know the requested one."""


def date_locale(language: Language, house_locale: str = "") -> str:
    """The locale a document's dates are written in.

    A style's ``[text] date_locale`` (``en-GB``) applies to documents of its language that name no region of
    their own: a bare ``en`` document takes the house's British dates, an explicit ``en-US`` one keeps its own.
    """
    if house_locale and not language.region:
        house = parse_language(house_locale)
        if house.primary == language.primary:
            return house.tag
    return language.tag


def long_date(date: datetime.date, locale: str) -> tuple[str, str]:
    """``date`` in the CLDR long format of ``locale``, and a warning when the locale was unknown (else "")."""
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
