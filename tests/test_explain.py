"""`provtrack explain` on hand-made chains: what it says is missing matches what the chain lacks."""

from __future__ import annotations

from datetime import timedelta

from link_helpers import Row, add_rows, open_db
from test_link import EDIT, T0, WIRE

from pipelines.explain import explain_article
from pipelines.link import link_articles


def explained(rows: list[Row], url: str) -> str:
    con = open_db()
    add_rows(con, rows)
    link_articles(con, 1)
    return explain_article(con, url)


def test_a_contributor_credit_without_its_original_is_named_as_missing_and_nothing_else():
    out = explained(
        [Row("https://paper.example/a", "Paper", T0, WIRE, credits=[("Reuters", "contributor")])],
        "https://paper.example/a",
    )
    assert "missing: credit names Reuters; the Reuters original is not in the database" in out
    assert "no origin found" not in out, out


def test_the_missing_original_two_hops_back_is_named_with_the_page_that_credits_it():
    rows = [
        Row("https://paper.example/a", "Paper", T0, WIRE, credits=[("Reuters", "origin")]),
        Row("https://blog.example/b", "Blog", T0 + timedelta(hours=2), WIRE),
    ]
    out = explained(rows, "https://blog.example/b")
    assert "origin agency: Reuters · hops 2" in out
    assert "missing: Paper, where the chain ends, credits Reuters; the Reuters original is not" in out, out


def test_a_credit_to_the_outlet_whose_own_story_it_copied_is_shown():
    rows = [
        Row("https://steppe.example/a", "Steppe Times", T0, EDIT),
        Row(
            "https://observer.example/b", "Observer", T0 + timedelta(hours=3), EDIT + "\nSource: Steppe Times"
        ),
    ]
    out = explained(rows, "https://observer.example/b")
    assert "credit credited · evidence credit+text" in out
    assert "credit to the outlet it copied from (no agency, so not in `credits`):" in out
    assert "Steppe Times" in out.split("copied from")[1] and "missing" not in out, out
