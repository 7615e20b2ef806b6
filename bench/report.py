#!/usr/bin/env python3
"""The report of scripts/bench (issue #7): reads the parts the harness measured (JSON files
written by bench/load_gen, bench/history_bench and the script itself), computes every
throughput's ratio to the limit the machine's Ed25519 verify rate implies, writes
bench/results/latest.json, prints the table, and appends a dated section to BENCHMARKS.md.

Limits (issue #7), with cores = nproc and rate = verifications per second on one core:
  4-node commit:          cores x rate / 4   (each of 4 validators verifies each signature once)
  audit verify, catch-up: cores x rate       (one process, every core)
The issue counts one signature per transaction; the mix carries more (usage receipts have
two), so each ratio also comes per signature ("*_sig_limit_ratio"): the share of the
machine's verification capacity the signatures actually committed would use.
"""
import argparse
import datetime
import json
import os
import platform
import subprocess


def load(parts, name):
    path = os.path.join(parts, name + ".json")
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return json.load(f)


def machine():
    model = ""
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        mem_kib = int(next(l for l in f if l.startswith("MemTotal")).split()[1])
    with open("/proc/loadavg") as f:
        load_avg = " ".join(f.read().split()[:3])
    return {"cpu_model": model, "cores": len(os.sched_getaffinity(0)),
            "ram_gib": round(mem_kib / 1024 / 1024, 1), "kernel": platform.release(),
            "load_average_at_end": load_avg}


def git_commit(root):
    def git(*args):
        return subprocess.run(["git", "-C", root, *args], capture_output=True, text=True).stdout.strip()
    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    dirty = git("status", "--porcelain", "--untracked-files=no")
    return commit + (" + uncommitted changes" if dirty else "")


def build_report(parts, mode, seconds, network_seconds, root):
    verify = [v["verify_rate_per_core"] for v in (load(parts, "verify_start"), load(parts, "verify_end")) if v]
    run = load(parts, "load")
    nodes = load(parts, "nodes")
    catchup = load(parts, "catchup")
    chain = load(parts, "chain")
    disk = load(parts, "disk")
    disk_compacted = load(parts, "disk_compacted")
    audit = load(parts, "audit")
    history = load(parts, "history")
    follower = load(parts, "follower")
    m = machine()
    cores = m["cores"]
    # The higher of the two measurements: the machine's capacity when least disturbed, so
    # the ratios are not flattered by a moment when other work slowed the measurement down.
    rate = max(verify)
    sigs = run["signatures_per_tx"]
    commit_limit = cores * rate / 4
    process_limit = cores * rate
    by_fraction = {round(r["fraction_of_peak"] * 100): r for r in run["latency_runs"]}
    r = {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": git_commit(root),
        "mode": mode,
        "machine": m,
        "seconds": seconds,
        "network_seconds": network_seconds,
        "verify_rate_per_core": rate,
        "verify_rate_per_core_start_end": verify,
        "cores": cores,
        "signatures_per_tx": sigs,
        "commit_limit_tps": commit_limit,
        "commit_tps": run["commit_tps"],
        "commit_tps_min": run["commit_tps_min"],
        "commit_tps_max": run["commit_tps_max"],
        "commit_limit_ratio": run["commit_tps"] / commit_limit,
        "commit_sig_limit_ratio": run["commit_tps"] * sigs / commit_limit,
        "peak_runs": run["peak_runs"],
        "latency_runs": run["latency_runs"],
        "latency_base_tps": run.get("latency_base_tps"),  # set by --latency-base, else the peak
    }
    for pct in (50, 90):
        lat = by_fraction[pct].get("latency_ms", {})
        for q in ("p50", "p90", "p99", "max"):
            r[f"latency_{q}_ms_at_{pct}pct"] = lat.get(q)
        r[f"rate_tps_at_{pct}pct"] = by_fraction[pct]["target_tps"]
    txs = chain["txs"]
    r["chain_txs"] = txs
    r["chain_blocks"] = chain["blocks"]
    r["raw_tx_bytes_per_tx"] = chain["raw_tx_bytes"] / txs
    # Stopped before the end of the chain: the rate is an upper bound (it verified fewer).
    r["audit_verify_complete"] = audit["complete"]
    r["audit_verify_seconds"] = audit["seconds"]
    r["audit_verify_tps"] = txs / audit["seconds"]
    r["audit_verify_limit_ratio"] = r["audit_verify_tps"] / process_limit
    r["audit_verify_sig_limit_ratio"] = r["audit_verify_tps"] * sigs / process_limit
    r["catchup_seconds"] = catchup["seconds"]
    r["catchup_tps"] = catchup["tps"]
    r["catchup_limit_ratio"] = catchup["tps"] / process_limit
    r["catchup_sig_limit_ratio"] = catchup["tps"] * sigs / process_limit
    # At rest (compacted): what the chain costs per transaction; as left: plus the level-0
    # files not yet compacted when the node stopped (bounded, whatever the chain; a node
    # flushes its memtables when it stops, so no write-ahead log is left).
    r["disk_bytes"] = disk_compacted["db_bytes_compacted"]
    r["disk_bytes_per_tx"] = r["disk_bytes"] / txs
    r["disk_bytes_per_raw_byte"] = r["disk_bytes"] / chain["raw_tx_bytes"]
    r["disk_bytes_as_left"] = disk["db_bytes"]
    r["disk_bytes_as_left_per_raw_byte"] = disk["db_bytes"] / chain["raw_tx_bytes"]
    r["peak_rss_mb"] = max(v["peak_rss_mb"] for v in nodes["validators"])
    r["validators"] = nodes["validators"]
    r["follower_peak_rss_mb"] = follower["follower_peak_rss_mb"] if follower else None
    load_txs = sum(x["committed"] for x in run["peak_runs"] + run["latency_runs"])
    r["node_cpu_ms_per_tx"] = sum(v["cpu_seconds"] for v in nodes["validators"]) * 1000 / load_txs / len(nodes["validators"])
    r["history_txs"] = history.get("txs") if history else None
    r["history_p50_ms"] = history.get("history_p50_ms") if history else None
    r["history_p99_ms"] = history.get("history_p99_ms") if history else None
    r["history_store_p99_ms"] = history.get("store_hot_p99_ms") if history else None
    return r


