#!/usr/bin/env python3
"""Checks a `railyard export --format itf` file against the trace it came from.

Usage: check_itf.py SCHEMA ITF TRACE
The JSON Schema (Python jsonschema); every state defines every var; #meta.index counts from 0
and #meta.step ascends; there is one state per step that has a status, crash or restart line;
and each state's per-node records and up set are those the trace gives at that step (the last
status line of each node, crashes and restarts). Prints "ok ..." or the first failures; exit 0/1.
"""
import json
import sys

import jsonschema


def big(v):
    return int(v["#bigint"]) if isinstance(v, dict) and "#bigint" in v else v


def record(line):
    out = {}
    for k, v in line.items():
        if k in ("step", "t", "ev", "node"):
            continue
        out[k] = [int(x) for x in v] if isinstance(v, list) else v
    return out


def main():
    schema_path, itf_path, trace_path = sys.argv[1:4]
    doc = json.load(open(itf_path))
    jsonschema.validate(doc, json.load(open(schema_path)))
    lines = [json.loads(l) for l in open(trace_path) if l.strip()]
    nodes = lines[0]["config"]["nodes"]
    events = lines[1:-1]
    problems = []
    # The states the trace implies, step by step.
    records = [{} for _ in range(nodes)]
    up = set(range(nodes))
    expected = []
    changes = [e for e in events if e["ev"] in ("status", "crash", "restart")]
    for i, e in enumerate(changes):
        n = e["node"]
        if e["ev"] == "status":
            records[n] = record(e)
        elif e["ev"] == "crash":
            up.discard(n)
        else:
            up.add(n)
        if i + 1 == len(changes) or changes[i + 1]["step"] != e["step"]:
            expected.append((e["step"], e["t"], [dict(r) for r in records], sorted(up)))
    states = doc["states"]
    if not expected:  # no state changes at all: the one initial state
        expected.append((0, 0, [{} for _ in range(nodes)], list(range(nodes))))
    if len(states) != len(expected):
        problems.append(f"{len(states)} states, expected {len(expected)} (steps with a state change)")
    for i, (state, (step, t, recs, ups)) in enumerate(zip(states, expected)):
        missing = [v for v in doc["vars"] if v not in state]
        if missing:
            problems.append(f"state {i}: no {missing}")
            continue
        if state["#meta"].get("index") != i or state["#meta"].get("step") != step:
            problems.append(f"state {i}: #meta {state['#meta']}, expected index {i} step {step}")
        if big(state["now_ns"]) != t:
            problems.append(f"state {i}: now_ns {state['now_ns']}, expected {t}")
        got = {k: {f: big(v) if not isinstance(v, list) else [big(x) for x in v]
                   for f, v in r.items()} for k, r in state["state"]["#map"]}
        want = {f"n{n}": recs[n] for n in range(nodes)}
        if got != want:
            problems.append(f"state {i} (step {step}): records differ from the trace")
        if sorted(int(x[1:]) for x in state["up"]["#set"]) != ups:
            problems.append(f"state {i} (step {step}): up {state['up']['#set']}, expected {ups}")
        if len(problems) > 5:
            break
    if problems:
        print(f"FAIL itf {itf_path}: " + "; ".join(problems[:5]))
        return 1
    print(f"ok itf {itf_path}: {len(states)} states")
    return 0


if __name__ == "__main__":
    sys.exit(main())
