-- JSON lines: schema inference, nesting, escapes
SELECT * FROM json.`tests/sql/json/data/basic.jsonl`;
SELECT id, addr.city, addr.geo.lat, tags[0], size(tags), objs[0].k, nested[1][1] FROM json.`tests/sql/json/data/basic.jsonl`;
SELECT * FROM json.`tests/sql/json/data/conflicts.jsonl`;
SELECT * FROM json.`tests/sql/json/data/crlf.jsonl`;
-- malformed records: PERMISSIVE adds _corrupt_record
SELECT * FROM json.`tests/sql/json/data/malformed.jsonl`;
CREATE TEMPORARY VIEW mal_drop USING json OPTIONS (path 'tests/sql/json/data/malformed.jsonl', mode 'DROPMALFORMED');
SELECT * FROM mal_drop;
CREATE TEMPORARY VIEW mal_named USING json OPTIONS (path 'tests/sql/json/data/malformed.jsonl', columnNameOfCorruptRecord 'bad');
SELECT * FROM mal_named;
CREATE TEMPORARY VIEW mal_fail USING json OPTIONS (path 'tests/sql/json/data/malformed.jsonl', mode 'FAILFAST');
SELECT * FROM mal_fail;
-- multiLine
CREATE TEMPORARY VIEW ml USING json OPTIONS (path 'tests/sql/json/data/multiline.json', multiLine 'true');
SELECT * FROM ml;
SELECT id, explode(items) AS it FROM ml;
-- options
CREATE TEMPORARY VIEW opt1 USING json OPTIONS (path 'tests/sql/json/data/options.jsonl', allowComments 'true', allowUnquotedFieldNames 'true', allowNumericLeadingZeros 'true');
SELECT * FROM opt1;
CREATE TEMPORARY VIEW opt2 USING json OPTIONS (path 'tests/sql/json/data/options.jsonl');
SELECT * FROM opt2;
CREATE TEMPORARY VIEW pas USING json OPTIONS (path 'tests/sql/json/data/basic.jsonl', primitivesAsString 'true');
SELECT * FROM pas;
CREATE TEMPORARY VIEW pd USING json OPTIONS (path 'tests/sql/json/data/conflicts.jsonl', prefersDecimal 'true');
SELECT * FROM pd;
CREATE TEMPORARY VIEW dn USING json OPTIONS (path 'tests/sql/json/data/conflicts.jsonl', dropFieldIfAllNull 'true');
SELECT * FROM dn;
CREATE TEMPORARY VIEW ls USING json OPTIONS (path 'tests/sql/json/data/linesep.jsonl', lineSep '|');
SELECT * FROM ls;
-- a user schema converts as JacksonParser does
CREATE TEMPORARY VIEW typed (i INT, l BIGINT, d DOUBLE, dec DECIMAL(5,2), s STRING, b BOOLEAN, dt DATE, ts TIMESTAMP, bin BINARY, _corrupt_record STRING) USING json OPTIONS (path 'tests/sql/json/data/types.jsonl');
SELECT * FROM typed;
CREATE TEMPORARY VIEW typed_drop (i INT, s STRING) USING json OPTIONS (path 'tests/sql/json/data/types.jsonl', mode 'DROPMALFORMED');
SELECT * FROM typed_drop;
CREATE TEMPORARY VIEW typed_fmt (dt DATE, ts TIMESTAMP) USING json OPTIONS (path 'tests/sql/json/data/formats.jsonl', dateFormat 'dd/MM/yyyy', timestampFormat 'dd/MM/yyyy HH:mm');
SELECT * FROM typed_fmt;
