"""Claims: claimants, framing, check-worthiness and watchlist restatements."""

from __future__ import annotations

import pytest

from claimwatch.config import load_config
from claimwatch.config.settings import WatchlistClaim
from claimwatch.jobs.analyze import build_extractor
from claimwatch.nlp.claims import Claim, past_tense
from claimwatch.nlp.extract import Extractor

from .conftest import read_fixture

TEXT = read_fixture("quote-patterns.txt")


@pytest.fixture(scope="module")
def bare_extractor() -> Extractor:
    """The watchlist claim with no paraphrases at all: restatements must be found on meaning."""
    settings = load_config()
    watchlist = [WatchlistClaim(key="ukraine-started-the-war", claim="Ukraine started the war")]
    return build_extractor(settings.model_copy(update={"watchlist": watchlist}))


@pytest.fixture(scope="module")
def claims(bare_extractor: Extractor) -> list[Claim]:
    return bare_extractor.extract(TEXT).claims


def claim_with(claims: list[Claim], words: str) -> Claim:
    hits = [c for c in claims if words in c.text]
    assert len(hits) == 1, f"{len(hits)} claims hold {words!r}: {[c.text for c in claims]}"
    return hits[0]


def test_accusation_becomes_its_proposition(claims: list[Claim]) -> None:
    c = claim_with(claims, "Zelensky started the war")
    assert (c.claimant, c.claimant_text, c.framing, c.watchlist) == (
        "Donald Trump",
        "Trump",
        "refuted",
        "ukraine-started-the-war",
    )
    assert TEXT[c.start : c.end].startswith("falsely accused Zelensky of starting the war")


def test_reported_restatement_keeps_its_claimant(claims: list[Claim]) -> None:
    c = claim_with(claims, "Kyiv began the war")
    assert (c.claimant, c.claimant_text, c.framing, c.watchlist) == (
        None,
        "A pro-Kremlin blogger",
        "reported",
        "ukraine-started-the-war",
    )


def test_denial_of_a_watchlist_claim_is_refuted(claims: list[Claim]) -> None:
    c = claim_with(claims, "Ukraine did not start this war")
    assert (c.claimant, c.framing, c.watchlist) == ("Yulia Svyrydenko", "refuted", "ukraine-started-the-war")


def test_reported_claims_and_denials(claims: list[Claim]) -> None:
    assert claim_with(claims, "Kyiv would present its own draft").framing == "reported"
    assert claim_with(claims, "Kyiv would present its own draft").claimant == "Andrii Sybiha"
    assert claim_with(claims, "the draft had been leaked").framing == "refuted"
    descriptions = " ".join(c.text for c in claims)
    assert "lopsided arrangement" not in descriptions  # a description, not a proposition


def test_checkworthiness_prefers_figures_over_opinion(bare_extractor: Extractor) -> None:
    figures = bare_extractor.extract("Officials said damage to the grid exceeded 14 billion dollars last year.")
    opinion = bare_extractor.extract("Officials said the talks were going nowhere, as far as anyone could tell.")
    assert 0.0 <= opinion.claims[0].checkworthiness < figures.claims[0].checkworthiness <= 1.0


def test_predictions_promises_and_questions_are_not_claims(claims: list[Claim], bare_extractor: Extractor) -> None:
    """A claim can be checked against the world now: "parliament will not ratify" is a prediction."""
    assert not [c for c in claims if "parliament will not ratify" in c.text]
    assert all(0.0 <= c.checkworthiness <= 1.0 for c in claims)
    for sentence in (
        "The minister said the government will build ten new schools by 2030.",
        "Analysts said prices could fall further next year.",
        "The spokesman declined to say how many soldiers would be sent.",
        "The first projects are expected to take years, the ministry said.",
    ):
        assert bare_extractor.extract(sentence).claims == [], sentence
    # The reported future of news is still a claim: it can be checked against what the speaker said.
    reported = bare_extractor.extract("A source said the agreement would provide security guarantees for Ukraine.")
    assert [c.text for c in reported.claims] == ["the agreement would provide security guarantees for Ukraine"]


@pytest.mark.parametrize(
    "sentence",
    [
        "The senator said that Kyiv began the war.",
        "A blogger wrote that Zelensky started this war.",
        "Russian state television claimed Ukraine is to blame for starting the war.",
        "Officials argued that Ukraine provoked the conflict.",
    ],
)
def test_paraphrases_link_to_the_watchlist(bare_extractor: Extractor, sentence: str) -> None:
    claims = bare_extractor.extract(sentence).claims
    assert [c.watchlist for c in claims] == ["ukraine-started-the-war"]


