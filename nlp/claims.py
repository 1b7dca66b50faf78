"""Claims: propositions made in reported speech and accusations, who made them, how the article frames
each one, how check-worthy it is, and whether it restates a watchlist claim.

- Reported claims come from quotes whose cue takes a clause ("X said that …", "according to X, …",
  `X suggested the deal would provide "…"`); the claimant is the quote's speaker.
- Accusations are rewritten as the proposition they assert: "Trump falsely accused the Ukrainian leader of
  starting the war" → "the Ukrainian leader started the war", claimant Donald Trump.
- Quoted claims: the check-worthy statements of fact inside a direct quotation, its speaker's claims; a
  judgement ("Three percent is an insult"), a modal or a quotation with no speaker is none.
- Asserted claims: the outlet's own statements outside any quote or attribution that the learned
  check-worthiness model (nlp/checkworthiness_model.py) finds check-worthy.
- Every claim's check-worthiness is that model's probability for its sentence.
- Framing: `refuted` when the sentence marks the claim as false or disputed (falsely, baseless, debunked,
  without evidence, denied, …) or the claim itself is negated against a watchlist claim; `reported` when it is
  attributed; `asserted` when the outlet states it in its own voice.
- Watchlist claims are matched on meaning, not wording: (subject, verb, object) triples with the subject
  resolved to its actor (or the state an actor speaks for), verbs and objects through synonym classes, so
  "Kyiv began the war" and "Zelensky started this war" both restate "Ukraine started the war".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from lemminflect import getInflection, getLemma
from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from claimwatch.config.settings import WatchlistClaim

from .actors import Actor, AliasTable
from .checkworthiness_model import CheckworthinessModel, SentenceSignals, sentence_signals
from .quotes import ACCUSING, EVIDENCE_CUES, FIGURE_CUES, NOMINAL_CUES, Quote, trimmed
from .rebuttals import REBUTTAL_HEADS, disputed_subject, false_tail, judged_false, rebuttal_in
from .speakers import (
    CLAUSE_CUES,
    RELATIVE_PRONOUNS,
    SOURCE_NOUNS,
    SpeakerResolver,
    determined,
    is_cue,
    is_record,
    opens_with_that,
    parenthetical_aside,
    stray_participle,
    subject_of,
)

REFUTING_WORDS = frozenset(
    """falsely wrongly baselessly baseless debunked debunk refuted refute disproved unfounded unsubstantiated
    discredited untrue misleading bogus spurious fabricated denied deny rejected""".split()
)
REFUTING_PHRASES = (
    "no evidence",
    "false claim",
    "not true",
    "widely debunked",
    "has been disproven",
    "is false",
    "was false",
    "are false",
    "were false",
)
VERB_CLASSES = {
    "start": {"start", "begin", "launch", "provoke", "initiate", "unleash", "trigger", "instigate", "cause", "ignite"},
}
OBJECT_CLASSES = {
    "war": {"war", "conflict", "invasion", "fighting", "hostility", "aggression"},
}
PERSONAL_PRONOUNS = frozenset({"he", "she"})
PLANNERS = frozenset({"it", "he", "she", "they", "we", "i"})  # subjects of a reported plan: the speaker's own
MODALS = frozenset({"will", "'ll", "should", "could", "may", "might", "must", "can", "shall"})
FUTURE = frozenset({"will", "'ll", "shall"})
ABILITY = frozenset({"can", "could"})
# Texts whose "will" is what they provide, not a forecast: records, and what is enacted, agreed or posted.
PROVIDING = frozenset("text agreement deal treaty contract law regulation rule bill post tweet".split())
WH_WORDS = frozenset({"how", "what", "whether", "why", "when", "where", "who", "which", "if"})
FORECASTS = frozenset({"expect", "set", "likely", "due", "plan", "intend", "hope", "want"})
QUOTING = frozenset({"quote", "cite"})  # "X was quoted as saying …": the whole clause is the attribution
INTENTIONS = frozenset({"plan", "intention"})  # "had no plans to change its guidance": a plan, not a fact
CLAUSE_DEPS = frozenset({"ccomp", "parataxis", "ROOT"})
# Verbs whose first past form in lemminflect is another sense than an accusation's ("lay" for "lie",
# "bade" for "bid").
ACCUSATION_PAST = {"lie": "lied", "bid": "bid"}
# Verbs of a speaker's response, which belong to the attribution they open: "X welcomed the grant, saying …"
# is X's reaction and what X said, where "A judge ordered a refund, ruling that …" is an order and a ruling.
REACTIONS = frozenset(
    """welcome thank defend reject dispute praise hail applaud criticise criticize condemn slam attack respond
    react answer counter rebut oppose back support""".split()
)


@dataclass
class Claim:
    text: str
    start: int
    end: int
    framing: str  # asserted | reported | refuted
    checkworthiness: float
    claimant: str | None = None
    claimant_text: str | None = None
    claimant_start: int | None = None
    claimant_end: int | None = None
    watchlist: str | None = None
    sentence: str = ""
    claimant_actor: Actor | None = None
    signals: SentenceSignals | None = None  # the sentence's parse, for the learned check-worthiness
    resolved: str | None = None  # the wording made self-contained, when it differs from `text`

    @property
    def proposition(self) -> str:
        """The claim as it reads on its own — pronouns replaced by whom they refer to, quotation marks
        balanced — which groups claims and is matched against fact-checks; `text` keeps the article's words."""
        return self.resolved or self.text

    def to_json(self) -> dict[str, object]:
        return {
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "claimant": self.claimant,
            "claimant_text": self.claimant_text,
            "framing": self.framing,
            "checkworthiness": round(self.checkworthiness, 3),
            "watchlist": self.watchlist,
            "proposition": self.proposition,
        }


