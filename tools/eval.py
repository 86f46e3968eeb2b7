#!/usr/bin/env python3
"""Measure nutgraf's default rules.

  python3 tools/eval.py --nutgraf build/nutgraf [--json] [--only GLOB]
                        [--corpus-only | --wikigold-only]

Two measurements (python3 stdlib only):

* corpus: tests/corpus/*.md tagged by nutgraf against the editor's
  annotations in tests/corpus/*.expect.yaml (see tests/corpus/README.md):
  entity precision / recall / F1 per type and overall (micro-averaged over
  articles), topic precision / recall / F1 (micro over articles: every
  tagged topic, parents included, against the editor's list; exact qcodes,
  and a hierarchical variant where a predicted topic is right when it is an
  expected one or its ancestor or descendant), the mean number of topics
  per article, the topic hit rate, and each article's misses and false
  positives.
* wikigold: exact-span mention precision / recall / F1 (PER, ORG, LOC) on
  the Wikigold CoNLL file, each document rebuilt as a plain Markdown article.

It measures; it does not judge: the exit status is 0 unless something
crashed (a malformed .expect.yaml counts as a crash and exits 1; a missing
.expect.yaml or an unknown qcode is printed as a PROBLEM line).
"""

import argparse
import fnmatch
import glob
import json
import os
import re
import subprocess
import sys
import tempfile
import unicodedata

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TYPES = ("person", "organization", "place")
WG_TYPES = {"person": "PER", "organization": "ORG", "place": "LOC"}


# ---------------------------------------------------------------------------
# The .expect.yaml subset:
#
#   entities:
#     person: [Scott Bessent, He Lifeng]
#     organization: [World Trade Organization | WTO]
#     place: [United States | US | U.S., China, Geneva]
#   topics: [medtop:20000384, medtop:20000373]
#
# Flow lists only; items may be double-quoted (to hold a comma); '#' starts
# a comment at a line start or after whitespace.

class ExpectError(Exception):
    pass


def _strip_comment(line):
    out, q = [], False
    for i, c in enumerate(line):
        if c == '"':
            q = not q
        if c == "#" and not q and (i == 0 or line[i - 1] in " \t"):
            break
        out.append(c)
    return "".join(out).rstrip()


def _flow_list(s, where):
    s = s.strip()
    if not (s.startswith("[") and s.endswith("]")):
        raise ExpectError(f"{where}: expected a [flow, list], got {s!r}")
    body = s[1:-1]
    items, cur, q, quoted = [], [], False, False
    for c in body:
        if c == '"':
            q = not q
            quoted = True
            continue
        if c == "," and not q:
            items.append(("".join(cur).strip(), quoted))
            cur, quoted = [], False
            continue
        cur.append(c)
    if q:
        raise ExpectError(f"{where}: unterminated quote")
    items.append(("".join(cur).strip(), quoted))
    out = []
    for text, was_quoted in items:
        if text == "" and not was_quoted:
            continue
        if text == "":
            raise ExpectError(f"{where}: empty item")
        out.append(text)
    if len(items) > 1 and any(t == "" and not qd for t, qd in items[:-1]):
        raise ExpectError(f"{where}: empty item in list")
    return out


def parse_expect(path):
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    res = {"entities": {t: [] for t in TYPES}, "topics": None}
    section = None
    seen_entities = False
    for n, raw in enumerate(lines, 1):
        where = f"{path}:{n}"
        line = _strip_comment(raw)
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip(" "))
        if "\t" in raw[:indent + 1]:
            raise ExpectError(f"{where}: tabs are not allowed")
        key, sep, val = line.strip().partition(":")
        if not sep:
            raise ExpectError(f"{where}: expected 'key: value'")
        key = key.strip()
        if indent == 0:
            section = None
            if key == "entities":
                if val.strip():
                    raise ExpectError(f"{where}: 'entities:' takes an indented block")
                section = "entities"
                seen_entities = True
            elif key == "topics":
                res["topics"] = _flow_list(val, where)
            else:
                raise ExpectError(f"{where}: unknown key {key!r}")
        else:
            if section != "entities":
                raise ExpectError(f"{where}: unexpected indentation")
            if key not in TYPES:
                raise ExpectError(f"{where}: unknown entity type {key!r}")
            items = _flow_list(val, where)
            res["entities"][key] = [
                [alt.strip() for alt in it.split("|") if alt.strip()] for it in items]
            for alts in res["entities"][key]:
                if not alts:
                    raise ExpectError(f"{where}: empty entity")
    if not seen_entities:
        raise ExpectError(f"{path}: no 'entities:' block")
    if not res["topics"]:
        raise ExpectError(f"{path}: no topics")
    return res


