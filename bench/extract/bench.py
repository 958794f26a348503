#!/usr/bin/env python3
"""Main-text extraction quality and speed of `builtin:extract`.

Runs docpipe (`--jobs 1`) over the HTML pages of the two extraction sets in the
eval folder, scores the extracted text with the eval folder's `score.py
extract` (4-gram shingle F1, each page weighted equally), and reads the
extract stage's time from `run-summary.json` to give pages per second on one
core. Prints a Markdown table.

    python3 bench/extract/bench.py [EVAL_DIR] [--docpipe PATH] [--plugin P] [--repeat N]

EVAL_DIR defaults to ../shared/eval from the repository root. --plugin is
`builtin:extract` (default) or the path of a built extract.wasm, so the
prebuilt host can measure a freshly built component. --repeat N times the
stage over N copies of the pages in one run, after the scored run.

The CleanEval gold marks each segment with <p>, <h> or <l> and starts with a
`URL:` line; those are stripped into a temporary gold file (outside the
repository: the data's licence forbids copies in it). Pages are read with
`invalid_utf8 = "replace"` and a page without main content is kept with an
empty text, so every page is scored (an empty one scores 0).
"""

import argparse
import gzip
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

# Shared with compare.py.
INPUT = """
[input]
paths = ["{pages}"]
format = "html"
invalid_utf8 = "replace"
"""

PIPELINE = INPUT + """
[[stages]]
id = "extract"
plugin = "{plugin}"
config = {{ no_main_content = "keep" }}

[[stages]]
id = "export"
plugin = "builtin:export"
config = {{ format = "jsonl" }}

[output]
directory = "{out}"
"""

MARKER = re.compile(r"^\s*<[phl]>", re.MULTILINE)


def cleaneval_gold(gold_dir, path):
    """The CleanEval gold as score.py's ground-truth JSON, markers stripped."""
    gold = {}
    for file in sorted(gold_dir.glob("*.txt.gz")):
        text = gzip.open(file, "rt", encoding="utf-8", errors="replace").read()
        text = re.sub(r"\AURL:[^\n]*\n", "", text)
        gold[file.name.split(".")[0]] = {"articleBody": MARKER.sub("", text)}
    path.write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")


def run_docpipe(docpipe, plugin, name, pages, work):
    """Run the pipeline over `pages` with one job; return the output folder."""
    out = work / f"{name}-out"
    pipeline = work / f"{name}.toml"
    pipeline.write_text(PIPELINE.format(pages=pages, plugin=plugin, out=out))
    result = subprocess.run(
        [docpipe, "run", "--jobs", "1", "--no-progress", str(pipeline)],
        check=False,
        capture_output=True,
        text=True,
    )
    # Exit code 1 (some page failed) still writes the others; a pipeline
    # docpipe refuses (e.g. a plugin the binary does not have) writes nothing.
    if not (out / "documents.jsonl").exists():
        sys.exit(f"docpipe wrote no documents for {name}:\n{result.stderr}")
    return out


def extract_time(out):
    """(pages, seconds) of the extract stage, from the run summary."""
    summary = json.loads((out / "run-summary.json").read_text())
    stage = next(s for s in summary["stages"] if s["id"] == "extract")
    return stage["documents_in"], stage["seconds"]


def repeated_pages(pages, copies, work, name):
    """A folder holding `copies` copies (symlinks) of the pages, each copy in
    its own subfolder so that every page keeps a distinct id."""
    folder = work / f"{name}-repeated"
    for copy in range(copies):
        target = folder / str(copy)
        target.mkdir(parents=True)
        for page in sorted(Path(pages).iterdir()):
            (target / page.name).symlink_to(page.resolve())
    return folder


def run(docpipe, plugin, name, pages, gold, work, scorer, repeat):
    out = run_docpipe(docpipe, plugin, name, pages, work)
    # Ids are file names without `.gz` ("1.html"); the gold's are stems.
    predictions = work / f"{name}.jsonl"
    with open(out / "documents.jsonl", encoding="utf-8") as documents, open(
        predictions, "w", encoding="utf-8"
    ) as writer:
        for line in documents:
            document = json.loads(line)
            stem = document["id"].split("/")[-1].split(".")[0]
            writer.write(json.dumps({"id": stem, "text": document["text"]}) + "\n")
    score = subprocess.run(
        [sys.executable, scorer, "extract", str(gold), str(predictions), "--field", "text"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    summary = json.loads((out / "run-summary.json").read_text())
    pages_in, seconds = extract_time(out)
    if repeat > 1:
        # Speed over the pages `repeat` times in one run: one run of 60
        # pages lasts a third of a second, so the first page's set-up and a
        # moment of load elsewhere weigh on it; the work per page is the same.
        speed_out = run_docpipe(
            docpipe, plugin, f"{name}-speed", repeated_pages(pages, repeat, work, name), work
        )
        pages_in, seconds = extract_time(speed_out)
    f1 = re.search(r"F1 ([0-9.]+) precision ([0-9.]+) recall ([0-9.]+)", score)
    return {
        "set": name,
        "pages": pages_in,
        "errors": summary["input_errors"],
        "f1": f1.group(1),
        "precision": f1.group(2),
        "recall": f1.group(3),
        "seconds": seconds,
        "pages_per_second": pages_in / seconds if seconds else float("nan"),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("eval_dir", nargs="?", default=str(REPO.parent / "shared" / "eval"))
    parser.add_argument("--docpipe", default=str(REPO / "target" / "release" / "docpipe"))
    parser.add_argument("--plugin", default="builtin:extract")
    parser.add_argument("--repeat", type=int, default=1,
                        help="time the extract stage over this many copies of each set's pages, "
                             "in one run (default 1: the scored run itself)")
    args = parser.parse_args()
    extract = Path(args.eval_dir).resolve() / "extract"
    scorer = str(Path(args.eval_dir).resolve() / "score.py")
    plugin = args.plugin if args.plugin.startswith("builtin:") else str(Path(args.plugin).resolve())
    rows = []
    with tempfile.TemporaryDirectory(prefix="docpipe-bench-extract-") as work:
        work = Path(work)
        clean_gold = work / "cleaneval-gold.json"
        cleaneval_gold(extract / "cleaneval-dev" / "gold", clean_gold)
        rows.append(run(args.docpipe, plugin, "aeb-dev", extract / "aeb-dev" / "html",
                        extract / "aeb-dev" / "ground-truth.json", work, scorer, args.repeat))
        rows.append(run(args.docpipe, plugin, "cleaneval-dev", extract / "cleaneval-dev" / "input",
                        clean_gold, work, scorer, args.repeat))
    print("| set | pages | input errors | F1 | precision | recall | extract stage time | pages/s (1 core) |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in rows:
        print(f"| {r['set']} | {r['pages']} | {r['errors']} | {r['f1']} | {r['precision']} | "
              f"{r['recall']} | {r['seconds']:.2f} s | {r['pages_per_second']:.1f} |")


if __name__ == "__main__":
    main()