def past_tense(verb: str) -> str:
    """English simple past of a verb lemma, for rewriting 'accused X of starting' as 'X started'; lemminflect's
    lexicon holds the irregular ones ("mislead" → "misled", "withhold" → "withheld") and its rules the rest."""
    if verb in ACCUSATION_PAST:
        return ACCUSATION_PAST[verb]
    forms = getInflection(verb, tag="VBD")
    return forms[0] if forms else verb + "ed"


def _class_of(lemma: str, classes: Mapping[str, set[str]]) -> str | None:
    return next((name for name, members in classes.items() if lemma in members), None)


@dataclass(frozen=True)
class _Triple:
    subjects: frozenset[str]  # canonical actor names the subject stands for
    verb: str
    obj: str
    negated: bool


class Watchlist:
    """Watchlist claims as meaning triples, matched against the clauses of a document."""

    def __init__(
        self, claims: Sequence[WatchlistClaim], nlp: Language, aliases: AliasTable, affiliations: Mapping[str, str]
    ) -> None:
        self.affiliations = dict(affiliations)
        self._patterns: list[tuple[str, _Triple]] = []
        for claim in claims:
            for wording in (claim.claim, *claim.paraphrases):
                doc = nlp(wording)
                for token in doc:
                    triple = self._triple(token, lambda t: self._names(aliases.lookup(t.text)))
                    if triple is not None:
                        self._patterns.append((claim.key, triple))

    def _names(self, known: tuple[str, str] | None) -> frozenset[str]:
        if known is None:
            return frozenset()
        name = known[0]
        return frozenset({name, self.affiliations.get(name, name)})

    @staticmethod
    def _triple(verb: Token, subject_names) -> _Triple | None:  # type: ignore[no-untyped-def]
        verb_class = _class_of(verb.lemma_.lower(), VERB_CLASSES)
        if verb_class is None:
            return None
        objects = [c for c in verb.children if c.dep_ in ("dobj", "nsubjpass")]
        obj_class = _class_of(objects[0].lemma_.lower(), OBJECT_CLASSES) if objects else None
        subject = _proposition_subject(verb)
        if obj_class is None or subject is None:
            return None
        names = subject_names(subject)
        if not names:
            return None
        negated = any(c.dep_ == "neg" for c in verb.children)
        return _Triple(names, verb_class, obj_class, negated)

    def match(self, verb: Token, subject_names) -> tuple[str, bool] | None:  # type: ignore[no-untyped-def]
        """(watchlist key, negated) when the clause headed by `verb` restates a watchlist claim."""
        found = self._triple(verb, subject_names)
        if found is None:
            return None
        for key, pattern in self._patterns:
            if pattern.verb == found.verb and pattern.obj == found.obj and pattern.subjects & found.subjects:
                return key, found.negated != pattern.negated
        return None


def _proposition_subject(verb: Token) -> Token | None:
    """The doer of `verb`, also through 'accused X of V-ing', 'X is to blame for V-ing', 'the claim that X V'."""
    for child in verb.children:
        if child.dep_ == "nsubj":
            return child
    if verb.dep_ == "pcomp" and verb.head.lower_ in ("of", "for"):
        holder = verb.head.head
        if holder.lemma_ in ACCUSING and holder.pos_ == "VERB":
            objects = [c for c in holder.children if c.dep_ == "dobj"]
            return objects[0] if objects else subject_of(holder)
        if holder.pos_ in ("NOUN", "PROPN") and holder.head.lemma_ in ACCUSING:
            return holder  # "accused [the Ukrainian leader of starting …]"
    return None