def load_qcodes(parents=None):
    """{qcode: label}; fills PARENTS (if given) with {qcode: parent qcode}."""
    codes = {}
    with open(os.path.join(ROOT, "lua/data/iptc-topics.tsv"), encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            cols = line.rstrip("\n").split("\t")
            codes[cols[0]] = cols[3] if len(cols) > 3 else ""
            if parents is not None and len(cols) > 2 and cols[2] != "-":
                parents[cols[0]] = cols[2]
    return codes


def ancestors(q, parents):
    out = set()
    q = parents.get(q)
    while q and q not in out:
        out.add(q)
        q = parents.get(q)
    return out


def topic_counts(got, expected, parents):
    """(exact tp, fp, fn), (hierarchical tp, fp, fn) for one article.
    Hierarchical: a predicted topic is right when it is an expected topic or
    an ancestor or descendant of one; an expected topic is found when some
    predicted topic is it or its ancestor or descendant."""
    g, e = set(got), set(expected)
    tp = len(g & e)
    exact = (tp, len(g) - tp, len(e) - tp)

    def related(a, b):
        return a == b or a in ancestors(b, parents) or b in ancestors(a, parents)
    ok_pred = sum(1 for p in g if any(related(p, x) for x in e))
    found = sum(1 for x in e if any(related(p, x) for p in g))
    return exact, (ok_pred, len(g) - ok_pred, len(e) - found)


# ---------------------------------------------------------------------------

def norm(name):
    """Case-insensitive key: no leading 'the', no punctuation, hyphens as spaces."""
    s = unicodedata.normalize("NFC", name).casefold().replace("\u2019", "'")
    s = re.sub(r"[-\u2010-\u2015/]", " ", s)
    s = "".join(c for c in s if c.isalnum() or c.isspace())
    s = " ".join(s.split())
    if s.startswith("the "):
        s = s[4:]
    return s


def run_nutgraf(nutgraf, files, batch=200):
    """Tag FILES; return {path: record} and a list of error strings."""
    out, errors = {}, []
    for i in range(0, len(files), batch):
        chunk = files[i:i + batch]
        p = subprocess.run([nutgraf, "tag", "--format", "json"] + chunk,
                           capture_output=True, text=True)
        if p.returncode not in (0, 1):
            raise RuntimeError(f"nutgraf exited {p.returncode}: {p.stderr.strip()}")
        if p.stderr.strip():
            errors.extend(p.stderr.strip().split("\n"))
        for line in p.stdout.splitlines():
            if line.strip():
                rec = json.loads(line)
                out[rec["path"]] = rec
    return out, errors


def prf(tp, fp, fn):
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"tp": tp, "fp": fp, "fn": fn, "precision": round(p, 4),
            "recall": round(r, 4), "f1": round(f, 4)}


def _match(pred, gold):
    """Maximum bipartite matching between predicted and expected entities
    (lists of sets of keys); returns {pred index: gold index}."""
    adj = [[j for j, g in enumerate(gold) if p & g] for p in pred]
    gold_of = {}

    def augment(i, seen):
        for j in adj[i]:
            if j in seen:
                continue
            seen.add(j)
            if j not in gold_of or augment(gold_of[j], seen):
                gold_of[j] = i
                return True
        return False

    for i in range(len(pred)):
        augment(i, set())
    return {i: j for j, i in gold_of.items()}


