#!/usr/bin/env python3
"""Checks the end-to-end tests share: python3 check.py COMMAND ARGS...

  mentions JSONL           every mention's start/end slices its file to its text
  overlaps JSONL           no entity has a mention inside another of its mentions
  yaml FILE                FILE is a stream of YAML documents, each a mapping
  tree SRC OUT [KEY...]    OUT is nutgraf's rewrite of every article in SRC
  same-tree A B            A and B hold the same files with the same bytes

Prints one line per problem and exits 1 if there was any. Needs PyYAML
(Debian: python3-yaml) for everything that reads YAML.
"""
import json
import os
import sys

MANAGED = ["people", "organizations", "places", "topics", "related", "nutgraf"]
problems = []


def problem(msg):
    problems.append(msg)
    print(msg)


def split_front_matter(data):
    """(yaml bytes or None, body bytes), cut where frontmatter.c cuts."""
    start = 3 if data.startswith(b"\xef\xbb\xbf") else 0

    def fence(line, marks):
        return line.rstrip(b" \t\r") in marks

    lines = data[start:].split(b"\n")
    if not lines or not fence(lines[0], (b"---",)):
        return None, data[start:]
    pos = start + len(lines[0]) + 1
    yaml_start = pos
    for line in lines[1:]:
        if fence(line, (b"---", b"...")):
            return data[yaml_start:pos], data[pos + len(line) + 1:]
        pos += len(line) + 1
    return None, data[start:]  # unclosed: nutgraf refuses it anyway


def load_yaml(text, where):
    import yaml  # only the commands that read YAML need it

    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as e:
        problem(f"{where}: invalid YAML: {e}")
        return None


def cmd_mentions(path):
    with open(path, encoding="utf-8") as f:
        records = [json.loads(line) for line in f if line.strip()]
    if not records:
        problem(f"{path}: no records")
    for r in records:
        with open(r["path"], "rb") as f:
            data = f.read()
        for e in r["entities"]:
            where = f'{r["path"]}: entity {e["name"]!r}'
            ms = e["mentions"]
            if ms and e["count"] != len(ms):
                problem(f"{where}: count {e['count']} but {len(ms)} mentions")
            last = None
            for m in ms:
                s, t = m["start"], m["end"]
                if not 0 <= s < t <= len(data):
                    problem(f"{where}: span {s}..{t} outside the file ({len(data)} bytes)")
                    continue
                got = data[s:t].decode("utf-8", "replace")
                if got != m["text"]:
                    problem(f"{where}: bytes {s}..{t} are {got!r}, not {m['text']!r}")
                if last and (s, t) < last:
                    problem(f"{where}: mentions out of order at {s}..{t}")
                last = (s, t)


def cmd_overlaps(path):
    """"the White House" and "White House" at the same place are one mention."""
    with open(path, encoding="utf-8") as f:
        records = [json.loads(line) for line in f if line.strip()]
    for r in records:
        for e in r["entities"]:
            ms = sorted((m["start"], m["end"], m["text"]) for m in e["mentions"])
            for (s1, t1, x1), (s2, t2, x2) in zip(ms, ms[1:]):
                if s2 < t1:
                    problem(f'{r["path"]}: entity {e["name"]!r}: mention {x2!r} at {s2}..{t2} '
                            f"overlaps {x1!r} at {s1}..{t1}, and both are counted")


def cmd_yaml(path):
    import yaml

    with open(path, encoding="utf-8") as f:
        text = f.read()
    try:
        docs = list(yaml.safe_load_all(text))
    except yaml.YAMLError as e:
        problem(f"{path}: invalid YAML: {e}")
        return
    if not docs:
        problem(f"{path}: no YAML documents")
    for i, d in enumerate(docs):
        if not isinstance(d, dict):
            problem(f"{path}: document {i + 1} is a {type(d).__name__}, not a mapping")