def _refuted(sentence: Span, exclude: tuple[int, int] | None = None, act: Token | None = None) -> bool:
    """Whether the sentence says the claim is false, in words outside the claim (`exclude`, char offsets)
    and other than the speaker's own act (`act`: "rejected" in "The ministry rejected the criticism,
    saying …" is the ministry refuting someone else)."""
    rebuttal = rebuttal_in(sentence)
    if rebuttal is not None and (exclude is None or rebuttal.start_char > exclude[0]):
        return True  # "…, a figure that the aid tracker does not support" (after the claim, not before it)
    kept = [
        t
        for t in sentence
        if (exclude is None or not (exclude[0] <= t.idx < exclude[1])) and (act is None or t.i != act.i)
    ]
    if {t.lower_ for t in kept} & REFUTING_WORDS or _without_evidence(kept):
        return True
    text = " ".join(t.lower_ for t in kept)
    return any(phrase in text for phrase in REFUTING_PHRASES)


def _without_evidence(words: Sequence[Token]) -> bool:
    """ "without evidence", "without producing any evidence", "without offering proof": said with nothing to
    support it."""
    return any(
        t.lower_ == "without" and any(w.lemma_.lower() in ("evidence", "proof") for w in t.subtree) for t in words
    )


def _next_sentence_refutes(sentence: Span) -> bool:
    """'… Ukraine started the war. The claim has been debunked by historians.' — or the next sentence says the
    thing claimed does not exist ('… would hand over its power plants. The agreement contains no such
    provision.'), points back at it and calls it false ('There is no evidence for that', 'That is not what
    the agreement says', 'The figure is not supported by published data.') or answers it with a bare no
    ('It will not: …')."""
    doc = sentence.doc
    if sentence.end >= len(doc):
        return False
    following = doc[sentence.end].sent
    opening = following.text.lower()[:60]
    if any(t.lower_ == "no" and t.nbor().lower_ == "such" for t in following[:-1]):
        return True
    if opening.startswith(("the claim", "that claim", "this claim", "the assertion", "the allegation")):
        return _refuted(following)
    return _points_back_false(following) or _answers_no(following) or _named_back_false(following)


def _named_back_false(sentence: Span) -> bool:
    """ "The figure is not supported by published data.", "That estimate is wrong.": the sentence's subject
    names what was just said ("the figure", "that estimate") and its predicate — a passive or "be", so that
    the subject is what is judged ("The figures contradict a claim" judges another) — calls it false."""
    subject = next((t for t in sentence if t.dep_ in ("nsubj", "nsubjpass") and t.head == sentence.root), None)
    return (
        subject is not None
        and (subject.dep_ == "nsubjpass" or sentence.root.lemma_ == "be")
        and subject.lemma_.lower() in REBUTTAL_HEADS
        and determined(subject, "the", "that", "this")
        and disputed_subject(subject)
    )


def _contradicted_later(claim: Span) -> bool:
    """ "Critics have argued that the agreement gives American investors first claim on the best deposits."
    and, within the next three sentences, in the outlet's own voice, "The agreement gives neither side
    priority over deposits.": the claim's subject and verb again, negated — the article shows it false."""
    verb = claim.root  # a predicate by its subject, whatever its tag: the small model tags "obliges" a noun
    subject = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subject is None or subject.pos_ == "PRON" or _denied(verb):
        return False
    doc, end = claim.doc, claim.sent.end
    for _ in range(3):
        if end >= len(doc):
            return False
        following = doc[end].sent
        end = following.end
        root = following.root
        if root.lemma_ != verb.lemma_ or any(is_cue(t) or t.is_quote for t in following):
            continue
        if not any(c.dep_ in ("nsubj", "nsubjpass") and c.lemma_ == subject.lemma_ for c in root.children):
            continue
        if _denied(root) or any(determined(c, "no", "neither") for c in root.children if c.dep_ != "nsubj"):
            return True
    return False


def _points_back_false(sentence: Span) -> bool:
    """'There is no evidence for that: …', 'The published text does not bear that out.', 'That is not true.',
    'Moscow has made that claim repeatedly without producing evidence.': the sentence's first clause points
    back with a "that" or "this" of its own, or with "that claim", and calls it false or unsupported."""
    stop = next((t.i for t in sentence if t.text in (":", ";")), sentence.end)
    clause = sentence.doc[sentence.start : stop]
    if not any(
        t.lower_ in ("that", "this")
        and t.tag_ == "DT"
        and (
            t.dep_ in ("nsubj", "nsubjpass", "dobj", "pobj")
            or (t.dep_ == "det" and t.head.lemma_.lower() in REBUTTAL_HEADS)
        )
        for t in clause
    ):
        return False  # a pronoun of its own: not a determiner, nor the "that" of "a claim that has spread"
    text = clause.text.lower()
    # the outlet's words, not a party's denial ("A spokesperson denied that" reports a refutation, makes none)
    return (
        judged_false(list(clause))
        or _without_evidence(clause)
        or any(phrase in text for phrase in REFUTING_PHRASES)
        or _not_what(clause)
    )


def _not_what(clause: Span) -> bool:
    """ "That is not what the agreement says": a negated "be" whose complement is what a source says or shows."""
    return any(
        t.lemma_ == "be"
        and any(c.dep_ == "neg" for c in t.children)
        and any(is_cue(c) and any(w.lower_ == "what" for w in c.children) for c in t.children)
        for t in clause
    )


