#!/usr/bin/env python3
"""Writes examples/houses.csv: a small synthetic regression table for `vectorgrad train --csv`.

2000 rows of five numeric features on very different scales (so that per-column standardization matters) and one
target, `price` (in units of 100 000), a smooth nonlinear function of the features plus Gaussian noise of standard
deviation 0.05 (so the best achievable test MSE is about 0.0025). Plain python3, no packages; seeded, so every run
writes the same bytes:

    python3 tools/make_regression_csv.py            # writes examples/houses.csv
    ./vectorgrad train --csv examples/houses.csv --target price --task regression --hidden 64,64 --epochs 30

The header's last-but-one column name is quoted and holds a comma ("distance, km"), as RFC 4180 allows.
"""
import math
import os
import random

ROWS = 2000
SEED = 2026


def main():
    rng = random.Random(SEED)
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "examples", "houses.csv")
    lines = ['area_m2,rooms,age_years,"distance, km",floor,price']
    for _ in range(ROWS):
        area = rng.uniform(30, 200)
        rooms = rng.randint(1, 6)
        age = rng.uniform(0, 80)
        dist = rng.uniform(0.5, 30)
        floor = rng.randint(0, 10)
        price = (0.012 * area + 0.08 * rooms - 0.006 * age
                 + 0.9 * math.exp(-dist / 8) + 0.15 * math.sin(floor / 2)
                 - 0.00004 * (area - 110) ** 2 + rng.gauss(0, 0.05))
        lines.append("%.1f,%d,%.1f,%.2f,%d,%.4f" % (area, rooms, age, dist, floor, price))
    with open(out, "w", newline="") as f:
        f.write("\r\n".join(lines) + "\r\n")   # CRLF, as RFC 4180 writes records


if __name__ == "__main__":
    main()
