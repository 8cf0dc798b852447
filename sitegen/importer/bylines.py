"""Who wrote it: a byline's names, with places, wire agencies, "staff" and CMS accounts taken out.

News bylines mix a person with a dateline (`name - city`, `BEIRUT (Reuters) --`, `(أبوظبي - البيان)`), a
wire credit (`وكالات`, `Le Monde with AFP`), a desk (`فريق التحرير`, `Staff`) or the CMS account that
pressed "publish" (`Online News Editor`, `admin`). Only people are authors; an agency or the site is the
source; a place is neither.
"""

from __future__ import annotations

import re
from functools import cache

from babel import Locale
from babel.core import get_global

from sitegen.arabic import normalize


def key(text: str) -> str:
    """Text folded for comparing names: search's Arabic folding, case, punctuation and spaces ignored."""
    return " ".join(re.sub(r"[^\w\s]", " ", normalize(text).casefold()).split())


def _keys(words: str) -> frozenset[str]:
    return frozenset(key(w) for w in words.split("|"))


# What CLDR (below) lacks: Syrian towns and regions, and spellings news pages use beside CLDR's
# (`سورية`, `ادلب`, `Deir ez-Zor`). Countries and major cities come from CLDR.
PLACES = _keys(
    "دمشق|حلب|حمص|حماة|إدلب|ادلب|الرقة|دير الزور|الحسكة|القامشلي|درعا|السويداء|اللاذقية|طرطوس|منبج|عفرين|"
    "عين عيسى|اعزاز|الباب|جرابلس|تل أبيض|رأس العين|كوباني|عين العرب|تدمر|القنيطرة|صيدا|طرابلس|عمّان|"
    "الإسكندرية|جدة|أبوظبي|ابوظبي|أبو ظبي|الشارقة|الموصل|أربيل|البصرة|رام الله|اسطنبول|أنقرة|غازي عنتاب|"
    "عنتاب|أورفة|هاتاي|أنطاكيا|الريحانية|كلس|مرسين|سراقب|معرة النعمان|كفرنبل|جسر الشغور|أريحا|الأتارب|الدانا|"
    "سرمدا|أطمة|سلقين|حارم|خان شيخون|معرة مصرين|بنش|تفتناز|مورك|اللطامنة|كفرزيتا|صوران|السلمية|مصياف|"
    "محردة|السقيلبية|الرستن|تلبيسة|القصير|تلكلخ|الحولة|دوما|حرستا|داريا|المعضمية|معضمية الشام|الزبداني|مضايا|"
    "يبرود|النبك|القلمون|التل|قدسيا|جرمانا|صحنايا|الكسوة|ببيلا|يلدا|اليرموك|مخيم اليرموك|بصرى الشام|نوى|جاسم|"
    "طفس|إنخل|الصنمين|الحراك|شهبا|صلخد|الميادين|البوكمال|هجين|الشحيل|الطبقة|تل رفعت|مارع|الراعي|"
    "دارة عزة|عندان|حريتان|السفيرة|الشيخ مقصود|بانياس|جبلة|القرداحة|صلنفة|كسب|المالكية|عامودا|الدرباسية|"
    "رميلان|الهول|الركبان|التنف|الغوطة|الجزيرة السورية|الساحل السوري|البادية|جبل الزاوية|سهل الغاب|الجولان|"
    "عرسال|سوريا|سورية|الأردن|"
    "damascus|aleppo|homs|hama|idlib|raqqa|deir ez-zor|deir ezzor|deir al-zor|hasakah|qamishli|daraa|"
    "latakia|tartus|manbij|afrin|kobane|azaz|al-bab|jarablus|saraqeb|maarat al-numan|ariha|douma|"
    "darayya|ghouta|suwayda|sweida|quneitra|palmyra|tadmur|tabqa|gaziantep|antakya|hatay|reyhanli|erbil|"
    "sanaa|syria"
)
# `ريف حلب`, `مخيم الركبان`, `northern Aleppo`: a known place named with its kind or side
_PLACE_KIND = re.compile(
    r"^(?:ريف|مدينه|بلده|قريه|مخيم|محافظه|ناحيه|منطقه|ضواحي|rural|northern|southern|eastern|western|"
    r"north|south|east|west|northwest|northeast|southwest|southeast|central|greater)\s+(?P<rest>.+)$"
)
_PLACE_SIDE = re.compile(
    r"^(?P<rest>.+?)\s+(?:الشمالي|الجنوبي|الشرقي|الغربي|الاوسط|الشماليه|الجنوبيه|الشرقيه|الغربيه|"
    r"الشمالي الغربي|الشمالي الشرقي|الجنوبي الغربي|الجنوبي الشرقي|countryside|province|governorate|"
    r"region|city|camp|suburbs)$"
)
# An English dateline town in capitals: `ATHENS`, `MAARAT AL-NUMAN`, `DEIR EL-BALAH`
_CAPS_PLACE = re.compile(r"[A-Z][A-Z'’.-]{2,}(?:[ -][A-Z][A-Z'’.-]+){0,2}")
# CLDR codes that name no place a dateline gives (unknown region, EU, eurozone, UN, outlying Oceania)
_NOT_TERRITORIES = {"ZZ", "EU", "EZ", "UN", "QO"}
_NOT_CITY_ZONES = ("Etc/", "America/Indiana/", "America/Kentucky/", "America/North_Dakota/")


