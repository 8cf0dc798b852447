"""Stage 1: site.yaml (optional) → Config, with defaults for everything."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError

from sitegen.errors import Problems, SiteError, did_you_mean
from sitegen.model import Config, Lang
from sitegen.yamlio import load_data_file, locate

DEFAULT_TITLE = {"ar": "الأرشيف", "en": "Archive"}
DEFAULT_DATE_LOCALE = {"ar": "ar_SY", "en": "en_GB"}
KNOWN_KEYS = {
    "title",
    "description",
    "languages",
    "default_language",
    "base_url",
    "date_locale",
    "numerals",
    "per_page",
    "term_per_page",
    "allow_html",
    "search",
}
LANG_RE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")


def load_config(site_dir: Path, base_url: str | None = None) -> tuple[Config, list[SiteError]]:
    """Read SITE_DIR/site.yaml if present: the config and its warnings; raise SiteErrors on errors."""
    path = site_dir / "site.yaml"
    problems = Problems()
    raw: dict[str, Any] = {}
    text = ""
    if path.exists():
        data, errs = load_data_file(path)
        problems.extend(errs)
        if data is None and not errs:
            data = {}
        if data is not None and not isinstance(data, dict):
            problems.error(
                path,
                1,
                "site.yaml must be a mapping of settings (key: value)",
                "see docs/content.md for an example",
            )
        elif isinstance(data, dict):
            raw = data
            text = path.read_text(encoding="utf-8-sig")
    problems.raise_if_errors()

    def err(key: str, message: str, hint: str) -> None:
        problems.error(path, locate(text, [key]), message, hint)

    for key in raw:
        if key not in KNOWN_KEYS:
            problems.warning(
                path,
                locate(text, [str(key)]),
                f"unknown setting '{key}' is ignored",
                did_you_mean(str(key), KNOWN_KEYS) or "see docs/content.md for the settings",
            )

    languages = raw.get("languages", ["ar", "en"])
    if not (isinstance(languages, list) and languages and all(isinstance(x, str) for x in languages)):
        err(
            "languages",
            "languages must be a list of language codes, like [ar, en]",
            "write: languages: [ar, en]",
        )
        languages = ["ar", "en"]
    for code in languages:
        if not LANG_RE.match(code):
            err("languages", f"'{code}' is not a language code", "use codes like ar, en, fr")
    default = raw.get("default_language", languages[0])
    if default not in languages:
        err(
            "default_language",
            f"default_language '{default}' is not one of the languages {languages}",
            "pick one of the languages listed under `languages`",
        )
        default = languages[0]

    title = _per_language(raw.get("title"), languages, DEFAULT_TITLE, "title", err)
    description = _per_language(raw.get("description"), languages, {}, "description", err)
    date_locale = {
        **{lang: DEFAULT_DATE_LOCALE.get(lang, lang) for lang in languages},
        **_per_language(raw.get("date_locale"), languages, {}, "date_locale", err),
    }
    for lang, locale in date_locale.items():
        if not _known_locale(locale):
            shown = "" if locale == lang else f" (date_locale '{locale}')"
            instead = lang if _known_locale(lang) else "en"
            err(
                "languages" if locale == lang else "date_locale",
                f"dates cannot be written in '{lang}'{shown}: it is not a locale of the CLDR data sitegen uses",
                f"use a CLDR code (ar, ar_SY, en_GB, fr, ku, ckb…), or name one for its dates: "
                f"date_locale: {{{lang}: {instead}}}",
            )
    numerals = dict.fromkeys(languages, "latn")
    numerals.update(_per_language(raw.get("numerals"), languages, {}, "numerals", err))
    for lang, style in numerals.items():
        if style not in ("latn", "arab"):
            err(
                "numerals",
                f"numerals for '{lang}' must be latn (0-9) or arab (٠-٩), not '{style}'",
                "write: numerals: {ar: arab, en: latn}",
            )

    per_page = raw.get("per_page", 20)
    if not isinstance(per_page, int) or isinstance(per_page, bool) or per_page < 1:
        err("per_page", "per_page must be a whole number above 0", "write: per_page: 20")
        per_page = 20
    # tag, author and source pages list titles and dates only (Hugo's and Zola's term pages): a line each,
    # so more of them a page
    term_per_page = raw.get("term_per_page", 100)
    if not isinstance(term_per_page, int) or isinstance(term_per_page, bool) or term_per_page < 1:
        err("term_per_page", "term_per_page must be a whole number above 0", "write: term_per_page: 100")
        term_per_page = 100
    for flag in ("allow_html", "search"):
        if flag in raw and not isinstance(raw[flag], bool):
            err(flag, f"{flag} must be true or false", f"write: {flag}: false")

    url = base_url if base_url is not None else raw.get("base_url", "/")
    if not isinstance(url, str) or not (url.startswith("/") or re.match(r"^https?://[^/\s]+", url)):
        err(
            "base_url",
            f"base_url must be a path like /archive/ or a URL like https://user.github.io/archive/,"
            f" not {url!r}",
            "write: base_url: https://user.github.io/archive/",
        )
        url = "/"
    if not url.endswith("/"):
        url += "/"

    problems.raise_if_errors()
    config = Config(
        site_dir=site_dir,
        title=title,
        description=description,
        languages=tuple(Lang(x) for x in languages),
        default_language=Lang(default),
        base_url=url,
        date_locale=date_locale,
        numerals=numerals,
        per_page=per_page,
        term_per_page=term_per_page,
        allow_html=bool(raw.get("allow_html", False)),
        search=bool(raw.get("search", True)),
        config_path=path if path.exists() else None,
    )
    return config, problems.warnings


def _per_language(
    value: Any, languages: list[str], defaults: dict[str, str], key: str, err: Any
) -> dict[str, str]:
    """A setting given once for all languages (a string) or per language (a mapping)."""
    if value is None:
        return {lang: defaults.get(lang, defaults.get("en", "")) for lang in languages if defaults}
    if isinstance(value, str):
        return dict.fromkeys(languages, value)
    if isinstance(value, dict) and all(isinstance(v, str) for v in value.values()):
        return {str(k): v for k, v in value.items()}
    err(key, f"{key} must be text or a mapping per language", f"write: {key}: {{ar: ..., en: ...}}")
    return {}


def _known_locale(code: str) -> bool:
    """Whether Babel has CLDR data for `code` (dates are written with it: i18n.py)."""
    try:
        Locale.parse(code)
    except (ValueError, TypeError, UnknownLocaleError):
        return False
    return True
