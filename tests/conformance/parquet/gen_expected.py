#!/usr/bin/env python3
"""Expected values for smelt's Parquet reader, produced with pyarrow.

    pip install pyarrow
    python3 tests/conformance/parquet/gen_expected.py   # from the repo root

For every file under ../shared/conformance/parquet/ this writes
tests/conformance/parquet/expected/<path relative to that dir>.txt holding
what smelt must produce (the unit test test_parquet.c, `conformance_files`,
compares; it does not need pyarrow):

    status: ok                       | error | refused <reason>
    schema: name:type<TAB>name:type   smelt types (tinyint, smallint, int, bigint,
                                     float, double, string, binary, boolean, date,
                                     timestamp, timestamp_ntz, time(6), decimal(p,s),
                                     void)
    rows: N
    digest: H1 H2 ...                 per column: FNV-1a 64 (hex) over every
                                     cell's canonical text followed by "\\n"
    then the first 30 rows, cells canonical and TAB-separated.

Canonical cell text (the same in pq_canon.h): NULL; true/false; integers,
dates (days since epoch), timestamps (microseconds since epoch, floor),
times (nanoseconds since midnight, floored to a microsecond, wrapped into a
day as pyarrow's datetime.time is) and decimals (the unscaled integer) in
decimal; doubles as C's "%.17g" with NaN,
Infinity, -Infinity; strings and binary as bytes with \\\\, and every byte
outside 0x20..0x7e as \\xNN.

The type of each column is decided here from the Parquet schema, by the
rules smelt follows (Spark's ParquetToSparkSchemaConverter for flat
schemas), independently of smelt's code.  Files pyarrow cannot read are
expected to fail ("error"); files with columns smelt does not read yet are
"refused" with the reason; the unit test checks both fail cleanly.
"""
import decimal
import os
import sys
import uuid

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

ROOT = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
DATA = os.path.normpath(os.path.join(ROOT, "..", "shared", "conformance", "parquet"))
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "expected")
SHOW_ROWS = 30

# Files pyarrow reads but which smelt rightly rejects, or the reverse, with why.
OVERRIDES = {
}