@pytest.mark.parametrize(
    "sentence",
    ["Russia started the war in 2022.", "Ukraine started the talks.", "Kyiv began a new offensive."],
)
def test_other_propositions_do_not_link(bare_extractor: Extractor, sentence: str) -> None:
    assert all(c.watchlist is None for c in bare_extractor.extract(sentence).claims)


@pytest.mark.parametrize(
    ("lemma", "past"),
    [
        ("start", "started"),
        ("begin", "began"),
        ("stop", "stopped"),
        ("provoke", "provoked"),
        ("deny", "denied"),
        ("play", "played"),
        ("mislead", "misled"),
        ("withhold", "withheld"),
        ("lie", "lied"),
    ],
)
def test_past_tense(lemma: str, past: str) -> None:
    assert past_tense(lemma) == past


def test_outlets_own_checkworthy_statements_are_asserted_claims(bare_extractor: Extractor) -> None:
    text = (
        "Russia launched its full-scale invasion of Ukraine on 24 February 2022.\n"
        "It was a strange and sad day for everyone.\n"
        "Officials said that 40 percent of the grid was damaged.\n"
    )
    claims = bare_extractor.extract(text).claims
    asserted = [c for c in claims if c.framing == "asserted"]
    assert [c.text for c in asserted] == ["Russia launched its full-scale invasion of Ukraine on 24 February 2022."]
    assert asserted[0].claimant is None and asserted[0].checkworthiness >= 0.75
    assert [c.framing for c in claims if "40 percent" in c.text] == ["reported"]


def test_a_rebuttal_glued_to_the_claim_is_cut_off_and_refutes_it(bare_extractor: Extractor) -> None:
    text = (
        "Trump has repeatedly said that the United States spent 350 billion dollars on Ukraine, a figure that "
        "the Kiel Institute's aid tracker does not support."
    )
    [claim] = bare_extractor.extract(text).claims
    assert (claim.text, claim.framing, claim.claimant) == (
        "the United States spent 350 billion dollars on Ukraine",
        "refuted",
        "Donald Trump",
    )
    assert text[claim.start : claim.end] == claim.text


def test_the_proposition_reads_on_its_own(bare_extractor: Extractor) -> None:
    text = (
        "Former mayor Victor Hale denied the charges on Monday. He told reporters that he never took money "
        "from Gregory Lintz. Prosecutors said Lintz paid him in cash. "
        "Kyiv said the draft “asks for 500 billion dollars and promises nothing in writing."
    )
    claims = bare_extractor.extract(text).claims
    never = claim_with(claims, "never took money")
    assert never.text == "he never took money from Gregory Lintz"  # the article's words and offsets stay
    assert text[never.start : never.end] == never.text
    assert never.proposition == "Victor Hale never took money from Gregory Lintz"
    # An object pronoun is left alone: "him" is not Lintz, the clause's own subject.
    assert claim_with(claims, "paid him").proposition == "Lintz paid him in cash"
    draft = claim_with(claims, "500 billion")
    assert draft.proposition == "the draft asks for 500 billion dollars and promises nothing in writing"
    assert draft.to_json()["proposition"] == draft.proposition


def test_nominal_cues_and_perfect_tense_report_claims(bare_extractor: Extractor) -> None:
    claims = bare_extractor.extract("Officials rejected the senator's allegation that the mayor took bribes.").claims
    assert [(c.text, c.claimant_text) for c in claims] == [("the mayor took bribes", "the senator")]
    perfect = bare_extractor.extract("The ministry has said that 40 soldiers were sent to the old town.").claims
    assert [c.text for c in perfect] == ["40 soldiers were sent to the old town"]


def test_a_subject_that_is_no_source_is_no_speaker(bare_extractor: Extractor) -> None:
    extraction = bare_extractor.extract("The decision suggests that the talks have stalled. Analysts said that "
                                        "the talks have stalled.")  # fmt: skip
    assert [q.speaker_text for q in extraction.quotes] == ["Analysts"]


def test_a_parenthetical_attribution_is_left_out_of_the_proposition(bare_extractor: Extractor) -> None:
    text = "Yulia Svyrydenko spoke first. The agreement, she added, gives Washington no ownership of the mines."
    [claim] = [c for c in bare_extractor.extract(text).claims if c.framing != "asserted"]
    assert (claim.text, claim.claimant, claim.framing) == (
        "The agreement, she added, gives Washington no ownership of the mines",
        "Yulia Svyrydenko",
        "reported",
    )
    assert claim.proposition == "The agreement gives Washington no ownership of the mines"


