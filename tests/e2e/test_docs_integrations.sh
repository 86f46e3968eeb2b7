#!/bin/sh
# Every ```LANG from=FILE block of docs/integrations.md and docs/api.md is
# text that FILE holds verbatim: the set-ups shown are the tested ones.
. "$(dirname "$0")/lib.sh"
python3 - "$ROOT" <<'PY' || fail "documentation blocks out of date (see above)"
import re, sys
root = sys.argv[1]
bad = n = 0
for doc in ("docs/integrations.md", "docs/api.md"):
    text = open(f"{root}/{doc}", encoding="utf-8").read()
    for path, block in re.findall(r"```\S* from=(\S+)\n(.*?)```", text, re.S):
        n += 1
        src = open(f"{root}/{path}", encoding="utf-8").read()
        if block not in src:
            bad += 1
            print(f"BAD {doc}: a block from {path} is not in it:\n{block}")
if n < 5:
    print(f"BAD only {n} from= blocks found"); bad += 1
print(f"{n} blocks checked")
sys.exit(1 if bad else 0)
PY
finish
