#!/usr/bin/env python3
"""One workload, once, in one peer engine, timed in-process.

    python3 bench/peers.py ENGINE WORKLOAD RAW_DIR OUT_DIR

ENGINE: duckdb | polars | datafusion | chdb | pyspark | pysail.
WORKLOAD: count | groupby | join | sort | distinct | ch9 (see bench/suite.py).
RAW_DIR holds the chapter-9 batch files (examples/drivendata/gen_data.py):
batch_2024-09-14.csv (day1) and batch_2024-09-15.csv (day2); raw is both.

Every engine reads the same CSV files with the same explicit schema (ch9:
type inference, as the job does), runs the same SQL and writes the result as
CSV with a header under OUT_DIR (count prints its number instead).  The last
line printed is "SECONDS <s>": the time from just before the first read to
the end of the write, so interpreter, import and session start-up (JVM,
Spark Connect server) are not counted.  Each call is a fresh process: nothing
is cached between runs.
"""
import glob
import os
import sys
import time

COLS = [('unique_id', 'BIGINT'), ('person_name', 'STRING'), ('email', 'STRING'),
        ('phone', 'STRING'), ('birth_date', 'DATE'), ('ip_address', 'STRING'),
        ('accessed_at', 'TIMESTAMP'), ('session_duration', 'INT'),
        ('download_speed', 'DOUBLE'), ('upload_speed', 'DOUBLE'),
        ('consumed_traffic', 'BIGINT')]

# The workloads, in SQL every engine here accepts.  {raw} {day1} {day2} are views.
QUERIES = {
    'count': "SELECT count(*) AS n FROM raw",
    'groupby': "SELECT unique_id, count(*) AS n, sum(consumed_traffic) AS traffic, "
               "max(accessed_at) AS last_access FROM raw GROUP BY unique_id",
    'join': "SELECT a.unique_id, a.person_name, a.email, b.accessed_at, b.consumed_traffic "
            "FROM day1 a JOIN day2 b ON a.unique_id = b.unique_id",
    'sort': "SELECT * FROM raw ORDER BY accessed_at, unique_id",
    'distinct': "SELECT DISTINCT person_name, email, phone FROM raw",
}

# The chapter-9 job (bench/drivendata.sh's DuckDB SQL, in each dialect).
CH9_VIEWS = """
CREATE VIEW df AS
  SELECT unique_id, person_name,
         coalesce(email, 'unknown@example.com') AS email,
         coalesce(phone, '000-000-0000') AS phone,
         TRY_CAST(birth_date AS DATE) AS birth_date, ip_address, accessed_at,
         TRY_CAST(session_duration AS INTEGER) AS session_duration,
         download_speed, upload_speed, consumed_traffic
  FROM raw;
CREATE VIEW dedup AS SELECT DISTINCT ON (unique_id) * FROM df;
CREATE VIEW filtered AS
  SELECT *,
         download_speed + upload_speed AS total_bandwidth,
         CASE WHEN session_duration > 120 THEN 'active'
              WHEN session_duration BETWEEN 30 AND 120 THEN 'moderate'
              ELSE 'less_active' END AS activity_level,
         {mask} AS masked_email
  FROM dedup
  WHERE session_duration > 30 AND CAST(accessed_at AS DATE) > DATE '2024-01-01';
"""
CH9_GROUPED = ("SELECT person_name, sum(consumed_traffic) AS \"sum(consumed_traffic)\", "
               "avg(session_duration) AS \"avg(session_duration)\" FROM filtered "
               "GROUP BY person_name")


def files(raw):
    day1, day2 = sorted(glob.glob(os.path.join(raw, '*.csv')))[:2]
    return {'raw': [day1, day2], 'day1': [day1], 'day2': [day2]}


def run_duckdb(work, raw, out):
    import duckdb
    con = duckdb.connect()
    con.execute("SET preserve_insertion_order = false")
    t0 = time.time()
    ty = {'STRING': 'VARCHAR'}
    cols = '{%s}' % ', '.join("'%s': '%s'" % (c, ty.get(t, t)) for c, t in COLS)
    for v, fs in files(raw).items():
        if work == 'ch9':
            con.execute("CREATE VIEW %s AS SELECT * FROM read_csv(%r, header=true)" % (v, fs))
        else:
            con.execute("CREATE VIEW %s AS SELECT * FROM read_csv(%r, header=true, "
                        "columns=%s)" % (v, fs, cols))
    if work == 'count':
        print(con.execute(QUERIES[work]).fetchall()[0][0])
    elif work == 'ch9':
        con.execute(CH9_VIEWS.format(
            mask=r"regexp_replace(email, '(\w{3})\w+@(\w+)', '\1***@\2', 'g')"))
        con.execute("COPY filtered TO '%s/filtered' (FORMAT CSV, HEADER, PER_THREAD_OUTPUT)" % out)
        con.execute("COPY (%s) TO '%s/grouped' (FORMAT CSV, HEADER, PER_THREAD_OUTPUT)"
                    % (CH9_GROUPED, out))
    else:
        # sort: one file keeps the order; the others write one file per thread.
        per_thread = '' if work == 'sort' else ', PER_THREAD_OUTPUT'
        target = out + ('/part.csv' if work == 'sort' else '')
        con.execute("COPY (%s) TO '%s' (FORMAT CSV, HEADER%s)" % (QUERIES[work], target, per_thread))
    return t0


