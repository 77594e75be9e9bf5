-- JSON functions: from_json, to_json, get_json_object, json_tuple, schema_of_json, json_array_length, json_object_keys
-- from_json: struct targets, partial results, malformed input, nulls
SELECT from_json('{"a":1,"b":"x"}', 'a INT, b STRING');
SELECT from_json('{"a":1,"b":"x"}', 'a INT, b INT');
SELECT from_json('{"a" 1}', 'a INT');
SELECT from_json('', 'a INT'), from_json('  ', 'a INT'), from_json(NULL, 'a INT');
SELECT from_json('[{"a":1},{"a":2}]', 'a INT'), from_json('[1,2]', 'a INT'), from_json('{"a":1} xx', 'a INT');
SELECT from_json('{"A":1}', 'a INT'), from_json('{"a":1.5}', 'a DOUBLE, b STRING');
SELECT from_json('{"a" 1}', 'a INT, _corrupt_record STRING'), from_json('{"a":"x"}', 'a INT, _corrupt_record STRING');
SELECT from_json('{"a":{"b":[1,2]}}', 'struct<a:struct<b:array<int>>>');
SELECT from_json('{"a":1}', 'a INT') AS s, from_json('{"a":1}', 'a INT').a;
-- array and map targets: null when anything fails
SELECT from_json('[1,2,null]', 'array<int>'), from_json('{"a":1}', 'array<int>'), from_json('[1,"x"]', 'array<int>');
SELECT from_json('{"a":1,"b":null}', 'map<string,int>');
SELECT from_json('{"a":"x"}', 'map<string,int>');
SELECT from_json('[{"a":1},{"a":2}]', 'array<struct<a:int>>'), from_json('{"a":1}', 'array<struct<a:int>>');
-- schema from schema_of_json, options
SELECT from_json('{"a":1,"b":[1.5]}', schema_of_json('{"a":1,"b":[1.5]}'));
SELECT from_json('{"t":"02/01/2024","ts":"02/01/2024 10:30"}', 't DATE, ts TIMESTAMP', map('dateFormat','dd/MM/yyyy','timestampFormat','dd/MM/yyyy HH:mm'));
SELECT from_json('{"a":1}', 'a INT', map('mode','FAILFAST'));
SELECT from_json('{"a":"x"}', 'a INT', map('mode','FAILFAST'));
SELECT from_json('{"a":1}', 'a INT', map('mode','DROPMALFORMED'));
SELECT from_json('{"a":1}', 'INT');
SELECT from_json('{"a":1}', 'map<int,int>');
SELECT from_json(j, 'a INT, b ARRAY<STRING>') FROM VALUES ('{"a":1,"b":["x","y"]}'), ('{"b":[]}'), (NULL), ('oops') AS t(j);
-- to_json
SELECT to_json(named_struct('a',1,'b',CAST(NULL AS INT)));
SELECT to_json(named_struct('a',1,'b',CAST(NULL AS INT)), map('ignoreNullFields','false'));
SELECT to_json(array(1,2,NULL)), to_json(map('k',1)), to_json(array(named_struct('a',1))), to_json(array(map('a',1)));
SELECT to_json(named_struct('t', TIMESTAMP'2024-01-02 03:04:05'), map('timestampFormat','yyyy/MM/dd'));
SELECT to_json(named_struct('d', 1.5D, 'n', CAST('NaN' AS DOUBLE), 's', 'a"b', 'dt', DATE'2024-01-02', 'dec', CAST(1.25 AS DECIMAL(5,2))));
SELECT to_json(IF(1 > 2, named_struct('a', 1), NULL));
SELECT to_json(1);
SELECT to_json(from_json('{"a":[1,2],"m":{"k":"v"}}', 'a array<int>, m map<string,string>'));
-- get_json_object
SELECT get_json_object('{"a":"x","b":{"c":[1,2,{"d":3}]}}', '$.a'), get_json_object('{"a":"x","b":{"c":[1,2,{"d":3}]}}', '$.b'), get_json_object('{"a":"x","b":{"c":[1,2,{"d":3}]}}', '$.b.c[2].d'), get_json_object('{"a":"x","b":{"c":[1,2,{"d":3}]}}', '$.b.c[*]');
SELECT get_json_object('[1,2,3]', '$[*]'), get_json_object('[1,2,3]', '$[0]'), get_json_object('[[1,2],[3]]', '$[*][0]'), get_json_object('{"a":[{"b":1},{"b":2}]}', '$.a[*].b'), get_json_object('{"a":[{"b":1}]}', '$.a[*].b');
SELECT get_json_object('{"a b":1}', "$['a b']"), get_json_object('{"a":null}', '$.a'), get_json_object('{"a":true}', '$.a'), get_json_object('{"a":1.50}', '$.a'), get_json_object('bad', '$.a'), get_json_object('{"a":1}', 'a'), get_json_object('{"a":1}', '$'), get_json_object('{"a":"\\u00e9\\n"}', '$.a');
SELECT get_json_object('{"a":1}', '$.b'), get_json_object('{"a":[1,2]}', '$.a[5]'), get_json_object('{"a":{"b":1}}', '$.*'), get_json_object('{"a":[1,2]}', '$.a[*]'), get_json_object('{"a":["x","y"]}', '$.a[*]'), get_json_object('{"a":["x"]}', '$.a[*]'), get_json_object('{"a":"x"} trailing', '$.a'), get_json_object(NULL, '$.a'), get_json_object('{"a":1}', NULL);
SELECT get_json_object('{"a":[[1,2],[3,4]]}', '$.a[*][*]'), get_json_object('{"a":[[1,2],[3,4]]}', '$.a[1][*]'), get_json_object('{"a":[{"b":[1,2]},{"b":[3]}]}', '$.a[*].b[*]'), get_json_object('{"a":[{"b":[1,2]},{"b":[3]}]}', '$.a[*].b'), get_json_object('{"$a":1}', '$.$a'), get_json_object("{'a':1}", '$.a'), get_json_object('{"a":1e2}', '$.a'), get_json_object('{"a":{"b" : [ 1 , 2 ] }}', '$.a');
SELECT get_json_object('{"a":1,"a":2}', '$.a'), get_json_object('{"a":[1,2', '$.a[0]'), get_json_object('{"a":[]}', '$.a[*]'), get_json_object('{"a":[null]}', '$.a[0]'), get_json_object('{"a":1}', '$..a'), get_json_object('{"a":{"b":1}}', "$['a'].b");
SELECT j, get_json_object(j, '$.k') FROM VALUES ('{"k":"v1"}'), ('{"k":[1]}'), ('{}'), (NULL), ('[') AS t(j);
-- json_tuple
SELECT json_tuple('{"a":1,"b":"x","c":{"d":1}}', 'a', 'b', 'c', 'z');
SELECT json_tuple('bad', 'a', 'b');
SELECT id, json_tuple(j, 'a', 'b') FROM VALUES (1, '{"a":1,"b":[1,2]}'), (2, '{"a":"q","a":"r"}'), (3, NULL), (4, '[1]') AS t(id, j);
-- schema_of_json
SELECT schema_of_json('{"a":1,"b":[ "x" ],"c":{"d":1.5,"e":null},"f":true}');
SELECT schema_of_json('[{"a":1}]'), schema_of_json('1'), schema_of_json('"x"'), schema_of_json('[]'), schema_of_json('{}'), schema_of_json('{"a":1}', map('primitivesAsString','true')), schema_of_json('{"a":1.5}', map('prefersDecimal','true'));
SELECT schema_of_json('{"a b":1,"`c":2}'), schema_of_json('{"a":12345678901234567890123}'), schema_of_json('[1, 2.5]'), schema_of_json('{"a":[{"b":null}]}');
-- json_array_length, json_object_keys
SELECT json_array_length('[1,2,[3,4]]'), json_array_length('[]'), json_array_length('{}'), json_array_length('bad'), json_array_length(NULL), json_array_length('[1,2'), json_array_length('[1] x');
SELECT json_object_keys('{"a":1,"b":{"c":2}}'), json_object_keys('{}'), json_object_keys('[1]'), json_object_keys('bad'), json_object_keys(NULL), json_object_keys('{"a":1,"a":2}');