def fmt(x, digits=0):
    if x is None:
        return "–"
    return f"{x:,.{digits}f}"


def table(r):
    """The figures as Markdown table rows: figure, value, limit, ratio, issue #7's goal."""
    # An audit stopped before the end of the chain gives an upper bound.
    bound = "" if r["audit_verify_complete"] else "< "
    bound_note = "" if r["audit_verify_complete"] else f" (stopped after {r['audit_verify_seconds']:.0f} s)"
    rows = [
        ("Ed25519 verify, one core", f"{fmt(r['verify_rate_per_core'])} /s", "", "", ""),
        ("4-node commit (median of 3; min–max)",
         f"{fmt(r['commit_tps'])} tx/s ({fmt(r['commit_tps_min'])}–{fmt(r['commit_tps_max'])})",
         f"{fmt(r['commit_limit_tps'])} tx/s",
         f"{r['commit_limit_ratio']:.3f} (per signature {r['commit_sig_limit_ratio']:.3f})", "≥ 0.80"),
    ]
    for pct, goal in ((50, "p50 ≤ 25, p99 ≤ 100"), (90, "")):
        base = f" of {fmt(r['latency_base_tps'])} given" if r["latency_base_tps"] else ""
        rows.append((f"commit latency at {pct}%{base} ({fmt(r[f'rate_tps_at_{pct}pct'])} tx/s)",
                     f"p50 {fmt(r[f'latency_p50_ms_at_{pct}pct'], 1)} ms, p99 {fmt(r[f'latency_p99_ms_at_{pct}pct'], 1)} ms",
                     "", "", goal))
    rows += [
        ("audit verify --data" + bound_note, f"{bound}{fmt(r['audit_verify_tps'])} tx/s",
         f"{fmt(r['cores'] * r['verify_rate_per_core'])} tx/s",
         f"{bound}{r['audit_verify_limit_ratio']:.3f} (per signature {r['audit_verify_sig_limit_ratio']:.3f})", "≥ 0.70"),
        ("block-sync catch-up of a follower", f"{fmt(r['catchup_tps'])} tx/s", f"{fmt(r['cores'] * r['verify_rate_per_core'])} tx/s",
         f"{r['catchup_limit_ratio']:.3f} (per signature {r['catchup_sig_limit_ratio']:.3f})", "≥ 0.70"),
        ("history query, 100 items (HTTP, warm)",
         f"p50 {fmt(r['history_p50_ms'], 2)} ms, p99 {fmt(r['history_p99_ms'], 2)} ms"
         + (f" ({fmt(r['history_txs'])} txs)" if r["history_txs"] else ""), "", "", "p99 ≤ 5 ms"),
        ("bytes on disk, compacted (as the node left them)",
         f"{fmt(r['disk_bytes_per_tx'])} per tx, {r['disk_bytes_per_raw_byte']:.2f} × raw "
         f"({fmt(r['raw_tx_bytes_per_tx'])} B/tx) ({r['disk_bytes_as_left_per_raw_byte']:.2f} ×)", "", "", "≤ 2 × raw"),
        ("peak RSS per validator", f"{fmt(r['peak_rss_mb'], 1)} MB (max of 4)", "", "", ""),
        ("validator CPU per committed tx", f"{fmt(r['node_cpu_ms_per_tx'], 3)} ms", "", "", ""),
    ]
    lines = ["| figure | measured | limit | ratio | goal (#7) |", "|---|---|---|---|---|"]
    lines += [f"| {a} | {b} | {c} | {d} | {e} |" for a, b, c, d, e in rows]
    return "\n".join(lines)


def section(r):
    m = r["machine"]
    return (f"\n### {r['date']} — `./scripts/bench{' --quick' if r['mode'] == 'quick' else ''}`, commit `{r['commit']}`\n\n"
            f"Machine: {m['cpu_model']}, {m['cores']} cores (nproc), {m['ram_gib']} GiB RAM, Linux {m['kernel']}; "
            f"load average at the end {m['load_average_at_end']}. Chain: {fmt(r['chain_txs'])} transactions in "
            f"{fmt(r['chain_blocks'])} blocks; {r['signatures_per_tx']} signatures per transaction of the mix. "
            f"Run time {r['seconds'] // 60} min {r['seconds'] % 60} s.\n\n" + table(r) + "\n")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--parts", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--mode", default="full")
    p.add_argument("--seconds", type=int, default=0)
    p.add_argument("--network-seconds", type=int, default=0)
    p.add_argument("--append", help="a Markdown file to append the dated section to")
    a = p.parse_args()
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    r = build_report(a.parts, a.mode, a.seconds, a.network_seconds, root)
    with open(a.out, "w") as f:
        json.dump(r, f, indent=2)
        f.write("\n")
    print(section(r))
    print(f"written: {a.out}")
    if a.append:
        with open(a.append, "a") as f:
            f.write(section(r))
        print(f"appended to {a.append}")


if __name__ == "__main__":
    main()
