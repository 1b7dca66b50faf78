"""Who said it: cue words, their grammatical subjects, and the actor behind a name, a pronoun or a
description ("the former U.S. president" → Donald Trump when the article calls him that elsewhere)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from .actors import Actor, ActorMention

# Verbs (lemmas) that attribute speech, writing, belief or evidence to their subject.
CUE_LEMMAS = frozenset(
    """say tell add state claim argue assert insist warn confirm deny reveal explain note write report announce
    suggest emphasize emphasise underscore stress describe call dismiss accuse allege believe think estimate
    find show conclude acknowledge admit predict promise vow pledge threaten urge demand respond reply
    complain maintain contend declare comment recall remark concede hint indicate signal agree brand label
    term blame reiterate repeat caution tweet post testify rule point""".split()
)
# Cues that are a verb and its particle, and count only with it: "pointed out that …" ("pointed to" is not).
PHRASAL_CUES = {"point": "out"}
# Cues whose complement is a proposition (used for indirect speech and claims).
CLAUSE_CUES = CUE_LEMMAS - {
    "call",
    "describe",
    "dismiss",
    "brand",
    "label",
    "term",
    "urge",
    "demand",
    "accuse",
    "blame",
}
PRONOUNS = frozenset({"he", "she", "they", "him", "her", "them"})
PLURAL_PRONOUNS = frozenset({"they", "them"})
# Heads of noun phrases for a person who can be a source when no name is given ("a police spokeswoman", "a
# senior engineer"); a "she" after one is that person, not the last person named.
PEOPLE_NOUNS = frozenset(
    """official spokesman spokeswoman spokesperson representative aide adviser advisor analyst expert economist
    researcher scientist professor specialist consultant strategist source insider person people man woman
    resident witness survivor victim parent teacher student doctor nurse worker employee member leader chief head
    director executive officer manager chairman chairwoman chair founder owner president minister secretary
    governor mayor senator lawmaker legislator congressman congresswoman politician diplomat envoy ambassador
    commander general soldier police prosecutor lawyer attorney judge defendant plaintiff critic supporter
    opponent activist advocate campaigner organizer protester voter investor trader observer commentator
    journalist reporter editor author writer blogger user fan player coach engineer technician inspector
    investigator auditor accountant banker broker planner pilot driver farmer miner builder firefighter
    paramedic surgeon physician pharmacist midwife clerk staffer pupil patient customer passenger tenant
    landlord shareholder negotiator mediator councillor councilor candidate veteran citizen neighbour neighbor
    relative colleague guard detective agent""".split()
)
# Heads of noun phrases that can be a source of speech, writing, belief or evidence when no name is given:
# people, bodies and records ("state police data", "court filings"). A subject headed by anything else
# ("Full panic mode", "The spot") is not a speaker.
SOURCE_NOUNS = PEOPLE_NOUNS | frozenset(
    """court jury government administration ministry department agency office authority council committee
    commission parliament congress senate house party campaign union company firm group organization
    organisation association institute institution university school hospital bank fund board team club league
    military army navy force kremlin white newspaper outlet media network broadcaster channel television report
    study survey poll census data figure statistic record document filing memo letter paper statement release
    post tweet message email transcript note text analysis review audit investigation inquiry assessment
    estimate tracker model projection research evidence result finding ombudsman cabinet treasury regulator
    watchdog utility charity operator video footage clip recording website other accounts index complaint lawsuit
    indictment startup""".split()
)
# Endings of nouns for people by their trade or field, beyond those listed: "geologists", "historians".
SOURCE_SUFFIXES = ("ist", "ian")
# Source nouns for a document someone issued: "the survey by Marlow College" is Marlow College's word.
DOCUMENT_NOUNS = frozenset(
    """report study survey poll data figure statistic record document filing memo letter statement release analysis
    review audit estimate tracker research email message transcript paper accounts index complaint lawsuit
    indictment""".split()
)
# Words for a kind of organisation that an article calls a named one by after naming it ("the company").
ORGANISATION_KINDS = frozenset(
    """company firm group utility club carrier operator airline bank lender insurer maker manufacturer
    retailer contractor developer producer department agency regulator watchdog chain miner supplier startup
    refiner shipper broadcaster publisher conglomerate carmaker automaker drugmaker chipmaker planemaker""".split()
)
# Of those, the kinds of body that report on other organisations ("Acme was fined, the regulator said"),
# not on themselves ("Acme has agreed …, the company said").
OVERSEERS = frozenset({"department", "agency", "regulator", "watchdog"})
RELATIVE_PRONOUNS = frozenset({"who", "which", "that"})
# Verbs and nouns by which a description gives a name: "identified as", "known as", "gives his name as".
IDENTIFYING = frozenset({"identify", "name", "know", "call", "describe", "introduce"})
# Verbs of being asked, set between a speaker and the cue: "X, asked about the price, said …".
ASKING = frozenset({"ask", "press", "question", "quiz", "challenge"})
_ASIDE_DEPS = frozenset({"nsubj", "punct", "advmod", "npadvmod", "prep"})
ASIDE_OPENERS = frozenset({",", "—", "–", "-", "("})
_NP_STOP_DEPS = frozenset({"relcl", "appos", "punct", "cc", "conj", "acl"})
_DEMONYMS = {
    "american": "us",
    "america": "us",
    "u.s.": "us",
    "us": "us",
    "usa": "us",
    "washington": "us",
    "ukrainian": "ukraine",
    "ukraine": "ukraine",
    "kyiv": "ukraine",
    "ukraine's": "ukraine",
    "russian": "russia",
    "russia": "russia",
    "kremlin": "russia",
    "moscow": "russia",
    "chinese": "china",
    "china": "china",
    "european": "eu",
    "eu": "eu",
}
_HEAD_SYNONYMS = {
    "leader": {"president", "leader", "prime minister", "premier", "chancellor"},
    "president": {"president"},
    "minister": {"minister"},
    "envoy": {"envoy", "special envoy"},
}


@dataclass(frozen=True)
class Speaker:
    text: str
    start: int
    end: int
    actor: Actor | None


def is_cue(token: Token) -> bool:
    lemma = token.lemma_.lower()
    if lemma not in CUE_LEMMAS or token.pos_ not in ("VERB", "AUX"):
        return False
    particle = PHRASAL_CUES.get(lemma)
    return particle is None or any(c.dep_ == "prt" and c.lower_ == particle for c in token.children)


def subject_of(cue: Token) -> Token | None:
    """The cue's subject, inherited from the governing verb for participles and conjuncts."""
    for _ in range(4):
        for child in cue.children:
            if (
                child.dep_ in ("nsubj", "nsubjpass", "csubj")
                and not (child.dep_ == "nsubjpass" and cue.lemma_ == "say")
                and not _object_read_as_subject(child, cue)
            ):
                if child.lower_ in RELATIVE_PRONOUNS and cue.dep_ == "relcl":
                    return cue.head  # "Trump, who has accused …": the relative clause's noun
                return child
            if child.dep_ == "agent":
                objects = [c for c in child.children if c.dep_ == "pobj"]
                if objects:
                    return objects[0]
        asked = asked_aside(cue)
        if asked is not None:
            return next(c for c in asked.children if c.dep_ in ("nsubj", "nsubjpass"))
        if (cue.dep_ in ("advcl", "xcomp", "conj", "pcomp", "acl") or stray_participle(cue)) and cue.head.i != cue.i:
            participle = cue.dep_ in ("advcl", "ccomp") and cue.tag_ == "VBG"
            if cue.dep_ == "pcomp" and cue.head.dep_ == "prep" and cue.head.head.pos_ in ("VERB", "AUX"):
                cue = cue.head  # "X was quoted [as] saying that S": past the preposition, to its verb
            cue = cue.head
            if participle and cue.dep_ == "ccomp" and is_cue(cue.head):
                cue = cue.head  # "X claimed that S, telling reporters …": the participle is X's, not S's
            continue
        return None
    return None


