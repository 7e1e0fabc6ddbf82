// SPDX-License-Identifier: GPL-2.0
/*
 * boot/config.c: valid files, every error path, load options, cross-key
 * checks, and seeded random malformed input.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "config.h"
#include "errno_codes.h"
#include "log.h"

static int parse(struct tdp_config *cfg, const char *text,
		 struct config_error *err)
{
	config_defaults(cfg);
	return config_parse_file(cfg, "tdpvisor.cfg", text, strlen(text), err);
}

/* Parses @text, expects -EINVAL and an error message equal to @msg. */
static void expect_error(const char *text, const char *msg)
{
	struct tdp_config cfg;
	struct config_error err;

	assert_int_equal(parse(&cfg, text, &err), -EINVAL);
	assert_string_equal(err.msg, msg);
}

static void test_defaults(void **state)
{
	struct tdp_config cfg;

	(void)state;
	config_defaults(&cfg);
	assert_int_equal(cfg.serial, SERIAL_AUTO);
	assert_int_equal(cfg.serial_baud, 115200);
	assert_int_equal(cfg.log_level, LOG_INFO);
	assert_int_equal(cfg.guest_mem, 64ULL << 20);
	assert_int_equal(cfg.hv_mem, 32ULL << 20);
	assert_string_equal(cfg.guest, "demo");
	assert_int_equal(cfg.test_exception, TEST_EXC_NONE);
}

static void test_valid_file(void **state)
{
	struct tdp_config cfg;
	struct config_error err;
	const char *text = "\xef\xbb\xbf# tdpvisor configuration\r\n"
			   "serial = COM2\r\n"
			   "  serial_baud=57600   # trailing comment\n"
			   "\n"
			   "log_level = debug\n"
			   "guest_mem = 1G\n"
			   "hv_mem = 4096K\n"
			   "guest = \"\\guests\\kvm unit.elf\"\n"
			   "guest_cmdline = console=ttyS0 x=1\n"
			   "guest_module = /mod.bin\n"
			   "test_exception = bp";

	(void)state;
	assert_int_equal(parse(&cfg, text, &err), 0);
	assert_string_equal(err.msg, "");
	assert_int_equal(cfg.serial, SERIAL_COM2);
	assert_int_equal(cfg.serial_baud, 57600);
	assert_int_equal(cfg.log_level, LOG_DEBUG);
	assert_int_equal(cfg.guest_mem, 1ULL << 30);
	assert_int_equal(cfg.hv_mem, 4ULL << 20);
	assert_string_equal(cfg.guest, "\\guests\\kvm unit.elf");
	assert_string_equal(cfg.guest_cmdline, "console=ttyS0 x=1");
	assert_string_equal(cfg.guest_module, "/mod.bin");
	assert_int_equal(cfg.test_exception, TEST_EXC_BP);
	assert_int_equal(config_check(&cfg, 0, &err), 0);
}

static void test_sizes_and_numbers(void **state)
{
	struct tdp_config cfg;
	struct config_error err;

	(void)state;
	assert_int_equal(parse(&cfg, "guest_mem = 2M", &err), 0);
	assert_int_equal(cfg.guest_mem, 2ULL << 20);
	assert_int_equal(parse(&cfg, "guest_mem = 64g", &err), 0);
	assert_int_equal(cfg.guest_mem, 64ULL << 30);
	assert_int_equal(parse(&cfg, "guest_mem = 4194304", &err), 0);
	assert_int_equal(cfg.guest_mem, 4ULL << 20);
	assert_int_equal(parse(&cfg, "guest_mem = 0x400000", &err), 0);
	assert_int_equal(cfg.guest_mem, 4ULL << 20);
	assert_int_equal(parse(&cfg, "guest_mem = 8MB", &err), 0);
	assert_int_equal(cfg.guest_mem, 8ULL << 20);
	assert_int_equal(
		parse(&cfg,
		      "serial = mmio\nserial_mmio_base = 0xFE032000\nserial_mmio_stride = 4",
		      &err),
		0);
	assert_int_equal(cfg.serial_mmio_base, 0xfe032000ULL);
	assert_int_equal(cfg.serial_mmio_stride, 4);
	assert_int_equal(config_check(&cfg, 0, &err), 0);
	assert_int_equal(parse(&cfg, "serial_baud = 9600", &err), 0);
	assert_int_equal(cfg.serial_baud, 9600);
}

