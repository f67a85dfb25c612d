#!/usr/bin/env python3
"""Shares of sampled CPU by component, from `perf script` output of the API under load (see RESULTS-throughput.md).

Each sample is charged to the leaf-most frame that belongs to a known component (so GC or runtime work done on
behalf of EF Core counts as EF Core); samples with no such frame are kernel or runtime.
    perf script -i api.perf | bench/perf-share.py
"""
import collections
import sys

COMPONENTS = [
    ("NRules and the rules", "[NRules]"), ("NRules and the rules", "[Approval.Rules]"),
    ("Npgsql", "[Npgsql"), ("EF Core", "Microsoft.EntityFrameworkCore"), ("System.Text.Json", "[System.Text.Json]"),
    ("ASP.NET Core / Kestrel", "Microsoft.AspNetCore"), ("cryptography", "Cryptography"), ("cryptography", "libcrypto"),
    ("Approval.Workflows", "[Approval.Workflows]"), ("Approval.Api", "[Approval.Api]"), ("sockets", "System.Net.Sockets"),
    ("JIT", "libclrjit"),
]

counts = collections.Counter()
total = 0
for sample in sys.stdin.read().split("\n\n"):
    lines = sample.strip().split("\n")
    if len(lines) < 2:
        continue
    total += 1
    found = next((name for line in lines[1:] for name, pattern in COMPONENTS if pattern in line), None)
    counts[found or ("kernel" if "[k]" in lines[1] or "kernel" in lines[1] else "runtime, libc, thread pool")] += 1
print(f"{total} samples")
for name, n in counts.most_common():
    print(f"{100 * n / total:5.1f}%  {name}")
