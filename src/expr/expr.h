/*
 * expr.h — expression trees: parsing Spark SQL expression text, binding
 * (names → columns, Spark's implicit coercion, function lookup) and
 * vectorized evaluation over batches.
 *
 * Life of an expression:
 *   1. sm_expr_parse("upper(name) || '!'")  → unbound tree (SM_EX_COLUMN
 *      nodes carry names; SM_EX_CALL nodes carry function/operator names).
 *      Trees built from C (the public sm_col / sm_lit / sm_call) look the
 *      same.
 *   2. sm_expr_bind(tree, schema)           → a new, bound tree: every
 *      column has an index, every node a result type, implicit casts are
 *      explicit SM_EX_CAST nodes, calls point at their sm_func_def, and
 *      per-query state (compiled regular expressions) is prepared.  Binding
 *      never modifies its input, so one DataFrame expression can be bound
 *      against several schemas.
 *   3. sm_expr_eval(ctx, bound, batch)      → a vector of batch->nrows rows.
 *      A bound tree is read-only during evaluation and is shared by all
 *      tasks (threads) of a query.
 *
 * Operators are calls with their SQL spelling as the name: "+", "-", "*",
 * "/", "%", "div", "=", "==", "<=>", "!=", "<>", "<", "<=", ">", ">=",
 * "and", "or", "not", "negative", "isnull", "isnotnull", "||" (concat).
 * x BETWEEN a AND b is parsed as ((x >= a) AND (x <= b)), as Spark 3.5 does.
 *
 * What the parser (expr/parse.c) produces, as Spark 3.5's parser does:
 *   - "==" → "="; "a != b" and "a <> b" → not(=(a, b)); NOT BETWEEN →
 *     not(and(...)); the BETWEEN operand is deep-copied for its second use.
 *   - NOT IN → SM_EX_IN with negated = true.
 *   - x IS [NOT] NULL / IS UNKNOWN → isnull / isnotnull;
 *     IS TRUE → <=>(x, true), IS NOT FALSE → not(<=>(x, false));
 *     IS [NOT] DISTINCT FROM → [not](<=>(a, b)).
 *   - x [NOT] LIKE p [ESCAPE 'c'] → [not](like(x, p[, 'c'])); ILIKE →
 *     "ilike"; RLIKE / REGEXP → "rlike".
 *   - -<number> is a negative literal; -x → negative(x); +x → positive(x);
 *     ~x → "~"(x); a & b, a | b, a ^ b → "&", "|", "^".
 *   - count(*) → count(1): a call "count" with one INT literal 1 (Spark's
 *     own rewrite; its name is "count(1)").  COUNT(DISTINCT a) sets distinct.
 *   - function names are lower-cased; first(x) IGNORE NULLS → first(x, true).
 *   - string(x), int(x), bigint(x), double(x), float(x), boolean(x),
 *     date(x), timestamp(x), smallint(x), tinyint(x) → SM_EX_CAST marked
 *     implicit (Spark names them as their argument); x :: type → CAST.
 *   - TIMESTAMPADD|DATEADD|DATE_ADD(unit, n, ts) → "timestampadd"('unit', n,
 *     ts); TIMESTAMPDIFF|DATEDIFF|DATE_DIFF(unit, a, b) → "timestampdiff".
 *   - typed literals DATE 'x' / TIMESTAMP 'x' → SM_EX_CAST of a STRING
 *     literal with name "DATE" / "TIMESTAMP" (the text is validated when
 *     parsing; binding converts it like any cast, in the session time zone).
 *     An explicit cast from CAST(...) has name == NULL.
 *   - literal types: integers are INT, BIGINT if too big, else DECIMAL;
 *     1L BIGINT; 1S / 1Y INT (range-checked as SMALLINT / TINYINT);
 *     1e3, 1.5D, 1.5F DOUBLE.  Decimal literals (1.5, 1.5BD) are DECIMAL
 *     with Spark's precision/scale (1.5 decimal(2,1)), DOUBLE beyond 38
 *     digits; node->name holds Spark's spelling ("1.50") for names.
 *   - SQL-only forms (windows, FILTER, subqueries, INTERVAL, X'..',
 *     EXTRACT/TRIM/SUBSTRING/POSITION): see src/sql/README.md.
 *   - a.b (qualified name) → SM_EX_COLUMN named "a.b"; `a.b` (one quoted
 *     name holding a dot) is also "a.b".  t.* → SM_EX_STAR with name "t".
 *   - CASE x WHEN v ... keeps has_operand (binding rewrites it).
 * sm_expr_copy copies `state` as a pointer: a copy of a bound tree shares
 * the original's prepared state; release only one of them.
 *
 * Memory: every node of a tree lives in the arena passed to the parser or
 * binder; trees are freed with their arena.
 */
