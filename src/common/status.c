/*
 * status.c — status names and the thread-local error message (status.h).
 */
#include "common/status.h"

#include <stdio.h>
#include <string.h>

#define SM_ERRMSG_MAX 4096

static _Thread_local char err_msg[SM_ERRMSG_MAX];
static _Thread_local int err_code;

static const char *const status_names[] = {
#define SM_STATUS_NAME(name, msg) #name,
    SM_STATUS_MAP(SM_STATUS_NAME)
#undef SM_STATUS_NAME
};

const char *sm_status_name(int code) {
    if (code < 0 || code >= SM_STATUS_COUNT) return "UNKNOWN";
    return status_names[code];
}

int sm_verr(int code, const char *fmt, va_list ap) {
    vsnprintf(err_msg, sizeof err_msg, fmt, ap);
    err_code = code;
    return code;
}

int sm_err(int code, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    sm_verr(code, fmt, ap);
    va_end(ap);
    return code;
}

int sm_err_prefix(int code, const char *fmt, ...) {
    char prefix[1024], old[SM_ERRMSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    memcpy(old, err_msg, sizeof old);
    size_t plen = strlen(prefix), olen = strnlen(old, sizeof old - 1);
    if (plen > sizeof err_msg - 1) plen = sizeof err_msg - 1;
    if (olen > sizeof err_msg - 1 - plen) olen = sizeof err_msg - 1 - plen;
    memcpy(err_msg, prefix, plen);
    memcpy(err_msg + plen, old, olen);
    err_msg[plen + olen] = 0;
    err_code = code;
    return code;
}

const char *sm_errmsg(void) { return err_msg; }
int sm_errcode(void) { return err_code; }

void sm_err_clear(void) {
    err_msg[0] = 0;
    err_code = 0;
}

void sm_err_set_raw(int code, const char *msg) {
    snprintf(err_msg, sizeof err_msg, "%s", msg ? msg : "");
    err_code = code;
}
