"""Prompt codec "pcimg-en-v1": a static English model driven by the integer range coder.

Text is cut into pieces: letter runs (words), single spaces, punctuation, digits, and any
other character. Each piece's class is coded given the previous piece's class; a word's
case given whether it starts a sentence; the lower-case word from a 2**16-total table of
frequent words, a tail table, or spelled letter by letter (order-1 letter model); any other
character as UTF-8 bytes. Decoding stops at the declared length. "pcimg-en-v2" adds
successor tables: a word is first coded against the words that most often follow the
previous word or punctuation mark, escaping to v1's tables. spec/PROMPT-MODEL.md describes
the table files and the procedure.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate

from ..primitives import rangecoder as rc
from ..primitives.data import packaged_json

TABLE_FILE = "prompt-en-v1.json"
SUCCESSOR_FILE = "prompt-en-v2.json"  # v2: v1's tables plus these successor tables
WORD, SPACE, PUNCT, DIGIT, OTHER = range(5)
START, AFTER_WORD, AFTER_SPACE, AFTER_END_PUNCT, AFTER_PUNCT, AFTER_DIGIT, AFTER_OTHER = range(7)
LOWER, CAPITAL, UPPER, MIXED = range(4)
SPELL, TAIL = 0, 1  # escape symbols at the head of the word table
ESCAPE = 0  # first entry of a successor table: the word is coded with v1's tables
TEXT_START = ""  # the successor key before the first piece
END_PUNCT = ".!?"
PIECE = re.compile(r"[A-Za-z]+|.", re.S)


class PromptModelError(ValueError):
    """A payload the model cannot decode (the container turns it into PciError)."""


@dataclass(frozen=True)
class Table:
    """Static frequencies summing to 2**16, as cumulative bounds."""

    cumulative: list[int]

    @classmethod
    def from_freqs(cls, freqs: list[int]) -> Table:
        if sum(freqs) != rc.TABLE_TOTAL or min(freqs) < 1:
            raise ValueError("a model table must hold positive frequencies summing to 65536")
        return cls([0, *accumulate(freqs)])

    def encode(self, enc: rc.Encoder, index: int) -> None:
        enc.symbol(self.cumulative[index], self.cumulative[index + 1] - self.cumulative[index])

    def decode(self, dec: rc.Decoder) -> int:
        return dec.symbol(self.cumulative)


@dataclass(frozen=True)
class Successors:
    """The words that follow one key (a word or punctuation mark), after the escape entry."""

    table: Table
    words: list[str]
    index: dict[str, int]  # word -> symbol (1-based: 0 is the escape)


class Model:
    def __init__(self, data: dict, successors: dict | None = None) -> None:
        self.name = data["name"]
        self.classes = [Table.from_freqs(f) for f in data["class_freqs"]]
        self.cases = [Table.from_freqs(f) for f in data["case_freqs"]]
        self.head_words = data["head_words"]
        self.head = Table.from_freqs(data["head_freqs"])
        self.tail_words = data["tail_words"]
        self.tail = Table.from_freqs(data["tail_freqs"])
        self.punct = data["punct"]
        self.punct_table = Table.from_freqs(data["punct_freqs"])
        self.digits = Table.from_freqs(data["digit_freqs"])
        self.letters = [Table.from_freqs(f) for f in data["letter_freqs"]]
        self.mixed_letters = Table.from_freqs(data["mixed_letter_freqs"])
        self.bytes = Table.from_freqs(data["byte_freqs"])
        self.head_index = {w: i + 2 for i, w in enumerate(self.head_words)}
        self.tail_index = {w: i for i, w in enumerate(self.tail_words)}
        self.punct_index = {c: i for i, c in enumerate(self.punct)}
        self._successor_data: dict[str, tuple[list[int], list[int]]] = {}
        self._successors: dict[str, Successors] = {}
        if successors is not None:
            self._add_successors(successors)

    def with_successors(self, successors: dict) -> Model:
        """This model plus successor tables (codec 5), sharing this model's tables."""
        extended = copy.copy(self)
        extended._add_successors(successors)
        return extended

    def _add_successors(self, successors: dict) -> None:
        # built on first use: a prompt meets a few dozen of the ~3000 keys
        self.name = successors["name"]
        self._successors = {}
        self._successor_data = dict(zip(successors["keys"], zip(successors["words"], successors["freqs"],
                                                                strict=True), strict=True))  # fmt: skip

    def successors(self, key: str | None) -> Successors | None:
        """The successor table of ``key`` (v2), or None: no table for it, or the key is none."""
        if key is None:
            return None
        table = self._successors.get(key)
        if table is None and key in self._successor_data:
            words, freqs = self._successor_data[key]
            listed = [self.head_words[i] for i in words]
            table = Successors(Table.from_freqs(freqs), listed, {w: j + 1 for j, w in enumerate(listed)})
            self._successors[key] = table
        return table


