"""Cue grammar for the credits stage: the agency-name matcher and the per-language context patterns.

A credit is an agency name plus the words around it; this module holds both halves, compiled once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from pipelines.registry import AgencyRegistry

_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
#: scripts where names have no word boundary: no spaces between words (CJK), particles glued to
#: names (Arabic, Hangul)
_NO_WORD = r"\u0600-\u06ff\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af"
_NO_WORD_SCRIPTS = re.compile(f"[{_NO_WORD}]")
#: Devanagari, Bengali and the other Indic scripts: words are spaced, but their vowel signs are not \w,
#: so "पीटीआई" (PTI) is no \w+ token and needs a boundary that counts the whole script as letters
_INDIC = "\u0900-\u0dff"
_INDIC_SCRIPTS = re.compile(f"[{_INDIC}]")
#: a character of either kind: a text without one holds no glued alias (most texts, looked at first)
_GLUED_SCRIPTS = re.compile(f"[{_NO_WORD}{_INDIC}]")
#: Russian and Ukrainian case endings on a name ("Интерфаксу", "Интерфаксом")
_MAX_CASE_ENDING = 3


def _alias_pattern(alias: str) -> str | None:
    """Regex for one alias: short ones exact-case (AP is not 'ap'), long ones any case."""
    alias = alias.strip()
    if not alias:
        return None
    body = re.escape(alias).replace(r"\ ", r"\s+")
    if _NO_WORD_SCRIPTS.search(alias):
        # Arabic, CJK and Hangul glue particles to names ("لرويترز", "据新华社"): no word boundary.
        return body
    if _INDIC_SCRIPTS.search(alias):
        return rf"(?<![\w{_INDIC}]){body}(?![\w{_INDIC}])"  # not "বাসস" (BSS) inside "বাসস্ট্যান্ড"
    if _CYRILLIC.search(alias):
        # Russian/Ukrainian decline names ("Интерфаксу", "Укрінформу"); allow a short case ending.
        tail = r"(?:[а-яёіїєґ]{1,3})?" if alias[-1].lower() not in "аяоеиыуюьй" else ""
        return rf"(?<![\w]){body}{tail}(?![\w])"
    if len(alias) <= 4 or (alias.isupper() and len(alias) <= 5):
        variants = {alias}
        if alias.islower():
            variants.add(alias.upper())  # "dpa" is also printed "DPA"
        elif alias.isupper() and len(alias) >= 4:
            variants.add(alias.capitalize())  # "TASS" is also printed "Tass"
        alts = "|".join(re.escape(v) for v in sorted(variants, key=len, reverse=True))
        return rf"(?<![\w.@\-])(?-i:{alts})(?![\w]|\.\w)"
    if any(w.isupper() and len(w) <= 4 for w in alias.split()):
        return rf"(?<![\w\-])(?-i:{body})(?![\w]|-\w)"  # "AP News" is not "ap news"
    return rf"(?<![\w\-])(?i:{body})(?![\w]|-\w)"


_TOKEN = re.compile(r"\w+")
#: Words of running text that agency aliases also contain: as a key they would send nearly every
#: paragraph to the agency's full pattern (measured: "the" sent 45 % of all lines to AP's).
_COMMON_WORDS = frozenset(
    "the and of for in new news la le el de des del di du der die das et y e agency agence agencia "
    "agenzia press presse service national state international information media united".split()
)


@dataclass(frozen=True)
class AgencyMatcher:
    """Finds agency names in text: one compiled pattern per agency, tried only where it can match.

    Most paragraphs name no agency, so a cheap lookup of each alias's rarest word (or, for scripts
    written without spaces, the alias itself) picks the few agencies whose pattern is worth running.
    """

    by_agency: dict[str, re.Pattern]
    key_tokens: dict[str, tuple[str, ...]]  # casefolded word -> agencies with an alias containing it
    glued: tuple[tuple[str, str], ...]  # (casefolded alias, agency) for CJK/Arabic/Hangul aliases

    def candidates(self, text: str) -> set[str]:
        folded = text.casefold()
        tokens = _TOKEN.findall(folded)
        found = {a for t in self.key_tokens.keys() & tokens for a in self.key_tokens[t]}
        if _CYRILLIC.search(folded):
            # A declined name is its key plus an ending: look the stem up too (the pattern decides).
            for t in tokens:
                for cut in range(1, min(_MAX_CASE_ENDING, len(t) - 3) + 1):
                    found.update(self.key_tokens.get(t[:-cut], ()))
        if _GLUED_SCRIPTS.search(folded):
            found.update(a for g, a in self.glued if g in folded)
        return found

    def finditer(self, text: str):
        """(start, end, canonical agency) for each agency name in text, left to right, no overlaps."""
        hits = sorted(
            (m.start(), -m.end(), name)
            for name in self.candidates(text)
            for m in self.by_agency[name].finditer(text)
        )
        last_end = -1
        for start, neg_end, name in hits:
            if start >= last_end:
                last_end = -neg_end
                yield start, -neg_end, name


@lru_cache(maxsize=8)
def agency_matcher(registry: AgencyRegistry) -> AgencyMatcher:
    """The matcher for a registry, built once per registry object."""
    by_agency, alias_tokens, glued = {}, {}, []
    for agency in registry:
        aliases = sorted(set(agency.aliases) | {agency.name}, key=len, reverse=True)
        alts = [p for a in aliases if (p := _alias_pattern(a))]
        if alts:
            by_agency[agency.name] = "|".join(alts)
        for alias in aliases:
            folded = alias.casefold().strip()
            if _NO_WORD_SCRIPTS.search(alias) or _INDIC_SCRIPTS.search(alias):
                glued.append((folded, agency.name))
            elif tokens := _TOKEN.findall(folded):
                alias_tokens[(agency.name, folded)] = tokens
    # Key each alias by its rarest word across all aliases ("associated", not "the" or "news"); a
    # word common in running text never keys an alias that has another ("The Associated Press").
    df: dict[str, int] = {}
    for tokens in alias_tokens.values():
        for t in set(tokens):
            df[t] = df.get(t, 0) + 1
    keys: dict[str, set[str]] = {}
    for (name, _), tokens in alias_tokens.items():
        keys.setdefault(min(tokens, key=lambda t: (t in _COMMON_WORDS, df[t], -len(t))), set()).add(name)
    return AgencyMatcher(
        {n: re.compile(p) for n, p in by_agency.items()},
        {k: tuple(sorted(v)) for k, v in keys.items()},
        tuple(glued),
    )


# --- context patterns ------------------------------------------------------------------------------
# L_* patterns are searched in the text left of an agency name (or a list of names) and end with $;
# R_* patterns are matched at the text right of it.

_I = re.IGNORECASE

# Separators inside a list of agencies: "APA/sda/dpa", "AFP, AP, dpa und Reuters", "dpa and AFP".
LIST_SEP = re.compile(
    r"^\s*(?:[,/]\s*[a-zA-Z]{2,4}\s*[,/]|[,/&+|;]|\band\b|\bund\b|\bet\b|\by\b|\be\b|\bи\b|\bта\b|\bve\b|\bog\b|\boch\b|、|和)\s*$"
)

PHOTO_WORDS = (
    r"photo|photos|photograph|photographs|photography|foto|fotos|fotó|fotoğraf|fotoğraflar|image|images|"
    r"picture|pictures|pic|bild|bilder|bildrechte|bildquelle|credit|credits|caption|фото|фотография|"
    r"світлина|照片|图|圖|사진|写真|صورة|imagen|immagine|illustration|video|film|grafik|kuva|zdjęcie"
)
#: "=" only glued to its word ("사진=연합뉴스"): "AAH = AA" is an equation
L_PHOTO = re.compile(
    rf"(?:\b(?:{PHOTO_WORDS})\b[^.!?\n]{{0,60}}|©[^.!?\n]{{0,40}}|\bvia\s+|(?<!\s)=\s*)$", _I
)
R_PHOTO = re.compile(
    r"^(?:[\s-]*(?:photo|foto|images?|pictures?|bild|scanpix|bildfunk|wire|tv|video)\b"
    r"|[^.\n]{0,25}\b(?:getty|picture[\s-]alliance|imago|shutterstock|scanpix|zuma|sipa|pool|handout)\b)",
    _I,
)
# "Reuters / David Mercado", "AP/dpa | Richard Drew": a photographer's name after the agency.
R_PHOTOGRAPHER = re.compile(r"^\s*(?:/|\|)\s*[A-ZÀ-Ý][\w.'’-]+(?:\s+[A-ZÀ-Ý][\w.'’-]+)*\s*(?:\)|$|/|,|\|)")
# "Name Surname/AFP", "Fredrik Persson/AP", "KCNA/Reuters" (credit) but not "ghö/dpa" (initials).
L_PHOTOGRAPHER = re.compile(r"(?:[A-ZÀ-Ý][\w.'’-]+|[A-Z]{2,})\s*/\s*$")
L_INITIALS = re.compile(r"(?:^|[\s(,;])[a-zäöüß]{2,4}(?:/[a-zäöüß]{2,4})?\s*/\s*$")
R_INITIALS = re.compile(r"^\s*/\s*[a-zäöüß]{2,4}\s*\)?\s*$")

L_DATELINE_PAREN = re.compile(r"^[^\n()]{0,100}\(\s*$")
R_DATELINE_PAREN = re.compile(r"^\s*\)\s*(?:[-—–−:]|--)")
L_DATELINE_SLASH = re.compile(r"^[^\n]{0,80}/\s*$")
R_DATELINE_SLASH = re.compile(r"^\s*/")
# "МОСКВА, 3 мар — РИА Новости.", "MOSCOW, March 3 - TASS."
L_DATELINE_DASH = re.compile(r"^[A-ZА-ЯЁІЇЄ][A-ZА-ЯЁІЇЄ\s.\-]{1,40},\s*[^\n]{0,25}?\s[—–-]{1,2}\s*$")
R_DATELINE_DASH = re.compile(r"^\s*[.:,]")
R_DATELINE_CJK = re.compile(r"^[^\s，。,]{0,16}?电")  # 新华社北京4月24日电

#: words that hand the story on: "originally published by", "first appeared in" (the agency follows)
ORIGINALLY = r"(?:originally|first)\s+(?:published|appeared)\s+(?:by|in|on|at)"
#: "По материалам ТАСС", "Based on materials from Sputnik" (the agency follows)
BASED_ON = r"по\s+материалам|based\s+on\s+(?:materials|reports?|reporting)\s+(?:from|by|of)"

LIST_SOURCE_WORDS = (
    r"source|sources|via|quelle|quellen|bron|bronnen|fuente|fuentes|fonte|fontes|kaynak|источник|"
    r"источники|джерело|źródło|zdroj|kilde|källa|lähde|forrás|sursa|izvor|πηγή|来源|來源|出典|출처|المصدر"
)
SOURCE_WORDS = LIST_SOURCE_WORDS + r"|text|texte|testo|texto|tekst"
#: "Source: TASS" starting a line, a cell, a bracket, or a sentence ("… said. Quelle: dpa" closing a
#: paragraph the cleaning joined into one line)
L_SOURCE = re.compile(rf"(?:^|[|•·\n(\[]|[.!?»”\"]\s)\s*(?:{SOURCE_WORDS})\s*[:：]\s*(?:the\s+)?$", _I)
#: "Source: Belarusian Defence Ministry, Sputnik": the agency closing a short list after "Source:" (not
#: "Text:", which starts a shared byline); the line must end with it ("Source: Eurostat, Reuters
#: calculations" is a chart's)
L_SOURCE_LIST = re.compile(
    rf"(?:^|[|•·\n(\[])\s*(?:{LIST_SOURCE_WORDS})\s*[:：]\s*[^\n:;.!?]{{1,60}}?"
    rf"(?:,|/|\band\b|\bи\b|\bund\b|\bet\b|\by\b)\s*(?:the\s+)?$",
    _I,
)


#: a word a dot and a letter follow: "tass" of "tass.ru"; "www" and "belta" of "www.belta.by"
_DOTTED_WORD = re.compile(r"(?<![\w-])[\w-]+(?=\.[^\W\d_])")


@dataclass(frozen=True)
class DomainCredits:
    """An agency credited by its site after a source cue: "Via: sputnikglobe.com", "Источник: tass.ru",
    "Source: https://www.belta.by/…", "Source: tass.ru, ria.ru", "Source: Reuters, tass.ru",
    "originally published on sputnikglobe.com", and as a line of its own "По материалам tass.ru".
    Apart from the name matcher,
    so that a link to an agency's site anywhere else (a dateline-like "https://tass.ru/…", "Read also:
    …", "tass.ru@evil.example") credits nobody."""

    pattern: re.Pattern  # group "domain": the agency domain right after the cue; group "line": a line cue
    more: re.Pattern  # the next domain of a list ("…, ria.ru"), matched where the last one ended
    owner: dict[str, str]  # lower-cased domain -> canonical agency
    labels: frozenset[str]  # the domains' first labels ("tass", "sputnikglobe"): a cheap first test

    def finditer(self, text: str):
        """(agency, cue) for each domain credit in text."""
        if self.labels.isdisjoint(w.lower() for w in _DOTTED_WORD.findall(text)):
            return  # most paragraphs name no agency site; the full pattern costs 20 % of the stage
        for m in self.pattern.finditer(text):
            found, end = [m.group("domain")], m.end()
            while more := self.more.match(text, end):
                found.append(more.group("domain"))
                end = more.end()
            if m.group("line") and not _REST_OF_LINE.match(text, end):
                continue  # "Based on reports from tass.ru, officials said …": a sentence, not a credit line
            for domain in found:
                yield self.owner[domain.lower()], text[m.start() : end].strip(" (\n")


