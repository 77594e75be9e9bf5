/*
 * scan_filters.c — turning a plan predicate into a filter a scan can use
 * to skip data by statistics (source.h sm_scan_filter).
 *
 * partition_prune.c carries each FILTER's conjuncts down to the scans
 * (through FILTERs and PROJECTs, with a column map); for a scan whose source
 * has set_filters it asks here whether a conjunct has one of the forms
 *     col OP const      const OP col      (OP: = == < <= > >=)
 *     col IN (const, ...)                 (not NOT IN)
 *     col IS NULL       col IS NOT NULL
 * where col is a bare column of the scan (through the map) and each const
 * is a deterministic expression without columns (a literal, a typed
 * literal, a cast the binder put on a literal) whose value has exactly the
 * column's type (decimals: the same precision and scale).  A comparison
 * whose column side is cast (the binder widened the column) is not
 * pushed, as Spark pushes only bare attributes.  Constants are evaluated
 * once here; values (and string bytes) live in the caller's arena.
 * Constants of timestamp type other than plain literals are not used (they
 * would be computed in UTC here, not in the session's time zone).
 *
 * Memory: arena-owned results.  Threading: the action's thread.
 */
#include <string.h>

#include "common/mem.h"
#include "common/status.h"
#include "plan/scan_filters.h"

static bool sf_constant(const sm_expr *e) {
    if (!e) return false;
    /* a timestamp computed here would use UTC, not the session's zone */
    if (e->kind != SM_EX_LITERAL && (e->type == SM_TIMESTAMP || e->type == SM_TIMESTAMP_NTZ)) return false;
    switch (e->kind) {
    case SM_EX_LITERAL: return true;
    case SM_EX_CAST: break;
    case SM_EX_CALL:
        if (e->agg || !e->fn) return false;
        if (e->name && (!strcmp(e->name, "rand") || !strcmp(e->name, "randn") || !strcmp(e->name, "uuid") ||
                        !strcmp(e->name, "random") || !strcmp(e->name, "current_timestamp") ||
                        !strcmp(e->name, "now") || !strcmp(e->name, "raise_error")))
            return false;
        break;
    default: return false;
    }
    for (int i = 0; i < e->nargs; i++)
        if (!sf_constant(e->args[i])) return false;
    return true;
}

/* Evaluates a constant expression into *out (strings copied into a). */
static bool sf_value(sm_arena *a, const sm_expr *e, const sm_field *f, sm_value *out) {
    if (!sf_constant(e)) return false;
    sm_batch *b = sm_batch_new(0, 1);
    if (!b) return false;
    sm_vector *v = NULL;
    sm_eval_ctx ctx = {sm_tz_utc(), false, 0};
    int rc = sm_expr_eval(&ctx, e, b, &v);
    bool ok = false;
    if (rc == SM_OK && v && v->length >= 1) {
        sm_vector_get(v, 0, out);
        out->precision = v->precision;
        out->scale = v->scale;
        if (out->is_null) {
            ok = true; /* comparisons with NULL are never true */
        } else if (v->type == f->type &&
                   (f->type != SM_DECIMAL || (v->precision == f->precision && v->scale == f->scale))) {
            ok = true;
            if (sm_type_phys(v->type) == SM_STRING) {
                char *c = sm_arena_alloc(a, (size_t)out->v.str.len + 1);
                if (!c) ok = false;
                else {
                    if (out->v.str.len) memcpy(c, out->v.str.ptr, (size_t)out->v.str.len);
                    out->v.str.ptr = c;
                }
            }
        }
    }
    if (rc != SM_OK) sm_err_clear();
    sm_vector_unref(v);
    sm_batch_free(b);
    return ok;
}

static int sf_column(const sm_expr *e, const int *map, int ncols, const sm_schema *scan) {
    if (!e || e->kind != SM_EX_COLUMN || e->col_index < 0 || e->col_index >= ncols) return -1;
    int c = map[e->col_index];
    return c >= 0 && c < scan->ncols ? c : -1;
}

bool sm_scan_filter_from_expr(sm_arena *a, const sm_expr *e, const int *map, int ncols,
                              const sm_schema *scan, sm_scan_filter *out) {
    if (!e) return false;
    memset(out, 0, sizeof *out);
    if (e->kind == SM_EX_CALL && e->nargs == 1 && e->name &&
        (!strcmp(e->name, "isnull") || !strcmp(e->name, "isnotnull"))) {
        int c = sf_column(e->args[0], map, ncols, scan);
        if (c < 0) return false;
        out->col = c;
        out->op = !strcmp(e->name, "isnull") ? SM_SF_IS_NULL : SM_SF_NOT_NULL;
        return true;
    }
    if (e->kind == SM_EX_IN && !e->negated && e->nargs >= 2) {
        int c = sf_column(e->args[0], map, ncols, scan);
        if (c < 0) return false;
        sm_value *vals = sm_arena_alloc(a, (size_t)(e->nargs - 1) * sizeof *vals);
        if (!vals) return false;
        for (int i = 1; i < e->nargs; i++)
            if (!sf_value(a, e->args[i], &scan->fields[c], &vals[i - 1])) return false;
        out->col = c;
        out->op = SM_SF_IN;
        out->nvals = e->nargs - 1;
        out->vals = vals;
        return true;
    }
    if (e->kind != SM_EX_CALL || e->nargs != 2 || !e->name) return false;
    static const struct { const char *name; sm_scan_filter_op op, flipped; } ops[] = {
        {"=", SM_SF_EQ, SM_SF_EQ},   {"==", SM_SF_EQ, SM_SF_EQ}, {"<", SM_SF_LT, SM_SF_GT},
        {"<=", SM_SF_LE, SM_SF_GE},  {">", SM_SF_GT, SM_SF_LT},  {">=", SM_SF_GE, SM_SF_LE},
    };
    int k = -1;
    for (int i = 0; i < (int)(sizeof ops / sizeof ops[0]); i++)
        if (!strcmp(e->name, ops[i].name)) k = i;
    if (k < 0) return false;
    int c = sf_column(e->args[0], map, ncols, scan);
    const sm_expr *lit = e->args[1];
    sm_scan_filter_op op = ops[k].op;
    if (c < 0) {
        c = sf_column(e->args[1], map, ncols, scan);
        lit = e->args[0];
        op = ops[k].flipped;
    }
    if (c < 0) return false;
    sm_value *v = sm_arena_alloc(a, sizeof *v);
    if (!v || !sf_value(a, lit, &scan->fields[c], v)) return false;
    out->col = c;
    out->op = op;
    out->nvals = 1;
    out->vals = v;
    return true;
}
