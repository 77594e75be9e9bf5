#!/usr/bin/env python3
"""compare.py - compares smelt's output of a golden script with Spark's.

    python3 tests/golden/compare.py <expected> <actual>

Exit 0 when they match, 1 with a short diff on stdout otherwise.

The texts must match exactly, except for numbers: Spark and smelt may
round the last digits of a double differently (a sum in another order), so
numeric cells are compared to a relative 1e-9.  A line matches when:
  1. it is identical; or
  2. both are table borders (+---+---+) with the same number of columns
     (widths follow the cells, which rule 3 checks); or
  3. both are table rows (|...|) or TAB-separated collect rows with the same
     number of cells, and every cell is identical, or both cells are numbers
     within the tolerance and aligned the same way (right-aligned cells have
     no trailing space, left-aligned none leading), or they are equal once
     trimmed and aligned the same way (padding differs only because another
     cell of the column differs within the tolerance); or
  4. both lines are a single number within the tolerance (count).
Only the standard library is used.
"""
import math
import re
import sys

REL_TOL = 1e-9
ABS_TOL = 1e-12
BORDER = re.compile(r"^\+(-*\+)+$|^\+\+$")
NUMBER = re.compile(r"^[+-]?(\d+\.?\d*([eE][+-]?\d+)?|\.\d+([eE][+-]?\d+)?|NaN|Infinity)$")


def as_number(s):
    s = s.strip()
    if not NUMBER.match(s):
        return None
    try:
        return float(s)
    except ValueError:
        return None


def numbers_close(a, b):
    x, y = as_number(a), as_number(b)
    if x is None or y is None:
        return False
    if math.isnan(x) or math.isnan(y):
        return math.isnan(x) and math.isnan(y)
    if math.isinf(x) or math.isinf(y):
        return x == y
    return math.isclose(x, y, rel_tol=REL_TOL, abs_tol=ABS_TOL)


def alignment(cell):
    if cell.startswith(" ") and not cell.endswith(" "):
        return "right"
    if cell.endswith(" ") and not cell.startswith(" "):
        return "left"
    return "any"


def aligned_alike(a, b):
    x, y = alignment(a), alignment(b)
    return x == y or "any" in (x, y)


def cells_match(a, b):
    if a == b:
        return True
    if not aligned_alike(a, b):
        return False
    return a.strip() == b.strip() or numbers_close(a, b)


def lines_match(e, a):
    if e == a:
        return True
    if BORDER.match(e) and BORDER.match(a):
        return e.count("+") == a.count("+")
    if e.startswith("|") and e.endswith("|") and a.startswith("|") and a.endswith("|"):
        ec, ac = e[1:-1].split("|"), a[1:-1].split("|")
        return len(ec) == len(ac) and all(cells_match(x, y) for x, y in zip(ec, ac))
    if "\t" in e or "\t" in a:
        ec, ac = e.split("\t"), a.split("\t")
        return len(ec) == len(ac) and all(x == y or numbers_close(x, y) for x, y in zip(ec, ac))
    return numbers_close(e, a)


def compare(expected, actual):
    el, al = expected.split("\n"), actual.split("\n")
    diffs = []
    for i in range(max(len(el), len(al))):
        e = el[i] if i < len(el) else None
        a = al[i] if i < len(al) else None
        if e is None or a is None or not lines_match(e, a):
            diffs.append((i + 1, e, a))
    return diffs


def main():
    if len(sys.argv) != 3:
        print("usage: compare.py <expected> <actual>")
        return 2
    with open(sys.argv[1], encoding="utf-8", errors="replace") as f:
        expected = f.read()
    with open(sys.argv[2], encoding="utf-8", errors="replace") as f:
        actual = f.read()
    diffs = compare(expected, actual)
    if not diffs:
        return 0
    for lineno, e, a in diffs[:8]:
        print("  line %d:" % lineno)
        print("    spark: %s" % ("<missing>" if e is None else e))
        print("    smelt: %s" % ("<missing>" if a is None else a))
    if len(diffs) > 8:
        print("  ... %d more differing lines" % (len(diffs) - 8))
    return 1


if __name__ == "__main__":
    sys.exit(main())
