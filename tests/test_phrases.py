"""Phrase tables: the pre-checked matching finds exactly what the plain alternation finds."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dedup import phrases
from dedup.classify import _RULES

TABLES = {
    name: phrases.compile_table(getattr(phrases, name), ignore_case=name not in ("BYLINE_PHRASES", "BIO_PHRASES"))
    for name in phrases.__all__
    if name.isupper() and name != "NAVIGATION_WORDS"
}
ENTRIES = [(name, k) for name, table in TABLES.items() for k in range(len(table.entries))]
RULES = phrases.PhraseRules([rule[2] for rule in _RULES])


def agrees(table: phrases.PhraseTable, text: str) -> None:
    low = text.lower()
    for words in (phrases.text_words(low), None):  # with a word list, and looking words up as substrings
        for leading in (False, True):
            want = table.pattern.match(text) if leading else table.pattern.search(text)
            got = table.first(table.candidates(low, words, leading=leading), text, leading=leading)
            assert (want is None) == (got is None), (text, leading)
            if want is not None:
                assert (want.span(), want.group()) == (got.span(), got.group()), (text, leading)


@pytest.mark.parametrize(("name", "k"), ENTRIES, ids=[f"{n}[{k}]" for n, k in ENTRIES])
def test_every_entry_is_found_where_it_matches(name, k):
    """Texts that hold a match of one entry (Hypothesis builds them from the entry's regex)."""
    table = TABLES[name]
    pattern = re.compile(table.entries[k], table.flags)

    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.from_regex(pattern, fullmatch=False))
    def check(text):
        agrees(table, text)

    check()


SAMPLES = [
    "Subscribe now for unlimited access",
    "By Jane Doe and John Smith",
    "Photo: Jane Doe/AP",
    "The mayor, left, and her deputy, right, walk to the council chamber.",
    "© 2019 The Associated Press. All rights reserved.",
    "Updated 10:42 AM EST, Nov 19, 2019",
    "Share on Facebook",
    "Die Profile werden mit Hilfe der Eckkappen verbunden und ausgerichtet.© Hoklatherm",
    "RenderBurger for Quanta Magazine",
    "GiveWell, aka The Clear Fund (a tax-exempt 500(c)(3) public charity).",
    "Lesen Sie auch: Die Stadt plant neue Radwege",
    "Nothing to see here, just a sentence about the weather in the region.",
]


@pytest.mark.parametrize("text", SAMPLES)
def test_samples_agree_in_every_table(text):
    for table in TABLES.values():
        agrees(table, text)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(sorted({w for s in SAMPLES for w in s.split()})), min_size=1, max_size=14).map(" ".join))
def test_rules_checked_together_agree_with_each_table(text):
    low = text.lower()
    words = phrases.text_words(low)
    for leading in (False, True):
        together = RULES.candidates(low, words, leading=leading)
        for t, rule in enumerate(_RULES):
            assert together[t] == rule[2].candidates(low, words, leading=leading)


def test_candidates_are_few_for_plain_prose():
    text = "The council voted on Monday to expand the tram network over five years."
    low = text.lower()
    found = RULES.candidates(low, phrases.text_words(low))
    assert sum(len(ks) for ks in found) <= 3
