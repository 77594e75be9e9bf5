/* Unit tests of the exchange layer without MPI (exchange/serialize.c,
 * shuffle.c and comm.c on the one-process backend).  The MPI paths are
 * tested end to end by tests/mpi/run_mpi.sh. */
#include "test.h"

#include "common/status.h"
#include "exchange/exchange.h"
#include "exec/spill.h"

/* A batch of (int with nulls, string with nulls, decimal, array<int>, struct<a:int,b:string>). */
static sm_batch *sample(int64_t n, int64_t base) {
    const sm_dtype *arr = sm_dtype_array(sm_dtype_scalar(SM_INT, 0, 0), true);
    sm_dtype_field f[2] = {{"a", sm_dtype_scalar(SM_INT, 0, 0), true},
                           {"b", sm_dtype_scalar(SM_STRING, 0, 0), true}};
    const sm_dtype *st = sm_dtype_struct(2, f);
    sm_batch *b = sm_batch_new(5, n);
    b->cols[0] = sm_vector_new(SM_INT, n);
    b->cols[1] = sm_vector_new(SM_STRING, n);
    b->cols[2] = sm_vector_new(SM_DECIMAL, n);
    b->cols[2]->precision = 12;
    b->cols[2]->scale = 2;
    b->cols[3] = sm_vector_new_dt(arr, n);
    b->cols[4] = sm_vector_new_dt(st, n);
    for (int64_t i = 0; i < n; i++) {
        int64_t v = base + i;
        if (v % 7 == 0) sm_vector_append_null(b->cols[0]);
        else sm_vector_append_i32(b->cols[0], (int32_t)v);
        char s[32];
        int len = snprintf(s, sizeof s, "s%lld", (long long)(v * 31));
        if (v % 5 == 0) sm_vector_append_null(b->cols[1]);
        else sm_vector_append_str(b->cols[1], s, len);
        sm_value d;
        memset(&d, 0, sizeof d);
        d.type = SM_DECIMAL;
        d.precision = 12;
        d.scale = 2;
        d.v.dec = (__int128)v * 101;
        sm_vector_append_value(b->cols[2], &d);
        for (int k = 0; k < (int)(v % 3); k++) sm_vector_append_i32(b->cols[3]->children[0], (int32_t)(v + k));
        sm_vector_end_list(b->cols[3]);
        sm_vector_append_i32(b->cols[4]->children[0], (int32_t)v);
        sm_vector_append_str(b->cols[4]->children[1], s, len);
        sm_vector_end_struct(b->cols[4]);
    }
    return b;
}

static bool same_rows(const sm_batch *a, int64_t ra, const sm_batch *b, int64_t rb) {
    if (a->ncols != b->ncols) return false;
    for (int c = 0; c < a->ncols; c++) {
        if (sm_vector_is_null(a->cols[c], ra) != sm_vector_is_null(b->cols[c], rb)) return false;
        if (!sm_vector_is_null(a->cols[c], ra) &&
            sm_vector_compare_rows(a->cols[c], ra, b->cols[c], rb) != 0)
            return false;
    }
    return true;
}

TEST(exchange_batch_roundtrip) {
    sm_batch *b = sample(100, 1);
    sm_buf buf = {0};
    CHECK_OK(xch_batch_write(&buf, b));
    CHECK_OK(xch_batch_write(&buf, b));
    size_t at = 0;
    for (int k = 0; k < 2; k++) {
        sm_batch *r = NULL;
        size_t used = 0;
        CHECK_OK(xch_batch_read(buf.data + at, buf.len - at, &used, &r));
        CHECK(r != NULL);
        if (!r) break;
        at += used;
        CHECK_INT(r->nrows, 100);
        CHECK(r->cols[3]->dt == b->cols[3]->dt); /* interned again: the same descriptor */
        CHECK(r->cols[4]->dt == b->cols[4]->dt);
        CHECK_INT(r->cols[2]->precision, 12);
        bool ok = true;
        for (int64_t i = 0; i < 100; i++) ok &= same_rows(b, i, r, i);
        CHECK(ok);
        sm_batch_free(r);
    }
    CHECK_INT((int64_t)at, (int64_t)buf.len);
    /* a truncated message is refused, never read past */
    for (size_t cut = 0; cut < buf.len / 2; cut += 97) {
        sm_batch *r = NULL;
        size_t used;
        CHECK(xch_batch_read(buf.data, cut, &used, &r) == SM_MALFORMED);
        CHECK(r == NULL);
    }
    sm_buf_free(&buf);
    sm_batch_free(b);
}