def _answers_no(sentence: Span) -> bool:
    """ "It will not: …", "He did not.": a first clause of only a pronoun, an auxiliary and a negation — the
    outlet's "no" to the claim before, its verb left out because it is the claim's."""
    stop = next((t.i for t in sentence if t.text in (":", ";", ".", ",", "—")), sentence.end)
    words = [t for t in sentence.doc[sentence.start : stop] if not t.is_space]
    return len(words) == 3 and words[0].pos_ == "PRON" and words[1].pos_ == "AUX" and words[2].dep_ == "neg"


def _clause_span(verb: Token) -> Span:
    """The clause headed by `verb`, without its 'that' and without a trailing ', doing …' participle."""
    trailing = [
        c
        for c in verb.children
        if c.dep_ in ("advcl", "parataxis") and c.i > verb.i and verb.doc[c.left_edge.i - 1].is_punct
    ]
    cut = min((c.left_edge.i - 1 for c in trailing), default=verb.right_edge.i + 1)
    tokens = [t for t in verb.subtree if t.dep_ != "mark" and t.i < cut]
    start, end = min(t.i for t in tokens), max(t.i for t in tokens) + 1
    doc = verb.doc
    while end > start + 1 and doc[end - 1].is_punct:
        end -= 1
    return doc[start:end]


def _clause(root: Token) -> bool:
    """Whether the root of a reported span heads a clause: a complement, a main clause, or a clause opened by
    "that" wherever the parser hung it."""
    return root.dep_ in CLAUSE_DEPS or opens_with_that(root)


def _heads(span: Span) -> list[Token]:
    """The tokens of `span` whose head lies outside it (or who are their own): the heads of its phrases."""
    return [t for t in span if t.head.i == t.i or not (span.start <= t.head.i < span.end)]


def is_proposition(span: Span, *, provision: bool = False) -> bool:
    """A statement that can be checked against the world: not a prediction, promise or wish (a modal on the
    main verb: will, should, could, may, might, must, can — but "would", the reported future of news
    ("the agreement would provide …"), stays, and so does a text's "will" (`provision`: "the report says pass
    holders will keep travelling free" is what the text provides, checked by reading it) and an ability
    denied ("cannot tell a shower from a washing machine", "could no longer staff it": a state of things,
    where "could rise" is a supposition)), not an indirect question ("how many of the cuts would fall …"),
    not a forecast ("is expected to …") or a plan ("had no plans to …")."""
    words = [t for t in span if not t.is_punct and not t.is_space]
    if not words:
        return False
    if words[0].lower_ in WH_WORDS and words[0].head.dep_ != "advcl":
        return False  # "how many …" asks; "When we took over, …" only sets the time of a statement
    modals = MODALS - FUTURE if provision else MODALS
    for verb in (t for t in _heads(span) if t.pos_ in ("VERB", "AUX")):
        auxiliaries = {c.lower_ for c in verb.children if c.dep_ == "aux" and c.lower_ in modals}
        if auxiliaries and not (auxiliaries <= ABILITY and _denied(verb)):
            return False
        if verb.lemma_ in FORECASTS and any(c.dep_ == "xcomp" for c in verb.children):
            return False
        if verb.lemma_ == "have" and any(c.dep_ == "dobj" and c.lemma_ in INTENTIONS for c in verb.children):
            return False
    return True


def _denied(verb: Token) -> bool:
    """Whether `verb` is negated: "not", "n't", "never", "no longer", or a subject that is nobody ("Nobody
    can give you a percentage", "No company could")."""
    return any(
        c.dep_ == "neg"
        or (c.lower_ == "longer" and any(g.dep_ == "neg" for g in c.children))
        or (c.dep_ == "nsubj" and (c.lower_ in ("nobody", "none") or any(d.lower_ == "no" for d in c.children)))
        for c in verb.children
    )


def _from_a_text(doc: Doc, quote: Quote) -> bool:
    """Whether the quote's speaker is a text ("the report says", "according to the text published by …",
    "a post … claims")."""
    if quote.speaker_start is None or quote.speaker_end is None:
        return False
    words = doc.char_span(quote.speaker_start, quote.speaker_end, alignment_mode="expand")
    root = words.root if words is not None else None
    return root is not None and root.pos_ == "NOUN" and (is_record(root) or root.lemma_.lower() in PROVIDING)


def _own_plan(span: Span) -> bool:
    """A speaker's plan or promise in reported speech, "X said it would appeal", "he would resign": the
    reported future ("would") on a pronoun subject, with no figure, name or date to check it by later ("it
    would cut about 1,200 jobs by the end of March" stays a claim). "The agreement would provide …", what a
    document or another party would do, stays a claim too."""
    if any(t.like_num or t.ent_type_ for t in span):
        return False
    return any(
        any(c.dep_ == "aux" and c.lower_ in ("would", "'d") for c in verb.children)
        and any(
            (c.dep_ in ("nsubj", "nsubjpass") and c.lower_ in PLANNERS) or (c.dep_ == "nsubj" and _a_party(c))
            for c in verb.children
        )
        for verb in _heads(span)
        if verb.pos_ in ("VERB", "AUX")
    )


