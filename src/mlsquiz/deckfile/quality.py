"""Quality warnings for a valid deck (`mlsquiz check`): patterns that let a learner answer without knowing.
Pure: a parsed deck and its file's text in, (line, message) pairs out, in line order. Nothing compares every pair
of cards: words are indexed once, and two cards are compared only when they share the rare words a warning needs.

- the right option of choice cards at one position, or the longest option, in more than 35% of them;
- one typed answer for more than two cards;
- giveaways: another card's prompt or explanation states this card's answer together with most of its prompt's
  content words (weighted by how rare each word is in the deck, so names the whole deck uses count for little);
- near-duplicate prompts: equal once wording noise is gone, or one inside the other;
- a card with no link where `[deck] require_links = true`."""

import math
import re
import unicodedata
from collections import Counter, defaultdict

from .check import Lines
from .cloze import DELETION, cloze_answers, cloze_question
from .model import Deck

BIAS_SHARE = 0.35  # the right option at one position (or the longest) in more than this share of choice cards
BIAS_MARGIN = 0.10  # ... and this much above what chance gives (matters only for decks of two-option cards)
BIAS_MIN_CARDS = 8  # fewer choice cards than this say nothing about a habit
TYPED_SHARED = 2  # a typed answer may serve this many cards
GIVEAWAY_COVER = 0.45  # share of a prompt's content-word weight another card's text must carry, with the answer
GIVEAWAY_MIN_WORDS = 3  # ... and at least this many of its content words
SHORT_ANSWER = 2  # content words up to which an answer must appear word for word; a longer one may be paraphrased
ANSWER_COVER = 0.75  # ... but must keep this share of its content words
CONTAINED_MIN_WORDS = 3  # a prompt inside another counts only with this many content words
CONTAINED_EXTRA = 2  # ... and when the other adds at most this many: more ask something else about the same thing
UBIQUITOUS = 0.25  # share of the cards above which a word weighs nothing in a giveaway
LISTED = 6  # card ids named in one message

# Wording noise: words that carry no content in a question. Negations and superlatives ("not", "least", "most")
# are content: "Which is NOT ..." asks something else than "Which is ...".
STOPWORDS = frozenset("""
a an the and or nor but if then than so as of to in on at by for from with without within into onto over under
about above below between through during before after while per via up down out off again further once both each
few other some such own same too very just also only s t d ll m re ve
is are was were be been being am do does did doing done has have had having get gets got can could should would
will shall may might must need needs
it its itself this that these those there here which what who whom whose when where why how whichever whatever
i me my we us our you your he him his she her they them their one ones
e g eg ie etc following best describe describes called name named true false many much
""".split())

UNITS = {alias: unit for unit, aliases in {  # a unit after a number, however written
    "percent": "percent pct", "usd": "usd dollar dollars", "eur": "eur euro euros", "gbp": "gbp", "pb": "pb",
    "kb": "kb kilobyte kilobytes", "mb": "mb megabyte megabytes", "gb": "gb gigabyte gigabytes", "kib": "kib",
    "tb": "tb terabyte terabytes", "mib": "mib", "gib": "gib", "tib": "tib", "ms": "ms millisecond milliseconds",
    "s": "s sec secs second seconds", "min": "min mins minute minutes", "h": "h hr hrs hour hours",
    "day": "day days", "week": "week weeks", "month": "month months", "year": "year years", "x": "x times",
    "k": "k", "m": "m"}.items() for alias in aliases.split()}
_CURRENCY = re.compile(r"([$€£])\s*(\d[\d,]*(?:\.\d+)?)")
_CURRENCY_NAMES = {"$": "usd", "€": "eur", "£": "gbp"}
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
_TOKEN = re.compile(r"[a-z0-9]+(?:\.[0-9]+)*|%")
_NUMBER_UNIT = re.compile(r"(\d+(?:\.\d+)*)([a-z]+)")
_NUMBER = re.compile(r"\d+(?:\.\d+)*")
_DIGIT = re.compile(r"\d")


