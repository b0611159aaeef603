"""Build the provtrack demo web (data/demo/web/<host>/...) plus README table and expected.jsonl.

Run: python data/demo/build.py   (idempotent; rewrites data/demo/web, data/demo/expected.jsonl and the
table inside data/demo/README.md between the AUTOGEN markers). Content lives in stories.py.
"""

from __future__ import annotations

import html
import json
import shutil
import sys
from datetime import datetime, timezone
from email.utils import format_datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.dont_write_bytecode = True
sys.path.insert(0, str(HERE))
import stories as S  # noqa: E402

WEB = HERE / "web"

SITES = {
    "sputnik-demo.example": dict(
        name="Sputnik",
        tz="MSK",
        feed="rss",
        news_sitemap=True,
        agency=True,
        tagline="News, analysis and interviews from Russia and the world",
        nav=["World", "Russia", "Military", "Economy"],
        most_read=[
            "Reuters: European gas prices jump as cold snap hits Germany",
            "AFP reports record turnout in Kyrgyzstan municipal elections",
            "Chinese carrier group enters Western Pacific, Xinhua says",
            "TASS: Russian Railways to launch Moscow\u2013Baku passenger service",
        ],
    ),
    "tass-demo.example": dict(
        name="TASS",
        tz="MSK",
        feed="rss",
        news_sitemap=False,
        agency=True,
        tagline="Russian News Agency",
        nav=["Politics", "World", "Economy", "Sport", "Science"],
        most_read=[
            "BelTA: Lukashenko sets tasks for 2027 harvest campaign",
            "Reuters poll sees ruble weakening to 98 per dollar by year-end",
            "AP: US Senate passes stopgap funding bill",
            "Xinhua: Chinese lunar probe completes orbital tests",
        ],
    ),
    "belta-demo.example": dict(
        name="BelTA",
        tz="MSK",
        feed="rss",
        news_sitemap=False,
        agency=True,
        tagline="Belarusian Telegraph Agency",
        nav=["Politics", "Economics", "Society", "Regions"],
        most_read=[
            "Sputnik: Belarus, Russia to hold joint staff exercise in spring",
            "TASS: Russian grain harvest exceeds 140 million tonnes",
            "Interfax reports new trade mission to Vietnam",
        ],
    ),
    "eurasia-herald.example": dict(
        name="EurAsia Herald",
        tz="IST",
        feed="rss",
        news_sitemap=True,
        agency=False,
        tagline="Defence, geopolitics and trade from Europe to Asia",
        nav=["Defence", "Geopolitics", "Trade", "Opinion"],
        most_read=[
            "Reuters: Indian Navy orders two more Scorpene submarines",
            "Chinese J-35 stealth fighter spotted at Zhuhai, says Xinhua",
            "Sputnik: Russian Su-57 exports to Algeria confirmed",
            "ANI: BrahMos contract with Vietnam nears signing",
        ],
    ),
    "baltic-ledger.example": dict(
        name="Baltic Ledger",
        tz="EET",
        feed="atom",
        news_sitemap=False,
        agency=False,
        tagline="Business and politics around the Baltic Sea",
        nav=["Baltics", "Business", "Security", "Energy"],
        most_read=[
            "LETA: Latvia's inflation slows to 2.9% in October",
            "BNS: Lithuanian parliament approves defence tax",
            "Reuters: Finland reopens one border crossing with Russia",
            "TASS claims Kaliningrad transit talks resumed",
        ],
    ),
    "morning-courier.example": dict(
        name="Morning Courier",
        tz="EST",
        feed="rss",
        news_sitemap=False,
        agency=False,
        tagline="Riverton\u2019s daily newspaper since 1889",
        nav=["Local", "Schools", "Business", "World", "Sports"],
        most_read=[
            "AP: Winter storm warning issued for three states",
            "Russian convoy crosses Arctic in record time, TASS reports",
            "Reuters: Fed officials signal pause in rate cuts",
            "AFP: Louvre reopens Egyptian wing after renovation",
        ],
    ),
    "river-city-news.example": dict(
        name="River City News",
        tz="EST",
        feed="jsonfeed",
        news_sitemap=False,
        agency=False,
        tagline="Independent local news for Riverton and Harlan County",
        nav=["News", "Farm", "Sports", "Community"],
        most_read=[
            "AP: Minnesota lake ice unsafe after warm spell",
            "Reuters: Corn futures fall on big South American crop",
            "Belarus potash output hits record, BelTA says",
        ],
    ),
}

