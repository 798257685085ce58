#!/usr/bin/env python3
"""Write N deterministic test articles (JSON Lines) built from the words of
corpus/articles.jsonl: enough volume for crash, lock and concurrency tests.
Usage: mkarticles.py N SEED [PREFIX] > out.jsonl"""
import json
import random
import sys

n, seed = int(sys.argv[1]), int(sys.argv[2])
prefix = sys.argv[3] if len(sys.argv) > 3 else "gen"
words = []
with open("corpus/articles.jsonl", encoding="utf-8") as f:
    for line in f:
        words.extend(json.loads(line)["body"].split())
rng = random.Random(seed)
for i in range(n):
    paras = []
    for _ in range(rng.randint(3, 6)):
        k = rng.randint(40, 120)
        start = rng.randrange(len(words) - k)
        paras.append(" ".join(words[start:start + k]))
    print(json.dumps({
        "id": f"{prefix}-{i:06d}",
        "title": " ".join(rng.sample(words, 6)),
        "body": "\n\n".join(paras),
        "date": f"{rng.randint(2015, 2025)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
    }, ensure_ascii=False))
