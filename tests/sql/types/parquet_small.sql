-- tinyint, smallint, float and timestamp_ntz written to Parquet and read back with their types
create table pq_small using parquet as select cast(id as tinyint) a, cast(id * 1000 as smallint) b, cast(id as float) * 1.1F c, cast(timestamp_ntz'2020-01-01 10:00:00' as timestamp_ntz) d from range(3);
select a, b, c, d, typeof(a), typeof(b), typeof(c), typeof(d) from pq_small order by a;
