"""What markdown_fast.py leaves to markdown.py: the constructs on which markdown-it-pyrs 0.4 and
markdown-it-py with sitegen's plugins do not give the same HTML (found by comparing them on corpora and
on random documents), or on which pyrs panics. Each test is cheap: a substring first, a closer look only
when it is there. A construct listed here renders right, only by the slower path.
"""

from __future__ import annotations

import re

BACKTICKS_RE = re.compile("`+")
NEWLINE_ENTITY_RE = re.compile(r"&(?:#0*10|#[xX]0*[aA]|NewLine);")
TABLE_DELIMITER_RE = re.compile(r"^[ \t|:-]*\|[ \t|:-]*$", re.MULTILINE)
FOOTNOTE_DEF_RE = re.compile(r" {0,3}\[\^[^\]\n]+\]:")
FOOTNOTE_START_RE = re.compile(r"^\[\^([^\]\s\[^]+)\]: [^\s\[]", re.MULTILINE)
FOOTNOTE_REF_SOURCE_RE = re.compile(r"\[\^([^\]\s\[^]+)\](?!:)")
FOOTNOTE_AFTER_TEXT_RE = re.compile(r"^(.*\S.*)\n[ \t>]*\[\^[^\]\n]+\]:", re.MULTILINE)
QUOTE_TAB_RE = re.compile(r"^[ \t>]*>[ \t]*\t", re.MULTILINE)
# a tab among a line's container marks (quotes, list items): where pyrs and markdown-it-py count columns
# differently
TAB_IN_PREFIX_RE = re.compile(r"^[ >*+\d.)-]*\t", re.MULTILINE)
# a link reference definition with a line under it that could be its title
REFERENCE_RE = re.compile(r"^ {0,3}\[(?!\^)[^\]\n]+\]:(.*)$", re.MULTILINE)
PLAIN_REFERENCE_RE = re.compile(r"[ \t]+[^\s<\\]+(?:[ \t]+\"[^\"\\\n]*\")?[ \t]*")
REFERENCE_TITLE_RE = re.compile(r"^ {0,3}\[[^\]\n]+\]:.*\n[ \t]*[\"'(]", re.MULTILINE)
IMAGE_ALT_AUTOLINK_RE = re.compile(r"!\[.*<", re.DOTALL)  # an alt text may go on over lines
FENCE_LINE_RE = re.compile(r" {0,3}```[^`]*")
FOOTNOTE_INDENTED_RE = re.compile(r"\[\^[^\]\n]+\]:(?: {2,}|\t)")
# under a line of text: an empty list item, or (group 1) a line of dashes (under a "|": a table's row?)
UNDER_TEXT_RE = re.compile(r"\n {0,3}(?:[-*+]|\d{1,9}[.)]|(:?-[ \t:-]*))[ \t]*(?=\n|$)")
# a quote, then a line that starts a block right under its text (its lazy continuation or not: pyrs and
# markdown-it-py differ)
QUOTE_EDGE_RE = re.compile(r"\n {0,3}>.*(?:\n[ \t]*\S.*)*?\n {0,3}(?:[-*+#=]|\d{1,9}[.)]|```|    )")
TABLE_ROW_RE = re.compile(r" {0,3}\|.*\|[ \t]*")


def leave_to_reference(src: str) -> bool:
    """True when the body (normalized: "\\n" line ends) is markdown.py's to render."""
    return bool(
        "^[" in src  # an inline footnote: pyrs numbers it otherwise
        or ("&" in src and NEWLINE_ENTITY_RE.search(src))  # a line break in one text token
        # an unclosed fence at the end: pyrs ends its code with a newline the source does not have
        or (not src.endswith("\n") and "```" in src)
        or "~~~" in src  # a fence, or a run pyrs and markdown-it-py split into strikethrough otherwise
        # pyrs leaves an escaped character, an entity or an autolink out of an image's alt
        or ("![" in src and ("\\" in src or "&" in src or IMAGE_ALT_AUTOLINK_RE.search(src)))
        # a code span over two lines (spaces at the break are kept otherwise), or none closed: pyrs 0.4
        # panics on a link label holding an unclosed code span ("[`a")
        or ("`" in src and _unpaired_backticks(src))
        or _block_edge_cases(src)
    )


def _block_edge_cases(src: str) -> bool:
    """Where markdown-it-py's plugins and pyrs draw a block's edge differently: footnotes not written
    plainly, an empty list item or a line of dashes right under a line of text, a quote followed by a
    block start, a tab among a line's container marks, a reference with a possible title under it, a
    table not written plainly. Each test starts with a literal (fast) and looks closer only on a hit."""
    if "[^" in src and not _plain_footnotes(src):
        return True
    for m in UNDER_TEXT_RE.finditer(src):
        above = src[src.rfind("\n", 0, m.start()) + 1 : m.start()]
        if above.strip() and (m.group(1) is None or "|" in above or ":" in m.group(1)):
            return True
    if ">" in src and (QUOTE_EDGE_RE.search("\n" + src) or QUOTE_TAB_RE.search(src)):
        return True
    if "\t" in src and TAB_IN_PREFIX_RE.search(src):
        return True
    if "]:" in src and (
        REFERENCE_TITLE_RE.search(src)
        or any(not PLAIN_REFERENCE_RE.fullmatch(m.group(1)) for m in REFERENCE_RE.finditer(src))
    ):
        return True
    if "|" in src:
        lines = src.split("\n")
        for i, line in enumerate(lines):
            if (
                "|" in line
                and "-" in line
                and TABLE_DELIMITER_RE.fullmatch(line)
                and not _plain_table(lines, i)
            ):
                return True
    return False


def _plain_footnotes(src: str) -> bool:
    """Footnotes written plainly, where pyrs numbers them as markdown-it-py does: each referred to once,
    in the order they are defined, each definition at the start of a line after a blank line (or another
    definition), its text right after the colon."""
    defined = FOOTNOTE_START_RE.findall(src)
    referred = FOOTNOTE_REF_SOURCE_RE.findall(src)
    if referred != defined or src.count("[^") != 2 * len(defined) or FOOTNOTE_INDENTED_RE.search(src):
        return False
    return all(FOOTNOTE_DEF_RE.match(m.group(1)) for m in FOOTNOTE_AFTER_TEXT_RE.finditer(src))


def _plain_table(lines: list[str], delimiter: int) -> bool:
    """A table as the corpus writes them, where pyrs and markdown-it-py agree: after a blank line, every
    row between pipes, no escaped pipe, a header with as many cells as the delimiter row."""
    if delimiter == 0 or (delimiter >= 2 and lines[delimiter - 2].strip()):
        return False
    header = lines[delimiter - 1]
    if header.count("|") != lines[delimiter].count("|"):
        return False
    for row in lines[delimiter - 1 :]:
        if not row.strip():
            break
        if not TABLE_ROW_RE.fullmatch(row) or "\\" in row:
            return False
    return True


def _unpaired_backticks(src: str) -> bool:
    """A line with a backtick run that no later run of its length on the line closes (a fence's aside)."""
    for line in src.split("\n"):
        if "`" in line and not FENCE_LINE_RE.fullmatch(line):
            runs = [len(run) for run in BACKTICKS_RE.findall(line)]
            while runs:
                opener = runs.pop(0)
                if opener not in runs:
                    return True
                del runs[: runs.index(opener) + 1]
    return False