def test_a_next_sentence_saying_no_such_thing_exists_refutes_the_claim(bare_extractor: Extractor) -> None:
    text = (
        "A post shared on Telegram claimed that Ukraine would hand its power plants to American firms. "
        "The agreement contains no such provision."
    )
    claims = bare_extractor.extract(text).claims
    assert [(c.text, c.framing) for c in claims if "power plants" in c.text] == [
        ("Ukraine would hand its power plants to American firms", "refuted")
    ]


def test_the_outlets_clause_before_an_attribution_is_its_claim(bare_extractor: Extractor) -> None:
    """A sentence that goes on to report someone keeps the outlet's own clause before it; a wire report's
    place line is not part of any claim."""
    text = (
        "The Civil Aviation Authority fined nine airlines that it said had overbooked flights last summer.\n"
        "OSLO — Norway's central bank raised its main interest rate to 4.5 percent on Thursday.\n"
        "The ferry operator Nordlink cut 300 jobs in 2024, and its chief executive called the cuts painful.\n"
    )
    claims = bare_extractor.extract(text).claims
    assert [(c.text, c.framing) for c in claims] == [
        ("The Civil Aviation Authority fined nine airlines", "asserted"),
        ("had overbooked flights last summer", "reported"),
        ("Norway's central bank raised its main interest rate to 4.5 percent on Thursday.", "asserted"),
        ("The ferry operator Nordlink cut 300 jobs in 2024", "asserted"),
    ]
    assert all(text[c.start : c.end] == c.text for c in claims)


def test_an_attribution_inside_a_phrase_leaves_the_sentence_whole(bare_extractor: Extractor) -> None:
    """The clause before "Donald Trump, who has accused …" would end inside a noun phrase: no claim is cut
    from it, as no claim was made of it before."""
    text = (
        "The talks are taking place amid sharp words between Zelensky and former U.S. President Donald "
        "Trump, who has accused Kyiv of starting the war."
    )
    assert [c.framing for c in bare_extractor.extract(text).claims] == ["reported"]


def test_a_live_pages_time_stamp_is_not_part_of_the_claim(bare_extractor: Extractor) -> None:
    text = "Flood live\n\n08:25 — About 2,000 homes are without power in Harlow and Dene.\n"
    assert [c.text for c in bare_extractor.extract(text).claims] == [
        "About 2,000 homes are without power in Harlow and Dene."
    ]


def test_framing_reads_the_article_not_the_speakers_own_rejection(bare_extractor: Extractor) -> None:
    """ "The ministry rejected the criticism, saying S": S is the ministry's rebuttal, reported; "a claim
    … that S is false" refutes S."""
    text = (
        "The ministry rejected the criticism, saying the tender was won in an open auction.\n"
        "A claim shared by several councillors online that the tax would double next year is false.\n"
    )
    claims = bare_extractor.extract(text).claims
    assert [(c.text, c.framing) for c in claims] == [
        ("the tender was won in an open auction", "reported"),
        ("the tax would double next year", "refuted"),
    ]


def test_an_accusation_whose_gerund_the_parser_read_as_a_noun(bare_extractor: Extractor) -> None:
    """The small model reads "of hiding injury reports" as a noun phrase ("hiding" a compound)."""
    text = (
        "In a post on Friday, the senator accused health officials of hiding injury reports, without offering evidence."
    )
    assert [(c.text, c.framing) for c in bare_extractor.extract(text).claims] == [
        ("health officials hid injury reports", "refuted")
    ]


def test_statements_of_fact_in_a_direct_quotation_are_the_speakers_claims(bare_extractor: Extractor) -> None:
    """A quotation's checkable statement is a claim its speaker made; a judgement ("an insult"), a modal
    ("cannot"), a verdict on someone else's claim or a quotation with no speaker is not."""
    text = (
        '"Our exports to Asia fell by a third last year," said Tomas Brenner, director of the chamber of commerce.\n'
        '"Twelve percent is an insult," said Ana Ruiz, who leads the nurses\' union.\n'
        '"We cannot keep paying for it," she added.\n'
        '"There is no evidence at all for the claim that the dam was sabotaged in 2019," said Ivo Petrov.\n'
    )
    claims = bare_extractor.extract(text).claims
    assert [(c.text, c.framing, c.claimant) for c in claims] == [
        ("Our exports to Asia fell by a third last year", "reported", "Tomas Brenner")
    ]
    assert text[claims[0].start : claims[0].end] == claims[0].text


