/* SPDX-License-Identifier: GPL-2.0 */
/*
 * QEMU's firmware configuration device, the traditional x86 I/O interface
 * (fw_cfg.c): write a 16-bit item key to the selector at 0x510, then read
 * the item's bytes one at a time from the data port at 0x511.  Portable.
 *
 * Items, as QEMU's docs/specs/fw_cfg lays them out:
 *   0x0000 FW_CFG_SIGNATURE  "QEMU"
 *   0x0001 FW_CFG_ID         u32 LE 1: traditional interface, no DMA
 *   0x0003 FW_CFG_RAM_SIZE   u64 LE, bytes
 *   0x0005 FW_CFG_NB_CPUS    u16 LE, CPUs present at boot
 *   0x000f FW_CFG_MAX_CPUS   u16 LE
 *   0x0019 FW_CFG_FILE_DIR   u32 BE file count: 0, no files
 * kvm-unit-tests' lib/x86/fwcfg.c reads RAM_SIZE and NB_CPUS (and may read
 * any key below 0x10); the others are the ones firmware and Linux's
 * qemu_fw_cfg driver probe first.
 *
 * Behaviour, as QEMU's:
 *  - Selecting resets the data offset to 0; each data read returns the
 *    byte at the offset and advances it.  Past an item's end, and for a
 *    key with no item, reads return 0.
 *  - Key bit 14 (write channel) does not change which item is read; no
 *    item is writable, so data-port writes are ignored.  Bit 15 selects
 *    the architecture-local items, of which there are none here (no ACPI,
 *    SMBIOS, e820 or IRQ0-override items): they read 0.
 *  - The DMA interface (0x514) is not offered: FW_CFG_ID bit 1 is clear.
 * Only a 16-bit write at 0x510 and byte accesses at 0x511 are decoded, as
 * QEMU accepts; anything else returns -EINVAL and is counted.
 */
#ifndef TDP_HV_DEV_FW_CFG_H
#define TDP_HV_DEV_FW_CFG_H

#include "types.h"

#define FW_CFG_PORT_SEL 0x510
#define FW_CFG_PORT_DATA 0x511

#define FW_CFG_SIGNATURE 0x0000
#define FW_CFG_ID 0x0001
#define FW_CFG_RAM_SIZE 0x0003
#define FW_CFG_NB_CPUS 0x0005
#define FW_CFG_MAX_CPUS 0x000f
#define FW_CFG_FILE_DIR 0x0019

#define FW_CFG_WRITE_CHANNEL 0x4000
#define FW_CFG_ARCH_LOCAL 0x8000

#define FW_CFG_ID_TRADITIONAL 0x01
#define FW_CFG_ID_DMA 0x02

/**
 * struct fw_cfg_stats - counters the caller may log.
 * @selects: selector writes.
 * @data_reads: data-port reads.
 * @unknown_reads: data reads of a key with no item (they return 0).
 * @data_writes: data-port writes (ignored: nothing is writable).
 * @bad_access: accesses other than a word write at 0x510 or a byte at
 *              0x511 (-EINVAL).
 */
struct fw_cfg_stats {
	u64 selects;
	u64 data_reads;
	u64 unknown_reads;
	u64 data_writes;
	u64 bad_access;
};

/**
 * struct fw_cfg - state; every field is private to fw_cfg.c except
 * @stats.
 */
struct fw_cfg {
	u16 selector;
	u32 offset;
	u64 ram_size;
	u16 nr_cpus;
	u16 max_cpus;
	struct fw_cfg_stats stats;
};

void fw_cfg_init(struct fw_cfg *f, u16 nr_cpus, u16 max_cpus, u64 ram_size);
int fw_cfg_io_read(struct fw_cfg *f, u16 port, unsigned int size, u8 *val);
int fw_cfg_io_write(struct fw_cfg *f, u16 port, unsigned int size, u32 val);

#endif /* TDP_HV_DEV_FW_CFG_H */
