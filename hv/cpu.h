/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The hypervisor's own descriptor tables (hv/cpu.c) and exception entry
 * (hv/trap_entry.asm, hv/trap.c).  After ExitBootServices nothing of the
 * firmware's GDT/IDT is used: VM entry needs a non-zero host TR, and a
 * host exception must print a dump on the serial console.
 */
#ifndef TDP_HV_CPU_H
#define TDP_HV_CPU_H

#include "compiler.h"

#define GDT_SEL_CODE64 0x08
#define GDT_SEL_DATA 0x10
#define GDT_SEL_TSS 0x18
#define GDT_ENTRIES 5 /* null, code, data, TSS (2 slots) */

#define IDT_VECTORS 256
#define TRAP_ENTRY_SIZE 16 /* bytes per vector entry in trap_entry.asm */
#define IST_EMERGENCY 1 /* #DF, NMI, #MC run on their own stack */

/*
 * Saved state on a host exception, in the order trap_entry.asm builds it
 * (lowest address first).  NASM uses the TF_* offsets generated from this
 * struct (hv/gen/asm_offsets.c), never literal numbers.
 */
struct trap_frame {
	u64 r15, r14, r13, r12, r11, r10, r9, r8;
	u64 rbp, rdi, rsi, rdx, rcx, rbx, rax;
	u64 vector;
	u64 error_code; /* 0 when the CPU pushes none */
	/* Pushed by the CPU: */
	u64 rip, cs, rflags, rsp, ss;
};

struct tss64 {
	u32 reserved0;
	u64 rsp[3];
	u64 reserved1;
	u64 ist[7];
	u64 reserved2;
	u16 reserved3;
	u16 iomap_base;
} __packed;
static_assert(sizeof(struct tss64) == 104, "64-bit TSS is 104 bytes");

struct desc_ptr {
	u16 limit;
	u64 base;
} __packed;

/* Host selector and base values hv/vmx needs for the VMCS host state. */
struct cpu_host_tables {
	u64 gdt_base, idt_base, tss_base;
};

void cpu_tables_init(void);
void cpu_host_tables(struct cpu_host_tables *out);
void trap_handler(struct trap_frame *tf);
void dump_stack_trace(u64 rbp, u64 rsp);
void set_image_range(u64 base, u64 size);
/* CPUID.80000008H:EAX[7:0], the physical-address width (MAXPHYADDR). */
unsigned int cpu_phys_addr_bits(void);

extern char trap_entries[];

#endif /* TDP_HV_CPU_H */