def fnv(data, h=0xcbf29ce484222325):
    for b in data:
        h ^= b
        h = (h * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return h


def esc(b):
    out = []
    for c in b:
        if c == 0x5C:
            out.append("\\\\")
        elif 0x20 <= c <= 0x7E:
            out.append(chr(c))
        else:
            out.append("\\x%02x" % c)
    return "".join(out)


def fmt_double(x):
    if x != x:
        return "NaN"
    if x == float("inf"):
        return "Infinity"
    if x == float("-inf"):
        return "-Infinity"
    return "%.17g" % x


class Refused(Exception):
    pass


def smelt_type(col):
    """(type name, converter kind) of one leaf, or raise Refused."""
    name = col.name
    pt = col.physical_type
    lt = col.logical_type
    ltn = lt.type.upper() if lt is not None else "NONE"
    ct = col.converted_type
    if ltn == "UNKNOWN" or ltn == "NULL":
        return "void", "null"
    if ltn == "DECIMAL" or ct == "DECIMAL":
        p, s = col.precision, col.scale
        if p > 38:
            raise Refused("column `%s` is DECIMAL(%d,%d), wider than 38 digits" % (name, p, s))
        return "decimal(%d,%d)" % (p, s), "decimal"
    if ltn == "TIME" or ct in ("TIME_MILLIS", "TIME_MICROS"):
        # Spark 4.1's TimeType(6), isAdjustedToUTC either way
        return "time(6)", "time"

    if ct == "INTERVAL":
        raise Refused("column `%s` is an INTERVAL column" % name)
    if ltn in ("VARIANT", "GEOMETRY", "GEOGRAPHY"):
        raise Refused("column `%s` has logical type %s" % (name, ltn))
    if pt == "BOOLEAN":
        return "boolean", "int"
    if pt == "INT32":
        if ltn == "DATE" or ct == "DATE":
            return "date", "date"
        s = (str(lt) if lt is not None else "").replace(" ", "")
        if ltn == "INT" and "isSigned=false" in s:
            if "bitWidth=8" in s:
                return "smallint", "int"
            return ("bigint" if "bitWidth=32" in s else "int"), "int"
        if ct == "UINT_8":
            return "smallint", "int"
        if ct == "UINT_16":
            return "int", "int"
        # Spark: INT(8, true) / INT_8 is ByteType, INT(16, true) / INT_16 ShortType
        if (ltn == "INT" and "bitWidth=8" in s) or ct == "INT_8":
            return "tinyint", "int"
        if (ltn == "INT" and "bitWidth=16" in s) or ct == "INT_16":
            return "smallint", "int"
        if ct == "UINT_32":
            return "bigint", "int"
        return "int", "int"
    if pt == "INT64":
        if ltn == "TIMESTAMP" or ct in ("TIMESTAMP_MILLIS", "TIMESTAMP_MICROS"):
            s = str(lt).replace(" ", "") if lt is not None else ""
            # Spark 3.5 (inferTimestampNTZ): not adjusted to UTC → timestamp_ntz
            if ltn == "TIMESTAMP" and "isAdjustedToUTC=false" in s and \
                    "is_from_converted_type=true" not in s:
                return "timestamp_ntz", "timestamp"
            return "timestamp", "timestamp"
        s = str(lt).replace(" ", "") if lt is not None else ""
        if (ltn == "INT" and "isSigned=false" in s) or ct == "UINT_64":
            return "decimal(20,0)", "int"
        return "bigint", "int"
    if pt == "INT96":
        return "timestamp", "timestamp"
    if pt == "FLOAT":
        return "float", "double"
    if pt == "DOUBLE":
        return "double", "double"
    if pt == "BYTE_ARRAY":
        # Spark: text when annotated STRING/UTF8, ENUM or JSON; otherwise binary
        if ltn in ("STRING", "ENUM", "JSON") or ct in ("UTF8", "ENUM", "JSON"):
            return "string", "bytes"
        return "binary", "bytes"
    if pt == "FIXED_LEN_BYTE_ARRAY":
        if ltn == "UUID" and col.length == 16:
            return "string", "uuid"
        if ltn == "FLOAT16" and col.length == 2:
            return "double", "double"
        return "binary", "bytes"
    raise Refused("column `%s` has physical type %s" % (name, pt))


def cells(arr, kind, typ):
    """Canonical texts of a pyarrow ChunkedArray."""
    t = arr.type
    if pa.types.is_dictionary(t):
        arr = pa.chunked_array([c.dictionary_decode() for c in arr.chunks], t.value_type)
        t = arr.type
    if kind == "null":
        return ["NULL"] * len(arr)
    if kind == "timestamp":
        unit = t.unit
        ints = arr.cast(pa.int64()).to_pylist()
        div = {"s": None, "ms": None, "us": 1, "ns": 1000}[unit]
        out = []
        for v in ints:
            if v is None:
                out.append("NULL")
            elif unit == "s":
                out.append(str(v * 1000000))
            elif unit == "ms":
                out.append(str(v * 1000))
            else:
                out.append(str(v // div))
        return out
    if kind == "time":
        # nanoseconds since midnight, floored to a microsecond and wrapped
        # into one day, as datetime.time values come out of pyarrow
        out = []
        for v in arr.to_pylist():
            out.append("NULL" if v is None else
                       str((v.hour * 3600 + v.minute * 60 + v.second) * 10**9 + v.microsecond * 1000))
        return out
    if kind == "date":
        if pa.types.is_date64(t):
            return ["NULL" if v is None else str(v // 86400000) for v in arr.cast(pa.int64()).to_pylist()]
        return ["NULL" if v is None else str(v) for v in arr.cast(pa.int32()).to_pylist()]
    if kind == "decimal":
        scale = int(typ[typ.index(",") + 1:-1])
        out = []
        for v in arr.to_pylist():
            if v is None:
                out.append("NULL")
            else:
                out.append(str(int(decimal.Decimal(v).scaleb(scale, context=decimal.Context(prec=200)))))
        return out
    if kind == "double":
        out = []
        for v in arr.to_pylist():
            out.append("NULL" if v is None else fmt_double(float(v)))
        return out
    if kind == "uuid":
        if isinstance(t, pa.ExtensionType):
            arr = pa.chunked_array([c.storage for c in arr.chunks], t.storage_type)
        return ["NULL" if v is None else str(v if isinstance(v, uuid.UUID) else uuid.UUID(bytes=bytes(v)))
                for v in arr.to_pylist()]
    if kind == "bytes":
        if isinstance(t, pa.ExtensionType):
            arr = pa.chunked_array([c.storage for c in arr.chunks], t.storage_type)
            t = arr.type
        if pa.types.is_string(t) or pa.types.is_large_string(t):
            arr = arr.cast(pa.binary())
        elif pa.types.is_string_view(t) if hasattr(pa.types, "is_string_view") else False:
            arr = arr.cast(pa.binary())
        return ["NULL" if v is None else esc(v.encode() if isinstance(v, str) else bytes(v))
                for v in arr.to_pylist()]
    # booleans and integers
    out = []
    for v in arr.to_pylist():
        if v is None:
            out.append("NULL")
        elif v is True:
            out.append("true")
        elif v is False:
            out.append("false")
        else:
            out.append(str(int(v)))
    return out


def unwrap(t):
    """The storage type of an extension type (variant, json, uuid ...)."""
    return t.storage_type if isinstance(t, pa.ExtensionType) else t


def leafless(t):
    """A struct with no primitive leaf beneath it (a Parquet group without
    fields): pyarrow reads no column for it, and smelt leaves it out too."""
    t = unwrap(t)
    if pa.types.is_struct(t):
        return all(leafless(t.field(i).type) for i in range(t.num_fields))
    return False


def nested_node(t, schema, leaf):
    """(node, Spark simpleString) of arrow type t, whose leaves are the Parquet
    columns schema.column(leaf[0]), ... in order (leaf[0] advances)."""
    t = unwrap(t)
    if pa.types.is_dictionary(t):
        t = t.value_type
    if pa.types.is_list(t) or pa.types.is_large_list(t) or pa.types.is_fixed_size_list(t):
        n, s = nested_node(t.value_type, schema, leaf)
        return ("list", n), "array<%s>" % s
    if pa.types.is_map(t):
        kn, ks = nested_node(t.key_type, schema, leaf)
        vn, vs = nested_node(t.item_type, schema, leaf)
        return ("map", kn, vn), "map<%s,%s>" % (ks, vs)
    if pa.types.is_struct(t):
        if t.num_fields == 0:  # pyarrow leaves leafless groups out; smelt too
            raise Refused("an empty group (a struct without fields)")
        nodes, parts = [], []
        for i in range(t.num_fields):
            f = t.field(i)
            n, s = nested_node(f.type, schema, leaf)
            nodes.append(n)
            parts.append("%s:%s" % (f.name, s))
        return ("struct", nodes), "struct<%s>" % ",".join(parts)
    col = schema.column(leaf[0])
    leaf[0] += 1
    typ, kind = smelt_type(col)
    return ("leaf", kind, typ), typ


def nested_texts(arr, node):
    """Canonical texts of every slot of a pyarrow Array (not chunked):
    lists [a,b], structs {a,b} (fields in order), maps {k:v,k:v}."""
    if isinstance(arr.type, pa.ExtensionType):
        arr = arr.storage
    if node[0] == "leaf":
        return cells(pa.chunked_array([arr], arr.type), node[1], node[2])
    if pa.types.is_dictionary(arr.type):
        arr = arr.dictionary_decode()
    nulls = arr.is_null().to_pylist()
    out = []
    if node[0] == "struct":
        kids = [nested_texts(c, n) for c, n in zip(arr.flatten(), node[1])]
        for r in range(len(arr)):
            out.append("NULL" if nulls[r] else "{" + ",".join(k[r] for k in kids) + "}")
        return out
    offs = arr.offsets.to_pylist()
    if node[0] == "map":
        keys = nested_texts(arr.keys, node[1])
        vals = nested_texts(arr.items, node[2])
        for r in range(len(arr)):
            out.append("NULL" if nulls[r] else
                       "{" + ",".join("%s:%s" % (keys[k], vals[k]) for k in range(offs[r], offs[r + 1])) + "}")
        return out
    elems = nested_texts(arr.values, node[1])
    for r in range(len(arr)):
        out.append("NULL" if nulls[r] else "[" + ",".join(elems[offs[r]:offs[r + 1]]) + "]")
    return out


def expected(path):
    try:
        f = pq.ParquetFile(path, coerce_int96_timestamp_unit="us")
        schema = f.schema
    except Exception as e:  # not readable at all
        return "status: error\n# pyarrow: %s\n" % str(e).splitlines()[0][:200] if str(e) else "status: error\n"
    try:
        # nested columns map arrow's type tree onto the Parquet leaves in order
        arrow = schema.to_arrow_schema()
        cols = []
        leaf = [0]
        for fld in arrow:
            t = unwrap(fld.type)
            if leafless(t):
                continue
            if pa.types.is_nested(t) and not pa.types.is_dictionary(t):
                node, typ = nested_node(t, schema, leaf)
                cols.append((fld.name, typ, node))
            else:
                cols.append((fld.name, ) + smelt_type(schema.column(leaf[0])))
                leaf[0] += 1
    except Refused as r:
        return "status: refused %s\n" % r
    except Exception as e:
        return "status: error\n# pyarrow: %s\n" % str(e).splitlines()[0][:200]
    try:
        table = f.read(use_pandas_metadata=False)
        texts = []
        for i, (name, typ, kind) in enumerate(cols):
            if isinstance(kind, tuple):
                col = []
                for ch in table.column(i).chunks:
                    col.extend(nested_texts(ch, kind))
                texts.append(col)
            else:
                texts.append(cells(table.column(i), kind, typ))
        nrows = table.num_rows
    except Exception as e:
        return "status: error\n# pyarrow: %s\n" % str(e).splitlines()[0][:200]
    lines = ["status: ok"]
    lines.append("schema: " + "\t".join("%s:%s" % (esc(n.encode()), t) for n, t, _ in cols))
    lines.append("rows: %d" % nrows)
    lines.append("digest: " + " ".join("%016x" % fnv(b"".join(c.encode() + b"\n" for c in col)) for col in texts))
    for r in range(min(nrows, SHOW_ROWS)):
        lines.append("\t".join(col[r] for col in texts))
    return "\n".join(lines) + "\n"


def main():
    if not os.path.isdir(DATA):
        sys.exit("no %s" % DATA)
    only = set(sys.argv[1:])  # relative paths: regenerate just these
    n = 0
    counts = {}
    for dirpath, dirs, files in os.walk(DATA):
        dirs.sort()
        for name in sorted(files):
            full = os.path.join(dirpath, name)
            rel = os.path.relpath(full, DATA)
            if only and rel not in only:
                continue
            text = OVERRIDES.get(rel) or expected(full)
            dst = os.path.join(OUT, rel + ".txt")
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            with open(dst, "w") as fh:
                fh.write("# %s (pyarrow %s)\n" % (rel, pa.__version__) + text)
            st = text.split("\n", 1)[0].split(" ")[1]
            counts[st] = counts.get(st, 0) + 1
            n += 1
    print("%d files: %s" % (n, ", ".join("%s %d" % kv for kv in sorted(counts.items()))))


if __name__ == "__main__":
    main()
