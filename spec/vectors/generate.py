"""Generate the .pci conformance vectors: `python spec/vectors/generate.py`.

valid/NAME.pci + NAME.json: the file and every parsed field; for files the embedded
generator decodes, the SHA-256 of the decoded pixels (and at a second size).
invalid/x-NAME.pci + .json: one defect each, with the field and offset a reader must
report and the stage (parse or decode) where it is found.
bare/valid/NAME.bare and bare/invalid/x-NAME.bare: the same for the bare form (SPEC.md 5.5).
Also rewrites the worked example in spec/SPEC.md.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import zlib
from pathlib import Path
from unittest import mock

import brotli
import numpy as np
import zstandard
from PIL import Image

import pcimg
from pcimg import DecodeDigest, Descriptor, EncoderInfo, ModelRef, PciFile, Prompt, Recipe, SourceInfo
from pcimg.codec import thumb_search, wavelet_colour, wavelet_embedded, wavelet_search
from pcimg.codec.parametric import KNOWN
from pcimg.format import prompt_codecs, prompt_model
from pcimg.format.describe import describe
from pcimg.format.registry import PROMPT_CODECS, SIGNATURE
from pcimg.format.schema import encode_varint

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
EXAMPLE = ROOT / "examples" / "kodim23.png"
SECOND_SIZE = (37, 23)


def photo(size: tuple[int, int] | None = None, mode: str = "RGB") -> Image.Image:
    image = Image.open(EXAMPLE).convert(mode)
    return image.resize(size, Image.LANCZOS) if size else image


def encode_v1(image: Image.Image, **options: object) -> PciFile:
    """The encoder as it was before codec v2 (dct-colour base): these vectors must not change."""
    return pcimg.encode_pci(image, base="dct", **options)  # type: ignore[arg-type]


def pixels_sha(image: Image.Image) -> str:
    return hashlib.sha256(np.asarray(image).tobytes()).hexdigest()


def with_crc(body: bytes) -> bytes:
    return body + zlib.crc32(body).to_bytes(4, "big")


def header(width: int = 4, height: int = 4, colour: int = 0, seed: int = 0, minor: int = 0) -> bytes:
    return (
        SIGNATURE
        + bytes([1, minor])
        + encode_varint(width)
        + encode_varint(height)
        + bytes([colour])
        + encode_varint(seed)
    )


def part(code: int, payload: bytes) -> bytes:
    return bytes([code]) + encode_varint(len(payload)) + payload


RAW_X = part(0x04, b"\x00x")


def format_1_5(build):
    """The encoder as it was up to format 1.5 (these vectors must not change): session 7's
    working-size search (``wavelet_search.FAST_SEARCH`` off, errors at 384 pixels), kind 5
    written as version 1."""
    embedded_v1 = mock.patch.object(wavelet_embedded, "VERSION", 1)(build)
    return mock.patch.multiple(wavelet_search, FAST_SEARCH=False, ANALYSIS_LONG_SIDE=384)(embedded_v1)


def format_1_4(build):
    """The writer as it was up to format 1.4 (these vectors must not change): as ``format_1_5``,
    kind 3 written as version 1, with the same dead zone on chroma as on luma."""
    with_zone = mock.patch.object(wavelet_search, "CHROMA_DEADZONE_EXTRA", 0.0)(build)
    return format_1_5(mock.patch.object(wavelet_colour, "VERSION", 1)(with_zone))


def format_1_3(build):
    """The writer as it was up to format 1.3 (these vectors must not change): as ``format_1_4``,
    prompt codecs up to 4, and a person's prompt named by a ``pcimg/user-prompt`` captioner entry."""
    older = tuple(c for c in prompt_codecs.available() if PROMPT_CODECS.by_code(c).since <= 3)
    with_entry = mock.patch.object(pcimg.api, "PERSON_ENTRY", ModelRef("captioner", "pcimg/user-prompt"))(build)
    return format_1_4(mock.patch.object(prompt_codecs, "available", lambda: older)(with_entry))


@format_1_3
def valid_vectors() -> dict[str, tuple[str, bytes]]:
    small = photo((48, 32))
    basic = encode_v1(small, prompt="two parrots", max_bytes=80, seed=7, texture=False)
    basic = basic.replace(prompt=Prompt.from_text("two parrots", "raw"))
    everything = encode_v1(photo((96, 64)), prompt="two macaws on a branch", max_bytes=400, seed=2**40)
    everything = everything.replace(
        models=(
            ModelRef("captioner", "acme/captioner-xl", "v2.1"),
            ModelRef("generator", "pcimg/parametric"),
            ModelRef("controlnet", "acme/tile-net", "0123abcd", bytes(range(32))),
        ),
        recipe=Recipe(4, 600, 15, "lcm", 512, 512),
        encoder=EncoderInfo("pcimg", pcimg.__version__),
        metadata=(("creator", "Ann Example"), ("copyright", "CC0")),
        source=SourceInfo("PNG", 557596),
    )
    everything = everything.replace(digest=DecodeDigest("sha256-rgb8", hashlib.sha256(
        np.asarray(pcimg.decode(everything)).tobytes()).digest()[:16]))  # fmt: skip
    files = {
        "basic-raw-prompt": ("48x32 photo, raw prompt, captioner entry, dct-colour only", basic),
        "kodak-491": ("768x512 photo encoded to a 491-byte budget", encode_v1(photo(), max_bytes=491)),
        "kodak-983-seed-search": (
            "768x512 photo at 983 bytes, texture, 4-seed search",
            encode_v1(photo(), max_bytes=983, seed=100, seed_search=4),
        ),
        "grey": ("greyscale photo", encode_v1(photo((64, 48), "L"), max_bytes=200)),
        "descriptors-only-max-seed": (
            "no prompt; seed 2**64-1",
            encode_v1(photo((80, 60)), captioner="none", max_bytes=320, seed=2**64 - 1),
        ),
        "all-parts": ("every registered part, all three manifest forms", everything),
        "prompt-brotli": (
            "prompt only, brotli",
            PciFile(16, 16, prompt=Prompt.from_text("a quiet lake at dawn", "brotli")),
        ),
        "prompt-zstd": ("prompt only, zstd", PciFile(16, 16, prompt=Prompt.from_text("a quiet lake at dawn", "zstd"))),
        "prompt-model": (
            "prompt only, static English model (codec 3)",
            PciFile(
                16,
                16,
                prompt=Prompt.from_text("A red barn stands in a snowy field under a pale blue sky.", "pcimg-en-v1"),
            ),
        ),
        "prompt-model-unicode": (
            "codec 3 with mixed case, digits, spelled words and non-ASCII characters",
            PciFile(16, 16, prompt=Prompt.from_text("iPhone 12 on a café table, Zyxwv — 日本 🌸!", "pcimg-en-v1")),
        ),
        "prompt-zstd-dict": (
            "prompt only, zstd with the v1 dictionary (codec 4)",
            PciFile(
                16, 16, prompt=Prompt.from_text("The image shows a cat sitting on a wooden table.", "zstd-dict-v1")
            ),
        ),
        "prompt-unicode": (
            "multilingual prompt",
            PciFile(8, 8, prompt=Prompt.from_text("日本の庭園, café crème 🌸", "raw")),
        ),
        "min-1x1": ("smallest valid file: 1x1, empty raw prompt", PciFile(1, 1, prompt=Prompt.from_text("", "raw"))),
        "max-width": ("16384x1", encode_v1(photo((512, 8)), max_bytes=150).replace(width=16384, height=1)),
        "max-height": ("1x16384", encode_v1(photo((8, 512)), max_bytes=150).replace(width=1, height=16384)),
        "hub-generator": (
            "generator named by registry code (sd-turbo); not decodable by the embedded generator",
            encode_v1(small, max_bytes=120).replace(
                models=(ModelRef("generator", "stabilityai/sd-turbo"),), recipe=Recipe(steps=2, strength_permille=500)
            ),
        ),
    }
    files |= wavelet_vectors()
    files |= thumb_vectors()
    files |= embedded_vectors()
    out = {name: (text, pcimg.write(pci)) for name, (text, pci) in files.items()}
    # Hand-made layouts the PciFile writer never produces itself:
    base = pcimg.write(PciFile(8, 8, prompt=Prompt.from_text("x", "raw")))[:-4]
    out["unknown-ancillary-part"] = (
        "ancillary part 0xF3 a reader must skip",
        with_crc(base + part(0xF3, b"future data")),
    )
    out["minor-version-7"] = ("version 1.7: readers of 1.0 accept it", with_crc(base[:9] + b"\x07" + base[10:]))
    out["metadata-keys-differ-by-case"] = (
        "metadata keys Title and title: comparisons are case-sensitive, so both are kept",
        pcimg.write(PciFile(8, 8, prompt=Prompt.from_text("x", "raw"), metadata=(("Title", "a"), ("title", "b")))),
    )
    out["registered-model-pinned"] = (
        "a registered model with a weights digest: form 2, not the registry code",
        pcimg.write(
            PciFile(
                8,
                8,
                prompt=Prompt.from_text("x", "raw"),
                models=(ModelRef("generator", "stabilityai/sd-turbo", "", bytes(range(32))),),
            )
        ),
    )
    out["digest-unknown-algorithm"] = (
        "digest part with algorithm 9, which a newer minor version may add: kept, not checked, not an error",
        with_crc(base + part(0x82, b"\x09" + bytes(range(8)))),
    )
    return out