def _object_read_as_subject(child: Token, participle: Token) -> bool:
    """ "The company disputes that, saying S": the small model reads the verb's object "that" as the subject
    of the participle after the comma, which is the company's."""
    return (
        child.lower_ in ("that", "this")
        and participle.tag_ == "VBG"
        and participle.dep_ == "advcl"
        and any(t.text == "," for t in participle.doc[child.i + 1 : participle.i])
    )


def determined(noun: Token, *words: str) -> bool:
    """Whether one of `words` is `noun`'s determiner ("the survey", "that claim", "no member")."""
    return any(c.dep_ == "det" and c.lower_ in words for c in noun.children)


def _lost_subject(name: Token) -> bool:
    """A name before a verb that has no subject: the subject the parser took for something else ("Tully
    rejected that." with "Tully" read as an adverb)."""
    verb = name.head
    return (
        verb.pos_ == "VERB"
        and name.i < verb.i
        and name.dep_ in ("advmod", "npadvmod", "dep")
        and not any(c.dep_ in ("nsubj", "nsubjpass", "csubj") for c in verb.children)
    )


def _stem(word: str) -> str:
    """Its first seven letters: "regulator" and "regulation", "institute" and "institution" share them."""
    return word[:7]


def _by_trade(lemma: str) -> bool:
    """A noun for people by their trade or field (`SOURCE_SUFFIXES`): "geologist", "historian"."""
    return len(lemma) > 5 and lemma.endswith(SOURCE_SUFFIXES)


