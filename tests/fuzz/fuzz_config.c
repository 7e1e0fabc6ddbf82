// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for the tdpvisor.cfg / load-option parser.  Checks
 * that any input is either accepted with every value in range, or refused
 * with -EINVAL and a message naming the source.
 *   make fuzz && build/fuzz/fuzz_config -max_total_time=600
 */
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "errno_codes.h"
#include "log.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct tdp_config cfg;
	struct config_error err;
	char opts[512];
	int r;

	config_defaults(&cfg);
	r = config_parse_file(&cfg, "f.cfg", (const char *)data, size, &err);
	if (r && (r != -EINVAL || strncmp(err.msg, "f.cfg:", 6)))
		abort();
	if (!r &&
	    (cfg.serial > SERIAL_MMIO || cfg.log_level > LOG_DEBUG ||
	     cfg.guest_mem < (2ULL << 20) || !cfg.serial_baud ||
	     115200 % cfg.serial_baud || strlen(cfg.guest) >= CONFIG_STR_MAX))
		abort();
	size = size < sizeof(opts) - 1 ? size : sizeof(opts) - 1;
	memcpy(opts, data, size);
	opts[size] = '\0';
	r = config_parse_options(&cfg, opts, &err);
	if (r && (r != -EINVAL || strncmp(err.msg, "load options:", 13)))
		abort();
	return 0;
}
