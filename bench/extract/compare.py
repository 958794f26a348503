#!/usr/bin/env python3
"""Speed of two builds of the extract component, side by side in one pipeline.

On a shared machine one build's stage time varies by a factor of two between
runs a minute apart, far more than most changes give, so runs of one build
after the other cannot tell a 10% change from the noise. Here both builds are
consecutive stages of the same pipeline (the first with `keep_html = true`,
so the second gets the page too): every page meets the same load in both,
moments apart. A stage's place in the pipeline changes its time (the first
hands the page back, which the host parses; an A/A run of one build against
a copy of itself shows how much), so the rounds alternate the order and each
pair of rounds gives one ratio, the geometric mean of the two orders'.

    python3 bench/extract/compare.py [EVAL_DIR] --docpipe PATH \\
        --rounds 10 [--repeat 5] BASE.wasm NEW.wasm

Prints, per pair of rounds, how many times faster NEW is than BASE (> 1:
NEW is faster), and each build's pages per second (the stage's time in
run-summary.json, one job). Pages are aeb-dev's (`--set` for another),
`--repeat` times over in each round. The pages per second are lower than
bench.py's: the first stage also returns the page.
"""

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from bench import INPUT, REPO, repeated_pages

PIPELINE = INPUT + """{stages}
[output]
directory = "{out}"
"""

STAGE = """
[[stages]]
id = "{id}"
plugin = "{plugin}"
config = {{ no_main_content = "keep", keep_html = {keep_html} }}
"""


def run_pair(docpipe, pages, stages, work):
    """Both stages' seconds and pages, by stage id, for one run (in a new
    folder: docpipe resumes a run whose output folder exists)."""
    work.mkdir()
    out = work / "out"
    pipeline = work / "pipeline.toml"
    pipeline.write_text(PIPELINE.format(
        pages=pages,
        # Only the first stage hands the page on: the second's output is not
        # read, and returning the page (parsed back by the host) is time
        # that both builds spend alike, which waters the ratio down.
        stages="".join(
            STAGE.format(id=name, plugin=plugin, keep_html=str(first).lower())
            for first, (name, plugin) in zip([True, False], stages)
        ),
        out=out,
    ))
    result = subprocess.run(
        [docpipe, "run", "--jobs", "1", "--no-progress", str(pipeline)],
        check=False,
        capture_output=True,
        text=True,
    )
    summary = out / "run-summary.json"
    if not summary.exists():
        sys.exit(f"docpipe wrote no summary:\n{result.stderr}")
    return {s["id"]: s for s in json.loads(summary.read_text())["stages"]}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("eval_dir", nargs="?", default=str(REPO.parent / "shared" / "eval"))
    parser.add_argument("--docpipe", default=str(REPO / "target" / "release" / "docpipe"))
    parser.add_argument("--set", default="aeb-dev", help="aeb-dev (html/) or cleaneval-dev (input/)")
    parser.add_argument("--rounds", type=int, default=10, help="an even number: half in each order")
    parser.add_argument("--repeat", type=int, default=1,
                        help="each round over this many copies of the pages (one run of 60 pages "
                             "lasts a third of a second, short enough for a moment of load to tip it)")
    parser.add_argument("base")
    parser.add_argument("new")
    # Intermixed: the optional EVAL_DIR comes before the options, BASE and NEW after.
    args = parser.parse_intermixed_args()
    folder = Path(args.eval_dir).resolve() / "extract" / args.set
    pages = folder / ("html" if (folder / "html").is_dir() else "input")
    builds = [("base", str(Path(args.base).resolve())), ("new", str(Path(args.new).resolve()))]
    seconds = {"base": [], "new": []}
    documents = 0
    with tempfile.TemporaryDirectory(prefix="docpipe-bench-extract-compare-") as work:
        if args.repeat > 1:
            pages = repeated_pages(pages, args.repeat, Path(work), args.set)
        for round_ in range(args.rounds):
            stages = builds if round_ % 2 == 0 else builds[::-1]
            by_id = run_pair(args.docpipe, pages, stages, Path(work) / str(round_))
            documents = by_id["base"]["documents_in"]
            for name in seconds:
                seconds[name].append(by_id[name]["seconds"])
    ratios = [b / n for b, n in zip(seconds["base"], seconds["new"])]
    pairs = [(ratios[i] * ratios[i + 1]) ** 0.5 for i in range(0, len(ratios) - 1, 2)]
    print(f"{args.set}, {documents} pages, {args.rounds} rounds")
    print()
    print("| | median | fastest | each |")
    print("| --- | ---: | ---: | --- |")
    print(f"| new / base speed, per pair of rounds | {statistics.median(pairs):.2f} | – | "
          f"{' '.join(f'{p:.2f}' for p in pairs)} |")
    for name in seconds:
        speeds = [documents / s for s in seconds[name]]
        print(f"| {name} pages/s | {statistics.median(speeds):.0f} | {max(speeds):.0f} | "
              f"{' '.join(f'{s:.0f}' for s in speeds)} |")

if __name__ == "__main__":
    main()
