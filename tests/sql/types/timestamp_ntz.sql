-- timestamp_ntz: literals, casts, functions, comparisons
select timestamp_ntz'2020-01-01 10:00:00', typeof(timestamp_ntz'2020-01-01 10:00:00'), timestamp_ntz'2020-01-01 10:00:00.123456';
select to_timestamp_ntz('2020-01-01 10:00:00'), to_timestamp_ntz('2020/01/02 03:04', 'yyyy/MM/dd HH:mm'), typeof(to_timestamp_ntz('2020-01-01'));
select cast(timestamp_ntz'2020-01-01 10:00:00' as timestamp), cast(timestamp'2020-01-01 10:00:00' as timestamp_ntz), cast(timestamp_ntz'2020-01-01 10:00:00' as date), cast(date'2020-01-01' as timestamp_ntz);
select cast('2020-01-01 10:00:00+05:00' as timestamp_ntz), cast('x' as timestamp_ntz), cast(timestamp_ntz'2020-01-01 10:00:00' as string);
select make_timestamp_ntz(2020, 1, 2, 3, 4, 5.5), make_timestamp_ntz(2020, 2, 30, 0, 0, 0), make_timestamp_ntz(2020, 1, 1, 0, 0, 60), typeof(localtimestamp());
select typeof(coalesce(timestamp_ntz'2020-01-01 00:00:00', timestamp'2020-01-01 00:00:00')), typeof(coalesce(timestamp_ntz'2020-01-01 00:00:00', date'2020-01-01'));
select timestamp_ntz'2020-01-01 10:00:00.123' > timestamp_ntz'2020-01-01 10:00:00', timestamp_ntz'2020-01-01 00:00:00' = date'2020-01-01', hash(timestamp_ntz'2020-01-01 00:00:00');
select max(t), min(t), count(distinct t) from values (timestamp_ntz'2020-01-01 00:00:00'), (timestamp_ntz'2021-06-01 12:30:00'), (timestamp_ntz'2020-01-01 00:00:00') as v(t);