def kind3_only(build):
    """The encoder as it was before kind 4 and the dead-zone fill (these kind-3 vectors must not change)."""

    def built(*args, **kwargs):
        saved = thumb_search.MAX_PAYLOAD, wavelet_search.FILL
        thumb_search.MAX_PAYLOAD, wavelet_search.FILL = -1, False
        try:
            return build(*args, **kwargs)
        finally:
            thumb_search.MAX_PAYLOAD, wavelet_search.FILL = saved

    return built


@kind3_only
def wavelet_vectors() -> dict[str, tuple[str, PciFile]]:
    """Descriptor kind 3 (wavelet-colour), written by the default encoder of format 1.1."""
    portrait = photo((64, 96))
    return {
        "wavelet-kodak-491": (
            "768x512 photo at 491 bytes, wavelet-colour base",
            pcimg.encode_pci(photo(), max_bytes=491),
        ),
        "wavelet-kodak-983-no-prompt": (
            "768x512 photo at 983 bytes, no prompt",
            pcimg.encode_pci(photo(), captioner="none", max_bytes=983),
        ),
        "wavelet-grey": ("greyscale photo, one wavelet plane", pcimg.encode_pci(photo((64, 48), "L"), max_bytes=200)),
        "wavelet-texture": (
            "wavelet-colour base with texture-energy detail (kinds 2 and 3)",
            pcimg.encode_pci(photo((96, 64)), captioner="none", max_bytes=400, texture=True, seed=5),
        ),
        "wavelet-tiny": (
            "5x3 image: a 5x3 working picture with no wavelet level",
            pcimg.encode_pci(photo((5, 3)), captioner="none", max_bytes=100),
        ),
        "wavelet-odd-sizes": (
            "77x45 photo: odd band lengths at every level",
            pcimg.encode_pci(photo((77, 45)), captioner="none", max_bytes=300),
        ),
        "wavelet-portrait": (
            "64x96 portrait photo",
            pcimg.encode_pci(portrait, captioner="none", max_bytes=250),
        ),
        "wavelet-largest-working": (
            "256x171 working picture (the largest side), fine quantiser",
            pcimg.encode_pci(photo((256, 171)), captioner="none", max_bytes=9000),
        ),
    }


def thumb_vectors() -> dict[str, tuple[str, PciFile]]:
    """Descriptor kind 4 (wavelet-thumb): what the encoder writes for placeholders."""
    return {
        "thumb-kodak-55": (
            "768x512 photo in a 55-byte file: kind 4, a working long side of a few pixels",
            pcimg.encode_pci(photo(), captioner="none", max_bytes=55),
        ),
        "thumb-grey-portrait": (
            "greyscale portrait placeholder (working size from the declared aspect ratio)",
            pcimg.encode_pci(photo((64, 96), "L"), captioner="none", max_bytes=45),
        ),
        "thumb-declared-size": (
            "768x512 photo declared as 96x64 (one byte per side) in 40 bytes",
            pcimg.encode_pci(photo(), captioner="none", max_bytes=40, declared_size=(96, 64)),
        ),
        "thumb-empty-payload": (
            "kind 4 with an empty payload: long side 1, all coefficients 0, a mid-grey picture",
            PciFile(7, 5, descriptors=(Descriptor(4, 1, 40, b""),)),
        ),
    }


def embedded_vectors() -> dict[str, tuple[str, PciFile]]:
    """Descriptor kind 5 (wavelet-embedded): a file, its cuts, and the corners of a cut stream."""
    whole = pcimg.encode_pci(photo(), captioner="none", max_bytes=983, base="embedded")

    def cut(size: int) -> PciFile:
        return pcimg.read(pcimg.rebudget(whole, size, method="cut"))

    def payload_cut(size: int) -> PciFile:
        entry = whole.descriptors[0]
        return whole.replace(descriptors=(Descriptor(5, 1, entry.quant, wavelet_embedded.cut(entry.payload, size)),))

    tiny = pcimg.encode_pci(photo((8, 6)), captioner="none", max_bytes=60, base="embedded")
    return {
        "embedded-kodak-983": ("768x512 photo at 983 bytes, wavelet-embedded base", whole),
        "embedded-kodak-cut-491": ("embedded-kodak-983 cut to 491 bytes (pcimg.rebudget)", cut(491)),
        "embedded-kodak-cut-147": ("embedded-kodak-983 cut to 147 bytes", cut(147)),
        "embedded-kodak-cut-in-ll": (
            "embedded-kodak-983's payload cut to 12 bytes, inside its LL bands: the LL values after the cut are 0",
            payload_cut(12),
        ),
        "embedded-kodak-cut-at-header": (
            "embedded-kodak-983's payload cut to its 3-byte header: nothing decoded, a mid-grey picture",
            payload_cut(3),
        ),
        "embedded-tiny": ("8x6 photo: one wavelet level, the worked example of CODEC.md 11", tiny),
        "embedded-grey-odd": (
            "77x45 greyscale photo: odd band lengths, one plane",
            pcimg.encode_pci(photo((77, 45), "L"), captioner="none", max_bytes=300, base="embedded"),
        ),
        "embedded-no-planes": (
            "kind 5 with zero bit-planes: LL only",
            PciFile(16, 12, descriptors=(Descriptor(5, 1, 90, b"\x0f\x0b\x00\x00"),)),
        ),
    }