TZ_LABEL = {"MSK": "MSK", "IST": "IST", "EET": "EET", "EST": "EST"}


def A(
    key,
    host,
    iso,
    slug,
    headline,
    description,
    author,
    body,
    section,
    *,
    author_type="Person",
    byline=None,
    figure=None,
    expect=None,
):
    return dict(
        key=key,
        host=host,
        iso=iso,
        slug=slug,
        headline=headline,
        description=description,
        author=author,
        author_type=author_type,
        byline=byline,
        body=body,
        section=section,
        expect=expect or {},
    )


def orig(credits=()):
    return dict(
        origin_agency=None, source="", hops=0, derivation="none", credit_status=None, credits=list(credits)
    )


def own(agency, extra=()):
    return dict(
        origin_agency=agency,
        source="",
        hops=0,
        derivation="none",
        credit_status="self",
        credits=[{"agency": agency, "role": "origin"}] + list(extra),
    )


S1_WITH_PHOTO = (
    S.S1_BODY[:5]
    + [
        (
            "fig",
            "iskander-drills.svg",
            "Iskander-M launcher",
            "An Iskander-M launcher during drills. \u00a9 Sputnik / Anton Belov",
        )
    ]
    + S.S1_BODY[5:]
)

ARTICLES = [
    # ---- story 1: Sputnik -> EurAsia Herald -> Baltic Ledger
    A(
        "S1",
        "sputnik-demo.example",
        "2026-11-16T09:00:00+03:00",
        "belarus-deploys-s400-iskander-lukashenko",
        "Lukashenko: Belarus Has Deployed Russian S-400 and Iskander Systems",
        "Belarus has put Russian S-400 air defense systems and Iskander missile complexes on combat duty, "
        "President Alexander Lukashenko said.",
        "Sputnik",
        S1_WITH_PHOTO,
        "Military",
        author_type="Organization",
        expect=own("Sputnik", [{"agency": "BelTA", "role": "cited"}]),
    ),
    A(
        "E1",
        "eurasia-herald.example",
        "2026-11-16T14:30:00+05:30",
        "belarus-4th-nation-s400-air-defense",
        S.EH_S400_HEADLINE,
        "Belarus has deployed Russian S-400 and Iskander missile systems, Belarusian President Alexander "
        "Lukashenko said on Monday.",
        "EurAsia Herald Desk",
        S.E1_BODY,
        "Defence",
        author_type="Organization",
        byline="EurAsia Herald Desk",
        expect=dict(
            origin_agency="Sputnik",
            source="S1",
            hops=1,
            derivation="wholly",
            credit_status="credited",
            credits=[{"agency": "Sputnik", "role": "origin"}, {"agency": "BelTA", "role": "cited"}],
        ),
    ),
    A(
        "L1",
        "baltic-ledger.example",
        "2026-11-16T16:00:00+02:00",
        "belarus-4th-nation-s400-air-defense",
        S.EH_S400_HEADLINE,
        "Belarus has joined China, India and T\u00fcrkiye as an operator of the Russian S-400 system.",
        "Baltic Ledger Newsroom",
        S.L1_BODY,
        "Security",
        author_type="Organization",
        byline="Baltic Ledger Newsroom",
        expect=dict(
            origin_agency="Sputnik",
            source="E1",
            hops=2,
            derivation="wholly",
            credit_status="credits_intermediary",
            credits=[{"agency": "BelTA", "role": "cited"}],
        ),
    ),
    # ---- story 2: TASS -> Morning Courier (uncredited)
    A(
        "T1",
        "tass-demo.example",
        "2026-11-17T10:30:00+03:00",
        "northern-sea-route-cargo-record",
        "Northern Sea Route cargo traffic hits all-time high of 41.2 million tonnes",
        "Cargo traffic along the Northern Sea Route has surpassed the previous annual record, Rosatom said.",
        "TASS",
        S.T1_BODY,
        "Economy",
        author_type="Organization",
        expect=own("TASS"),
    ),
    A(
        "M1",
        "morning-courier.example",
        "2026-11-17T08:30:00-05:00",
        "arctic-shipping-lane-cargo-record",
        "Arctic shipping lane breaks cargo record as ice retreats",
        "More freight than ever has moved along Russia's Arctic coast this year.",
        "Dana Whitfield",
        S.M1_BODY,
        "World",
        byline="By Dana Whitfield, Courier Staff Writer",
        expect=dict(
            origin_agency="TASS",
            source="T1",
            hops=1,
            derivation="wholly",
            credit_status="uncredited",
            credits=[],
        ),
    ),
    # ---- story 3: one local event, two independent stories
    A(
        "M2",
        "morning-courier.example",
        "2026-11-18T14:10:00-05:00",
        "harbor-street-bridge-reopens",
        "Harbor Street Bridge reopens after 14-month, $38.6 million rebuild",
        "The Harbor Street Bridge is open again, two days ahead of schedule and under budget.",
        "Greg Lindahl",
        S.M2_BODY,
        "Local",
        byline="By Greg Lindahl, Courier Staff Writer",
        expect=orig(),
    ),
    A(
        "R1",
        "river-city-news.example",
        "2026-11-18T13:45:00-05:00",
        "cars-roll-over-harbor-street-bridge-again",
        "Cars roll over Harbor Street Bridge again as Eastgate cheers",
        "After 14 months of detours, the rebuilt Harbor Street Bridge opened Wednesday.",
        "Nora Haugen",
        S.R1_BODY,
        "News",
        byline="By Nora Haugen",
        expect=orig(),
    ),
    # ---- story 4: BelTA story; River City News cites BelTA once
    A(
        "B1",
        "belta-demo.example",
        "2026-11-18T11:20:00+03:00",
        "belarus-potash-exports-2027",
        "Belarus expects 12% rise in potash exports in 2027",
        "Belarus plans to export about 13.5 million tonnes of potash fertilizers next year.",
        "BelTA",
        S.B1_BODY,
        "Economics",
        author_type="Organization",
        expect=own("BelTA"),
    ),
    A(
        "R2",
        "river-city-news.example",
        "2026-11-19T07:15:00-05:00",
        "fertilizer-prices-squeeze-harlan-county-farmers",
        "Fertilizer prices squeeze Harlan County farmers as winter planning begins",
        "Potash costs about $410 a ton at local co-ops, up from $365 a year ago.",
        "Owen Fairbanks",
        S.R2_BODY,
        "Farm",
        byline="By Owen Fairbanks",
        expect=orig([{"agency": "BelTA", "role": "cited"}]),
    ),
    # ---- story 5: TASS story, half of it reused by River City News with "With reporting by TASS."
    A(
        "T2",
        "tass-demo.example",
        "2026-11-19T09:40:00+03:00",
        "ska-signs-us-forward-tyler-brandt",
        "SKA St. Petersburg sign US forward Tyler Brandt to one-year deal",
        "KHL club SKA St. Petersburg has signed American forward Tyler Brandt.",
        "TASS",
        S.T2_BODY,
        "Sport",
        author_type="Organization",
        expect=own("TASS"),
    ),
    A(
        "R3",
        "river-city-news.example",
        "2026-11-19T16:30:00-05:00",
        "riverton-native-brandt-signs-with-ska",
        "Riverton native Tyler Brandt heads to Russia\u2019s SKA St. Petersburg",
        "The former Central High captain signs a one-year deal in the KHL.",
        "Nora Haugen",
        S.R3_BODY,
        "Sports",
        byline="By Nora Haugen",
        expect=dict(
            origin_agency="TASS",
            source="T2",
            hops=1,
            derivation="partially",
            credit_status="credited",
            credits=[{"agency": "TASS", "role": "contributor"}],
        ),
    ),
    # ---- agency story with photo-only AFP credit
    A(
        "T3",
        "tass-demo.example",
        "2026-11-20T12:05:00+03:00",
        "cop31-talks-set-to-run-into-overtime",
        "COP31 talks in Antalya set to run into overtime over fossil fuel wording",
        "Delegations at COP31 remain divided over the language on fossil fuels.",
        "TASS",
        S.T3_BODY,
        "World",
        author_type="Organization",
        expect=own("TASS", [{"agency": "AFP", "role": "photo"}]),
    ),
    # ---- plain originals
    A(
        "S2",
        "sputnik-demo.example",
        "2026-11-18T15:00:00+03:00",
        "moscow-metro-12-new-stations-2028",
        "Moscow Metro to Open 12 New Stations by 2028",
        "The Moscow Metro will open 12 new stations by the end of 2028, city officials said.",
        "Sputnik",
        S.S2_BODY,
        "Russia",
        author_type="Organization",
        expect=own("Sputnik"),
    ),
    A(
        "B2",
        "belta-demo.example",
        "2026-11-19T10:05:00+03:00",
        "minsk-brest-express-train",
        "New Minsk-Brest express to cut travel time to under three hours",
        "Belarusian Railways will launch a new business-class express between Minsk and Brest on 1 December.",
        "BelTA",
        S.B2_BODY,
        "Society",
        author_type="Organization",
        expect=own("BelTA"),
    ),
    A(
        "E2",
        "eurasia-herald.example",
        "2026-11-17T18:45:00+05:30",
        "india-kazakhstan-trans-caspian-corridor",
        "India, Kazakhstan Push Trans-Caspian Corridor As Freight Volumes Double",
        "Indian exporters have tripled container shipments through Kazakh and Azerbaijani ports.",
        "Ananya Rao",
        S.E2_BODY,
        "Trade",
        byline="By Ananya Rao",
        expect=orig(),
    ),
    A(
        "E3",
        "eurasia-herald.example",
        "2026-11-19T11:10:00+05:30",
        "chennai-port-green-ammonia-bunkering",
        "Chennai Port Completes First Green Ammonia Bunkering Trial",
        "A 180,000-tonne bulk carrier was refuelled with ammonia made from renewable hydrogen.",
        "Vikram Iyer",
        S.E3_BODY,
        "Trade",
        byline="By Vikram Iyer",
        expect=orig(),
    ),
    A(
        "L2",
        "baltic-ledger.example",
        "2026-11-17T12:20:00+02:00",
        "riga-port-container-throughput-rises",
        "Riga port container throughput up 9% as rail links recover",
        "The Freeport of Riga handled 412,000 TEU in January-October, its best result since 2021.",
        "Ilze Kalnina",
        S.L2_BODY,
        "Business",
        byline="By Ilze Kalnina",
        expect=orig(),
    ),
    A(
        "L3",
        "baltic-ledger.example",
        "2026-11-19T15:40:00+02:00",
        "paldiski-offshore-wind-training-centre",
        "Estonia opens Baltic\u2019s largest offshore wind training centre",
        "The 14-million-euro centre in Paldiski can train up to 1,200 technicians a year.",
        "Mart Kask",
        S.L3_BODY,
        "Energy",
        byline="By Mart Kask",
        expect=orig(),
    ),
    A(
        "M3",
        "morning-courier.example",
        "2026-11-16T21:30:00-05:00",
        "school-board-approves-budget-bus-routes",
        "School board approves $48.2 million budget, adds two east side bus routes",
        "The Riverton school board voted 6-1 for a budget that leaves the levy nearly flat.",
        "Greg Lindahl",
        S.M3_BODY,
        "Schools",
        byline="By Greg Lindahl, Courier Staff Writer",
        expect=orig(),
    ),
    A(
        "R4",
        "river-city-news.example",
        "2026-11-20T09:00:00-05:00",
        "library-sunday-hours-petition",
        "Riverton library to open Sundays after 2,300 sign petition",
        "The main branch on Oak Street will open noon to 5 p.m. on Sundays starting in January.",
        "Owen Fairbanks",
        S.R4_BODY,
        "Community",
        byline="By Owen Fairbanks",
        expect=orig(),
    ),
]

