#!/usr/bin/env python3
"""Quality and speed of `builtin:summarize` beside Lead-k and sumy's LexRank/TextRank.

  bench/summarize/run.py [EVAL_DIR] [--docpipe BIN] [--component WASM] [--work DIR]

EVAL_DIR defaults to ../shared/eval relative to the repository root. The summarize component
is built from plugins/summarize with `docpipe plugins build` unless --component names one.
Quality: ROUGE-1/2/L F1 from EVAL_DIR/score.py, on ant-ar-dev.jsonl at 1 sentence and on
bbc-en-dev.jsonl at 3 and 5 sentences. Speed: docs/s of the summarize stage (per-stage time in
docpipe's run summary, --jobs 1) on ~4 KB documents, beside sumy TextRank on the same documents
in the same run. Needs `pip install sumy numpy` (runs offline: the regex tokenizer below
replaces NLTK's punkt)."""
import argparse, json, os, re, subprocess, sys, tempfile, time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SETS = [("ant-ar-dev.jsonl", "arabic", 1), ("bbc-en-dev.jsonl", "english", 3),
        ("bbc-en-dev.jsonl", "english", 5)]
SPEED_DOCS = 1000      # documents in the speed corpus
SUMY_DOCS = 200        # of which sumy summarizes the first
SPEED_RUNS = 3
SPEED_BYTES = 4000     # each about this long

# The plain tokenizer handed to sumy and used for Lead-k: lines are boundaries, and a sentence
# ends at . ! ? and the Arabic, CJK and Devanagari marks followed by space (closing quotes kept).
SENTENCE_END = re.compile(r"(?<=[.!?؟۔。！？।])\s+|(?<=[.!?؟۔。！？।][\"'”’»)])\s+")
WORD = re.compile(r"\w+", re.UNICODE)


class RegexTokenizer:
    def __init__(self, language="english"):
        self.language = language

    def to_sentences(self, paragraph):
        found = []
        for line in paragraph.split("\n"):
            found += [s.strip() for s in SENTENCE_END.split(line) if s.strip()]
        return found

    def to_words(self, sentence):
        return WORD.findall(sentence)


def load(path):
    return [json.loads(line) for line in open(path, encoding="utf-8") if line.strip()]


def score(score_py, gold, out_jsonl):
    run = subprocess.run([sys.executable, str(score_py), "summarize", str(gold), str(out_jsonl)],
                         capture_output=True, text=True, check=True)
    m = re.search(r"ROUGE-1 ([\d.]+) ROUGE-2 ([\d.]+) ROUGE-L ([\d.]+) \(mean summary length ([\d.]+)",
                  run.stdout)
    return tuple(float(x) for x in m.groups())


def write_summaries(path, docs, summaries):
    with open(path, "w", encoding="utf-8") as f:
        for doc, text in zip(docs, summaries):
            f.write(json.dumps({"id": doc["id"], "summary": {"text": text}}, ensure_ascii=False) + "\n")


def run_docpipe(docpipe, component, inputs, sentences, work, jobs=None):
    """Runs langdetect, the component and a JSONL export over JSONL inputs; returns the
    output JSONL path and the run summary."""
    work.mkdir(parents=True, exist_ok=True)
    pipeline = work / "pipeline.toml"
    pipeline.write_text(
        "[input]\n"
        f"paths = {json.dumps([str(p) for p in inputs])}\n"
        'format = "jsonl"\n\n'
        # The detected language picks the stop words, as in a real pipeline.
        "[[stages]]\n"
        'id = "lang"\n'
        'plugin = "builtin:langdetect"\n\n'
        "[[stages]]\n"
        'id = "summary"\n'
        f"plugin = {json.dumps(str(component))}\n"
        f"config = {{ sentences = {sentences} }}\n\n"
        "[[stages]]\n"
        'id = "jsonl"\n'
        'plugin = "builtin:export"\n'
        'config = { format = "jsonl" }\n\n'
        "[output]\n"
        f"directory = {json.dumps(str(work / 'out'))}\n"
        "overwrite = true\n")
    command = [str(docpipe), "run", "--no-progress", str(pipeline)]
    if jobs:
        command += ["--jobs", str(jobs)]
    subprocess.run(command, check=True, capture_output=True)
    summary = json.loads((work / "out" / "run-summary.json").read_text())
    return work / "out" / "documents.jsonl", summary


def sumy_summaries(docs, language, sentences, kind):
    from sumy.parsers.plaintext import PlaintextParser
    from sumy.summarizers.lex_rank import LexRankSummarizer
    from sumy.summarizers.text_rank import TextRankSummarizer
    from sumy.utils import get_stop_words
    summarizer = {"lexrank": LexRankSummarizer, "textrank": TextRankSummarizer}[kind]()
    summarizer.stop_words = get_stop_words(language)
    tokenizer = RegexTokenizer(language)
    out = []
    for doc in docs:
        parsed = PlaintextParser.from_string(doc["text"], tokenizer).document
        out.append(" ".join(str(s) for s in summarizer(parsed, sentences)))
    return out