@cache
def cldr_places() -> frozenset[str]:
    """Country and territory names and time-zone exemplar cities in Arabic and English (CLDR)."""
    names: set[str] = set()
    for code in ("ar", "en"):
        locale = Locale(code)
        names |= {v for k, v in locale.territories.items() if k.isalpha() and k not in _NOT_TERRITORIES}
        names |= {str(city) for zone in locale.time_zones.values() if (city := zone.get("city"))}
    # English exemplar cities are the zone ids themselves: `Asia/Damascus`, `America/New_York`
    # (not `Etc/GMT`, nor US county zones like `America/North_Dakota/Center`: words, not datelines)
    zones = [z for z in get_global("zone_territories") if not z.startswith(_NOT_CITY_ZONES)]
    names |= {zone.rsplit("/", 1)[-1].replace("_", " ") for zone in zones}
    return frozenset(key(n) for n in names) - {""}


# Wire agencies, by name and initials (an Arabic credit may be just `وكالات`, "agencies").
AGENCIES = _keys(
    "reuters|afp|ap|associated press|agence france-presse|agence france presse|france presse|anadolu|"
    "anadolu agency|aa|dpa|xinhua|sana|upi|efe|ansa|kuna|wam|spa|mena|qna|petra|agencies|wires|news agencies|"
    "وكالات|الوكالات|رويترز|أ ف ب|ا ف ب|أ.ف.ب|فرانس برس|فرانس بريس|الأناضول|سانا|د ب أ|د.ب.أ|"
    "أسوشيتد برس|اسوشيتد برس|أ ب|شينخوا|وام|واس|قنا|كونا|بترا|أ ش أ|يونايتد برس"
)
# A desk or the whole newsroom, not a person.
GENERIC = _keys(
    "فريق التحرير|التحرير|هيئة التحرير|المحرر|محرر الموقع|قسم الأخبار|غرفة الأخبار|إدارة الموقع|مدير الموقع|"
    "editorial team|editorial board|the editorial board|editors|the editors|staff|staff writer|staff reporter|"
    "newsroom|news desk|web desk|desk|"
    # a credit that says how the story came, not who wrote it: `إدلب - خاص`, `حلب - متابعات`
    "خاص|خاص ب|حصري|حصريا|متابعات|متابعة|مراسلنا|مراسلونا|مراسل|مراسلة|exclusive|special|correspondent|"
    "our correspondent|special correspondent"
)
# Words that make up CMS account names ("Online News Editor", "admin", "Web Team"): a byline made
# only of these is an account, not a person.
_ACCOUNT_WORDS = _keys(
    "online|news|web|digital|site|desk|editor|editors|admin|administrator|webmaster|staff|team|writer|"
    "reporter|content|editorial|the|our|newsroom|manager|social|media|user|guest|author|root|ادمن|الادمن|"
    "الأدمن|مشرف|المشرف|محرر|المحرر"
)
# `Le Monde with AFP`, `البيان مع وكالات`, `X and agencies`: a site with a wire credit
_WITH_AGENCY = re.compile(r"\s+(?:with|and|&|مع|و)\s*(?:the\s+)?(\S+(?:\s\S+){0,2})$", re.IGNORECASE)
# Arabic given names that begin with و (a split on " و" must not cut them: وليد، وائل…)
_WAW_NAMES = _keys("وليد|وائل|وفاء|وسام|وعد|وداد|وجدي|وحيد|وهيب|وديع|وصفي|وهبة|وسيم|ولاء|وجيه|وضاح|وصال|وردة")