@format_1_4
def prompt_v2_vectors() -> dict[str, tuple[str, bytes]]:
    """Format 1.4: prompt codec 5, and a person's prompt without a captioner entry."""
    caption = "The image shows a red barn in a snowy field, with a pale blue sky in the background."
    unicode = "iPhone 12 on a café table. The 3 cats — 日本 🌸! A Zyxwv dog"
    return {
        "prompt-model-v2": (
            "prompt only, static English model with successor tables (codec 5)",
            pcimg.write(PciFile(16, 16, prompt=Prompt.from_text(caption, "pcimg-en-v2"))),
        ),
        "prompt-model-v2-unicode": (
            "codec 5 with mixed case, digits, spelled words, non-ASCII characters and keys that end",
            pcimg.write(PciFile(16, 16, prompt=Prompt.from_text(unicode, "pcimg-en-v2"))),
        ),
        "person-prompt": (
            "what pcimg.encode writes for a person's prompt: no captioner entry, the smallest codec",
            pcimg.encode(photo((48, 32)), prompt="Two macaws perched on a branch in the rain forest.", max_bytes=200),
        ),
    }


@format_1_5
def wavelet_v2_vectors() -> dict[str, tuple[str, bytes]]:
    """Format 1.5: kind 3 version 2, as the default encoder writes it."""
    files = {
        "wavelet-v2-kodak-983": (
            "768x512 photo at 983 bytes, no prompt: kind 3 version 2",
            pcimg.encode_pci(photo(), captioner="none", max_bytes=983),
        ),
        "wavelet-v2-kodak-491": (
            "768x512 photo at 491 bytes with the default prompt, kind 3 version 2",
            pcimg.encode_pci(photo(), max_bytes=491),
        ),
        "wavelet-v2-grey": (
            "greyscale photo, one plane, kind 3 version 2",
            pcimg.encode_pci(photo((64, 48), "L"), captioner="none", max_bytes=200),
        ),
        "wavelet-v2-odd-sizes": (
            "77x45 photo: odd band lengths and edge blocks, kind 3 version 2",
            pcimg.encode_pci(photo((77, 45)), captioner="none", max_bytes=300),
        ),
        "wavelet-v2-tiny": (
            "12x8 grey photo at quant 96: one wavelet level, the worked example of CODEC.md 8.8",
            tiny_v2(),
        ),
        "wavelet-v2-largest-working": (
            "256x171 working picture, fine quantiser: long magnitudes (every suffix context), version 2",
            pcimg.encode_pci(photo((256, 171)), captioner="none", max_bytes=9000),
        ),
    }
    for _, pci in files.values():
        assert pci.descriptors[0].kind == 3 and pci.descriptors[0].version == 2
    return {name: (text, pcimg.write(pci)) for name, (text, pci) in files.items()}


def tiny_v2() -> PciFile:
    """A 12x8 grey picture coded as kind 3 version 2 at quant 96: LL and one level of bands."""
    image = np.asarray(photo((12, 8), "L"))
    work = wavelet_search.analyse(wavelet_search.source(image, "grey"), 12, 8)
    entry = wavelet_search.descriptor(work, 96)
    assert entry is not None
    return PciFile(12, 8, colour="grey", descriptors=(entry,))


def over_limit_v2_payload() -> bytes:
    """A version-2 grey payload whose one detail coefficient is 2**20 + 1 (the limit is 2**20)."""
    from pcimg.codec import wavelet_coder2
    from pcimg.primitives import rangecoder as rc

    bands = [[[0] * 3 for _ in range(3)], tuple([[0] * 3 for _ in range(3)] for _ in range(3))]
    bands[1][0][0][0] = (1 << 20) + 1
    enc = rc.Encoder()
    wavelet_coder2.code_plane(enc, wavelet_coder2.Contexts("luma"), bands, decoding=False)
    return wavelet_colour.header(6, 6) + enc.finish()


