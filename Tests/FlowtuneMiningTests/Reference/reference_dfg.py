#!/usr/bin/env python3
"""Directly-follows frequencies and hand-off times computed straight from the raw files.

An independent check of FlowtuneMining's analysis: nothing here shares code or parsing with the
Swift side, and only the standard library is used (no pm4py), so the figures can be trusted to
be computed another way.

Rules, as the Swift analysis documents them:
- a case's events are ordered by timestamp, ties in the order they appear in the file;
- only `complete` events count (both files record nothing else; events without a lifecycle
  transition are completions);
- A -> B is two consecutive events of one case; its hand-off time runs from A's timestamp to
  B's (with completion times only, B's start is unknown, so its completion stands in, as in
  pm4py's performance DFG); a negative gap would count as 0;
- mean, median and p90, p90 with linear interpolation between order statistics (numpy's
  default, here statistics.quantiles(method="inclusive")).

Run from the repository root:
    python3 Tests/FlowtuneMiningTests/Reference/reference_dfg.py ../shared/data \
        > Tests/FlowtuneMiningTests/Reference/reference_dfg.json
"""
import csv
import json
import statistics
import sys
import xml.etree.ElementTree as ET
from collections import OrderedDict
from datetime import datetime
from pathlib import Path


def parse_time(text):
    # Both files write ISO 8601 with an offset: 2011-10-11 13:45:40.276000+02:00 and
    # 2010-12-30T14:32:00.000+01:00. fromisoformat reads both in Python 3.11.
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError(f"timestamp without an offset: {text}")
    return moment


def cases_from_csv(path):
    cases = OrderedDict()
    with open(path, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            transition = (row.get("lifecycle:transition") or "complete").lower()
            if transition != "complete":
                continue
            cases.setdefault(row["case:concept:name"], []).append(
                (parse_time(row["time:timestamp"]), row["concept:name"]))
    return cases


def cases_from_xes(path):
    cases = OrderedDict()
    for _, element in ET.iterparse(path, events=("end",)):
        if element.tag.split("}")[-1] != "trace":
            continue
        name = None
        events = []
        for child in element:
            tag = child.tag.split("}")[-1]
            if tag == "string" and child.get("key") == "concept:name":
                name = child.get("value")
            elif tag == "event":
                values = {c.get("key"): c.get("value") for c in child}
                if (values.get("lifecycle:transition") or "complete").lower() != "complete":
                    continue
                events.append((parse_time(values["time:timestamp"]), values["concept:name"]))
        cases[name] = events
        element.clear()
    return cases


def p90(values):
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=10, method="inclusive")[8]


def summarize(cases):
    edges = {}
    starts = {}
    ends = {}
    for events in cases.values():
        ordered = sorted(events, key=lambda e: e[0])  # stable: ties keep file order
        if not ordered:
            continue
        starts[ordered[0][1]] = starts.get(ordered[0][1], 0) + 1
        ends[ordered[-1][1]] = ends.get(ordered[-1][1], 0) + 1
        for (t_a, a), (t_b, b) in zip(ordered, ordered[1:]):
            gap = max(0.0, (t_b - t_a).total_seconds())
            edges.setdefault((a, b), []).append(gap)
    result = []
    for (a, b), gaps in sorted(edges.items()):
        result.append({
            "from": a,
            "to": b,
            "count": len(gaps),
            "mean": statistics.fmean(gaps),
            "median": statistics.median(gaps),
            "p90": p90(gaps),
            "min": min(gaps),
            "max": max(gaps),
        })
    return {
        "cases": len(cases),
        "events": sum(len(e) for e in cases.values()),
        "starts": dict(sorted(starts.items())),
        "ends": dict(sorted(ends.items())),
        "edges": result,
    }


def main():
    data = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data")
    output = {
        "running-example.xes": summarize(cases_from_xes(data / "running-example.xes")),
        "receipt.csv": summarize(cases_from_csv(data / "receipt.csv")),
    }
    json.dump(output, sys.stdout, indent=1, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