static void test_errors(void **state)
{
	(void)state;
	expect_error(
		"log_level = loud",
		"tdpvisor.cfg:1: key 'log_level': bad value 'loud' (accepted: error, warn, info, debug)");
	expect_error(
		"# c\n\nserail = com1",
		"tdpvisor.cfg:3: unknown key 'serail' (accepted keys: serial, serial_baud, serial_mmio_base, serial_mmio_stride, log_level, guest_mem, hv_mem, guest, guest_cmdline, guest_module, run_limit_ms, private_memory, shared_bit, sept_busy_percent, mmio_gen_start, test_exception, test_bad_spte_gpa, test_vmentry_fail, console_limit, vmentry_check)");
	expect_error(
		"serial com1",
		"tdpvisor.cfg:1: expected 'key = value', got 'serial com1'");
	expect_error(" = 4", "tdpvisor.cfg:1: missing key before '='");
	expect_error("serial = com1\nserial = com2",
		     "tdpvisor.cfg:2: key 'serial' given twice");
	expect_error(
		"serial = com5",
		"tdpvisor.cfg:1: key 'serial': bad value 'com5' (accepted: auto, com1, com2, com3, com4, mmio)");
	expect_error(
		"test_exception = pf",
		"tdpvisor.cfg:1: key 'test_exception': bad value 'pf' (accepted: none, ud, gp, de, bp)");
}

static void test_number_errors(void **state)
{
	static const char *const bad_mem[] = {
		"guest_mem = 1M", /* below 2M */
		"guest_mem = 3M", /* not a multiple of 2M */
		"guest_mem = 65G", /* above 64G */
		"guest_mem = 64T", /* unknown suffix */
		"guest_mem = -2M",
		"guest_mem = ",
		"guest_mem = M",
		"guest_mem = 0x",
		"guest_mem = 2M2",
		"guest_mem = 99999999999999999999999",
		"guest_mem = 18446744073709551615G",
	};
	struct tdp_config cfg;
	struct config_error err;

	(void)state;
	for (size_t i = 0; i < sizeof(bad_mem) / sizeof(bad_mem[0]); i++) {
		assert_int_equal(parse(&cfg, bad_mem[i], &err), -EINVAL);
		assert_non_null(strstr(err.msg, "key 'guest_mem': bad value"));
		assert_non_null(
			strstr(err.msg, "accepted: a size from 2M to 64G"));
	}
	expect_error(
		"serial_baud = 7",
		"tdpvisor.cfg:1: key 'serial_baud': bad value '7' (accepted: an integer that divides 115200 (e.g. 9600, 38400, 57600, 115200))");
	expect_error(
		"serial_baud = 230400",
		"tdpvisor.cfg:1: key 'serial_baud': bad value '230400' (accepted: an integer that divides 115200 (e.g. 9600, 38400, 57600, 115200))");
	expect_error(
		"serial_mmio_stride = 3",
		"tdpvisor.cfg:1: key 'serial_mmio_stride': bad value '3' (accepted: 1, 2 or 4 (bytes between UART registers))");
	expect_error(
		"serial_mmio_base = 0",
		"tdpvisor.cfg:1: key 'serial_mmio_base': bad value '0' (accepted: a non-zero physical address, e.g. 0xfe032000)");
	expect_error(
		"hv_mem = 3M",
		"tdpvisor.cfg:1: key 'hv_mem': bad value '3M' (accepted: a size from 4M to 4G in whole MiB (suffix K, M or G))");
}

static void test_string_errors(void **state)
{
	static char text[CONFIG_LINE_MAX + 2];

	(void)state;
	expect_error(
		"guest = ",
		"tdpvisor.cfg:1: key 'guest': bad value '' (accepted: a comma-separated list of built-in guest names ('tests' = all test guests) or ESP paths such as \\guests\\kernel.elf (1-127 characters))");
	memset(text, 'a', sizeof(text));
	memcpy(text, "guest = ", 8);
	text[8 + 128] = '\0';
	expect_error(
		text,
		"tdpvisor.cfg:1: key 'guest': value of 128 characters is too long (at most 127; accepted: a comma-separated list of built-in guest names ('tests' = all test guests) or ESP paths such as \\guests\\kernel.elf (1-127 characters))");
	expect_error(
		"guest_cmdline = a\tb",
		"tdpvisor.cfg:1: key 'guest_cmdline': value has a control or non-ASCII byte at column 2");
	/* A line one character over the limit. */
	memset(text, 'a', sizeof(text));
	memcpy(text, "guest = ", 8);
	text[CONFIG_LINE_MAX + 1] = '\0';
	expect_error(
		text,
		"tdpvisor.cfg:1: line of 8193 characters is longer than 8192 characters");
}