def _a_party(noun: Token) -> bool:
    """ "the union", "the club", "the minister": a party to the story named by its kind, whose "would" is its
    own plan ("the group would seek a judicial review"); a record's is what it provides ("the report would")."""
    return (
        noun.pos_ == "NOUN" and determined(noun, "the") and noun.lemma_.lower() in SOURCE_NOUNS and not is_record(noun)
    )


def extract_claims(
    doc: Doc,
    quotes: Sequence[Quote],
    resolver: SpeakerResolver,
    watchlist: Watchlist | None,
    model: CheckworthinessModel,
) -> list[Claim]:
    """Reported claims, accusations, watchlist restatements and the outlet's check-worthy statements of
    `doc`, each with framing and the check-worthiness of its sentence."""
    claims: list[Claim] = []
    parsed: dict[int, tuple[SentenceSignals, float]] = {}  # sentence start → its signals and score

    def scored(sentence: Span) -> tuple[SentenceSignals, float]:
        if sentence.start not in parsed:
            signals = sentence_signals(sentence)
            parsed[sentence.start] = signals, model.score_one(sentence.text.strip(), signals)
        return parsed[sentence.start]

    def score(sentence: Span) -> float:
        return scored(sentence)[1]

    def subject_names(subject: Token) -> frozenset[str]:
        found = resolver.actor_of(subject)
        actor = found[0] if found else resolver.speaker(subject).actor
        if actor is None:
            return frozenset()
        affiliation = watchlist.affiliations.get(actor.name, actor.name) if watchlist else actor.name
        return frozenset({actor.name, affiliation})

    for quote in quotes:
        if quote.kind == "direct":
            claims.extend(_quoted(doc, quote, model))
            continue
        if quote.cue is None:
            continue
        span = doc.char_span(quote.start, quote.end, alignment_mode="expand")
        cue = (
            doc.char_span(quote.cue_start, quote.cue_end, alignment_mode="expand")
            if quote.cue_start is not None
            else None
        )
        if span is None or cue is None:
            continue
        nominal = cue[0].pos_ == "NOUN" and cue[0].lemma_.lower() in NOMINAL_CUES  # "his claim that …"
        # a figure someone put something at ("the cost of the cuts at 7 billion euros") and what a record shows
        # ("data show [a 9 percent increase]") are claims too
        shown = cue[0].lemma_.lower() in EVIDENCE_CUES and (
            cue[0].dep_ == "compound" or any(t.dep_ == "dobj" and t.head == cue[0] for t in span)
        )  # "compound": the "show" of a verbless parse ("Bank records … show transfers of …")
        unclausal = nominal or shown or cue.text.lower() == "according to" or cue[0].lemma_ in FIGURE_CUES
        if cue[0].lemma_.lower() not in CLAUSE_CUES and not unclausal:
            continue
        roots = _heads(span)
        if not unclausal and not any(_clause(t) for t in roots):
            continue  # "a “strange offer”", "the importance of …": a description, not a proposition
        provision = _from_a_text(doc, quote)
        if (
            not is_proposition(span, provision=provision)
            or _own_plan(span)
            or (quote.kind == "mixed" and _quoted_judgement(span, quote))
        ):
            continue
        sentence = cue[0].sent
        participle = cue[0].dep_ in ("advcl", "conj", "xcomp") or stray_participle(cue[0])
        act = cue[0].head if participle else None  # "rejected …, saying", "rejected that, pointing out"
        refuted = (
            _refuted(sentence, (quote.start, quote.end), act)
            or _next_sentence_refutes(sentence)
            or _contradicted_later(span)
            or (nominal and (disputed_subject(cue[0]) or false_tail(sentence[cue[0].i - sentence.start :]) is not None))
        )
        claims.append(
            _said_by(quote, quote.text.strip(' “”"«»„'), quote.start, quote.end, refuted, score(sentence), sentence)
        )

    for token in doc:
        if token.lemma_ in ACCUSING and token.pos_ == "VERB":
            claim = _accusation(token, resolver, score)
            if claim is not None:
                claims.append(claim)

    if watchlist is not None:
        _link_watchlist(doc, claims, watchlist, subject_names, resolver, score)
    claims.extend(_asserted(doc, claims, quotes, resolver, score, model.threshold))
    claims.sort(key=lambda c: c.start)
    if claims:
        sentences = {sentence.text.strip(): sentence for sentence in doc.sents}
        for claim in claims:
            sentence = sentences.get(claim.sentence.strip())
            claim.signals = scored(sentence)[0] if sentence is not None else None
            span = doc.char_span(claim.start, claim.end, alignment_mode="expand")
            if span is not None:
                resolved = self_contained(span, resolver)
                claim.resolved = resolved if resolved != claim.text else None
    return claims