#ifndef SM_EXPR_H
#define SM_EXPR_H

#include <stdbool.h>
#include <stdint.h>

#include "common/mem.h"
#include "types/datetime.h"
#include "types/types.h"

typedef enum {
    SM_EX_COLUMN,  /* name (unbound) / col_index (bound) */
    SM_EX_LITERAL, /* lit; lit.type = SM_NULLTYPE for NULL */
    SM_EX_CALL,    /* name(args...); distinct for count(DISTINCT x) */
    SM_EX_CAST,    /* CAST(args[0] AS cast_to) */
    SM_EX_CASE,    /* CASE [operand] WHEN w THEN t ... [ELSE e] END: args are
                      [operand] w1 t1 w2 t2 ... [else]; see has_operand/has_else */
    SM_EX_IN,      /* args[0] IN (args[1..]) ; negated for NOT IN */
    SM_EX_STAR,    /* * (only in select lists) */
    SM_EX_ALIAS,   /* args[0] AS name */
    SM_EX_WINDOW,  /* args[0] (an aggregate or window-function call) OVER window */
    SM_EX_SUBQUERY, /* a scalar subquery (SELECT ...): subquery holds the SQL AST */
    SM_EX_EXISTS,   /* [NOT] EXISTS (subquery); negated for NOT */
    SM_EX_IN_SUBQUERY, /* args[0] [NOT] IN (subquery); negated for NOT IN */
    SM_EX_OUTER_REF,   /* a column of an enclosing query (correlated subqueries):
                          name as written; set by the SQL analyzer */
} sm_expr_kind;

/* A window specification: OVER (PARTITION BY ... ORDER BY ... frame). */
typedef enum {
    SM_FRAME_UNBOUNDED_PRECEDING,
    SM_FRAME_PRECEDING,   /* offset PRECEDING */
    SM_FRAME_CURRENT_ROW,
    SM_FRAME_FOLLOWING,   /* offset FOLLOWING */
    SM_FRAME_UNBOUNDED_FOLLOWING,
} sm_frame_bound_kind;

typedef struct {
    sm_frame_bound_kind kind;
    struct sm_expr *offset; /* PRECEDING/FOLLOWING: a constant expression */
} sm_frame_bound;

struct sm_sort_key;

typedef struct sm_window_spec {
    char *ref_name;              /* OVER w / OVER (w ...): a named window, or NULL */
    struct sm_expr **partition;  /* PARTITION BY */
    int npartition;
    struct sm_sort_key *order;   /* ORDER BY */
    int norder;
    bool has_frame;              /* an explicit frame; else Spark's default frame */
    bool frame_rows;             /* ROWS (true) or RANGE (false) */
    sm_frame_bound start, end;
} sm_window_spec;

struct sm_func_def;
struct sm_agg_def;

typedef struct sm_expr {
    sm_expr_kind kind;
    int pos, end;        /* byte range in the source text (-1 when built from C) */
    char *name;          /* column / function / alias name */
    sm_value lit;        /* SM_EX_LITERAL (strings are arena-owned) */
    sm_type cast_to;     /* SM_EX_CAST */
    bool distinct;       /* count(DISTINCT ...) */
    bool negated;        /* NOT IN */
    bool has_operand;    /* CASE x WHEN ... */
    bool has_else;
    bool implicit;       /* a cast the binder inserted (named like its child) */
    bool ignore_nulls;   /* first(x) IGNORE NULLS, lag(...) IGNORE NULLS */
    int8_t precision, scale; /* SM_DECIMAL: literal / cast target / result */
    sm_window_spec *window;  /* SM_EX_WINDOW */
    void *subquery;          /* SM_EX_SUBQUERY / EXISTS / IN_SUBQUERY: the SQL AST
                                (struct sql_query, sql/ast.h); NULL in DataFrame exprs */
    struct sm_expr *filter;  /* agg(...) FILTER (WHERE filter) on an aggregate call; else NULL */
    int nargs;
    struct sm_expr **args;

    const sm_dtype *dt;      /* nested types: the full type of the result (bound trees) or of
                                the CAST target (cast_to ARRAY / MAP / STRUCT); else NULL */
    /* Set by binding. */
    sm_type type;
    bool nullable;
    int col_index;                  /* SM_EX_COLUMN */
    const struct sm_func_def *fn;   /* SM_EX_CALL of a scalar function */
    const struct sm_agg_def *agg;   /* SM_EX_CALL of an aggregate */
    void *state;                    /* per-query prepared state (owned by fn) */
} sm_expr;