#: what may follow a credit line's last domain on its line: a path, closing marks
_REST_OF_LINE = re.compile(r"(?:/\S*)?[\s.,;:)\]]*(?:\n|$)")


@lru_cache(maxsize=8)
def domain_credits(registry: AgencyRegistry) -> DomainCredits | None:
    """The domain-credit rule for a registry (None when no agency has a domain), built once."""
    owner = {d.lower(): a.name for a in registry for d in a.domains}
    if not owner:
        return None
    domains = "|".join(re.escape(d) for d in sorted(owner, key=len, reverse=True))
    site = rf"(?:https?://)?(?:www\.)?(?P<domain>{domains})(?![\w@]|[.-]\w)"
    cue = (
        rf"(?:^|[|•·\n(\[])\s*(?:{LIST_SOURCE_WORDS})\s*[:：]\s*"
        rf"|{ORIGINALLY}\s+"
        rf"|(?P<line>(?:^|\n)[\s(\[|•·—–-]*(?:{BASED_ON}|courtesy(?:\s+of|\s*[:：]))\s*)"
    )
    # the site may close a short list of other sources: "Source: Reuters, tass.ru" (each item short and
    # no sentence: "Source: the ministry. More on tass.ru" names no source there)
    before = r"(?:(?:[^,;:\n.]|\.(?=\S)){1,40}[,;]\s*){0,3}?"
    return DomainCredits(
        re.compile(rf"(?:{cue}){before}{site}", re.I),
        re.compile(rf"\s*(?:,|/|;|&|\band\b|\bи\b)\s*{site}", re.I),
        owner,
        frozenset(d.split(".")[0] for d in owner),
    )


