"""Actors: roles split off, short forms linked, alias table applied, offsets exact."""

from __future__ import annotations

from claimwatch.nlp.extract import Extractor

from .conftest import read_fixture


def _by_name(extractor: Extractor, text: str) -> dict[str, object]:
    return {a.name: a for a in extractor.extract(text).actors}


def test_roles_are_split_and_short_forms_linked(extractor: Extractor) -> None:
    text = read_fixture("envoy-visit.txt")
    actors = _by_name(extractor, text)
    minister = actors["Herman Halushchenko"]
    assert minister.type == "PERSON"
    assert "Halushchenko" not in actors  # the surname alone links to the full name
    assert [text[m.start : m.end] for m in minister.mentions] == ["Herman Halushchenko", "Halushchenko"]
    assert minister.mentions[0].role == "Ukrainian Energy Minister"


def test_alias_table_decides_names_and_types(extractor: Extractor) -> None:
    text = read_fixture("envoy-visit.txt")
    actors = _by_name(extractor, text)
    zelensky = actors["Volodymyr Zelensky"]
    assert {text[m.start : m.end] for m in zelensky.mentions} == {"Zelenskyy", "Zelenskiy"}
    assert actors["United States"].type == "GPE"
    assert {text[m.start : m.end] for m in actors["United States"].mentions} == {"U.S.", "Washington"}
    assert {text[m.start : m.end] for m in actors["Russia"].mentions} == {"Kremlin"}
    assert "Kyiv" not in actors and actors["Ukraine"].type == "GPE"
    # "the envoy" is Kellogg: the article calls him "U.S. envoy Keith Kellogg".
    assert [m.text for m in actors["Keith Kellogg"].mentions] == ["Keith Kellogg", "Kellogg", "the envoy", "Kellogg"]


def test_every_mention_offset_points_at_its_words(extractor: Extractor) -> None:
    text = read_fixture("envoy-visit.txt")
    for actor in extractor.extract(text).actors:
        for mention in actor.mentions:
            assert text[mention.start : mention.end] == mention.text


def test_headline_fragments_are_not_actors(extractor: Extractor) -> None:
    text = "The Contentious Draft Deal and Ukraine's Resistance\nUkraine said on Monday that talks would go on.\n"
    names = set(_by_name(extractor, text))
    assert "Contentious Draft Deal" not in names and "The Contentious Draft Deal" not in names
    assert "Ukraine" in names


def test_long_text_is_cut_into_pieces_with_offsets_kept(extractor: Extractor) -> None:
    paragraph = "Andrii Sybiha met Marco Rubio in Washington on Friday to discuss the draft.\n\n"
    text = paragraph * 1500  # ~115,000 characters: more than one piece
    actors = _by_name(extractor, text)
    sybiha = actors["Andrii Sybiha"]
    assert len(sybiha.mentions) == 1500
    assert all(text[m.start : m.end] == "Andrii Sybiha" for m in sybiha.mentions)


def test_descriptions_resolve_to_the_one_person_with_that_role(extractor: Extractor) -> None:
    text = (
        "Former U.S. President Donald Trump met Ukrainian President Volodymyr Zelensky. Later the former U.S. "
        "president said the talks went well, and the Ukrainian leader agreed. The president did not comment."
    )
    actors = _by_name(extractor, text)
    assert "the former U.S. president" in {m.text for m in actors["Donald Trump"].mentions}
    assert "the Ukrainian leader" in {m.text for m in actors["Volodymyr Zelensky"].mentions}
    # "The president" fits both men: left unresolved.
    assert all(m.text != "The president" for a in actors.values() for m in a.mentions)


def test_titles_inside_a_name_become_its_role(extractor: Extractor) -> None:
    text = read_fixture("news/02-council-budget.txt")
    ortega = _by_name(extractor, text)["Raúl Ortega"]
    assert ortega.type == "PERSON" and ortega.mentions[0].role == "Councilmember"


def test_surnames_the_model_missed_are_linked_to_the_full_name(extractor: Extractor) -> None:
    # The small model reads "Brandt" as a work of art and misses "Ruiz" altogether.
    brandt = _by_name(extractor, read_fixture("news/04-earnings.txt"))["Laura Brandt"]
    assert [m.text for m in brandt.mentions] == ["Laura Brandt", "Brandt"]
    ruiz = _by_name(extractor, read_fixture("news/10-election-poll.txt"))["Angela Ruiz"]
    assert [m.text for m in ruiz.mentions] == ["Angela Ruiz", "Ruiz", "Ruiz", "Ruiz"]


def test_an_untagged_full_name_reused_by_surname_is_a_person(extractor: Extractor) -> None:
    text = read_fixture("news/09-transfer.txt")
    actors = _by_name(extractor, text)
    okonkwo = actors["Emeka Okonkwo"]  # the model tags only "Okonkwo", as NORP, ORG and GPE by turns
    assert okonkwo.type == "PERSON" and len(okonkwo.mentions) == text.count("Okonkwo")
    assert "Okonkwo" not in actors
    assert actors["Dinamo Varna"].type == "ORG"  # a name the model tagged stays what it tagged


