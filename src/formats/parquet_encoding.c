/*
 * parquet_encoding.c — Parquet's value and level encodings (Encodings.md in
 * parquet-format): decoders for PLAIN, the RLE / bit-packed hybrid,
 * DELTA_BINARY_PACKED, DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY and
 * BYTE_STREAM_SPLIT, and the encoders the writer needs (RLE hybrid).
 *
 * Every decoder is *streaming*: it returns the next n values and keeps its
 * position, so a page of any size is read batch by batch in bounded memory
 * (a page of a constant column can hold millions of values in a few bytes of
 * RLE; pages are never expanded whole).
 *
 * Invariants:
 *   1. No read past the `end` given at init; running out of data is
 *      SM_MALFORMED ("... ends early").
 *   2. Byte-array values (pq_bin) point into the page buffer, except for
 *      DELTA_BYTE_ARRAY whose values are rebuilt in the decoder's scratch
 *      buffer, valid until the next call.
 *   3. Integer arithmetic that may overflow on hostile input (delta
 *      decoding) is done on uint64_t, wrapping as the spec intends.
 *
 * Decoders are used by one thread (one column chunk reader); nothing here
 * has global state.
 */
#include <string.h>

#include "common/status.h"
#include "formats/parquet.h"

/* ---- bit helpers ---------------------------------------------------------- */

/* `bw` (0..32) bits at bit offset `bit` of base[0..avail), LSB first; bytes
 * past avail read as zero. */
static inline uint32_t get_bits32(const uint8_t *base, size_t avail, uint64_t bit, int bw) {
    size_t byte = (size_t)(bit >> 3);
    int shift = (int)(bit & 7);
    uint64_t w = 0;
    if (byte + 8 <= avail) {
        memcpy(&w, base + byte, 8);
    } else {
        for (size_t i = 0; i < 8 && byte + i < avail; i++) w |= (uint64_t)base[byte + i] << (8 * i);
    }
    w >>= shift;
    return bw >= 32 ? (uint32_t)w : (uint32_t)(w & ((1ull << bw) - 1));
}

/* Same for widths up to 64. */
static inline uint64_t get_bits64(const uint8_t *base, size_t avail, uint64_t bit, int bw) {
    if (bw == 0) return 0;
    if (bw <= 32) return get_bits32(base, avail, bit, bw);
    uint64_t lo = get_bits32(base, avail, bit, 32);
    uint64_t hi = get_bits32(base, avail, bit + 32, bw - 32);
    return lo | (hi << 32);
}

static int read_uleb(const uint8_t **pp, const uint8_t *end, uint64_t *out) {
    const uint8_t *p = *pp;
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        if (p >= end) return SM_MALFORMED;
        uint8_t b = *p++;
        v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            *out = v;
            *pp = p;
            return SM_OK;
        }
    }
    return SM_MALFORMED;
}

static int read_zigzag(const uint8_t **pp, const uint8_t *end, int64_t *out) {
    uint64_t u;
    if (read_uleb(pp, end, &u)) return SM_MALFORMED;
    *out = (int64_t)(u >> 1) ^ -(int64_t)(u & 1);
    return SM_OK;
}

int pq_bit_width(uint64_t v) {
    int w = 0;
    while (v) {
        w++;
        v >>= 1;
    }
    return w;
}

/* ---- RLE / bit-packed hybrid ------------------------------------------------ */

void pq_rle_init(pq_rle_dec *d, const uint8_t *p, size_t len, int bw) {
    memset(d, 0, sizeof *d);
    d->p = p;
    d->end = p + len;
    d->bw = bw;
}

