// SPDX-License-Identifier: GPL-2.0
/*
 * GDT, TSS and IDT of the hypervisor (SDM Vol. 3, "Protected-Mode Memory
 * Management" and "Interrupt and Exception Handling").  Loaded once after
 * ExitBootServices; the VMCS host-state area takes its selectors and bases
 * from here.
 */
#include "hv/cpu.h"
#include "string_util.h"
#include "x86.h"

#define EMERGENCY_STACK_SIZE 16384

static u64 gdt[GDT_ENTRIES] __aligned(16);
static struct tss64 tss __aligned(16);
static u8 emergency_stack[EMERGENCY_STACK_SIZE] __aligned(16);

struct idt_gate {
	u16 offset_lo;
	u16 selector;
	u8 ist;
	u8 type_attr; /* P=1, DPL=0, type 0xE: 64-bit interrupt gate */
	u16 offset_mid;
	u32 offset_hi;
	u32 reserved;
} __packed;
static_assert(sizeof(struct idt_gate) == 16, "IDT gate");

static struct idt_gate idt[IDT_VECTORS] __aligned(16);

#define GDT_CODE64 0x00af9a000000ffffULL /* L=1, P, DPL0, exec/read */
#define GDT_DATA 0x00cf92000000ffffULL /* P, DPL0, read/write */
#define TSS_TYPE_AVAILABLE 0x9ULL

static void set_tss_desc(u64 *slot, u64 base, u32 limit)
{
	slot[0] = (limit & 0xffffULL) | ((base & 0xffffffULL) << 16) |
		  (TSS_TYPE_AVAILABLE << 40) | BIT_ULL(47) |
		  ((u64)(limit >> 16 & 0xf) << 48) |
		  ((base >> 24 & 0xff) << 56);
	slot[1] = base >> 32;
}

static void set_gate(int vec, u64 handler, u8 ist)
{
	struct idt_gate *g = &idt[vec];

	g->offset_lo = (u16)handler;
	g->selector = GDT_SEL_CODE64;
	g->ist = ist;
	g->type_attr = 0x8e;
	g->offset_mid = (u16)(handler >> 16);
	g->offset_hi = (u32)(handler >> 32);
	g->reserved = 0;
}

static void load_gdt_and_segments(void)
{
	struct desc_ptr p = { sizeof(gdt) - 1, (u64)(uintptr_t)gdt };

	asm volatile("lgdt %0\n\t"
		     "mov %1, %%ds\n\t"
		     "mov %1, %%es\n\t"
		     "mov %1, %%ss\n\t"
		     "mov %1, %%fs\n\t"
		     "mov %1, %%gs\n\t"
		     "pushq %2\n\t"
		     "leaq 1f(%%rip), %%rax\n\t"
		     "pushq %%rax\n\t"
		     "lretq\n"
		     "1:"
		     :
		     : "m"(p), "r"((u64)GDT_SEL_DATA), "i"(GDT_SEL_CODE64)
		     : "rax", "memory");
	asm volatile("ltr %w0" ::"r"((u16)GDT_SEL_TSS));
}

void cpu_tables_init(void)
{
	struct desc_ptr ip = { sizeof(idt) - 1, (u64)(uintptr_t)idt };

	memset(&tss, 0, sizeof(tss));
	tss.ist[IST_EMERGENCY - 1] =
		(u64)(uintptr_t)(emergency_stack + EMERGENCY_STACK_SIZE);
	tss.iomap_base = sizeof(tss); /* no I/O bitmap */
	gdt[0] = 0;
	gdt[1] = GDT_CODE64;
	gdt[2] = GDT_DATA;
	set_tss_desc(&gdt[3], (u64)(uintptr_t)&tss, sizeof(tss) - 1);
	load_gdt_and_segments();

	for (int v = 0; v < IDT_VECTORS; v++) {
		u8 ist = (v == 2 || v == 8 || v == 18) ? IST_EMERGENCY : 0;

		set_gate(v,
			 (u64)(uintptr_t)(trap_entries + v * TRAP_ENTRY_SIZE),
			 ist);
	}
	asm volatile("lidt %0" ::"m"(ip));
}

void cpu_host_tables(struct cpu_host_tables *out)
{
	out->gdt_base = (u64)(uintptr_t)gdt;
	out->idt_base = (u64)(uintptr_t)idt;
	out->tss_base = (u64)(uintptr_t)&tss;
}

/* CPUID.80000008H:EAX[7:0], the physical-address width (MAXPHYADDR). */
unsigned int cpu_phys_addr_bits(void)
{
	u32 a, b, c, d;

	cpuid_count(0x80000000, 0, &a, &b, &c, &d);
	if (a < 0x80000008)
		return 36;
	cpuid_count(0x80000008, 0, &a, &b, &c, &d);
	return a & 0xff;
}
