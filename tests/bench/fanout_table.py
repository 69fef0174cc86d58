#!/usr/bin/env python3
"""Markdown table of a tests/bench/fanout.sh run (its results.jsonl: one line per scenario and
server with the server's /proc samples before/after and vcb-loadgen's JSON summary)."""
import json
import sys


def metrics(r):
    lg = r.get("loadgen") or {}
    before, after = r["before"], r["after"]  # [cpu ticks, VmRSS KiB, VmHWM KiB]
    cpu_us = (after[0] - before[0]) * 1e6 / r["clkTck"]
    received = lg.get("received", {}).get("packets", 0)
    subs = lg.get("subscribers", 0)
    lat = lg.get("latencyUs", {})
    join = lg.get("joinTimeMs", {})
    return {
        "subs": subs,
        "sent": lg.get("sent", {}).get("packets", 0),
        "received": received,
        "cpu_s": cpu_us / 1e6,
        "us_per_pkt": cpu_us / received if received else None,
        # Peak RSS under load minus the idle server's RSS, per subscriber stream.
        "kib_per_stream": (after[2] - before[1]) / subs if subs else None,
        "loss": lg.get("lossPercent"),
        "lat_p50": lat.get("p50"),
        "lat_p99": lat.get("p99"),
        "join_p50": join.get("p50"),
        "join_p95": join.get("p95"),
        "failures": lg.get("failures", {}).get("total", "?") if lg else "run failed",
        "srtp": ", ".join(f"{k.replace('SRTP_', '')}×{v}"
                          for k, v in sorted(lg.get("srtpProfiles", {}).items())),
    }


def fmt(v, digits=1):
    if v is None:
        return "–"
    if isinstance(v, float):
        return f"{v:.{digits}f}"
    return str(v)


def ratio(a, b):
    return f"{a / b:.2f}" if a is not None and b else "–"


def main(path):
    rows = [json.loads(line) for line in open(path) if line.strip()]
    scenarios = []
    by = {}
    for r in rows:
        if r["scenario"] not in scenarios:
            scenarios.append(r["scenario"])
        by[(r["scenario"], r["server"])] = metrics(r)
    print("| scenario | server | sub. streams | pkts received | server CPU s | CPU µs / fwd pkt "
          "| RSS KiB / sub. stream | loss % | latency p50 / p99 ms | join p50 / p95 ms "
          "| failures | SRTP |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for s in scenarios:
        for server in ("vcbridge", "janus"):
            m = by.get((s, server))
            if m is None:
                continue
            lat = f"{fmt(m['lat_p50'] and m['lat_p50'] / 1000, 2)} / " \
                  f"{fmt(m['lat_p99'] and m['lat_p99'] / 1000, 2)}"
            print(f"| {s} | {server} | {m['subs']} | {m['received']} | {fmt(m['cpu_s'], 2)} "
                  f"| {fmt(m['us_per_pkt'], 2)} | {fmt(m['kib_per_stream'])} | {fmt(m['loss'], 3)} "
                  f"| {lat} | {fmt(m['join_p50'])} / {fmt(m['join_p95'])} | {m['failures']} "
                  f"| {m['srtp']} |")
    print()
    print("Ratio vcbridge / Janus (below 1: vcbridge uses less / is faster):")
    print()
    print("| scenario | CPU µs / fwd pkt | RSS KiB / sub. stream | latency p50 | latency p99 "
          "| join p50 |")
    print("|---|---|---|---|---|---|")
    for s in scenarios:
        v, j = by.get((s, "vcbridge")), by.get((s, "janus"))
        if v is None or j is None:
            continue
        print(f"| {s} | {ratio(v['us_per_pkt'], j['us_per_pkt'])} "
              f"| {ratio(v['kib_per_stream'], j['kib_per_stream'])} "
              f"| {ratio(v['lat_p50'], j['lat_p50'])} | {ratio(v['lat_p99'], j['lat_p99'])} "
              f"| {ratio(v['join_p50'], j['join_p50'])} |")


if __name__ == "__main__":
    main(sys.argv[1])