def eval_corpus(nutgraf, corpus_dir, only=None):
    parents = {}
    qcodes = load_qcodes(parents)
    t_exact, t_hier, n_topics = [0, 0, 0], [0, 0, 0], 0
    mds = sorted(glob.glob(os.path.join(corpus_dir, "*.md")))
    mds = [m for m in mds if os.path.basename(m) != "README.md"]
    if only:
        mds = [m for m in mds if fnmatch.fnmatch(os.path.basename(m), only)]
    recs, errors = run_nutgraf(nutgraf, mds)
    totals = {t: [0, 0, 0] for t in TYPES}
    topic_hits = 0
    articles = []
    problems = []
    bad_spans = []
    for md in mds:
        name = os.path.basename(md)[:-3]
        exp_path = md[:-3] + ".expect.yaml"
        if not os.path.exists(exp_path):
            problems.append(f"{name}: missing {os.path.basename(exp_path)}")
            continue
        exp = parse_expect(exp_path)
        for q in exp["topics"]:
            if q not in qcodes:
                problems.append(f"{name}: unknown qcode {q}")
        rec = recs.get(md)
        art = {"article": name, "error": None, "types": {}, "misses": [],
               "false_positives": [], "topics": {}}
        if rec is None:
            art["error"] = "nutgraf produced no record"
            rec = {"entities": [], "topics": []}
        gold_all = {t: [{norm(a) for a in alts} for alts in exp["entities"][t]] for t in TYPES}
        for t in TYPES:
            gold = gold_all[t]
            ents = [e for e in rec["entities"] if e.get("type") == t]
            pred = [{norm(e["name"])} | {norm(a) for a in e.get("aliases", [])} for e in ents]
            m = _match(pred, gold)
            tp = len(m)
            fp = len(pred) - tp
            fn = len(gold) - tp
            totals[t][0] += tp
            totals[t][1] += fp
            totals[t][2] += fn
            art["types"][t] = {"tp": tp, "fp": fp, "fn": fn}
            matched_gold = set(m.values())
            for j, alts in enumerate(exp["entities"][t]):
                if j not in matched_gold:
                    # Found under another type?
                    why = ""
                    for e in rec["entities"]:
                        keys = {norm(e["name"])} | {norm(a) for a in e.get("aliases", [])}
                        if e.get("type") != t and keys & gold[j]:
                            why = f"tagged as {e.get('type')} {e['name']!r}"
                            break
                    art["misses"].append({"type": t, "name": alts[0], "note": why})
            for i, e in enumerate(ents):
                if i in m:
                    continue
                note = ""
                if any(pred[i] & g for g in gold):
                    note = "duplicate of a matched entity"
                else:
                    for ot in TYPES:
                        if ot != t and any(pred[i] & g for g in gold_all[ot]):
                            note = f"expected as {ot}"
                            break
                    if not note:
                        # partial overlap with an expected name (word level)
                        words = set(norm(e["name"]).split())
                        for ot in TYPES:
                            for alts in exp["entities"][ot]:
                                for a in alts:
                                    if words & set(norm(a).split()) - {"of", "the", "and", "de"}:
                                        note = f"overlaps expected {ot} {alts[0]!r}"
                                        break
                                if note:
                                    break
                            if note:
                                break
                art["false_positives"].append({
                    "type": t, "name": e["name"], "aliases": e.get("aliases", []),
                    "mentions": [mm["text"] for mm in e.get("mentions", [])][:3],
                    "note": note})
        with open(md, "rb") as f:
            raw = f.read()
        for e in rec["entities"]:
            for mm in e.get("mentions", []):
                if raw[mm["start"]:mm["end"]].decode("utf-8", "replace") != mm["text"]:
                    bad_spans.append(f"{name}: {mm['start']}-{mm['end']} {mm['text']!r}")
        got_topics = [tp_["id"] for tp_ in rec.get("topics", [])]
        hit = any(q in exp["topics"] for q in got_topics)
        topic_hits += hit
        ex, hi = topic_counts(got_topics, exp["topics"], parents)
        for k in range(3):
            t_exact[k] += ex[k]
            t_hier[k] += hi[k]
        n_topics += len(got_topics)
        art["topics"] = {"expected": exp["topics"], "got": got_topics, "hit": hit,
                         "got_labels": [tp_.get("label", "") for tp_ in rec.get("topics", [])],
                         "expected_labels": [qcodes.get(q, "?") for q in exp["topics"]]}
        articles.append(art)
    scores = {t: prf(*totals[t]) for t in TYPES}
    scores["overall"] = prf(*(sum(totals[t][k] for t in TYPES) for k in range(3)))
    n = len(articles)
    return {"articles": n, "scores": scores,
            "topic_hit_rate": round(topic_hits / n, 4) if n else 0.0,
            "topic_hits": topic_hits, "per_article": articles,
            "topic_scores": {"exact": prf(*t_exact), "hierarchical": prf(*t_hier)},
            "topics_per_article": round(n_topics / n, 3) if n else 0.0,
            "problems": problems + [f"mention span does not match its text: {b}" for b in bad_spans],
            "nutgraf_errors": errors}


# ---------------------------------------------------------------------------
# Wikigold

def read_conll(path):
    """[[sentence: [(token, tag)]]] per document."""
    docs, doc, sent = [], [], []
    with open(path, encoding="utf-8") as f:
        for raw in f:
            line = raw.rstrip("\n")
            if not line.strip():
                if sent:
                    doc.append(sent)
                    sent = []
                continue
            tok, _, tag = line.rpartition(" ")
            if tok == "-DOCSTART-":
                if sent:
                    doc.append(sent)
                    sent = []
                if doc:
                    docs.append(doc)
                doc = []
                continue
            sent.append((tok, tag))
    if sent:
        doc.append(sent)
    if doc:
        docs.append(doc)
    return docs


