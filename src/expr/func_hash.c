/*
 * func_hash.c — md5, sha1, sha2, crc32 and Spark's hash(...).
 *
 * md5 / sha1 / sha2 return lower-case hex strings of the digest of the
 * argument's bytes (strings: their UTF-8 bytes; other types are cast to string
 * first, smelt having no binary type).  sha2's bit length 0 means 256; any
 * other length than 224/256/384/512 gives null.  Digests come from OpenSSL's
 * one-shot EVP_Digest (thread-safe, no shared context); crc32 from zlib.
 *
 * hash(a, b, ...) is Spark's Murmur3Hash with seed 42: the seed is threaded
 * through the arguments left to right, each value hashed in Spark's binary
 * form:
 *   1. int, date, boolean (1/0): Murmur3_x86_32.hashInt;
 *   2. bigint, timestamp (microseconds): hashLong;
 *   3. double: hashLong(doubleToLongBits(d)) with -0.0 hashed as 0.0 and every
 *      NaN as the canonical NaN;
 *   4. string: hashUnsafeBytes over the UTF-8 bytes — whole little-endian
 *      4-byte words, then each remaining byte *sign-extended* and mixed as a
 *      word of its own (Spark's deviation from reference Murmur3);
 *   5. null leaves the running seed unchanged (so hash(NULL) = 42).
 * sm_murmur3_* are exported for hash partitioning (Spark's repartition uses
 * pmod(hash(keys), n)).
 */
#include <openssl/evp.h>
#include <zlib.h>

#include "expr/func_common.h"
#include "types/decimal.h"

/* ---- Murmur3_x86_32 as Spark implements it ------------------------------------- */

static inline uint32_t mm_rotl(uint32_t x, int r) { return (x << r) | (x >> (32 - r)); }

static inline uint32_t mm_mix_k1(uint32_t k1) {
    k1 *= 0xcc9e2d51u;
    k1 = mm_rotl(k1, 15);
    return k1 * 0x1b873593u;
}

static inline uint32_t mm_mix_h1(uint32_t h1, uint32_t k1) {
    h1 ^= k1;
    h1 = mm_rotl(h1, 13);
    return h1 * 5u + 0xe6546b64u;
}

static inline uint32_t mm_fmix(uint32_t h1, uint32_t len) {
    h1 ^= len;
    h1 ^= h1 >> 16;
    h1 *= 0x85ebca6bu;
    h1 ^= h1 >> 13;
    h1 *= 0xc2b2ae35u;
    h1 ^= h1 >> 16;
    return h1;
}

int32_t sm_murmur3_int(int32_t v, int32_t seed) {
    uint32_t h1 = mm_mix_h1((uint32_t)seed, mm_mix_k1((uint32_t)v));
    return (int32_t)mm_fmix(h1, 4);
}

int32_t sm_murmur3_long(int64_t v, int32_t seed) {
    uint64_t u = (uint64_t)v;
    uint32_t h1 = mm_mix_h1((uint32_t)seed, mm_mix_k1((uint32_t)u));
    h1 = mm_mix_h1(h1, mm_mix_k1((uint32_t)(u >> 32)));
    return (int32_t)mm_fmix(h1, 8);
}

int32_t sm_murmur3_bytes(const void *data, int32_t len, int32_t seed) {
    const unsigned char *p = data;
    int32_t aligned = len - len % 4;
    uint32_t h1 = (uint32_t)seed;
    for (int32_t i = 0; i < aligned; i += 4) {
        uint32_t w = (uint32_t)p[i] | (uint32_t)p[i + 1] << 8 | (uint32_t)p[i + 2] << 16 |
                     (uint32_t)p[i + 3] << 24;
        h1 = mm_mix_h1(h1, mm_mix_k1(w));
    }
    for (int32_t i = aligned; i < len; i++)
        h1 = mm_mix_h1(h1, mm_mix_k1((uint32_t)(int32_t)(signed char)p[i]));
    return (int32_t)mm_fmix(h1, (uint32_t)len);
}

int32_t sm_murmur3_double(double d, int32_t seed) {
    if (d == 0) d = 0.0; /* -0.0 → 0.0 */
    int64_t bits;
    if (d != d) bits = 0x7ff8000000000000LL;
    else memcpy(&bits, &d, sizeof bits);
    return sm_murmur3_long(bits, seed);
}