BY_KEY = {a["key"]: a for a in ARTICLES}


def dt(a):
    return datetime.fromisoformat(a["iso"])


def path(a):
    d = dt(a)
    return f"/news/{d:%Y/%m/%d}/{a['slug']}.html"


def url(a):
    return f"http://{a['host']}{path(a)}"


def esc(s):
    return html.escape(s, quote=True)


def shown_time(a, site):
    d = dt(a)
    return f"{d.day} {d:%B %Y}, {d:%H:%M} {TZ_LABEL[site['tz']]}"


FEED_LINK = {
    "rss": ("application/rss+xml", "/rss.xml"),
    "atom": ("application/atom+xml", "/atom.xml"),
    "jsonfeed": ("application/feed+json", "/feed.json"),
}


def head(title, site, extra=""):
    ftype, fhref = FEED_LINK[site["feed"]]
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)}</title>
<link rel="stylesheet" href="/static/site.css">
<link rel="icon" href="/static/logo.svg" type="image/svg+xml">
<link rel="alternate" type="{ftype}" title="{esc(site["name"])}" href="{fhref}">
{extra}</head>
"""


def header(site):
    items = "".join(f'<li><a href="/#{n.lower()}">{esc(n)}</a></li>' for n in site["nav"])
    return f"""<header class="site-header">
  <a class="logo" href="/"><img src="/static/logo.svg" alt="{esc(site["name"])}" width="32" height="32"> {esc(site["name"])}</a>
  <p class="tagline">{esc(site["tagline"])}</p>
  <nav class="main-nav" aria-label="Sections"><ul><li><a href="/">Home</a></li>{items}</ul></nav>
