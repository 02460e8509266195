/*
 * eoltable.h - private to src/model/: how eoltable.c hands a table it read
 * (--eol-data) to the lookups of image.c.
 */
#ifndef DOCKFIX_MODEL_EOLTABLE_H
#define DOCKFIX_MODEL_EOLTABLE_H

#include <stddef.h>

struct dfx_tab_eol;

/* Use `rows` (kept by the caller for the rest of the process) instead of the
   built-in table; `judged` YYYYMMDD, `date` "YYYY-MM-DD". */
void dfx_eoltable_install(const struct dfx_tab_eol *rows, size_t n, int judged, const char *date);

#endif
