#!/usr/bin/env python3
"""Generate a seeded benchmark corpus of scraped-looking documents (JSONL).

Documents are built from the evaluation data (real Arabic and English news
articles, multilingual sentences) with the junk a scraper leaves in: ad-slot
markers, the title repeated as the first line, a source trailer, stray
whitespace, zero-width and bidi characters. The same --count, --seed and
eval data always give the same bytes. The corpus is derived from licensed
data: write it outside the repository, never commit it.

    python3 bench/corpus.py --count 1000 --seed 1 --out /tmp/corpus.jsonl
"""

import argparse
import json
import math
import random
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

# The default mix: shares of each kind of document.
MIX = (("article-ar", 0.4), ("article-en", 0.4), ("sentences", 0.2))

INVISIBLE = ["\u200b", "\u200c", "\ufeff", "\u200e", "\u200f", "\u202b", "\u202c", "\u2066", "\u2069"]
AD_MARKERS = ["[ad_1]", "[ad_2]", "[ad_3]", "[adsense]", "{{ad_slot}}"]
AD_LINES = {"ar": "إعلان", "en": "Advertisement"}
SOURCE_TRAILERS = {
    "ar": ["المصدر: بي بي سي عربي", "المصدر: سي إن إن بالعربية", "المصدر: وكالات"],
    "en": ["Source: BBC News", "Source: Reuters", "Source: agencies"],
    "other": ["Source: Leipzig corpora", "Source: web"],
}


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def load_eval(eval_dir):
    summarize = eval_dir / "summarize"
    articles = {"ar": [], "en": []}
    for path in sorted(summarize.glob("*.jsonl")):
        lang = "ar" if "-ar-" in path.name else "en"
        for row in read_jsonl(path):
            articles[lang].append((row.get("title") or "", row["text"]))
    sentences = {}
    for row in read_jsonl(eval_dir / "langid" / "lingua-dev.jsonl"):
        # Word pairs are too short to make paragraphs of; sentences are prose.
        if row.get("kind") == "sentences":
            sentences.setdefault(row["gold"], []).append(row["text"])
    if not articles["ar"] or not articles["en"] or not sentences:
        sys.exit(f"error: {eval_dir}: expected summarize/*.jsonl and langid/lingua-dev.jsonl")
    return articles, {lang: rows for lang, rows in sorted(sentences.items())}


def utf8_len(text):
    return len(text.encode("utf-8"))


def fit(paragraphs, target):
    """Keep whole paragraphs up to `target` bytes, cutting the last at a word."""
    out, size = [], 0
    for para in paragraphs:
        room = target - size
        if room <= 0:
            break
        if utf8_len(para) + 2 <= room:
            out.append(para)
            size += utf8_len(para) + 2
            continue
        words, cut = para.split(" "), []
        for word in words:
            if utf8_len(" ".join(cut + [word])) > room:
                break
            cut.append(word)
        if len(cut) >= 5:
            out.append(" ".join(cut))
        break
    return out


def article_doc(rng, pool, target):
    """A real article, continued by further articles of the same language
    when it is shorter than the target size (as a scraped page of several
    stories), and cut at a word when longer."""
    start = rng.randrange(len(pool))
    title = pool[start][0]
    paragraphs, i = [], start
    while sum(utf8_len(p) + 2 for p in paragraphs) < target:
        paragraphs += [p.strip() for p in pool[i % len(pool)][1].split("\n") if p.strip()]
        i += 1
    return title, fit(paragraphs, target)


def sentences_doc(rng, sentences, target):
    """Prose in one language: its sentences, three to six a paragraph."""
    lang = rng.choice(list(sentences))
    pool = sentences[lang]
    paragraphs, size = [], 0
    while size < target:
        n = rng.randint(3, 6)
        para = " ".join(pool[rng.randrange(len(pool))] for _ in range(n))
        paragraphs.append(para)
        size += utf8_len(para) + 2
    title = " ".join(paragraphs[0].split(" ")[:8])
    return lang, title, fit(paragraphs, target)


def sprinkle_invisible(rng, text, rate):
    """Put zero-width and bidi characters at word boundaries, `rate` per word."""
    words = text.split(" ")
    return " ".join(
        (rng.choice(INVISIBLE) + w) if rng.random() < rate else w for w in words
    )


def add_junk(rng, lang, title, paragraphs):
    out = []
    if title and rng.random() < 0.7:
        out.append(title)  # the page's headline, repeated above the text
    for para in paragraphs:
        para = sprinkle_invisible(rng, para, 0.02)
        if rng.random() < 0.2:
            para = para.replace(". ", ".  ", 1)
        if rng.random() < 0.15:
            para += " \t"
        out.append(para)
        if rng.random() < 0.12:
            out.append(rng.choice(AD_MARKERS))
        elif rng.random() < 0.05:
            out.append(AD_LINES.get(lang, "Advertisement"))
    if rng.random() < 0.6:
        out.append(rng.choice(SOURCE_TRAILERS.get(lang, SOURCE_TRAILERS["other"])))
    sep = "\n\n\n" if rng.random() < 0.1 else "\n\n"
    text = sep.join(out)
    if rng.random() < 0.3:
        text = "\n  " + text + "\n\n"
    return text


def generate(eval_dir, count, seed, min_kb, max_kb):
    articles, sentences = load_eval(eval_dir)
    rng = random.Random(seed)
    kinds, weights = zip(*MIX)
    lo, hi = math.log(min_kb * 1024), math.log(max_kb * 1024)
    for i in range(count):
        # Log-uniform sizes: as many 1-7 KB documents as 7-50 KB ones.
        target = int(math.exp(rng.uniform(lo, hi)))
        kind = rng.choices(kinds, weights)[0]
        if kind == "sentences":
            lang, title, paragraphs = sentences_doc(rng, sentences, target)
        else:
            lang = kind.split("-")[1]
            title, paragraphs = article_doc(rng, articles[lang], target)
        text = add_junk(rng, lang, title, paragraphs)
        yield {"id": f"doc-{i:07d}", "title": title, "text": text, "kind": kind}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1000, help="documents (default 1000)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--out", required=True, help="the JSONL file to write (outside the repository)")
    parser.add_argument("--eval", default=str(REPO.parent / "shared" / "eval"),
                        help="evaluation data folder (default ../shared/eval from the repo)")
    parser.add_argument("--min-kb", type=float, default=1, help="smallest document text, KiB (default 1)")
    parser.add_argument("--max-kb", type=float, default=50, help="largest document text, KiB (default 50)")
    args = parser.parse_args()
    if args.count < 1 or not 0 < args.min_kb <= args.max_kb:
        parser.error("need --count >= 1 and 0 < --min-kb <= --max-kb")
    out = Path(args.out).resolve()
    if REPO in out.parents:
        print(f"warning: {out} is inside the repository; the corpus must not be committed",
              file=sys.stderr)
    total = 0
    with open(out, "w", encoding="utf-8") as f:
        for doc in generate(Path(args.eval), args.count, args.seed, args.min_kb, args.max_kb):
            line = json.dumps(doc, ensure_ascii=False)
            total += utf8_len(doc["text"])
            f.write(line + "\n")
    print(f"{args.count} documents, {total / 1e6:.2f} MB of text -> {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