/*
 * guest_cmdline holds up to 4095 characters (a multiboot command line of
 * a page with its NUL), in a config line long enough to carry it; one
 * more is refused with a message naming the key, the limit and the
 * length.  Other string keys keep their 127-character limit.
 */
static void test_long_cmdline(void **state)
{
	static char text[CONFIG_LINE_MAX + 64], val[CONFIG_CMDLINE_MAX + 1];
	static char fmt[16384];
	struct tdp_config cfg;
	struct config_error err;

	(void)state;
	assert_int_equal(CONFIG_CMDLINE_MAX, 4096);
	assert_int_equal(sizeof(cfg.guest_cmdline), 4096);
	/* 4095 printable characters, blanks inside, on one 4111-char line. */
	for (int i = 0; i < 4095; i++)
		val[i] = (char)(i % 7 == 6 ? ' ' : 'a' + i % 26);
	val[4094] = 'z'; /* no trailing blank: it would be trimmed */
	val[4095] = '\0';
	snprintf(text, sizeof(text), "guest_cmdline = %s\nlog_level = warn\n",
		 val);
	assert_int_equal(parse(&cfg, text, &err), 0);
	assert_string_equal(cfg.guest_cmdline, val);
	assert_int_equal(cfg.log_level, LOG_WARN);
	/* Quoted, with a comment after it. */
	snprintf(text, sizeof(text), "guest_cmdline = \"%s\"  # vmx tests\n",
		 val);
	assert_int_equal(parse(&cfg, text, &err), 0);
	assert_string_equal(cfg.guest_cmdline, val);
	/* kvm-unit-tests' vmx.flat takes a ~500-character filter list. */
	snprintf(text, sizeof(text), "guest_cmdline = %.500s\n", val);
	assert_int_equal(parse(&cfg, text, &err), 0);
	assert_int_equal(strlen(cfg.guest_cmdline), 500);

	/* 4096: refused, naming key, limit and length. */
	memset(val, 'b', 4096);
	val[4096] = '\0';
	snprintf(text, sizeof(text), "guest_cmdline = %s\n", val);
	expect_error(
		text,
		"tdpvisor.cfg:1: key 'guest_cmdline': value of 4096 characters is too long (at most 4095; accepted: a string of up to 4095 printable characters)");
	snprintf(text, sizeof(text), "guest_cmdline = \"%s\"\n", val);
	expect_error(
		text,
		"tdpvisor.cfg:1: key 'guest_cmdline': value of 4096 characters is too long (at most 4095; accepted: a string of up to 4095 printable characters)");

	/* The same limits through the load options. */
	val[4095] = '\0';
	snprintf(text, sizeof(text), "tdpvisor.efi guest_cmdline=%s", val);
	config_defaults(&cfg);
	assert_int_equal(config_parse_options(&cfg, text, &err), 0);
	assert_string_equal(cfg.guest_cmdline, val);
	snprintf(text, sizeof(text), "guest_cmdline=%sb", val);
	assert_int_equal(config_parse_options(&cfg, text, &err), -EINVAL);
	assert_string_equal(
		err.msg,
		"load options: key 'guest_cmdline': value of 4096 characters is too long (at most 4095; accepted: a string of up to 4095 printable characters)");

	/* A line exactly at the limit (the value padded by a comment). */
	memset(text, ' ', sizeof(text));
	memcpy(text, "guest_cmdline = x #", 19);
	text[CONFIG_LINE_MAX] = '\0';
	assert_int_equal(parse(&cfg, text, &err), 0);
	assert_string_equal(cfg.guest_cmdline, "x");

	/* Other string keys: 127 characters. */
	memset(val, 'm', 128);
	val[128] = '\0';
	snprintf(text, sizeof(text), "guest_module = %s", val);
	expect_error(
		text,
		"tdpvisor.cfg:1: key 'guest_module': value of 128 characters is too long (at most 127; accepted: an ESP path of up to 127 characters)");
	val[127] = '\0';
	snprintf(text, sizeof(text), "guest_module = %s", val);
	assert_int_equal(parse(&cfg, text, &err), 0);
	assert_string_equal(cfg.guest_module, val);

	/* The config dump shows the whole value. */
	memset(val, 'q', 4095);
	val[4095] = '\0';
	config_defaults(&cfg);
	memcpy(cfg.guest_cmdline, val, 4096);
	config_format(&cfg, fmt, sizeof(fmt), 96);
	snprintf(text, sizeof(text), "\nguest_cmdline=%s\n", val);
	assert_non_null(strstr(fmt, text)); /* a long pair: its own line */
	assert_non_null(strstr(fmt, "vmentry_check=emul"));
}

