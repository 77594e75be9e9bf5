-- explode / explode_outer / posexplode / inline in the select list (Spark's Generate)
select id, explode(a) from values (1, array(10, 20)), (2, array()), (3, null) as t(id, a);
select id, explode_outer(a) as x from values (1, array(10, 20)), (2, array()), (3, null) as t(id, a);
select posexplode(array('a', 'b')), posexplode_outer(array());
select posexplode(array('a', 'b'));
select explode(map(1, 'a', 2, 'b'));
select posexplode(map('k', 1.5));
select inline(array(named_struct('k', 1, 'v', 'x'), named_struct('k', 2, 'v', 'y')));
select col, explode(array(col, col + 1)) from values (1), (5) as t(col);
select explode(array(1, 2)) as c order by c desc;
select explode(split('a b c', ' ')) as w, 1;
select explode(1);
select upper(w) from (select explode(array('x', 'y')) as w) t where w <> 'y';