</header>
"""


def footer(site):
    return f"""<footer class="site-footer">
  <p><a href="/">{esc(site["name"])}</a> &middot; <a href="/#latest">Latest</a> &middot; <a href="/robots.txt">robots.txt</a> &middot; <a href="/sitemap.xml">Sitemap</a></p>
  <p class="copyright">&copy; 2026 {esc(site["name"])}. All rights reserved.</p>
</footer>
<div class="cookie-banner" id="cookie-consent" role="dialog">
  <p>We use cookies and similar technologies to remember your preferences and measure how our pages are used.
  You can change your choice at any time in the privacy settings.</p>
  <button type="button" class="cookie-accept">Accept all</button> <button type="button" class="cookie-reject">Reject</button>
</div>
</body>
</html>
"""


def render_block(b):
    if isinstance(b, str):
        return f"<p>{esc(b)}</p>"
    kind = b[0]
    if kind == "fig":
        _, img, alt, cap = b
        return (
            f'<figure class="article-image"><img src="/images/{img}" alt="{esc(alt)}" width="800" height="450">'
            f"<figcaption>{esc(cap)}</figcaption></figure>"
        )
    if kind == "source":
        return f'<p class="article-source">{esc(b[1])}</p>'
    if kind == "note":
        return f'<p class="article-note"><em>{esc(b[1])}</em></p>'
    raise ValueError(b)


def jsonld(a, site):
    d = dict(
        [
            ("@context", "https://schema.org"),
            ("@type", "NewsArticle"),
            ("mainEntityOfPage", {"@type": "WebPage", "@id": url(a)}),
            ("headline", a["headline"]),
            ("description", a["description"]),
            ("datePublished", a["iso"]),
            ("dateModified", a["iso"]),
            ("author", {"@type": a["author_type"], "name": a["author"]}),
            (
                "publisher",
                {
                    "@type": "Organization",
                    "name": site["name"],
                    "url": f"http://{a['host']}/",
                    "logo": {"@type": "ImageObject", "url": f"http://{a['host']}/static/logo.svg"},
                },
            ),
            ("articleSection", a["section"]),
            ("inLanguage", "en"),
        ]
    )
    imgs = [f"http://{a['host']}/images/{b[1]}" for b in a["body"] if isinstance(b, tuple) and b[0] == "fig"]
    if imgs:
        d["image"] = imgs
    return json.dumps(d, ensure_ascii=False, indent=2)


def site_articles(host):
    return sorted((a for a in ARTICLES if a["host"] == host), key=dt, reverse=True)


def render_article(a):
    site = SITES[a["host"]]
    extra = f"""<meta name="description" content="{esc(a["description"])}">
