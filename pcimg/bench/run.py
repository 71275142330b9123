"""The Kodak benchmark: pcimg's embedded codec against the best classical peer per budget.

Writes results.md (tables), rd-*.png (rate-distortion plots), contact-sheet.png and
results.json into the output folder, and prints the tables.
"""

from __future__ import annotations

import json
import time
import tracemalloc
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from ..api import decode, encode_pci
from ..format.container import write
from .metrics import all_metrics, psnr
from .peers import SCALES, at_budget, available_codecs

BUDGETS = (147, 491, 983)
METRICS = ("psnr", "ms_ssim", "haarpsi")
TOP_SCALES = 3  # per codec, the scales with the best PSNR get the slower metrics


@dataclass
class Measured:
    image: str
    budget: int
    method: str
    size: int
    metrics: dict[str, float]
    encode_s: float = 0.0
    decode_s: float = 0.0
    peak_mib: float = 0.0
    detail: str = ""


def _timed(fn, *args, **kwargs):
    """(result, seconds, peak MiB): time untraced, then peak memory in a second, traced run."""
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    elapsed = time.perf_counter() - start
    tracemalloc.start()
    try:
        fn(*args, **kwargs)
        peak = tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()
    return result, elapsed, peak


def bench_pcimg(path: Path, budget: int, with_prompt: bool) -> tuple[Measured, np.ndarray]:
    image = Image.open(path).convert("RGB")
    captioner = "descriptor" if with_prompt else "none"
    pci, enc_s, enc_peak = _timed(encode_pci, image, captioner=captioner, max_bytes=budget)
    data = write(pci)
    decoded, dec_s, dec_peak = _timed(decode, data)
    out = np.asarray(decoded)
    method = "pcimg (prompt)" if with_prompt else "pcimg (descriptors)"
    m = Measured(
        path.name, budget, method, len(data), all_metrics(np.asarray(image), out), enc_s, dec_s, max(enc_peak, dec_peak)
    )
    return m, out


def bench_peers(path: Path, budget: int) -> list[Measured]:
    """Best configuration per codec and per metric (each metric gets its own best)."""
    image = Image.open(path).convert("RGB")
    reference = np.asarray(image)
    results = []
    for codec in available_codecs():
        trials = [r for s in SCALES if (r := at_budget(image, codec, s, budget)) is not None]
        if not trials:
            continue
        trials.sort(key=lambda r: -psnr(reference, r.decoded))
        scored = [(r, all_metrics(reference, r.decoded)) for r in trials[:TOP_SCALES]]
        best = {k: max(v[k] for _, v in scored) for k in METRICS}
        r0 = scored[0][0]
        results.append(
            Measured(path.name, budget, codec, r0.size, best, detail=f"scale 1/{1 / r0.scale:.3g} q{r0.quality}")
        )
    return results


def _one_image(args: tuple[Path, tuple[int, ...]]) -> tuple[list[Measured], dict[int, np.ndarray]]:
    path, budgets = args
    rows, decodes = [], {}
    for budget in budgets:
        for with_prompt in (True, False):
            measured, out = bench_pcimg(path, budget, with_prompt)
            rows.append(measured)
            if not with_prompt:
                decodes[budget] = out
        rows.extend(bench_peers(path, budget))
    return rows, decodes


def summarise(rows: list[Measured], budgets: tuple[int, ...]) -> str:
    """Markdown: mean metrics per method and budget, with the best classical peer per metric."""
    lines = []
    for budget in budgets:
        at = [r for r in rows if r.budget == budget]
        images = sorted({r.image for r in at})
        lines += [
            f"\n### {budget} bytes ({8 * budget / (768 * 512):.4f} bpp at 768x512), {len(images)} images\n",
            "| method | mean bytes | PSNR dB | MS-SSIM | HaarPSI | encode ms | decode ms | peak MiB | images |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        methods = sorted({r.method for r in at}, key=lambda m: (not m.startswith("pcimg"), m))
        for method in methods:
            mine = [r for r in at if r.method == method]
            mean = {k: np.mean([r.metrics[k] for r in mine]) for k in METRICS}
            timing = (
                (
                    f"{1e3 * np.mean([r.encode_s for r in mine]):.0f} | {1e3 * np.mean([r.decode_s for r in mine]):.0f}"
                    f" | {np.max([r.peak_mib for r in mine]):.0f}"
                )
                if method.startswith("pcimg")
                else "- | - | -"
            )
            lines.append(
                f"| {method} | {np.mean([r.size for r in mine]):.0f} | {mean['psnr']:.2f} | "
                f"{mean['ms_ssim']:.4f} | {mean['haarpsi']:.4f} | {timing} | {len(mine)} |"
            )
        # best classical peer per image and metric (codec may differ per image)
        best = {}
        for k in METRICS:
            per_image = [
                max(
                    (r.metrics[k] for r in at if r.image == i and not r.method.startswith("pcimg")),
                    default=float("nan"),
                )
                for i in images
            ]
            best[k] = np.nanmean(per_image)
        lines.append(
            f"| best classical (per image, per metric) | - | {best['psnr']:.2f} | {best['ms_ssim']:.4f} | "
            f"{best['haarpsi']:.4f} | - | - | - | {len(images)} |"
        )
    return "\n".join(lines)


def plots(rows: list[Measured], out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    for k in METRICS:
        fig, ax = plt.subplots(figsize=(6, 4))
        for method in sorted({r.method for r in rows}):
            xs, ys = [], []
            for budget in sorted({r.budget for r in rows}):
                mine = [r for r in rows if r.method == method and r.budget == budget]
                if mine:
                    xs.append(np.mean([8 * r.size / (768 * 512) for r in mine]))
                    ys.append(np.mean([r.metrics[k] for r in mine]))
            ax.plot(xs, ys, marker="o", label=method)
        ax.set_xlabel("bits per pixel")
        ax.set_ylabel(k)
        ax.set_title(f"Kodak, {k}")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7)
        fig.tight_layout()
        fig.savefig(out / f"rd-{k}.png", dpi=100)
        plt.close(fig)


def contact_sheet(paths: list[Path], decodes: list[dict[int, np.ndarray]], out: Path, width: int = 192) -> None:
    """One row per image (first six): the original, then the descriptors-only decode per budget."""
    rows = []
    for path, dec in list(zip(paths, decodes, strict=True))[:6]:
        row = [Image.open(path).convert("RGB")] + [Image.fromarray(dec[b]) for b in sorted(dec)]
        rows.append([im.resize((width, round(width * im.height / im.width))) for im in row])
    if not rows:
        return
    sheet = Image.new("RGB", (width * len(rows[0]), sum(row[0].height for row in rows)), "white")
    top = 0
    for row in rows:
        for i, thumb in enumerate(row):
            sheet.paste(thumb, (width * i, top))
        top += row[0].height
    sheet.save(out / "contact-sheet.png")


def run(images: Path, out: Path, budgets: tuple[int, ...] = BUDGETS, limit: int | None = None, workers: int = 2) -> str:
    paths = sorted(images.glob("*.png"))[:limit]
    if not paths:
        raise SystemExit(f"no PNG images in {images}")
    out.mkdir(parents=True, exist_ok=True)
    with ProcessPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(_one_image, [(p, budgets) for p in paths]))
    rows = [r for rs, _ in results for r in rs]
    table = summarise(rows, budgets)
    (out / "results.md").write_text(f"# pcimg benchmark on {images}\n{table}\n")
    (out / "results.json").write_text(json.dumps([r.__dict__ for r in rows], indent=1))
    plots(rows, out)
    contact_sheet(paths, [d for _, d in results], out)
    return table
