/*
 * test_prune.c — column pruning for scans (plan/prune.c, the CSV source's
 * set_required).
 *
 * Plans are built through the public API; the mask each scan would get is
 * read with sm_plan_required_columns, and results are compared with
 * pruning on and off (SMELT_NO_PRUNE=1).  The malformed-row expectations
 * under DROPMALFORMED / PERMISSIVE / FAILFAST with pruning come from
 * PySpark 3.5.3 (spark.sql.csv.parser.columnPruning.enabled=true, the
 * default): a row whose only bad field is unselected is kept, and a wrong
 * field count is not seen when only some columns are read.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api/api_internal.h"
#include "common/mem.h"
#include "plan/prune.h"
#include "smelt.h"
#include "test.h"

static char tmpdir[64];

static const char *write_file(const char *name, const char *text) {
    static char path[128];
    if (!tmpdir[0]) {
        strcpy(tmpdir, "/tmp/smelt-test-prune-XXXXXX");
        if (!mkdtemp(tmpdir)) return NULL;
    }
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "w");
    if (!f) return NULL;
    fputs(text, f);
    fclose(f);
    return path;
}

static const sm_plan *find_scan(const sm_plan *p) {
    while (p && p->kind != SM_PLAN_SCAN) p = p->child ? p->child : (p->nchildren ? p->children[0] : NULL);
    return p;
}

/* The mask as a string of 0/1, one per scan column. */
static const char *mask_of(const sm_dataframe *df, const sm_plan *scan) {
    static char buf[64];
    bool m[32] = {0};
    if (!df || !scan || sm_plan_required_columns(df->plan, scan, m) != SM_OK) return "(error)";
    int n = scan->schema->ncols;
    for (int i = 0; i < n && i < 32; i++) buf[i] = m[i] ? '1' : '0';
    buf[n < 32 ? n : 32] = '\0';
    return buf;
}

/* Collected rows as "v,v;v,v" (NULL for null), or "(error)". */
static char *render(sm_dataframe *df) {
    sm_result *r = df ? sm_df_collect(df) : NULL;
    if (!r) return strdup("(error)");
    size_t cap = 1024, len = 0;
    char *out = malloc(cap);
    out[0] = '\0';
    for (int64_t i = 0; i < sm_result_num_rows(r); i++) {
        for (int c = 0; c < sm_result_num_columns(r); c++) {
            const char *v = sm_result_is_null(r, i, c) ? "NULL" : sm_result_get_string(r, i, c);
            size_t need = len + strlen(v) + 3;
            if (need > cap) { cap = need * 2; out = realloc(out, cap); }
            len += (size_t)sprintf(out + len, "%s%s", c ? "," : (i ? ";" : ""), v);
        }
    }
    sm_result_free(r);
    return out;
}

#define CHECK_ROWS(df, want)                     \
    do {                                         \
        char *t_got = render(df);                \
        CHECK_STR(t_got, want);                  \
        free(t_got);                             \
    } while (0)

/* Renders with pruning on and off; both must equal want. */
#define CHECK_BOTH(df, want)                     \
    do {                                         \
        unsetenv("SMELT_NO_PRUNE");              \
        CHECK_ROWS(df, want);                    \
        setenv("SMELT_NO_PRUNE", "1", 1);        \
        CHECK_ROWS(df, want);                    \
        unsetenv("SMELT_NO_PRUNE");              \
    } while (0)

static const char *DATA = "a,b,c,d\n1,x,10,1.5\n2,y,20,2.5\n3,x,30,3.5\n4,z,40,4.5\n";