/* Folds row `row` of v into the running seed. */
static int32_t hash_fold(const sm_vector *v, int64_t row, int32_t seed) {
    if (sm_vector_is_null(v, row)) return seed;
    switch (v->type) {
    case SM_BOOLEAN: return sm_murmur3_int(SM_VEC_BOOL(v)[row] ? 1 : 0, seed);
    case SM_INT:
    case SM_DATE: return sm_murmur3_int(SM_VEC_I32(v)[row], seed);
    case SM_BIGINT:
    case SM_TIMESTAMP: return sm_murmur3_long(SM_VEC_I64(v)[row], seed);
    case SM_DOUBLE: return sm_murmur3_double(SM_VEC_F64(v)[row], seed);
    case SM_TINYINT:
    case SM_SMALLINT: return sm_murmur3_int(SM_VEC_I32(v)[row], seed);
    case SM_TIMESTAMP_NTZ:
    case SM_TIME: return sm_murmur3_long(SM_VEC_I64(v)[row], seed);
    case SM_FLOAT: { /* Float.floatToIntBits, -0.0 as 0.0, NaN canonical */
        float f = (float)SM_VEC_F64(v)[row];
        int32_t bits = 0;
        if (f != f) bits = 0x7fc00000;
        else if (f != 0) memcpy(&bits, &f, sizeof bits);
        return sm_murmur3_int(bits, seed);
    }
    case SM_STRING:
    case SM_BINARY: {
        int32_t len;
        const char *s = fx_str(v, row, &len);
        return sm_murmur3_bytes(s, len, seed);
    }
    case SM_DECIMAL: {
        /* Spark: precision <= 18 hashes the unscaled long; wider decimals hash
         * the bytes of BigInteger.toByteArray() (minimal big-endian two's
         * complement) of the unscaled value. */
        __int128 u = SM_VEC_DEC(v)[row];
        if (v->precision <= 18) return sm_murmur3_long((int64_t)u, seed);
        unsigned char bytes[17];
        int n = 16;
        for (int i = 0; i < 16; i++) bytes[15 - i] = (unsigned char)(u >> (8 * i));
        int start = 0;
        /* drop redundant sign bytes, keeping the sign bit */
        while (start < n - 1 &&
               ((bytes[start] == 0x00 && !(bytes[start + 1] & 0x80)) ||
                (bytes[start] == 0xFF && (bytes[start + 1] & 0x80))))
            start++;
        return sm_murmur3_bytes(bytes + start, n - start, seed);
    }
    default: return seed;
    }
}

static int hash_resolve(sm_bind_ctx *ctx, sm_expr *call) {
    (void)ctx;
    if (call->nargs < 1)
        return sm_err(SM_ANALYSIS,
                      "[WRONG_NUM_ARGS.WITHOUT_SUGGESTION] The `hash` requires at least one "
                      "argument.");
    call->type = SM_INT;
    call->nullable = false;
    return SM_OK;
}

static int hash_eval(const sm_eval_ctx *ectx, const sm_expr *call, sm_vector **args, int64_t n,
                     sm_vector **out) {
    (void)ectx;
    sm_vector *res;
    SM_TRY(fx_new_fixed(SM_INT, n, &res));
    int32_t *o = SM_VEC_I32(res);
    for (int64_t row = 0; row < n; row++) o[row] = 42;
    /* Column at a time: each pass folds one argument into every row. */
    for (int i = 0; i < call->nargs; i++)
        for (int64_t row = 0; row < n; row++) o[row] = hash_fold(args[i], row, o[row]);
    *out = res;
    return SM_OK;
}

/* ---- digests --------------------------------------------------------------------- */

static int digest_resolve(sm_bind_ctx *ctx, sm_expr *call) {
    SM_TRY(fx_coerce(ctx, call, 0, SM_STRING));
    if (call->nargs == 2) SM_TRY(fx_coerce(ctx, call, 1, SM_INT));
    call->type = SM_STRING;
    /* sha2 with an unsupported bit length is null. */
    call->nullable = fx_any_nullable(call) || call->nargs == 2;
    return SM_OK;
}