static void test_nul_byte(void **state)
{
	struct tdp_config cfg;
	struct config_error err;
	const char text[] = "serial = com1\nlog\0_level = info\n";

	(void)state;
	config_defaults(&cfg);
	assert_int_equal(config_parse_file(&cfg, "x.cfg", text,
					   sizeof(text) - 1, &err),
			 -EINVAL);
	assert_string_equal(
		err.msg,
		"x.cfg:2: NUL byte at column 4 (is this a text file?)");
}

static void test_options(void **state)
{
	struct tdp_config cfg;
	struct config_error err;

	(void)state;
	config_defaults(&cfg);
	assert_int_equal(
		config_parse_options(
			&cfg,
			"\\EFI\\BOOT\\BOOTX64.EFI log_level=warn  guest=cpuid",
			&err),
		0);
	assert_int_equal(cfg.log_level, LOG_WARN);
	assert_string_equal(cfg.guest, "cpuid");
	/* Options may repeat a key the file set (they override it). */
	assert_int_equal(config_parse_options(
				 &cfg, "a.efi log_level=debug log_level=error",
				 &err),
			 0);
	assert_int_equal(cfg.log_level, LOG_ERR);
	assert_int_equal(config_parse_options(&cfg, "", &err), 0);
	assert_int_equal(config_parse_options(&cfg, "a.efi log_level=x", &err),
			 -EINVAL);
	assert_string_equal(
		err.msg,
		"load options: key 'log_level': bad value 'x' (accepted: error, warn, info, debug)");
	assert_int_equal(config_parse_options(&cfg, "a.efi guest=cpuid stray",
					      &err),
			 -EINVAL);
	assert_string_equal(err.msg,
			    "load options: expected key=value, got 'stray'");
}

static void test_knobs(void **state)
{
	struct tdp_config cfg;
	struct config_error err;

	(void)state;
	assert_int_equal(
		parse(&cfg,
		      "run_limit_ms = 0\nmmio_gen_start = 524287\ntest_vmentry_fail = control",
		      &err),
		0);
	assert_int_equal(cfg.run_limit_ms, 0);
	assert_int_equal(cfg.mmio_gen_start, 524287);
	assert_int_equal(cfg.test_vmentry_fail, TEST_VMENTRY_CONTROL);
	expect_error(
		"mmio_gen_start = 524288",
		"tdpvisor.cfg:1: key 'mmio_gen_start': bad value '524288' (accepted: a memslot generation from 0 to 524287 (19 bits), e.g. 524280 to cross the wrap)");
	expect_error(
		"run_limit_ms = 3600001",
		"tdpvisor.cfg:1: key 'run_limit_ms': bad value '3600001' (accepted: 0 (no limit) or milliseconds of guest run time up to 3600000)");
	expect_error(
		"test_vmentry_fail = maybe",
		"tdpvisor.cfg:1: key 'test_vmentry_fail': bad value 'maybe' (accepted: none, guest_state, control)");
}