static int rle_next_run(pq_rle_dec *d) {
    uint64_t h;
    if (read_uleb(&d->p, d->end, &h))
        return sm_err(SM_MALFORMED, "RLE/bit-packed data ends early (a run header is cut off)");
    if (h & 1) {
        uint64_t groups = h >> 1;
        if (groups == 0 || groups > (1u << 26))
            return sm_err(SM_MALFORMED, "RLE/bit-packed data has a bit-packed run of %llu groups",
                          (unsigned long long)groups);
        uint64_t bytes = groups * (uint64_t)d->bw;
        size_t avail = (size_t)(d->end - d->p);
        d->bp = d->p;
        /* Writers may cut the last run's padding: keep what is there. */
        d->bp_end = d->p + (bytes < avail ? bytes : avail);
        d->p = d->bp_end;
        d->bp_left = (uint32_t)(groups * 8);
        d->bp_bit = 0;
        if (d->bw > 0) {
            uint64_t fit = (uint64_t)(d->bp_end - d->bp) * 8 / (uint64_t)d->bw;
            if (fit < d->bp_left) d->bp_left = (uint32_t)fit;
        }
        if (d->bp_left == 0)
            return sm_err(SM_MALFORMED, "RLE/bit-packed data ends early (an empty bit-packed run)");
    } else {
        uint64_t count = h >> 1;
        if (count == 0 || count > UINT32_MAX)
            return sm_err(SM_MALFORMED, "RLE/bit-packed data has an RLE run of length %llu",
                          (unsigned long long)count);
        int nbytes = (d->bw + 7) / 8;
        if (d->end - d->p < nbytes)
            return sm_err(SM_MALFORMED, "RLE/bit-packed data ends early (an RLE value is cut off)");
        uint32_t v = 0;
        for (int i = 0; i < nbytes; i++) v |= (uint32_t)d->p[i] << (8 * i);
        d->p += nbytes;
        if (d->bw < 32 && (v >> d->bw))
            return sm_err(SM_MALFORMED, "RLE/bit-packed data has a value wider than %d bits", d->bw);
        d->rle_value = v;
        d->rle_left = (uint32_t)count;
    }
    return SM_OK;
}

int pq_rle_get(pq_rle_dec *d, uint32_t *out, int n) {
    int i = 0;
    while (i < n) {
        if (d->rle_left) {
            uint32_t k = d->rle_left < (uint32_t)(n - i) ? d->rle_left : (uint32_t)(n - i);
            for (uint32_t j = 0; j < k; j++) out[i + j] = d->rle_value;
            i += (int)k;
            d->rle_left -= k;
        } else if (d->bp_left) {
            uint32_t k = d->bp_left < (uint32_t)(n - i) ? d->bp_left : (uint32_t)(n - i);
            size_t avail = (size_t)(d->bp_end - d->bp);
            int bw = d->bw;
            uint64_t bit = d->bp_bit;
            for (uint32_t j = 0; j < k; j++, bit += (uint64_t)bw) out[i + j] = get_bits32(d->bp, avail, bit, bw);
            d->bp_bit = bit;
            i += (int)k;
            d->bp_left -= k;
        } else {
            SM_TRY(rle_next_run(d));
        }
    }
    return SM_OK;
}