/* Rows chosen by a selection are written as sm_batch_take of them would be,
 * without the copy; an all-null column travels as its header alone. */
TEST(exchange_batch_write_selection_and_nulls) {
    sm_batch *b = sample(300, 3);
    /* a sixth column: all null (what pruning leaves for unread columns) */
    sm_batch *w = sm_batch_new(7, 300);
    for (int c = 0; c < 5; c++) w->cols[c] = sm_vector_ref(b->cols[c]);
    w->cols[5] = sm_vector_new_nulls(SM_STRING, 300);
    w->cols[6] = sm_vector_new_nulls(SM_DECIMAL, 300);
    w->cols[6]->precision = 15;
    w->cols[6]->scale = 2;
    int32_t sel[120];
    for (int i = 0; i < 120; i++) sel[i] = (int32_t)((i * 37) % 300);
    sm_buf buf = {0}, whole = {0}, taken = {0};
    CHECK_OK(xch_batch_write_sel(&buf, w, sel, 120));
    CHECK_OK(xch_batch_write(&whole, w));
    sm_batch *t = sm_batch_take(w, sel, 120);
    CHECK(t != NULL);
    CHECK_OK(xch_batch_write(&taken, t));
    sm_batch *r = NULL;
    size_t used = 0;
    CHECK_OK(xch_batch_read(buf.data, buf.len, &used, &r));
    CHECK(r != NULL);
    if (r) {
        CHECK_INT((int64_t)used, (int64_t)buf.len);
        CHECK_INT(r->nrows, 120);
        bool ok = true;
        for (int64_t i = 0; i < 120; i++) ok &= same_rows(t, i, r, i);
        CHECK(ok);
        CHECK_INT(r->cols[6]->type, SM_DECIMAL);
        CHECK_INT(r->cols[6]->precision, 15);
        CHECK(sm_vector_is_null(r->cols[5], 0) && sm_vector_is_null(r->cols[6], 119));
        sm_batch_free(r);
    }
    /* the selection's bytes are those of the taken batch */
    CHECK_INT((int64_t)buf.len, (int64_t)taken.len);
    CHECK(memcmp(buf.data, taken.data, buf.len) == 0);
    /* the two null columns cost a header each, not 300 values */
    sm_buf two = {0};
    sm_batch *five = sm_batch_new(5, 300);
    for (int c = 0; c < 5; c++) five->cols[c] = sm_vector_ref(b->cols[c]);
    CHECK_OK(xch_batch_write(&two, five));
    CHECK((int64_t)whole.len - (int64_t)two.len <= 2 * 64);
    sm_buf_free(&buf);
    sm_buf_free(&whole);
    sm_buf_free(&taken);
    sm_buf_free(&two);
    sm_batch_free(t);
    sm_batch_free(five);
    sm_batch_free(w);
    sm_batch_free(b);
}

TEST(exchange_shuffle_rounds_local) {
    /* 3 source partitions, several batches each; rounds of 4 KiB force many rounds */
    setenv("SMELT_EXCHANGE_ROUND_BYTES", "4096", 1);
    xch_comm *c = xch_local_comm();
    CHECK(xch_round_bytes(c) == 4096);
    xch_shuffle *x = xch_shuffle_new(c, 3);
    int64_t base = 0;
    for (int p = 0; p < 3; p++)
        for (int k = 0; k < 4; k++) {
            CHECK_OK(xch_shuffle_add(x, p, sample(50, base), 0, NULL));
            base += 50;
        }
    sm_mset *m = NULL;
    CHECK_OK(xch_shuffle_run(x, SM_OK, 1, &m));
    CHECK(m != NULL);
    if (m) {
        CHECK_INT(sm_mset_rows(m), base);
        /* the sender's order is kept (one rank, gather: one partition) */
        int64_t at = 0;
        bool ok = true;
        for (int i = 0; i < m->parts[0].nbatches; i++) {
            sm_batch *b = m->parts[0].batches[i];
            sm_batch *e = sample(b->nrows, at);
            for (int64_t r = 0; r < b->nrows; r++) ok &= same_rows(b, r, e, r);
            sm_batch_free(e);
            at += b->nrows;
        }
        CHECK(ok);
        sm_mset_free(m);
    }
    unsetenv("SMELT_EXCHANGE_ROUND_BYTES");
}

