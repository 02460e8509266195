/*
 * version.c - `dockfix --version`: the program version and the data date
 * of the built-in base-image end-of-life table.
 */
#include <stdio.h>

#include "cli.h"
#include "dockfix/image.h"

void dfx_print_version(void)
{
	printf("dockfix %s\nbase-image table: data as of %s\n", DFX_VERSION, dfx_image_eol_data_date());
}
