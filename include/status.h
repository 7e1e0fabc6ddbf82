/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The hypervisor's exit status: printed as the last console line
 * ("tdpvisor: exit status N (...)") and, under QEMU, written to
 * isa-debug-exit (port 0xf4), which makes QEMU exit with 2*N+1.
 * scripts/run.sh turns that back into N for the shell.
 */
#ifndef TDP_STATUS_H
#define TDP_STATUS_H

enum tdp_status {
	TDP_STATUS_OK = 0, /* every guest and self-test passed */
	TDP_STATUS_FAIL = 1, /* a guest or self-test failed, or no VMX */
	TDP_STATUS_CONFIG = 2, /* bad tdpvisor.cfg / load options / image */
	TDP_STATUS_PANIC = 3, /* host exception or broken invariant */
};

const char *tdp_status_name(int status);

/* drivers/hw/power.c: report @status and power the machine off. */
void power_off(int status) __attribute__((noreturn));

enum platform_kind {
	PLATFORM_HARDWARE,
	PLATFORM_QEMU_TCG,
	PLATFORM_KVM,
	PLATFORM_BOCHS,
	PLATFORM_OTHER_HV,
};

struct smbios_ids;
/* Boot hands in the firmware's SMBIOS strings before the first detect. */
void platform_set_firmware_ids(const struct smbios_ids *ids);
enum platform_kind platform_detect(void);
const char *platform_name(enum platform_kind k);
void power_set_acpi(unsigned long long rsdp);
void power_set_reset_fn(void *reset_system);

#endif /* TDP_STATUS_H */