@format_1_3
def invalid_vectors() -> dict[str, tuple[str, bytes, str]]:
    """name -> (defect, bytes, stage); what a reader must report is in ``expected_errors``."""
    header3 = b"\x03\x03\x00"  # a 4x4 working picture, no smoothing
    good = pcimg.write(encode_v1(photo((48, 32)), prompt="two parrots", max_bytes=120))
    body = good[:-4]
    hx = header()
    bomb = brotli.compress(b"a" * 10_000_000)
    zst = zstandard.ZstdCompressor().compress(b"hello") + b"junk"
    zst_checked = zstandard.ZstdCompressor(write_checksum=True).compress(b"hello")
    dct_entry = Descriptor(1, 1, 40, bytes([2, 2, 1, 1]) + b"\xff\xff\xff")
    dct_small = Descriptor(1, 1, 40, bytes([1, 1, 1, 1]))
    ll = [[0] * 4 for _ in range(4)]
    ll[0][0] = 1 << 20
    huge_ll = wavelet_colour.encode_payload(4, 4, [[ll]])
    vectors = {
        "signature-7bit": ("high bit stripped from the first byte", bytes([good[0] & 0x7F]) + good[1:], "parse"),
        "signature-crlf": ("LF converted to CRLF", good[:7] + b"\r" + good[7:], "parse"),
        "crc": ("one payload bit flipped", good[:20] + bytes([good[20] ^ 4]) + good[21:], "parse"),
        "truncated": ("last 10 bytes missing", good[:-10], "parse"),
        "major-2": ("major version 2", with_crc(body[:8] + b"\x02" + body[9:]), "parse"),
        "too-short": ("signature and version only", SIGNATURE + b"\x01\x00", "parse"),
        "unknown-critical-part": ("critical part 0x05", with_crc(hx + RAW_X + part(0x05, b"")), "parse"),
        "parts-out-of-order": ("models after prompt", with_crc(hx + RAW_X + part(0x01, b"\x01\x01\x00\x01")), "parse"),
        "part-repeated": ("two prompt parts", with_crc(hx + RAW_X + RAW_X), "parse"),
        "part-length-overrun": ("part length beyond the CRC", with_crc(hx + bytes([0x04, 50, 0]) + b"x"), "parse"),
        "trailing-payload-bytes": (
            "recipe with a byte after its last field",
            with_crc(hx + part(0x02, bytes(6) + b"\x00") + RAW_X),
            "parse",
        ),
        "varint-non-canonical": (
            "width 4 written as 84 00",
            with_crc(SIGNATURE + b"\x01\x00\x84\x00\x04\x00\x00" + RAW_X),
            "parse",
        ),
        "varint-too-long": (
            "seed of 11 bytes",
            with_crc(SIGNATURE + b"\x01\x00\x04\x04\x00" + b"\xff" * 10 + b"\x01" + RAW_X),
            "parse",
        ),
        "width-zero": ("width 0", with_crc(header(0, 4) + RAW_X), "parse"),
        "height-over-limit": ("height 16385", with_crc(header(4, 16385) + RAW_X), "parse"),
        "colour-unknown": ("colour code 9", with_crc(header(colour=9) + RAW_X), "parse"),
        "nothing-to-decode": ("neither prompt nor descriptors", with_crc(hx + part(0xC2, b"\x03PNG\x00")), "parse"),
        "too-many-parts": (
            "33 parts",
            with_crc(hx + RAW_X + b"".join(part(t, b"") for t in range(0xD0, 0xD0 + 32))),
            "parse",
        ),
        "prompt-bomb": (
            "brotli prompt expanding to 10 MB, declared 100 bytes",
            with_crc(hx + part(0x04, b"\x01" + encode_varint(100) + bomb)),
            "parse",
        ),
        "prompt-length-over-limit": (
            "declared prompt length 4097",
            with_crc(hx + part(0x04, b"\x01" + encode_varint(4097) + b"\x00")),
            "parse",
        ),
        "prompt-bad-utf8": ("raw prompt C3 28", with_crc(hx + part(0x04, b"\x00\xc3\x28")), "parse"),
        "prompt-brotli-trailing": (
            "brotli stream followed by one byte",
            with_crc(hx + part(0x04, b"\x01" + encode_varint(5) + brotli.compress(b"hello") + b"\x00")),
            "parse",
        ),
        "prompt-zstd-no-content-size": (
            "zstd frame that does not declare its content size",
            with_crc(
                hx
                + part(
                    0x04,
                    b"\x02" + encode_varint(5) + zstandard.ZstdCompressor(write_content_size=False).compress(b"hello"),
                )
            ),
            "parse",
        ),
        "prompt-zstd-checksum": (
            "zstd frame whose content checksum does not match",
            with_crc(hx + part(0x04, b"\x02" + encode_varint(5) + zst_checked[:-1] + bytes([zst_checked[-1] ^ 1]))),
            "parse",
        ),
        "prompt-zstd-trailing": (
            "zstd frame followed by junk",
            with_crc(hx + part(0x04, b"\x02" + encode_varint(5) + zst)),
            "parse",
        ),
        "model-id-escape": (
            "model id ../../etc",
            with_crc(hx + part(0x01, b"\x01\x01\x01" + b"\x0a../../etc" + b"\x00") + RAW_X),
            "parse",
        ),
        "model-id-three-segments": (
            "model id org/name/extra: a prefix of it matches the pattern, the whole does not",
            with_crc(hx + part(0x01, b"\x01\x01\x01" + b"\x0eorg/name/extra" + b"\x00") + RAW_X),
            "parse",
        ),
        "model-registered-as-id": (
            "registered model written as an id",
            with_crc(hx + part(0x01, b"\x01\x01\x01\x14stabilityai/sd-turbo\x00") + RAW_X),
            "parse",
        ),
        "model-role-twice": (
            "two generator entries",
            with_crc(hx + part(0x01, b"\x02\x01\x00\x01\x01\x00\x10") + RAW_X),
            "parse",
        ),
        "descriptor-kinds-descending": (
            "descriptor kinds 2 then 1",
            with_crc(hx + part(0x03, b"\x02\x02\x01\x00\x00\x01\x01\x00\x00")),
            "parse",
        ),
        "alternates-not-ascending": (
            "alternates part whose entries' payloads take 2 then 1 bytes (lengths must ascend)",
            with_crc(hx + RAW_X + part(0x83, b"\x02\x04\x01\x3c\x02\x01\x02\x04\x01\x3d\x01\x01")),
            "parse",
        ),
        "metadata-key-twice": (
            "metadata key repeated",
            with_crc(hx + RAW_X + part(0xC1, b"\x02\x01a\x01x\x01a\x01y")),
            "parse",
        ),
        "digest-too-short": ("3-byte digest", with_crc(hx + RAW_X + part(0x82, b"\x01abc")), "parse"),
        "descriptor-kind-unknown": (
            "descriptor kind 9 (container-valid, not decodable)",
            pcimg.write(PciFile(4, 4, descriptors=(Descriptor(9, 1, 0, b""),))),
            "decode",
        ),
        "dct-grid-too-small": (
            "dct-colour payload codes more coefficients than its grid holds",
            pcimg.write(PciFile(4, 4, descriptors=(dct_entry,))),
            "decode",
        ),
        "dct-quant-over-limit": (
            "dct-colour quant 121",
            pcimg.write(PciFile(4, 4, descriptors=(Descriptor(1, 1, 121, bytes([1, 1, 1, 1])),))),
            "decode",
        ),
        "dct-grey-with-chroma-grid": (
            "grey file whose dct-colour payload declares a 2x0 chroma grid (found by fuzzing)",
            pcimg.write(PciFile(4, 4, colour="grey", descriptors=(Descriptor(1, 1, 30, bytes([4, 4, 2, 0, 0x80])),))),
            "decode",
        ),
        "prompt-model-trailing": (
            "codec 3 payload of a valid prompt followed by 8 bytes the decoder never reads",
            with_crc(hx + part(0x04, b"\x03\x01" + prompt_model.encode("x") + b"\x01" * 8)),
            "parse",
        ),
        "prompt-model-overrun": (
            "codec 3 payload that decodes past its declared length",
            with_crc(hx + part(0x04, b"\x03\x03" + bytes([0x00, 0x10, 0x00, 0x00]))),
            "parse",
        ),
        "prompt-model-v2-trailing": (
            "codec 5 payload of a valid prompt followed by 8 bytes the decoder never reads",
            with_crc(hx + part(0x04, b"\x05\x01" + prompt_model.encode("x", prompt_model.model_v2()) + b"\x01" * 8)),
            "parse",
        ),
        "prompt-model-v2-overrun": (
            "codec 5 payload whose first word runs past the declared length of 2 bytes",
            with_crc(hx + part(0x04, b"\x05\x02" + prompt_model.encode("xyz abc", prompt_model.model_v2()))),
            "parse",
        ),
        "texture-padding-nibble": (
            "texture payload for a 3x3 grid whose unused final nibble is 5",
            pcimg.write(PciFile(4, 4, descriptors=(Descriptor(2, 1, 0, bytes([3, 3, 16]) + bytes(4) + b"\x05"),))),
            "decode",
        ),
        "texture-length": (
            "texture payload one byte short",
            pcimg.write(PciFile(4, 4, descriptors=(Descriptor(2, 1, 0, bytes([4, 4, 16]) + bytes(7)),))),
            "decode",
        ),
        "wavelet-header-short": (
            "wavelet-colour payload of two bytes (the header needs three)",
            pcimg.write(PciFile(4, 4, descriptors=(Descriptor(3, 1, 80, b"\x03\x03"),))),
            "decode",
        ),
        "wavelet-quant-over-limit": (
            "wavelet-colour quant 192",
            pcimg.write(PciFile(4, 4, descriptors=(Descriptor(3, 1, 192, b"\x03\x03\x00"),))),
            "decode",
        ),
        "wavelet-version-3": (
            "wavelet-colour version 3, which this generator does not know",
            pcimg.write(PciFile(4, 4, descriptors=(Descriptor(3, 3, 80, b"\x03\x03\x00"),))),
            "decode",
        ),
        "wavelet-v2-coefficient-over-limit": (
            "grey wavelet-colour version 2 whose first HL coefficient is 2**20 + 1 (limit 2**20)",
            pcimg.write(PciFile(6, 6, colour="grey", descriptors=(Descriptor(3, 2, 0, over_limit_v2_payload()),))),
            "decode",
        ),
        "wavelet-prefix-too-long": (
            "wavelet-colour stream of 0xFF bytes: the first LL residual's prefix passes 24",
            pcimg.write(PciFile(4, 4, descriptors=(Descriptor(3, 1, 80, b"\x03\x03\x00" + b"\xff" * 40),))),
            "decode",
        ),
        "wavelet-coefficient-over-limit": (
            "grey wavelet-colour whose LL index 2**20 at quant 0 dequantises to 2**24 (limit 2**20)",
            pcimg.write(PciFile(4, 4, colour="grey", descriptors=(Descriptor(3, 1, 0, huge_ll),))),
            "decode",
        ),
        "wavelet-two-bases": (
            "dct-colour and wavelet-colour in one file: at most one base layer",
            pcimg.write(PciFile(4, 4, descriptors=(dct_small, Descriptor(3, 1, 80, b"\x03\x03\x00")))),
            "decode",
        ),
        "thumb-quant-over-limit": (
            "wavelet-thumb quant 192",
            pcimg.write(PciFile(4, 4, descriptors=(Descriptor(4, 1, 192, b"\x00"),))),
            "decode",
        ),
        "thumb-version-2": (
            "wavelet-thumb version 2, which this generator does not know",
            pcimg.write(PciFile(4, 4, descriptors=(Descriptor(4, 2, 80, b"\x00"),))),
            "decode",
        ),
        "thumb-prefix-too-long": (
            "wavelet-thumb stream of 0xFF bytes: long side 32, then an LL prefix past 24",
            pcimg.write(PciFile(4, 4, descriptors=(Descriptor(4, 1, 80, b"\xff" * 40),))),
            "decode",
        ),
        "thumb-two-bases": (
            "wavelet-colour and wavelet-thumb in one file: at most one base layer",
            pcimg.write(PciFile(4, 4, descriptors=(Descriptor(3, 1, 80, b"\x03\x03\x00"), Descriptor(4, 1, 80, b"")))),
            "decode",
        ),
        "embedded-header-short": (
            "wavelet-embedded payload of 2 bytes (its header has 3)",
            pcimg.write(PciFile(4, 4, descriptors=(Descriptor(5, 1, 80, b"\x03\x03"),))),
            "decode",
        ),
        "embedded-quant-over-limit": (
            "wavelet-embedded quant 192",
            pcimg.write(PciFile(4, 4, descriptors=(Descriptor(5, 1, 192, b"\x03\x03\x00"),))),
            "decode",
        ),
        "embedded-planes-over-limit": (
            "wavelet-embedded stream opening with 31 bit-planes (at most 20)",
            pcimg.write(PciFile(4, 4, descriptors=(Descriptor(5, 1, 80, b"\x03\x03\x00" + b"\xff" * 4),))),
            "decode",
        ),
        "embedded-version-4": (
            "wavelet-embedded version 4, which this generator does not know",
            pcimg.write(PciFile(4, 4, descriptors=(Descriptor(5, 4, 80, b"\x03\x03\x00"),))),
            "decode",
        ),
        "embedded-two-bases": (
            "wavelet-colour and wavelet-embedded in one file: at most one base layer",
            pcimg.write(PciFile(4, 4, descriptors=(Descriptor(3, 1, 80, header3), Descriptor(5, 1, 80, header3)))),
            "decode",
        ),
    }
    return vectors