/* ---- construction ---------------------------------------------------- */

sm_expr *sm_expr_new(sm_arena *a, sm_expr_kind kind);
sm_expr *sm_expr_column(sm_arena *a, const char *name);
sm_expr *sm_expr_literal(sm_arena *a, const sm_value *v); /* copies strings */
sm_expr *sm_expr_call(sm_arena *a, const char *name, int nargs, sm_expr **args);
sm_expr *sm_expr_cast(sm_arena *a, sm_expr *child, sm_type to);
sm_expr *sm_expr_alias(sm_arena *a, sm_expr *child, const char *name);
/* Deep copy into arena `a`. */
sm_expr *sm_expr_copy(sm_arena *a, const sm_expr *e);

/* ---- parsing ----------------------------------------------------------- */

/* Parses one expression (as PySpark's expr() / filter("...")), optionally
 * followed by an alias ("x + 1 AS y", "x + 1 y").  On a syntax error returns
 * SM_PARSE with a message that quotes the text and puts a caret under the
 * offending position:
 *     [PARSE_SYNTAX_ERROR] Syntax error at or near ')'.
 *     == Expression ==
 *     upper(name))
 *                ^
 * (In full, Spark's first line: "[PARSE_SYNTAX_ERROR] Syntax error at or
 * near ')': extra input ')'.(line 1, pos 11)"; "at or near end of input"
 * for truncated text.  Other classes: [UNSUPPORTED_DATATYPE],
 * [INVALID_NUMERIC_LITERAL_RANGE], [INVALID_TYPED_LITERAL]; SM_UNSUPPORTED
 * with [UNSUPPORTED_FEATURE] for valid Spark that smelt lacks: OVER,
 * FILTER, INTERVAL, x[i], struct fields.) */
int sm_expr_parse(sm_arena *a, const char *text, sm_expr **out);
/* Parses a comma-separated list ("a, b DESC NULLS LAST" style sort keys are
 * handled by sm_sort_parse below). */
int sm_expr_parse_list(sm_arena *a, const char *text, sm_expr ***out, int *count);

/* One ORDER BY key parsed from text: "x", "x DESC", "x ASC NULLS LAST". */
typedef struct sm_sort_key {
    sm_expr *expr;
    bool descending;
    bool nulls_first; /* Spark's default: true for ASC, false for DESC */
} sm_sort_key;
int sm_sort_parse(sm_arena *a, const char *text, sm_sort_key *out);

/* Spark's auto-generated column name for an expression: "(a + 1)",
 * "upper(name)", "CAST((x + 1) AS INT)", "avg(session_duration)", an alias's name,
 * a column's name as written.  Arena-allocated.  At the top only (Spark's
 * ResolveAliases), CAST(col AS T) is named "col".  Implicit casts are
 * transparent.  Works on unbound and bound trees.  NULL on SM_NOMEM. */
char *sm_expr_sql_name(sm_arena *a, const sm_expr *e);
/* The same name after resolution, as Spark names select and aggregate
 * items: `bound` is sm_expr_bind's result for `e` (or NULL), read for the
 * types and resolved column names where its shape matches e — columns lose
 * their qualifier ("(k + 1)" for r.k + 1), date + 1 is "date_add(d, 1)",
 * date - INTERVAL '1' DAY "date_add(d, (- extractansiintervaldays(...)))". */
char *sm_expr_sql_name_bound(sm_arena *a, const sm_expr *e, const sm_expr *bound);

/* ---- binding ------------------------------------------------------------ */

typedef struct sm_bind_ctx {
    const sm_schema *schema;
    const char *text;      /* source text for carets, or NULL */
    const sm_tz *tz;       /* session time zone */
    bool ansi;             /* spark.sql.ansi.enabled */
    bool case_sensitive;   /* spark.sql.caseSensitive */
    bool allow_agg;        /* aggregate calls allowed (agg lists) */
    sm_arena *arena;       /* where the bound tree and state live */
} sm_bind_ctx;