def test_an_organisation_is_named_later_by_its_first_word(extractor: Extractor) -> None:
    """The small model tags "Halvard Terminals" a person and leaves "Halvard" and "Transport" untagged; the
    name's last word says organisation, "Halvard said" is its short form, "Transport minister" is not the
    union's."""
    text = (
        "The Transport and Dock Workers' Union said the port's operator, Halvard Terminals, had offered a raise "
        "of 3 percent. Halvard said its offer was worth 5.5 percent. Transport minister Ilse Vandaele urged "
        "both sides to talk."
    )
    actors = _by_name(extractor, text)
    halvard = actors["Halvard Terminals"]
    assert halvard.type == "ORG"
    assert [m.text for m in halvard.mentions] == ["Halvard Terminals", "Halvard"]
    union = actors["Transport and Dock Workers' Union"]
    assert [m.text for m in union.mentions] == ["Transport and Dock Workers' Union"]


def test_a_description_names_the_head_of_a_role_not_its_modifier(extractor: Extractor) -> None:
    """ "the union" is not "union secretary Gareth Lowe"; "the secretary" is."""
    text = (
        "Union secretary Gareth Lowe spoke at the gate. The union has 2,400 members. Later the secretary said "
        "the strike would go on."
    )
    lowe = _by_name(extractor, text)["Gareth Lowe"]
    assert [m.text for m in lowe.mentions] == ["Gareth Lowe", "the secretary"]


def test_two_untagged_names_after_a_title_are_a_person(extractor: Extractor) -> None:
    """ "Councillor Priya Nair", named once and left untagged by the small model: the title says a person
    follows, so the "she" after is her. A title and one name ("General Motors") stays what it was."""
    text = (
        "Councillor Priya Nair, who chairs the committee, said the depot had cost 12 million pounds. "
        '"We were never told," she said. General Motors said it had built the plant in 2019.'
    )
    result = extractor.extract(text)
    nair = {a.name: a for a in result.actors}["Priya Nair"]
    assert nair.type == "PERSON"
    assert [q.speaker for q in result.quotes] == ["Priya Nair", "Priya Nair", "General Motors"]


def test_an_organisation_is_named_later_by_its_last_word(extractor: Extractor) -> None:
    """ "The Commission" after the European Commission is that body, not a second one called "Commission"."""
    text = (
        "The European Commission fined the carrier 40 million euros on Monday. The Commission said the "
        "carrier had hidden delays from passengers for two years."
    )
    result = extractor.extract(text)
    commission = {a.name: a for a in result.actors}["European Commission"]
    assert [m.text for m in commission.mentions] == ["European Commission", "Commission"]
    assert [q.speaker for q in result.quotes] == ["European Commission"]


def test_a_club_tagged_a_place_is_the_organisation_its_short_name_is(extractor: Extractor) -> None:
    """The model tags "Kestow City" a place and "Kestow" alone an organisation: the article's own short form
    says it is a club, so both are one organisation."""
    text = (
        "MANCHESTER — The Premier League has opened an inquiry into whether Kestow City broke its spending rules "
        "in the 2022-23 season, the league confirmed on Friday.\n\nKestow said in a statement that its accounts "
        "had been audited twice. According to the league's filing, Kestow reported a loss of 112 million pounds "
        "over three seasons."
    )
    result = extractor.extract(text)
    kestow = {a.name: a for a in result.actors}["Kestow City"]
    assert (kestow.type, [m.text for m in kestow.mentions]) == ("ORG", ["Kestow City", "Kestow", "Kestow"])
    (audited,) = [q for q in result.quotes if q.text.startswith("its accounts")]
    assert audited.speaker == "Kestow City"


def test_an_organisation_the_model_cut_short_or_in_two_is_whole(extractor: Extractor) -> None:
    """ "Tarrow Creek Minerals" left untagged, "Tarrow Creek" tagged a person later, and "Marlow Foundation for
    the European Union" tagged as two organisations are one organisation each; "Ashby Water" is the company,
    not the Ashby Water Authority that oversees it."""
    text = (
        "PERTH — Tarrow Creek Minerals has agreed to sell lithium to a Korean battery maker, the miner said on "
        "Monday. Tarrow Creek did not disclose the price.\n\n"
        "Rents rose 6 percent last year, according to the Marlow Foundation for the European Union.\n\n"
        "The Ashby Water Authority fined the company. Ashby Water said it would appeal."
    )
    result = extractor.extract(text)
    names = {a.name: a for a in result.actors}
    assert [m.text for m in names["Tarrow Creek Minerals"].mentions] == ["Tarrow Creek Minerals", "Tarrow Creek"]
    assert names["Tarrow Creek Minerals"].type == "ORG"
    assert "Marlow Foundation for the European Union" in names
    assert [q.speaker for q in result.quotes] == [
        "Tarrow Creek Minerals",
        "Marlow Foundation for the European Union",
        "Ashby Water",
    ]


def test_a_given_name_the_model_left_out_of_a_tagged_person_is_theirs(extractor: Extractor) -> None:
    """ "Oleksii Bondar" with only "Bondar" tagged: the given name the parser hangs on the surname is part of
    the name, not a role word before it."""
    text = (
        "Officials said the plant would open in May.\n\n"
        "Oleksii Bondar denied that the contract for the Odesa plant had been awarded without a tender."
    )
    result = extractor.extract(text)
    assert [(a.name, a.type) for a in result.actors if a.type == "PERSON"] == [("Oleksii Bondar", "PERSON")]
    assert [q.speaker for q in result.quotes][-1] == "Oleksii Bondar"
