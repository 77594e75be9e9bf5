/*
 * status.h — status codes and error messages for every layer.
 *
 * Errors are values.  Every fallible function returns an `int` status: SM_OK
 * (0) or one of the codes below.  The human-readable message that goes with
 * the most recent failure lives in a thread-local buffer set by sm_err(); the
 * code travels up by return value, the message stays where it was written.
 * This is the errno / sqlite3_errmsg() pattern: it keeps signatures short and
 * lets a helper ten calls deep say *what* and *where* once.
 *
 * Invariants:
 *   1. A function that returns non-zero has called sm_err() (directly or via a
 *      callee) so sm_errmsg() describes the failure.
 *   2. Worker threads' messages are copied to the caller by the thread pool
 *      (common/pool.c), so a task's error reaches the driver unchanged.
 *   3. Messages are complete sentences for a user: what went wrong, where
 *      (file:line:column, or the expression with a caret), what to do.
 *
 * The table is an X-macro (libuv's UV_ERRNO_MAP) so enum, names and default
 * messages can never drift apart.
 */
#ifndef SM_STATUS_H
#define SM_STATUS_H

#include <stdarg.h>
#include <stddef.h>

#define SM_STATUS_MAP(X)                                                     \
    X(OK, "ok")                                                              \
    X(NOMEM, "out of memory")                                                \
    X(IO, "input/output error")                                              \
    X(NOT_FOUND, "path does not exist")                                      \
    X(PARSE, "syntax error")                                                 \
    X(ANALYSIS, "analysis error")                                            \
    X(INVALID, "invalid argument")                                           \
    X(MALFORMED, "malformed input")                                          \
    X(EXISTS, "output already exists")                                       \
    X(UNSUPPORTED, "not supported")                                          \
    X(INTERNAL, "internal error")

typedef enum {
#define SM_STATUS_ENUM(name, msg) SM_##name,
    SM_STATUS_MAP(SM_STATUS_ENUM)
#undef SM_STATUS_ENUM
    SM_STATUS_COUNT
} sm_status;

/* Name of a status code ("PARSE"), for messages and tests. */
const char *sm_status_name(int code);

/* Records a formatted message for the current thread and returns `code`, so
 * call sites read `return sm_err(SM_PARSE, "…", …);`. */
int sm_err(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int sm_verr(int code, const char *fmt, va_list ap);

/* Prefixes the current thread's message with more context ("reading x.csv: "). */
int sm_err_prefix(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The current thread's last message ("" when none). Valid until the next sm_err. */
const char *sm_errmsg(void);
int sm_errcode(void);
void sm_err_clear(void);

/* Copies another thread's error into this one (used by the thread pool). */
void sm_err_set_raw(int code, const char *msg);

/* Propagates a failure: FORWARD_IF_ERROR(expr) returns its status if non-zero. */
#define SM_TRY(expr)                                                         \
    do {                                                                     \
        int sm_try_rc_ = (expr);                                             \
        if (sm_try_rc_ != 0) return sm_try_rc_;                              \
    } while (0)

#endif