LINE_START_RISK = re.compile(r"^(#|[-+*>=_~`|<]|\d+[.)]|\s)")


def build_doc(doc, sents_per_par=4):
    """Text of a document (UTF-8 bytes) and its gold mentions
    {(start, end, type)} as byte offsets."""
    parts = []           # str pieces
    pos = 0              # byte offset
    gold = set()
    cur = None           # (type, start, end)

    def emit(s):
        nonlocal pos
        parts.append(s)
        pos += len(s.encode("utf-8"))

    for si, sent in enumerate(doc):
        if si:
            emit("\n\n" if si % sents_per_par == 0 else " ")
        for ti, (tok, tag) in enumerate(sent):
            if ti:
                emit(" ")
            elif si % sents_per_par == 0 and LINE_START_RISK.match(tok):
                emit("\\")   # a backslash escape keeps cmark from reading a block marker
            start = pos
            emit(tok)
            end = pos
            typ = tag[2:] if tag[:2] in ("I-", "B-") else None
            if typ and cur and cur[0] == typ and not tag.startswith("B-"):
                cur = (typ, cur[1], end)
            else:
                if cur:
                    gold.add((cur[1], cur[2], cur[0]))
                cur = (typ, start, end) if typ else None
        if cur:
            gold.add((cur[1], cur[2], cur[0]))
            cur = None
    emit("\n")
    return "".join(parts), gold


def eval_wikigold(nutgraf, path, keep=None):
    docs = read_conll(path)
    tmp = keep or tempfile.mkdtemp(prefix="ng-wikigold.")
    os.makedirs(tmp, exist_ok=True)
    files, gold_by_file, text_by_file = [], {}, {}
    for i, doc in enumerate(docs):
        text, gold = build_doc(doc)
        fn = os.path.join(tmp, f"doc{i:04d}.md")
        with open(fn, "w", encoding="utf-8") as f:
            f.write(text)
        files.append(fn)
        gold_by_file[fn] = gold
        text_by_file[fn] = text.encode("utf-8")
    recs, errors = run_nutgraf(nutgraf, files)
    counts = {t: [0, 0, 0] for t in WG_TYPES.values()}
    span_only = [0, 0, 0]
    bad_spans = 0
    errs = {"fp": {}, "fn": {}}
    for fn in files:
        gold = {g for g in gold_by_file[fn] if g[2] in counts}
        rec = recs.get(fn, {"entities": []})
        pred = set()
        for e in rec.get("entities", []):
            t = WG_TYPES.get(e.get("type"))
            if not t:
                continue
            for m in e.get("mentions", []):
                if text_by_file[fn][m["start"]:m["end"]].decode("utf-8", "replace") != m["text"]:
                    bad_spans += 1
                pred.add((m["start"], m["end"], t))
        for t in counts:
            g = {x for x in gold if x[2] == t}
            p = {x for x in pred if x[2] == t}
            counts[t][0] += len(g & p)
            counts[t][1] += len(p - g)
            counts[t][2] += len(g - p)
        gs = {(a, b) for a, b, _ in gold}
        ps = {(a, b) for a, b, _ in pred}
        span_only[0] += len(gs & ps)
        span_only[1] += len(ps - gs)
        span_only[2] += len(gs - ps)
        txt = text_by_file[fn]
        for a, b, t in pred - gold:
            k = f"{t} {txt[a:b].decode('utf-8', 'replace')}"
            errs["fp"][k] = errs["fp"].get(k, 0) + 1
        for a, b, t in gold - pred:
            k = f"{t} {txt[a:b].decode('utf-8', 'replace')}"
            errs["fn"][k] = errs["fn"].get(k, 0) + 1
    scores = {t: prf(*counts[t]) for t in counts}
    scores["overall"] = prf(*(sum(counts[t][k] for t in counts) for k in range(3)))
    top = {k: sorted(v.items(), key=lambda kv: (-kv[1], kv[0]))[:25] for k, v in errs.items()}
    if not keep:
        for fn in files:
            os.unlink(fn)
        os.rmdir(tmp)
    return {"documents": len(docs), "scores": scores,
            "span_only_ignoring_type": prf(*span_only),
            "spans_not_matching_text": bad_spans,
            "top_errors": top, "nutgraf_errors": errors}


