"""Words and numbers on charts and slides, in English or Simplified Chinese.

Every title, axis label, legend entry and slide text comes from the catalogue
(:mod:`sim.plotting.catalogue`) through :func:`label`, so switching ``lang`` switches everything;
names from a scenario are shown as words (:func:`contact_type_name`: ``email_enquiry`` → "Email
enquiry", 邮件咨询). Numbers are
formatted by :func:`format_value` and :func:`format_estimate` the same way on charts and in decks:
money with its symbol for GBP, USD and EUR (``£1,414,397``) and its code otherwise
(``CHF 1,414,397``), written once per value or interval; negative numbers with a minus sign (−).
"""

from __future__ import annotations

import math

from sim.measures.metrics import KPIS, kpi_info
from sim.plotting.catalogue import (
    CATALOGUE,
    CONTACT_TYPES_ZH,
    CONTACT_WORDS_ZH,
    KPI_ZH,
    LANGS,
    Lang,
)
from sim.scenario.base import humanise

CURRENCY_SYMBOLS = {"GBP": "£", "USD": "$", "EUR": "€"}
"""Currencies written with their symbol; any other is written with its code (``CHF 1,200``)."""
MINUS = "\u2212"


def label(key: str, lang: Lang, **values: object) -> str:
    """The catalogue text for ``key`` in ``lang``, with ``values`` filled in."""
    return CATALOGUE[key][LANGS.index(lang)].format(**values)


def sentence(text: str) -> str:
    """``text`` with a capital first letter, as it starts a table cell or a line."""
    return text[:1].upper() + text[1:]


def contact_type_name(name: str, lang: Lang) -> str:
    """A contact type as words: ``Email enquiry`` or 邮件咨询. In Chinese, a name made only of
    known words is translated (:data:`CONTACT_TYPES_ZH`, :data:`CONTACT_WORDS_ZH`); any other
    is shown as English words."""
    words = humanise(name)
    if lang == "zh":
        if name in CONTACT_TYPES_ZH:
            return CONTACT_TYPES_ZH[name]
        parts = words.lower().split()
        if parts and all(part in CONTACT_WORDS_ZH for part in parts):
            return "".join(CONTACT_WORDS_ZH[part] for part in parts)
    return words


def kpi_name(name: str, lang: Lang) -> str:
    """A KPI's name, e.g. ``average speed of answer``, ``Email enquiry answered within target``
    or ``服务水平``."""
    group, _, item = name.partition(".")
    if group == "within_target":
        return label("kpi.within_target", lang, item=contact_type_name(item, lang))
    if lang == "en":
        return kpi_info(name).label
    if name in KPIS:
        return KPI_ZH[name]
    stage = f"{'reason' if group == 'defections' else 'stage'}.{item}"
    item_text = label(stage, lang) if stage in CATALOGUE else item
    return label(f"kpi.{group}_group", lang, item=item_text)


def unit_text(unit: str, lang: Lang, currency: str = "") -> str:
    """How a :class:`~sim.measures.metrics.KpiInfo` unit is written on an axis: ``%``, ``s``,
    ``£``, ``CHF``."""
    if unit == "share":
        return "%"
    if unit == "money":
        return CURRENCY_SYMBOLS.get(currency, currency) or label("unit.money", lang)
    if unit == "ratio":
        return "×"
    return label(f"unit.{unit}", lang)


def kpi_label(name: str, lang: Lang, currency: str = "") -> str:
    """A KPI's name with its unit, e.g. ``average speed of answer (s)`` or ``服务水平（%）``."""
    text, unit = kpi_name(name, lang), unit_text(kpi_info(name).unit, lang, currency)
    return f"{text} ({unit})" if lang == "en" else f"{text}（{unit}）"


def share_digits(value: float) -> int:
    """Decimals for a share: one under 10% (5.0%), none above (84%)."""
    return 1 if abs(value) < 0.1 else 0


def _number(value: float, unit: str, digits: int | None) -> str:
    if unit == "share":
        text = f"{100 * value:.{share_digits(value) if digits is None else digits}f}"
    elif unit in ("count", "money"):
        text = f"{value:,.0f}"
    else:
        text = f"{value:,.1f}"
    return text.replace("-", MINUS)


def _with_unit(number: str, unit: str, lang: Lang, currency: str) -> str:
    if unit == "share":
        return f"{number}%"
    if unit == "money":
        symbol = CURRENCY_SYMBOLS.get(currency)
        if symbol is None:
            return f"{currency} {number}".strip()
        sign = MINUS if number.startswith(MINUS) else ""
        return f"{sign}{symbol}{number.removeprefix(MINUS)}"
    if unit in ("count", "ratio"):
        return number
    return f"{number} {label(f'unit.{unit}', lang)}"


def format_value(
    value: float, unit: str, lang: Lang = "en", digits: int | None = None, currency: str = ""
) -> str:
    """A number as written on a slide: ``84%``, ``12.3 s``, ``1,234``, ``£1,489,036``,
    ``−£20,500``, ``CHF 1,489,036``.

    ``digits`` fixes the decimals of a share (default: :func:`share_digits`).
    """
    if math.isnan(value):
        return "–"
    return _with_unit(_number(value, unit, digits), unit, lang, currency)


def format_interval(
    low: float,
    high: float,
    unit: str,
    lang: Lang = "en",
    digits: int | None = None,
    currency: str = "",
) -> str:
    """A confidence interval with its unit written once: ``81–88%``, ``4.1–16.1 s``,
    ``£1,327,588–1,650,483``; from a negative number the ends are joined by "to":
    ``−£5,120 to 3,400``."""
    if math.isnan(low) or math.isnan(high):
        return "–"
    ends = {"low": _number(low, unit, digits), "high": _number(high, unit, digits)}
    numbers = label("range", lang, **ends) if low < 0 else "{low}–{high}".format(**ends)
    return _with_unit(numbers, unit, lang, currency)


def format_estimate(
    mean: float,
    ci_low: float,
    ci_high: float,
    unit: str,
    lang: Lang = "en",
    level: float = 0.95,
    currency: str = "",
) -> str:
    """``84% (95% CI 81–88%)``: the mean and its confidence interval, to the same precision."""
    digits = share_digits(mean) if unit == "share" else None
    mean_text = format_value(mean, unit, lang, digits, currency)
    if math.isnan(ci_low) or math.isnan(ci_high):
        return mean_text
    interval = format_interval(ci_low, ci_high, unit, lang, digits, currency)
    ci = f"{label('ci', lang, level=level)} {interval}"
    return f"{mean_text} ({ci})" if lang == "en" else f"{mean_text}（{ci}）"