def test_a_claim_the_article_calls_wrong_is_refuted(bare_extractor: Extractor) -> None:
    """ "The claim by X that S is wrong", "X's claim that S is not supported by …" or "is not borne out by
    …", and the verdict the small model parses into S ("… causes the flu is false") all refute S, which keeps
    only its own words."""
    text = (
        "The claim by a senior official that exports have fallen every year since 2020 is wrong.\n"
        "A councillor's claim that the bridge cost 90 million euros is not supported by the city's accounts.\n"
        "Our ruling: Ward's claim that the new vaccine causes the illness is false.\n"
        "The mayor's claim that crime fell 20 percent last year is not borne out by police data.\n"
    )
    claims = bare_extractor.extract(text).claims
    assert [(c.text, c.framing) for c in claims] == [
        ("exports have fallen every year since 2020", "refuted"),
        ("the bridge cost 90 million euros", "refuted"),
        ("the new vaccine causes the illness", "refuted"),
        ("crime fell 20 percent last year", "refuted"),
    ]


def test_a_speakers_own_plan_is_no_claim_unless_it_can_be_checked(bare_extractor: Extractor) -> None:
    text = "The club said it would appeal. The firm said it would cut 300 jobs by June."
    assert [c.text for c in bare_extractor.extract(text).claims] == ["it would cut 300 jobs by June"]


def test_the_outlets_clause_keeps_its_speaker_and_leaves_out_a_reaction(bare_extractor: Extractor) -> None:
    """Before a participle or a relative clause that reports someone, the outlet's own clause keeps the
    words naming them ("filed by the city's housing office"); a reaction ("welcomed the offer, saying …")
    belongs to the attribution."""
    text = (
        "The complaint was filed by the city's housing office, which argued that the landlord had ignored 40 "
        "repair requests.\n"
        "A regional court on Monday ordered the airline to compensate 4,000 passengers, ruling that it had "
        "cancelled their flights without notice.\n"
        "The union welcomed the offer, saying it raised pay by 6 percent.\n"
    )
    asserted = [c.text for c in bare_extractor.extract(text).claims if c.framing == "asserted"]
    assert asserted == [
        "The complaint was filed by the city's housing office",
        "A regional court on Monday ordered the airline to compensate 4,000 passengers",
    ]


def test_a_rebuttal_refutes_the_claim_before_it_not_one_after(bare_extractor: Extractor) -> None:
    text = (
        "Hale said the program cost 80 billion dollars, a figure that the budget office does not support; the "
        "office puts the cost at about 30 billion dollars."
    )
    claims = bare_extractor.extract(text).claims
    assert [(c.text, c.framing) for c in claims] == [
        ("the program cost 80 billion dollars", "refuted"),
        ("the cost at about 30 billion dollars", "reported"),
    ]


def test_the_next_sentence_pointing_back_and_calling_it_unsupported_refutes(bare_extractor: Extractor) -> None:
    """ "There is no evidence for that", "Records do not bear that out": the outlet refutes the claim before.
    A party's denial ("His office denied that") reports a dispute; the claim stays reported."""
    texts = {
        "the bridge had cost 3 billion dollars": (
            "A senator claimed the bridge had cost 3 billion dollars. There is no evidence for that: it cost "
            "1.2 billion.",
            "refuted",
        ),
        "the tunnel had opened in 2019": (
            "A minister claimed the tunnel had opened in 2019. Official records do not bear that out.",
            "refuted",
        ),
        "the mayor hid the report": (
            "Critics accused the mayor of hiding the report. His office denied that, saying the report had been "
            "published in May.",
            "reported",
        ),
        "the port had been dredged twice": (  # "no", not "not": the same negation as everywhere else
            "The operator said the port had been dredged twice. No survey bears that out.",
            "refuted",
        ),
        "the ban had closed 300 shops": (
            "A lobby group said the ban had closed 300 shops. That is not what the official figures show.",
            "refuted",
        ),
        "the treaty would give the navy two new bases": (  # a bare "no", its verb the claim's
            "A former minister claimed the treaty would give the navy two new bases. It will not: the treaty "
            "mentions no bases at all.",
            "refuted",
        ),
        "the tram had carried 9 million people last year": (  # a judgement with a modal is no verdict
            'The mayor said the tram had carried 9 million people last year. "That should never be true of a '
            'bus," he added.',
            "reported",
        ),
        "Rail passengers are travelling more": (  # "that" a relative pronoun: nothing points back
            "Rail passengers are travelling more, a ministry report says. The figures contradict a claim that has "
            "been repeated by the opposition.",
            "reported",
        ),
    }
    for words, (text, framing) in texts.items():
        assert claim_with(bare_extractor.extract(text).claims, words).framing == framing, words


