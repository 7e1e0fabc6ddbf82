// SPDX-License-Identifier: GPL-2.0
/*
 * Host exceptions and panic(): print everything needed to debug from a
 * serial log — vector and name, error code, the interrupted registers,
 * control registers, and a frame-pointer stack trace with each address
 * also given as an offset into build/tdpvisor.elf (which is linked at 0:
 * `addr2line -e build/tdpvisor.elf 0xOFFSET`) — then stop the machine.
 */
#include "hv/cpu.h"
#include "fmt.h"
#include "log.h"
#include "status.h"
#include "x86.h"

#define STACK_TRACE_DEPTH 16
#define STACK_TRACE_SPAN (1ULL << 20) /* frames must lie within 1 MiB */

static u64 image_base, image_size;
static int trap_depth;

void set_image_range(u64 base, u64 size)
{
	image_base = base;
	image_size = size;
}

static const char *const exc_names[32] = {
	"#DE divide error",
	"#DB debug",
	"NMI",
	"#BP breakpoint",
	"#OF overflow",
	"#BR bound range",
	"#UD invalid opcode",
	"#NM device not available",
	"#DF double fault",
	"coprocessor overrun",
	"#TS invalid TSS",
	"#NP segment not present",
	"#SS stack fault",
	"#GP general protection",
	"#PF page fault",
	"reserved (15)",
	"#MF x87 error",
	"#AC alignment check",
	"#MC machine check",
	"#XM SIMD exception",
	"#VE virtualization exception",
	"#CP control protection",
	"reserved (22)",
	"reserved (23)",
	"reserved (24)",
	"reserved (25)",
	"reserved (26)",
	"reserved (27)",
	"#HV hypervisor injection",
	"#VC VMM communication",
	"#SX security exception",
	"reserved (31)",
};

static void print_addr(const char *what, u64 addr)
{
	if (addr >= image_base && addr < image_base + image_size)
		pr_err("  %s 0x%016llx (tdpvisor.elf+0x%llx)", what, addr,
		       (addr - image_base));
	else
		pr_err("  %s 0x%016llx", what, addr);
}

void dump_stack_trace(u64 rbp, u64 rsp)
{
	char what[8] = "#0";

	pr_err("stack trace:");
	for (int i = 0; i < STACK_TRACE_DEPTH; i++) {
		const u64 *frame = (const u64 *)(uintptr_t)rbp;

		/* Only follow frames that look like ours: aligned, above the
		 * current stack pointer, not too far, strictly growing. */
		if (!rbp || (rbp & 7) || rbp < rsp ||
		    rbp - rsp > STACK_TRACE_SPAN)
			break;
		what[1] = (char)('0' + i % 10);
		if (i >= 10) {
			what[1] = '1';
			what[2] = (char)('0' + i - 10);
			what[3] = '\0';
		}
		print_addr(what, frame[1]);
		if (frame[0] <= rbp)
			break;
		rbp = frame[0];
	}
}

static void dump_control_regs(void)
{
	pr_err("CR0=%016llx CR2=%016llx CR3=%016llx CR4=%016llx", read_cr0(),
	       read_cr2(), read_cr3(), read_cr4());
}

void trap_handler(struct trap_frame *tf)
{
	const char *name = tf->vector < 32 ? exc_names[tf->vector]
					   : "external interrupt";

	if (trap_depth++) {
		pr_err("EXCEPTION: vector %llu while handling an exception; stopping",
		       tf->vector);
		power_off(TDP_STATUS_PANIC);
	}
	pr_err("EXCEPTION: %s (vector %llu), error code 0x%llx", name,
	       tf->vector, tf->error_code);
	print_addr("RIP", tf->rip);
	pr_err("CS=%04llx RFLAGS=%016llx RSP=%016llx SS=%04llx", tf->cs,
	       tf->rflags, tf->rsp, tf->ss);
	pr_err("RAX=%016llx RBX=%016llx RCX=%016llx RDX=%016llx", tf->rax,
	       tf->rbx, tf->rcx, tf->rdx);
	pr_err("RSI=%016llx RDI=%016llx RBP=%016llx R8 =%016llx", tf->rsi,
	       tf->rdi, tf->rbp, tf->r8);
	pr_err("R9 =%016llx R10=%016llx R11=%016llx R12=%016llx", tf->r9,
	       tf->r10, tf->r11, tf->r12);
	pr_err("R13=%016llx R14=%016llx R15=%016llx", tf->r13, tf->r14,
	       tf->r15);
	dump_control_regs();
	dump_stack_trace(tf->rbp, tf->rsp);
	power_off(TDP_STATUS_PANIC);
}

void panic(const char *fmt, ...)
{
	u64 rbp = (u64)(uintptr_t)__builtin_frame_address(0);
	u64 rsp;
	char msg[256];
	va_list ap;

	asm volatile("cli; mov %%rsp, %0" : "=r"(rsp));
	if (trap_depth++) {
		pr_err("PANIC while panicking; stopping");
		power_off(TDP_STATUS_PANIC);
	}
	va_start(ap, fmt);
	fmt_vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pr_err("PANIC: %s", msg);
	dump_control_regs();
	dump_stack_trace(rbp, rsp);
	power_off(TDP_STATUS_PANIC);
}