@lru_cache(maxsize=1)
def model() -> Model:
    return Model(packaged_json(TABLE_FILE))


@lru_cache(maxsize=1)
def model_v2() -> Model:
    return model().with_successors(packaged_json(SUCCESSOR_FILE))


def _next_key(piece_class: int, piece: str, key: str | None) -> str | None:
    """The successor key after a piece: a word (lower case) or punctuation mark; spaces keep it."""
    if piece_class == WORD:
        return piece.lower()
    if piece_class == PUNCT:
        return piece
    return key if piece_class == SPACE else None


def pieces(text: str) -> list[str]:
    return PIECE.findall(text)


def _class_of(piece: str, m: Model) -> int:
    if piece.isascii() and piece.isalpha():
        return WORD
    if piece == " ":
        return SPACE
    if piece in m.punct_index:
        return PUNCT
    if "0" <= piece <= "9":
        return DIGIT
    return OTHER


def _next_context(piece_class: int, piece: str) -> int:
    if piece_class == PUNCT:
        return AFTER_END_PUNCT if piece in END_PUNCT else AFTER_PUNCT
    return (AFTER_WORD, AFTER_SPACE, 0, AFTER_DIGIT, AFTER_OTHER)[piece_class]


def _case_of(word: str) -> int:
    if word.islower():
        return LOWER
    if word[0].isupper() and (len(word) == 1 or word[1:].islower()):
        return CAPITAL
    if word.isupper():
        return UPPER
    return MIXED


def _apply_case(word: str, case: int) -> str:
    return word if case == LOWER else (word.capitalize() if case == CAPITAL else word.upper())


def encode(text: str, m: Model | None = None) -> bytes:
    m = model() if m is None else m
    enc = rc.Encoder()
    context, sentence_start = START, True
    key: str | None = TEXT_START
    for piece in pieces(text):
        piece_class = _class_of(piece, m)
        m.classes[context].encode(enc, piece_class)
        if piece_class == WORD:
            case = _case_of(piece)
            m.cases[0 if sentence_start else 1].encode(enc, case)
            if case == MIXED:
                for ch in piece:
                    m.mixed_letters.encode(enc, 1 + (ord(ch) - 97 if ch.islower() else 26 + ord(ch) - 65))
                m.mixed_letters.encode(enc, 0)
            else:
                _encode_word(enc, m, piece.lower(), m.successors(key))
        elif piece_class == PUNCT:
            m.punct_table.encode(enc, m.punct_index[piece])
        elif piece_class == DIGIT:
            m.digits.encode(enc, ord(piece) - 48)
        elif piece_class == OTHER:
            for byte in piece.encode("utf-8"):
                m.bytes.encode(enc, byte)
        if piece_class != SPACE:
            sentence_start = piece_class == PUNCT and piece in END_PUNCT
        context = _next_context(piece_class, piece)
        key = _next_key(piece_class, piece, key)
    return enc.finish()


def _encode_word(enc: rc.Encoder, m: Model, word: str, successors: Successors | None) -> None:
    if successors is not None:
        symbol = successors.index.get(word, ESCAPE)
        successors.table.encode(enc, symbol)
        if symbol != ESCAPE:
            return
    if word in m.head_index:
        m.head.encode(enc, m.head_index[word])
    elif word in m.tail_index:
        m.head.encode(enc, TAIL)
        m.tail.encode(enc, m.tail_index[word])
    else:
        m.head.encode(enc, SPELL)
        previous = 0
        for ch in word:
            letter = ord(ch) - 96
            m.letters[previous].encode(enc, letter)
            previous = letter
        m.letters[previous].encode(enc, 0)