int pq_rle_encode(const uint32_t *values, int64_t n, int bw, sm_buf *out) {
    /* Runs of >= 8 equal values become RLE runs; everything else is
     * bit-packed in groups of 8 (the last group padded with zeros).  A
     * bit-packed run is written once its length is known, so its header is
     * reserved as a fixed 4-byte varint... simpler: collect the run first. */
    int vbytes = (bw + 7) / 8;
    int64_t i = 0;
    while (i < n) {
        int64_t run = 1;
        while (i + run < n && values[i + run] == values[i]) run++;
        if (run >= 8) {
            uint64_t h = (uint64_t)run << 1;
            uint8_t tmp[16];
            int k = 0;
            do {
                uint8_t c = h & 0x7f;
                h >>= 7;
                tmp[k++] = (uint8_t)(c | (h ? 0x80 : 0));
            } while (h);
            for (int b = 0; b < vbytes; b++) tmp[k++] = (uint8_t)(values[i] >> (8 * b));
            SM_TRY(sm_buf_append(out, tmp, (size_t)k));
            i += run;
            continue;
        }
        /* Bit-packed: extend in groups of 8 until a run of >= 8 starts at a
         * group boundary (or the data ends). */
        int64_t start = i, end = i;
        while (end < n) {
            int64_t r = 1;
            while (end + r < n && values[end + r] == values[end]) r++;
            if (r >= 8 && end > start) break;
            end += 8;
            if (end - start >= 8 * 63 * 8) break; /* keep headers small */
        }
        if (end > n) end = n;
        int64_t groups = (end - start + 7) / 8;
        uint64_t h = ((uint64_t)groups << 1) | 1;
        uint8_t tmp[16];
        int k = 0;
        do {
            uint8_t c = h & 0x7f;
            h >>= 7;
            tmp[k++] = (uint8_t)(c | (h ? 0x80 : 0));
        } while (h);
        SM_TRY(sm_buf_append(out, tmp, (size_t)k));
        size_t nbytes = (size_t)(groups * bw);
        SM_TRY(sm_buf_reserve(out, nbytes + 8));
        uint8_t *dst = (uint8_t *)out->data + out->len;
        memset(dst, 0, nbytes + 8);
        uint64_t bit = 0;
        for (int64_t j = start; j < start + groups * 8; j++, bit += (uint64_t)bw) {
            uint64_t v = j < end ? values[j] : 0;
            if (!bw) continue;
            size_t byte = (size_t)(bit >> 3);
            int shift = (int)(bit & 7);
            uint64_t cur;
            memcpy(&cur, dst + byte, 8);
            cur |= v << shift;
            memcpy(dst + byte, &cur, 8);
        }
        out->len += nbytes;
        i = end;
    }
    return SM_OK;
}

/* ---- DELTA_BINARY_PACKED ----------------------------------------------------- */

int pq_dbp_init(pq_dbp_dec *d, const uint8_t *p, size_t len) {
    memset(d, 0, sizeof *d);
    d->p = p;
    d->end = p + len;
    uint64_t total;
    int64_t first;
    if (read_uleb(&d->p, d->end, &d->block_size) || read_uleb(&d->p, d->end, &d->nmini) ||
        read_uleb(&d->p, d->end, &total) || read_zigzag(&d->p, d->end, &first))
        return sm_err(SM_MALFORMED, "DELTA_BINARY_PACKED header is cut off");
    if (d->block_size == 0 || d->block_size % 128 || d->block_size > (1u << 20) || d->nmini == 0 ||
        d->block_size % d->nmini || (d->block_size / d->nmini) % 32)
        return sm_err(SM_MALFORMED,
                      "DELTA_BINARY_PACKED header is invalid (block size %llu, %llu miniblocks)",
                      (unsigned long long)d->block_size, (unsigned long long)d->nmini);
    d->per_mini = d->block_size / d->nmini;
    d->left = total;
    d->first = first;
    d->first_pending = total > 0;
    d->mini = d->nmini; /* forces a block header on the first delta */
    return SM_OK;
}

static int dbp_next_mini(pq_dbp_dec *d) {
    if (d->mini_data) {
        /* step past the current (fully padded) miniblock */
        uint64_t bytes = d->per_mini * (uint64_t)d->width / 8;
        size_t avail = (size_t)(d->end - d->mini_data);
        d->p = d->mini_data + (bytes < avail ? bytes : avail);
        d->mini++;
    }
    if (d->mini >= d->nmini) {
        if (read_zigzag(&d->p, d->end, &d->min_delta))
            return sm_err(SM_MALFORMED, "DELTA_BINARY_PACKED data ends early (block header)");
        if ((uint64_t)(d->end - d->p) < d->nmini)
            return sm_err(SM_MALFORMED, "DELTA_BINARY_PACKED data ends early (bit widths)");
        d->widths = d->p;
        d->p += d->nmini;
        d->mini = 0;
    }
    d->width = d->widths[d->mini];
    if (d->width > 64)
        return sm_err(SM_MALFORMED, "DELTA_BINARY_PACKED miniblock has bit width %d", d->width);
    d->mini_data = d->p;
    d->mini_pos = 0;
    d->mini_left = d->per_mini;
    uint64_t need_vals = d->left < d->per_mini ? d->left : d->per_mini;
    uint64_t need = (need_vals * (uint64_t)d->width + 7) / 8;
    if ((uint64_t)(d->end - d->p) < need)
        return sm_err(SM_MALFORMED, "DELTA_BINARY_PACKED data ends early (miniblock)");
    return SM_OK;
}