TEST(exchange_shuffle_spills_under_budget) {
    /* a 1 MB budget with 1 MB of other memory in use: every batch goes to the
     * sending side's spill file, and the received ones to the mset's; the
     * rows come back whole and in order (exchange/xspill.c) */
    setenv("SMELT_EXCHANGE_ROUND_BYTES", "4096", 1);
    xch_comm *c = xch_local_comm();
    void *ballast = sm_malloc(1 << 20);
    CHECK(ballast != NULL);
    int64_t spilled0 = xch_stats_get()->spilled_bytes;
    xch_shuffle *x = xch_shuffle_new(c, 3);
    xch_shuffle_spill_under(x, 1 << 20);
    int64_t base = 0;
    for (int p = 0; p < 3; p++)
        for (int k = 0; k < 4; k++) {
            CHECK_OK(xch_shuffle_add(x, p, sample(50, base), 0, NULL));
            base += 50;
        }
    sm_mset *m = NULL;
    CHECK_OK(xch_shuffle_run(x, SM_OK, 1, &m));
    CHECK(xch_stats_get()->spilled_bytes > spilled0);
    CHECK(m != NULL);
    if (m) {
        CHECK(sm_mset_spilled(m));
        CHECK_INT(sm_mset_rows(m), base);
        sm_free(ballast);
        ballast = NULL;
        CHECK_OK(sm_mset_unspill(m));
        int64_t at = 0;
        bool ok = true;
        for (int i = 0; i < m->parts[0].nbatches; i++) {
            sm_batch *b = m->parts[0].batches[i];
            sm_batch *e = sample(b->nrows, at);
            for (int64_t r = 0; r < b->nrows; r++) ok &= same_rows(b, r, e, r);
            sm_batch_free(e);
            at += b->nrows;
        }
        CHECK(ok);
        CHECK_INT(at, base);
        sm_mset_free(m);
    }
    sm_free(ballast);
    unsetenv("SMELT_EXCHANGE_ROUND_BYTES");
}

TEST(exchange_shuffle_routes_rows) {
    xch_comm *c = xch_local_comm();
    xch_shuffle *x = xch_shuffle_new(c, 1);
    sm_batch *b = sample(10, 0);
    int dest[10] = {0};
    CHECK_OK(xch_shuffle_add(x, 0, b, XCH_ROUTE_ROWS, dest));
    CHECK_OK(xch_shuffle_add(x, 0, sample(5, 10), XCH_ALL, NULL));
    sm_mset *m = NULL;
    CHECK_OK(xch_shuffle_run(x, SM_OK, 4, &m)); /* dealt over 4 partitions */
    CHECK(m && sm_mset_rows(m) == 15 && m->nparts == 4);
    sm_mset_free(m);
    /* a failed stage fails the shuffle with its message, and frees everything */
    xch_step_reset();
    x = xch_shuffle_new(c, 1);
    CHECK_OK(xch_shuffle_add(x, 0, sample(3, 0), 0, NULL));
    int rc = sm_err(SM_IO, "disk full");
    m = NULL;
    CHECK(xch_shuffle_run(x, rc, 1, &m) == SM_IO);
    CHECK(m == NULL);
    CHECK_STR(sm_errmsg(), "disk full");
    /* sticky until the step ends */
    CHECK(xch_sync(SM_OK, NULL) == SM_IO);
    CHECK(xch_step_end(SM_OK) == SM_IO);
    CHECK_OK(xch_sync(SM_OK, NULL));
}

TEST(exchange_owner_spreads) {
    int count[4] = {0};
    for (uint64_t i = 0; i < 4000; i++) count[xch_owner(i * 0x100000001ull, 4)]++;
    for (int r = 0; r < 4; r++) CHECK(count[r] > 800 && count[r] < 1200);
    CHECK_INT(xch_owner(12345, 1), 0);
}

TEST(exchange_world_local) {
    /* no MPI launcher: the local backend, no distributed hooks */
    CHECK(!xch_launched_by_mpi());
    CHECK_OK(xch_init(NULL, NULL));
    CHECK_INT(xch_world()->size, 1);
    CHECK(xch_dist() == NULL);
    xch_finalize();
}