def _quoted(doc: Doc, quote: Quote, model: CheckworthinessModel) -> list[Claim]:
    """The check-worthy statements of fact inside a direct quotation, each a claim its speaker made
    (`"Some of these maps are sixty years old," said Iryna Koval.`): one per sentence of the quoted words
    that is a clause with a subject and no modal, scored on its own words by the text model. A quotation
    with no speaker gives none: nobody can be said to claim it."""
    if quote.speaker_text is None:
        return []
    found = []
    for start, end in quote.quoted:
        words = doc.char_span(start, end, alignment_mode="expand")
        if words is None:
            continue
        for sentence in {t.sent.start: t.sent for t in words}.values():
            piece = doc[max(words.start, sentence.start) : min(words.end, sentence.end)]
            piece = trimmed(piece)
            if len(piece) < 4 or not _has_subject(piece) or not is_proposition(piece) or _judgements(piece):
                continue
            if _names_a_claim(piece):
                continue  # "There is no evidence for the assertion that S": a verdict on S, not a claim
            worth = model.score_one(piece.text, sentence_signals(piece))
            if worth < model.threshold:
                continue
            refuted = _refuted(sentence, (piece.start_char, piece.end_char)) or _next_sentence_refutes(sentence)
            found.append(_said_by(quote, piece.text, piece.start_char, piece.end_char, refuted, worth, sentence))
    return found


def _said_by(
    quote: Quote, text: str, start: int, end: int, refuted: bool, checkworthiness: float, sentence: Span
) -> Claim:
    """A claim made in `quote` (its words from `start` to `end`), its speaker the claimant."""
    return Claim(
        text=text,
        start=start,
        end=end,
        framing="refuted" if refuted else "reported",
        checkworthiness=checkworthiness,
        claimant=quote.speaker,
        claimant_text=quote.speaker_text,
        claimant_start=quote.speaker_start,
        claimant_end=quote.speaker_end,
        sentence=sentence.text,
        claimant_actor=quote.speaker_actor,
    )


def _has_subject(span: Span) -> bool:
    """Whether a verb heading `span` (or a clause in it) has its own subject: a statement, not a fragment
    ("not an accident but a choice") or an order ("Go home")."""
    return any(
        c.dep_ in ("nsubj", "nsubjpass", "expl")
        for head in _heads(span)
        if head.pos_ in ("VERB", "AUX")
        for c in head.children
    )


def _names_a_claim(span: Span) -> bool:
    """Whether `span` speaks of someone's claim ("the assertion that Ukraine started this war"): what it
    says is about that claim, which the watchlist and the nominal cues read on their own."""
    return any(
        t.pos_ == "NOUN" and t.lemma_.lower() in NOMINAL_CUES and any(opens_with_that(c) for c in t.children)
        for t in span
    )


def _judgements(span: Span) -> list[list[Token]]:
    """The predicates of the span's copulas that hold no figure, name, date or ranking: a judgement in the form
    of a statement ("Three percent is an insult", "18 million is a rounding error", "He is the player we
    wanted"), where "This is the biggest investment …" and "Exports were 40 percent lower" state something a
    record can confirm."""
    found = []
    for head in _heads(span):
        predicates = [c for c in head.children if c.dep_ in ("attr", "acomp")] if head.lemma_ == "be" else []
        if predicates and not any(
            t.like_num or t.ent_type_ or t.tag_ in ("JJS", "RBS") for p in predicates for t in p.subtree
        ):
            found.append(predicates)
    return found


def _quoted_judgement(span: Span, quote: Quote) -> bool:
    """A mixed quote whose judgement is the words it quotes: 'the inquiry was “a distraction we will deal with
    calmly”' (the outlet quotes a characterisation; 'the payments were consultancy fees' stays a claim, and so
    does 'talk of dates was “premature” and that Moscow had not confirmed the number', a statement beside it)."""
    for predicates in _judgements(span):
        copula = predicates[0].head
        beside = any(
            c.dep_ == "conj" and any(g.dep_ in ("nsubj", "nsubjpass") for g in c.children) for c in copula.children
        )
        if not beside and all(any(start <= p.idx < end for start, end in quote.quoted) for p in predicates):
            return True
    return False


def self_contained(span: Span, resolver: SpeakerResolver) -> str:
    """`span`'s words with a subject he/she replaced by the person the article means ("He has signed …" →
    "Emeka Okonkwo has signed …"), a parenthetical attribution left out ("The agreement, she added, gives …"
    → "The agreement gives …") and unpaired quotation marks dropped. Objects and possessives stay: "him"
    and "his car" in a clause about someone else are too often not the last speaker's."""
    aside = {t.i for cue in span for t in parenthetical_aside(cue) or () if t.i > span.start}
    parts = []
    for token in span:
        if token.i in aside:
            parts.append(" ")
            continue
        word = token.text
        if token.lower_ in PERSONAL_PRONOUNS and token.dep_ in ("nsubj", "nsubjpass"):
            actor = resolver.speaker(token).actor
            if actor is not None:
                word = actor.name
        parts.append(word + token.whitespace_)
    return balanced("".join(parts).strip(' “”"«»„'))


