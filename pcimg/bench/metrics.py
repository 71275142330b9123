"""Full-reference image metrics, weight-free: PSNR, MS-SSIM and HaarPSI.

MS-SSIM follows Wang, Simoncelli & Bovik (2003) on luma with the usual 11x11 Gaussian
(sigma 1.5) and five scales; HaarPSI follows Reisenhofer et al. (2018) and the authors'
reference code (YIQ, 2x2 pre-subsampling, three Haar scales, C = 30, alpha = 4.2).
``tests/test_bench.py`` checks both against reference values from the authors' NumPy code (HaarPSI) and piq (MS-SSIM).
"""

from __future__ import annotations

import numpy as np
from scipy.ndimage import correlate1d
from scipy.signal import convolve2d

MS_SSIM_WEIGHTS = np.array([0.0448, 0.2856, 0.3001, 0.2363, 0.1333])


def psnr(reference: np.ndarray, test: np.ndarray) -> float:
    mse = float(np.mean((reference.astype(np.float64) - test.astype(np.float64)) ** 2))
    return float("inf") if mse == 0 else 10 * np.log10(255.0**2 / mse)


def luma(rgb: np.ndarray) -> np.ndarray:
    if rgb.ndim == 2:
        return rgb.astype(np.float64)
    return rgb.astype(np.float64) @ np.array([0.299, 0.587, 0.114])


def _gaussian(size: int = 11, sigma: float = 1.5) -> np.ndarray:
    x = np.arange(size) - (size - 1) / 2
    g = np.exp(-(x**2) / (2 * sigma**2))
    return g / g.sum()


def _filter_valid(image: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    out = correlate1d(correlate1d(image, kernel, axis=0, mode="constant"), kernel, axis=1, mode="constant")
    half = len(kernel) // 2
    return out[half:-half, half:-half]


MS_SSIM_MIN_SIDE = 176


def _ssim_parts(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
    g = _gaussian()
    mx, my = _filter_valid(x, g), _filter_valid(y, g)
    sxx = _filter_valid(x * x, g) - mx * mx
    syy = _filter_valid(y * y, g) - my * my
    sxy = _filter_valid(x * y, g) - mx * my
    cs = (2 * sxy + c2) / (sxx + syy + c2)
    ssim = ((2 * mx * my + c1) / (mx * mx + my * my + c1)) * cs
    return float(ssim.mean()), float(cs.mean())


def ms_ssim(reference: np.ndarray, test: np.ndarray) -> float:
    """MS-SSIM of the luma planes; NaN for images under MS_SSIM_MIN_SIDE px on the short side,
    where the fifth scale is smaller than the 11-tap window."""
    if min(reference.shape[:2]) < MS_SSIM_MIN_SIDE:
        return float("nan")
    x, y = luma(reference), luma(test)
    values = []
    for scale in range(len(MS_SSIM_WEIGHTS)):
        ssim, cs = _ssim_parts(x, y)
        values.append(ssim if scale == len(MS_SSIM_WEIGHTS) - 1 else cs)
        h, w = (x.shape[0] // 2) * 2, (x.shape[1] // 2) * 2
        x = x[:h, :w].reshape(h // 2, 2, w // 2, 2).mean((1, 3))
        y = y[:h, :w].reshape(h // 2, 2, w // 2, 2).mean((1, 3))
    values = np.maximum(np.array(values), 0.0)
    return float(np.prod(values**MS_SSIM_WEIGHTS))


def _conv_same(image: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """MATLAB's conv2(..., 'same') alignment, which the HaarPSI reference reproduces this way."""
    return np.rot90(convolve2d(np.rot90(image, 2), np.rot90(kernel, 2), mode="same"), 2)


def _subsample(image: np.ndarray) -> np.ndarray:
    return _conv_same(image, np.ones((2, 2)) / 4.0)[::2, ::2]


def _haar(image: np.ndarray, scales: int) -> np.ndarray:
    out = np.zeros((*image.shape, 2 * scales))
    for scale in range(1, scales + 1):
        f = 2.0**-scale * np.ones((2**scale, 2**scale))
        f[: f.shape[0] // 2, :] = -f[: f.shape[0] // 2, :]
        out[:, :, scale - 1] = _conv_same(image, f)
        out[:, :, scale + scales - 1] = _conv_same(image, f.T)
    return out


def haarpsi(reference: np.ndarray, test: np.ndarray) -> float:
    """HaarPSI in [0, 1] (1 is identical); RGB or greyscale uint8 arrays."""
    c, alpha, scales = 30.0, 4.2, 3
    ref, dist = reference.astype(np.float64), test.astype(np.float64)
    colour = ref.ndim == 3
    if colour:
        yiq = np.array([[0.299, 0.587, 0.114], [0.596, -0.274, -0.322], [0.211, -0.523, 0.312]])
        ref, dist = ref @ yiq.T, dist @ yiq.T
        planes_r, planes_d = [ref[..., i] for i in range(3)], [dist[..., i] for i in range(3)]
    else:
        planes_r, planes_d = [ref], [dist]
    planes_r = [_subsample(p) for p in planes_r]
    planes_d = [_subsample(p) for p in planes_d]
    cr, cd = _haar(planes_r[0], scales), _haar(planes_d[0], scales)
    n = 3 if colour else 2
    sims = np.zeros((*planes_r[0].shape, n))
    weights = np.zeros((*planes_r[0].shape, n))
    for o in range(2):
        weights[..., o] = np.maximum(np.abs(cr[..., 2 + o * scales]), np.abs(cd[..., 2 + o * scales]))
        mr = np.abs(cr[..., (o * scales, 1 + o * scales)])
        md = np.abs(cd[..., (o * scales, 1 + o * scales)])
        sims[..., o] = np.sum((2 * mr * md + c) / (mr**2 + md**2 + c), axis=2) / 2
    if colour:
        box = np.ones((2, 2)) / 4.0
        ir, idd = (np.abs(_conv_same(p, box)) for p in (planes_r[1], planes_d[1]))
        qr, qd = (np.abs(_conv_same(p, box)) for p in (planes_r[2], planes_d[2]))
        sims[..., 2] = ((2 * ir * idd + c) / (ir**2 + idd**2 + c) + (2 * qr * qd + c) / (qr**2 + qd**2 + c)) / 2
        weights[..., 2] = (weights[..., 0] + weights[..., 1]) / 2
    value = np.sum(1.0 / (1.0 + np.exp(-alpha * sims)) * weights) / np.sum(weights)
    return float((np.log(value / (1 - value)) / alpha) ** 2)


def all_metrics(reference: np.ndarray, test: np.ndarray) -> dict[str, float]:
    return {"psnr": psnr(reference, test), "ms_ssim": ms_ssim(reference, test), "haarpsi": haarpsi(reference, test)}
