#!/usr/bin/env python3
"""Offline checks of `railyard export` output, against the trace it came from (README.md,
"Exporting a run"). What the readers themselves would refuse, re-implemented here so that CI
needs no network; tools/scripts/export_checks.mjs adds the real parsers from npm where present.

Usage: tools/scripts/check_exports.py FORMAT EXPORT TRACE
  FORMAT is chrome, shiviz, porcupine, edn or mermaid. Prints what it counted, or one line per
  problem; exit 0 if the export passes, 1 if not, 2 on a usage error."""
import json
import pathlib
import re
import sys

try:
    import jsonschema
except ImportError:
    print("check_exports: the Python module jsonschema is missing (apt install python3-jsonschema)",
          file=sys.stderr)
    sys.exit(2)

SCHEMAS = pathlib.Path(__file__).resolve().parents[2] / "traces" / "export"
problems = []


def problem(what):
    problems.append(what)


def trace_facts(path):
    """Counts from the trace: messages received, dropped at arrival, client operations."""
    facts = {"recv": 0, "send": 0, "lost_at_send": 0, "invoke": 0, "complete": 0, "events": 0,
             "nodes": 0, "fault": 0}
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            obj = json.loads(line)
            if obj.get("type") == "header":
                facts["nodes"] = obj["config"]["nodes"]
                continue
            if obj.get("type") == "footer":
                continue
            facts["events"] += 1
            ev = obj["ev"]
            if ev in ("recv", "send", "invoke", "fault"):
                facts[ev] += 1
            if ev in ("ok", "fail", "info"):
                facts["complete"] += 1
            if ev == "drop" and obj["why"] != "dead":
                facts["lost_at_send"] += 1
    return facts


def check_schema(schema_name, doc):
    schema = json.loads((SCHEMAS / schema_name).read_text(encoding="utf-8"))
    errors = list(jsonschema.Draft7Validator(schema).iter_errors(doc))
    for e in errors[:5]:
        problem(f"schema {schema_name}: {'/'.join(map(str, e.absolute_path))}: {e.message[:200]}")
    return len(errors)


def check_chrome(path, facts):
    doc = json.loads(pathlib.Path(path).read_text(encoding="utf-8"))
    check_schema("chrome.schema.json", doc)
    events = doc["traceEvents"]
    slices = {}  # (pid, tid, ts, cat) of every X seen so far in the file
    intervals = {}  # (pid, tid) -> [(start, end)]
    starts, ends = {}, {}
    for i, e in enumerate(events):
        ph = e["ph"]
        if ph == "X":
            slices[(e["pid"], e["tid"], e["ts"], e["cat"])] = i
            intervals.setdefault((e["pid"], e["tid"]), []).append((e["ts"], e["ts"] + e["dur"]))
        elif ph in ("s", "f"):
            key = (e["pid"], e["tid"], e["ts"], e["cat"])
            if key not in slices:
                problem(f"event {i}: flow {ph} id {e['id']} has no slice with the same pid, tid, "
                        f"ts and cat before it")
            table = starts if ph == "s" else ends
            fid = (e["cat"], e["name"], e["id"])
            if fid in table:
                problem(f"event {i}: flow {ph} id {e['id']} appears twice")
            table[fid] = e
    for fid, end in ends.items():
        start = starts.get(fid)
        if start is None:
            problem(f"flow {fid}: an end without a start")
        elif not start["ts"] < end["ts"]:
            problem(f"flow {fid}: ends at {end['ts']}, not after its start at {start['ts']}")
    # Slices on one thread nest: sorted by start, each one ends before the one enclosing it.
    for track, spans in intervals.items():
        spans.sort(key=lambda s: (s[0], -s[1]))
        stack = []
        for s, e in spans:
            while stack and stack[-1] <= s and not (stack[-1] == s and e == s):
                stack.pop()
            if stack and e > stack[-1]:
                problem(f"track {track}: slice [{s}, {e}] overlaps one ending at {stack[-1]}")
                break
            stack.append(e)
    if len(ends) != facts["recv"]:
        problem(f"{len(ends)} flow ends, but the trace has {facts['recv']} receipts")
    client_slices = sum(1 for e in events if e["ph"] == "X" and e["cat"] == "client")
    if client_slices != facts["invoke"]:
        problem(f"{client_slices} client operation slices, but the trace has {facts['invoke']} "
                f"invocations")
    return f"{len(events)} events, {len(starts)} flow starts, {len(ends)} flow ends, " \
           f"{client_slices} client operations"