TEST(prune_masks_for_plan_shapes) {
    sm_session *s = sm_session_new(NULL);
    const char *path = write_file("t.csv", DATA);
    const char *opts[] = {"header", "true", "inferSchema", "true", NULL};
    sm_dataframe *t = sm_read_csv(s, path, opts, NULL);
    CHECK(t != NULL);
    const sm_plan *scan = find_scan(t->plan);
    CHECK(scan != NULL);

    CHECK_STR(mask_of(t, scan), "1111");
    sm_dataframe *sel = sm_df_select_expr(t, 1, (const char *[]){"b"});
    CHECK_STR(mask_of(sel, scan), "0100");
    sm_dataframe *fs = sm_df_select_expr(sm_df_filter(t, "a > 1"), 1, (const char *[]){"c"});
    CHECK_STR(mask_of(fs, scan), "1010");
    sm_dataframe *agg = sm_grouped_agg(sm_df_group_by(t, 1, (const char *[]){"b"}), 1,
                                       (const char *[]){"sum(d)"});
    CHECK_STR(mask_of(agg, scan), "0101");
    sm_dataframe *srt = sm_df_select_expr(sm_df_order_by(t, 1, (const char *[]){"d DESC"}), 1,
                                          (const char *[]){"a"});
    CHECK_STR(mask_of(srt, scan), "1001");
    /* A self-join reaches the scan twice: the union of both sides' needs. */
    sm_dataframe *l = sm_df_alias(t, "l"), *r = sm_df_alias(t, "r");
    sm_dataframe *j = sm_df_select_expr(sm_df_join(l, r, "l.a = r.a", "inner"), 2,
                                        (const char *[]){"l.b", "r.c"});
    CHECK_STR(mask_of(j, scan), "1110");
    sm_dataframe *u = sm_df_select_expr(sm_df_union(sm_df_select_expr(t, 1, (const char *[]){"a"}),
                                                    sm_df_select_expr(t, 1, (const char *[]){"d"})),
                                        1, (const char *[]){"a"});
    CHECK_STR(mask_of(u, scan), "1001");
    CHECK_STR(mask_of(sm_df_distinct(sel), scan), "0100");
    CHECK_STR(mask_of(sm_df_distinct(t), scan), "1111");

    CHECK_BOTH(sel, "x;y;x;z");
    CHECK_BOTH(fs, "20;30;40");
    CHECK_BOTH(sm_df_order_by(agg, 1, (const char *[]){"b"}), "x,5.0;y,2.5;z,4.5");
    CHECK_BOTH(srt, "4;3;2;1");
    CHECK_BOTH(sm_df_order_by(j, 1, (const char *[]){"r.c"}), "x,10;y,20;x,30;z,40");
    CHECK_BOTH(sm_df_order_by(u, 1, (const char *[]){"a"}), "1.0;1.5;2.0;2.5;3.0;3.5;4.0;4.5");
    /* The same source serves the next action with another mask. */
    CHECK_BOTH(t, "1,x,10,1.5;2,y,20,2.5;3,x,30,3.5;4,z,40,4.5");
    int64_t n = -1;
    CHECK_OK(sm_df_count(t, &n));
    CHECK_INT(n, 4);
    sm_session_free(s);
}

static const char *BAD = "a,b,c\n1,2,3\n4,x,6\n7,8\n9,10,11,12\n";

/* Outputs of a projection or filter that nothing above reads are marked
 * unused (their expressions are not evaluated, their rows not copied), per
 * action: a later action that reads them gets them back. */
TEST(prune_unused_projection_and_filter_outputs) {
    sm_session *s = sm_session_new(NULL);
    const char *path = write_file("u.csv", DATA);
    const char *opts[] = {"header", "true", "inferSchema", "true", NULL};
    sm_dataframe *t = sm_read_csv(s, path, opts, NULL);
    sm_dataframe *e = sm_df_with_column(t, "up", "upper(b)");
    sm_dataframe *f = sm_df_filter(e, "a > 1");
    sm_dataframe *g = sm_grouped_agg(sm_df_group_by(f, 1, (const char *[]){"b"}), 1,
                                     (const char *[]){"sum(c)"});
    CHECK(f && g && e->plan->kind == SM_PLAN_PROJECT && f->plan->kind == SM_PLAN_FILTER);
    CHECK_OK(sm_plan_prune_columns(g->plan));
    CHECK(e->plan->unused_cols == ((1u << 3) | (1u << 4)));              /* d, up */
    CHECK(f->plan->unused_cols == ((1u << 0) | (1u << 3) | (1u << 4))); /* a too */
    CHECK_BOTH(sm_df_order_by(g, 1, (const char *[]){"b"}), "x,30;y,20;z,40");
    CHECK_BOTH(f, "2,y,20,2.5,Y;3,x,30,3.5,X;4,z,40,4.5,Z");
    CHECK_OK(sm_plan_prune_columns(f->plan));
    CHECK(e->plan->unused_cols == 0 && f->plan->unused_cols == 0);
    CHECK_BOTH(sm_df_select_expr(f, 1, (const char *[]){"up"}), "Y;X;Z");
    sm_session_free(s);
}

