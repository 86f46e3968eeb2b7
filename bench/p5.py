"""Precision@5 of related links against the synthetic corpus's threads.

  p5.py nutgraf CORPUS        links from nutgraf's front matter in CORPUS/public-content
  p5.py hugo CORPUS PUBLIC    links from the bench's Hugo pages (one path a line)

Each article whose thread has another article scores the share of its first
five links in its own thread (out of min(5, thread size - 1)); prints the mean.
"""
import os
import re
import sys


def threads(root):
    thread = {}
    for line in open(os.path.join(root, "threads.tsv"), encoding="utf-8"):
        p, t = line.rstrip("\n").split("\t")[:2]
        thread[p.replace("content/", "", 1)] = t
    return thread


def nutgraf_links(root, path):
    text = open(os.path.join(root, "public-content", path), encoding="utf-8").read()
    fm = text.split("\n---", 1)[0]
    return [q.strip("'\"") for q in re.findall(r"^  - path: (.+)$", fm, re.M)[:5]]


def hugo_links(public, path):
    page = os.path.join(public, os.path.splitext(path)[0], "index.html")
    return [l.strip() for l in open(page, encoding="utf-8") if l.strip()][:5]


def main():
    kind, root = sys.argv[1], sys.argv[2]
    thread = threads(root)
    size = {}
    for t in thread.values():
        size[t] = size.get(t, 0) + 1
    tot = cnt = 0
    for p, t in thread.items():
        if size[t] < 2:
            continue
        try:
            links = nutgraf_links(root, p) if kind == "nutgraf" else hugo_links(sys.argv[3], p)
        except OSError:
            continue
        tot += sum(1 for q in links if thread.get(q) == t) / min(5, size[t] - 1)
        cnt += 1
    mean = tot / cnt if cnt else 0
    print("%.3f" % mean if kind == "nutgraf" else "%.3f (n=%d)" % (mean, cnt))


main()