def _unnamed_person(noun: Token) -> bool:
    """One person by a description, not a name: "a senior engineer", "the spokeswoman" (not "analysts")."""
    if noun.pos_ != "NOUN" or noun.tag_ != "NN":
        return False
    lemma = noun.lemma_.lower()
    return lemma in PEOPLE_NOUNS or _by_trade(lemma)


def is_record(noun: Token) -> bool:
    """Whether `noun` names a document or a record someone issued (`DOCUMENT_NOUNS`; "data" has the lemma
    "datum")."""
    return noun.lemma_.lower() in DOCUMENT_NOUNS or noun.lower_ in DOCUMENT_NOUNS


def stray_participle(verb: Token) -> bool:
    """A participle after a comma that the small model made a complement of the verb before it ("The
    ministry rejected that, pointing out that …"): it has no subject of its own and shares that verb's."""
    return (
        verb.dep_ == "ccomp"
        and verb.tag_ == "VBG"
        and any(c.dep_ == "punct" and c.i < verb.i for c in verb.children)
        and not any(c.dep_ in ("nsubj", "nsubjpass") for c in verb.children)
    )


def _when(token: Token) -> bool:
    """A time the small model hung on the speaker's noun: "A county judge [on Friday] ordered …"."""
    return token.dep_ == "prep" and any(c.dep_ == "pobj" and c.ent_type_ in ("DATE", "TIME") for c in token.children)


def asked_aside(cue: Token) -> Token | None:
    """The "asked" of "X, asked about the price, said …": the small model makes X the subject of "asked"
    and "asked" a clause of the cue, which is left with no subject of its own."""
    for child in cue.children:
        if (
            child.i < cue.i
            and child.dep_ in ("ccomp", "advcl", "conj")
            and child.lemma_.lower() in ASKING
            and child.tag_ in ("VBN", "VBD")
            and any(c.dep_ in ("nsubj", "nsubjpass") and c.i < child.i for c in child.children)
        ):
            return child
    return None


def agent_of(noun: Token) -> Token | None:
    """Who made or issued what the noun names: "data [compiled by Kpler]", "a claim [shared by several
    landlords] that …", "the audit, [which was prepared by the Vienna firm Kessler Obradovic]"."""
    for participle in noun.children:
        passive_relative = participle.dep_ == "relcl" and any(
            c.dep_ == "nsubjpass" and c.lower_ in RELATIVE_PRONOUNS for c in participle.children
        )
        if (participle.dep_ == "acl" and participle.tag_ == "VBN") or passive_relative:
            for agent in participle.children:
                if agent.dep_ == "agent":
                    return next((c for c in agent.children if c.dep_ == "pobj"), None)
    return None


def opens_with_that(clause: Token) -> bool:
    """Whether `clause` is introduced by the conjunction "that" — a reported proposition, wherever the parser
    hung it, and never a relative clause (whose "that" is a pronoun)."""
    return any(c.dep_ == "mark" and c.lower_ == "that" for c in clause.children)


def parenthetical_aside(cue: Token) -> list[Token] | None:
    """The words of a cue set into the clause it reports ("Deaths were similar, she noted, and …"): the cue,
    its subject, its modifiers and its commas, in text order; None when the cue is not set in that way."""
    if cue.dep_ != "parataxis" or not is_cue(cue):
        return None  # most tokens: checked before a Token for the head is made
    host = cue.head
    if host.pos_ not in ("VERB", "AUX"):
        return None
    aside = [cue] + [t for c in cue.children if c.dep_ in _ASIDE_DEPS for t in c.subtree]
    aside.sort(key=lambda t: t.i)
    opening = aside[0] if aside[0].is_punct else cue.doc[max(aside[0].i - 1, 0)]
    if opening.text not in ASIDE_OPENERS or host.left_edge.i >= opening.i:
        return None  # an aside opens with a comma or a dash after some of the clause ("; they said" does not)
    return aside if opening.i == aside[0].i else [opening, *aside]  # the parser may hang that comma on the word before