SHIVIZ_EVENT = re.compile(r"^(?P<event>.*) step=(?P<step>\d+) t=(?P<t>\d+)ns$")
SHIVIZ_HOST = re.compile(r"^(?P<host>\S*) (?P<clock>\{.*\})$")


def check_shiviz(path, facts):
    """ShiViz's four rules: the own host is in the clock; own entries run 1, 2, 3, ...; every
    host named has that many events; every clock is the vector-clock closure of its parents."""
    lines = pathlib.Path(path).read_text(encoding="utf-8").split("\n")
    regex = lines[0]
    for group in ("event", "host", "clock"):
        if f"(?<{group}>" not in regex:
            problem(f"line 1: the parser regex lacks the named group {group}")
    if lines[1] != "":
        problem("line 2: the delimiter line should be empty (one execution)")
    body = lines[2:]
    if body and body[-1] == "":
        body.pop()
    if len(body) % 2:
        problem("the log does not come in pairs of lines")
        return ""
    events = []  # (host, clock)
    for i in range(0, len(body), 2):
        m1, m2 = SHIVIZ_EVENT.match(body[i]), SHIVIZ_HOST.match(body[i + 1])
        if not m1 or not m2:
            problem(f"line {i + 3}: does not match the parser regex")
            continue
        events.append((m2["host"], json.loads(m2["clock"])))
    history = {}  # host -> list of its clocks, by own time
    edges = 0
    for number, (host, clock) in enumerate(events):
        where = f"event {number}"
        if host not in clock:
            problem(f"{where}: the clock lacks its own host {host} (rule 1)")
            continue
        mine = history.setdefault(host, [])
        if clock[host] != len(mine) + 1:
            problem(f"{where}: {host}'s own entry is {clock[host]}, expected {len(mine) + 1} (rule 2)")
        expected = dict(mine[-1]) if mine else {}
        for other, value in clock.items():
            if not isinstance(value, int) or value <= 0:
                problem(f"{where}: clock value {other}={value} is not a positive integer")
                continue
            if other == host:
                continue
            theirs = history.get(other, [])
            if value > len(theirs):
                problem(f"{where}: {other}={value}, but {other} has only {len(theirs)} events "
                        f"so far (rule 3)")
                continue
            if value > expected.get(other, 0):
                edges += 1
                for h, v in theirs[value - 1].items():
                    expected[h] = max(expected.get(h, 0), v)
        expected[host] = len(mine) + 1
        if expected != clock:
            problem(f"{where}: clock {clock} is not the closure of its parents {expected} (rule 4)")
        mine.append(clock)
        if len(problems) > 20:
            break
    return f"{len(events)} events on {len(history)} hosts, {edges} inferred message edges"


def check_porcupine(path, facts):
    ops = json.loads(pathlib.Path(path).read_text(encoding="utf-8"))
    check_schema("porcupine.schema.json", ops)
    never = 2**63 - 1
    by_client = {}
    for i, op in enumerate(ops):
        if op["Return"] < op["Call"]:
            problem(f"operation {i}: returns before it is called")
        if op["Output"].get("type") not in ("ok", "fail", "info"):
            problem(f"operation {i}: Output.type {op['Output'].get('type')!r}")
        if (op["Return"] == never) != (op["Output"]["type"] == "info"):
            problem(f"operation {i}: only an info operation returns at MaxInt64")
        by_client.setdefault(op["ClientId"], []).append(op)
    for client, mine in by_client.items():
        mine.sort(key=lambda o: o["Call"])
        for a, b in zip(mine, mine[1:]):
            if a["Return"] > b["Call"]:
                problem(f"client {client}: two operations overlap (a client has one open at a time)")
    if len(ops) != facts["invoke"]:
        problem(f"{len(ops)} operations, but the trace has {facts['invoke']} invocations")
    return f"{len(ops)} operations of {len(by_client)} clients"


EDN_TOKEN = re.compile(r'\s*(?:(?P<open>[{\[])|(?P<close>[}\]])|(?P<str>"(?:[^"\\]|\\.)*")|'
                       r'(?P<kw>:[A-Za-z][\w\-.]*)|(?P<int>-?\d+)|(?P<nil>nil)|(?P<comma>,))')