#: "По материалам ТАСС", "Based on materials from Sputnik": a line of its own that starts so
L_BASED_ON = re.compile(
    rf"^[\s(\[|•·—–-]*(?:{BASED_ON})\s+"
    r"(?:the\s+)?(?:(?:информационного\s+)?агентства\s+|(?:news\s+)?agency\s+)?$",
    _I,
)
L_MORE_SOURCES = re.compile(
    r"(?:weitere\s+quellen|additional\s+sources|autres\s+sources|otras\s+fuentes)\W*$", _I
)
L_COPYRIGHT = re.compile(r"(?:©|\(c\)|copyright)\s*(?:©\s*)?(?:\d{4}\s*[,-]?\s*)?(?:the\s+)?$", _I)
R_RIGHTS = re.compile(
    r"^[^\n]{0,40}?(?:all\s+rights\s+reserved|alle\s+rechte|tous\s+droits|todos\s+los\s+derechos|"
    r"tutti\s+i\s+diritti|все\s+права|may\s+not\s+be\s+published|-infocom|dpa:\d)",
    _I,
)
L_ORIGINALLY = re.compile(rf"{ORIGINALLY}\s+(?:the\s+)?$", _I)

# "Courtesy of Sputnik", "(Courtesy: TASS)": a line of its own that starts so (the whole text before the
# agency); "Photo courtesy of" is a photo credit, caught before this is tried.
L_COURTESY = re.compile(r"^[\s(\[|•·—–-]*courtesy(?:\s+of|\s*[:：])\s*(?:the\s+)?$", _I)
#: "Via Sputnik News Agency" as a line of its own (with a colon it is a source line, L_SOURCE); "via"
#: inside a line is a photo's ("Photo by X via Getty", L_PHOTO)
L_VIA_LINE = re.compile(r"^[\s(\[|•·—–-]*via\s+(?:the\s+)?$", _I)

