// SPDX-License-Identifier: GPL-2.0
/*
 * Platform detection and power-off.
 *
 * Order of attempts in power_off(): under QEMU/KVM the status goes to
 * isa-debug-exit (port 0xf4) so the caller sees pass/fail; then ACPI S5
 * through the FADT's PM1 control registers; then UEFI ResetSystem
 * (runtime service, physical mode); under Bochs its shutdown port 0x8900;
 * finally the CPU halts with interrupts off.
 */
#include "acpi.h"
#include "boot_info.h"
#include "console.h"
#include "smbios.h"
#include "status.h"
#include "string_util.h"
#include "x86.h"

#define ISA_DEBUG_EXIT_PORT 0xf4
#define BOCHS_E9_PORT 0xe9
#define BOCHS_SHUTDOWN_PORT 0x8900
#define ACPI_SLP_EN BIT(13)

static u64 power_rsdp;
static boot_reset_fn power_reset;
static struct smbios_ids platform_ids;

const char *tdp_status_name(int status)
{
	switch (status) {
	case TDP_STATUS_OK:
		return "ok";
	case TDP_STATUS_FAIL:
		return "failure";
	case TDP_STATUS_CONFIG:
		return "configuration error";
	case TDP_STATUS_PANIC:
		return "panic";
	}
	return "unknown";
}

void power_set_acpi(unsigned long long rsdp)
{
	power_rsdp = rsdp;
}

void power_set_reset_fn(void *fn)
{
	power_reset = (boot_reset_fn)fn;
}

void platform_set_firmware_ids(const struct smbios_ids *ids)
{
	platform_ids = *ids;
}

static bool contains(const char *s, const char *w)
{
	size_t n = strlen(w);

	for (; *s; s++)
		if (!memcmp(s, w, n))
			return true;
	return false;
}

/* PCI configuration mechanism #1: the ID dword of bus 0, device 0. */
#define PCI_CONFIG_ADDRESS 0xcf8
#define PCI_CONFIG_DATA 0xcfc
#define PCI_ID(vendor, device) ((u32)(device) << 16 | (vendor))

/*
 * Bochs' chipsets (bochsrc "pci: chipset="): i440FX, i430FX, i440BX.  They
 * predate x86-64, so no real board that runs this UEFI x86-64 image with
 * VT-x has one; an emulator that presents one without CPUID's hypervisor
 * bit is Bochs.
 */
static bool is_bochs_host_bridge(void)
{
	u32 id;

	outl(PCI_CONFIG_ADDRESS, 0x80000000u);
	id = inl(PCI_CONFIG_DATA);
	return id == PCI_ID(0x8086, 0x1237) || id == PCI_ID(0x8086, 0x122d) ||
	       id == PCI_ID(0x8086, 0x7190);
}

/*
 * Which machine this is.  QEMU (TCG) and KVM set CPUID's hypervisor bit
 * and name themselves in leaf 0x40000000.  Bochs sets neither; it is told
 * by what every Bochs set-up has: its emulated chipset's host bridge (PCI
 * 00:00.0), then the firmware's SMBIOS strings where there are any
 * ("Bochs", or OVMF's, since a CPU that runs OVMF with no hypervisor bit
 * is emulated), and, where the bochsrc enables it, the port_e9_hack that
 * reads back 0xe9 (real chipsets float high).
 */
enum platform_kind platform_detect(void)
{
	u32 a, b, c, d;
	char sig[13];

	cpuid_count(1, 0, &a, &b, &c, &d);
	if (c & X86_FEATURE_HYPERVISOR_ECX) {
		cpuid_count(0x40000000, 0, &a, &b, &c, &d);
		memcpy(sig, &b, 4);
		memcpy(sig + 4, &c, 4);
		memcpy(sig + 8, &d, 4);
		sig[12] = '\0';
		if (!memcmp(sig, "TCGTCGTCGTCG", 12))
			return PLATFORM_QEMU_TCG;
		if (!memcmp(sig, "KVMKVMKVM", 9))
			return PLATFORM_KVM;
		return PLATFORM_OTHER_HV;
	}
	if (contains(platform_ids.bios_vendor, "Bochs") ||
	    contains(platform_ids.sys_vendor, "Bochs") ||
	    contains(platform_ids.product, "Bochs") ||
	    contains(platform_ids.bios_vendor, "OVMF"))
		return PLATFORM_BOCHS;
	if (is_bochs_host_bridge())
		return PLATFORM_BOCHS;
	if (inb(BOCHS_E9_PORT) == BOCHS_E9_PORT)
		return PLATFORM_BOCHS;
	return PLATFORM_HARDWARE;
}

const char *platform_name(enum platform_kind k)
{
	static const char *const names[] = {
		[PLATFORM_HARDWARE] = "hardware",
		[PLATFORM_QEMU_TCG] = "QEMU TCG",
		[PLATFORM_KVM] = "KVM",
		[PLATFORM_BOCHS] = "Bochs",
		[PLATFORM_OTHER_HV] = "another hypervisor",
	};

	return k < ARRAY_SIZE(names) ? names[k] : "?";
}

static void acpi_s5(void)
{
	struct acpi_power_info pi;

	if (acpi_parse_power(power_rsdp, &pi))
		return;
	log_printf(LOG_DEBUG,
		   "power: ACPI S5 through PM1a_CNT 0x%x (SLP_TYPa %u)",
		   pi.pm1a_cnt, pi.slp_typa);
	console_drain();
	outw(pi.pm1a_cnt, (u16)((pi.slp_typa << 10) | ACPI_SLP_EN));
	if (pi.pm1b_cnt)
		outw(pi.pm1b_cnt, (u16)((pi.slp_typb << 10) | ACPI_SLP_EN));
	for (int i = 0; i < 1000000; i++)
		cpu_relax();
}

void power_off(int status)
{
	enum platform_kind k = platform_detect();

	asm volatile("cli");
	log_printf(LOG_INFO, "tdpvisor: exit status %d (%s)", status,
		   tdp_status_name(status));
	console_drain();
	if (k == PLATFORM_QEMU_TCG || k == PLATFORM_KVM)
		outl(ISA_DEBUG_EXIT_PORT, (u32)status);
	if (k == PLATFORM_BOCHS) {
		/* Bochs' S5 works too, but its shutdown port is immediate. */
		for (const char *s = "Shutdown"; *s; s++)
			outb(BOCHS_SHUTDOWN_PORT, (u8)*s);
	}
	acpi_s5();
	if (power_reset)
		power_reset(BOOT_RESET_SHUTDOWN, (u64)status, 0, NULL);
	log_printf(LOG_ERR, "power-off failed; halting");
	console_drain();
	cpu_halt_forever();
}
