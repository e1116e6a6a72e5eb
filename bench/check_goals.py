#!/usr/bin/env python3
"""Checks a JMH JSON result (-rf json) against the goals in bench/goals.json.

Usage: bench/check_goals.py RESULT.json [GOALS.json]
Prints one line per goal (benchmark, params, metric, measured value, limit, ok/FAILED) and exits 0 when every goal
is met, 1 when one is missed or was not measured, 2 on bad input. Goals may name "params" (a subset of the JMH
@Param values) to pick one combination; without it every combination of the benchmark must meet the goal.
Standard library only, so it runs wherever the benchmarks do.
"""
import json
import sys


def measured(row, metric):
    if metric == "score":
        return row["primaryMetric"]["score"]
    sec = row.get("secondaryMetrics", {})
    if metric not in sec:
        raise KeyError(f"{row['benchmark']} has no metric {metric!r} (was it run with -prof gc?); has {sorted(sec)}")
    return sec[metric]["score"]


def check(results, goals):
    failures = 0
    for g in goals:
        want = g.get("params", {})
        rows = [r for r in results if r["benchmark"] == g["benchmark"]
                and all(str(r.get("params", {}).get(k)) == str(v) for k, v in want.items())]
        label = g["benchmark"].rsplit(".", 2)[-2:]
        label = ".".join(label) + (" " + json.dumps(want, sort_keys=True) if want else "")
        if not rows:
            print(f"FAILED  {label}: not measured in this result")
            failures += 1
            continue
        for r in rows:
            value = measured(r, g["metric"])
            ok = value <= g["max"]
            failures += 0 if ok else 1
            params = r.get("params", {})
            shown = label + (" " + json.dumps(params, sort_keys=True) if params and not want else "")
            print(f"{'ok     ' if ok else 'FAILED '} {shown}: {g['metric']} = {value:.3f} (goal <= {g['max']}; {g.get('why', '')})")
    return failures


def main(argv):
    if len(argv) not in (2, 3):
        print(__doc__, file=sys.stderr)
        return 2
    goals_path = argv[2] if len(argv) == 3 else __file__.rsplit("/", 1)[0] + "/goals.json"
    try:
        with open(argv[1]) as f:
            results = json.load(f)
        with open(goals_path) as f:
            goals = json.load(f)["goals"]
    except (OSError, ValueError, KeyError) as e:
        print(f"check_goals: cannot read {argv[1]} or {goals_path}: {e}", file=sys.stderr)
        return 2
    try:
        failures = check(results, goals)
    except KeyError as e:
        print(f"check_goals: {e}", file=sys.stderr)
        return 2
    print(f"{len(goals)} goal(s), {failures} missed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