static const EVP_MD *digest_md(int bits) {
    switch (bits) {
    case -1: return EVP_md5();
    case -2: return EVP_sha1();
    case 0:
    case 256: return EVP_sha256();
    case 224: return EVP_sha224();
    case 384: return EVP_sha384();
    case 512: return EVP_sha512();
    default: return NULL;
    }
}

/* kind: -1 md5, -2 sha1, 0 sha2 (bits from args[1]). */
static int digest_eval(const sm_expr *call, sm_vector **args, int64_t n, sm_vector **out, int kind) {
    static const char hexd[] = "0123456789abcdef";
    sm_vector *res = sm_vector_new(SM_STRING, n);
    if (!res) return SM_NOMEM;
    int rc = SM_OK;
    for (int64_t row = 0; row < n && rc == SM_OK; row++) {
        const EVP_MD *md = NULL;
        if (!fx_any_null(args, call->nargs, row))
            md = digest_md(kind == 0 ? SM_VEC_I32(args[1])[row] : kind);
        if (!md) {
            rc = sm_vector_append_null(res);
            continue;
        }
        int32_t len;
        const char *s = fx_str(args[0], row, &len);
        unsigned char dig[EVP_MAX_MD_SIZE];
        unsigned int dlen = 0;
        if (!EVP_Digest(s, (size_t)len, dig, &dlen, md, NULL)) {
            rc = sm_err(SM_INTERNAL, "%s: OpenSSL digest failed", call->name);
            break;
        }
        char hex[2 * EVP_MAX_MD_SIZE];
        for (unsigned int k = 0; k < dlen; k++) {
            hex[2 * k] = hexd[dig[k] >> 4];
            hex[2 * k + 1] = hexd[dig[k] & 15];
        }
        rc = sm_vector_append_str(res, hex, (int32_t)(2 * dlen));
    }
    if (rc) {
        sm_vector_unref(res);
        return rc;
    }
    *out = res;
    return SM_OK;
}

static int md5_eval(const sm_eval_ctx *e, const sm_expr *c, sm_vector **a, int64_t n, sm_vector **o) {
    (void)e;
    return digest_eval(c, a, n, o, -1);
}
static int sha1_eval(const sm_eval_ctx *e, const sm_expr *c, sm_vector **a, int64_t n, sm_vector **o) {
    (void)e;
    return digest_eval(c, a, n, o, -2);
}
static int sha2_eval(const sm_eval_ctx *e, const sm_expr *c, sm_vector **a, int64_t n, sm_vector **o) {
    (void)e;
    return digest_eval(c, a, n, o, 0);
}

static int crc32_resolve(sm_bind_ctx *ctx, sm_expr *call) {
    SM_TRY(fx_coerce(ctx, call, 0, SM_STRING));
    call->type = SM_BIGINT;
    call->nullable = fx_any_nullable(call);
    return SM_OK;
}

static int crc32_eval(const sm_eval_ctx *ectx, const sm_expr *call, sm_vector **args, int64_t n,
                      sm_vector **out) {
    (void)ectx, (void)call;
    sm_vector *res;
    SM_TRY(fx_new_fixed(SM_BIGINT, n, &res));
    for (int64_t row = 0; row < n; row++) {
        if (fx_null(args[0], row)) {
            if (fx_set_null(res, row)) { sm_vector_unref(res); return SM_NOMEM; }
            continue;
        }
        int32_t len;
        const char *s = fx_str(args[0], row, &len);
        SM_VEC_I64(res)[row] = (int64_t)crc32(0L, (const Bytef *)s, (uInt)len);
    }
    *out = res;
    return SM_OK;
}

const sm_func_def sm_funcs_hash[] = {
    {"md5", 1, 1, digest_resolve, md5_eval, NULL},
    {"sha1", 1, 1, digest_resolve, sha1_eval, NULL},
    {"sha", 1, 1, digest_resolve, sha1_eval, NULL},
    {"sha2", 2, 2, digest_resolve, sha2_eval, NULL},
    {"crc32", 1, 1, crc32_resolve, crc32_eval, NULL},
    {"hash", 1, -1, hash_resolve, hash_eval, NULL},
    {NULL, 0, 0, NULL, NULL, NULL},
};