def parse_edn_line(line):
    """The EDN that the export writes: maps, vectors, strings, keywords, integers, nil."""
    pos, stack, out = 0, [], None
    while pos < len(line):
        m = EDN_TOKEN.match(line, pos)
        if not m or m.end() == pos:
            if line[pos:].strip() == "":
                break
            raise ValueError(f"column {pos + 1}: not EDN")
        pos = m.end()
        if m["comma"]:
            continue
        if m["open"]:
            stack.append([m["open"]])
            continue
        if m["close"]:
            kind, *items = stack.pop()
            if kind == "{":
                if len(items) % 2:
                    raise ValueError("a map with an odd number of forms")
                value = dict(zip(items[::2], items[1::2]))
            else:
                value = items
        elif m["str"]:
            value = json.loads(m["str"])
        elif m["kw"]:
            value = m["kw"]
        elif m["int"]:
            value = int(m["int"])
        else:
            value = None
        if stack:
            stack[-1].append(value)
        else:
            out = value
    if stack:
        raise ValueError("unclosed map or vector")
    return out


def check_edn(path, facts):
    """Jepsen's history rules: :type one of four; :index strictly ascending; :time never
    decreasing; per client process invoke and completion alternate with the same :f."""
    count, last_index, last_time = 0, -1, -1
    open_ops, infos, nemesis = {}, 0, 0
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            try:
                op = parse_edn_line(line)
            except ValueError as e:
                problem(f"line {number}: {e}")
                continue
            count += 1
            if op.get(":type") not in (":invoke", ":ok", ":fail", ":info"):
                problem(f"line {number}: :type {op.get(':type')}")
            if not op[":index"] > last_index:
                problem(f"line {number}: :index not ascending")
            last_index = op[":index"]
            if not op[":time"] >= last_time:
                problem(f"line {number}: :time decreases")
            last_time = op[":time"]
            p = op[":process"]
            if p == ":nemesis":
                nemesis += 1
                continue
            if op[":type"] == ":invoke":
                if p in open_ops:
                    problem(f"line {number}: process {p} invokes twice")
                open_ops[p] = op
            else:
                inv = open_ops.pop(p, None)
                if inv is None or inv[":f"] != op[":f"]:
                    problem(f"line {number}: a completion without its invocation")
                infos += op[":type"] == ":info"
    if nemesis != 2 * facts["fault"]:
        problem(f"{nemesis} nemesis lines, expected two per fault ({facts['fault']})")
    if count - nemesis != facts["invoke"] + facts["complete"]:
        problem(f"{count - nemesis} client lines, the trace has "
                f"{facts['invoke'] + facts['complete']}")
    return f"{count} lines ({nemesis} nemesis), {len(open_ops)} operations open at the end"


MERMAID_LINE = re.compile(r"^(sequenceDiagram|    participant [NC]\d+ as [\w ]+|"
                          r"    [NC]\d+(-\)|-x|->>|-->>)[NC]\d+: [^;#\n]+|"
                          r"    Note over N\d+(,N\d+)?: [^;#\n]+)$")


def check_mermaid(path, facts):
    text = pathlib.Path(path).read_text(encoding="utf-8")
    lines = text.rstrip("\n").split("\n")
    if lines[0] != "sequenceDiagram":
        problem("line 1: not 'sequenceDiagram'")
    for number, line in enumerate(lines, 1):
        if not MERMAID_LINE.match(line):
            problem(f"line {number}: not a statement the export writes: {line[:80]}")
        if re.search(r"(^|\W)end(\W|$)", line.split(":", 1)[-1]):
            problem(f"line {number}: a bare 'end' would close a block")
    if len(text) > 50000:
        problem(f"{len(text)} characters: more than mermaid's maxTextSize (50000)")
    arrows = sum(1 for l in lines if re.match(r"    [NC]\d+(-\)|-x|->>|-->>)", l))
    return f"{len(lines)} lines, {arrows} arrows"


def main(argv):
    if len(argv) != 4 or argv[1] not in ("chrome", "shiviz", "porcupine", "edn", "mermaid"):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    fmt, export, trace = argv[1:]
    try:
        summary = globals()[f"check_{fmt}"](export, trace_facts(trace))
    except (OSError, ValueError, KeyError, TypeError, IndexError) as e:
        problem(f"cannot check: {type(e).__name__}: {e}")
        summary = ""
    for p in problems[:20]:
        print(f"{export}: {p}")
    print(f"check_exports {fmt} {export}: {summary}; {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