/* Flood control and the software VM-entry checks. */
static void test_console_and_check_keys(void **state)
{
	struct tdp_config cfg;
	struct config_error err;

	(void)state;
	config_defaults(&cfg);
	assert_int_equal(cfg.console_limit, 256 << 10);
	assert_int_equal(cfg.vmentry_check, VMENTRY_CHECK_EMUL);
	assert_int_equal(parse(&cfg,
			       "console_limit = 16K\nvmentry_check = always",
			       &err),
			 0);
	assert_int_equal(cfg.console_limit, 16 << 10);
	assert_int_equal(cfg.vmentry_check, VMENTRY_CHECK_ALWAYS);
	assert_int_equal(parse(&cfg, "console_limit = 0", &err), 0);
	assert_int_equal(cfg.console_limit, 0);
	expect_error(
		"console_limit = 2G",
		"tdpvisor.cfg:1: key 'console_limit': bad value '2G' (accepted: 0 (no limit) or the console output each guest may print, up to 1G (suffix K, M or G), e.g. 256K)");
	expect_error(
		"vmentry_check = never",
		"tdpvisor.cfg:1: key 'vmentry_check': bad value 'never' (accepted: emul, always)");
}

static void test_private_keys(void **state)
{
	struct tdp_config cfg;
	struct config_error err;

	(void)state;
	assert_int_equal(parse(&cfg,
			       "private_memory = yes\nshared_bit = 39\n"
			       "sept_busy_percent = 10",
			       &err),
			 0);
	assert_int_equal(cfg.private_memory, 1);
	assert_int_equal(cfg.shared_bit, 39);
	assert_int_equal(cfg.sept_busy_percent, 10);
	assert_int_equal(config_check(&cfg, 0, &err), 0);
	assert_int_equal(parse(&cfg, "shared_bit = 12", &err), 0);
	assert_int_equal(config_check(&cfg, 0, &err), -EINVAL);
	assert_string_equal(
		err.msg,
		"configuration: shared_bit = 12: the shared bit must be a GPA bit from 13 to 47 (or 0 for MAXPHYADDR - 1)");
	expect_error(
		"shared_bit = 48",
		"tdpvisor.cfg:1: key 'shared_bit': bad value '48' (accepted: 0 (automatic: MAXPHYADDR - 1) or a GPA bit from 13 to 47)");
	expect_error(
		"sept_busy_percent = 51",
		"tdpvisor.cfg:1: key 'sept_busy_percent': bad value '51' (accepted: an integer from 0 to 50 (percent of S-EPT operations that fail with -EBUSY))");
	expect_error(
		"private_memory = 1",
		"tdpvisor.cfg:1: key 'private_memory': bad value '1' (accepted: no, yes)");
}

/* Every name in `guest` is checked when the file is read: an unknown one
 * stops the boot before any guest runs, once, with one message. */
static void test_guest_list(void **state)
{
	struct tdp_config cfg;
	struct config_error err;

	(void)state;
	assert_int_equal(parse(&cfg, "guest = demo, cpuid ,tests", &err), 0);
	assert_string_equal(cfg.guest, "demo,cpuid,tests");
	assert_int_equal(parse(&cfg, "guest = \\guests\\k.elf,mmio", &err), 0);
	assert_string_equal(cfg.guest, "\\guests\\k.elf,mmio");
	assert_int_equal(parse(&cfg, "guest = demo,cpuid,nope", &err), -EINVAL);
	assert_non_null(strstr(
		err.msg,
		"tdpvisor.cfg:1: key 'guest': unknown guest 'nope' (built-in guests: demo, cpuid, "));
	assert_int_equal(parse(&cfg, "guest = ,,", &err), -EINVAL);
	assert_string_equal(
		err.msg,
		"tdpvisor.cfg:1: key 'guest': entry 1 of ',,' is empty (separate guest names with single commas)");
	assert_int_equal(parse(&cfg, "guest = demo,,cpuid", &err), -EINVAL);
	assert_non_null(strstr(err.msg, "entry 2 of 'demo,,cpuid' is empty"));
	assert_int_equal(parse(&cfg, "guest = demo,", &err), -EINVAL);
	assert_non_null(strstr(err.msg, "entry 2 of 'demo,' is empty"));
	assert_int_equal(
		parse(&cfg,
		      "guest = a.elf,b.elf,c.elf,d.elf,e.elf,f.elf,g.elf,h.elf,i.elf",
		      &err),
		-EINVAL);
	assert_non_null(strstr(err.msg, "more than 8 ESP paths"));
	/* Names are exact: the table's names, not a prefix or other case. */
	assert_int_equal(parse(&cfg, "guest = dem", &err), -EINVAL);
	assert_int_equal(parse(&cfg, "guest = DEMO", &err), -EINVAL);
	/* The same rules hold for the load options. */
	config_defaults(&cfg);
	assert_int_equal(config_parse_options(&cfg, "a.efi guest=nope", &err),
			 -EINVAL);
	assert_non_null(strstr(
		err.msg, "load options: key 'guest': unknown guest 'nope'"));
}

