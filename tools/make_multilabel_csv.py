#!/usr/bin/env python3
"""Writes examples/sensors.csv: a small synthetic multi-label table for `vectorgrad train --csv --task multilabel`.

1500 rows of four sensor readings and three yes/no alarm labels (`overheat`, `vibration`, `leak`), each a
threshold of a different combination of the readings, with 3 % of labels flipped at random (so no model reaches
100 %). Plain python3, no packages; seeded, so every run writes the same bytes:

    python3 tools/make_multilabel_csv.py            # writes examples/sensors.csv
    ./vectorgrad train --csv examples/sensors.csv --target overheat,vibration,leak --task multilabel --hidden 32 --epochs 20
"""
import os
import random

ROWS = 1500
SEED = 7


def main():
    rng = random.Random(SEED)
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "examples", "sensors.csv")
    lines = ["temperature,pressure,rpm,humidity,overheat,vibration,leak"]
    for _ in range(ROWS):
        temp = rng.gauss(60, 15)
        pressure = rng.gauss(2.0, 0.5)
        rpm = rng.uniform(500, 3000)
        humidity = rng.uniform(10, 90)
        labels = [temp + 0.01 * rpm > 95,
                  rpm > 2200 or (pressure > 2.6 and rpm > 1500),
                  humidity > 70 and pressure < 1.8]
        labels = [int(l) ^ (rng.random() < 0.03) for l in labels]
        lines.append("%.2f,%.3f,%.0f,%.1f,%d,%d,%d" % (temp, pressure, rpm, humidity, *labels))
    with open(out, "w", newline="") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
