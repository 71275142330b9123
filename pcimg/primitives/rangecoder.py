"""Binary adaptive range coder (the LZMA coder), integer-only so every platform agrees.

Probabilities are 11-bit (``P0 = 1024`` is one half) and adapt by 1/32 per coded bit.
The encoder drops LZMA's always-zero first byte and ends the stream on the shortest
byte string inside the final interval; the decoder reads missing bytes as zero.
spec/CODEC.md gives the same algorithm in prose.
"""

from __future__ import annotations

from bisect import bisect_right

PROB_BITS = 11
PROB_ONE = 1 << PROB_BITS
PROB_INIT = PROB_ONE // 2
MOVE_BITS = 5
TOP = 1 << 24
MASK32 = 0xFFFFFFFF
TABLE_BITS = 16  # static multi-symbol tables sum to 2**16
TABLE_TOTAL = 1 << TABLE_BITS


class Encoder:
    __slots__ = ("cache", "cache_size", "low", "out", "range")

    def __init__(self) -> None:
        self.low = 0
        self.range = MASK32
        self.cache = 0
        self.cache_size = 1
        self.out = bytearray()

    def _shift_low(self) -> None:
        if self.low < 0xFF000000 or self.low > MASK32:
            carry = self.low >> 32
            temp = self.cache
            while True:
                self.out.append((temp + carry) & 0xFF)
                temp = 0xFF
                self.cache_size -= 1
                if self.cache_size == 0:
                    break
            self.cache = (self.low >> 24) & 0xFF
        self.cache_size += 1
        self.low = (self.low & 0x00FFFFFF) << 8

    def bit(self, probs: list[int], index: int, bit: int) -> None:
        """Code ``bit`` with the adaptive probability ``probs[index]`` (of a zero)."""
        p = probs[index]
        bound = (self.range >> PROB_BITS) * p
        if bit:
            self.low += bound
            self.range -= bound
            probs[index] = p - (p >> MOVE_BITS)
        else:
            self.range = bound
            probs[index] = p + ((PROB_ONE - p) >> MOVE_BITS)
        while self.range < TOP:
            self.range <<= 8
            self._shift_low()

    def direct(self, value: int, nbits: int) -> None:
        """Code ``nbits`` equiprobable bits, most significant first."""
        for shift in range(nbits - 1, -1, -1):
            self.range >>= 1
            if (value >> shift) & 1:
                self.low += self.range
            while self.range < TOP:
                self.range <<= 8
                self._shift_low()

    def symbol(self, cum: int, freq: int) -> None:
        """Code a symbol of a static table whose frequencies sum to 2**16."""
        r = self.range >> TABLE_BITS
        self.low += r * cum
        self.range = r * freq
        while self.range < TOP:
            self.range <<= 8
            self._shift_low()

    def finish(self) -> bytes:
        """End the stream on the value in [low, low+range) with the most trailing zero bits."""
        top = self.low + self.range - 1
        for shift in range(32, -1, -1):
            value = top & ~((1 << shift) - 1)
            if value >= self.low:
                break
        self.low = value
        for _ in range(5):
            self._shift_low()
        data = bytes(self.out[1:])  # LZMA's first byte is always 0
        return data.rstrip(b"\x00")


class Decoder:
    __slots__ = ("code", "data", "pos", "range")

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0
        self.range = MASK32
        self.code = 0
        for _ in range(4):
            self.code = (self.code << 8) | self._next()

    def _next(self) -> int:
        pos = self.pos
        self.pos = pos + 1
        return self.data[pos] if pos < len(self.data) else 0

    def bit(self, probs: list[int], index: int) -> int:
        p = probs[index]
        bound = (self.range >> PROB_BITS) * p
        if self.code < bound:
            self.range = bound
            probs[index] = p + ((PROB_ONE - p) >> MOVE_BITS)
            result = 0
        else:
            self.code -= bound
            self.range -= bound
            probs[index] = p - (p >> MOVE_BITS)
            result = 1
        while self.range < TOP:
            self.range <<= 8
            self.code = ((self.code << 8) | self._next()) & MASK32
        return result

    def direct(self, nbits: int) -> int:
        value = 0
        for _ in range(nbits):
            self.range >>= 1
            bit = 1 if self.code >= self.range else 0
            if bit:
                self.code -= self.range
            value = (value << 1) | bit
            while self.range < TOP:
                self.range <<= 8
                self.code = ((self.code << 8) | self._next()) & MASK32
        return value

    def symbol(self, cumulative: list[int]) -> int:
        """Decode a symbol of a static table given as cumulative frequencies (0, ..., 2**16)."""
        r = self.range >> TABLE_BITS
        code = self.code
        target = code // r
        if target >= TABLE_TOTAL:
            target = TABLE_TOTAL - 1
        index = bisect_right(cumulative, target) - 1
        low = cumulative[index]
        code -= r * low
        rng = r * (cumulative[index + 1] - low)
        if rng < TOP:  # hot path of the prompt decoder: normalise without method calls
            data, pos = self.data, self.pos
            while rng < TOP:
                rng <<= 8
                code = ((code << 8) | (data[pos] if pos < len(data) else 0)) & MASK32
                pos += 1
            self.pos = pos
        self.code, self.range = code, rng
        return index


# Integers: an Exp-Golomb code whose prefix bits are context coded.
MAX_PREFIX = 24


def contexts(n: int) -> list[int]:
    return [PROB_INIT] * n


def encode_prefix(enc: Encoder, probs: list[int], k: int) -> None:
    """An Exp-Golomb prefix: k one-bits then a zero, bit j with context min(j, len(probs) - 1)."""
    last = len(probs) - 1
    for i in range(k):
        enc.bit(probs, i if i < last else last, 1)
    enc.bit(probs, k if k < last else last, 0)


def decode_prefix(dec: Decoder, probs: list[int]) -> int:
    k = 0
    last = len(probs) - 1
    while dec.bit(probs, k if k < last else last):
        k += 1
        if k > MAX_PREFIX:
            raise ValueError("integer prefix longer than 24 bits")
    return k


def encode_uint(enc: Encoder, probs: list[int], value: int) -> None:
    """Code value >= 0 as Exp-Golomb: prefix k (unary, contexts 0..k) then k low bits of value+1."""
    n = value + 1
    k = n.bit_length() - 1
    encode_prefix(enc, probs, k)
    if k:
        enc.direct(n - (1 << k), k)


def decode_uint(dec: Decoder, probs: list[int]) -> int:
    k = decode_prefix(dec, probs)
    return (1 << k) - 1 + (dec.direct(k) if k else 0)
