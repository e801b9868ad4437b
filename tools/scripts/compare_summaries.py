#!/usr/bin/env python3
"""Do two soak summaries agree in every field that does not measure time?

Usage: compare_summaries.py A.json B.json
Exit 0 if they agree, 1 (with one line per differing field) if not, 2 on unreadable input.
Used to check that the merged summary of a sharded soak equals the unsharded soak's.
"""
import json
import sys

# tools/cli/soak_summary.hpp, time_fields.
TIME_FIELDS = {"wall_ms", "cpu_ms", "seeds_per_s_x1000", "seeds_per_cpu_s_x1000", "shards_wall_ms"}


def load(path):
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, ValueError) as e:
        print(f"{path}: {e}")
        sys.exit(2)
    if not isinstance(data, dict):
        print(f"{path}: not a JSON object")
        sys.exit(2)
    return {k: v for k, v in data.items() if k not in TIME_FIELDS}


def main():
    if len(sys.argv) != 3:
        print(__doc__.strip().splitlines()[2])
        return 2
    a, b = load(sys.argv[1]), load(sys.argv[2])
    differ = sorted(k for k in a.keys() | b.keys() if a.get(k, "<absent>") != b.get(k, "<absent>"))
    for k in differ:
        print(f"field '{k}': {json.dumps(a.get(k, '<absent>'))[:200]} in {sys.argv[1]}, "
              f"{json.dumps(b.get(k, '<absent>'))[:200]} in {sys.argv[2]}")
    if not differ:
        print(f"{sys.argv[1]} and {sys.argv[2]} agree in all {len(a)} fields that are not times")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