int pq_dbp_get(pq_dbp_dec *d, int64_t *out, int n) {
    for (int i = 0; i < n; i++) {
        if (d->left == 0)
            return sm_err(SM_MALFORMED, "DELTA_BINARY_PACKED data holds fewer values than the page");
        if (d->first_pending) {
            d->first_pending = false;
            d->last = d->first;
            out[i] = d->first;
            d->left--;
            continue;
        }
        if (d->mini_left == 0) SM_TRY(dbp_next_mini(d));
        size_t avail = (size_t)(d->end - d->mini_data);
        uint64_t raw = get_bits64(d->mini_data, avail, d->mini_pos * (uint64_t)d->width, d->width);
        d->mini_pos++;
        d->mini_left--;
        uint64_t v = (uint64_t)d->last + (uint64_t)d->min_delta + raw;
        d->last = (int64_t)v;
        out[i] = d->last;
        d->left--;
    }
    return SM_OK;
}

int pq_dbp_end(const pq_dbp_dec *d0, const uint8_t **end) {
    pq_dbp_dec d = *d0;
    if (d.first_pending) {
        d.first_pending = false;
        d.left--;
    }
    /* Skip whole miniblocks without decoding them. */
    while (d.left > 0) {
        if (d.mini_left == 0) SM_TRY(dbp_next_mini(&d));
        uint64_t k = d.mini_left < d.left ? d.mini_left : d.left;
        d.mini_left -= k;
        d.mini_pos += k;
        d.left -= k;
    }
    if (d.mini_data) {
        uint64_t bytes = d.per_mini * (uint64_t)d.width / 8;
        size_t avail = (size_t)(d.end - d.mini_data);
        *end = d.mini_data + (bytes < avail ? bytes : avail);
    } else {
        *end = d.p;
    }
    return SM_OK;
}

/* ---- the value decoder of a data page ---------------------------------------- */

static size_t ptype_width(int ptype, int type_len) {
    switch (ptype) {
    case PQ_BOOLEAN: return 1;
    case PQ_INT32:
    case PQ_FLOAT: return 4;
    case PQ_INT64:
    case PQ_DOUBLE: return 8;
    case PQ_INT96: return 12;
    case PQ_FIXED_LEN_BYTE_ARRAY: return (size_t)type_len;
    default: return 0;
    }
}

size_t pq_raw_width(int ptype) {
    switch (ptype) {
    case PQ_BOOLEAN: return 1;
    case PQ_INT32:
    case PQ_FLOAT: return 4;
    case PQ_INT64:
    case PQ_DOUBLE: return 8;
    case PQ_INT96: return 12;
    default: return sizeof(pq_bin);
    }
}

static const char *enc_name(int e) {
    switch (e) {
    case PQ_ENC_PLAIN: return "PLAIN";
    case PQ_ENC_PLAIN_DICTIONARY: return "PLAIN_DICTIONARY";
    case PQ_ENC_RLE: return "RLE";
    case PQ_ENC_BIT_PACKED: return "BIT_PACKED";
    case PQ_ENC_DELTA_BINARY_PACKED: return "DELTA_BINARY_PACKED";
    case PQ_ENC_DELTA_LENGTH_BYTE_ARRAY: return "DELTA_LENGTH_BYTE_ARRAY";
    case PQ_ENC_DELTA_BYTE_ARRAY: return "DELTA_BYTE_ARRAY";
    case PQ_ENC_RLE_DICTIONARY: return "RLE_DICTIONARY";
    case PQ_ENC_BYTE_STREAM_SPLIT: return "BYTE_STREAM_SPLIT";
    default: return "an unknown encoding";
    }
}

const char *pq_encoding_name(int e) { return enc_name(e); }

