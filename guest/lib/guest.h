/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The built-in guests' tiny runtime (guest/lib/lib.c): hypercalls, port
 * I/O, COM1 output, printf, and kvm-unit-tests-style report().  Guests run
 * in 32-bit protected mode with paging off unless they turn it on.
 */
#ifndef TDP_GUEST_H
#define TDP_GUEST_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include "guest_abi.h"

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;

struct multiboot_info {
	u32 flags, mem_lower, mem_upper, boot_device, cmdline;
	u32 mods_count, mods_addr;
	u32 syms[4];
	u32 mmap_length, mmap_addr;
};

int guest_main(u32 magic, struct multiboot_info *mbi);

long hypercall(u32 nr, u32 a0, u32 a1, u32 a2, u32 a3);
void outb(u16 port, u8 v);
void outl(u16 port, u32 v);
u8 inb(u16 port);
u32 inl(u16 port);
void cpuid(u32 leaf, u32 sub, u32 *a, u32 *b, u32 *c, u32 *d);
int rdmsr_safe(u32 msr, u64 *v); /* 0, or -1 if it raised #GP */
int fault_count(void); /* #GP/#UD recovered so far */
u32 last_fault_vector(void); /* 13 or 6: the last one recovered */
void fault_recover_at(u32 eip);
/*
 * TRY_INSN("asm", inputs...): runs one instruction; evaluates to 1 if it
 * raised #GP or #UD (recovered after it, needs idt_init()), else 0.
 */
#define TRY_INSN(insn, ...)                                                 \
	({                                                                  \
		int before_ = fault_count();                                \
		asm volatile("pushl $1f\n\t"                                \
			     "call fault_recover_at\n\t"                    \
			     "addl $4, %%esp\n\t" insn "\n1:" ::__VA_ARGS__ \
			     : "eax", "ecx", "edx", "memory");              \
		fault_count() != before_;                                   \
	})
int wrmsr_safe(u32 msr, u64 v);

void putc_com1(char c);
void printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Reports one check: "PASS: name" / "FAIL: name" on the host console. */
void report(const char *name, int pass);
/* Returns the number of failed reports so far. */
int report_failures(void);
void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
void __attribute__((noreturn)) guest_exit(u32 status);

/* Installs an IDT whose #GP handler lets rdmsr_safe()/wrmsr_safe() and
 * expect_fault() recover; other exceptions print and exit with status 99. */
void idt_init(void);
/* A handler for @vector (exception or interrupt), called with the error
 * code (0 if the CPU pushes none); it returns with IRET. */
typedef void (*irq_fn)(u32 vector, u32 error);
void irq_set(u8 vector, irq_fn fn);
/* Clears or sets the present bit of @vector's IDT gate. */
void idt_set_present(u8 vector, int present);

/* The local APIC in xAPIC mode at its reset base (paging off: physical). */
#define APIC_BASE_GPA 0xfee00000U
#define APIC_ID 0x20
#define APIC_EOI 0xb0
#define APIC_SPIV 0xf0
#define APIC_ICR_LO 0x300
#define APIC_ICR_HI 0x310
#define APIC_LVT_TIMER 0x320
#define APIC_LVT_LINT0 0x350
#define APIC_TMICT 0x380
#define APIC_TMCCT 0x390
#define APIC_TDCR 0x3e0
static inline u32 apic_read(u32 reg)
{
	return *(volatile u32 *)(uintptr_t)(APIC_BASE_GPA + reg);
}
static inline void apic_write(u32 reg, u32 v)
{
	*(volatile u32 *)(uintptr_t)(APIC_BASE_GPA + reg) = v;
}
/* The TSC's rate from the hypervisor leaf 0x40000010 (EAX, kHz). */
u32 tsc_khz(void);
/* Spins until *@flag reaches @want or @ms of guest TSC time pass. */
int wait_for(volatile u32 *flag, u32 want, u32 ms);
/* The PIC pair remapped to vectors 0x20-0x2f, all lines masked. */
void pic_init_masked(void);
static inline u64 rdtsc(void)
{
	u32 lo, hi;

	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (u64)hi << 32 | lo;
}

/*
 * Runs @fn at CPL 3 (flat user segments, IOPL 0: no port I/O, so no
 * printf) on a separate stack; @fn must end with user_return(), which
 * comes back to run_user()'s caller at CPL 0.  Needs idt_init().
 */
void run_user(void (*fn)(void));
void __attribute__((noreturn)) user_return(void);

#endif /* TDP_GUEST_H */

/*
 * PAE paging with 2 MiB pages for guests of private-memory VMs
 * (guest/lib/paging.c).  Linear [0, 1 GiB) maps GPA [0, 1 GiB) (private
 * GPAs), linear [1 GiB, 2 GiB) maps the same GPAs with @shared_bit set
 * (their shared aliases), linear [2 GiB, 3 GiB) maps the shared alias of
 * GPA [3 GiB, 4 GiB) (where the test device lives), and linear
 * [3 GiB, 4 GiB) maps GPA [3 GiB, 4 GiB) itself.
 */
#define SHARED_WINDOW 0x40000000U /* linear base of the shared alias of RAM */
#define SHARED_HIGH_WINDOW 0x80000000U /* shared alias of GPA 3-4 GiB */
void paging_enable_pae(unsigned int shared_bit);
/* Linear address of the shared alias of a low GPA / of the test device. */
static inline void *shared_ptr(u32 gpa)
{
	return (void *)(uintptr_t)(SHARED_WINDOW + gpa);
}
