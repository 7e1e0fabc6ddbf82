/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tdpvisor configuration: the keys of tdpvisor.cfg and of the UEFI load
 * options (boot/config.c parses both; the README documents every key).
 *
 * The parser is portable and table-driven: adding a key means adding a
 * field here, a row to config_keys[] in boot/config.c, and a README line.
 */
#ifndef TDP_CONFIG_H
#define TDP_CONFIG_H

#include "compiler.h"

#define CONFIG_STR_MAX 128 /* string keys: bytes with the NUL */
/*
 * guest_cmdline: 4095 characters and the NUL, the longest command line a
 * multiboot guest gets from the loader (kvm-unit-tests' vmx runs pass
 * hundreds of characters); a config line must be able to hold it.
 */
#define CONFIG_CMDLINE_MAX 4096
#define CONFIG_LINE_MAX 8192 /* characters per tdpvisor.cfg line */

enum config_serial {
	SERIAL_AUTO = 0, /* ACPI SPCR if it names a 16550, else COM1 */
	SERIAL_COM1,
	SERIAL_COM2,
	SERIAL_COM3,
	SERIAL_COM4,
	SERIAL_MMIO, /* serial_mmio_base / serial_mmio_stride */
};

enum config_exception {
	TEST_EXC_NONE = 0,
	TEST_EXC_UD, /* ud2 */
	TEST_EXC_GP, /* non-canonical load */
	TEST_EXC_DE, /* divide by zero */
	TEST_EXC_BP, /* int3 */
};
/* The test_exception values as the config file spells them, by enum. */
#define CONFIG_EXCEPTION_NAMES                       \
	{                                            \
		"none", "ud", "gp", "de", "bp", NULL \
	}

enum config_vmentry_fail {
	TEST_VMENTRY_OK = 0,
	TEST_VMENTRY_GUEST_STATE, /* clear guest RFLAGS bit 1: exit reason 33 */
	TEST_VMENTRY_CONTROL, /* clear a must-be-1 pin-based control:
				 VMfailValid, error 7 */
};

/* When the software VM-entry checks (hv/vmx/check/vmentry_check.c) run. */
enum config_vmentry_check {
	VMENTRY_CHECK_EMUL = 0, /* after tdpvisor changed guest state */
	VMENTRY_CHECK_ALWAYS, /* also before every VM entry (test runs) */
};

#define CONFIG_CONSOLE_LIMIT_DEFAULT (256ULL << 10)

struct tdp_config {
	u32 serial; /* enum config_serial */
	u32 serial_baud;
	u64 serial_mmio_base;
	u32 serial_mmio_stride;
	u32 log_level; /* enum log_level */
	u64 guest_mem; /* bytes */
	u64 hv_mem; /* bytes of hypervisor pool */
	char guest[CONFIG_STR_MAX];
	char guest_cmdline[CONFIG_CMDLINE_MAX];
	char guest_module[CONFIG_STR_MAX];
	u64 run_limit_ms; /* per-guest run-time limit; 0 = none */
	u64 mmio_gen_start; /* test knob: initial memslot generation */
	u32 shared_bit; /* private-memory VMs: 0 = MAXPHYADDR - 1 */
	u32 private_memory; /* 1: ESP guest images run with private memory */
	u32 sept_busy_percent; /* test knob: S-EPT -EBUSY injection rate */
	u64 test_bad_spte_gpa; /* test knob: corrupt the leaf mapping it */
	u32 test_exception; /* enum config_exception */
	u32 test_vmentry_fail; /* enum config_vmentry_fail */
	u64 console_limit; /* bytes of guest console output per VM; 0 = none */
	u32 vmentry_check; /* enum config_vmentry_check */
};

struct config_error {
	char msg[512];
};

void config_defaults(struct tdp_config *cfg);

/**
 * config_parse_file() - parse the text of a tdpvisor.cfg file into @cfg.
 * @cfg:  configuration to update (start from config_defaults()).
 * @name: file name used in error messages.
 * @text: file contents; need not be NUL-terminated.
 * @len:  length of @text in bytes.
 * @err:  receives a message naming file, line, key and accepted values.
 *
 * Format: one "key = value" per line; '#' starts a comment; blank lines
 * are ignored; a value may be double-quoted.  A key given twice is an error.
 *
 * Return: 0, or -EINVAL for the first bad line (unknown key, bad value,
 * missing '=', duplicate key, NUL byte, over-long line).
 */
int __must_check config_parse_file(struct tdp_config *cfg, const char *name,
				   const char *text, size_t len,
				   struct config_error *err);

/**
 * config_parse_options() - parse UEFI load options ("key=value" words).
 * @cfg:  configuration to update; these override tdpvisor.cfg.
 * @text: NUL-terminated option string.  A first word without '=' (the
 *        image path the UEFI shell passes as argv[0]) is skipped.
 * @err:  receives the message for the first bad word.
 *
 * Return: 0, or -EINVAL.
 */
int __must_check config_parse_options(struct tdp_config *cfg, const char *text,
				      struct config_error *err);

/**
 * config_check() - cross-key checks once every source is parsed, and the
 * checks that depend on this CPU.
 * @cfg:        the parsed configuration
 * @maxphyaddr: the CPU's physical-address width in bits (CPUID 0x80000008),
 *              which bounds shared_bit; 0 skips the CPU checks (host tests)
 * @err:        the message on failure
 * Return: 0, or -EINVAL (e.g. serial=mmio without serial_mmio_base, or a
 * shared_bit at or above the CPU's guest-physical width).
 */
int __must_check config_check(const struct tdp_config *cfg,
			      unsigned int maxphyaddr,
			      struct config_error *err);

/**
 * config_format() - every key and the value in force, "key=value" words
 * separated by blanks, lines broken ("\n") before @line_max characters.
 * @cfg:      the configuration
 * @buf:      output, NUL-terminated, truncated to @size
 * @size:     bytes of @buf
 * @line_max: longest line wanted (a single longer pair gets its own line)
 * Return: the number of lines written.
 */
int config_format(const struct tdp_config *cfg, char *buf, size_t size,
		  size_t line_max);

/* Names for printing: "com1", "debug", ... */
const char *config_serial_name(u32 serial);
const char *config_log_level_name(u32 level);

#endif /* TDP_CONFIG_H */
