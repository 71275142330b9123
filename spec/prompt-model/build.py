"""Build spec/data/prompt-en-v1.json and prompt-en-v2.json (copied to pcimg/data/): the tables
of prompt codecs 3 and 5 (codec 5 is codec 3's tables plus successor tables).

Sources: the caption training split (CMC-Bench GPT-4V captions, MIT) and wordfreq's English
word list and frequencies (data CC BY-SA 4.0, see spec/data/README.md). The test split is
never read here. Usage: python spec/prompt-model/build.py [TRAIN_CSV]
"""

from __future__ import annotations

import csv
import json
import math
import sys
from collections import Counter
from pathlib import Path

from wordfreq import top_n_list, word_frequency

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "spec" / "data" / "prompt-en-v1.json"
OUT_V2 = ROOT / "spec" / "data" / "prompt-en-v2.json"
TOTAL = 1 << 16
HEAD_WORDS = 8190  # head table: SPELL, TAIL, then these words
WORDFREQ_WORDS = 32000
TRAIN_WEIGHT = 0.7  # chosen by cross-validation on halves of the training split (see main)
PUNCT = "\n\t,.;:!?-'\"()[]{}/\\&%+=*#@$_<>|~^`—–“”‘’…•°×"  # ASCII punctuation, tab, newline, typography


def quantise(counts: list[float]) -> list[int]:
    """Positive integers summing to 2**16, proportional to counts (largest remainders)."""
    total = sum(counts)
    floors = [max(1, math.floor(c / total * TOTAL)) for c in counts]
    spare = TOTAL - sum(floors)
    order = sorted(
        range(len(counts)), key=lambda i: (-(counts[i] / total * TOTAL - math.floor(counts[i] / total * TOTAL)), i)
    )
    step = 1 if spare > 0 else -1
    i = 0
    while spare:
        j = order[i % len(order)]
        if step > 0 or floors[j] > 1:
            floors[j] += step
            spare -= step
        i += 1
    return floors


def read_train(path: Path) -> list[str]:
    with path.open(encoding="utf-8-sig") as handle:
        return [row["text"] for row in csv.DictReader(handle)]


def word_counts(texts: list[str], weight: float, vocab_extra: list[str]) -> dict[str, float]:
    """Mixture of the captions' word distribution and wordfreq's English distribution."""
    from pcimg.format.prompt_model import pieces

    counts = Counter(p.lower() for t in texts for p in pieces(t) if p.isascii() and p.isalpha())
    n = sum(counts.values())
    vocab = set(counts) | set(vocab_extra)
    wf = {w: word_frequency(w, "en") for w in vocab}
    wf_total = sum(wf.values())
    return {w: weight * counts.get(w, 0) / n + (1 - weight) * wf[w] / wf_total for w in vocab}


def context_stats(texts: list[str], punct: str) -> dict:
    from pcimg.format import prompt_model as pm

    classes = [[1.0] * 5 for _ in range(7)]
    cases = [[1.0] * 4 for _ in range(2)]
    punct_counts = [1.0] * len(punct)
    digits = [1.0] * 10
    letters = [[1.0] * 27 for _ in range(27)]
    mixed = [1.0] * 53
    index = {c: i for i, c in enumerate(punct)}
    fake = type("M", (), {"punct_index": index})
    for text in texts:
        context, sentence_start = pm.START, True
        for piece in pm.pieces(text):
            cls = pm._class_of(piece, fake)
            classes[context][cls] += 1
            if cls == pm.WORD:
                case = pm._case_of(piece)
                cases[0 if sentence_start else 1][case] += 1
                previous = 0
                for ch in piece.lower():
                    letters[previous][ord(ch) - 96] += 1
                    previous = ord(ch) - 96
                letters[previous][0] += 1
                if case == pm.MIXED:
                    for ch in piece:
                        mixed[1 + (ord(ch) - 97 if ch.islower() else 26 + ord(ch) - 65)] += 1
                    mixed[0] += 1
            elif cls == pm.PUNCT:
                punct_counts[index[piece]] += 1
            elif cls == pm.DIGIT:
                digits[ord(piece) - 48] += 1
            if cls != pm.SPACE:
                sentence_start = cls == pm.PUNCT and piece in pm.END_PUNCT
            context = pm._next_context(cls, piece)
    return {"classes": classes, "cases": cases, "punct": punct_counts, "digits": digits, "letters": letters,
            "mixed": mixed}  # fmt: skip


