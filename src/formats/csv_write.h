/*
 * csv_write.h — writing one CSV part file exactly as Spark 3.5 writes it.
 *
 * Spark writes CSV through the univocity-parsers CsvWriter; csv_write.c
 * reproduces its quoting, escaping and whitespace rules byte for byte (see
 * the essay there).  Options are Spark's write options:
 *
 *   header (false), sep / delimiter (","; several characters allowed),
 *   quote ("\""; "" means the NUL character, as in Spark), escape ("\\"),
 *   charToEscapeQuoteEscaping (escape, or none when escape == quote),
 *   escapeQuotes (true), quoteAll (false), nullValue (""), emptyValue
 *   ("\"\""), ignoreLeadingWhiteSpace / ignoreTrailingWhiteSpace (true when
 *   writing), comment ("#": a first value starting with it is quoted),
 *   lineSep ("\n"; one or two characters), dateFormat ("yyyy-MM-dd"),
 *   timestampFormat ("yyyy-MM-dd'T'HH:mm:ss.SSSXXX"), compression / codec
 *   (none, uncompressed, bzip2, deflate, gzip, lz4, snappy, zstd: fs/codec.h), encoding / charset (UTF-8 only).
 *
 * Unknown option names are ignored, as Spark ignores them.
 */
#ifndef SM_CSV_WRITE_H
#define SM_CSV_WRITE_H

#include <stdbool.h>

#include "fs/codec.h"
#include "types/datetime.h"
#include "types/types.h"

typedef struct csv_write_opts {
    bool header;
    char *sep;          /* 1+ bytes */
    int sep_len;
    char quote, escape, escape_escape; /* escape_escape 0 = none */
    bool escape_quotes, quote_all;
    bool trim_leading, trim_trailing;
    char comment;
    char *null_value, *empty_value;
    char line_sep[3];   /* 1 or 2 bytes, NUL-terminated */
    int line_sep_len;
    char *date_format, *timestamp_format;
    sm_dtfmt *date_fmt, *ts_fmt; /* NULL for the defaults (fast paths) */
    bool gzip;          /* codec == SM_FS_CODEC_GZIP */
    sm_fs_codec codec;
} csv_write_opts;

/* Parses and validates Spark's write options (NULL-terminated key/value
 * pairs, keys case-insensitive).  SM_INVALID / SM_UNSUPPORTED with a
 * message naming the option and the accepted values.  On success the opts
 * own their strings; free with csv_write_opts_free. */
int csv_write_opts_parse(const char *const *options, csv_write_opts *out);
void csv_write_opts_free(csv_write_opts *o);
/* The part file extension for these options: ".csv", ".csv.gz", ".csv.bz2"... */
const char *csv_write_extension(const csv_write_opts *o);

typedef struct csv_writer csv_writer;

/* Creates `path` (which must not exist) and writes the header line when the
 * header option is set.  schema and opts must outlive the writer.  Timestamps
 * are written in `tz`. */
int csv_writer_open(const char *path, const sm_schema *schema, const csv_write_opts *opts,
                    const sm_tz *tz, csv_writer **out);
/* Appends every row of `b` (columns as in the schema). */
int csv_writer_write_batch(csv_writer *w, const sm_batch *b);
/* Flushes, finishes the gzip stream and closes; frees w.  An error (a full
 * disk) is reported here; the file is left for the caller to remove. */
int csv_writer_close(csv_writer *w);
/* Closes without flushing and removes the file; frees w.  Safe with NULL. */
void csv_writer_abort(csv_writer *w);

/* Formats one row-value as Spark writes it into buf (test hook and the
 * building block of the writer): col is the column index (column 0 has the
 * comment rule), is_null selects nullValue. */
int csv_format_field(const csv_write_opts *o, int col, const char *s, int len, bool is_null,
                     sm_buf *buf);

#endif