def tokens(text: str) -> list[str]:
    """Words as compared: case, accents and punctuation gone, 1,000 -> 1000, $50 / 50 USD / 50 dollars ->
    `50 usd`, 50% / 50 percent -> `50 percent`, 1 MB/s / 1 MB per second -> `1 mb s`, word endings folded."""
    if "$" in text or "€" in text or "£" in text:
        text = _CURRENCY.sub(lambda m: f" {m.group(2)} {_CURRENCY_NAMES[m.group(1)]} ", text)
    if "," in text:
        text = _THOUSANDS.sub("", text)
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    raw = _TOKEN.findall(text.lower().replace("per cent", "percent"))
    if not _DIGIT.search(text):  # no amounts: each word on its own (the common case, and a quick one)
        words = _WORDS
        return [(words.get(word) or _word(word))[1] for word in raw]
    out: list[str] = []
    append, words = out.append, _WORDS
    after_amount = False  # the previous word was a number or a unit: the next may be a unit
    for n, word in enumerate(raw):
        kind, value, unit = words.get(word) or _word(word)
        if kind == "word":
            if not after_amount:
                append(value)
            elif unit is not None:
                append(unit)
            elif word != "per" or n + 1 == len(raw) or raw[n + 1] not in UNITS:  # "MB per second" is "MB/s"
                append(value)
                after_amount = False
        elif kind == "number":
            append(value)
            after_amount = True
        else:  # a number with its unit in one word: 1mb, 10ms, 3x
            out += value
            after_amount = True
    return out


_WORDS: dict[str, tuple] = {}


def _word(word: str) -> tuple:
    """(kind, what it becomes, the unit it names after a number), worked out once per distinct word."""
    if word == "%":
        found = ("word", "percent", "percent")
    elif _NUMBER.fullmatch(word):
        found = ("number", word, None)
    elif (split := _NUMBER_UNIT.fullmatch(word)) and split.group(2) in UNITS:
        found = ("amount", (split.group(1), UNITS[split.group(2)]), None)
    else:
        found = ("word", _stem(word), UNITS.get(word))
    _WORDS[word] = found
    return found


def _stem(word: str) -> str:
    """A word's rough stem, the same for `explores`, `exploring` and `explore`, `buckets` and `bucket`; names with
    digits (s3, ec2) stay as they are."""
    stem = word
    if len(word) > 3 and word.isalpha():
        if word.endswith("ies") and len(word) > 4:
            stem = word[:-3] + "y"
        elif word.endswith("ing") and len(word) > 5:
            stem = word[:-3]
        elif word.endswith("ed") and len(word) > 4:
            stem = word[:-2]
        elif word.endswith("es") and len(word) > 4 and not word.endswith(("ses", "xes")):
            stem = word[:-2]
        elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
            stem = word[:-1]
        if stem.endswith("e") and len(stem) > 3:
            stem = stem[:-1]
    return stem


_STOPPED = STOPWORDS | {_stem(word) for word in STOPWORDS}  # as tokens() leaves them: "does" -> "doe"


def content_words(words: list[str]) -> list[str]:
    return [w for w in words if w not in _STOPPED and (len(w) > 1 or w.isdigit())]


def quality_warnings(deck: Deck, text: str) -> list[tuple[int, str]]:
    """Every quality warning of a valid deck as (line, message), in line order."""
    lines = Lines(text)
    cards = _Cards(deck, lines)
    deck_line = lines.single_header("deck")
    found = option_bias(cards, deck_line) + shared_typed_answers(cards) + giveaways(cards)
    found += duplicate_prompts(cards) + missing_links(cards, deck, lines, deck_line)
    return sorted(found, key=lambda warning: warning[0])


