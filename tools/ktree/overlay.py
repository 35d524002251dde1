#!/usr/bin/env python3
"""Applies one overlay (targets/kernel/overlays/<name>/overlay.json) to COPIES of the tree's files.

Each edit names a file of the tree, optionally the function whose body it changes, the exact text
to replace there (it must occur exactly once) and the replacement. The edited copies are written
under --out with the tree's relative paths, so arch/<a>/include and include can be put on the
include path in front of the tree's. The tree is only read. An edit that does not match is a loud
error naming the file and the function: the overlay no longer applies to this tree.
Exit: 0 applied; 3 the overlay is for another architecture; 2 it does not apply.
"""
import argparse
import json
import os
import re
import sys


def function_span(text, name):
    """[start, end) of the first definition `... name(...) { ... }` in text, or None."""
    for m in re.finditer(r"\b%s\s*\([^;{]*\)\s*\{" % re.escape(name), text):
        depth, i = 0, m.end() - 1
        while i < len(text):
            if text[i] == "{":
                depth += 1
            elif text[i] == "}":
                depth -= 1
                if depth == 0:
                    return m.start(), i + 1
            i += 1
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tree", required=True)
    ap.add_argument("--arch", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("overlay")
    a = ap.parse_args()
    name = os.path.basename(os.path.normpath(a.overlay))
    spec = json.load(open(os.path.join(a.overlay, "overlay.json")))
    if spec["arch"] != a.arch:
        print(f"ptfold: overlay {name}: not applicable to {a.arch} configurations (it edits {spec['arch']} code)",
              file=sys.stderr)
        return 3
    copies = {}
    for e in spec["edits"]:
        path = os.path.join(a.tree, e["file"])
        if e["file"] not in copies:
            if not os.path.exists(path):
                print(f"ptfold: error: overlay {name} no longer applies to {a.tree}: {e['file']} does not exist",
                      file=sys.stderr)
                return 2
            copies[e["file"]] = open(path).read()
        text = copies[e["file"]]
        lo, hi = 0, len(text)
        where = e["file"]
        if e.get("function"):
            span = function_span(text, e["function"])
            where = f"{e['file']}: {e['function']}()"
            if not span:
                print(f"ptfold: error: overlay {name} no longer applies to {a.tree}: no definition of "
                      f"{e['function']}() in {e['file']}", file=sys.stderr)
                return 2
            lo, hi = span
        body = text[lo:hi]
        n = body.count(e["replace"])
        if n != 1:
            print(f"ptfold: error: overlay {name} no longer applies to {a.tree}: {where} contains "
                  f"{json.dumps(e['replace'])} {n} times (expected once)", file=sys.stderr)
            return 2
        copies[e["file"]] = text[:lo] + body.replace(e["replace"], e["with"]) + text[hi:]
    for rel, text in copies.items():
        dst = os.path.join(a.out, rel)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        # the copy must still find the tree's neighbours with #include "..." : none of ours do
        tmp = dst + ".tmp"
        with open(tmp, "w") as f:
            f.write(f"/* ptfold overlay {name} applied to a copy of {rel}; the tree is unchanged */\n")
            f.write(text)
        if not os.path.exists(dst) or open(dst).read() != open(tmp).read():
            os.replace(tmp, dst)
        else:
            os.remove(tmp)
    return 0


if __name__ == "__main__":
    sys.exit(main())
