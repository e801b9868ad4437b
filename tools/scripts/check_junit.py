#!/usr/bin/env python3
"""Is a JUnit report of railyard soak well-formed and true to its summary?

Usage: check_junit.py REPORT.xml SUMMARY.json
Parses the XML with Python's parser and checks what CI systems read: a <testsuites> root with one
<testsuite> whose tests/failures counts match its <testcase> elements, a passing summary case,
a failing case per failing seed of the summary (named "seed N", its message the failure kind and
detail, its text the reproduce command) and a case per property, failing exactly when a seed
violated it. Exit 0 if so, 1 with the reason if not.
"""
import json
import sys
import xml.etree.ElementTree as ET


def fail(why):
    print(f"{sys.argv[1]}: {why}")
    sys.exit(1)


def main():
    if len(sys.argv) != 3:
        print("usage: check_junit.py REPORT.xml SUMMARY.json")
        return 2
    try:
        root = ET.parse(sys.argv[1]).getroot()
    except (OSError, ET.ParseError) as e:
        fail(f"not XML: {e}")
    with open(sys.argv[2], encoding="utf-8") as f:
        summary = json.load(f)
    if root.tag != "testsuites":
        fail(f"root is <{root.tag}>, expected <testsuites>")
    suites = root.findall("testsuite")
    if len(suites) != 1:
        fail(f"{len(suites)} <testsuite> elements, expected 1")
    suite = suites[0]
    cases = suite.findall("testcase")
    failing = [c for c in cases if c.find("failure") is not None]
    for element in (root, suite):
        if int(element.get("tests", -1)) != len(cases):
            fail(f"<{element.tag}> tests={element.get('tests')} but {len(cases)} test cases")
        if int(element.get("failures", -1)) != len(failing):
            fail(f"<{element.tag}> failures={element.get('failures')} but {len(failing)} failing")
        float(element.get("time"))
    protocol = summary["protocol"]
    if cases[0].get("classname") != f"railyard.soak.{protocol}" or cases[0].find("failure") is not None:
        fail("the first test case is not the passing summary case")
    seeds = {c.get("name"): c for c in cases if c.get("classname") == f"railyard.soak.{protocol}.seed"}
    if len(seeds) != len(summary["failures"]):
        fail(f"{len(seeds)} seed cases, the summary lists {len(summary['failures'])} failures")
    violated = {}
    for f in summary["failures"]:
        case = seeds.get(f"seed {f['seed']}")
        if case is None or case.find("failure") is None:
            fail(f"no failing case for seed {f['seed']}")
        failure = case.find("failure")
        if failure.get("message") != f"{f['kind']}: {f['detail']}" or f["reproduce"] not in failure.text:
            fail(f"seed {f['seed']}: message or reproduce command differs from the summary")
        violated.setdefault(f["property"], []).append(f["seed"])
    properties = {c.get("name"): c for c in cases
                  if c.get("classname") == f"railyard.soak.{protocol}.property"}
    if not properties:
        fail("no property cases")
    for name, case in properties.items():
        if (case.find("failure") is not None) != (name in violated):
            fail(f"property {name}: failing in the report is not what the summary says")
    missing = set(violated) - set(properties)
    if missing:
        fail(f"no case for violated properties {sorted(missing)}")
    print(f"{sys.argv[1]}: {len(cases)} test cases, {len(failing)} failing, "
          f"{len(properties)} properties, as in {sys.argv[2]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
