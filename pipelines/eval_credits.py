"""Scores the credits stage against the hand-labelled pages in <corpora>/credits/credits-dev.jsonl.

`provtrack eval credits` prints format_report(evaluate_credits(dir)); run this module to do the same.
"""

from __future__ import annotations

import gzip
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from pipelines.archive import decode_body
from pipelines.clean import CleanError, clean_page
from pipelines.models import ROLES, Credit, Page
from pipelines.registry import AgencyRegistry, load_agencies

LABELS = Path("credits") / "credits-dev.jsonl"
NONE = "none"


@dataclass(frozen=True)
class LabelledPage:
    """One labelled page: where it is, its URL and the gold role of each agency."""

    id: str
    path: Path
    url: str
    gold: dict[str, str]  # agency -> role
    unsure: frozenset[str]


@dataclass(frozen=True)
class CreditError:
    """One agency on one page where the stage and the labels disagree."""

    page: str
    agency: str
    gold: str
    predicted: str
    cue: str


@dataclass(frozen=True)
class Score:
    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


@dataclass
class CreditsEvaluation:
    """Scores of one run of the credits stage over the labelled pages."""

    pages: int
    per_role: dict[str, Score]
    origin_or_contributor: Score
    confusion: Counter  # (gold role, predicted role) -> count, "none" where absent
    errors: list[CreditError] = field(default_factory=list)
    photo_as_origin: int = 0
    unstored: int = 0  # pages cleaning would not store (no article text): their credits count as missed

    @property
    def origin(self) -> Score:
        return self.per_role["origin"]


def read_html(path: Path) -> str:
    """The page's HTML as text, decoded as a crawl or `ingest` decodes a body without headers."""
    raw = path.read_bytes()
    if path.suffix == ".gz":
        raw = gzip.decompress(raw)
    return decode_body(raw, None)


def stored_credits(page: LabelledPage, registry: AgencyRegistry) -> list[Credit] | None:
    """The credits provtrack stores for the page: cleaning as a crawl cleans it (its text, author and
    regions feed the credits stage), so the score is the one users get. None when the page would not be
    stored at all (no article text, or not readable): its credits are lost to users, and count so."""
    try:
        return clean_page(
            Page(url=page.url or "https://page.invalid/", html=read_html(page.path)), registry
        ).credits
    except CleanError:
        return None


def _fundus_urls(corpora_dir: Path) -> dict[str, str]:
    urls = {}
    for info in (corpora_dir / "pages" / "fundus").glob("*/meta.info"):
        for name, meta in json.loads(info.read_text(encoding="utf-8")).items():
            urls[f"{info.parent.name}/{name}"] = meta.get("url", "")
    return urls


def labelled_pages(corpora_dir: Path) -> list[LabelledPage]:
    """The labelled pages, with their URL from the label or, for fundus pages, from meta.info."""
    fundus = _fundus_urls(corpora_dir)
    pages = []
    for line in (corpora_dir / LABELS).read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        path = corpora_dir / row["page"]
        url = row.get("url") or fundus.get(f"{path.parent.name}/{path.name}") or ""
        gold: dict[str, str] = {}
        for role in reversed(ROLES):  # strongest role wins when a label lists an agency twice
            gold.update(dict.fromkeys(row.get(role, []), role))
        pages.append(LabelledPage(row["id"], path, url, gold, frozenset(row.get("unsure", []))))
    return pages


def evaluate_credits(corpora_dir: Path, registry: AgencyRegistry | None = None) -> CreditsEvaluation:
    """Runs find_credits over every labelled page and scores it against the labels."""
    registry = registry if registry is not None else load_agencies()
    pages = labelled_pages(corpora_dir)
    confusion: Counter = Counter()
    errors: list[CreditError] = []
    unstored = 0
    for page in pages:
        credits = stored_credits(page, registry)
        unstored += credits is None
        pred = {c.agency: c for c in credits or [] if c.agency not in page.unsure}
        gold = {a: r for a, r in page.gold.items() if a not in page.unsure}
        for agency in sorted(set(gold) | set(pred)):
            g = gold.get(agency, NONE)
            p = pred[agency].role if agency in pred else NONE
            confusion[(g, p)] += 1
            if g != p:
                errors.append(CreditError(page.id, agency, g, p, pred[agency].cue if agency in pred else ""))
    per_role = {}
    for role in ROLES:
        tp = confusion[(role, role)]
        fp = sum(n for (g, p), n in confusion.items() if p == role and g != role)
        fn = sum(n for (g, p), n in confusion.items() if g == role and p != role)
        per_role[role] = Score(tp, fp, fn)
    strong = {"origin", "contributor"}
    oc = Score(
        tp=sum(n for (g, p), n in confusion.items() if g in strong and p in strong),
        fp=sum(n for (g, p), n in confusion.items() if p in strong and g not in strong),
        fn=sum(n for (g, p), n in confusion.items() if g in strong and p not in strong),
    )
    return CreditsEvaluation(
        len(pages), per_role, oc, confusion, errors, confusion[("photo", "origin")], unstored
    )


def format_report(ev: CreditsEvaluation) -> str:
    """A plain-text report: scores per role, the confusion table and every error."""
    lines = [
        f"credits evaluation over {ev.pages} labelled pages, cleaned as a crawl cleans them "
        f"({ev.unstored} not stored: no article text)",
        "",
        f"{'role':<22}{'P':>7}{'R':>7}{'tp':>6}{'fp':>6}{'fn':>6}",
    ]
    rows = [*ev.per_role.items(), ("origin ∪ contributor", ev.origin_or_contributor)]
    for name, s in rows:
        lines.append(f"{name:<22}{s.precision:>7.3f}{s.recall:>7.3f}{s.tp:>6}{s.fp:>6}{s.fn:>6}")
    lines += [
        "",
        f"photo credits predicted as origin: {ev.photo_as_origin} (must be 0)",
        "",
        "confusion (rows gold, columns predicted):",
    ]
    cols = [*ROLES, NONE]
    lines.append(f"{'':<13}" + "".join(f"{c:>13}" for c in cols))
    for g in cols:
        lines.append(f"{g:<13}" + "".join(f"{ev.confusion.get((g, p), 0):>13}" for p in cols))
    lines += ["", f"errors ({len(ev.errors)}):"]
    for err in ev.errors:
        lines.append(
            f"  {err.page[:60]:<60} {err.agency:<14} gold={err.gold:<12} pred={err.predicted:<12} {err.cue}"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    from pipelines import PROJECT_ROOT

    print(format_report(evaluate_credits(PROJECT_ROOT.parent / "shared" / "corpora")))