def _role_head(role: str) -> str:
    """The noun a role is ("union secretary" → secretary, "Secretary of State" → secretary): a description
    names that noun, not a word that modifies it ("the union" is not the union's secretary)."""
    words = role.lower().split()
    return _norm(words[words.index("of") - 1] if "of" in words[1:] else words[-1])


def _norm(word: str) -> str:
    word = word.lower().replace("’", "'")
    return _DEMONYMS.get(word, word)


class SpeakerResolver:
    """Maps subjects to speakers within one document, given its actors and quotation spans."""

    def __init__(self, doc: Doc, text: str, actors: Sequence[Actor], quoted: Sequence[tuple[int, int]]) -> None:
        self.doc = doc
        self.text = text  # the document's text
        self._actor_at: dict[int, tuple[Actor, int, int]] = {}
        for actor in actors:
            for mention in actor.mentions:
                span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
                if span is not None:
                    for token in span:
                        self._actor_at[token.i] = (actor, mention.start, mention.end)
        self._quoted = sorted(quoted)
        self._roles = [  # (char offset, person, the head of the post the mention gives them, its words)
            (m.start, actor, _role_head(m.role), {_norm(w) for w in m.role.split()})
            for actor in actors
            if actor.type == "PERSON"
            for m in actor.mentions
            if m.role
        ]
        self._organisations = [actor for actor in actors if actor.type == "ORG"]
        # a word for a kind of organisation → the organisations the article introduced with it ("the consumer
        # group Shoppers' Voice", "Fenwick's, the discount grocery chain", "The developer, Corvane Digital")
        self._kinds: dict[str, dict[str, Actor]] = {}
        for actor in self._organisations:
            for mention in actor.mentions:
                span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
                if span is None or not len(span):
                    continue
                described = [c for c in span.root.children if c.dep_ == "appos"]  # "Fenwick's, the … chain"
                if span.root.dep_ == "appos":
                    described.append(span.root.head)  # "The developer, Corvane Digital"
                if span.start > 0 and doc[span.start - 1].head in span:
                    described.append(doc[span.start - 1])  # "the consumer group Shoppers' Voice"
                for word in described:
                    if word.pos_ == "NOUN" and word.lemma_.lower() in ORGANISATION_KINDS and word not in span:
                        self._kinds.setdefault(word.lemma_.lower(), {})[actor.name] = actor
        # (char offset, person) in text order; None for a person the article does not name ("a senior engineer
        # … said"), so that a "she" after them is not the last person named
        self._antecedents: list[tuple[int, Actor | None]] = []
        # (token index, organisation) in text order: subjects of a main clause or of a cue, not of the clause a
        # cue reports ("The regulator said SkyBridge took 97 days … , it said": "it" is the regulator)
        self._organisation_subjects: list[tuple[int, Actor]] = []
        for token in doc:
            found = self._actor_at.get(token.i)
            if found and found[0].type in ("PERSON", "ORG") and not self.in_quote(token.idx):
                own = token.dep_ in ("nsubj", "nsubjpass") or _lost_subject(token)  # the subject, not inside it
                # "a spokesperson for Corvane Digital said": the organisation speaks through the subject
                through = token.head.head if token.dep_ == "pobj" and token.head.lower_ in ("for", "of", "at") else None
                if own or token.head.dep_ == "nsubj":
                    if found[0].type == "PERSON":
                        self._antecedents.append((token.idx, found[0]))
                        continue
                    verb = token.head if own else token.head.head
                    if verb.dep_ == "ROOT" or is_cue(verb):
                        self._organisation_subjects.append((token.i, found[0]))
                elif found[0].type == "ORG" and through is not None and through.dep_ == "nsubj":
                    if is_cue(through.head):
                        self._organisation_subjects.append((token.i, found[0]))
            elif (
                token.dep_ == "nsubj" and _unnamed_person(token) and is_cue(token.head) and not self.in_quote(token.idx)
            ):
                named = self._appositive(token) or self._named_in_clause(token) or self._description(token)
                self._antecedents.append((token.idx, named))

    def add_description_mentions(self) -> None:
        """Add 'the former U.S. president' as a mention of Donald Trump where the article makes it clear."""
        for token in self.doc:
            if token.i in self._actor_at:
                continue
            actor = self._description(token)
            if actor is None:
                continue
            phrase = self.doc[token.left_edge.i : token.i + 1]  # "the former U.S. president", no trailing "of …"
            if any(self._actor_at[t.i][0].type == "PERSON" for t in phrase if t.i in self._actor_at):
                continue
            actor.mentions.append(ActorMention(phrase.start_char, phrase.end_char, phrase.text))
            actor.mentions.sort(key=lambda m: m.start)
            for t in phrase:
                self._actor_at[t.i] = (actor, phrase.start_char, phrase.end_char)

    def in_quote(self, offset: int) -> bool:
        return any(s <= offset < e for s, e in self._quoted)

    def note_speaker(self, offset: int, actor: Actor | None) -> None:
        """A resolved quote speaker is the best antecedent for a later 'he said'."""
        if actor is not None and actor.type == "PERSON":
            self._antecedents.append((offset, actor))
            self._antecedents.sort(key=lambda pair: pair[0])

    def actor_of(self, token: Token) -> tuple[Actor, int, int] | None:
        return self._actor_at.get(token.i)

    def is_source(self, subject: Token) -> bool:
        """Whether `subject` can be who said something: a name, a pronoun, or a phrase headed by a noun that
        denotes a source (official, analyst, ministry, report, …)."""
        if subject.i in self._actor_at or subject.pos_ in ("PROPN", "PRON") or subject.lower_ in PRONOUNS:
            return True
        if any(c.dep_ == "appos" and c.i in self._actor_at for c in subject.children):
            return True  # "Ukraine's ombudsman, Dmytro Lubinets, estimates …"
        if subject.pos_ == "NUM":  # "One of the analysts", "14 of the residents", "One of them"
            group = next(
                (c for p in subject.children if p.lower_ == "of" for c in p.children if c.dep_ == "pobj"), None
            )
            return group is not None and self.is_source(group)
        lemma = subject.lemma_.lower()
        if subject.pos_ == "NOUN" and _by_trade(lemma):
            return True  # "Geologists caution that …"
        return lemma in SOURCE_NOUNS or subject.lower_ in SOURCE_NOUNS or self._organisation(subject) is not None

    def speaker(self, subject: Token) -> Speaker:
        """The words naming the speaker and, where the article makes it clear, the canonical actor."""
        if subject.lower_ in PRONOUNS:
            before = [actor for offset, actor in self._antecedents if offset < subject.idx]
            # "they" is a group ("Ukrainian officials … They point out that …"), never the last person named
            person = before[-1] if before and subject.lower_ not in PLURAL_PRONOUNS else None
            return Speaker(subject.text, subject.idx, subject.idx + len(subject), person)
        if subject.lower_ == "it":
            return Speaker(subject.text, subject.idx, subject.idx + len(subject), self._organisation_before(subject))
        found = self.actor_of(subject)
        if found is not None and found[0].type != "NORP":
            actor, start, end = found
            return Speaker(self.text[start:end], start, end, actor)
        phrase = self.noun_phrase(subject)
        actor = (
            self._appositive(subject)
            or self._named_in_clause(subject)
            or self._description(subject)
            or self._organisation(subject)
            or self._issuer(subject)
        )
        return Speaker(phrase.text, phrase.start_char, phrase.end_char, actor)

    def noun_phrase(self, head: Token, *, without: frozenset[int] = frozenset()) -> Span:
        """The subject's phrase without relative clauses, appositions, trailing punctuation, or the
        subtrees rooted at the token indices in `without`."""
        tokens = [head]
        stack = list(head.children)
        while stack:
            child = stack.pop()
            if (child.dep_ in _NP_STOP_DEPS and child.i > head.i) or child.i in without or _when(child):
                continue
            tokens.append(child)
            stack.extend(child.children)
        start, end = min(t.i for t in tokens), max(t.i for t in tokens) + 1
        while end > start + 1 and (self.doc[end - 1].is_punct or self.doc[end - 1].tag_ == "POS"):
            end -= 1  # trailing punctuation, and the "'s" of "the senator's claim"
        while start < end - 1 and self.doc[start].is_punct:
            start += 1
        return self.doc[start:end]

    def _organisation_before(self, pronoun: Token) -> Actor | None:
        """'it', 'the company' → the organisation that is the subject of this sentence or the one before ("The
        Treasury imposed sanctions on tankers that it said …", "Northwind rejected the claim. It said …")."""
        sentence = pronoun.sent
        start = self.doc[sentence.start - 1].sent.start if sentence.start > 0 else sentence.start
        found = [actor for i, actor in self._organisation_subjects if start <= i < pronoun.i]
        return found[-1] if found else None

    def _appositive(self, head: Token) -> Actor | None:
        """'Its chair, Colette Barnes, …', 'One of the companies named, Aegean Star Maritime, …' → the person
        or organisation in apposition; for a person's description, also a person's name the parser hung on
        a word inside it that is no person ("A lawyer for owners in Germany, Sabine Rothe, …")."""
        for child in head.children:
            if child.dep_ == "appos":
                found = self.actor_of(child)
                if found and found[0].type in ("PERSON", "ORG"):
                    return found[0]
        if _unnamed_person(head):
            for token in head.subtree:
                found = self.actor_of(token) if token.dep_ == "appos" and token.head.i != head.i else None
                if found and found[0].type == "PERSON" and not _unnamed_person(token.head):
                    return found[0]
        return None

    def _named_in_clause(self, head: Token) -> Actor | None:
        """'A paramedic who works in the area, who asked to be identified only as Claire, …', 'The author of
        the post, who gives his name as Kieran Walsh, …' → the person a "who" clause in the description names
        with "as" (the parser hangs such a clause on the description's last noun, "area", "post")."""
        if not _unnamed_person(head):
            return None
        for clause in head.subtree:
            if clause.dep_ != "relcl" or not any(c.lower_ == "who" for c in clause.children):
                continue
            for word in clause.subtree:
                giver = word.head  # "identified [as]", "gives his name [as]"
                if word.lower_ == "as" and (
                    giver.lemma_.lower() in IDENTIFYING
                    or any(c.dep_ == "dobj" and c.lemma_ == "name" for c in giver.children)
                ):
                    for name in (c for c in word.children if c.dep_ == "pobj"):
                        found = self.actor_of(name)
                        if found and found[0].type == "PERSON":
                            return found[0]
        return None

    def _issuer(self, head: Token) -> Actor | None:
        """'the survey by Marlow College', 'a statement from the Kremlin', 'data compiled by Kpler', 'the
        league's filing', 'its annual report' (the organisation just named) → who issued the document."""
        if not is_record(head):
            return None
        objects = [
            o
            for p in head.children
            if p.dep_ == "prep" and p.lower_ in ("by", "from", "of")
            for o in p.children
            if o.dep_ == "pobj"
        ]
        agent = agent_of(head)
        if agent is not None:
            objects.append(agent)
        owners = [c for c in head.children if c.dep_ == "poss" and c.pos_ != "PRON"]
        for noun in objects + owners + [a for o in objects for a in o.children if a.dep_ == "appos"]:
            found = self.actor_of(noun)  # "by Kpler", "by the consultancy Ardent Metrics", "Kpler's data"
            if found and found[0].type in ("PERSON", "ORG", "GPE"):
                return found[0]
        # "the league's filing": the organisation the article calls that
        named = next((org for org in map(self._organisation, owners) if org is not None), None)
        if named is None and any(c.dep_ == "poss" and c.lower_ == "its" for c in head.children):
            return self._organisation_before(head)  # "according to its annual report"
        if named is None and not owners and determined(head, "the"):
            return self._issuer_before(head)
        return named

    def _issuer_before(self, head: Token) -> Actor | None:
        """ "according to the survey" after "A basket survey published … by the consumer group Shoppers'
        Voice": the issuer of the record the article introduced earlier under that word."""
        for earlier in reversed(self.doc[: head.i]):
            introduced = not determined(earlier, "the")
            if earlier.lemma_ == head.lemma_ and earlier.pos_ == head.pos_ and introduced:
                found = self._issuer(earlier)
                if found is not None:
                    return found
        return None

    def _organisation(self, head: Token) -> Actor | None:
        """'the authority' → the one organisation of this article whose name holds that word ("Hartwell Water
        Authority") or one of its stem ('the regulator' → "Commission for Aviation Regulation"), of several the
        one whose name ends in it ('the hospital': St Bride's Hospital, not the Eastmoor Hospitals Group); else
        a word for a kind of organisation ("the company", "the department") → the one the article introduced
        with that word, the subject of the clause its cue reports (`_reporting_organisation`), the organisation
        that is the subject of this sentence or the one before ("Pacific Ridge Electric rejected the conclusion.
        The company said …"), or the story's own (`_protagonist`). A modifier ("the state attorney general's
        office") makes it another body, unless only the clause it reports names it ("the League Two club")."""
        modifiers = [c for c in head.children if c.dep_ not in ("punct", "relcl", "acl", "case")]
        if head.pos_ != "NOUN" or not modifiers or modifiers[0].lower_ != "the":
            return None
        if len(modifiers) > 1:  # "the League Two club announced": only the clause it reports can tell
            described = all(m.dep_ in ("compound", "amod", "nummod") and m.i < head.i for m in modifiers[1:])
            return self._reporting_organisation(head) if described and head.lower_ in ORGANISATION_KINDS else None
        word = _stem(head.lower_)
        matches = {
            actor.name: actor for actor in self._organisations if word in {_stem(w) for w in actor.name.lower().split()}
        }
        if len(matches) > 1:  # "the hospital": St Aldhelm's Hospital, not the North Downs Hospitals Trust
            ending = {name: actor for name, actor in matches.items() if _stem(name.split()[-1].lower()) == word}
            matches = ending if len(ending) == 1 else matches
        if len(matches) == 1:
            return next(iter(matches.values()))
        if matches or head.lower_ not in ORGANISATION_KINDS:
            return None
        introduced = self._kinds.get(head.lemma_.lower(), {})
        if len(introduced) == 1:
            return next(iter(introduced.values()))
        return self._reporting_organisation(head) or self._organisation_before(head) or self._protagonist(head)

    def _protagonist(self, head: Token) -> Actor | None:
        """ "The company disputes that" with no organisation in this sentence or the one before: the story's
        own organisation, the first the article made the subject of a main clause or a cue."""
        if head.lemma_.lower() in OVERSEERS or not self._organisation_subjects:
            return None
        first_index, first = self._organisation_subjects[0]
        return first if first_index < head.i else None

    def _reporting_organisation(self, head: Token) -> Actor | None:
        """ "Harbour City have signed Okonkwo …, the club announced": the organisation that is the subject of
        the clause the kind word's cue reports before it, unless the word is for an overseer. A club may be
        tagged a place ("Harbour City")."""
        cue = head.head
        if head.dep_ != "nsubj" or not is_cue(cue) or head.lemma_.lower() in OVERSEERS:
            return None
        for clause in (c for c in cue.children if c.dep_ == "ccomp" and c.i < head.i):
            for subject in (c for c in clause.children if c.dep_ == "nsubj"):
                found = self.actor_of(subject)
                if found and (found[0].type == "ORG" or (found[0].type == "GPE" and head.lemma_ == "club")):
                    return found[0]
        return None

    def _description(self, head: Token) -> Actor | None:
        """'the former U.S. president' → the one person this article gives that role; 'A state judge' (a
        description that introduces someone the article names later, "Judge Maria Okonjo") → the one person
        given that post after it and nobody before."""
        if head.pos_ != "NOUN":
            return None
        if determined(head, "a", "an"):
            return self._named_later(head)
        if not determined(head, "the"):
            return None
        heads = _HEAD_SYNONYMS.get(head.lemma_.lower(), {head.lemma_.lower()})
        modifiers = {_norm(c.text) for c in head.children if c.dep_ in ("amod", "compound", "nmod", "poss")}
        matches = {
            actor.name: actor
            for _start, actor, head_word, role in self._roles
            if any(h.split()[-1] == head_word and all(part in role for part in h.split()) for h in heads)
            and modifiers <= role
        }
        return next(iter(matches.values())) if len(matches) == 1 else None

    def _named_later(self, head: Token) -> Actor | None:
        post = head.lemma_.lower()
        given = [(start, actor) for start, actor, head_word, _words in self._roles if head_word == post]
        if any(start < head.idx for start, _actor in given):
            return None  # "a judge" after one was named is another judge
        people = {actor.name: actor for _start, actor in given}
        return next(iter(people.values())) if len(people) == 1 else None