/* A value quoted on one side only is refused, not kept with its quote. */
static void test_unbalanced_quotes(void **state)
{
	struct tdp_config cfg;
	struct config_error err;

	(void)state;
	assert_int_equal(parse(&cfg, "guest = \"demo\"", &err), 0);
	assert_string_equal(cfg.guest, "demo");
	assert_int_equal(parse(&cfg, "guest = \"demo", &err), -EINVAL);
	assert_string_equal(
		err.msg,
		"tdpvisor.cfg:1: key 'guest': unbalanced double quote in value '\"demo' (quote the whole value or none of it)");
	assert_int_equal(parse(&cfg, "guest_cmdline = a b\"", &err), -EINVAL);
	assert_non_null(strstr(err.msg, "unbalanced double quote"));
	assert_int_equal(parse(&cfg, "log_level = \"", &err), -EINVAL);
	assert_non_null(strstr(err.msg, "unbalanced double quote"));
	assert_int_equal(parse(&cfg, "guest_cmdline = \"\"", &err), 0);
	assert_string_equal(cfg.guest_cmdline, "");
}

/* shared_bit must be below the CPU's guest-physical width: a config
 * error that names the key and the limit, before anything runs. */
static void test_shared_bit_cpu_limit(void **state)
{
	struct tdp_config cfg;
	struct config_error err;

	(void)state;
	assert_int_equal(parse(&cfg, "shared_bit = 40", &err), 0);
	assert_int_equal(config_check(&cfg, 0, &err), 0);
	assert_int_equal(config_check(&cfg, 46, &err), 0);
	assert_int_equal(config_check(&cfg, 40, &err), -EINVAL);
	assert_string_equal(
		err.msg,
		"configuration: key 'shared_bit': 40 is not below this CPU's guest-physical width (MAXPHYADDR 40 bits); use a bit from 13 to 39, or 0 for 39");
	assert_int_equal(parse(&cfg, "shared_bit = 39", &err), 0);
	assert_int_equal(config_check(&cfg, 40, &err), 0);
	/* MAXPHYADDR 52: GPAs are at most 48 bits wide here. */
	assert_int_equal(parse(&cfg, "shared_bit = 47", &err), 0);
	assert_int_equal(config_check(&cfg, 52, &err), 0);
}

/*
 * The config: lines show every key in force.  The oracle is the README's
 * configuration table, not the parser's own key list: every key documented
 * there appears once, with its default value.
 */
static void test_format_every_key(void **state)
{
	struct tdp_config cfg;
	char buf[2048], line[512], key[64];
	FILE *f = fopen("README.md", "r");
	int keys = 0;

	(void)state;
	assert_non_null(f);
	config_defaults(&cfg);
	assert_true(config_format(&cfg, buf, sizeof(buf), 96) >= 2);
	for (char *p = buf, *nl; p; p = nl ? nl + 1 : NULL) {
		nl = strchr(p, '\n');
		assert_true((size_t)(nl ? nl - p : (long)strlen(p)) <= 96);
	}
	while (fgets(line, sizeof(line), f) &&
	       strcmp(line, "## Configuration\n"))
		;
	while (fgets(line, sizeof(line), f) && strncmp(line, "## ", 3)) {
		char want[80], *hit;

		if (sscanf(line, "| `%63[a-z_0-9]` |", key) != 1)
			continue;
		snprintf(want, sizeof(want), "%s=", key);
		hit = strstr(buf, want);
		if (!hit || (hit != buf && hit[-1] != ' ' && hit[-1] != '\n'))
			fail_msg("README key '%s' missing from: %s", key, buf);
		keys++;
	}
	fclose(f);
	assert_true(keys >= 18);
	assert_non_null(strstr(buf, "run_limit_ms=60000"));
	assert_non_null(strstr(buf, "private_memory=no"));
	assert_non_null(strstr(buf, "guest=demo"));
	assert_non_null(strstr(buf, "guest_mem=64M"));
	assert_non_null(strstr(buf, "console_limit=256K"));
	cfg.guest_mem = 2ULL << 30;
	cfg.console_limit = 1000;
	config_format(&cfg, buf, sizeof(buf), 96);
	assert_non_null(strstr(buf, "guest_mem=2G"));
	assert_non_null(strstr(buf, "console_limit=1000 "));
	assert_non_null(strstr(buf, "guest_cmdline=\"\""));
}