@format_1_3
def expected_errors() -> dict[str, tuple[str, int | None]]:
    """name -> (field, offset) a reader must report, worked out by hand from SPEC.md §5.4's offset
    rule and the bytes ``invalid_vectors`` builds, not by running pcimg (which must agree)."""
    good_length = len(pcimg.write(encode_v1(photo((48, 32)), prompt="two parrots", max_bytes=120)))
    first = len(header())  # 14: the first part's type byte when the header is 4x4 rgb, seed 0
    second = first + len(RAW_X)  # 18: the part after a raw "x" prompt
    payload = first + 2  # 16: the first part's payload (its length fits one byte)
    return {
        "signature-7bit": ("signature", 0),  # the first byte that differs
        "signature-crlf": ("signature", 7),
        "crc": ("crc", good_length - 4),  # the CRC's own offset
        "truncated": ("crc", good_length - 10 - 4),
        "major-2": ("version.major", 8),
        "too-short": ("header", 10),  # the file's length: where the header should start
        "unknown-critical-part": ("part.type", second),  # framing: the part's type byte
        "parts-out-of-order": ("part.type", second),
        "part-repeated": ("part.type", second),
        "part-length-overrun": ("part.length", first + 1),  # the length's first byte
        "trailing-payload-bytes": ("recipe", payload + 6),  # the first byte after the last field
        "varint-non-canonical": ("header.width", 10),  # a field: its first byte
        "varint-too-long": ("header.seed", 13),
        "width-zero": ("header.width", 10),
        "height-over-limit": ("header.height", 11),
        "colour-unknown": ("header.colour", 12),
        "nothing-to-decode": ("parts", first + 7),  # where the parts end: the CRC
        "too-many-parts": ("parts", second + 2 * 31),  # the 33rd part's type byte
        # coded prompt data that does not decode: the data's first byte, after codec and length
        "prompt-bomb": ("prompt.data", payload + 2),  # codec 1, length 100 (one byte)
        "prompt-length-over-limit": ("prompt.length", payload + 1),
        "prompt-bad-utf8": ("prompt.data", payload + 1),  # raw: no length field
        "prompt-zstd-trailing": ("prompt.data", payload + 2),
        "prompt-brotli-trailing": ("prompt.data", payload + 2),
        "prompt-zstd-no-content-size": ("prompt.data", payload + 2),
        "prompt-zstd-checksum": ("prompt.data", payload + 2),
        "prompt-model-overrun": ("prompt.data", payload + 2),
        "prompt-model-trailing": ("prompt.data", payload + 2),
        "prompt-model-v2-overrun": ("prompt.data", payload + 2),
        "prompt-model-v2-trailing": ("prompt.data", payload + 2),
        "model-id-escape": ("models.id", payload + 3),  # after count, role, form
        "model-id-three-segments": ("models.id", payload + 3),  # the id field, after count, role, form
        "model-registered-as-id": ("models.id", payload + 3),  # the id that should have been a code
        "model-role-twice": ("models.role", payload + 4),  # the second entry's role (first: 3 bytes)
        "descriptor-kinds-descending": ("descriptors.kind", payload + 5),  # the second entry's kind
        "alternates-not-ascending": ("alternates.payload", second + 12),  # the second entry's payload length
        "metadata-key-twice": ("metadata.key", second + 2 + 5),  # the second entry's key (first: 5 bytes)
        "digest-too-short": ("digest.value", second + 3),  # after type, length, algorithm
        # decode stage: the entry's field (kind at payload + 1, after the count)
        "descriptor-kind-unknown": ("descriptors.kind", payload + 1),
        "dct-grid-too-small": ("descriptors.payload", payload + 5),  # after kind, version, quant, length
        "dct-quant-over-limit": ("descriptors.quant", payload + 3),
        "dct-grey-with-chroma-grid": ("descriptors.payload", payload + 5),
        "texture-length": ("descriptors.payload", payload + 5),
        "texture-padding-nibble": ("descriptors.payload", payload + 5),
        "wavelet-header-short": ("descriptors.payload", payload + 5),
        "wavelet-quant-over-limit": ("descriptors.quant", payload + 3),
        "wavelet-version-3": ("descriptors.version", payload + 2),
        "wavelet-v2-coefficient-over-limit": ("descriptors.payload", payload + 5),
        "wavelet-prefix-too-long": ("descriptors.payload", payload + 5),
        "wavelet-coefficient-over-limit": ("descriptors.payload", payload + 5),
        # the second entry's kind: after count, then kind, version, quant, length and 4 payload bytes
        "wavelet-two-bases": ("descriptors.kind", payload + 1 + 8),
        "thumb-quant-over-limit": ("descriptors.quant", payload + 3),
        "thumb-version-2": ("descriptors.version", payload + 2),
        "thumb-prefix-too-long": ("descriptors.payload", payload + 5),
        # the second entry's kind: after count, then kind 3's kind, version, quant, length, 3 bytes
        "thumb-two-bases": ("descriptors.kind", payload + 1 + 7),
        "embedded-header-short": ("descriptors.payload", payload + 5),
        "embedded-quant-over-limit": ("descriptors.quant", payload + 3),
        "embedded-planes-over-limit": ("descriptors.payload", payload + 5),
        "embedded-version-4": ("descriptors.version", payload + 2),
        "embedded-two-bases": ("descriptors.kind", payload + 1 + 7),
    }