def articles(root):
    """Relative paths of the articles nutgraf tags under root."""
    out = []
    for dirpath, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.startswith((".", "_")):
                continue
            if name.endswith((".md", ".markdown")):
                out.append(os.path.relpath(os.path.join(dirpath, name), root))
    return out


def cmd_tree(src, out, keys):
    keys = keys or MANAGED
    rels = articles(src)
    if not rels:
        problem(f"{src}: no articles")
    for rel in rels:
        with open(os.path.join(src, rel), "rb") as f:
            sdata = f.read()
        try:
            with open(os.path.join(out, rel), "rb") as f:
                odata = f.read()
        except OSError as e:
            problem(f"{rel}: no output: {e}")
            continue
        syaml, sbody = split_front_matter(sdata)
        oyaml, obody = split_front_matter(odata)
        if sbody != obody:
            problem(f"{rel}: body differs from the source's")
        if sdata.startswith(b"\xef\xbb\xbf") != odata.startswith(b"\xef\xbb\xbf"):
            problem(f"{rel}: byte order mark not kept")
        if oyaml is None:
            problem(f"{rel}: output has no front matter")
            continue
        smeta = load_yaml(syaml, f"{src}/{rel}") if syaml is not None else {}
        ometa = load_yaml(oyaml, f"{out}/{rel}")
        if not isinstance(ometa, dict):
            problem(f"{rel}: output front matter is not a mapping")
            continue
        smeta = smeta or {}
        kept = [k for k in smeta if k not in keys]
        for k in kept:
            if k not in ometa:
                problem(f"{rel}: key {k!r} lost")
            elif ometa[k] != smeta[k]:
                problem(f"{rel}: key {k!r} changed from {smeta[k]!r} to {ometa[k]!r}")
        if [k for k in ometa if k in kept] != kept:
            problem(f"{rel}: keys reordered: {kept} became {[k for k in ometa if k in kept]}")
        for k in ("people", "organizations", "places", "topics"):
            if k in keys and not isinstance(ometa.get(k), list):
                problem(f"{rel}: managed key {k!r} missing or not a list")
        rec = ometa.get("nutgraf") if "nutgraf" in keys else None
        if "nutgraf" in keys and not (isinstance(rec, dict) and rec.get("version") == 1):
            problem(f"{rel}: no `nutgraf` record with version 1")
        if isinstance(rec, dict):
            check_record(rel, rec, obody)


def check_record(rel, rec, body):
    """The nutgraf record's spans are body offsets; names must match people etc."""
    for e in rec.get("entities", []):
        for span in e.get("mentions", []):
            if not (isinstance(span, list) and len(span) == 2 and 0 <= span[0] < span[1] <= len(body)):
                problem(f"{rel}: entity {e.get('name')!r}: bad span {span!r}")


def cmd_same_tree(a, b):
    def files(root):
        found = set()
        for dirpath, _, names in os.walk(root):
            for n in names:
                found.add(os.path.relpath(os.path.join(dirpath, n), root))
        return found

    fa, fb = files(a), files(b)
    for rel in sorted(fa ^ fb):
        problem(f"{rel}: only in {a if rel in fa else b}")
    for rel in sorted(fa & fb):
        with open(os.path.join(a, rel), "rb") as x, open(os.path.join(b, rel), "rb") as y:
            if x.read() != y.read():
                problem(f"{rel}: differs between {a} and {b}")


def main(argv):
    cmds = {
        "mentions": (cmd_mentions, 1),
        "overlaps": (cmd_overlaps, 1),
        "yaml": (cmd_yaml, 1),
        "tree": (lambda s, o, *k: cmd_tree(s, o, list(k)), 2),
        "same-tree": (cmd_same_tree, 2),
    }
    if len(argv) < 2 or argv[1] not in cmds or len(argv) - 2 < cmds[argv[1]][1]:
        print(__doc__, file=sys.stderr)
        return 2
    cmds[argv[1]][0](*argv[2:])
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