<meta name="author" content="{esc(a["author"])}">
<meta property="og:type" content="article">
<meta property="og:title" content="{esc(a["headline"])}">
<meta property="og:description" content="{esc(a["description"])}">
<meta property="og:url" content="{url(a)}">
<meta property="og:site_name" content="{esc(site["name"])}">
<meta property="article:published_time" content="{a["iso"]}">
<meta property="article:section" content="{esc(a["section"])}">
<link rel="canonical" href="{url(a)}">
<script type="application/ld+json">
{jsonld(a, site)}
</script>
"""
    byline = (
        f'\n    <p class="byline"><span class="author">{esc(a["byline"])}</span></p>' if a["byline"] else ""
    )
    body = "\n      ".join(render_block(b) for b in a["body"])
    others = [o for o in site_articles(a["host"]) if o is not a][:3]
    rel = "".join(f'\n      <li><a href="{path(o)}">{esc(o["headline"])}</a></li>' for o in others)
    wires = "".join(f'\n      <li class="teaser">{esc(t)}</li>' for t in site["most_read"][:2])
    return (
        head(f"{a['headline']} | {site['name']}", site, extra)
        + "<body>\n"
        + header(site)
        + f"""<main>
  <article class="article">
    <p class="kicker"><a href="/#{esc(a["section"].lower())}">{esc(a["section"])}</a></p>
    <h1 class="headline">{esc(a["headline"])}</h1>{byline}
    <p class="dateline"><time class="published" datetime="{a["iso"]}">{shown_time(a, site)}</time></p>
    <div class="article-body">
      {body}
    </div>
  </article>
  <aside class="related" aria-label="Related articles">
    <h2>Related articles</h2>
    <ul>{rel}
    </ul>
    <h2>From the wires</h2>
    <ul>{wires}
    </ul>
  </aside>