def decode(data: bytes, declared: int, m: Model | None = None) -> bytes:
    """Exactly ``declared`` UTF-8 bytes, or PromptModelError."""
    m = model() if m is None else m
    successors = m.successors
    dec = rc.Decoder(data)
    symbol = dec.symbol  # bound once: this loop is the hot path of reading a .pci
    classes = [t.cumulative for t in m.classes]
    cases = [t.cumulative for t in m.cases]
    punct, punct_table, digits = m.punct, m.punct_table.cumulative, m.digits.cumulative
    out: list[str] = []
    size = 0
    context, sentence_start = START, True
    key: str | None = TEXT_START
    while size < declared:
        piece_class = symbol(classes[context])
        if piece_class == WORD:
            case = symbol(cases[0 if sentence_start else 1])
            piece = _decode_word(dec, m, case, declared - size, successors(key))
            size += len(piece)
            sentence_start = False
            context = AFTER_WORD
            key = piece.lower()
        elif piece_class == SPACE:
            piece = " "
            size += 1
            context = AFTER_SPACE
        elif piece_class == PUNCT:
            piece = punct[symbol(punct_table)]
            size += len(piece.encode("utf-8"))
            sentence_start = piece in END_PUNCT
            context = AFTER_END_PUNCT if sentence_start else AFTER_PUNCT
            key = piece
        elif piece_class == DIGIT:
            piece = chr(48 + symbol(digits))
            size += 1
            sentence_start = False
            context = AFTER_DIGIT
            key = None
        else:
            piece = _decode_other(dec, m)
            size += len(piece.encode("utf-8"))
            sentence_start = False
            context = AFTER_OTHER
            key = None
        if size > declared:
            raise PromptModelError("decoded text runs past the declared length")
        out.append(piece)
    # The coded data ends at the last byte the decoder has read (PROMPT-MODEL.md): bytes after
    # it would be ignored, so that one prompt had unboundedly many encodings.
    if len(data) > dec.pos:
        raise PromptModelError(f"{len(data) - dec.pos} bytes after the end of the coded data")
    if data and data[-1] == 0:
        raise PromptModelError("the coded data ends in a zero byte (zeros past the end are implied)")
    return "".join(out).encode("utf-8")


def _decode_word(dec: rc.Decoder, m: Model, case: int, room: int, successors: Successors | None) -> str:
    if case == MIXED:
        chars = []
        while (symbol := m.mixed_letters.decode(dec)) != 0:
            chars.append(chr(96 + symbol) if symbol <= 26 else chr(64 + symbol - 26))
            if len(chars) > room:
                raise PromptModelError("spelled word runs past the declared length")
        if not chars:
            raise PromptModelError("empty spelled word")
        return "".join(chars)
    if successors is not None and (listed := successors.table.decode(dec)) != ESCAPE:
        return _apply_case(successors.words[listed - 1], case)
    symbol = m.head.decode(dec)
    if symbol == TAIL:
        word = m.tail_words[m.tail.decode(dec)]
    elif symbol == SPELL:
        letters, previous = [], 0
        while (previous := m.letters[previous].decode(dec)) != 0:
            letters.append(chr(96 + previous))
            if len(letters) > room:
                raise PromptModelError("spelled word runs past the declared length")
        if not letters:
            raise PromptModelError("empty spelled word")
        word = "".join(letters)
    else:
        word = m.head_words[symbol - 2]
    return _apply_case(word, case)


def _decode_other(dec: rc.Decoder, m: Model) -> str:
    lead = m.bytes.decode(dec)
    length = (
        1
        if lead < 0x80
        else 2
        if 0xC0 <= lead < 0xE0
        else 3
        if 0xE0 <= lead < 0xF0
        else 4
        if 0xF0 <= lead < 0xF8
        else 0
    )
    if not length:
        raise PromptModelError(f"byte 0x{lead:02x} cannot start a UTF-8 character here")
    raw = bytes([lead, *(m.bytes.decode(dec) for _ in range(length - 1))])
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise PromptModelError("invalid UTF-8 in a spelled character") from None