def build(texts: list[str], weight: float = TRAIN_WEIGHT) -> dict:
    words = word_counts(texts, weight, [w for w in top_n_list("en", WORDFREQ_WORDS) if w.isascii() and w.isalpha()])
    ranked = sorted(words, key=lambda w: (-words[w], w))
    head, tail = ranked[:HEAD_WORDS], ranked[HEAD_WORDS:]
    tail_mass = sum(words[w] for w in tail)
    spell_mass = 0.01  # share of words outside the vocabulary, measured on training halves (about 1%)
    stats = context_stats(texts, PUNCT)
    return {
        "name": "pcimg-en-v1",
        "format": 1,
        "class_freqs": [quantise(c) for c in stats["classes"]],
        "case_freqs": [quantise(c) for c in stats["cases"]],
        "head_words": head,
        "head_freqs": quantise([spell_mass, tail_mass] + [words[w] for w in head]),
        "tail_words": tail,
        "tail_freqs": quantise([words[w] for w in tail]),
        "punct": PUNCT,
        "punct_freqs": quantise(stats["punct"]),
        "digit_freqs": quantise(stats["digits"]),
        "letter_freqs": [quantise(c) for c in stats["letters"]],
        "mixed_letter_freqs": quantise(stats["mixed"]),
        "byte_freqs": quantise([1.0] * 256),
    }


CAPTIONER_SENTENCES = 200  # the embedded captioner's sentences among the successor counts (see main)
SUCCESSOR_WEIGHT = 2.0  # Witten-Bell: the escape grows with distinct successors (cross-validated, see main)
SUCCESSOR_MIN_COUNT = 1  # keys seen at least this often get a table (cross-validated)


def successor_counts(texts: list[str], head: set[str]) -> dict[str, Counter]:
    """For each key (a word in lower case, a punctuation mark, "" at the start), the head words
    that follow it; spaces keep the key, digits and other characters end it (as the codec does)."""
    from pcimg.format import prompt_model as pm

    punct_index = {c: i for i, c in enumerate(PUNCT)}
    fake = type("M", (), {"punct_index": punct_index})
    follow: dict[str, Counter] = {}
    for text in texts:
        key: str | None = pm.TEXT_START
        for piece in pm.pieces(text):
            cls = pm._class_of(piece, fake)
            if cls == pm.WORD and key is not None and pm._case_of(piece) != pm.MIXED and piece.lower() in head:
                follow.setdefault(key, Counter())[piece.lower()] += 1
            key = pm._next_key(cls, piece, key)
    return follow


def captioner_sentences(count: int, seed: int = 1) -> list[str]:
    """What the embedded descriptor captioner writes, on random pictures (a few flat colour
    areas, some grey ones): its grammar and words, so that the default encoder's prompts are
    cheap. No photograph is read."""
    import numpy as np

    from pcimg.codec.captioners import describe_colours

    rng = np.random.default_rng(seed)
    out = []
    for _ in range(count):
        picture = np.empty((24, 32, 3))
        rows = np.sort(rng.integers(1, 24, size=2))
        for band, (top, bottom) in enumerate(((0, rows[0]), (rows[0], rows[1]), (rows[1], 24))):
            colour = rng.uniform(0, 255, size=3)
            if rng.random() < 0.3:
                colour[:] = colour.mean()
            width = int(rng.integers(8, 33)) if band == 1 else 32
            picture[top:bottom] = colour
            picture[top:bottom, width:] = rng.uniform(0, 255, size=3)
        grey = rng.random() < 0.1
        out.append(describe_colours(picture.mean(axis=2) if grey else picture))
    return out


def build_successors(texts: list[str], base: dict, weight: float = SUCCESSOR_WEIGHT,
                     min_count: int = SUCCESSOR_MIN_COUNT) -> dict:  # fmt: skip
    """Successor tables: for a key seen n times with d distinct successors, a listed word w
    gets l * count(w) / n + (1 - l) * p1(w) with l = n / (n + weight * d) and p1 codec 3's
    head-table probability; the escape keeps the rest."""
    index = {w: i for i, w in enumerate(base["head_words"])}
    unigram = {w: base["head_freqs"][i + 2] / TOTAL for w, i in index.items()}
    keys, words, freqs = [], [], []
    for key, counts in sorted(successor_counts(texts, set(index)).items()):
        n, d = sum(counts.values()), len(counts)
        if n < min_count:
            continue
        share = n / (n + weight * d)
        listed = sorted(counts, key=lambda w: (-counts[w], w))
        probs = [share * counts[w] / n + (1 - share) * unigram[w] for w in listed]
        keys.append(key)
        words.append([index[w] for w in listed])
        freqs.append(quantise([max(1e-9, 1 - sum(probs)), *probs]))
    return {"name": "pcimg-en-v2", "format": 1, "keys": keys, "words": words, "freqs": freqs}


