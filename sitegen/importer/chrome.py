"""Page chrome left in an article's text, recognised by its shape rather than by one site's strings.

Three classes, in Arabic and English alike:
- short calls to action: a verb like follow/subscribe/download/share (تابعونا، اشترك، حمّل، شارك) with a
  channel (Facebook, newsletter, app, تلغرام، النشرة، التطبيق), share-button rows, comment prompts;
- a list under a heading such as "Trending", "More from …", "Most read", "ذات صلة", "الأكثر قراءة";
- a run of bare links after the last paragraph.
Lines longer than a sentence or two are never touched: a body sentence may mention Facebook.
"""

from __future__ import annotations

import re

from sitegen.arabic import normalize


def _alternatives(words: str) -> str:
    return "|".join(
        sorted({re.escape(normalize(w).lower()) for w in words.split("|")}, key=len, reverse=True)
    )


_CTA_VERB = re.compile(
    r"(?<![\w-])(?:"
    + _alternatives(
        "تابعونا|تابعوا|تابع|تابعنا|اشترك|اشتركوا|اشتركي|للاشتراك|حمل|حمّل|حملوا|نزل|نزّل|لتحميل|انضم|انضموا|انضمي|"
        "شارك|شاركوا|شاركي|سجل|سجّل|لمتابعة|اضغط|اضغطوا|انقر|فعّل|فعل|follow|subscribe|sign up|signup|download|"
        "join|share|like us|get the app|get our|click here|tap here|install|turn on|register"
    )
    + r")(?![\w-])"
)
_CHANNEL = re.compile(
    r"(?<![\w-])(?:"
    + _alternatives(
        "فيسبوك|فيس بوك|تويتر|اكس|تلغرام|تيليغرام|تليجرام|تلجرام|يوتيوب|انستغرام|انستجرام|إنستغرام|واتساب|واتس اب|"
        "تيك توك|النشرة|نشرتنا|النشرة البريدية|البريد|بريدك|تطبيق|التطبيق|تطبيقنا|قناتنا|قناة|القناة|صفحتنا|حسابنا|"
        "حساباتنا|جوجل نيوز|الإشعارات|facebook|twitter|telegram|youtube|instagram|whatsapp|tiktok|newsletter|"
        "newsletters|app|apps|inbox|email|e-mail|channel|page|podcast|notifications|google news|social media"
    )
    + r")(?![\w-])"
)
_SHARE_WORDS = {
    normalize(w).lower()
    for w in [
        "share",
        "tweet",
        "pin",
        "pin-it",
        "pinit",
        "email",
        "print",
        "bookmark",
        "comment",
        "comments",
        "facebook",
        "twitter",
        "whatsapp",
        "telegram",
        "linkedin",
        "reddit",
        "copy link",
        "شارك",
        "مشاركة",
        "تويتر",
        "فيسبوك",
        "واتساب",
        "تلغرام",
        "طباعة",
        "نسخ الرابط",
        "البريد",
        "تعليق",
    ]
}
_COMMENT_PROMPT = re.compile(
    "^(?:"
    + _alternatives(
        "اترك تعليق|أترك تعليق|أضف تعليق|اضف تعليق|إضافة تعليق|شاركنا رأيك|ما رأيك|أخبرنا برأيك|التعليقات|"
        "leave a comment|leave a reply|add a comment|post a comment|join the conversation|what do you think|"
        "tell us what you think|show comments|view comments|comments"
    )
    + r")\w{0,3}(?!\w)"
)
_LIST_HEADING = re.compile(
    "^(?:"
    + _alternatives(
        "trending|trending now|more from|more on this|more stories|most popular|most read|most viewed|"
        "you may also like|you might also like|recommended|recommended for you|related coverage|top stories|"
        "latest news|الأكثر قراءة|الأكثر مشاهدة|الأكثر تداولا|الأكثر شعبية|قد يعجبك أيضا|قد يهمك أيضا|"
        "اخترنا لك|ذات صلة|مقالات ذات صلة|أخبار ذات صلة|المزيد من|رائج|آخر الأخبار|أخر الأخبار|الأحدث"
    )
    + r")(?!\w)"
)
_MD_LINK = re.compile(r"\[[^\]]*\]\([^)]*\)")


def plain(line: str) -> str:
    """A Markdown line as the words a reader sees, folded for matching."""
    text = _MD_LINK.sub(lambda m: m.group(0)[1 : m.group(0).index("](")], line)
    text = re.sub(r"^[\s#>*+\-_\d.)]+", "", text).replace("*", "").replace("\\", "").strip(" :|•·-–—_")
    return " ".join(normalize(text).lower().split())


def is_call_to_action(line: str) -> bool:
    """A short line asking the reader to follow, subscribe, download, share or comment."""
    text = plain(line)
    words = len(text.split())
    if not text or words > 16:
        return False
    if _CTA_VERB.search(text) and _CHANNEL.search(text):
        return True
    if words <= 10 and _COMMENT_PROMPT.match(text):
        return True
    parts = [p for p in re.split(r"[\s|•·,]+", text) if p]
    return 0 < len(parts) <= 8 and all(p in _SHARE_WORDS for p in parts)


def _is_paragraph(line: str) -> bool:
    text = plain(line)
    return len(text.split()) > 15 or (bool(re.search(r"[.!?؟]$", text)) and len(text.split()) > 6)


def _is_link_only(line: str) -> bool:
    stripped = re.sub(r"^[\s>*+\-\d.)]+", "", line).strip()
    return bool(stripped) and not _MD_LINK.sub("", stripped).strip(" *_|,،•·-–—")


def drop_chrome(lines: list[str]) -> tuple[list[str], int]:
    """`lines` without calls to action, headed lists and a trailing run of links; and how many went."""
    out: list[str] = []
    in_list = False
    for line in lines:
        if not line.strip():
            out.append(line)
            continue
        if len(line.split()) > 20:  # a paragraph: no chrome line is that long (and it ends a list)
            in_list = False
            out.append(line)
            continue
        text = plain(line)
        heading = _LIST_HEADING.match(text)
        if heading and len(text.split()) <= len(heading.group(0).split()) + 3:
            in_list = True
            continue
        if in_list and not _is_paragraph(line):
            continue
        in_list = False
        if is_call_to_action(line):
            continue
        out.append(line)
    end = len(out)
    while end and (not out[end - 1].strip() or _is_link_only(out[end - 1])):
        end -= 1
    kept = out[:end]
    dropped = sum(1 for line in lines if line.strip()) - sum(1 for line in kept if line.strip())
    return kept, dropped
