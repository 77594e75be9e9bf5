/*
 * scan_filters.h — plan predicates as scan filters for statistics pruning
 * (scan_filters.c; used by partition_prune.c).
 */
#ifndef SM_SCAN_FILTERS_H
#define SM_SCAN_FILTERS_H

#include <stdbool.h>

#include "expr/expr.h"
#include "formats/source.h"

/* e is bound to an input of ncols columns; map[k] is the scan column of
 * input column k, or -1.  True (and *out filled, values in arena a) when e
 * is a simple comparison of a scan column with constants of its type. */
bool sm_scan_filter_from_expr(sm_arena *a, const sm_expr *e, const int *map, int ncols,
                              const sm_schema *scan, sm_scan_filter *out);

#endif
