"""Who wrote it: a byline's names, with places, wire agencies, "staff" and CMS accounts taken out.

News bylines mix a person with a dateline (`name - city`, `BEIRUT (Reuters) --`, `(أبوظبي - البيان)`), a
wire credit (`وكالات`, `Le Monde with AFP`), a desk (`فريق التحرير`, `Staff`) or the CMS account that
pressed "publish" (`Online News Editor`, `admin`). Only people are authors; an agency or the site is the
source; a place is neither.
"""

from __future__ import annotations

import re

from sitegen.arabic import normalize


def key(text: str) -> str:
    """Text folded for comparing names: search's Arabic folding, case, punctuation and spaces ignored."""
    return " ".join(re.sub(r"[^\w\s]", " ", normalize(text).casefold()).split())


def _keys(words: str) -> frozenset[str]:
    return frozenset(key(w) for w in words.split("|"))


# Cities and countries met in datelines of Syria and regional news (Arabic and English spellings).
PLACES = _keys(
    "دمشق|حلب|حمص|حماة|إدلب|ادلب|الرقة|دير الزور|الحسكة|القامشلي|درعا|السويداء|اللاذقية|طرطوس|منبج|عفرين|"
    "عين عيسى|اعزاز|الباب|جرابلس|تل أبيض|رأس العين|كوباني|عين العرب|تدمر|القنيطرة|بيروت|صيدا|طرابلس|عمان|عمّان|"
    "القاهرة|الإسكندرية|الرياض|جدة|الدوحة|أبوظبي|ابوظبي|أبو ظبي|دبي|الشارقة|الكويت|المنامة|مسقط|بغداد|الموصل|"
    "أربيل|البصرة|القدس|غزة|رام الله|إسطنبول|اسطنبول|أنقرة|غازي عنتاب|عنتاب|أورفة|هاتاي|طهران|موسكو|واشنطن|"
    "نيويورك|لندن|باريس|برلين|جنيف|بروكسل|فيينا|تونس|الجزائر|الرباط|الدار البيضاء|الخرطوم|صنعاء|عدن|"
    "سوريا|سورية|لبنان|العراق|الأردن|مصر|تركيا|إيران|روسيا|فلسطين|ليبيا|اليمن|السعودية|الإمارات|قطر|"
    "damascus|aleppo|homs|hama|idlib|raqqa|deir ez-zor|deir ezzor|hasakah|qamishli|daraa|latakia|tartus|"
    "manbij|afrin|kobane|beirut|amman|cairo|alexandria|riyadh|jeddah|doha|abu dhabi|dubai|kuwait|manama|"
    "muscat|baghdad|mosul|erbil|basra|jerusalem|gaza|ramallah|istanbul|ankara|gaziantep|tehran|moscow|"
    "washington|new york|london|paris|berlin|geneva|brussels|vienna|tunis|algiers|rabat|casablanca|"
    "tripoli|khartoum|sanaa|aden|kabul|beijing|syria|lebanon|iraq|jordan|egypt|turkey|iran|russia"
)
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
    k = key(name).removeprefix("من ")
    return k in PLACES or bool(re.fullmatch(r"[A-Z]{3,}(?: [A-Z]{3,})?", name.strip()))


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
    if not m or not is_place(m.group("place").split(",")[0]):
        return ""
    return m.group("agency").strip() if is_agency(m.group("agency")) else ""