def test_a_texts_will_is_what_it_provides_and_a_persons_a_forecast(bare_extractor: Extractor) -> None:
    """What an agreement, a report or a post says "will" happen is what it provides or claims, checked by
    reading it; a person's "will" is a forecast or a promise, whatever their name ("Bill")."""
    text = (
        "According to the agreement, both sides will share the costs equally. According to the minister, "
        "prices will fall next year. A post claims the new law will ban open fires from 2027. Bill said "
        "prices will fall next year."
    )
    assert [(c.text, c.framing) for c in bare_extractor.extract(text).claims] == [
        ("both sides will share the costs equally", "reported"),
        ("the new law will ban open fires from 2027", "reported"),
    ]


def test_a_plan_is_no_claim_and_what_a_record_shows_is_reported(bare_extractor: Extractor) -> None:
    assert bare_extractor.extract("The ministry said it had no plans to raise the tax.").claims == []
    shown = bare_extractor.extract("Flight records released by the airport show landings of 14 private jets in June.")
    assert [(c.text, c.framing) for c in shown.claims] == [("landings of 14 private jets in June", "reported")]


def test_a_mixed_quote_that_only_judges_in_the_quoted_words_is_no_claim(bare_extractor: Extractor) -> None:
    """The outlet quotes a characterisation: no claim. A statement beside it, or a plain predicate, stays."""
    assert bare_extractor.extract('The club\'s owner said the sale was "a distraction nobody needed".').claims == []
    beside = bare_extractor.extract('The union said the offer was "a step backwards" and that 40 depots had closed.')
    assert [c.framing for c in beside.claims] == ["reported"]
    plain = bare_extractor.extract("The auditor said the payments were consultancy fees.")
    assert [c.text for c in plain.claims] == ["the payments were consultancy fees"]


def test_an_ability_denied_is_a_claim_and_a_possibility_is_not(bare_extractor: Extractor) -> None:
    """ "could no longer afford", "No bus can reach": a state of things, checked by the world; "could rise" is
    a supposition. Two clauses each opened by "that" are two claims, the second not lost with the first."""
    text = (
        "The council said it could no longer afford the repairs and that 40 homes had stood empty since 2022. "
        "Prices could rise again next year, the council said. No bus can reach the village in winter, the "
        "operator said."
    )
    assert [c.text for c in bare_extractor.extract(text).claims] == [
        "it could no longer afford the repairs",
        "40 homes had stood empty since 2022",
        "No bus can reach the village in winter",
    ]


def test_a_claim_the_article_contradicts_or_calls_unsupported_by_name_is_refuted(bare_extractor: Extractor) -> None:
    """The outlet shows a claim false without saying "false": a later sentence of its own says the claim's
    subject and verb again, negated; or the next sentence names it ("The figure") and calls it unsupported."""
    contradicted = bare_extractor.extract(
        "Opponents have argued that the treaty obliges members to raise fuel taxes. The text was published on "
        "Monday. The treaty obliges no member to raise any tax."
    )
    assert claim_with(contradicted.claims, "obliges members").framing == "refuted"
    unsupported = bare_extractor.extract(
        "The mayor said the scheme had created 900 jobs. The figure is not supported by the council's own records."
    )
    assert claim_with(unsupported.claims, "900 jobs").framing == "refuted"
    agreed = bare_extractor.extract(
        "Opponents have argued that the treaty obliges members to raise fuel taxes. The treaty obliges members "
        "to keep reserves. The mayor said the scheme had created 900 jobs. The figure comes from a council survey."
    )
    assert [c.framing for c in agreed.claims if c.claimant_text in ("Opponents", "The mayor")] == ["reported"] * 2


def test_that_claim_repeated_without_producing_evidence_refutes_it(bare_extractor: Extractor) -> None:
    text = (
        "The mayor claimed that the bridge had been sold to a foreign investor. He has repeated that claim since "
        "June without producing evidence. The minister said exports had doubled. He repeated that figure on Monday."
    )
    claims = bare_extractor.extract(text).claims
    assert claim_with(claims, "the bridge had been sold").framing == "refuted"
    assert claim_with(claims, "exports had doubled").framing == "reported"


def test_a_partys_would_is_its_plan_and_a_records_is_what_it_provides(bare_extractor: Extractor) -> None:
    """ "the union would appeal", "the club would not sell": a party to the story named by its kind, and its
    "would" a plan like "it would"; "the report would show" stays a claim."""
    text = (
        "The union said the union would appeal the ruling. A spokesman said the club would not sell its best "
        "players. The ministry said the report would show lower prices."
    )
    assert [c.text for c in bare_extractor.extract(text).claims] == ["the report would show lower prices"]
