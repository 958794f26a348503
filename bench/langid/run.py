#!/usr/bin/env python3
"""Language identification benchmark: runs `langdetect` and `langdetect-fast`
through docpipe over the lingua dev set, scores them per text kind with
score.py, times them on ~4 KB documents with one job, and prints a table
beside the peers' published accuracy on the same data.

    python3 bench/langid/run.py [EVAL_DIR] [--docpipe BIN] [--components DIR]
                                [--baseline DIR] [--rounds N] [--model FILE]

EVAL_DIR defaults to ../shared/eval relative to the repository root. The
components default to plugins/components/; build fresh ones with
`docpipe plugins build plugins/langdetect plugins/langdetect-fast --out-dir DIR`.
--baseline names a directory of earlier builds of both (e.g. the committed
plugins/components/ of another checkout), measured in the same run, since
speeds on a shared machine only compare within one run.
--model names a model table written by `docpipe-langdetect-model` (e.g.
every n-gram of lingua's models), handed to `langdetect` as its `model`
resource in one more row; the table's sha256 is pinned in the pipeline file,
as a user would pin it, and what reading it costs once per instance is
measured as the extra time of `docpipe check` with it.
"""

import argparse
import csv
import json
import math
import os
import re
import subprocess
import sys
import statistics
import tempfile
import time
import hashlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PLUGINS = ["langdetect", "langdetect-fast"]
# Accuracy is the detector's: no abstaining, so `und` never hides a guess.
NO_THRESHOLDS = {"min_chars": 0, "min_confidence": 0.0}
DOC_BYTES = 4096
SPEED_COPIES = 8

PEERS = [
    ("lingua 1.8 high accuracy (published)", "lingua-high-accuracy"),
    ("lingua 1.8 low accuracy (published)", "lingua-low-accuracy"),
    ("whatlang (published, its languages)", "whatlang"),
    ("CLD2 (published, its languages)", "cld2"),
    ("whichlang (published, its languages)", "whichlang"),
]


def pipeline(input_path: Path, plugin: Path, config: dict, model: Path | None = None) -> str:
    table = ", ".join(f"{k} = {json.dumps(v)}" for k, v in config.items())
    resources = ""
    if model:
        digest = hashlib.sha256(model.read_bytes()).hexdigest()
        resources = f'resources.model = {{ path = "{model}", sha256 = "{digest}" }}\n'
    return f"""[input]
paths = ["{input_path}"]
format = "jsonl"

[[stages]]
id = "lang"
plugin = "{plugin}"
config = {{ {table} }}
{resources}
[[stages]]
id = "jsonl"
plugin = "builtin:export"
config = {{ format = "jsonl" }}

[output]
directory = "out"
"""


