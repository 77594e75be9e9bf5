-- hash() of decimals: Spark hashes the unscaled long up to precision 18, the
-- BigInteger bytes of the unscaled value above
SELECT hash(1.5), hash(CAST(-12.34 AS DECIMAL(10,2))), hash(CAST(0 AS DECIMAL(18,0)));
SELECT hash(CAST(123456789012345678901.5 AS DECIMAL(30,1))), hash(CAST(-1 AS DECIMAL(20,0))), hash(CAST(128 AS DECIMAL(25,0))), hash(CAST(-129 AS DECIMAL(38,0)));
SELECT hash(CAST(1.5 AS DECIMAL(20,1)), 'x', 7);