class _Cards:
    """The cards once, as the passes need them: one entry per card table (a cloze note is one entry)."""

    def __init__(self, deck: Deck, lines: Lines):
        self.lines = lines
        self.entries = []  # (card, start, end): start/end are the lines of its [[cards]] table
        starts = lines.headers("cards")
        spans = list(zip(starts, starts[1:] + [len(lines.lines) + 1]))
        previous = None
        for card in deck.cards:
            note = card.id.rpartition(".c")[0] if card.type == "cloze" else card.id
            if card.type == "cloze" and previous is not None and previous[0] == note:
                previous[1].append(card)  # another deletion of the same note
                continue
            start, end = spans[len(self.entries)] if len(self.entries) < len(spans) else (1, 1)
            previous = (note, [card])
            self.entries.append((card, start, end, previous[1]))
        self.shown = [_shown(card) for card, *_ in self.entries]  # the words of each prompt and explanation

    def line(self, index: int, key: str | None = None) -> int:
        _, start, end, _ = self.entries[index]
        return start if key is None else self.lines.key_line(start, end, key)


def _ids(ids: list[str]) -> str:
    shown = ", ".join(repr(i) for i in ids[:LISTED])
    return shown + (f" and {len(ids) - LISTED} more" if len(ids) > LISTED else "")


def option_bias(cards: _Cards, deck_line: int) -> list[tuple[int, str]]:
    """The right option at one position, or the longest option, in more than 35% of the choice cards."""
    positions: Counter = Counter()
    longest = 0
    chance_position: Counter = Counter()  # how often each position would hold the answer by chance
    chance_longest = 0.0
    total = 0
    for card, *_ in cards.entries:
        if card.type != "choice":
            continue
        options, answer = card.content["options"], card.content["answer"]
        total += 1
        positions[options.index(answer) + 1] += 1
        for k in range(1, len(options) + 1):
            chance_position[k] += 1 / len(options)
        chance_longest += 1 / len(options)
        lengths = sorted((len(o.strip()) for o in options), reverse=True)
        if len(answer.strip()) == lengths[0] and (len(lengths) == 1 or lengths[1] < lengths[0]):
            longest += 1
    if total < BIAS_MIN_CARDS:
        return []
    found = []
    position, count = max(positions.items(), key=lambda item: (item[1], -item[0]))
    if _biased(count, chance_position[position], total):
        found.append((deck_line, f"the right option is option {position} in {count} of {total} choice cards "
                                 f"({count / total:.0%}, more than {BIAS_SHARE:.0%}): a learner can answer by "
                                 "position; spread the right options over the positions"))
    if _biased(longest, chance_longest, total):
        found.append((deck_line, f"the right option is the longest option in {longest} of {total} choice cards "
                                 f"({longest / total:.0%}, more than {BIAS_SHARE:.0%}): a learner can answer by "
                                 "length; make some wrong options as long and as precise as the right one"))
    return found


def _biased(count: int, by_chance: float, total: int) -> bool:
    return count / total > max(BIAS_SHARE, by_chance / total + BIAS_MARGIN)


def shared_typed_answers(cards: _Cards) -> list[tuple[int, str]]:
    groups: dict[str, list[int]] = defaultdict(list)
    for index, (card, *_) in enumerate(cards.entries):
        if card.type == "typed":
            groups[" ".join(tokens(card.content["answer"]))].append(index)
    found = []
    for key, members in groups.items():
        if len(members) > TYPED_SHARED and key:
            first = members[0]
            ids = [cards.entries[m][0].id for m in members]
            found.append((cards.line(first, "answer"),
                          f"the typed answer {cards.entries[first][0].content['answer']!r} is shared by "
                          f"{len(members)} cards ({_ids(ids)}): more than {TYPED_SHARED} lets a learner answer "
                          "by habit"))
    return found


def _asked(card) -> tuple[str, list[str]]:
    """What a card asks (the prompt as the learner sees it) and the answers a learner must come up with.
    Order cards show their items (only the order is asked), matching cards their pairs: no answers to guard."""
    kind, content = card.type, card.content
    if kind in ("basic", "typed", "choice"):
        return card.prompt, [content["answer"]]
    if kind == "multi":
        return card.prompt, list(content["answers"])
    if kind == "cloze":
        return cloze_question(card.prompt, content["cloze"]), cloze_answers(card.prompt, content["cloze"])
    return card.prompt, []