@format_1_3
def bare_valid_vectors() -> dict[str, tuple[str, bytes]]:
    """Bare-form files: both bodies, both header flags, and what the encoder writes at tiny budgets."""
    valid = valid_vectors()

    def bare_of(name: str) -> bytes:
        return pcimg.write(pcimg.read(valid[name][1]), bare=True)

    grey = pcimg.read(valid["wavelet-grey"][1]).replace(seed=300)
    two = PciFile(4, 4, descriptors=(Descriptor(3, 1, 80, b"\x03\x03\x00"), Descriptor(40, 1, 0, b"\x01")))
    return {
        "placeholder-24": (
            "768x512 photo in 24 bare bytes: the single-descriptor body, kind 4",
            pcimg.encode(photo(), captioner="none", max_bytes=24, bare=True),
        ),
        "placeholder-21-declared": (
            "768x512 photo declared as 96x64, in 21 bare bytes (ThumbHash's size)",
            pcimg.encode(photo(), captioner="none", max_bytes=21, bare=True, declared_size=(96, 64)),
        ),
        "average-colour-7": (
            "the average colour and aspect ratio in 7 bytes: declared 48x32, kind 4, long side 1",
            pcimg.encode(photo(), captioner="none", max_bytes=7, bare=True, declared_size=(48, 32)),
        ),
        "wavelet-tiny": ("the file vector wavelet-tiny in the bare form", bare_of("wavelet-tiny")),
        "embedded-kodak-983": (
            "the file vector embedded-kodak-983 in the bare form: its payload runs to the end, so the first bytes"
            " of a download decode (CODEC.md 11.4)",
            bare_of("embedded-kodak-983"),
        ),
        "wavelet-kodak-491": (
            "a file with models, descriptors and prompt: the parts body",
            bare_of("wavelet-kodak-491"),
        ),
        "grey-seed": (
            "colour grey and seed 300: both header flags set",
            pcimg.write(grey, bare=True),
        ),
        "prompt-only": ("a brotli prompt and nothing else: the parts body", bare_of("prompt-brotli")),
        "minor-version-7": ("minor version 7, the highest the head byte holds", bare_of("minor-version-7")),
        "kind-over-31": (
            "a second entry of kind 40 (unknown to this reader): the parts body, not decodable",
            pcimg.write(two, bare=True),
        ),
    }


def bare_head(minor: int = 0, colour: bool = False, seed: bool = False, parts: bool = False) -> bytes:
    return bytes([minor << 3 | colour << 2 | seed << 1 | parts])


@format_1_3
def bare_invalid_vectors() -> dict[str, tuple[str, bytes, str]]:
    """name -> (defect, bare bytes, stage); what a reader must report is in ``bare_expected_errors``."""
    size = b"\x04\x04"  # width 4, height 4
    single = b"\x19\x50\x03\x03\x00"  # kind 3 version 1 (0x19), quant 80, a 3-byte payload
    lone = part(0x03, b"\x01\x03\x01\x50\x03\x03\x03\x00")  # the same entry framed as a part
    return {
        "empty": ("no bytes at all", b"", "parse"),
        "major-2": ("head byte says major version 2", bytes([0x40]) + size + single, "parse"),
        "width-zero": ("width 0", bare_head() + b"\x00\x04" + single, "parse"),
        "colour-flag-rgb": (
            "colour flag set but the colour is rgb (0)",
            bare_head(colour=True) + size + b"\x00" + single,
            "parse",
        ),
        "seed-flag-zero": ("seed flag set but the seed is 0", bare_head(seed=True) + size + b"\x00" + single, "parse"),
        "kind-zero": (
            "single-descriptor entry byte with kind 0",
            bare_head() + size + b"\x01\x50\x03\x03\x00",
            "parse",
        ),
        "entry-missing": ("data ends after the size: no entry byte", bare_head() + size, "parse"),
        "quant-missing": ("data ends after the entry byte", bare_head() + size + b"\x19", "parse"),
        "lone-entry-as-parts": (
            "a lone kind-3 entry written as a descriptors part (it has one encoding: the single body)",
            bare_head(parts=True) + size + lone,
            "parse",
        ),
        "no-parts": ("parts flag set and nothing after the size", bare_head(parts=True) + size, "parse"),
        "part-length-overrun": (
            "a prompt part whose length passes the end of the data",
            bare_head(parts=True) + size + b"\x04\x09\x00x",
            "parse",
        ),
        "wavelet-version-3": (
            "single entry of kind 3 version 3",
            bare_head() + size + b"\x1b\x50\x03\x03\x00",
            "decode",
        ),
        "wavelet-quant-over-limit": (
            "single entry of kind 3 with quant 192",
            bare_head() + size + b"\x19\xc0\x03\x03\x00",
            "decode",
        ),
        "wavelet-header-short": (
            "single kind-3 payload of two bytes",
            bare_head() + size + b"\x19\x50\x03\x03",
            "decode",
        ),
        "thumb-prefix-too-long": (
            "single kind-4 entry (0x21) whose stream of 0xFF bytes passes the 24-bit prefix",
            bare_head(minor=2) + size + b"\x21\x50" + b"\xff" * 40,
            "decode",
        ),
    }


