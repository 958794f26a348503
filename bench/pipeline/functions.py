#!/usr/bin/env python3
"""Where the wasm / native gap is, function by function (issue #10): the
four-stage pipeline under `perf record`, once through `docpipe run --jobs 1`
and once through the native benchmark binary, over one generated corpus;
then each function's time per document in both, side by side.

A wasm function is named by the perf map docpipe writes with
DOCPIPE_PERFMAP=1 (docs/benchmarks.md, "Profiling"), its Rust name
demangled here so that it meets the same function in the native profile.
Time is self time (samples in the function's own code), per document, at
the sampling frequency given; functions LLVM inlined into a caller in one
build and not the other show in one column only. Needs Linux `perf`.

    cargo build --release -p docpipe -p docpipe-bench-native
    python3 bench/pipeline/functions.py --count 4000 --min-kb 3 --max-kb 5
"""

import argparse
import bisect
import collections
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import (REPO, STAGES, add_corpus_arguments, docpipe_env, generate_corpus,  # noqa: E402
                 measure, run_docpipe, write_pipeline)

# One sample of `perf script -F pid,ip,sym,dso`: pid, address, symbol, (dso).
SAMPLE = re.compile(r"\s*(\d+)\s+([0-9a-f]+)\s+(.*?)\s*\((.*)\)\s*$")
WASM_FUNCTION = re.compile(r"wasm\[\d+\]::function\[\d+\]::(.*)")
# Rust's legacy mangling: _ZN, then length-prefixed parts, then E.
LEGACY_ESCAPES = {"$LT$": "<", "$GT$": ">", "$RF$": "&", "$BP$": "*", "$C$": ",",
                  "$SP$": "@", "$LP$": "(", "$RP$": ")", "$u20$": " ", "$u27$": "'",
                  "$u5b$": "[", "$u5d$": "]", "$u7b$": "{", "$u7d$": "}", "$u7e$": "~"}


def demangle(name):
    """A legacy-mangled Rust name as perf prints native ones, without the
    hash; any other name (v0-mangled, C) unchanged."""
    match = re.fullmatch(r"_ZN(.*)E(\.llvm\.\d+)?", name)
    if not match:
        return name
    rest, parts = match.group(1), []
    while rest:
        digits = re.match(r"\d+", rest)
        if not digits:
            return name
        length = int(digits.group())
        start = digits.end()
        parts.append(rest[start:start + length])
        rest = rest[start + length:]
    if parts and re.fullmatch(r"h[0-9a-f]{16}", parts[-1]):
        parts.pop()
    decoded = []
    for part in parts:
        if part.startswith("_$"):
            part = part[1:]
        for escape, char in LEGACY_ESCAPES.items():
            part = part.replace(escape, char)
        decoded.append(part.replace("..", "::"))
    return "::".join(decoded)


def perf_map(pid):
    """The functions in the perf map wasmtime wrote for process `pid`:
    sorted (start, end, name). A cached component's own symbols, which perf
    reads, are cut at 128 bytes; the map has the names whole."""
    path = Path(f"/tmp/perf-{pid}.map")
    entries = []
    if path.exists():
        for line in path.open(encoding="utf-8", errors="replace"):
            start, size, name = (line.rstrip("\n").split(" ", 2) + ["", ""])[:3]
            try:
                entries.append((int(start, 16), int(start, 16) + int(size, 16), name))
            except ValueError:
                continue
    entries.sort()
    return entries


def whole_name(entries, ip, cut):
    """The map's name for the function at `ip`, or `cut` if it has none."""
    at = bisect.bisect_right(entries, (ip, float("inf"))) - 1
    if at >= 0 and entries[at][0] <= ip < entries[at][1] and entries[at][2].startswith(cut):
        return entries[at][2]
    return cut


def profile(argv, data, frequency, env=None):
    """Self samples per function name, and per group (wasm, host, kernel)."""
    measure(["perf", "record", "-q", "-F", str(frequency), "-o", str(data), "--"] + argv, env=env)
    script = subprocess.run(["perf", "script", "-i", str(data), "-F", "pid,ip,sym,dso"],
                            capture_output=True, text=True, check=True).stdout
    functions, groups, maps = collections.Counter(), collections.Counter(), {}
    for line in script.splitlines():
        sample = SAMPLE.match(line)
        if not sample:
            continue
        pid, ip, symbol, dso = sample.groups()
        wasm = WASM_FUNCTION.match(symbol)
        if wasm:
            if pid not in maps:
                maps[pid] = perf_map(pid)
            symbol = whole_name(maps[pid], int(ip, 16), wasm.group(1))
        functions[demangle(symbol)] += 1
        groups["wasm code" if ".cwasm" in dso or wasm else "kernel" if "kernel" in dso else
               "the process's own code and libraries"] += 1
    return functions, groups


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docpipe", default=str(REPO / "target" / "release" / "docpipe"))
    parser.add_argument("--native", default=str(REPO / "target" / "release" / "docpipe-bench-native"))
    parser.add_argument("--components", default=str(REPO / "plugins" / "components"),
                        help="folder of clean/langdetect/summarize/export .wasm")
    add_corpus_arguments(parser, count=2000)
    parser.add_argument("--frequency", type=int, default=4000, help="samples per second (default 4000)")
    parser.add_argument("--top", type=int, default=25, help="functions listed (default 25)")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="docpipe-bench-functions-"))
    corpus = work / "corpus.jsonl"
    docs = generate_corpus(args, corpus)
    pipeline = work / "pipeline.toml"
    write_pipeline(pipeline, Path(args.components).resolve(), corpus, work / "out")
    cache = work / "cache"
    # Compiled once before recording, so the profile holds the compiled
    # code as mapped from the cache (which perf can read), not compilation.
    run_docpipe(args.docpipe, pipeline, work / "out", 1, cache)
    env = docpipe_env(cache) | {"DOCPIPE_PERFMAP": "1"}
    wasm, wasm_groups = profile([args.docpipe, "run", "--no-progress", "--jobs", "1", str(pipeline)],
                                work / "wasm.data", args.frequency, env)
    configs = json.dumps({stage: config for stage, (_, config) in STAGES.items()})
    native, native_groups = profile([args.native, str(corpus), str(work / "native"), "--configs", configs],
                                    work / "native.data", args.frequency)

    def per_doc(samples):
        return samples / args.frequency / docs * 1e6

    print(f"{docs} documents of {args.min_kb:g}-{args.max_kb:g} KiB, --jobs 1, "
          f"{args.frequency} samples/s; µs per document, self time\n")
    print("| | docpipe (wasm) | native |\n| --- | ---: | ---: |")
    for group in ["wasm code", "the process's own code and libraries", "kernel"]:
        print(f"| {group} | {per_doc(wasm_groups[group]):.1f} | {per_doc(native_groups[group]):.1f} |")
    print(f"| all | {per_doc(sum(wasm_groups.values())):.1f} | {per_doc(sum(native_groups.values())):.1f} |")
    print("\n| function | docpipe | native | docpipe / native |\n| --- | ---: | ---: | ---: |")
    for name, samples in wasm.most_common(args.top):
        here, there = per_doc(samples), per_doc(native.get(name, 0))
        ratio = f"{here / there:.2f}" if there else "-"
        print(f"| `{name}` | {here:.1f} | {there:.1f} | {ratio} |")


if __name__ == "__main__":
    main()
