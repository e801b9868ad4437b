#!/usr/bin/env python3
"""Validates every line of railyard traces against traces/trace.schema.json.
Usage: tools/scripts/validate_trace.py TRACE...   Prints one line per invalid line; exit 1 if any."""
import json
import pathlib
import sys

import jsonschema

schema_path = pathlib.Path(__file__).resolve().parent.parent.parent / "traces" / "trace.schema.json"
validator = jsonschema.Draft202012Validator(json.loads(schema_path.read_text()))
bad = 0
lines = 0
for path in sys.argv[1:]:
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            lines += 1
            errors = list(validator.iter_errors(json.loads(line)))
            if errors:
                bad += 1
                print(f"{path}:{number}: {errors[0].message}")
                if bad > 20:
                    sys.exit(1)
print(f"validate_trace: {lines - bad} lines valid, {bad} invalid")
sys.exit(1 if bad else 0)