L_CONTRIB = re.compile(
    r"(?:(?:with|additional|further)\s+(?:\w+\s+)?reporting\s+(?:by|from)\s+(?:the\s+)?"
    r"|reporting\s+(?:by|from)\s+(?:the\s+)?|with\s+files\s+from\s+(?:the\s+)?"
    r"|(?:with\s+)?(?:agency\s+)?inputs?\s+(?:from|by)\s+(?:the\s+)?|with\s+agency\s+inputs?\s*\(?"
    r"|(?:with|information)\s+from\s+(?:the\s+)?(?:news\s+)?agenc(?:y|ies)\s+"
    r"|mit\s+material\s+(?:von|der|des)\s+(?:den\s+|der\s+)?(?:nachrichtenagentur(?:en)?\s+)?"
    r"|mit\s+informationen\s+(?:von|der|des)\s+(?:den\s+|der\s+)?(?:nachrichtenagentur(?:en)?\s+)?"
    r"|(?:^|[(\[])\s*mit\s+|avec\s+(?:l['’]\s*)?|con\s+informaci[oó]n\s+de\s+(?:la\s+)?(?:agencia\s+)?"
    r"|(?:^|[(\[])\s*con\s+|с\s+использованием\s+материалов\s+|за\s+матеріалами\s+)$",
    _I,
)
R_CONTRIB = re.compile(
    r"^\s*(?:\w+\s+){0,6}?(?:contributed|contributes|ha\s+contribuido|hat\s+beigetragen|a\s+contribué)\b", _I
)