def balanced(text: str) -> str:
    """`text` without quotation marks that have no partner in it."""
    for opening, closing in (("“", "”"), ("«", "»"), ("„", "“")):
        if text.count(opening) != text.count(closing):
            text = text.replace(opening, "").replace(closing, "")
    if text.count('"') % 2:
        text = text.replace('"', "")
    return " ".join(text.split())


def _asserted(
    doc: Doc,
    claims: Sequence[Claim],
    quotes: Sequence[Quote],
    resolver: SpeakerResolver,
    score: Callable[[Span], float],
    threshold: float,
) -> list[Claim]:
    """Check-worthy statements the outlet makes in its own voice: sentences outside quotation marks and
    attributions that end like a sentence and score at least `threshold` — or, in a sentence that goes on to
    report someone, the outlet's own clause before the attribution."""
    # where each attribution begins: its speaker or cue when they come before its words
    begins = {(q.start, q.end): _attribution_start(doc, q) for q in quotes}
    taken = [(begins.get((c.start, c.end), _first(c.start, c.claimant_start)), c.end) for c in claims]
    taken += [(begins[q.start, q.end], q.end) for q in quotes if not q.deed]
    found = []
    for sentence in doc.sents:
        text = sentence.text.strip()
        if not text.endswith((".", "!")) or resolver.in_quote(sentence.start_char):
            continue
        attributed = [s for s, e in taken if s < sentence.end_char and sentence.start_char < e]
        span = _own_clause(sentence, min(attributed)) if attributed else sentence
        if span is None:
            continue
        if any(c in span.text for c in '“”"'):
            continue
        if not is_proposition(span):
            continue
        worth = score(sentence)
        if worth < threshold:
            continue
        claim = span.text.strip()
        start = span.start_char + (len(span.text) - len(span.text.lstrip()))
        found.append(
            Claim(
                text=claim,
                start=start,
                end=start + len(claim),
                framing="asserted",
                checkworthiness=worth,
                sentence=text,
            )
        )
    return found


def _first(*offsets: int | None) -> int:
    return min(o for o in offsets if o is not None)


def _attribution_start(doc: Doc, quote: Quote) -> int:
    """Where a quote's attribution begins: its speaker or cue when they come before its words — but the cue
    when its speaker is a word of the outlet's own clause, the subject or object of a verb the cue hangs on
    ("A county judge ordered a refund, [ruling that …]", "brought by the attorney general's office, [which
    had argued that …]")."""
    cue = doc.char_span(quote.cue_start, quote.cue_end) if quote.cue_start is not None else None
    if cue is not None and quote.speaker_start is not None and quote.speaker_start < cue.start_char:
        verb = cue[0]
        participle = verb.pos_ in ("VERB", "AUX") and not any(c.dep_ in ("nsubj", "nsubjpass") for c in verb.children)
        quoted = verb.dep_ == "pcomp" and verb.head.head.lemma_.lower() in QUOTING  # "was quoted as saying"
        if participle and not quoted and verb.head.lemma_.lower() not in REACTIONS:
            return _first(quote.start, verb.idx)  # its subject is the main clause's, and that clause the outlet's
        if verb.dep_ == "relcl" and quote.speaker_end is not None and quote.speaker_end <= verb.left_edge.idx:
            return _first(quote.start, verb.left_edge.idx)
    return _first(quote.start, quote.speaker_start, quote.cue_start)


def _own_clause(sentence: Span, attribution: int) -> Span | None:
    """The sentence's main clause before an attribution that begins at char offset `attribution` ("The
    Treasury imposed sanctions on 31 tankers [that it said had …]", "The agreement contains no such
    provision[, and the ministry called the video a fake]"), or None when the attribution holds the main
    verb, the sentence has none (a noun the small model made its root) or it is a cue, or when the
    attribution begins inside a phrase of the main clause ("between Zelensky and former U.S. President
    [Donald Trump, who has accused …]"). A clause closed by a semicolon before the attribution is the
    outlet's whatever the parse ("Germany did not commit troops; its defence ministry said …")."""
    semicolon = next((t for t in sentence if t.text == ";" and t.idx < attribution), None)
    if semicolon is not None:
        before = sentence.doc[sentence.start : semicolon.i]
        if len(before) >= 3 and any(t.dep_ in ("nsubj", "nsubjpass") for t in before):
            return before
    root = sentence.root
    if root.idx >= attribution or root.pos_ not in ("VERB", "AUX") or is_cue(root):
        return None
    tokens = [t for t in sentence if t.idx + len(t) <= attribution]
    cut = tokens[-1].i + 1 if tokens else sentence.start

    def dangling(token: Token) -> bool:
        return (
            token.is_punct
            or token.is_space
            or token.dep_ in ("cc", "mark")
            or token.lower_ in RELATIVE_PRONOUNS
            or (token.pos_ == "ADP" and all(c.i >= cut for c in token.children))  # ", with [one source …]"
        )

    while tokens and dangling(tokens[-1]):
        tokens.pop()
    if len(tokens) < 4 or any(t.head.i >= cut and not t.is_punct for t in tokens):
        return None
    return sentence.doc[tokens[0].i : tokens[-1].i + 1]