def is_place(name: str) -> bool:
    """A country, a city, a Syrian town or region, or a place by its shape (`ريف X`, `X الشمالي`, caps)."""
    k = key(name).removeprefix("من ")
    if not k:
        return False
    if k in PLACES or k in cldr_places():
        return True
    kind = _PLACE_KIND.match(k) or _PLACE_SIDE.match(k)
    if kind and (k.startswith("ريف ") or is_place(kind.group("rest"))):
        return True
    # five letters at least: shorter capitals are acronyms (`BBC`, `CNN`, `SANA`), short towns are listed
    caps = _CAPS_PLACE.fullmatch(name.strip())
    return bool(caps) and len(re.sub(r"\W", "", name)) >= 5 and not is_agency(name)


def is_agency(name: str) -> bool:
    k = key(name)
    if k in AGENCIES or k.startswith(("وكاله ", "agence ")) or k.endswith((" news agency", " agency")):
        return True
    m = _WITH_AGENCY.search(name.strip())
    return bool(m and key(m.group(1)) in AGENCIES)


def is_generic(name: str) -> bool:
    """A desk or a credit (`فريق التحرير`, `Staff`, `خاص`): neither a person nor a source."""
    return key(name) in GENERIC


def is_not_a_person(name: str, site: str = "") -> bool:
    """A place, an agency, a desk, a CMS account, or the site itself."""
    k = key(name)
    if not k or is_place(name) or is_agency(name) or k in GENERIC:
        return True
    if all(word in _ACCOUNT_WORDS for word in k.split()):
        return True
    return bool(site) and k == key(site)


def split_authors(byline: str) -> list[str]:
    """`A, B and C`, `A و B`, `A & B` → each name (Arabic `و` only where it cannot start a name)."""
    parts = re.split(r"\s*(?:[,،;؛&]|\band\b)\s*", byline.strip())
    names: list[str] = []
    for part in parts:
        pieces = re.split(r"\s+(?=و\S{2,})", part)
        current = pieces[0]
        for piece in pieces[1:]:
            name = piece[1:]
            if key(piece.split()[0]) in _WAW_NAMES or len(current.split()) < 2 or len(name.split()) < 2:
                current += " " + piece
            else:
                names.append(current)
                current = name
        names.append(current)
    return [" ".join(n.split()) for n in names if n.strip()]


def sort_byline(byline: str, source: str = "", site: str = "") -> tuple[list[str], str]:
    """(authors, source) from a byline: people kept (all of them), an agency or the site as the source
    when none is known yet, places dropped."""
    authors: list[str] = []
    for name in split_authors(byline):
        if is_agency(name) or (site and key(name) == key(site)):
            source = source or name
        elif not is_not_a_person(name, site):
            authors.append(name)
    return list(dict.fromkeys(authors)), source


# `BEIRUT (Reuters) --`, `دمشق (أ ف ب) -`, `Damascus, Syria (AP) —` at the start of the first paragraph
DATELINE = re.compile(r"^(?P<place>[^()\n]{2,40}?)\s*\((?P<agency>[^()\n]{1,30})\)\s*(?:[-–—:]+|\s)\s*")


def dateline_agency(first_paragraph: str) -> str:
    """The wire agency of a `city (agency) --` dateline opening the text, or ''."""
    m = DATELINE.match(first_paragraph.strip().lstrip("*_ "))
    if not m or not is_agency(m.group("agency")):
        return ""
    # `Town, Syria (AP) —`: a known place, or a short capitalised name, before a wire credit
    parts = [p.strip() for p in m.group("place").split(",")]
    shaped = len(m.group("place").split()) <= 4 and all(w[:1].isupper() for w in parts[0].split())
    return m.group("agency").strip() if shaped or any(is_place(p) for p in parts) else ""