static const char *ptype_name(int t) {
    static const char *const names[] = {"BOOLEAN", "INT32", "INT64", "INT96", "FLOAT", "DOUBLE",
                                        "BYTE_ARRAY", "FIXED_LEN_BYTE_ARRAY"};
    return t >= 0 && t < 8 ? names[t] : "an unknown type";
}

const char *pq_ptype_name(int t) { return ptype_name(t); }

int pq_vdec_init(pq_vdec *d, int encoding, int ptype, int type_len, const uint8_t *p, size_t len) {
    sm_buf keep_prev = d->prev, keep_scratch = d->scratch;
    int64_t *keep_tmp = d->tmp;
    int keep_cap = d->tmp_cap;
    memset(d, 0, sizeof *d);
    d->prev = keep_prev;
    d->prev.len = 0;
    d->scratch = keep_scratch;
    d->tmp = keep_tmp;
    d->tmp_cap = keep_cap;
    d->encoding = encoding;
    d->ptype = ptype;
    d->type_len = type_len;
    d->p = p;
    d->end = p + len;
    bool ok;
    switch (encoding) {
    case PQ_ENC_PLAIN: ok = true; break;
    case PQ_ENC_RLE:
        ok = ptype == PQ_BOOLEAN;
        if (ok) {
            if (len < 4) return sm_err(SM_MALFORMED, "RLE boolean data is missing its length");
            uint32_t n;
            memcpy(&n, p, 4);
            if (n > len - 4) return sm_err(SM_MALFORMED, "RLE boolean data is shorter than its length");
            pq_rle_init(&d->rle, p + 4, n, 1);
        }
        break;
    case PQ_ENC_DELTA_BINARY_PACKED:
        ok = ptype == PQ_INT32 || ptype == PQ_INT64;
        if (ok) SM_TRY(pq_dbp_init(&d->dbp, p, len));
        break;
    case PQ_ENC_DELTA_LENGTH_BYTE_ARRAY:
        ok = ptype == PQ_BYTE_ARRAY;
        if (ok) {
            SM_TRY(pq_dbp_init(&d->dbp, p, len));
            SM_TRY(pq_dbp_end(&d->dbp, &d->data));
        }
        break;
    case PQ_ENC_DELTA_BYTE_ARRAY:
        ok = ptype == PQ_BYTE_ARRAY || ptype == PQ_FIXED_LEN_BYTE_ARRAY;
        if (ok) {
            const uint8_t *q;
            SM_TRY(pq_dbp_init(&d->dbp, p, len)); /* prefix lengths */
            SM_TRY(pq_dbp_end(&d->dbp, &q));
            SM_TRY(pq_dbp_init(&d->dbp2, q, (size_t)(d->end - q))); /* suffix lengths */
            SM_TRY(pq_dbp_end(&d->dbp2, &d->data));
            if (pq_dbp_total(&d->dbp) != pq_dbp_total(&d->dbp2))
                return sm_err(SM_MALFORMED, "DELTA_BYTE_ARRAY has %llu prefixes but %llu suffixes",
                              (unsigned long long)pq_dbp_total(&d->dbp),
                              (unsigned long long)pq_dbp_total(&d->dbp2));
        }
        break;
    case PQ_ENC_BYTE_STREAM_SPLIT: {
        size_t w = ptype_width(ptype, type_len);
        ok = ptype == PQ_FLOAT || ptype == PQ_DOUBLE || ptype == PQ_INT32 || ptype == PQ_INT64 ||
             (ptype == PQ_FIXED_LEN_BYTE_ARRAY && w > 0);
        if (ok) {
            if (len % w)
                return sm_err(SM_MALFORMED, "BYTE_STREAM_SPLIT data of %zu bytes is not a multiple of %zu",
                              len, w);
            d->bss_n = len / w;
            d->bss_i = 0;
        }
        break;
    }
    default: ok = false;
    }
    if (!ok)
        return sm_err(SM_UNSUPPORTED, "encoding %s (%d) is not supported for %s values",
                      enc_name(encoding), encoding, ptype_name(ptype));
    return SM_OK;
}

void pq_vdec_free(pq_vdec *d) {
    sm_buf_free(&d->prev);
    sm_buf_free(&d->scratch);
    sm_free(d->tmp);
    d->tmp = NULL;
    d->tmp_cap = 0;
}