@format_1_3
def bare_expected_errors() -> dict[str, tuple[str, int | None]]:
    """name -> (field, offset) by SPEC.md 5.5's offsets: the head is byte 0, a 4x4 size bytes 1-2,
    so a body (or a flagged colour or seed) starts at byte 3."""
    return {
        "empty": ("version", 0),
        "major-2": ("version.major", 0),
        "width-zero": ("header.width", 1),
        "colour-flag-rgb": ("header.colour", 3),
        "seed-flag-zero": ("header.seed", 3),
        "kind-zero": ("descriptors.kind", 3),  # the entry byte
        "entry-missing": ("descriptors.kind", 3),  # where it should start: the end of the data
        "quant-missing": ("descriptors.quant", 4),
        "lone-entry-as-parts": ("parts", 3),  # the part's type byte
        "no-parts": ("parts", 3),  # the end of the data
        "part-length-overrun": ("part.length", 4),
        "wavelet-version-3": ("descriptors.version", 3),  # kind and version share the entry byte
        "wavelet-quant-over-limit": ("descriptors.quant", 4),
        "wavelet-header-short": ("descriptors.payload", 5),
        "thumb-prefix-too-long": ("descriptors.payload", 5),  # after the entry and quant bytes
    }


def expected_error(name: str, data: bytes, stage: str, bare: bool = False) -> dict:
    """The hand-derived expectation, after checking that pcimg reports exactly it."""
    field, offset = (bare_expected_errors() if bare else expected_errors())[name]
    try:
        pci = pcimg.read(data, bare=bare)
        if stage == "decode":
            pcimg.decode(pci, size=(8, 8))
    except pcimg.PciError as exc:
        if (exc.field, exc.offset) != (field, offset):
            reported = f"pcimg reports {exc.field} at {exc.offset}"
            raise AssertionError(f"{name}: {reported}, the rule says {field} at {offset}") from None
        return {"error": "PciError", "stage": stage, "field": field, "offset": offset, "message": exc.reason}
    raise AssertionError(f"{name}: vector was accepted")


def format_1_6(build):
    """The writer as it was at format 1.6 (these vectors must not change): kind 5 written as version 2."""
    return mock.patch.object(wavelet_embedded, "VERSION", 2)(build)


def embedded_version_vectors(version: int, section: str) -> dict[str, tuple[str, PciFile]]:
    """Kind 5 of ``version`` as the encoder and ``pcimg.rebudget`` write it: a file, its cuts,
    a cut inside the LL values, a small and a grey file (``section``: CODEC.md's worked example)."""
    whole = pcimg.encode_pci(photo(), captioner="none", max_bytes=983, base="embedded")
    entry = whole.descriptors[0]
    assert (entry.kind, entry.version) == (5, version)
    cut_in_ll = whole.replace(
        descriptors=(Descriptor(5, version, entry.quant, wavelet_embedded.cut(entry.payload, 12)),)
    )
    name = f"embedded-v{version}"
    return {
        f"{name}-kodak-983": (f"768x512 photo at 983 bytes, wavelet-embedded version {version}", whole),
        f"{name}-kodak-cut-491": (
            f"{name}-kodak-983 cut to 491 bytes (pcimg.rebudget)",
            pcimg.read(pcimg.rebudget(whole, 491, method="cut")),
        ),
        f"{name}-kodak-cut-147": (
            f"{name}-kodak-983 cut to 147 bytes: the LL values' lowest bits not there",
            pcimg.read(pcimg.rebudget(whole, 147, method="cut")),
        ),
        f"{name}-kodak-cut-in-ll": (
            f"{name}-kodak-983's payload cut to 12 bytes, inside its halved LL values",
            cut_in_ll,
        ),
        f"{name}-tiny": (
            f"8x6 photo: one wavelet level, the worked example of CODEC.md {section}",
            pcimg.encode_pci(photo((8, 6)), captioner="none", max_bytes=60, base="embedded"),
        ),
        f"{name}-grey-odd": (
            f"77x45 greyscale photo: odd band lengths, one plane, version {version}",
            pcimg.encode_pci(photo((77, 45), "L"), captioner="none", max_bytes=300, base="embedded"),
        ),
    }


@format_1_6
def embedded_v2_vectors() -> dict[str, tuple[str, bytes]]:
    """Format 1.6: kind 5 version 2 (the LL values' lowest bits before plane 0, significance
    passes before refinement), and a stream without bit-planes."""
    files = embedded_version_vectors(2, "11.7")
    files["embedded-v2-no-planes"] = (
        "kind 5 version 2 with zero bit-planes: the halved LL values, then their lowest bits",
        PciFile(16, 12, descriptors=(Descriptor(5, 2, 90, b"\x0f\x0b\x00\x00\x00\x00"),)),
    )
    return {name: (text, pcimg.write(pci)) for name, (text, pci) in files.items()}


def embedded_v3_vectors() -> dict[str, tuple[str, bytes]]:
    """Format 1.7: kind 5 version 3 (richer contexts, a flagged block's last decision implied),
    and a file with alternate base layers (SPEC.md 6.9) with its re-budgeted forms."""
    files = embedded_version_vectors(3, "11.8")
    master = pcimg.encode_pci(photo(), captioner="none", max_bytes=983, base="embedded", alternates=(40, 147))
    files["embedded-v3-alternates"] = (
        "768x512 photo at 983 bytes: kind 5 and alternates of 40 and 147 bytes (SPEC.md 6.9)",
        master,
    )
    for size, how in (
        (491, "cut (no alternate stored near it)"),
        (147, "its 147-byte alternate"),
        (40, "its 40-byte alternate"),
    ):
        files[f"embedded-v3-alternates-{size}"] = (
            f"embedded-v3-alternates re-budgeted to {size} bytes by pcimg.rebudget: {how}",
            pcimg.read(pcimg.rebudget(master, size)),
        )
    return {name: (text, pcimg.write(pci)) for name, (text, pci) in files.items()}