TEST(prune_malformed_rows_follow_spark) {
    sm_session *s = sm_session_new(NULL);
    const char *path = write_file("bad.csv", BAD);
    const char *drop[] = {"header", "true", "mode", "DROPMALFORMED", NULL};
    const char *perm[] = {"header", "true", "mode", "PERMISSIVE", NULL};
    const char *fail[] = {"header", "true", "mode", "FAILFAST", NULL};
    const char *ddl = "a INT, b INT, c INT";
    sm_dataframe *d = sm_read_csv(s, path, drop, ddl);
    CHECK_ROWS(sm_df_select_expr(d, 1, (const char *[]){"a"}), "1;4;7;9");
    CHECK_ROWS(sm_df_select_expr(d, 2, (const char *[]){"a", "c"}), "1,3;4,6;7,NULL;9,11");
    CHECK_ROWS(sm_df_select_expr(d, 1, (const char *[]){"b"}), "2;8;10");
    CHECK_ROWS(d, "1,2,3");
    int64_t n = -1;
    CHECK_OK(sm_df_count(d, &n));
    CHECK_INT(n, 4);
    sm_dataframe *p = sm_read_csv(s, path, perm, ddl);
    CHECK_ROWS(sm_df_select_expr(p, 1, (const char *[]){"b"}), "2;NULL;8;10");
    CHECK_ROWS(p, "1,2,3;4,NULL,6;7,8,NULL;9,10,11");
    sm_dataframe *f = sm_read_csv(s, path, fail, ddl);
    CHECK_ROWS(sm_df_select_expr(f, 1, (const char *[]){"a"}), "1;4;7;9");
    CHECK_ROWS(sm_df_select_expr(f, 1, (const char *[]){"b"}), "(error)");
    /* Reading the corrupt-record column converts every field, as before. */
    sm_dataframe *cr = sm_read_csv(s, path, perm, "a INT, b INT, c INT, _corrupt_record STRING");
    CHECK_BOTH(sm_df_select_expr(cr, 2, (const char *[]){"a", "_corrupt_record"}),
               "1,NULL;4,4,x,6;7,7,8;9,9,10,11,12");
    sm_session_free(s);
}

/* A scan read by both sides of a self-join (or a union) is read once and
 * kept for the action (plan/scan_share.c); under a LIMIT it is not.  The
 * rows are the same as reading it twice. */
TEST(prune_marks_scans_read_twice) {
    sm_session *s = sm_session_new(NULL);
    const char *path = write_file("t2.csv", DATA);
    const char *opts[] = {"header", "true", "inferSchema", "true", NULL};
    sm_dataframe *t = sm_read_csv(s, path, opts, NULL);
    CHECK(t != NULL);
    sm_plan *scan = (sm_plan *)find_scan(t->plan);
    CHECK(scan != NULL);
    sm_dataframe *l = sm_df_alias(t, "l"), *r = sm_df_alias(t, "r");
    sm_dataframe *j = sm_df_select_expr(sm_df_join(l, sm_df_filter(r, "r.a > 1"), "l.a = r.a", "inner"),
                                        2, (const char *[]){"l.b", "r.c"});
    sm_plan_mark_shared_scans(j->plan);
    CHECK(scan->shared_scan);
    sm_plan_mark_shared_scans(t->plan);
    CHECK(!scan->shared_scan);
    sm_dataframe *lim = sm_df_union(sm_df_limit(t, 1), t);
    sm_plan_mark_shared_scans(lim->plan);
    CHECK(!scan->shared_scan);
    /* an aggregate over the scan is materialized once: its input is read once */
    sm_dataframe *agg = sm_grouped_agg(sm_df_group_by(t, 1, (const char *[]){"b"}), 1,
                                       (const char *[]){"sum(c)"});
    sm_plan_mark_shared_scans(sm_df_union(agg, agg)->plan);
    CHECK(!scan->shared_scan);
    CHECK_BOTH(sm_df_order_by(j, 1, (const char *[]){"r.c"}), "y,20;x,30;z,40");
    CHECK_ROWS(sm_df_order_by(sm_df_select_expr(lim, 1, (const char *[]){"a"}), 1, (const char *[]){"a"}),
               "1;1;2;3;4");
    sm_dataframe *u = sm_df_union(sm_df_filter(t, "a < 3"), sm_df_filter(t, "a > 2"));
    CHECK_ROWS(u, "1,x,10,1.5;2,y,20,2.5;3,x,30,3.5;4,z,40,4.5");
    char buf[4096];
    FILE *f = fmemopen(buf, sizeof buf, "w");
    CHECK_OK(sm_df_explain_analyze(sm_df_select_expr(j, 1, (const char *[]){"r.c"}), f));
    fclose(f);
    CHECK(strstr(buf, "Scan csv") != NULL);
    sm_session_free(s);
}
