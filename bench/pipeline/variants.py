#!/usr/bin/env python3
"""Builds of the same pipeline plugins, side by side (issue #10): the time
per document per stage of `docpipe run --jobs 1` for each folder of
components, and of the native binary paired with it, over one generated
corpus, in one run.

Each variant is NAME=COMPONENTS_DIR[,NATIVE_BINARY[,DOCPIPE]] (the native
binary defaults to the previous variant's, then to --native; the docpipe
binary, which runs the components, to --docpipe: two hosts over the same
components is `old=DIR,,/path/to/old/docpipe new=DIR`). Every round runs
every variant once, the order rotating each round, so that a burst of load
from elsewhere on the machine does not land on one variant only; the table
gives the median over rounds and the fastest round. It also counts the lines
of each variant's output that differ from the first variant's: a change
meant to make plugins faster must leave the documents alone.

    python3 bench/pipeline/variants.py --docpipe /work/main/target/release/docpipe \\
        base=/tmp/c/base simd=/tmp/c/simd glue=/tmp/c/glue,target/release/docpipe-bench-native
"""

import argparse
import json
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import (REPO, STAGES, add_corpus_arguments, differing_lines, generate_corpus,  # noqa: E402
                 measure, run_docpipe, write_pipeline)


def parse_variants(specs, default_native, default_docpipe):
    variants, native = [], default_native
    for spec in specs:
        name, sep, rest = spec.partition("=")
        if not sep:
            sys.exit(f"error: variant {spec!r} is not NAME=COMPONENTS_DIR[,NATIVE_BINARY[,DOCPIPE]]")
        components, _, rest = rest.partition(",")
        given, _, docpipe = rest.partition(",")
        native = Path(given) if given else native
        docpipe = Path(docpipe) if docpipe else default_docpipe
        components = Path(components).resolve()
        for needed in [native, docpipe] + [components / c for c, _ in STAGES.values()]:
            if not needed.exists():
                sys.exit(f"error: {needed} not found (variant {name})")
        variants.append((name, components, native, docpipe))
    return variants


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("variants", nargs="+", help="NAME=COMPONENTS_DIR[,NATIVE_BINARY[,DOCPIPE]]")
    parser.add_argument("--docpipe", default=str(REPO / "target" / "release" / "docpipe"))
    parser.add_argument("--native", default=str(REPO / "target" / "release" / "docpipe-bench-native"),
                        help="native binary for variants that name none")
    add_corpus_arguments(parser)
    parser.add_argument("--rounds", type=int, default=5, help="runs of each variant (default 5)")
    args = parser.parse_args()
    variants = parse_variants(args.variants, Path(args.native), Path(args.docpipe))

    work = Path(tempfile.mkdtemp(prefix="docpipe-bench-variants-"))
    corpus = work / "corpus.jsonl"
    docs = generate_corpus(args, corpus)
    configs = json.dumps({stage: config for stage, (_, config) in STAGES.items()})

    cache = work / "cache"
    wasm = {name: [] for name, _, _, _ in variants}
    native = {str(n): [] for _, _, n, _ in variants}
    for round_ in range(args.rounds):
        shift = round_ % len(variants)
        for name, components, native_bin, docpipe in variants[shift:] + variants[:shift]:
            pipeline = work / f"{name}.toml"
            write_pipeline(pipeline, components, corpus, work / f"out-{name}")
            # The first round also compiles the components into the cache;
            # that is not per-document work, so it is run once untimed.
            if round_ == 0:
                run_docpipe(docpipe, pipeline, work / f"out-{name}", 1, cache)
            wasm[name].append(run_docpipe(docpipe, pipeline, work / f"out-{name}", 1, cache)["stages"])
            if len(native[str(native_bin)]) <= round_:
                _, _, out = measure([str(native_bin), str(corpus), str(work / "native"), "--configs", configs])
                native[str(native_bin)].append({s["id"]: s["process_seconds"] + s["configure_seconds"]
                                                for s in json.loads(out)["stages"]})

    def ms(samples, stage, pick):
        return pick(s[stage] for s in samples) / docs * 1e3

    stages = list(STAGES)
    print(f"{docs} documents of {args.min_kb:g}-{args.max_kb:g} KiB, --jobs 1, {args.rounds} rounds; "
          "ms per document, median (fastest)\n")
    print("| variant | " + " | ".join(f"{s} wasm | {s} native" for s in stages)
          + " | total wasm / native (median) | output lines differing from first |")
    print("| --- |" + " ---: |" * (2 * len(stages) + 2))
    first_out = work / f"out-{variants[0][0]}" / "documents.jsonl"
    for name, _, native_bin, _ in variants:
        cells = []
        for s in stages:
            for samples in (wasm[name], native[str(native_bin)]):
                cells.append(f"{ms(samples, s, statistics.median):.3f} ({ms(samples, s, min):.3f})")
        ratio = statistics.median(sum(r.values()) for r in wasm[name]) / statistics.median(
            sum(r[s] for s in stages) for r in native[str(native_bin)])
        differ, lines = differing_lines(first_out, work / f"out-{name}" / "documents.jsonl")
        print(f"| {name} | " + " | ".join(cells) + f" | {ratio:.2f} | {differ} of {lines} |")


if __name__ == "__main__":
    main()