def run_polars(work, raw, out):
    import polars as pl
    t0 = time.time()
    pty = {'BIGINT': pl.Int64, 'STRING': pl.Utf8, 'DATE': pl.Date, 'TIMESTAMP': pl.Datetime,
           'INT': pl.Int32, 'DOUBLE': pl.Float64}
    schema = {c: pty[t] for c, t in COLS}
    ctx = pl.SQLContext()
    for v, fs in files(raw).items():
        if work == 'ch9':
            ctx.register(v, pl.scan_csv(fs, infer_schema_length=10000, try_parse_dates=True))
        else:
            ctx.register(v, pl.scan_csv(fs, schema=schema, try_parse_dates=True))
    if work == 'count':
        print(ctx.execute(QUERIES[work]).collect().item())
    elif work == 'ch9':
        df = ctx.execute("SELECT * FROM raw")
        df = (df.with_columns(pl.col('email').fill_null('unknown@example.com'),
                              pl.col('phone').fill_null('000-000-0000'),
                              pl.col('birth_date').cast(pl.Date, strict=False),
                              pl.col('session_duration').cast(pl.Int32, strict=False))
              .unique(subset=['unique_id'], keep='any')
              .filter((pl.col('session_duration') > 30) &
                      (pl.col('accessed_at').cast(pl.Date) > pl.date(2024, 1, 1)))
              .with_columns((pl.col('download_speed') + pl.col('upload_speed')).alias('total_bandwidth'),
                            pl.when(pl.col('session_duration') > 120).then(pl.lit('active'))
                              .when(pl.col('session_duration').is_between(30, 120)).then(pl.lit('moderate'))
                              .otherwise(pl.lit('less_active')).alias('activity_level'),
                            pl.col('email').str.replace_all(r'(\w{3})\w+@(\w+)', '${1}***@${2}')
                              .alias('masked_email')))
        os.makedirs(out + '/filtered', exist_ok=True)
        os.makedirs(out + '/grouped', exist_ok=True)
        # Two separate plans from the CSV, like the other engines (no cache).
        df.sink_csv(out + '/filtered/part.csv')
        (df.group_by('person_name')
           .agg(pl.col('consumed_traffic').sum().alias('sum(consumed_traffic)'),
                pl.col('session_duration').mean().alias('avg(session_duration)'))
           .sink_csv(out + '/grouped/part.csv'))
    else:
        os.makedirs(out, exist_ok=True)
        ctx.execute(QUERIES[work]).sink_csv(out + '/part.csv')
    return t0


def run_datafusion(work, raw, out):
    import datafusion
    import pyarrow as pa
    ctx = datafusion.SessionContext()
    t0 = time.time()
    aty = {'BIGINT': pa.int64(), 'STRING': pa.string(), 'DATE': pa.date32(),
           'TIMESTAMP': pa.timestamp('us'), 'INT': pa.int32(), 'DOUBLE': pa.float64()}
    schema = pa.schema([(c, aty[t]) for c, t in COLS])
    for v, fs in files(raw).items():
        if work == 'ch9':
            ctx.register_csv(v, fs, has_header=True)
        else:
            ctx.register_csv(v, fs, schema=schema, has_header=True)
    if work == 'count':
        print(ctx.sql(QUERIES[work]).collect()[0].column(0)[0])
    elif work == 'ch9':
        for stmt in CH9_VIEWS.format(
                mask=r"regexp_replace(email, '(\w{3})\w+@(\w+)', '${1}***@${2}', 'g')"
        ).split(';'):
            if stmt.strip():
                ctx.sql(stmt).collect()
        ctx.sql("SELECT * FROM filtered").write_csv(out + '/filtered', with_header=True)
        ctx.sql(CH9_GROUPED).write_csv(out + '/grouped', with_header=True)
    else:
        ctx.sql(QUERIES[work]).write_csv(out, with_header=True)
    return t0