def lead(docs, sentences):
    tokenizer = RegexTokenizer()
    return [" ".join(tokenizer.to_sentences(d["text"])[:sentences]) for d in docs]


def speed_corpus(docs, path):
    """~SPEED_BYTES-byte documents made of whole paragraphs of the English articles, cycled."""
    paragraphs = [p for d in docs for p in d["text"].split("\n\n") if p.strip()]
    written, i = [], 0
    while len(written) < SPEED_DOCS:
        text = ""
        while len(text.encode()) < SPEED_BYTES:
            text += paragraphs[i % len(paragraphs)] + "\n\n"
            i += 1
        written.append({"id": f"speed-{len(written)}", "text": text.strip()})
    with open(path, "w", encoding="utf-8") as f:
        for d in written:
            f.write(json.dumps(d, ensure_ascii=False) + "\n")
    return written


def stage_seconds(summary, stage):
    """The time the run summary gives one stage."""
    return next(entry["seconds"] for entry in summary["stages"] if entry["id"] == stage)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("eval_dir", nargs="?", default=str(REPO.parent / "shared" / "eval"))
    ap.add_argument("--docpipe", default=str(REPO / "target" / "release" / "docpipe"))
    ap.add_argument("--component", help="a built summarize.wasm (default: build it)")
    ap.add_argument("--work", help="scratch directory (default: a temporary one)")
    ap.add_argument("--skip-speed", action="store_true")
    a = ap.parse_args()
    eval_dir = Path(a.eval_dir)
    score_py = eval_dir / "score.py"
    work = Path(a.work or tempfile.mkdtemp(prefix="bench-summarize-"))
    component = a.component
    if not component:
        subprocess.run([a.docpipe, "plugins", "build", str(REPO / "plugins" / "summarize"),
                        "--out-dir", str(work / "components")], check=True)
        component = work / "components" / "summarize.wasm"

    rows = []
    for name, language, k in SETS:
        gold = eval_dir / "summarize" / name
        docs = load(gold)
        label = f"{name.split('-')[0].upper()} {k}"
        out, _ = run_docpipe(a.docpipe, component, [gold], k, work / f"docpipe-{name}-{k}")
        rows.append((label, "docpipe summarize", score(score_py, gold, out)))
        for method, summaries in (("Lead-k", lambda: lead(docs, k)),
                                  ("sumy LexRank", lambda: sumy_summaries(docs, language, k, "lexrank")),
                                  ("sumy TextRank", lambda: sumy_summaries(docs, language, k, "textrank"))):
            path = work / f"{method.replace(' ', '-')}-{name}-{k}.jsonl"
            write_summaries(path, docs, summaries())
            rows.append((label, method, score(score_py, gold, path)))

    print("| set, sentences | method | ROUGE-1 | ROUGE-2 | ROUGE-L | mean words |")
    print("| --- | --- | --- | --- | --- | --- |")
    for label, method, (r1, r2, rl, words) in rows:
        print(f"| {label} | {method} | {r1:.4f} | {r2:.4f} | {rl:.4f} | {words:.1f} |")

    if a.skip_speed:
        return
    corpus_path = work / "speed.jsonl"
    corpus = speed_corpus(load(eval_dir / "summarize" / "bbc-en-dev.jsonl"), corpus_path)
    mean_bytes = sum(len(d["text"].encode()) for d in corpus) / len(corpus)
    # The machine may be shared: each figure is the best of SPEED_RUNS runs, and the load
    # average is printed beside them. docpipe: the time the run summary gives the stage, one
    # job. sumy: the summarizer alone, on the first SUMY_DOCS documents (it is slow).
    stage, export = [], []
    for run in range(SPEED_RUNS):
        _, summary = run_docpipe(a.docpipe, component, [corpus_path], 3,
                                    work / f"speed-{run}", jobs=1)
        stage.append(len(corpus) / stage_seconds(summary, "summary"))
        export.append(len(corpus) / stage_seconds(summary, "jsonl"))
    sumy = []
    for _ in range(SPEED_RUNS):
        start = time.perf_counter()
        sumy_summaries(corpus[:SUMY_DOCS], "english", 3, "textrank")
        sumy.append(SUMY_DOCS / (time.perf_counter() - start))
    print()
    print(f"speed, documents of {mean_bytes:.0f} bytes on average, 3 sentences, one core, "
          f"best of {SPEED_RUNS} runs (load average {os.getloadavg()[0]:.1f} on "
          f"{os.cpu_count()} cores):")
    print("| | docs/s |")
    print("| --- | --- |")
    print(f"| docpipe summarize stage (--jobs 1, {len(corpus)} documents) | {max(stage):.0f} |")
    print(f"| docpipe JSONL export stage, same runs, for scale | {max(export):.0f} |")
    print(f"| sumy TextRank ({SUMY_DOCS} documents) | {max(sumy):.0f} |")
    print(f"| ratio summarize / sumy TextRank | {max(stage) / max(sumy):.1f}x |")


if __name__ == "__main__":
    main()
