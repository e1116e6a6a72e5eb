#!/usr/bin/python3
"""Fits the two polynomials of FixedMath.erf / erfc (float, see its Javadoc) and prints them as Java literals.

  erf(a)/a  = P(a^2)            for 0 <= a < 1,      degree 6 in z = a^2
  erfc(a)   = e^(-a^2) G(s)/a   for 1 <= a <= 10.5,  degree 11 in s = 1/a - 0.55

Near-minimax in relative error (Lawson's iteratively reweighted least squares on 400 Chebyshev nodes), reference
values from mpmath at 40 digits. Regenerate with /usr/bin/python3 tools/fit_erf.py (needs numpy and mpmath, both
Debian packages); the output must equal the constants P0..P6 and G0..G11 in FixedMath.java.
"""
import mpmath as mp
import numpy as np

mp.mp.dps = 40


def nodes(lo, hi, n):
    k = np.arange(n)
    return (lo + hi) / 2 + (hi - lo) / 2 * np.cos(np.pi * (k + 0.5) / n)


def lawson(xs, fs, degree, iters=60):
    """Coefficients c_0..c_degree minimising max |sum c_k x^k - f| / |f| (approximately), and that error."""
    a = np.array([[x ** k for k in range(degree + 1)] for x in xs]) / np.abs(fs)[:, None]
    b = fs / np.abs(fs)
    w = np.ones(len(xs)) / len(xs)
    for _ in range(iters):
        sw = np.sqrt(w)
        c, *_ = np.linalg.lstsq(a * sw[:, None], b * sw, rcond=None)
        err = np.abs(a @ c - b)
        w = w * err
        w /= w.sum()
    return c, err.max()


def literals(prefix, c):
    return ", ".join("%s%d = %sf" % (prefix, k, repr(float(v))) for k, v in enumerate(np.float32(c)))


z = nodes(1e-9, 1.0, 400)
p, ep = lawson(z, np.array([float(mp.erf(mp.sqrt(v)) / mp.sqrt(v)) for v in z]), 6)
t = nodes(0.09, 1.0, 400)
g, eg = lawson(t - 0.55, np.array([float(mp.erfc(1 / mp.mpf(v)) * mp.exp(1 / mp.mpf(v) ** 2) / v) for v in t]), 11)
print("// P: max relative error %.2g before rounding to float" % ep)
print(literals("P", p))
print("// G: max relative error %.2g before rounding to float" % eg)
print(literals("G", g))
