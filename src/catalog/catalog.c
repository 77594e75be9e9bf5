/* catalog.c — placeholder until the SQLite catalog lands (see catalog.h). */
#include "catalog/catalog.h"

#include "common/status.h"

int sm_catalog_open(const char *warehouse_dir, sm_catalog **out) {
    (void)warehouse_dir;
    *out = NULL;
    return sm_err(SM_UNSUPPORTED, "the catalog is not available yet");
}
void sm_catalog_close(sm_catalog *c) { (void)c; }