/* Binds `e` against ctx->schema, returning a new bound tree.  Errors:
 * SM_ANALYSIS with Spark's error class in brackets, e.g.
 *   [UNRESOLVED_COLUMN.WITH_SUGGESTION] A column or function parameter with
 *   name `emial` cannot be resolved. Did you mean one of the following?
 *   [`email`, `phone`, ...].
 * followed by the caret when ctx->text is set. */
int sm_expr_bind(sm_bind_ctx *ctx, const sm_expr *e, sm_expr **out);

/* Wraps `e` in an implicit cast to `to` (returns e itself when already that
 * type).  For use by function resolvers. */
sm_expr *sm_expr_coerce(sm_bind_ctx *ctx, sm_expr *e, sm_type to);

/* Decimals (types/decimal.h).  sm_expr_dec_type: the decimal type `e`
 * converts to implicitly — its own; with literal_min an INT/BIGINT literal's
 * smallest (7 → decimal(1,0), Spark's DecimalType.fromLiteral); an int
 * column decimal(10,0), a bigint decimal(20,0); false for other types.
 * sm_expr_wider_decimal: the wider decimal of the decimal/int/bigint
 * members of es (widerDecimalType), for CASE / IN / coalesce branches.
 * sm_expr_coerce_dec: e cast (implicitly) to decimal(p, s). */
bool sm_expr_dec_type(const sm_expr *e, bool literal_min, int *p, int *s);
int sm_expr_wider_decimal(sm_expr *const *es, int n, int *p, int *s);
sm_expr *sm_expr_coerce_dec(sm_bind_ctx *ctx, sm_expr *e, int p, int s);

/* Spark's wider common type of two types for arithmetic / comparison / CASE
 * / coalesce branches (findWiderTypeForTwo); -1 when none. */
int sm_type_wider(sm_type a, sm_type b);

/* Frees per-query state (compiled regexes) held by a bound tree. */
void sm_expr_release(sm_expr *bound);

/* True if the tree contains an aggregate call. */
bool sm_expr_has_agg(const sm_expr *e);

/* ---- evaluation ---------------------------------------------------------- */

typedef struct sm_eval_ctx {
    const sm_tz *tz;
    bool ansi;
    int64_t now_micros; /* current_timestamp() for the whole query */
} sm_eval_ctx;

/* Evaluates a bound expression over `in`; *out is a new reference to a vector
 * of in->nrows rows of e->type.  SM_EX_COLUMN returns a new reference to the
 * batch's own column (no copy). */
int sm_expr_eval(const sm_eval_ctx *ctx, const sm_expr *e, const sm_batch *in, sm_vector **out);

/* Evaluates an expression with no column references to a scalar (used for
 * constant folding and literal arguments).  Strings are arena-owned; a
 * nested value refers to a vector the arena releases. */
int sm_expr_eval_const(const sm_eval_ctx *ctx, sm_arena *a, const sm_expr *e, sm_value *out);
bool sm_expr_is_const(const sm_expr *e);

/* ---- the function registry --------------------------------------------- */

typedef struct sm_func_def {
    const char *name;      /* lower case */
    int min_args, max_args; /* max_args -1 = any */
    /* Checks argument types, inserts implicit casts with sm_expr_coerce,
     * sets call->type and call->nullable, prepares call->state.  The args
     * are already bound. */
    int (*resolve)(sm_bind_ctx *ctx, sm_expr *call);
    /* Computes n rows from evaluated args (one vector per arg, each n rows)
     * into *out (a new vector). */
    int (*eval)(const sm_eval_ctx *ctx, const sm_expr *call, sm_vector **args, int64_t n,
                sm_vector **out);
    void (*release)(void *state); /* frees call->state; may be NULL */
} sm_func_def;

/* Conditional functions (coalesce, if, nvl2, nanvl) evaluate an argument
 * only on the rows that need it, as Spark does, so that 1/0 in a branch not
 * taken raises no ANSI error.  For such a function this returns `needs`:
 * needs(call, k, args, row) says whether row `row` needs argument k >= 1,
 * given args[0..k) (full length); the rows that don't get null in args[k].
 * NULL for other functions (every argument on every row).
 * (expr/func_conditional.c) */
typedef bool (*sm_func_needs)(const sm_expr *call, int arg, sm_vector **args, int64_t row);
sm_func_needs sm_func_lazy_args(const sm_func_def *fn);