def _shown(card) -> tuple[list[str], list[str]]:
    """The words of a card's prompt (every cloze deletion filled in) and of its explanation."""
    prompt = DELETION.sub(lambda m: m.group(2), card.prompt) if card.type == "cloze" else card.prompt
    return tokens(prompt), tokens(card.content.get("explanation", ""))


def giveaways(cards: _Cards) -> list[tuple[int, str]]:
    """Card B gives card A away when B's prompt or explanation holds A's answer (as whole words, normalised) and
    most of A's prompt's content words, weighted by rarity: log(N / cards holding the word). Pairs are only
    compared when B holds A's rarest answer word and one of the rare prompt words without which B could not
    reach the share, so the work follows the rare words, not the square of the deck."""
    shown = cards.shown
    texts = [" " + " ".join(p + ["|"] + e) + " " for p, e in shown]  # "|": an answer never spans the two
    holding: dict[str, list[int]] = defaultdict(list)
    for index, (prompt, explanation) in enumerate(shown):
        for word in set(prompt).union(explanation):
            holding[word].append(index)
    total = len(shown)
    # A word in more than a quarter of the cards ("SageMaker" in a SageMaker deck) says nothing about what a card
    # asks: it weighs nothing. The others weigh by rarity.
    common = max(UBIQUITOUS * total, 4)
    weight = {word: math.log((total + 1) / len(where)) if len(where) <= common else 0.0
              for word, where in holding.items()}
    found = []
    for a, (card, *_) in enumerate(cards.entries):
        for deletion in cards.entries[a][3]:  # each card of the entry (a cloze note: each deletion)
            found += _giveaways_of(a, deletion, cards, shown, texts, holding, weight)
    return found


def _giveaways_of(a, card, cards, shown, texts, holding, weight) -> list[tuple[int, str]]:
    question, answers = _asked(card)
    if not answers:
        return []
    answer_words = [_with_unit(tokens(answer), question) for answer in answers]
    answer_content = [sorted(set(content_words(words)), key=lambda w: (len(holding.get(w, ())), w))
                      for words in answer_words]
    if not all(answer_content):
        return []  # nothing to guard, or an answer such as "Yes" that any text may hold
    in_answer = {w for words in answer_content for w in words}
    question_words = shown[a][0] if card.type != "cloze" else tokens(question)
    asked = {w for w in content_words(question_words) if w not in in_answer and weight.get(w)}
    if len(asked) < GIVEAWAY_MIN_WORDS:
        return []
    whole = sum(weight[w] for w in asked)
    need = GIVEAWAY_COVER * whole  # more than nothing: every word of `asked` weighs something
    # B must hold one of the rarest prompt words whose weight is more than the share B may lack, and for each
    # answer one of its rarest words beyond the number it may lack: only such cards are compared.
    rare, kept = [], 0.0
    for word in sorted(asked, key=lambda w: (len(holding[w]), w)):
        rare.append(word)
        kept += weight[word]
        if kept > whole - need:
            break
    candidates = {b for word in rare for b in holding[word]} - {a}
    for words in answer_content:
        spare = 0 if len(words) <= SHORT_ANSWER else int(len(words) * (1 - ANSWER_COVER) + 1e-9)
        candidates &= {b for word in words[:spare + 1] for b in holding.get(word, ())}
    found = []
    for b in sorted(candidates):
        has = set(shown[b][0]).union(shown[b][1])
        if not all(_states(words, content, texts[b], has) for words, content in zip(answer_words, answer_content)):
            continue
        covered = [w for w in asked if w in has]
        if len(covered) < GIVEAWAY_MIN_WORDS or sum(weight[w] for w in covered) < need:
            continue
        prompt = shown[b][0]
        in_prompt = all(_states(words, content, " " + " ".join(prompt) + " ", set(prompt))
                        for words, content in zip(answer_words, answer_content))
        where, answer = "prompt" if in_prompt else "explanation", "; ".join(answers)
        answer = answer if len(answer) <= 60 else answer[:59] + "…"
        found.append((cards.line(b, where),
                      f"card {cards.entries[b][0].id!r} gives away card {card.id!r} (line {cards.line(a)}): its "
                      f"{where} states what {card.id!r} asks with its answer {answer!r}"))
    return found