def run_chdb(work, raw, out):
    from chdb import session
    s = session.Session()
    t0 = time.time()
    cty = {'BIGINT': 'Int64', 'STRING': 'String', 'DATE': 'Date', 'TIMESTAMP': 'DateTime',
           'INT': 'Int32', 'DOUBLE': 'Float64'}
    struct = ', '.join('%s Nullable(%s)' % (c, cty[t]) for c, t in COLS)
    for v, fs in files(raw).items():
        glob_ = fs[0] if len(fs) == 1 else os.path.join(raw, '*.csv')
        if work == 'ch9':
            s.query("CREATE VIEW %s AS SELECT * FROM file('%s', 'CSVWithNames')" % (v, glob_))
        else:
            s.query("CREATE VIEW %s AS SELECT * FROM file('%s', 'CSVWithNames', '%s')"
                    % (v, glob_, struct))
    os.makedirs(out, exist_ok=True)
    if work == 'count':
        print(s.query(QUERIES[work], 'CSV').bytes().decode().strip())
    elif work == 'ch9':
        ch = (CH9_VIEWS.replace('SELECT DISTINCT ON (unique_id) * FROM df',
                                'SELECT * FROM df LIMIT 1 BY unique_id')
              .replace('TRY_CAST(birth_date AS DATE)', 'toDateOrNull(toString(birth_date))')
              .replace('TRY_CAST(session_duration AS INTEGER)',
                       'toInt32OrNull(toString(session_duration))')
              .format(mask=r"replaceRegexpAll(email, '(\\w{3})\\w+@(\\w+)', '\\1***@\\2')"))
        for stmt in ch.split(';'):
            if stmt.strip():
                s.query(stmt)
        s.query("INSERT INTO FUNCTION file('%s/filtered.csv', 'CSVWithNames') SELECT * FROM filtered"
                % out)
        s.query("INSERT INTO FUNCTION file('%s/grouped.csv', 'CSVWithNames') %s" % (out, CH9_GROUPED))
    else:
        s.query("INSERT INTO FUNCTION file('%s/part.csv', 'CSVWithNames') %s" % (out, QUERIES[work]))
    return t0


def spark_session(kind):
    from pyspark.sql import SparkSession
    if kind == 'pysail':
        from pysail.spark import SparkConnectServer
        global _SERVER  # kept alive: the server stops when collected
        _SERVER = SparkConnectServer()
        _SERVER.start(background=True)
        _, port = _SERVER.listening_address
        return SparkSession.builder.remote('sc://localhost:%d' % port).getOrCreate()
    spark = (SparkSession.builder.master('local[%d]' % os.cpu_count())
             .config('spark.sql.ansi.enabled', 'false')
             .config('spark.sql.session.timeZone', 'UTC')
             .config('spark.ui.enabled', 'false')
             .config('spark.driver.memory', '8g')
             .getOrCreate())
    spark.sparkContext.setLogLevel('ERROR')
    return spark


def run_spark(kind, work, raw, out):
    spark = spark_session(kind)
    t0 = time.time()
    ddl = ', '.join('%s %s' % ct for ct in COLS)
    for v, fs in files(raw).items():
        r = spark.read.option('header', 'true')
        r = r.option('inferSchema', 'true') if work == 'ch9' else r.schema(ddl)
        r.csv(fs).createOrReplaceTempView(v)
    if work == 'count':
        print(spark.sql(QUERIES[work]).collect()[0][0])
    elif work == 'ch9':
        for stmt in CH9_VIEWS.replace('CREATE VIEW', 'CREATE TEMPORARY VIEW').replace(
                'SELECT DISTINCT ON (unique_id) * FROM df',
                'SELECT * FROM (SELECT *, row_number() OVER (PARTITION BY unique_id '
                'ORDER BY unique_id) AS rn_ FROM df) WHERE rn_ = 1').format(
                mask=r"regexp_replace(email, '(\\w{3})\\w+@(\\w+)', '$1***@$2')").split(';'):
            if stmt.strip():
                spark.sql(stmt)
        spark.sql('SELECT * FROM filtered').drop('rn_').write.mode('overwrite').csv(
            out + '/filtered', header=True)
        spark.sql(CH9_GROUPED.replace('"', '`')).write.mode('overwrite').csv(
            out + '/grouped', header=True)
    else:
        spark.sql(QUERIES[work]).write.mode('overwrite').csv(out, header=True)
    return t0


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    engine, work, raw, out = sys.argv[1:]
    os.makedirs(out, exist_ok=True)
    runners = {'duckdb': run_duckdb, 'polars': run_polars, 'datafusion': run_datafusion,
               'chdb': run_chdb,
               'pyspark': lambda w, r, o: run_spark('pyspark', w, r, o),
               'pysail': lambda w, r, o: run_spark('pysail', w, r, o)}
    t0 = runners[engine](work, raw, out)
    print('SECONDS %.3f' % (time.time() - t0), flush=True)
    os._exit(0)  # skip slow interpreter / JVM tear-down (not timed anyway)


if __name__ == '__main__':
    main()
