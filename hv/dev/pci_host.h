/* SPDX-License-Identifier: GPL-2.0 */
/*
 * PCI configuration mechanism #1 at ports 0xCF8-0xCFF, with one device on
 * the bus: the i440FX PCI and memory controller (PMC, 8086:1237) at
 * 00:00.0, and the PIIX reset control register at 0xCF9 (pci_host.c).
 * Portable.
 *
 * The host bridge's configuration space is fixed except for the command
 * register's two writable bits, as the 82441FX data sheet has it: PERR#
 * response (bit 6) and SERR# enable (bit 8).  Memory access and bus master
 * (bits 1, 2) are hard-wired to 1, everything else to 0; the reset value is
 * 0x0006.  The status register reads 0x0280 (fast back-to-back capable,
 * medium DEVSEL timing) and is read-only: no bus error is ever recorded.
 * The chipset registers past the header (PAM, SMRAM, DRAM rows) are not
 * modelled: they read 0 and ignore writes.
 *
 * Every other bus, device and function is absent: reads are all-ones,
 * writes are dropped.  A data-port access with CONFIG_ADDRESS bit 31
 * clear is not a configuration cycle and reads all-ones too.
 */
#ifndef TDP_HV_DEV_PCI_HOST_H
#define TDP_HV_DEV_PCI_HOST_H

#include "types.h"

#define PCI_CONFIG_ADDRESS 0xcf8
#define PCI_RESET_CONTROL 0xcf9 /* byte access only */
#define PCI_CONFIG_DATA 0xcfc /* 0xcfc-0xcff */

#define PCI_CONFIG_ENABLE 0x80000000u

#define PCI_RC_SYS_RST 0x02 /* 1: hard reset, 0: soft (either resets) */
#define PCI_RC_RST_CPU 0x04 /* writing 1 resets */
#define PCI_RC_FULL_RST 0x08

/* The 82441FX PMC. */
#define I440FX_VENDOR 0x8086
#define I440FX_DEVICE 0x1237
#define I440FX_REVISION 0x02
#define I440FX_CLASS 0x060000 /* bridge, host bridge */
#define I440FX_COMMAND_INIT 0x0006
#define I440FX_COMMAND_WMASK 0x0140
#define I440FX_STATUS 0x0280

/**
 * struct pci_host_stats - counters the caller may log.
 * @config_reads: configuration read cycles (bit 31 set), any device.
 * @config_writes: configuration write cycles, any device.
 * @absent_reads: configuration reads that found no device (all-ones).
 * @undecoded: accesses in 0xcf8-0xcff that are neither CONFIG_ADDRESS,
 *             reset control nor a configuration cycle (bit 31 clear, or
 *             a byte/word at 0xcf8, 0xcfa, 0xcfb): reads all-ones, writes
 *             dropped.
 * @bad_access: a size other than 1, 2, 4, a port outside 0xcf8-0xcff, or
 *              an access that runs past 0xcff (-EINVAL).
 */
struct pci_host_stats {
	u64 config_reads;
	u64 config_writes;
	u64 absent_reads;
	u64 undecoded;
	u64 bad_access;
};

/**
 * struct pci_host - state; every field is private to pci_host.c except
 * @stats.
 */
struct pci_host {
	u32 config_address;
	u8 reset_control;
	u16 command; /* the host bridge's command register */
	struct pci_host_stats stats;
};

enum pci_action {
	PCI_NONE,
	PCI_RESET, /* the guest wrote 0xcf9 with bit 2 set */
};

void pci_host_init(struct pci_host *h);
int pci_host_io_read(struct pci_host *h, u16 port, unsigned int size, u32 *val);
enum pci_action pci_host_io_write(struct pci_host *h, u16 port,
				  unsigned int size, u32 val);

#endif /* TDP_HV_DEV_PCI_HOST_H */
