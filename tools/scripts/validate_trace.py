#!/usr/bin/env python3
"""Validates railyard traces: every line against traces/trace.schema.json, and the file's shape
(a header first, a footer last, events between, the footer's event count).
Usage: tools/scripts/validate_trace.py TRACE...
Prints one line per problem as FILE:LINE: what; exit 0 if every file is a valid trace, 1 if not,
2 on a usage error. Never a traceback: an unreadable, empty, binary or non-JSON file is a problem
like any other."""
import json
import pathlib
import sys

try:
    import jsonschema
except ImportError:
    print("validate_trace: the Python module jsonschema is missing (apt install python3-jsonschema)",
          file=sys.stderr)
    sys.exit(2)

MAX_PROBLEMS = 20
schema_path = pathlib.Path(__file__).resolve().parents[2] / "traces" / "trace.schema.json"
schema = json.loads(schema_path.read_text(encoding="utf-8"))
validator = jsonschema.Draft202012Validator(schema)
# One validator per kind of line (the branches of the schema's oneOf, with its $defs): a line is
# checked against its own kind only, three times faster than the oneOf and with a clearer
# message. A line of no known kind goes through the whole schema.
by_kind = {}
for branch in schema["oneOf"]:
    sub = dict(branch, **{"$defs": schema.get("$defs", {})})
    by_kind[branch["title"]] = jsonschema.Draft202012Validator(sub)


def kind(obj):
    if isinstance(obj, dict) and obj.get("type") in ("header", "footer"):
        return obj["type"]
    return "event"


def check_message_id(obj, where, sent, report):
    """Sends number their messages 1, 2, 3, ...; a receipt or drop names an earlier send with
    the same link, and no more of them come than the send's copies (SCHEMA.md)."""
    if not isinstance(obj, dict) or obj.get("ev") not in ("send", "recv", "drop"):
        return
    mid = obj.get("id")
    if not isinstance(mid, int):
        report(f"{where}: field 'id': missing (a message line names its send)")
        return
    if obj["ev"] == "send":
        if mid in sent:
            report(f"{where}: field 'id': {mid} was already sent")
        sent[mid] = [obj.get("node"), obj.get("to"), obj.get("copies", 1)]
        return
    entry = sent.get(mid)
    if entry is None:
        report(f"{where}: field 'id': no earlier send has id {mid}")
        return
    link = (obj.get("from"), obj.get("node")) if obj["ev"] == "recv" else (obj.get("node"), obj.get("to"))
    if link != (entry[0], entry[1]):
        report(f"{where}: field 'id': message {mid} was sent {entry[0]}->{entry[1]}, not "
               f"{link[0]}->{link[1]}")
    entry[2] -= 1
    if entry[2] < 0:
        report(f"{where}: field 'id': message {mid} arrives or drops more often than it was sent")


def check_file(path, report):
    """Reports every problem of one file; returns the number of lines read."""
    try:
        data = pathlib.Path(path).read_bytes()
    except OSError as e:
        report(f"{path}: cannot read: {e.strerror}")
        return 0
    if not data:
        report(f"{path}:1: empty file, not a trace (no header, no footer)")
        return 0
    lines = data.split(b"\n")
    complete = data.endswith(b"\n")
    if complete:
        lines.pop()  # after the final newline
    events = 0
    sent = {}  # message id -> [sender, receiver, arrivals still due]
    first_kind = None
    last_kind = None
    last_obj = None
    for number, raw in enumerate(lines, 1):
        where = f"{path}:{number}"
        if number == len(lines) and not complete:
            report(f"{where}: truncated: the last line has no newline")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as e:
            report(f"{where}: not UTF-8 (byte {e.start})")
            last_kind = None
            continue
        try:
            obj = json.loads(text)
        except (ValueError, RecursionError) as e:
            report(f"{where}: not JSON: {str(e)[:120]}")
            last_kind = None
            continue
        k = kind(obj)
        errors = list(by_kind.get(k, validator).iter_errors(obj))
        if errors:
            best = jsonschema.exceptions.best_match(errors)
            report(f"{where}: {best.message[:200]}")
        if number == 1:
            first_kind = k
            if k != "header":
                report(f"{where}: the first line must be the header (not a trace)")
        elif k == "header":
            report(f"{where}: a header after line 1")
        if k == "footer" and number != len(lines):
            report(f"{where}: a footer before the last line")
        if k == "event":
            events += 1
            check_message_id(obj, where, sent, report)
        last_kind = k
        last_obj = obj
    if first_kind is not None and last_kind != "footer":
        report(f"{path}:{len(lines)}: the last line must be the footer (truncated trace)")
    elif last_kind == "footer" and isinstance(last_obj.get("events"), int) \
            and last_obj["events"] != events:
        report(f"{path}:{len(lines)}: the footer counts {last_obj['events']} events, "
               f"the file has {events}")
    return len(lines)


def main(argv):
    if len(argv) < 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    problems = 0
    total = 0

    def report(message):
        nonlocal problems
        problems += 1
        if problems <= MAX_PROBLEMS:
            print(message)
        elif problems == MAX_PROBLEMS + 1:
            print("validate_trace: more problems not shown")

    for path in argv[1:]:
        total += check_file(path, report)
    print(f"validate_trace: {total} lines read, {problems} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except BrokenPipeError:  # the reader (head) went away: not an error of the trace
        sys.stderr.close()
        sys.exit(1)
