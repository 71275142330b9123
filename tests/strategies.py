"""Hypothesis strategies for valid PciFile values (shared by tests and the fuzz harness)."""

from __future__ import annotations

from hypothesis import strategies as st

from pcimg import DecodeDigest, Descriptor, EncoderInfo, ModelRef, PciFile, Prompt, RawPart, Recipe, SourceInfo
from pcimg.format.registry import LIMITS, MODELS, PARTS, PROMPT_CODECS, SCHEDULERS

ID_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-"
name_part = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_-]{0,19}", fullmatch=True)
hub_ids = st.builds(lambda a, b: f"{a}/{b}", name_part, name_part).filter(lambda s: MODELS.by_name(s) is None)
revisions = st.text(ID_CHARS + ".", max_size=40)

model_refs = st.one_of(
    st.builds(
        ModelRef,
        st.sampled_from(["captioner", "generator", "controlnet"]),
        st.sampled_from([e.name for e in MODELS.entries]),
    ),
    st.builds(
        ModelRef,
        st.sampled_from(["captioner", "generator", "controlnet"]),
        hub_ids,
        revisions,
        st.one_of(st.just(b""), st.binary(min_size=32, max_size=32)),
    ),
)
manifests = st.lists(model_refs, max_size=3, unique_by=lambda m: m.role).map(tuple)
recipes = st.builds(
    Recipe,
    st.integers(0, LIMITS["max_steps"]),
    st.integers(0, 1000),
    st.integers(0, 1000),
    st.sampled_from([e.name for e in SCHEDULERS.entries]),
    st.integers(0, 4096),
    st.integers(0, 4096),
)
descriptors = st.lists(
    st.builds(Descriptor, st.integers(1, 300), st.integers(0, 255), st.integers(0, 255), st.binary(max_size=200)),
    max_size=4,
    unique_by=lambda d: d.kind,
).map(lambda ds: tuple(sorted(ds, key=lambda d: d.kind)))
prompt_texts = st.text(max_size=300).filter(lambda t: len(t.encode("utf-8")) <= LIMITS["max_prompt_bytes"])
prompts = st.builds(Prompt.from_text, prompt_texts, st.sampled_from([e.name for e in PROMPT_CODECS.entries]))
unknown_ancillary = st.integers(0x80, 0xFF).filter(lambda t: PARTS.by_code(t) is None)
extra_parts = st.lists(
    st.builds(RawPart, unknown_ancillary, st.binary(max_size=40)), max_size=3, unique_by=lambda p: p.type
).map(tuple)
metadata = st.lists(
    st.tuples(st.from_regex(r"[A-Za-z][A-Za-z0-9_]{0,15}", fullmatch=True), st.text(max_size=60)),
    max_size=4,
    unique_by=lambda kv: kv[0],
).map(tuple)


@st.composite
def pci_files(draw) -> PciFile:
    prompt = draw(st.one_of(st.none(), prompts))
    descs = draw(descriptors)
    if prompt is None and not descs:
        prompt = Prompt.from_text("x", "raw")
    return PciFile(
        width=draw(st.integers(1, LIMITS["max_dimension"])),
        height=draw(st.integers(1, LIMITS["max_dimension"])),
        colour=draw(st.sampled_from(["rgb", "grey"])),
        seed=draw(st.integers(0, 2**64 - 1)),
        models=draw(manifests),
        recipe=draw(st.one_of(st.none(), recipes)),
        descriptors=descs,
        prompt=prompt,
        encoder=draw(
            st.one_of(st.none(), st.builds(EncoderInfo, st.text(min_size=1, max_size=20), st.text(max_size=10)))
        ),
        digest=draw(
            st.one_of(st.none(), st.builds(DecodeDigest, st.just("sha256-rgb8"), st.binary(min_size=4, max_size=32)))
        ),
        metadata=draw(metadata),
        source=draw(
            st.one_of(st.none(), st.builds(SourceInfo, st.sampled_from(["PNG", "JPEG", "WEBP"]), st.integers(0, 2**40)))
        ),
        extra_parts=draw(extra_parts),
        minor_version=draw(st.integers(0, 255)),
    )