def cross_validate_successors(texts: list[str]) -> None:
    """Mean coded bytes on each half of the training split, tables built on the other half; and
    on captioner sentences not counted (another seed), against the smaller of codecs 3 and 5."""
    import pcimg.format.prompt_model as pm

    half = len(texts) // 2
    held_sentences = captioner_sentences(300, seed=2)
    runs = [(w, c, CAPTIONER_SENTENCES) for w in (1.0, 2.0, 4.0) for c in (1, 3, 10)]
    runs += [(SUCCESSOR_WEIGHT, SUCCESSOR_MIN_COUNT, n) for n in (0, 50, 1000)]
    for weight, min_count, sentences in runs:
        sizes, base_sizes, captioner = [], [], []
        for fit, held in ((texts[:half], texts[half:]), (texts[half:], texts[:half])):
            base = build(fit)
            extra = captioner_sentences(sentences)
            m1, m2 = pm.Model(base), pm.Model(base, build_successors(fit + extra, base, weight, min_count))
            sizes += [len(pm.encode(t, m2)) for t in held]
            base_sizes += [len(pm.encode(t, m1)) for t in held]
            captioner += [min(len(pm.encode(t, m1)), len(pm.encode(t, m2))) for t in held_sentences]
        print(f"weight {weight}, min count {min_count}, {sentences} captioner sentences: "
              f"{sum(sizes) / len(sizes):.2f} bytes per caption (codec 3: {sum(base_sizes) / len(base_sizes):.2f}); "
              f"captioner sentences {sum(captioner) / len(captioner):.2f}")  # fmt: skip


def cross_validate(texts: list[str]) -> None:
    """Print mean coded bytes on each half of the training split for models built on the other."""
    import pcimg.format.prompt_model as pm

    half = len(texts) // 2
    for weight in (0.3, 0.5, 0.7, 0.9):
        sizes = []
        for fit, held in ((texts[:half], texts[half:]), (texts[half:], texts[:half])):
            m = pm.Model(build(fit, weight))
            original = pm.model
            pm.model = lambda m=m: m
            try:
                sizes += [len(pm.encode(t)) for t in held]
            finally:
                pm.model = original
        print(f"train weight {weight}: {sum(sizes) / len(sizes):.2f} bytes per caption (held-out halves)")


ZSTD_DICT = ROOT / "spec" / "data" / "zstd-dict-v1.bin"
PACKAGED = ROOT / "pcimg" / "data"
ZSTD_DICT_BYTES = 8192


def build_zstd_dictionary(texts: list[str]) -> bytes:
    """A zstd dictionary trained on the training captions (codec 4, zstd-dict-v1)."""
    import zstandard

    samples = [t.encode("utf-8") for t in texts]
    return zstandard.train_dictionary(ZSTD_DICT_BYTES, samples, dict_id=0x50434931, level=19).as_bytes()


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    train = read_train(Path(args[0]) if args else ROOT.parent / "shared" / "captions" / "train-gpt4v.csv")
    if "--cross-validate" in sys.argv:
        cross_validate(train)
        cross_validate_successors(train)
        return
    OUT.parent.mkdir(exist_ok=True)
    base = build(train)
    OUT.write_text(json.dumps(base, ensure_ascii=False, separators=(",", ":")), "utf-8")
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")
    successors = build_successors(train + captioner_sentences(CAPTIONER_SENTENCES), base)
    OUT_V2.write_text(json.dumps(successors, ensure_ascii=False, separators=(",", ":")), "utf-8")
    print(f"wrote {OUT_V2} ({OUT_V2.stat().st_size} bytes)")
    ZSTD_DICT.write_bytes(build_zstd_dictionary(train))
    for built in (OUT, OUT_V2, ZSTD_DICT):
        (PACKAGED / built.name).write_bytes(built.read_bytes())  # the wheel's checked copy
    print(f"wrote {ZSTD_DICT} ({ZSTD_DICT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
