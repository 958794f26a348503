#!/usr/bin/env python3
"""What `clean` does to real articles: runs a clean stage over the eval
summarization sets (Arabic ANT, English BBC) and prints, per set, how many
documents each rule changed, what it removed, what was held back, and the
stage time beside the built-in clean of the same binary.

    python3 bench/cleaning/run.py [EVAL_DIR] --plugin /tmp/clean-components/clean.wasm

EVAL_DIR defaults to ../shared/eval relative to the repository root.
DOCPIPE (env) is the docpipe binary, default target/release/docpipe.
"""

import argparse
import collections
import json
import os
import pathlib
import subprocess
import tempfile

REPO = pathlib.Path(__file__).resolve().parents[2]
SETS = {"ar (ANT)": "summarize/ant-ar-dev.jsonl", "en (BBC)": "summarize/bbc-en-dev.jsonl"}


def run(docpipe, plugin, corpus, out):
    pipeline = out / "pipeline.toml"
    pipeline.write_text(
        f'[input]\npaths = ["{corpus}"]\nformat = "jsonl"\n\n'
        f'[[stages]]\nid = "clean"\nplugin = "{plugin}"\n\n'
        '[[stages]]\nid = "jsonl"\nplugin = "builtin:export"\nconfig = { format = "jsonl" }\n\n'
        f'[output]\ndirectory = "{out / "out"}"\noverwrite = true\n'
    )
    subprocess.run([docpipe, "run", str(pipeline), "-j", "1", "--no-progress"],
                   check=True, capture_output=True)
    summary = json.loads((out / "out" / "run-summary.json").read_text())
    docs = [json.loads(line) for line in (out / "out" / "documents.jsonl").open()]
    return summary, docs


def stage_seconds(summary):
    return next(s for s in summary["stages"] if s["id"] == "clean")["seconds"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("eval_dir", nargs="?", default=str(REPO.parent / "shared" / "eval"))
    parser.add_argument("--plugin", required=True, help="the clean component to measure")
    args = parser.parse_args()
    docpipe = os.environ.get("DOCPIPE", str(REPO / "target" / "release" / "docpipe"))
    for name, relative in SETS.items():
        corpus = pathlib.Path(args.eval_dir) / relative
        originals = {json.loads(l)["id"]: json.loads(l)["text"] for l in corpus.open()}
        with tempfile.TemporaryDirectory() as new_dir, tempfile.TemporaryDirectory() as old_dir:
            summary, docs = run(docpipe, args.plugin, corpus, pathlib.Path(new_dir))
            old_summary, _ = run(docpipe, "builtin:clean", corpus, pathlib.Path(old_dir))
        changed_docs = collections.Counter()
        counts = collections.Counter()
        removed = collections.defaultdict(collections.Counter)
        held = collections.Counter()
        visible = lambda t: sum(1 for c in t if not c.isspace())
        removed_share = []
        for doc in docs:
            report = doc["meta"]["clean"]
            for rule, change in report["rules"].items():
                if change["count"]:
                    changed_docs[rule] += 1
                    counts[rule] += change["count"]
                    for line in change.get("changed", []):
                        removed[rule][line[:60]] += 1
            for h in report["held_back"]:
                held[h["rule"]] += 1
            before = visible(originals[doc["id"]])
            removed_share.append((before - visible(doc["text"])) / before if before else 0)
        print(f"## {name}: {len(docs)} documents")
        new, old = stage_seconds(summary), stage_seconds(old_summary)
        per_doc = lambda seconds: f"{seconds / len(docs) * 1000:.2f} ms/document"
        print(f"clean stage time (-j 1): measured {per_doc(new)}, built-in {per_doc(old)}, ratio {new / old:.1f}")
        print(f"visible characters removed: mean {sum(removed_share) / len(removed_share):.4f}, max {max(removed_share):.4f}")
        print("| rule | documents changed | changes | most frequent removals |")
        print("| --- | --- | --- | --- |")
        for rule in docs[0]["meta"]["clean"]["rules"]:
            top = "; ".join(f"`{t}` ×{n}" for t, n in removed[rule].most_common(3))
            print(f"| {rule} | {changed_docs[rule]} | {counts[rule]} | {top} |")
        print(f"held back: {dict(held) or 'none'}")
        print()


if __name__ == "__main__":
    main()
