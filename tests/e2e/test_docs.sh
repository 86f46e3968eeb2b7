#!/bin/sh
# Every ```lua example=NAME block of docs/rules.md runs against
# docs/examples/council.md and must print exactly its ```text expect=NAME.
set -eu
: "${NUTGRAF:=build/nutgraf}"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ng-docs.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
python3 - "$NUTGRAF" "$tmp" <<'PY'
import json, re, shutil, subprocess, sys
nutgraf, tmp = sys.argv[1], sys.argv[2]
doc = open("docs/rules.md", encoding="utf-8").read()
blocks = re.findall(r"```(lua example|text expect)=(\S+)\n(.*?)```", doc, re.S)
examples = {n: b for k, n, b in blocks if k == "lua example"}
expects = {n: b for k, n, b in blocks if k == "text expect"}
assert examples, "no examples found"
failed = 0
for name, code in examples.items():
    d = f"{tmp}/{name}"
    shutil.copytree("docs/examples", d)
    with open(f"{d}/rule.lua", "w", encoding="utf-8") as f:
        f.write(code)
    p = subprocess.run([nutgraf, "tag", "--no-default-rules", "--rules", f"{d}/rule.lua",
                        f"{d}/council.md"], capture_output=True, text=True)
    got = []
    if p.returncode == 0:
        rec = json.loads(p.stdout)
        got = sorted([f"{e['type']} {e['name']}" for e in rec["entities"]] +
                     [f"topic {t['id']}" for t in rec["topics"]])
    want = sorted(expects.get(name, "").split("\n"))
    want = [w for w in want if w]
    if p.returncode != 0 or got != want:
        failed += 1
        print(f"example {name}: exit {p.returncode}\n  want {want}\n  got  {got}\n  {p.stderr}")
    else:
        print(f"example {name}: ok")
sys.exit(1 if failed else 0)
PY
