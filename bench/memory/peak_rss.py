#!/usr/bin/env python3
"""Peak RSS of `docpipe run` as the corpus grows: evidence that host memory
is bounded by --jobs and the limits, not by the number of documents.

Generates deterministic JSONL corpora (seeded shuffles of the sentences of
examples/news/input/news-ar-ecowas.txt, about 4 KB a document) of each size,
runs the same pipeline over each with the given docpipe binary, and reads the
child's peak RSS from wait4(). Prints a Markdown table.

    python3 bench/memory/peak_rss.py [--docpipe target/release/docpipe]
        [--sizes 1000,10000,100000] [--jobs 2]
"""

import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

PIPELINE = """
[input]
paths = ["docs.jsonl"]
format = "jsonl"

[[stages]]
id = "clean"
plugin = "builtin:clean"

[[stages]]
id = "lang"
plugin = "builtin:langdetect"

[[stages]]
id = "summary"
plugin = "builtin:summarize"

[[stages]]
id = "all"
plugin = "builtin:export"
config = {{ format = "jsonl" }}
{per_document}
[output]
directory = "out"
"""

PER_DOCUMENT = """
[[stages]]
id = "json"
plugin = "builtin:export"
config = { format = "json", path = "docs/{id}.json" }
"""


def corpus(path: Path, count: int, seed: int = 7) -> int:
    text = (REPO / "examples/news/input/news-ar-ecowas.txt").read_text(encoding="utf-8")
    sentences = [s.strip() for s in re.split(r"(?<=[.!?؟])\s+", text) if s.strip()]
    rng = random.Random(seed)
    written = 0
    with path.open("w", encoding="utf-8") as out:
        for i in range(count):
            body = []
            while sum(len(s.encode()) for s in body) < 4000:
                body.append(rng.choice(sentences))
            line = json.dumps({"id": f"d{i:07d}", "text": "\n\n".join(body)}, ensure_ascii=False)
            out.write(line + "\n")
            written += len(line) + 1
    return written


def peak_rss(docpipe: Path, workdir: Path, jobs: int) -> tuple[float, float, int]:
    """Run once; return (peak RSS in MiB, wall seconds, exit code)."""
    started = time.monotonic()
    child = subprocess.Popen(
        [str(docpipe), "run", str(workdir / "p.toml"), "--jobs", str(jobs), "--no-progress", "--overwrite"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.monotonic() - started
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        sys.stderr.write(child.stderr.read().decode(errors="replace"))
    return usage.ru_maxrss / 1024, seconds, code


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docpipe", type=Path, default=REPO / "target/release/docpipe")
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]

    print(f"docpipe: {args.docpipe}, --jobs {args.jobs}, {os.cpu_count()} cores")
    print()
    print("| documents | corpus MB | outputs | peak RSS MiB | wall s | docs/s |")
    print("|---:|---:|---|---:|---:|---:|")
    with tempfile.TemporaryDirectory(prefix="docpipe-rss-") as tmp:
        for per_document in (False, True):
            for count in sizes:
                work = Path(tmp) / f"{count}-{per_document}"
                work.mkdir()
                size = corpus(work / "docs.jsonl", count)
                (work / "p.toml").write_text(
                    PIPELINE.format(per_document=PER_DOCUMENT if per_document else ""),
                    encoding="utf-8",
                )
                # Warm the compile cache so start-up compilation is not measured.
                if count == sizes[0]:
                    peak_rss(args.docpipe, work, args.jobs)
                rss, seconds, code = peak_rss(args.docpipe, work, args.jobs)
                kind = "jsonl + one file per doc" if per_document else "one jsonl"
                print(
                    f"| {count:,} | {size / 1e6:.1f} | {kind} | {rss:.0f} | {seconds:.1f} | "
                    f"{count / seconds:,.0f} |" + ("" if code == 0 else f" exit {code}")
                )
                sys.stdout.flush()


if __name__ == "__main__":
    main()
