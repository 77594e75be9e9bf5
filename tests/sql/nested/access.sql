-- subscripts, element_at, struct fields, size
select array(1,2,3)[0], array(1,2,3)[5], map(1,'a')[1], map(1,'a')[2];
select element_at(array(1,2,3), 1), element_at(array(1,2,3), -1), element_at(array(1,2,3), 9), element_at(map(1,'a'), 1);
select element_at(array(1,2,3), 0);
select s.a, s.b from (select named_struct('a', 1, 'b', 'x') as s);
select t.s.a, s.a + 1 from (select named_struct('a', 1, 'b', 'x') as s) t;
select s.c from (select named_struct('a', 1) as s);
select a[1], m['k'] from values (array(10, 20), map('k', 'v')) as t(a, m);
select size(array(1,2)), size(map(1,2)), cardinality(array(1)), size(null);
select cast(map(1, '123', 2, '456')[1] as int);
select array(1,2)[0] + 1, upper(map('a','b')['a']), size(array(1)) * 2;
select named_struct('a', 1).a, struct(1 as x).x;
select cast(null as array<int>), cast(array(1) as array<bigint>), cast(named_struct('a', 1) as struct<a:string>), cast(map(1,2) as map<string,string>);
