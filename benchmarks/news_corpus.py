"""Distinct news-like articles for the cycle benchmark, generated from sentence patterns with many slots.

Why: pages built from a handful of fixture articles repeat their sentences, and claimwatch encodes each
distinct claim of a batch once, so such a corpus hides most of the embedding work (docs/performance.md).
These articles are made for cost, not for quality: every article is different (names, places, figures,
dates, goods), its sentences are written like wire copy — quotations with their speakers, indirect
speech, the outlet's own statements with figures, opinions, plans and questions — and about as long as
the fixtures' sentences, so spaCy and the rules meet the same kinds of work. `article(n)` is the same text
for the same `n` on every machine.
"""

from __future__ import annotations

import random

GIVEN = """Olena Marta Petro Iryna Andriy Daniel Laura Thomas Maria James Sofia Mark Anna Pavel Helen Jonas
Ruth Samuel Nadia Victor Clara Oleksii Emma David Kateryna Frank Irene Hugo Lucia Martin Greta Simon Alina
Bogdan Teresa Walter Yulia Ethan Rosa Karl""".split()
FAMILY = """Kovalenko Brandt Haddad Moreau Shevchenko Okafor Lindqvist Novak Reyes Tkachenko Weber Costa
Marchetti Bondar Fischer Duarte Hoffman Melnyk Sato Keller Romano Kravets Jansen Horvat Lozano Savchenko
Dubois Nilsen Popescu Rudenko Ferreira Olsen Varga Hartmann Lysenko Kowalski Moretti Vasylenko""".split()
ROLES = """the economy minister|the deputy foreign minister|a senior adviser to the president|the mayor|the central
bank governor|a spokesperson for the ministry|the head of the parliamentary budget committee|an analyst at
a Kyiv think tank|the chief executive of the state mining company|a senior European diplomat|the
opposition leader|a researcher at the geological survey""".replace("\n", " ").split("|")
PLACES = """Kyiv Kharkiv Odesa Dnipro Lviv Zaporizhzhia Poltava Vinnytsia Mykolaiv Chernihiv Sumy Rivne Lutsk
Uzhhorod Kherson Zhytomyr Ternopil Cherkasy Kropyvnytskyi Ivano-Frankivsk""".split()
GOODS = """lithium graphite titanium ore manganese gallium beryllium uranium zirconium nickel natural gas
grain steel coal""".split()
BODIES = """the finance ministry|the state statistics service|the national bank|the European Commission|the
International Monetary Fund|the energy regulator|the defence ministry|the prosecutor general's office|the
regional administration|the World Bank|the state audit office|the parliament's research service""".replace(
    "\n", " "
).split("|")
MONTHS = "January February March April May June July August September October November December".split()
DAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
CUES = ["said", "told reporters", "said in a statement", "wrote on social media", "told a news conference"]
INDIRECT = ["said", "argued", "warned", "insisted", "acknowledged", "estimated", "claimed", "denied"]

PATTERNS = [
    "{body_cap} said on {day} that {good} exports from the {place} region rose by {pct} percent in {month}.",
    '"We have {count} licences ready and {count2} investors waiting," {person} said in {place} on {day}.',
    "{person}, {role}, {indirect} that the fund had received {money} million dollars since {month}.",
    "According to {body}, output of {good} fell to {count} thousand tonnes last year, the lowest since {year}.",
    '"This is not a sale of our land, it is a partnership," {role} {person2} {cue}.',
    "The agreement gives the joint fund {pct} percent of royalties from new {good} projects in the {place} region.",
    "{person} {indirect} that no {good} deposit near {place} had been surveyed since {year}.",
    "Critics in {place} called the plan {adjective}, while supporters said it was overdue.",
    "Will the deal survive a change of government in {place2}?",
    "The ministry plans to auction {count} more licences before the end of {month}.",
    "{body_cap} estimated that the war had destroyed {count} kilometres of railway in the {place} region.",
    '"{count} of our engineers left for the front, and we still shipped {count2} tonnes," said {person}.',
    "Inflation in {place} reached {pct} percent in {month}, up from {pct2} percent a year earlier.",
    "{person} denied that the contract for the {place} plant had been awarded without a tender.",
    "The {good} mine outside {place} employed {count} people before {month} {year}, {body} reported.",
    "Officials in {place} said {count} homes had been without power since {day}.",
    "It is time for {place2} to stop waiting for others, {person} wrote in an opinion piece.",
    "{person2}, {role}, told the committee that {money} million dollars of aid had not been accounted for.",
    "A report by {body} found that {pct} percent of the {good} licences issued since {year} had produced nothing.",
    "Shares in the {place} {good} company rose {pct} percent on {day} after the announcement.",
    "The talks are expected to resume in {place2} on {day}, two people familiar with the matter said.",
    "{body_cap} said it had approved a loan of {money} million euros for the {place} port.",
]


def _person(rng: random.Random) -> str:
    return f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}"


def article(n: int, words: int = 650) -> str:
    """Article number `n`: paragraphs of two to four sentences, about `words` words, different for every n."""
    rng = random.Random(n)
    paragraphs: list[str] = []
    total = 0
    while total < words:
        sentences = []
        for _ in range(rng.randint(2, 4)):
            body = rng.choice(BODIES)
            slots = {
                "person": _person(rng),
                "person2": _person(rng),
                "role": rng.choice(ROLES),
                "place": rng.choice(PLACES),
                "place2": rng.choice(PLACES),
                "good": rng.choice(GOODS),
                "body": body,
                "body_cap": body[0].upper() + body[1:],
                "day": rng.choice(DAYS),
                "month": rng.choice(MONTHS),
                "year": rng.randint(1995, 2023),
                "pct": rng.randint(2, 60),
                "pct2": rng.randint(2, 60),
                "count": rng.randint(3, 900),
                "count2": rng.randint(3, 900),
                "money": rng.randint(5, 950),
                "cue": rng.choice(CUES),
                "indirect": rng.choice(INDIRECT),
                "adjective": rng.choice(["reckless", "naive", "a giveaway", "premature", "vague", "unworkable"]),
            }
            sentences.append(rng.choice(PATTERNS).format(**slots))
        paragraph = " ".join(sentences)
        paragraphs.append(paragraph)
        total += len(paragraph.split())
    return "\n".join(paragraphs)