static int need_tmp(pq_vdec *d, int n) {
    if (d->tmp_cap >= n) return SM_OK;
    int64_t *t = sm_realloc(d->tmp, (size_t)n * sizeof *t);
    if (!t) return SM_NOMEM;
    d->tmp = t;
    d->tmp_cap = n;
    return SM_OK;
}

static int plain_get(pq_vdec *d, void *out, int n) {
    size_t avail = (size_t)(d->end - d->p);
    switch (d->ptype) {
    case PQ_BOOLEAN: {
        uint8_t *o = out;
        uint64_t bit = d->bool_bit;
        if (((bit + (uint64_t)n) + 7) / 8 > avail) return sm_err(SM_MALFORMED, "PLAIN boolean data ends early");
        for (int i = 0; i < n; i++, bit++) o[i] = (d->p[bit >> 3] >> (bit & 7)) & 1;
        d->p += bit >> 3;
        d->bool_bit = (int)(bit & 7);
        return SM_OK;
    }
    case PQ_BYTE_ARRAY: {
        pq_bin *o = out;
        const uint8_t *p = d->p;
        for (int i = 0; i < n; i++) {
            if (d->end - p < 4) return sm_err(SM_MALFORMED, "PLAIN byte array data ends early (length)");
            uint32_t len;
            memcpy(&len, p, 4);
            p += 4;
            if (len > (uint64_t)(d->end - p) || len > INT32_MAX)
                return sm_err(SM_MALFORMED, "PLAIN byte array value of %u bytes runs past the page", len);
            o[i].ptr = p;
            o[i].len = (int32_t)len;
            p += len;
        }
        d->p = p;
        return SM_OK;
    }
    case PQ_FIXED_LEN_BYTE_ARRAY: {
        pq_bin *o = out;
        size_t w = (size_t)d->type_len;
        if ((uint64_t)n * w > avail) return sm_err(SM_MALFORMED, "PLAIN fixed-length data ends early");
        for (int i = 0; i < n; i++) {
            o[i].ptr = d->p + (size_t)i * w;
            o[i].len = (int32_t)w;
        }
        d->p += (size_t)n * w;
        return SM_OK;
    }
    default: {
        size_t w = ptype_width(d->ptype, d->type_len);
        if ((uint64_t)n * w > avail) return sm_err(SM_MALFORMED, "PLAIN %s data ends early", ptype_name(d->ptype));
        memcpy(out, d->p, (size_t)n * w);
        d->p += (size_t)n * w;
        return SM_OK;
    }
    }
}

