/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest ABI: one header shared by hv/ and guest/ (Solo5 style).
 * Guests are 32-bit or 64-bit code; every type here has a fixed size.
 *
 * Hypercalls: VMCALL with the number in RAX and arguments in RBX, RCX, RDX,
 * RSI (EBX.. in 32-bit guests; the upper halves are ignored there).  The
 * result comes back in RAX: 0 or a negative HC_E* code.  Only CPL 0 may
 * call: a VMCALL from CPL > 0 (guest user mode, virtual-8086 mode) returns
 * HC_EPERM and does nothing, whatever its number; no hypercall is safe for
 * user mode, since each reads or writes guest memory by GPA, changes the
 * memory map or ends the VM.  Buffers named by GPA are used only through
 * the side (private/shared) the GPA names and only while every page of
 * the buffer is on that side; otherwise the call returns HC_EFAULT.  The
 * hypervisor
 * validates every argument before any side effect; a bad call returns an
 * error and is counted, it never stops the hypervisor.
 *
 * Devices: COM1 (port 0x3f8, output only: THR and LSR) prints on the host
 * console prefixed with the guest's name; isa-debug-exit (port 0xf4, any
 * width) ends the guest with the written value as its status; the test
 * MMIO device (TESTDEV_GPA) is reached only through MMIO SPTEs.
 */
#ifndef TDP_GUEST_ABI_H
#define TDP_GUEST_ABI_H

/*
 * Hypercall numbers and arguments:
 *  HC_PRINT          RBX=GPA of the text, RCX=length (<= HC_PRINT_MAX)
 *  HC_REPORT         RBX=GPA of a NUL-terminated test name of at most
 *                    HC_NAME_MAX - 1 characters (its NUL within the first
 *                    HC_NAME_MAX bytes), RCX=1 pass / 0 fail
 *  HC_MAP_GPA        RBX=GFN (GPA >> 12, so 32-bit guests reach 44-bit
 *                    GPAs) whose shared bit selects the target: set = make
 *                    the pages shared, clear = make them private;
 *                    RCX=number of pages
 *  HC_MEMSLOT_ADD    RBX=slot id (HC_SLOT_FIRST..HC_SLOT_LAST), RCX=GPA
 *                    (2 MiB-aligned), RDX=size in bytes (a 2 MiB multiple,
 *                    at most 64 MiB); backed by fresh zeroed memory
 *  HC_MEMSLOT_REMOVE RBX=slot id added by HC_MEMSLOT_ADD
 *  HC_SET_MMIO_GEN   RBX=new memslot generation (test knob)
 *  HC_EXIT           RBX=status (0 = success)
 *  HC_GET_INFO       RBX=GPA of a struct hc_info to fill
 */
#define HC_PRINT 1
#define HC_REPORT 2
#define HC_MAP_GPA 3
#define HC_MEMSLOT_ADD 4
#define HC_MEMSLOT_REMOVE 5
#define HC_SET_MMIO_GEN 6
#define HC_EXIT 7
#define HC_GET_INFO 8
#define HC_MAX 8

#define HC_PRINT_MAX 256
#define HC_NAME_MAX 64
#define HC_SLOT_FIRST 1
#define HC_SLOT_LAST 7

/* Hypercall results (RAX). */
#define HC_OK 0
#define HC_ENOSYS (-38) /* unknown hypercall number */
#define HC_EINVAL (-22) /* bad argument (the log says which) */
#define HC_EFAULT (-14) /* a GPA argument is not guest RAM */
#define HC_EBUSY (-16) /* slot id in use / range overlaps */
#define HC_ENOENT (-2) /* no such slot */
#define HC_ENOMEM (-12) /* no host memory for the slot */
#define HC_EOPNOTSUPP (-95) /* feature absent in this build/config */
#define HC_EPERM (-1) /* called from CPL > 0: no hypercall is user-safe */

/* Filled in by HC_GET_INFO. */
struct hc_info {
	unsigned long long ram_size; /* bytes of RAM at GPA 0 */
	unsigned long long shared_bit; /* GPA bit for shared memory, 0: none */
	/* The memslot generation as MMIO SPTEs carry it: its low 19 bits. */
	unsigned long long mmio_gen;
	unsigned int gpa_width; /* guest MAXPHYADDR */
	unsigned int flags;
};

/* isa-debug-exit */
#define DEBUG_EXIT_PORT 0xf4
#define COM1_PORT 0x3f8

/*
 * Test MMIO device, a 4 KiB page at TESTDEV_GPA:
 *   REG0..REG3: read/write 64-bit registers (any access size, little
 *               endian, byte-granular writes merge)
 *   DOORBELL:   a write counts; a read returns the count
 *   ID:         reads TESTDEV_ID_VALUE
 *   WINDOW:     reads anywhere in 0x800-0xfff return the GPA accessed
 */
#define TESTDEV_GPA 0xfe000000ULL
#define TESTDEV_SIZE 0x1000
#define TESTDEV_REG0 0x00
#define TESTDEV_REG1 0x08
#define TESTDEV_REG2 0x10
#define TESTDEV_REG3 0x18
#define TESTDEV_DOORBELL 0x20
#define TESTDEV_ID 0x28
#define TESTDEV_WINDOW 0x800
#define TESTDEV_ID_VALUE 0x7464707669736f72ULL /* "rosivpdt" */

/* Multiboot v1 (the kvm-unit-tests convention). */
#define MULTIBOOT_HEADER_MAGIC 0x1badb002
#define MULTIBOOT_BOOTLOADER_MAGIC 0x2badb002

#endif /* TDP_GUEST_ABI_H */