</main>
"""
        + footer(site)
    )


def render_index(host):
    site = SITES[host]
    arts = site_articles(host)
    items = "".join(
        f"""
      <li class="story"><a href="{path(a)}">{esc(a["headline"])}</a>
        <time datetime="{a["iso"]}">{shown_time(a, site)}</time>
        <p class="summary">{esc(a["description"])}</p></li>"""
        for a in arts
    )
    sections = "".join(f'<section id="{n.lower()}"><h2>{esc(n)}</h2></section>\n  ' for n in site["nav"])
    most = "".join(f'\n      <li><span class="headline">{esc(t)}</span></li>' for t in site["most_read"])
    extra = (
        f'<meta name="description" content="{esc(site["name"])}: {esc(site["tagline"])}">\n'
        f'<meta property="og:type" content="website">\n<meta property="og:title" content="{esc(site["name"])}">\n'
        f'<link rel="canonical" href="http://{host}/">\n'
    )
    return (
        head(f"{site['name']} \u2014 {site['tagline']}", site, extra)
        + "<body>\n"
        + header(site)
        + f"""<main class="home">
  <section id="latest">
    <h2>Latest news</h2>
    <ul class="story-list">{items}
    </ul>
  </section>
  {sections}<aside class="sidebar most-read" id="most-read">
    <h2>Most read</h2>
    <ol>{most}
    </ol>
  </aside>
