#!/usr/bin/env python3
"""Compare a CSV output directory with an expected file, as sets of rows.

    compare_outputs.py normalize OUT_DIR EXPECTED_FILE
        Concatenates the part files of a Spark output directory into one
        file: the header once, then the data lines sorted (how the expected
        files in expected/ were made from PySpark's output).
    compare_outputs.py compare NAME EXPECTED_FILE OUT_DIR
        Prints "PASS NAME" when OUT_DIR (part files plus _SUCCESS) holds the
        same header and the same multiset of rows as EXPECTED_FILE, else
        "FAIL NAME" and the differences.  Values are compared as text, except
        that two decimal numbers (with '.', 'E', NaN or Infinity) match when
        they agree to a relative 1e-9.

Files are read as Spark writes CSV (quote ", escape \\).  Standard library only.
"""
import csv
import glob
import math
import os
import sys
from collections import Counter, defaultdict

REL = 1e-9


def read_csv_text(text):
    return list(csv.reader(text.splitlines(True), escapechar="\\", doublequote=False,
                           strict=True))


def part_files(out_dir):
    return sorted(p for p in glob.glob(os.path.join(out_dir, "part-*"))
                  if not os.path.basename(p).startswith("."))


def read_dir(out_dir):
    """(header, rows, lines) of every part file; raises ValueError on trouble."""
    if not os.path.isdir(out_dir):
        raise ValueError(f"{out_dir} is not a directory")
    if not os.path.exists(os.path.join(out_dir, "_SUCCESS")):
        raise ValueError(f"{out_dir} has no _SUCCESS")
    parts = part_files(out_dir)
    if not parts:
        raise ValueError(f"{out_dir} has no part files")
    header, rows, lines = None, [], []
    for p in parts:
        with open(p, encoding="utf-8", newline="") as f:
            text = f.read()
        if not text:
            continue
        body = text.split("\n", 1)
        h = body[0]
        if header is None:
            header = h
        elif h != header:
            raise ValueError(f"{p}: header {h!r} differs from {header!r}")
        rest = body[1] if len(body) > 1 else ""
        rows.extend(read_csv_text(rest))
        lines.extend(rest.splitlines(True))
    return header, rows, lines


def read_expected(path):
    with open(path, encoding="utf-8", newline="") as f:
        text = f.read()
    header, _, rest = text.partition("\n")
    return header, read_csv_text(rest)


def is_decimal(s):
    if s in ("NaN", "Infinity", "-Infinity"):
        return True
    if "." not in s and "E" not in s:
        return False
    try:
        float(s)
        return True
    except ValueError:
        return False


def close(a, b):
    if a == b:
        return True
    if not (is_decimal(a) and is_decimal(b)):
        return False
    x, y = float(a), float(b)
    if math.isnan(x) or math.isnan(y):
        return math.isnan(x) and math.isnan(y)
    return abs(x - y) <= REL * max(abs(x), abs(y))


def compare(name, expected_file, out_dir):
    try:
        eh, erows = read_expected(expected_file)
        ah, arows, _ = read_dir(out_dir)
    except (OSError, ValueError, csv.Error) as e:
        print(f"FAIL {name}: {e}")
        return False
    problems = []
    if eh != ah:
        problems.append(f"header: expected {eh!r}, got {ah!r}")
    exp = Counter(tuple(r) for r in erows)
    act = Counter(tuple(r) for r in arows)
    missing = exp - act   # exact matches removed
    extra = act - exp
    # Rows left over may differ only in the last digits of doubles: pair them
    # up by their non-decimal fields.
    def key(r):
        return tuple("" if is_decimal(v) else v for v in r)
    pool = defaultdict(list)
    for r, n in extra.items():
        pool[key(r)].extend([r] * n)
    unmatched = []
    for r, n in missing.items():
        for _ in range(n):
            cands = pool.get(key(r), [])
            hit = next((i for i, c in enumerate(cands)
                        if len(c) == len(r) and all(close(x, y) for x, y in zip(r, c))), None)
            if hit is None:
                unmatched.append(r)
            else:
                cands.pop(hit)
    leftover = [r for rs in pool.values() for r in rs]
    if unmatched or leftover:
        problems.append(f"{len(erows)} rows expected, {len(arows)} written; "
                        f"{len(unmatched)} expected rows missing, {len(leftover)} unexpected")
        for r in unmatched[:5]:
            problems.append("  missing:    " + ",".join(r))
        for r in leftover[:5]:
            problems.append("  unexpected: " + ",".join(r))
    if problems:
        print(f"FAIL {name}")
        for p in problems:
            print("  " + p)
        return False
    print(f"PASS {name}")
    return True


def normalize(out_dir, expected_file):
    header, _, lines = read_dir(out_dir)
    lines = [l if l.endswith("\n") else l + "\n" for l in lines]
    with open(expected_file, "w", encoding="utf-8", newline="") as f:
        f.write(header + "\n")
        f.writelines(sorted(lines))


def main():
    a = sys.argv[1:]
    if len(a) == 3 and a[0] == "normalize":
        normalize(a[1], a[2])
    elif len(a) == 4 and a[0] == "compare":
        sys.exit(0 if compare(a[1], a[2], a[3]) else 1)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