# ---------------------------------------------------------------------------

def fmt_row(name, s):
    return (f"  {name:<13} P {s['precision']:.3f}  R {s['recall']:.3f}  F1 {s['f1']:.3f}"
            f"   (tp {s['tp']}, fp {s['fp']}, fn {s['fn']})")


def print_corpus(res, verbose=True):
    print(f"== corpus: {res['articles']} articles ==")
    if verbose:
        for a in res["per_article"]:
            print(f"-- {a['article']}" + (f"  ERROR: {a['error']}" if a["error"] else ""))
            for m in a["misses"]:
                print(f"   miss  {m['type']:<12} {m['name']}" + (f"   [{m['note']}]" if m["note"] else ""))
            for fp in a["false_positives"]:
                extra = f" aliases={fp['aliases']}" if fp["aliases"] else ""
                print(f"   fp    {fp['type']:<12} {fp['name']}{extra}"
                      + (f"   [{fp['note']}]" if fp["note"] else ""))
            t = a["topics"]
            mark = "hit " if t["hit"] else "MISS"
            got = ", ".join(f"{q} {l}" for q, l in zip(t["got"], t["got_labels"])) or "-"
            exp = ", ".join(f"{q} {l}" for q, l in zip(t["expected"], t["expected_labels"]))
            print(f"   topic {mark} got [{got}] expected [{exp}]")
    for p in res["problems"]:
        print(f"PROBLEM: {p}")
    for e in res["nutgraf_errors"]:
        print(f"nutgraf: {e}")
    print("corpus entity scores (micro-averaged over articles):")
    for t in TYPES + ("overall",):
        print(fmt_row(t, res["scores"][t]))
    print(f"corpus topic hit rate: {res['topic_hit_rate']:.3f}"
          f" ({res['topic_hits']}/{res['articles']})")
    print("corpus topic scores (micro over articles; all tagged topics, parents included):")
    print(fmt_row("exact", res["topic_scores"]["exact"]))
    print(fmt_row("hierarchical", res["topic_scores"]["hierarchical"])
          + "  [right if an expected topic, or its ancestor or descendant]")
    print(f"corpus topics per article: {res['topics_per_article']:.2f}")


def print_wikigold(res):
    print(f"== wikigold: {res['documents']} documents (exact-span mentions) ==")
    for kind, label in (("fp", "false positives"), ("fn", "misses")):
        print(f"most common {label}:")
        for k, n in res["top_errors"][kind][:15]:
            print(f"   {n:4d}  {k}")
    for e in res["nutgraf_errors"][:10]:
        print(f"nutgraf: {e}")
    if res["spans_not_matching_text"]:
        print(f"WARNING: {res['spans_not_matching_text']} mention spans do not match their text")
    print("wikigold mention scores:")
    for t in ("PER", "ORG", "LOC", "overall"):
        print(fmt_row(t, res["scores"][t]))
    print(fmt_row("span-only", res["span_only_ignoring_type"]))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--nutgraf", default=os.path.join(ROOT, "build/nutgraf"))
    ap.add_argument("--corpus", default=os.path.join(ROOT, "tests/corpus"))
    ap.add_argument("--wikigold", default="/work/shared/data/wikigold/wikigold.conll.txt")
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    ap.add_argument("--only", metavar="GLOB",
                    help="corpus: only the articles whose file name matches GLOB (e.g. 'ho-*.md')")
    g = ap.add_mutually_exclusive_group()
    g.add_argument("--corpus-only", action="store_true")
    g.add_argument("--wikigold-only", action="store_true")
    ap.add_argument("--quiet", action="store_true", help="summaries only, no per-article lines")
    ap.add_argument("--keep-wikigold", metavar="DIR", help="write the Wikigold articles to DIR and keep them")
    args = ap.parse_args()

    out = {}
    try:
        if not args.wikigold_only:
            out["corpus"] = eval_corpus(args.nutgraf, args.corpus, args.only)
            if not args.json:
                print_corpus(out["corpus"], verbose=not args.quiet)
        if not args.corpus_only:
            if os.path.exists(args.wikigold):
                out["wikigold"] = eval_wikigold(args.nutgraf, args.wikigold, args.keep_wikigold)
                if not args.json:
                    print_wikigold(out["wikigold"])
            else:
                out["wikigold"] = {"skipped": f"{args.wikigold} not found"}
                if not args.json:
                    print(f"wikigold: skipped ({args.wikigold} not found)")
    except ExpectError as e:
        print(f"eval: {e}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(out, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