static void test_cross_checks(void **state)
{
	struct tdp_config cfg;
	struct config_error err;

	(void)state;
	assert_int_equal(parse(&cfg, "serial = mmio", &err), 0);
	assert_int_equal(config_check(&cfg, 0, &err), -EINVAL);
	assert_string_equal(
		err.msg,
		"configuration: serial = mmio needs serial_mmio_base (the UART's physical address)");
	assert_int_equal(parse(&cfg, "serial_mmio_base = 0x1000", &err), 0);
	assert_int_equal(config_check(&cfg, 0, &err), -EINVAL);
	assert_string_equal(
		err.msg,
		"configuration: serial_mmio_base is set but serial = auto; set serial = mmio to use it");
}

/*
 * Seeded random mutations of a valid file: the parser must never crash,
 * must either accept or return -EINVAL with a message that names the file,
 * and a failed parse must leave values in range.
 */
static void test_malformed_random(void **state)
{
	static const char base[] = "serial = com1\nserial_baud = 38400\n"
				   "log_level = debug\nguest_mem = 128M\n"
				   "guest = \\a\\b.elf\n# comment\n";
	static const char alphabet[] =
		"=#\"\n\r\t 0123456789xXkKmMgGabcdefghijklmnopqrstuvwxyz_\\/.\xff";
	unsigned int seed = 12345, accepted = 0, rejected = 0;
	char buf[sizeof(base) + 16];
	struct tdp_config cfg;
	struct config_error err;

	(void)state;
	for (int iter = 0; iter < 200000; iter++) {
		size_t len = sizeof(base) - 1;
		int muts = 1 + rand_r(&seed) % 4;

		memcpy(buf, base, sizeof(base));
		for (int m = 0; m < muts; m++) {
			size_t pos = (size_t)rand_r(&seed) % len;

			buf[pos] =
				alphabet[rand_r(&seed) % (sizeof(alphabet) - 1)];
		}
		if (rand_r(&seed) % 8 == 0)
			len = (size_t)rand_r(&seed) % len;
		config_defaults(&cfg);
		int r = config_parse_file(&cfg, "f.cfg", buf, len, &err);

		if (r == 0) {
			accepted++;
			assert_true(cfg.serial <= SERIAL_MMIO);
			assert_true(cfg.log_level <= LOG_DEBUG);
			assert_true(cfg.guest_mem >= (2ULL << 20) &&
				    cfg.guest_mem <= (64ULL << 30));
			assert_true(115200 % cfg.serial_baud == 0);
			assert_true(strlen(cfg.guest) < CONFIG_STR_MAX);
		} else {
			rejected++;
			assert_int_equal(r, -EINVAL);
			assert_memory_equal(err.msg, "f.cfg:", 6);
		}
	}
	assert_true(accepted > 1000);
	assert_true(rejected > 1000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_valid_file),
		cmocka_unit_test(test_sizes_and_numbers),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_number_errors),
		cmocka_unit_test(test_string_errors),
		cmocka_unit_test(test_long_cmdline),
		cmocka_unit_test(test_nul_byte),
		cmocka_unit_test(test_options),
		cmocka_unit_test(test_knobs),
		cmocka_unit_test(test_console_and_check_keys),
		cmocka_unit_test(test_private_keys),
		cmocka_unit_test(test_cross_checks),
		cmocka_unit_test(test_guest_list),
		cmocka_unit_test(test_unbalanced_quotes),
		cmocka_unit_test(test_shared_bit_cpu_limit),
		cmocka_unit_test(test_format_every_key),
		cmocka_unit_test(test_malformed_random),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