def bare_alternates() -> dict[str, tuple[str, bytes]]:
    """Format 1.7: a bare form with a 21-byte alternate (a placeholder, ThumbHash's size) and the
    21-byte bare form a re-budget makes of it."""
    master = pcimg.encode(photo(), captioner="none", max_bytes=983, base="embedded", alternates=(21, 147), bare=True)
    return {
        "embedded-v3-bare-alternates": (
            "768x512 photo in 983 bare bytes: kind 5 and alternates of 21 and 147 bytes (SPEC.md 6.9)",
            master,
        ),
        "embedded-v3-bare-alternates-21": (
            "embedded-v3-bare-alternates re-budgeted to 21 bytes: its kind-4 alternate",
            pcimg.rebudget(master, 21, bare=True),
        ),
    }


def main() -> None:
    for folder in ("valid", "invalid", "bare/valid", "bare/invalid"):
        shutil.rmtree(HERE / folder, ignore_errors=True)
        (HERE / folder).mkdir(parents=True)
    v2 = wavelet_v2_vectors()
    embedded_v2 = embedded_v2_vectors()
    embedded_v3 = embedded_v3_vectors()
    for name, (text, data) in (valid_vectors() | prompt_v2_vectors() | v2 | embedded_v2 | embedded_v3).items():
        write_valid(HERE / "valid" / f"{name}.pci", text, data, bare=False)
    for name, (defect, data, stage) in invalid_vectors().items():
        write_invalid(HERE / "invalid" / f"x-{name}.pci", name, defect, data, stage, bare=False)
    bare_v2 = {
        "wavelet-v2-grey": (
            "the file vector wavelet-v2-grey in the bare form (format 1.5)",
            pcimg.write(pcimg.read(v2["wavelet-v2-grey"][1]), bare=True),
        ),
        "embedded-v2-kodak-983": (
            "the file vector embedded-v2-kodak-983 in the bare form (format 1.6): any prefix that reaches its payload "
            "decodes as a cut",
            pcimg.write(pcimg.read(embedded_v2["embedded-v2-kodak-983"][1]), bare=True),
        ),
        "embedded-v3-kodak-983": (
            "the file vector embedded-v3-kodak-983 in the bare form (format 1.7): any prefix that reaches its payload "
            "decodes as a cut",
            pcimg.write(pcimg.read(embedded_v3["embedded-v3-kodak-983"][1]), bare=True),
        ),
        **bare_alternates(),
    }
    for name, (text, data) in (bare_valid_vectors() | bare_v2).items():
        write_valid(HERE / "bare" / "valid" / f"{name}.bare", text, data, bare=True)
    for name, (defect, data, stage) in bare_invalid_vectors().items():
        write_invalid(HERE / "bare" / "invalid" / f"x-{name}.bare", name, defect, data, stage, bare=True)
    write_example()


def write_valid(path: Path, text: str, data: bytes, bare: bool) -> None:
    pci = pcimg.read(data, bare=bare)
    record = {
        "description": text,
        "file_sha256": hashlib.sha256(data).hexdigest(),
        "fields": describe(pci, file_size=len(data)),
    }
    decodable = all(d.version in KNOWN.get(d.kind, ()) for d in pci.descriptors)
    if pci.generator.id == "pcimg/parametric" and pci.width * pci.height <= 2**22 and decodable:
        record["decoded_sha256"] = pixels_sha(pcimg.decode(pci))
        record["decoded_at"] = {"size": list(SECOND_SIZE), "sha256": pixels_sha(pcimg.decode(pci, size=SECOND_SIZE))}
    path.write_bytes(data)
    path.with_suffix(".json").write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n", "utf-8")


def write_invalid(path: Path, name: str, defect: str, data: bytes, stage: str, bare: bool) -> None:
    record = {"defect": defect, **expected_error(name, data, stage, bare)}
    path.write_bytes(data)
    path.with_suffix(".json").write_text(json.dumps(record, indent=2) + "\n", "utf-8")


def hexdump(data: bytes) -> str:
    lines = []
    for offset in range(0, len(data), 16):
        chunk = data[offset : offset + 16]
        text = "".join(chr(b) if 32 <= b < 127 else "." for b in chunk)
        lines.append(f"{offset:04x}  {chunk.hex(' '):<47}  {text}")
    return "\n".join(lines)


def annotate(data: bytes) -> list[str]:
    """One line per field of the example, read back from the file itself."""
    pci = pcimg.read(data)
    rows, pos = [], 0

    def take(n: int, meaning: str) -> None:
        nonlocal pos
        rows.append(f"| {pos:#06x} | `{data[pos : pos + n].hex(' ')}` | {meaning} |")
        pos += n

    def varint_len(value: int) -> int:
        return len(encode_varint(value))

    take(8, "signature")
    take(1, "major version 1")
    take(1, "minor version 0")
    take(varint_len(pci.width), f"width {pci.width}")
    take(varint_len(pci.height), f"height {pci.height}")
    take(1, f"colour {pci.colour}")
    take(varint_len(pci.seed), f"seed {pci.seed}")
    for name in ("models", "descriptors", "prompt"):
        size = pci.part_sizes[name]
        payload_len = size - 1 - varint_len(size - 1 - 1)
        take(1, f"part type `{name}`")
        take(varint_len(payload_len), f"part length {payload_len}")
        if name == "models":
            ref = pci.models[0]
            take(1, "count 1")
            take(1, f"role {ref.role}")
            take(1, "form 0 (registered code)")
            take(varint_len(ref.code), f"code {ref.code}: `{ref.id}`")
        elif name == "descriptors":
            d = pci.descriptors[0]
            take(1, "count 1")
            take(1, f"kind {d.kind} (dct-colour)")
            take(1, f"version {d.version}")
            take(1, f"quant {d.quant}")
            take(varint_len(len(d.payload)), f"payload length {len(d.payload)}")
            kx, ky, cx, cy = d.payload[:4]
            take(4, f"grids: luma {kx}x{ky}, chroma {cx}x{cy}")
            take(len(d.payload) - 4, "range-coded coefficients (CODEC.md section 4)")
        else:
            take(1, "codec 0 (raw, no length field)")
            take(len(pci.prompt.payload), f"UTF-8 {pci.prompt.text!r}")
    take(4, "CRC-32 of all bytes before it")
    assert pos == len(data)
    return rows


def write_example() -> None:
    data = (HERE / "valid" / "basic-raw-prompt.pci").read_bytes()
    begin, end = (
        "<!-- example hex: generated by spec/vectors/generate.py; do not edit -->",
        "<!-- end of example hex -->",
    )
    table = "\n".join(["| offset | bytes | meaning |", "|---|---|---|", *annotate(data)])
    block = f"{begin}\n\n```\n{hexdump(data)}\n```\n\n{table}\n\n{end}"
    spec = ROOT / "spec" / "SPEC.md"
    text = spec.read_text("utf-8")
    start, stop = text.index(begin), text.index(end) + len(end)
    spec.write_text(text[:start] + block + text[stop:], "utf-8")


if __name__ == "__main__":
    main()