def run(docpipe: Path, work: Path, name: str, input_path: Path, plugin: Path,
        config: dict, jobs: int | None, model: Path | None = None) -> dict:
    """Run one pipeline; return its run summary."""
    directory = work / name
    directory.mkdir()
    (directory / "pipeline.toml").write_text(pipeline(input_path, plugin, config, model))
    command = [str(docpipe), "run", "pipeline.toml", "--no-progress"]
    if jobs:
        command += ["--jobs", str(jobs)]
    done = subprocess.run(command, cwd=directory, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"{name}: docpipe failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return json.loads((directory / "out" / "run-summary.json").read_text())


def check_seconds(docpipe: Path, work: Path, name: str, input_path: Path, components: Path,
                  model: Path) -> float:
    """How much longer `docpipe check` takes with the model resource than without."""
    seconds = []
    for variant, resource in (("plain", None), ("model", model)):
        directory = work / f"{name}-{variant}"
        directory.mkdir()
        (directory / "pipeline.toml").write_text(
            pipeline(input_path, components / "langdetect.wasm", {}, resource))
        start = time.perf_counter()
        done = subprocess.run([str(docpipe), "check", "pipeline.toml"], cwd=directory,
                              capture_output=True, text=True)
        seconds.append(time.perf_counter() - start)
        if done.returncode != 0:
            sys.exit(f"{name}: docpipe check failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return seconds[1] - seconds[0]


def score(eval_dir: Path, gold: Path, output: Path) -> dict:
    """Mean accuracy per kind, parsed from score.py's report."""
    done = subprocess.run(
        [sys.executable, str(eval_dir / "score.py"), "langid", str(gold), str(output),
         "--field", "lang.code"], capture_output=True, text=True, check=True)
    means = {}
    for line in done.stdout.splitlines():
        found = re.match(r"(\S+): mean accuracy over (\d+) languages ([0-9.]+)", line)
        if found:
            means[found[1]] = (float(found[3]), int(found[2]))
    return means


def per_language(gold: Path, output: Path, kind: str) -> dict:
    """Accuracy per gold language for one kind, from docpipe's JSONL output."""
    answers = {}
    for line in output.open():
        item = json.loads(line)
        answers[item["id"]] = (item.get("lang") or {}).get("code")
    right, total = {}, {}
    for line in gold.open():
        item = json.loads(line)
        if item["kind"] == kind:
            language = item["gold"]
            total[language] = total.get(language, 0) + 1
            right[language] = right.get(language, 0) + (answers.get(item["id"]) == language)
    return {language: right[language] / total[language] for language in total}


def supported_by(eval_dir: Path, column: str) -> set:
    """ISO codes of the languages a peer has published figures for."""
    names = {}
    for line in (eval_dir / "langid" / "languages.tsv").read_text().splitlines()[1:]:
        code, name = line.split("\t")[:2]
        names[name] = code
    with (eval_dir / "langid" / "peer-accuracy" / "sentences-accuracy-values.csv").open() as f:
        return {names[r["language"].lower().replace("norwegian ", "")]
                for r in csv.DictReader(f) if not math.isnan(float(r[column]))}


def four_kb_documents(gold: Path, target: Path) -> int:
    """Join each language's sentences, in order, into ~4 KB documents."""
    by_language: dict[str, list[str]] = {}
    for line in gold.open():
        item = json.loads(line)
        if item["kind"] == "sentences":
            by_language.setdefault(item["gold"], []).append(item["text"])
    documents = []
    for language, sentences in by_language.items():
        current: list[str] = []
        for sentence in sentences:
            current.append(sentence)
            if len(" ".join(current).encode()) >= DOC_BYTES:
                documents.append((language, " ".join(current)))
                current = []
    count = 0
    with target.open("w") as out:
        for copy in range(SPEED_COPIES):
            for index, (language, text) in enumerate(documents):
                out.write(json.dumps({"id": f"{language}-{index}-{copy}", "text": text,
                                      "gold": language, "kind": "4kb"}) + "\n")
                count += 1
    return count


def peer_means(eval_dir: Path) -> dict:
    """Published mean accuracy per detector and kind (NaN = unsupported language)."""
    means = {}
    for kind, file in [("sentences", "sentences-accuracy-values.csv"),
                       ("word-pairs", "word-pairs-accuracy-values.csv")]:
        with (eval_dir / "langid" / "peer-accuracy" / file).open() as f:
            rows = list(csv.DictReader(f))
        for _, column in PEERS:
            values = [float(r[column]) for r in rows if not math.isnan(float(r[column]))]
            means.setdefault(column, {})[kind] = (sum(values) / len(values) / 100, len(values))
    return means


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("eval_dir", nargs="?", default=str(ROOT.parent / "shared" / "eval"))
    parser.add_argument("--docpipe", default=os.environ.get(
        "DOCPIPE", str(ROOT / "target" / "release" / "docpipe")))
    parser.add_argument("--components", default=str(ROOT / "plugins" / "components"))
    parser.add_argument("--baseline", help="a directory of earlier builds of the same "
                        "components, measured in the same run for comparison")
    parser.add_argument("--model", help="a model table (docpipe-langdetect-model) to hand "
                        "`langdetect` as its `model` resource, in a row of its own")
    parser.add_argument("--rounds", type=int, default=1,
                        help="time every plugin this many times, the order rotating each round, "
                             "and give the median (default 1)")
    args = parser.parse_args()
    eval_dir = Path(args.eval_dir).resolve()
    gold = eval_dir / "langid" / "lingua-dev.jsonl"
    docpipe = Path(args.docpipe).resolve()
    components = Path(args.components).resolve()
    model = Path(args.model).resolve() if args.model else None

    whatlang_languages = supported_by(eval_dir, "whatlang")
    results = {}
    with tempfile.TemporaryDirectory(prefix="langid-bench-") as temp:
        work = Path(temp)
        speed_input = work / "4kb.jsonl"
        speed_docs = four_kb_documents(gold, speed_input)

        def rate(name: str, plugin: Path, config: dict) -> float:
            summary = run(docpipe, work, name, speed_input, plugin, config, 1, resource(name))
            return speed_docs / next(s["seconds"] for s in summary["stages"] if s["id"] == "lang")

        def resource(name: str) -> Path | None:
            return model if name.startswith("langdetect-model") else None

        runs = [(name, f"`{name}` (this run)", components / f"{name}.wasm")
                for name in PLUGINS]
        if model:
            runs.append(("langdetect-model", f"`langdetect` + `model` resource ({model.name})",
                         components / "langdetect.wasm"))
        if args.baseline:
            runs += [(f"{name}-baseline", f"`{name}` (baseline, same run)",
                      Path(args.baseline).resolve() / f"{name}.wasm") for name in PLUGINS]
        measured = {}
        for name, label, plugin in runs:
            run(docpipe, work, f"{name}-accuracy", gold, plugin, NO_THRESHOLDS, None,
                resource(name))
            output = work / f"{name}-accuracy" / "out" / "documents.jsonl"
            accuracy = score(eval_dir, gold, output)
            subset = {}
            for kind in ("sentences", "word-pairs"):
                found = per_language(gold, output, kind)
                values = [found[language] for language in whatlang_languages]
                subset[kind] = (sum(values) / len(values), len(values))
            measured[label] = (accuracy, subset)
        # The floor: the same calls with nothing to analyse, what docpipe and
        # the JSON glue cost per document, the ceiling for any detector here.
        timed = runs + [("floor", "floor", components / "langdetect.wasm")]
        rates = {label: [] for _, label, _ in timed}
        # One run of ~1,800 documents lasts a fraction of a second, so a burst
        # of load elsewhere can halve it: several rounds, the order rotating,
        # and the median.
        for round_index in range(args.rounds):
            shift = round_index % len(timed)
            for name, label, plugin in timed[shift:] + timed[:shift]:
                config = {"max_chars": 0} if name == "floor" else {}
                rates[label].append(rate(f"{name}-speed-{round_index}", plugin, config))
        for name, label, plugin in runs:
            accuracy, subset = measured[label]
            long_accuracy = score(eval_dir, speed_input,
                                  work / f"{name}-speed-0" / "out" / "documents.jsonl")["4kb"]
            results[label] = (accuracy, subset, statistics.median(rates[label]), long_accuracy,
                             plugin.stat().st_size)
        floor = statistics.median(rates["floor"])
        if model:
            load_cost = statistics.median(
                check_seconds(docpipe, work, f"check-{i}", speed_input, components, model)
                for i in range(max(args.rounds, 3)))

    def cell(value: tuple) -> str:
        return f"{value[0] * 100:.1f}% ({value[1]})"

    print("| detector | sentences | word pairs | sentences, whatlang's languages "
          "| word pairs, whatlang's languages | ~4 KB docs | docs/s, ~4 KB docs, 1 job | size |")
    print("|---|---|---|---|---|---|---|---|")
    for label, (accuracy, subset, docs_per_second, long_accuracy, size) in results.items():
        print(f"| {label} | {cell(accuracy['sentences'])} | "
              f"{cell(accuracy['word-pairs'])} | {cell(subset['sentences'])} | "
              f"{cell(subset['word-pairs'])} | {cell(long_accuracy)} | {docs_per_second:,.0f} | "
              f"{size / 2**20:.1f} MiB |")
    peers = peer_means(eval_dir)
    for label, column in PEERS:
        means = peers[column]
        print(f"| {label} | {cell(means['sentences'])} | {cell(means['word-pairs'])} "
              f"| | | | | |")
    print(f"| docpipe per-document floor (`max_chars = 0`) | | | | | | {floor:,.0f} | |")
    print(f"\naccuracy: mean over languages (count in brackets), score.py, thresholds off "
          f"({NO_THRESHOLDS}); ~4 KB docs: {speed_docs} documents of ~{DOC_BYTES} bytes "
          f"joined from each language's sentences, default config; speed: `lang` stage time "
          f"from the run summary, --jobs 1, median of {args.rounds} round(s)")
    if model:
        print(f"\n`model` resource ({model.name}, {model.stat().st_size / 1e6:.1f} MB): "
              f"`docpipe check` takes {load_cost * 1000:.0f} ms longer with it than without "
              f"(median of {max(args.rounds, 3)}): reading and hashing the file, copying it into "
              f"one instance and checking the table, paid once per instance")


if __name__ == "__main__":
    main()