_ASKED_UNIT = re.compile(r"\b(dollars?|usd|euros?|percent|percentage|%|[kmgt]i?b|[kmgt]b|kilobytes?|megabytes?|"
                         r"gigabytes?|terabytes?)(?![a-z])", re.IGNORECASE)
_UNIT_OF = {"dollar": "usd", "dollars": "usd", "euro": "eur", "euros": "eur", "percentage": "percent", "%": "percent"}


def _with_unit(words: list[str], question: str) -> list[str]:
    """A bare number answers in the unit its question names ("in US dollars", "what percentage"): 50 then matches
    "$50" but not "50%". Only money, percent and sizes: "in what year" must not turn 2019 into `2019 year`."""
    if len(words) != 1 or not _NUMBER.fullmatch(words[0]):
        return words
    units = {_UNIT_OF.get(m.lower(), UNITS.get(m.lower(), m.lower())) for m in _ASKED_UNIT.findall(question)}
    return words + [units.pop()] if len(units) == 1 else words


def _states(words: list[str], content: list[str], text: str, has: set) -> bool:
    """Whether a text states an answer: a short one word for word (normalised), a longer one by most of its
    content words (an explanation paraphrases: "explores topics" for "exploring topics")."""
    if len(content) <= SHORT_ANSWER:
        return " " + " ".join(words) + " " in text
    return sum(w in has for w in content) >= ANSWER_COVER * len(content)


def duplicate_prompts(cards: _Cards) -> list[tuple[int, str]]:
    """Prompts equal once case, punctuation, word endings and filler words are gone, or one inside the other (the
    shorter with at least 3 content words, the longer adding at most 2). Reported at the later card of the pair."""
    keys = [content_words(prompt) for prompt, _ in cards.shown]
    joined = [" " + " ".join(key) + " " for key in keys]
    holding: dict[str, list[int]] = defaultdict(list)
    for index, key in enumerate(keys):
        for word in set(key):
            holding[word].append(index)
    first_with: dict[str, int] = {}
    found, reported = [], set()
    for index, key in enumerate(keys):
        if not key:
            continue
        same = first_with.setdefault(joined[index], index)
        if same != index:
            reported.add((same, index))
            found.append((cards.line(index, "prompt"),
                          f"card {cards.entries[index][0].id!r} asks what card {cards.entries[same][0].id!r} "
                          f"(line {cards.line(same)}) asks, in other words"))
    for index, key in enumerate(keys):
        if len(key) < CONTAINED_MIN_WORDS:
            continue
        rarest = min(set(key), key=lambda w: len(holding[w]))
        for other in holding[rarest]:
            if not len(key) < len(keys[other]) <= len(key) + CONTAINED_EXTRA or joined[index] not in joined[other]:
                continue
            pair = (min(index, other), max(index, other))
            if pair in reported:
                continue
            reported.add(pair)
            inner, outer = cards.entries[index][0].id, cards.entries[other][0].id
            found.append((cards.line(pair[1], "prompt"),
                          f"the prompt of card {inner!r} is contained in the prompt of card {outer!r} (lines "
                          f"{cards.line(index)} and {cards.line(other)}): they ask the same thing"))
    return found


_REQUIRE_LINKS = re.compile(r"^\s*require_links\s*=\s*true\s*(#.*)?$")


def missing_links(cards: _Cards, deck: Deck, lines: Lines, deck_line: int) -> list[tuple[int, str]]:
    required = deck.meta.get("require_links")
    if required is None:  # not kept on the deck: read it from the [deck] table's own lines
        end = lines.table_end(deck_line)
        required = any(_REQUIRE_LINKS.match(line) for line in lines.lines[deck_line:end - 1])
    if not required:
        return []
    return [(start, f"card {card.id!r} has no link, and the deck asks for links (require_links = true)")
            for card, start, _, _ in cards.entries if not str(card.content.get("link", "")).strip()]