/* Scalar function by (case-insensitive) name; NULL when unknown. */
const sm_func_def *sm_func_find(const char *name);
/* Aggregate function by name; NULL when unknown (defined in expr/agg.h). */
const struct sm_agg_def *sm_agg_find(const char *name);
/* All known scalar and aggregate names, for "did you mean" and SHOW FUNCTIONS. */
int sm_func_names(const char ***out, int *count);

/* Per-file tables, each terminated by an entry with name == NULL. */
extern const sm_func_def sm_funcs_operators[];
extern const sm_func_def sm_funcs_string[];
extern const sm_func_def sm_funcs_regex[];
extern const sm_func_def sm_funcs_datetime[];
extern const sm_func_def sm_funcs_math[];
extern const sm_func_def sm_funcs_hash[];
extern const sm_func_def sm_funcs_conditional[];
extern const sm_func_def sm_funcs_interval[]; /* INTERVAL literals (func_interval.c) */
extern const sm_func_def sm_funcs_string2[]; /* func_string2.c */
extern const sm_func_def sm_funcs_misc[];    /* func_misc.c */
extern const sm_func_def sm_funcs_nested[];  /* func_nested.c: arrays, maps, structs */
extern const sm_func_def sm_funcs_json[];    /* func_json.c: from_json, to_json, get_json_object, ... */

/* ---- nested values (func_nested.c) ------------------------------------------ */

/* The full type of a bound expression (e->dt, or the scalar's descriptor). */
const sm_dtype *sm_nested_expr_dtype(const sm_expr *e);
/* Row `row` of a nested vector as text: CAST AS STRING's form ("[1, 2]",
 * "{a -> 1}", "{1, x}") or, with hive, the spark-sql shell's ("[1,2]",
 * {"a":1}, strings quoted inside). */
int sm_nested_format(const sm_vector *v, int64_t row, const sm_tz *tz, bool hive, sm_buf *b);
/* sm_value_to_string, but nested values in the Hive form (HiveResult). */
int sm_value_to_hive_string(const sm_value *v, const sm_tz *tz, sm_buf *buf);
/* sm_value_to_string as show() prints it: nulls inside nested values are
 * "NULL" (Spark 3.5's ToPrettyString), not CAST's "null". */
int sm_value_to_show_string(const sm_value *v, const sm_tz *tz, sm_buf *buf);
/* CAST between nested types (element-wise) and of nested values to string. */
bool sm_nested_cast_allowed(const sm_dtype *from, const sm_dtype *to);
int sm_nested_cast(const sm_eval_ctx *ctx, const sm_vector *in, const sm_dtype *to, sm_vector **out);
/* concat(array, ...) (func_string.c's concat delegates when given arrays). */
int sm_nested_concat_resolve(sm_bind_ctx *ctx, sm_expr *call);
int sm_nested_concat_eval(const sm_eval_ctx *ctx, const sm_expr *call, sm_vector **args, int64_t n,
                          sm_vector **out);

/* ---- casts ---------------------------------------------------------------- */

/* CAST by Spark's rules (non-ANSI: invalid → null; ANSI: SM_INVALID with
 * [CAST_INVALID_INPUT]).  *out is a new vector. */
int sm_cast_vector(const sm_eval_ctx *ctx, const sm_vector *in, sm_type to, sm_vector **out);
/* CAST(in AS DECIMAL(precision, scale)) (types/decimal.h): HALF_UP
 * rounding; out of range → null, or [NUMERIC_VALUE_OUT_OF_RANGE] in ANSI
 * mode.  sm_cast_vector(.., SM_DECIMAL, ..) keeps a decimal's own type (and
 * gives an int decimal(10,0), a bigint decimal(20,0)). */
int sm_cast_vector_dec(const sm_eval_ctx *ctx, const sm_vector *in, int precision, int scale,
                       sm_vector **out);
/* Whether Spark allows CAST(from AS to) at all. */
bool sm_cast_allowed(sm_type from, sm_type to);
/* Value → its Spark string form (CAST(x AS STRING)): appends to buf. */
int sm_value_to_string(const sm_value *v, const sm_tz *tz, sm_buf *buf);
/* Spark's double → string ("1.0", "1.0E10", "NaN", "Infinity", "-0.0"). */
int sm_format_double(double d, char *buf); /* buf needs 32 */
/* Java's toString layout of digits[0..nd) x 10^exp10 (expr/cast.c; used by
 * sm_format_double and sm_format_float). */
int sm_format_java_digits(char *buf, bool neg, const char *digits, int nd, int exp10);

#endif
