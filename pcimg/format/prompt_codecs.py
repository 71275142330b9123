"""Prompt codecs: text <-> (declared length, payload), with bounded decompression.

Why bounded: a .pci is untrusted and 329 bytes of brotli can expand to 200 MiB. Every
decoder here stops at the declared length, which is itself capped by the spec's limit.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

import brotli
import zstandard

from ..errors import PciError
from ..primitives.data import packaged_bytes
from . import prompt_model
from .registry import LIMITS, PROMPT_CODECS

MAX_PROMPT = LIMITS["max_prompt_bytes"]
RAW, BROTLI, ZSTD, MODEL_V1, ZSTD_DICT_V1, MODEL_V2 = (
    PROMPT_CODECS.code(n) for n in ("raw", "brotli", "zstd", "pcimg-en-v1", "zstd-dict-v1", "pcimg-en-v2")
)

Encoder = Callable[[bytes], bytes]
Decoder = Callable[[bytes, int], bytes]


def _brotli_decode(data: bytes, declared: int) -> bytes:
    decompressor = brotli.Decompressor()
    out = decompressor.process(data, output_buffer_limit=declared + 1)
    # The cap is block-granular; anything beyond the declared length is an error.
    if len(out) > declared or not decompressor.is_finished():
        raise ValueError("brotli stream does not end at the declared length")
    return out


@lru_cache(maxsize=1)
def _zstd_dictionary() -> zstandard.ZstdCompressionDict:
    raw = packaged_bytes("zstd-dict-v1.bin")
    return zstandard.ZstdCompressionDict(raw, dict_type=zstandard.DICT_TYPE_FULLDICT)


def _zstd_decode(data: bytes, declared: int, dictionary: zstandard.ZstdCompressionDict | None = None) -> bytes:
    if zstandard.frame_content_size(data) != declared:
        raise ValueError("zstd frame content size differs from the declared length")
    obj = zstandard.ZstdDecompressor(dict_data=dictionary, max_window_size=1 << 17).decompressobj()
    out = obj.decompress(data)
    if not obj.eof or obj.unused_data or len(out) != declared:
        raise ValueError("zstd frame does not end at the payload's end")
    return out


def _zstd_encode(raw: bytes, dictionary: zstandard.ZstdCompressionDict | None = None) -> bytes:
    params = zstandard.ZstdCompressionParameters.from_level(
        19, write_content_size=True, write_checksum=False, write_dict_id=False
    )
    return zstandard.ZstdCompressor(dict_data=dictionary, compression_params=params).compress(raw)


def _model_encode(raw: bytes) -> bytes:
    return prompt_model.encode(raw.decode("utf-8"))


def _model_decode(data: bytes, declared: int) -> bytes:
    return prompt_model.decode(data, declared)


def _model_v2_encode(raw: bytes) -> bytes:
    return prompt_model.encode(raw.decode("utf-8"), prompt_model.model_v2())


def _model_v2_decode(data: bytes, declared: int) -> bytes:
    return prompt_model.decode(data, declared, prompt_model.model_v2())


_ENCODERS: dict[int, Encoder] = {
    RAW: lambda raw: raw,
    MODEL_V1: _model_encode,
    MODEL_V2: _model_v2_encode,
    BROTLI: lambda raw: brotli.compress(raw, quality=11, lgwin=10),
    ZSTD: _zstd_encode,
    ZSTD_DICT_V1: lambda raw: _zstd_encode(raw, _zstd_dictionary()),
}
_DECODERS: dict[int, Decoder] = {
    MODEL_V1: _model_decode,
    MODEL_V2: _model_v2_decode,
    BROTLI: _brotli_decode,
    ZSTD: _zstd_decode,
    ZSTD_DICT_V1: lambda data, declared: _zstd_decode(data, declared, _zstd_dictionary()),
}


def available() -> tuple[int, ...]:
    return tuple(sorted(_ENCODERS))


def encode_prompt(text: str, codec: int) -> bytes:
    """Payload for ``text`` under ``codec`` (the caller stores len(UTF-8) as declared length)."""
    raw = _utf8(text)
    if codec not in _ENCODERS:
        raise PciError(f"prompt codec {codec} is not available", field="prompt.codec")
    return _ENCODERS[codec](raw)


def decode_prompt(codec: int, declared: int | None, data: bytes, *, offset: int | None = None) -> str:
    """Text of a prompt payload; never produces more than the declared length."""
    if codec == RAW:
        raw = data
    else:
        decoder = _DECODERS.get(codec)
        if decoder is None:
            raise PciError(f"prompt codec {codec} is not supported", field="prompt.codec", offset=offset)
        assert declared is not None
        try:
            raw = decoder(bytes(data), declared)
        except (ValueError, brotli.error, zstandard.ZstdError, IndexError, OverflowError, KeyError) as exc:
            raise PciError(f"corrupt prompt payload: {exc}", field="prompt.data", offset=offset) from None
        if len(raw) != declared:
            raise PciError(
                f"prompt decodes to {len(raw)} bytes, declared {declared}", field="prompt.length", offset=offset
            )
    if len(raw) > MAX_PROMPT:
        raise PciError(
            f"prompt of {len(raw)} bytes exceeds max_prompt_bytes = {MAX_PROMPT}", field="prompt.data", offset=offset
        )
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PciError(f"prompt is not UTF-8 (byte {exc.start})", field="prompt.data", offset=offset) from None


def _utf8(text: str) -> bytes:
    if not isinstance(text, str):
        raise PciError(f"prompt must be text, not {type(text).__name__}", field="prompt")
    try:
        raw = text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise PciError(f"prompt cannot be UTF-8 encoded: {exc.reason}", field="prompt") from None
    if len(raw) > MAX_PROMPT:
        raise PciError(f"prompt of {len(raw)} bytes exceeds max_prompt_bytes = {MAX_PROMPT}", field="prompt")
    return raw