int pq_vdec_get(pq_vdec *d, void *out, int n) {
    if (n <= 0) return SM_OK;
    switch (d->encoding) {
    case PQ_ENC_PLAIN: return plain_get(d, out, n);
    case PQ_ENC_RLE: {
        uint32_t tmp[256];
        uint8_t *o = out;
        for (int i = 0; i < n; i += 256) {
            int k = n - i < 256 ? n - i : 256;
            SM_TRY(pq_rle_get(&d->rle, tmp, k));
            for (int j = 0; j < k; j++) o[i + j] = (uint8_t)(tmp[j] & 1);
        }
        return SM_OK;
    }
    case PQ_ENC_DELTA_BINARY_PACKED: {
        SM_TRY(need_tmp(d, n));
        SM_TRY(pq_dbp_get(&d->dbp, d->tmp, n));
        if (d->ptype == PQ_INT32) {
            int32_t *o = out;
            for (int i = 0; i < n; i++) o[i] = (int32_t)(uint32_t)(uint64_t)d->tmp[i];
        } else {
            memcpy(out, d->tmp, (size_t)n * sizeof(int64_t));
        }
        return SM_OK;
    }
    case PQ_ENC_DELTA_LENGTH_BYTE_ARRAY: {
        SM_TRY(need_tmp(d, n));
        SM_TRY(pq_dbp_get(&d->dbp, d->tmp, n));
        pq_bin *o = out;
        for (int i = 0; i < n; i++) {
            int64_t len = d->tmp[i];
            if (len < 0 || len > d->end - d->data)
                return sm_err(SM_MALFORMED, "DELTA_LENGTH_BYTE_ARRAY value of %lld bytes runs past the page",
                              (long long)len);
            o[i].ptr = d->data;
            o[i].len = (int32_t)len;
            d->data += len;
        }
        return SM_OK;
    }
    case PQ_ENC_DELTA_BYTE_ARRAY: {
        SM_TRY(need_tmp(d, 2 * n));
        int64_t *pre = d->tmp, *suf = d->tmp + n;
        SM_TRY(pq_dbp_get(&d->dbp, pre, n));
        SM_TRY(pq_dbp_get(&d->dbp2, suf, n));
        pq_bin *o = out;
        d->scratch.len = 0;
        for (int i = 0; i < n; i++) {
            int64_t pl = pre[i], sl = suf[i];
            if (pl < 0 || (size_t)pl > d->prev.len)
                return sm_err(SM_MALFORMED, "DELTA_BYTE_ARRAY prefix of %lld bytes is longer than the previous value",
                              (long long)pl);
            if (sl < 0 || sl > d->end - d->data)
                return sm_err(SM_MALFORMED, "DELTA_BYTE_ARRAY suffix of %lld bytes runs past the page",
                              (long long)sl);
            if (pl + sl > INT32_MAX) return sm_err(SM_MALFORMED, "DELTA_BYTE_ARRAY value longer than 2 GiB");
            size_t at = d->scratch.len;
            SM_TRY(sm_buf_append(&d->scratch, d->prev.data, (size_t)pl));
            SM_TRY(sm_buf_append(&d->scratch, d->data, (size_t)sl));
            d->data += sl;
            o[i].ptr = (const uint8_t *)(uintptr_t)at; /* offset until the buffer stops moving */
            o[i].len = (int32_t)(pl + sl);
            d->prev.len = 0;
            SM_TRY(sm_buf_append(&d->prev, d->scratch.data + at, (size_t)(pl + sl)));
        }
        for (int i = 0; i < n; i++) {
            o[i].ptr = (const uint8_t *)d->scratch.data + (uintptr_t)o[i].ptr;
            if (d->ptype == PQ_FIXED_LEN_BYTE_ARRAY && o[i].len != d->type_len)
                return sm_err(SM_MALFORMED, "DELTA_BYTE_ARRAY value of %d bytes in a FIXED_LEN_BYTE_ARRAY(%d) column",
                              o[i].len, d->type_len);
        }
        return SM_OK;
    }
    case PQ_ENC_BYTE_STREAM_SPLIT: {
        size_t w = ptype_width(d->ptype, d->type_len);
        if (d->bss_i + (uint64_t)n > d->bss_n)
            return sm_err(SM_MALFORMED, "BYTE_STREAM_SPLIT data holds fewer values than the page");
        if (d->ptype == PQ_FIXED_LEN_BYTE_ARRAY) {
            /* Values are rebuilt into scratch. */
            d->scratch.len = 0;
            SM_TRY(sm_buf_reserve(&d->scratch, (size_t)n * w));
            uint8_t *dst = (uint8_t *)d->scratch.data;
            for (int i = 0; i < n; i++)
                for (size_t k = 0; k < w; k++) dst[(size_t)i * w + k] = d->p[k * d->bss_n + d->bss_i + (uint64_t)i];
            pq_bin *o = out;
            for (int i = 0; i < n; i++) {
                o[i].ptr = dst + (size_t)i * w;
                o[i].len = (int32_t)w;
            }
        } else {
            uint8_t *o = out;
            for (int i = 0; i < n; i++)
                for (size_t k = 0; k < w; k++) o[(size_t)i * w + k] = d->p[k * d->bss_n + d->bss_i + (uint64_t)i];
        }
        d->bss_i += (uint64_t)n;
        return SM_OK;
    }
    default:
        return sm_err(SM_UNSUPPORTED, "encoding %s is not supported", enc_name(d->encoding));
    }
}