</main>
"""
        + footer(site)
    )


def xml_esc(s):
    return html.escape(s, quote=False)


def render_rss(host):
    site = SITES[host]
    arts = site_articles(host)
    items = "".join(
        f"""
    <item>
      <title>{xml_esc(a["headline"])}</title>
      <link>{url(a)}</link>
      <guid isPermaLink="true">{url(a)}</guid>
      <pubDate>{format_datetime(dt(a))}</pubDate>
      <description>{xml_esc(a["description"])}</description>
      <category>{xml_esc(a["section"])}</category>
    </item>"""
        for a in arts
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">
  <channel>
    <title>{xml_esc(site["name"])}</title>
    <link>http://{host}/</link>
    <description>{xml_esc(site["tagline"])}</description>
    <language>en</language>
    <lastBuildDate>{format_datetime(dt(arts[0]))}</lastBuildDate>
    <atom:link href="http://{host}/rss.xml" rel="self" type="application/rss+xml"/>{items}
  </channel>
</rss>
"""


def render_atom(host):
    site = SITES[host]
    arts = site_articles(host)
    entries = "".join(
        f"""
  <entry>
    <id>{url(a)}</id>
    <title>{xml_esc(a["headline"])}</title>
    <link rel="alternate" type="text/html" href="{url(a)}"/>
    <published>{a["iso"]}</published>
    <updated>{a["iso"]}</updated>
    <author><name>{xml_esc(a["author"])}</name></author>
    <summary>{xml_esc(a["description"])}</summary>
  </entry>"""
        for a in arts
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">
  <id>http://{host}/</id>
  <title>{xml_esc(site["name"])}</title>
  <subtitle>{xml_esc(site["tagline"])}</subtitle>
  <link rel="self" type="application/atom+xml" href="http://{host}/atom.xml"/>
  <link rel="alternate" type="text/html" href="http://{host}/"/>
  <updated>{arts[0]["iso"]}</updated>{entries}
</feed>
"""


def render_jsonfeed(host):
    site = SITES[host]
    arts = site_articles(host)
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": site["name"],
        "home_page_url": f"http://{host}/",
        "feed_url": f"http://{host}/feed.json",
        "description": site["tagline"],
        "language": "en",
        "items": [
            {
                "id": url(a),
                "url": url(a),
                "title": a["headline"],
                "summary": a["description"],
                "date_published": a["iso"],
                "authors": [{"name": a["author"]}],
                "tags": [a["section"]],
            }
            for a in arts
        ],
    }
    return json.dumps(feed, ensure_ascii=False, indent=2) + "\n"


def render_sitemap(host):
    site = SITES[host]
    arts = site_articles(host)
    if site["news_sitemap"]:
        urls = "".join(
            f"""
  <url>
    <loc>{url(a)}</loc>
    <lastmod>{a["iso"]}</lastmod>
    <news:news>
      <news:publication>
        <news:name>{xml_esc(site["name"])}</news:name>
        <news:language>en</news:language>
      </news:publication>
      <news:publication_date>{a["iso"]}</news:publication_date>
      <news:title>{xml_esc(a["headline"])}</news:title>
    </news:news>
  </url>"""
            for a in arts
        )
        ns = (
            'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
            'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"'
        )
    else:
        urls = "".join(
            f"""
  <url>
    <loc>{url(a)}</loc>
    <lastmod>{a["iso"]}</lastmod>
  </url>"""
            for a in arts
        )
        ns = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset {ns}>{urls}\n</urlset>\n'


CSS = """body{font-family:Georgia,serif;margin:0 auto;max-width:980px;color:#222}
.site-header{border-bottom:2px solid #333;padding:8px}.main-nav ul{list-style:none;padding:0;display:flex;gap:12px}
main{display:flex;gap:24px}.article,#latest{flex:3}.related,.sidebar{flex:1;font-size:.9em}
figure img{max-width:100%;height:auto}figcaption{font-size:.8em;color:#555}
.cookie-banner{position:fixed;bottom:0;left:0;right:0;background:#eee;padding:8px}
"""


def svg(label, w=800, h=450):
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}">'
        f'<rect width="100%" height="100%" fill="#8a9bb0"/><text x="50%" y="50%" font-size="28" '
        f'text-anchor="middle" fill="#fff">{xml_esc(label)}</text></svg>\n'
    )


def word_count(a):
    return sum(
        len((b if isinstance(b, str) else b[-1]).split())
        for b in a["body"]
        if isinstance(b, str) or b[0] != "fig"
    )


def expected_rows():
    rows = []
    for a in sorted(ARTICLES, key=dt):
        e = a["expect"]
        rows.append(
            {
                "url": url(a),
                "outlet": SITES[a["host"]]["name"],
                "published_at": a["iso"],
                "origin_agency": e["origin_agency"],
                "source_url": url(BY_KEY[e["source"]]) if e["source"] else None,
                "hops": e["hops"],
                "derivation": e["derivation"],
                "credit_status": e["credit_status"],
                "credits": e["credits"],
            }
        )
    return rows


DASH = "\u2014"


def readme_table(rows):
    key_of = {url(a): a["key"] for a in ARTICLES}
    out = [
        "| id | url | outlet | published_at (UTC) | origin_agency | source | hops | derivation | "
        "credit_status | credits (agency:role) | words |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        a = BY_KEY[key_of[r["url"]]]
        utc = dt(a).astimezone(timezone.utc).strftime("%m-%d %H:%MZ")
        src = key_of[r["source_url"]] if r["source_url"] else "\u2014"
        cr = ", ".join(f"{c['agency']}:{c['role']}" for c in r["credits"]) or "\u2014"
        out.append(
            f"| {a['key']} | `{r['url']}` | {r['outlet']} | {r['published_at']} ({utc}) | "
            f"{r['origin_agency'] or DASH} | {src} | {r['hops']} | {r['derivation']} | "
            f"{r['credit_status'] or DASH} | {cr} | {word_count(a)} |"
        )
    return "\n".join(out)


def main():
    if WEB.exists():
        shutil.rmtree(WEB)
    for host, site in SITES.items():
        root = WEB / host
        (root / "static").mkdir(parents=True)
        (root / "images").mkdir()
        (root / "static" / "site.css").write_text(CSS)
        (root / "static" / "logo.svg").write_text(svg(site["name"][:2], 32, 32))
        (root / "index.html").write_text(render_index(host))
        (root / "robots.txt").write_text(f"User-agent: *\nAllow: /\n\nSitemap: http://{host}/sitemap.xml\n")
        (root / "sitemap.xml").write_text(render_sitemap(host))
        feed = {
            "rss": ("rss.xml", render_rss),
            "atom": ("atom.xml", render_atom),
            "jsonfeed": ("feed.json", render_jsonfeed),
        }[site["feed"]]
        (root / feed[0]).write_text(feed[1](host))
    for a in ARTICLES:
        p = WEB / a["host"] / path(a).lstrip("/")
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(render_article(a))
        for b in a["body"]:
            if isinstance(b, tuple) and b[0] == "fig":
                (WEB / a["host"] / "images" / b[1]).write_text(svg(b[2]))
    rows = expected_rows()
    (HERE / "expected.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    readme = HERE / "README.md"
    begin, end = "<!-- AUTOGEN TABLE BEGIN -->", "<!-- AUTOGEN TABLE END -->"
    text = readme.read_text() if readme.exists() else f"{begin}\n{end}\n"
    pre, rest = text.split(begin, 1)
    _, post = rest.split(end, 1)
    readme.write_text(pre + begin + "\n" + readme_table(rows) + "\n" + end + post)
    print(f"wrote {len(ARTICLES)} articles on {len(SITES)} hosts")


if __name__ == "__main__":
    main()