BYLINE_PREFIX = re.compile(
    r"^\s*(?:by|von|par|por|di|de|door|av|af|от|автор|авторы|від|yazan|作者|written\s+by|author|autor|auteur)"
    r"\s*[:：]?\s+",
    _I,
)
# What may stand next to the agency in a byline that still names the agency alone.
BYLINE_FILLER = re.compile(
    r"^(?:the|staff|writers?|reporters?|agency|news|ajansı|ajans[ıi]|nachrichtenagentur|agence|agencia|"
    r"agenzia|with|in|at|aus|en|à|a|a\.|\d+|[A-ZÀ-Ý\-]{2,}|[,/|•·:\-—–()&.]+)$"
)
#: words that join two names in a byline ("Adam Vidler and AP", "Par Le Figaro et AFP")
BYLINE_JOIN_WORDS = r"and|und|et|y|e|mit|with|avec|con|&|\+|и|та|ve"

CITE_L_EN = (
    r"according\s+to|citing|cited\s+by|quoted\s+by|quoted\s+as\s+saying\s+by|as\s+reported\s+by|"
    r"reported\s+by|seen\s+by|reviewed\s+by|obtained\s+by|confirmed\s+to|told|telling|speaking\s+to|"
    r"spoke\s+to|said\s+to|talking\s+to|an?\s+(?:interview|email|e-mail|statement)\s+(?:to|with)|"
    r"interview\s+with|per"
)
CITE_L_OTHER = (
    r"laut|zufolge|gegenüber|sagte\s+(?:er|sie)?\s*(?:der|dem)|berichtete|berichtet|meldete|meldet|"
    r"selon|d['’]après|a\s+(?:indiqué|déclaré|confié|affirmé|annoncé)\s+à|(?:interrogés?|cité[es]?)\s+par|"
    r"rapporte|interview\s+à|auprès\s+de|según|según\s+(?:informa|confirmó\s+a|dijo\s+a)|"
    r"de\s+acuerdo\s+con|citado\s+por|confirmó\s+a|dijo\s+a|declaró\s+a|informó|en\s+declaraciones\s+a|"
    r"segundo|de\s+acordo\s+com|informou\s+à|disse\s+à|secondo|stando\s+a|riferisce|riporta|"
    r"ha\s+(?:detto|dichiarato|riferito)\s+a(?:ll['’])?|citato\s+da|dalla|dall['’]|ifølge|enligt|volgens|"
    r"podle|według|podaje|jak\s+podaje|"
    r"сообщает|сообщил[аио]?|сообщили|передает|передаёт|рассказал[аи]?|заявил[аи]?|пишет|по\s+данным|"
    r"по\s+информации|со\s+ссылкой\s+на|цитирует|сказал[аи]?|ссылаясь\s+на|"
    r"повідомляє|повідомили|повідомив|передає|розповів|розповіла|заявив|заявила|за\s+даними|"
    r"за\s+інформацією|з\s+посиланням\s+на|сказав|сказала|据|援引|وفقا\s*ل|وفقاً\s*ل|بحسب|حسب|ذكرت|نقلت|أفادت|قال\s*ل"
)
# After the citing words: an article and up to three modifiers, optionally "news agency".
_CITE_FILL = (
    r"(?:the\s+|a\s+|an\s+|l['’]\s*|la\s+|le\s+|el\s+|der\s+|die\s+|dem\s+|den\s+)?"
    r"(?:[\w-]+\s+){0,3}?"
    r"(?:(?:news\s+)?agency|wire\s+service|nachrichtenagentur|agence(?:\s+de\s+presse)?|agencia|agenzia|"
    r"agencja(?:\s+prasowa)?|агентств[оауе]|агентстві|ajans[ıi]|وكالة|وكالات)\s*"
)
L_CITE = re.compile(
    rf"(?:^|[^\w])(?:{CITE_L_EN}|{CITE_L_OTHER})\s*"
    rf"(?:(?:the\s+|l['’]\s*|la\s+|el\s+|der\s+|dem\s+)?|{_CITE_FILL})$",
    _I,
)
# "according to the state-run Xinhua News Agency": a few modifiers allowed after strong citing words only.
L_CITE_LOOSE = re.compile(
    r"(?:^|[^\w])(?:according\s+to|quoted\s+by|cited\s+by|citing|quoting|selon|según|secondo|laut)\s+"
    r"(?:the\s+|a\s+|l['’]\s*|la\s+)?(?:[\w-]+\s+){0,2}$",
    _I,
)
_CITE_TAIL = (
    r"(?=\s*(?:[,.;:)]|$|\s(?:that|on|earlier|last|this|late|citing|quoting|in\s+(?:a|an|its)|yesterday|today|"
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|after|when|as|from)\b))"
)
R_CITE = re.compile(
    rf"^(?:['’]s?)?\s*(?:(?:news\s+)?agency\s+|wire\s+service\s+)?(?:"
    rf"(?:has\s+|had\s+|also\s+|first\s+)?(?:reported|reports){_CITE_TAIL}"
    rf"|quoted\s+\w+|cited\s+\w+|quoting|citing"
    rf"|berichtete|berichtet|meldete|meldet|zitierte|informó|informa|reportó|rapporte|a\s+rapporté|"
    rf"riferisce|ha\s+riferito|si\s+apprende(?:va)?|сообщает|сообщило|сообщил|передает|передаёт|пишет|"
    rf"цитирует|повідомляє|повідомило|передає|пише|bildirdi|muhabirine|'?(?:n?[ıiuü]n|[yn]?[ae])\s+göre|"
    rf"'?[yn]?[ae]\s+(?:konuştu|açıklama)|报道|消息|援引|称|报导)(?![a-zа-яё])",
    _I,
)
# "the Interfax news agency ... quoted": agency noun next to the name plus a citing verb in the sentence.
AGENCY_NOUN_L = re.compile(
    r"(?:news\s+agency|nachrichtenagentur|agence(?:\s+de\s+presse)?|agencia(?:\s+de\s+noticias)?|agenzia|"
    r"agencja\s+prasowa|агентств[оауе]|агентстві|وكالة)\s+(?:[\w-]+\s+){0,1}$",
    _I,
)
AGENCY_NOUN_R = re.compile(r"^\s*(?:news\s+agency|nachrichtenagentur|agency)\b", _I)
CITE_VERB = re.compile(
    r"\b(?:report(?:ed|s)?|quot(?:ed|ing)|cit(?:ed|ing)|told|said|says|according|berichte(?:t|te)|meldete|"
    r"zitiert|sagte|rapport|indiqu|déclar|inform|inform[oó]|dijo|riferi|сообщ|переда|заяви|пише|повідом|"
    r"bildir|ذكرت|نقلت|أفادت|قال)",
    _I,
)