def _accusation(verb: Token, resolver: SpeakerResolver, score: Callable[[Span], float]) -> Claim | None:
    preposition = ACCUSING[verb.lemma_]
    accused = next((c for c in verb.children if c.dep_ == "dobj"), None)
    holders = [verb, accused] if accused is not None else [verb]
    objects = [g for h in holders for p in h.children if p.lower_ == preposition for g in p.children]
    act = next((g for g in objects if g.dep_ == "pcomp"), None)
    phrase = act
    if act is None:  # "of hiding injury reports", which the small model reads as a noun phrase
        noun = next((g for g in objects if g.dep_ == "pobj"), None)
        first = noun.left_edge if noun is not None else None
        if first is not None and first.lower_.endswith("ing") and first.dep_ in ("compound", "amod"):
            act, phrase = first, noun
    subject = subject_of(verb)
    if accused is None or act is None or phrase is None or subject is None:
        return None
    rest = [t for t in phrase.subtree if t.i > act.i]
    accused_np = resolver.noun_phrase(accused, without=frozenset({phrase.head.i}))
    tail = verb.doc[rest[0].i : rest[-1].i + 1].text if rest else ""
    lemma = getLemma(act.lower_, upos="VERB")[0] if act.pos_ != "VERB" else act.lemma_.lower()
    text = " ".join(part for part in (accused_np.text, past_tense(lemma), tail) if part)
    speaker = resolver.speaker(subject)
    sentence = verb.sent
    start = verb.idx
    end = (rest[-1].idx + len(rest[-1])) if rest else act.idx + len(act)
    adverbs = [c for c in verb.children if c.dep_ == "advmod" and c.idx < verb.idx]
    if adverbs:
        start = min(start, adverbs[0].idx)
    refuted = _refuted(sentence) or _next_sentence_refutes(sentence)
    return Claim(
        text=text,
        start=start,
        end=end,
        framing="refuted" if refuted else "reported",
        checkworthiness=score(sentence),
        claimant=speaker.actor.name if speaker.actor else None,
        claimant_text=speaker.text,
        claimant_start=speaker.start,
        claimant_end=speaker.end,
        sentence=sentence.text,
        claimant_actor=speaker.actor,
    )


def _link_watchlist(  # type: ignore[no-untyped-def]
    doc: Doc,
    claims: list[Claim],
    watchlist: Watchlist,
    subject_names,
    resolver: SpeakerResolver,
    score: Callable[[Span], float],
) -> None:
    """Mark claims that restate a watchlist claim; a restatement outside any claim becomes a claim."""
    for token in doc:
        found = watchlist.match(token, subject_names)
        if found is None:
            continue
        key, negated = found
        clause = _clause_span(token)
        holder = next((c for c in claims if c.start <= token.idx < c.end), None)
        if holder is None and token.dep_ == "pcomp":
            holder = next((c for c in claims if c.start <= token.head.head.idx < c.end), None)
        if holder is not None:
            holder.watchlist = holder.watchlist or key
            if negated:
                holder.framing = "refuted"
            continue
        sentence = token.sent
        refuted = negated or _refuted(sentence) or _next_sentence_refutes(sentence)
        reporter = None
        for ancestor in token.ancestors:
            if ancestor.pos_ in ("NOUN", "PROPN"):
                break  # "the assertion that S": whoever asserts S is not the one who speaks of the assertion
            if ancestor.lemma_.lower() in CLAUSE_CUES and subject_of(ancestor) is not None:
                reporter = ancestor
                break
        speaker = resolver.speaker(subject_of(reporter)) if reporter is not None else None
        claims.append(
            Claim(
                text=clause.text,
                start=clause.start_char,
                end=clause.end_char,
                framing="refuted" if refuted else ("reported" if speaker else "asserted"),
                checkworthiness=score(sentence),
                claimant=speaker.actor.name if speaker and speaker.actor else None,
                claimant_text=speaker.text if speaker else None,
                claimant_start=speaker.start if speaker else None,
                claimant_end=speaker.end if speaker else None,
                watchlist=key,
                sentence=sentence.text,
                claimant_actor=speaker.actor if speaker else None,
            )
        )
