// SPDX-License-Identifier: GPL-2.0
/* Runtime for the built-in test guests; see guest.h. */
#include "guest.h"

static int failures;

long hypercall(u32 nr, u32 a0, u32 a1, u32 a2, u32 a3)
{
	long ret;

	asm volatile("vmcall"
		     : "=a"(ret)
		     : "a"(nr), "b"(a0), "c"(a1), "d"(a2), "S"(a3)
		     : "memory");
	return ret;
}

void outb(u16 port, u8 v)
{
	asm volatile("outb %0, %1" ::"a"(v), "Nd"(port));
}

void outl(u16 port, u32 v)
{
	asm volatile("outl %0, %1" ::"a"(v), "Nd"(port));
}

u8 inb(u16 port)
{
	u8 v;

	asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

u32 inl(u16 port)
{
	u32 v;

	asm volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

void cpuid(u32 leaf, u32 sub, u32 *a, u32 *b, u32 *c, u32 *d)
{
	asm volatile("cpuid"
		     : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d)
		     : "a"(leaf), "c"(sub));
}

void *memset(void *d, int c, size_t n)
{
	u8 *p = d;

	while (n--)
		*p++ = (u8)c;
	return d;
}

void *memcpy(void *d, const void *s, size_t n)
{
	u8 *p = d;
	const u8 *q = s;

	while (n--)
		*p++ = *q++;
	return d;
}

void putc_com1(char c)
{
	while (!(inb(COM1_PORT + 5) & 0x20))
		;
	outb(COM1_PORT, (u8)c);
}

static void put_u32(u32 v, unsigned int base, int width, char pad)
{
	char tmp[12];
	int n = 0;

	do {
		tmp[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	while (width-- > n)
		putc_com1(pad);
	while (n)
		putc_com1(tmp[--n]);
}

/* %s %c %d %u %x %08x %llx (64-bit hex only: no 64-bit division here) */
void printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	for (; *fmt; fmt++) {
		int width = 0, ll = 0;
		char pad = ' ';

		if (*fmt != '%') {
			putc_com1(*fmt);
			continue;
		}
		fmt++;
		if (*fmt == '0')
			pad = '0';
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		while (*fmt == 'l')
			ll++, fmt++;
		switch (*fmt) {
		case 's': {
			const char *s = va_arg(ap, const char *);

			while (*s)
				putc_com1(*s++);
			break;
		}
		case 'c':
			putc_com1((char)va_arg(ap, int));
			break;
		case 'd': {
			int v = va_arg(ap, int);

			if (v < 0) {
				putc_com1('-');
				v = -v;
			}
			put_u32((u32)v, 10, width, pad);
			break;
		}
		case 'u':
			put_u32(va_arg(ap, u32), 10, width, pad);
			break;
		case 'x':
			if (ll >= 2) {
				u64 v = va_arg(ap, u64);

				if (v >> 32) {
					put_u32((u32)(v >> 32), 16, 0, '0');
					put_u32((u32)v, 16, 8, '0');
				} else {
					put_u32((u32)v, 16, width, pad);
				}
			} else {
				put_u32(va_arg(ap, u32), 16, width, pad);
			}
			break;
		default:
			putc_com1('%');
			putc_com1(*fmt);
		}
	}
	va_end(ap);
}

void report(const char *name, int pass)
{
	if (!pass)
		failures++;
	/* A report the hypervisor refused (a name too long or unreadable)
	 * was never printed: it counts as a failure, named on COM1. */
	if (hypercall(HC_REPORT, (u32)(uintptr_t)name, pass ? 1 : 0, 0, 0) <
	    0) {
		failures++;
		printf("FAIL: report refused by the hypervisor: %s\n", name);
	}
}

int report_failures(void)
{
	return failures;
}

void guest_exit(u32 status)
{
	hypercall(HC_EXIT, status, 0, 0, 0);
	for (;;)
		asm volatile("cli; hlt");
}

/* --- exceptions: a flat GDT and an IDT with a recoverable #GP --- */

struct gate {
	u16 off_lo, sel;
	u8 zero, type;
	u16 off_hi;
} __attribute__((packed));

/* Vectors 0-21 are exceptions; USER_RETURN_VECTOR ends run_user(); the
 * others reach the handlers set by irq_set(). */
#define USER_RETURN_VECTOR 48
#define FIRST_GENERIC_VECTOR 22
static struct gate idt[256];
static irq_fn handlers[256];
/*
 * Flat ring-0 code (0x08) and data (0x10), flat ring-3 code (0x1b) and
 * data (0x23), and a 32-bit TSS (0x28) filled in by run_user().
 */
static u64 gdt[6] = { 0,
		      0x00cf9a000000ffffULL,
		      0x00cf92000000ffffULL,
		      0x00cffa000000ffffULL,
		      0x00cff2000000ffffULL,
		      0 };
static volatile u32 gp_recover_eip; /* non-zero: a #GP resumes there */
static volatile int gp_count;
static volatile u32 gp_last_vector;

struct frame {
	u32 vector, error, eip, cs, eflags;
};

void guest_trap(struct frame *f);
void guest_trap(struct frame *f)
{
	if (handlers[f->vector]) {
		handlers[f->vector](f->vector, f->error);
		return;
	}
	if ((f->vector == 13 || f->vector == 6) && gp_recover_eip) {
		f->eip = gp_recover_eip;
		gp_recover_eip = 0;
		gp_last_vector = f->vector;
		gp_count++;
		return;
	}
	printf("guest: unexpected exception %u, error 0x%x at EIP 0x%x\n",
	       f->vector, f->error, f->eip);
	guest_exit(99);
}

/* Vector entries: push a dummy error code where the CPU pushes none. */
asm(".text\n"
    "trap_common:\n"
    "  pushal\n"
    "  lea 32(%esp), %eax\n"
    "  push %eax\n"
    "  call guest_trap\n"
    "  add $4, %esp\n"
    "  popal\n"
    "  add $8, %esp\n"
    "  iret\n"
    ".macro vec_entry n, err\n"
    "trap_entry_\\n:\n"
    "  .if \\err == 0\n"
    "  push $0\n"
    "  .endif\n"
    "  push $\\n\n"
    "  jmp trap_common\n"
    ".endm\n"
    "vec_entry 0,0\n vec_entry 1,0\n vec_entry 2,0\n vec_entry 3,0\n vec_entry 4,0\n vec_entry 5,0\n"
    "vec_entry 6,0\n vec_entry 7,0\n vec_entry 8,1\n vec_entry 9,0\n vec_entry 10,1\n vec_entry 11,1\n"
    "vec_entry 12,1\n vec_entry 13,1\n vec_entry 14,1\n vec_entry 15,0\n vec_entry 16,0\n vec_entry 17,1\n"
    "vec_entry 18,0\n vec_entry 19,0\n vec_entry 20,0\n vec_entry 21,1\n"
    /* Vectors 22-255: one 16-byte entry each, at generic_vector_entries + 16 * (n - 22). */
    ".balign 16\n"
    "generic_vector_entries:\n"
    ".set vecno, 22\n"
    ".rept 234\n"
    "  .balign 16\n"
    "  push $0\n"
    "  push $vecno\n"
    "  jmp trap_common\n"
    "  .set vecno, vecno + 1\n"
    ".endr\n");
extern char generic_vector_entries[];

#define VEC_ENTRY(n) extern char trap_entry_##n[]
VEC_ENTRY(0);
VEC_ENTRY(1);
VEC_ENTRY(2);
VEC_ENTRY(3);
VEC_ENTRY(4);
VEC_ENTRY(5);
VEC_ENTRY(6);
VEC_ENTRY(7);
VEC_ENTRY(8);
VEC_ENTRY(9);
VEC_ENTRY(10);
VEC_ENTRY(11);
VEC_ENTRY(12);
VEC_ENTRY(13);
VEC_ENTRY(14);
VEC_ENTRY(15);
VEC_ENTRY(16);
VEC_ENTRY(17);
VEC_ENTRY(18);
VEC_ENTRY(19);
VEC_ENTRY(20);
VEC_ENTRY(21);

/* --- ring 3: run_user() irets to CPL 3, user_return() comes back --- */

static u32 tss[26] __attribute__((aligned(16))); /* 104-byte 32-bit TSS */
u8 user_stack[4096] __attribute__((aligned(16)));
static u8 user_kstack[4096] __attribute__((aligned(16)));
u32 user_saved_esp;
extern char user_return_entry[];

/*
 * run_user(fn): saves the callee-saved registers and ESP, then irets to
 * @fn at CPL 3 (CS 0x1b, SS/DS/ES/FS/GS 0x23, EFLAGS 0x2: IF=0, IOPL 0).
 * The INT USER_RETURN_VECTOR gate switches to the TSS's ring-0 stack;
 * its handler reloads the kernel segments and the saved ESP and returns
 * from run_user().
 */
asm(".text\n"
    ".global run_user_asm\n"
    "run_user_asm:\n"
    "  push %ebp\n push %ebx\n push %esi\n push %edi\n"
    "  mov %esp, user_saved_esp\n"
    "  mov 20(%esp), %eax\n"
    "  mov $0x23, %ecx\n"
    "  mov %cx, %ds\n mov %cx, %es\n mov %cx, %fs\n mov %cx, %gs\n"
    "  push $0x23\n"
    "  push $user_stack + 4096\n"
    "  push $0x2\n"
    "  push $0x1b\n"
    "  push %eax\n"
    "  iret\n"
    ".global user_return_entry\n"
    "user_return_entry:\n"
    "  mov $0x10, %eax\n"
    "  mov %ax, %ds\n mov %ax, %es\n mov %ax, %fs\n mov %ax, %gs\n"
    "  mov %ax, %ss\n"
    "  mov user_saved_esp, %esp\n"
    "  pop %edi\n pop %esi\n pop %ebx\n pop %ebp\n"
    "  ret\n");

void run_user_asm(void (*fn)(void));

void run_user(void (*fn)(void))
{
	static int tr_loaded;
	u32 base = (u32)(uintptr_t)tss, limit = sizeof(tss) - 1;

	if (!tr_loaded) {
		tss[1] = (u32)(uintptr_t)(user_kstack + sizeof(user_kstack));
		tss[2] = 0x10; /* SS0 */
		tss[25] = sizeof(tss) << 16; /* I/O map base: none */
		/* Present, DPL 0, 32-bit available TSS (type 9). */
		gdt[5] = (limit & 0xffff) | ((u64)(base & 0xffffff) << 16) |
			 (0x89ULL << 40) | ((u64)(limit >> 16) << 48) |
			 ((u64)(base >> 24) << 56);
		asm volatile("ltr %w0" ::"r"(0x28));
		tr_loaded = 1;
	}
	run_user_asm(fn);
}

void user_return(void)
{
	asm volatile("int $48");
	for (;;)
		;
}

void idt_init(void)
{
	static char *const entries[] = {
		trap_entry_0,  trap_entry_1,  trap_entry_2,  trap_entry_3,
		trap_entry_4,  trap_entry_5,  trap_entry_6,  trap_entry_7,
		trap_entry_8,  trap_entry_9,  trap_entry_10, trap_entry_11,
		trap_entry_12, trap_entry_13, trap_entry_14, trap_entry_15,
		trap_entry_16, trap_entry_17, trap_entry_18, trap_entry_19,
		trap_entry_20, trap_entry_21,
	};
	struct {
		u16 limit;
		u32 base;
	} __attribute__((packed))
	gdtr = { sizeof(gdt) - 1, (u32)(uintptr_t)gdt },
	idtr = { sizeof(idt) - 1, (u32)(uintptr_t)idt };

	for (unsigned int i = 0; i < sizeof(entries) / sizeof(entries[0]);
	     i++) {
		u32 h = (u32)(uintptr_t)entries[i];

		idt[i] = (struct gate){ (u16)h, 0x08, 0, 0x8e, (u16)(h >> 16) };
	}
	for (unsigned int i = FIRST_GENERIC_VECTOR; i < 256; i++) {
		u32 h = (u32)(uintptr_t)generic_vector_entries +
			16 * (i - FIRST_GENERIC_VECTOR);

		idt[i] = (struct gate){ (u16)h, 0x08, 0, 0x8e, (u16)(h >> 16) };
	}
	{
		u32 h = (u32)(uintptr_t)user_return_entry;

		/* DPL 3: ring-3 code may raise it with INT. */
		idt[USER_RETURN_VECTOR] =
			(struct gate){ (u16)h, 0x08, 0, 0xee, (u16)(h >> 16) };
	}
	asm volatile("lgdt %0\n"
		     "ljmp $0x08, $1f\n"
		     "1: mov $0x10, %%ax\n"
		     "mov %%ax, %%ds\n mov %%ax, %%es\n mov %%ax, %%ss\n"
		     "mov %%ax, %%fs\n mov %%ax, %%gs\n"
		     :
		     : "m"(gdtr)
		     : "eax", "memory");
	asm volatile("lidt %0" ::"m"(idtr));
}

int fault_count(void)
{
	return gp_count;
}

u32 last_fault_vector(void)
{
	return gp_last_vector;
}

/* Arms recovery at @eip for the next #GP or #UD (see TRY_INSN). */
void fault_recover_at(u32 eip)
{
	gp_recover_eip = eip;
}

int rdmsr_safe(u32 msr, u64 *v)
{
	u32 lo = 0, hi = 0;
	int gp = gp_count;

	asm volatile("movl $1f, %2\n"
		     "rdmsr\n"
		     "1:"
		     : "=a"(lo), "=d"(hi), "=m"(gp_recover_eip)
		     : "c"(msr)
		     : "memory");
	gp_recover_eip = 0;
	*v = ((u64)hi << 32) | lo;
	return gp_count != gp ? -1 : 0;
}

int wrmsr_safe(u32 msr, u64 v)
{
	int gp = gp_count;

	asm volatile("movl $1f, %0\n"
		     "wrmsr\n"
		     "1:"
		     : "=m"(gp_recover_eip)
		     : "c"(msr), "a"((u32)v), "d"((u32)(v >> 32))
		     : "memory");
	gp_recover_eip = 0;
	return gp_count != gp ? -1 : 0;
}

void irq_set(u8 vector, irq_fn fn)
{
	handlers[vector] = fn;
}

void idt_set_present(u8 vector, int present)
{
	if (present)
		idt[vector].type |= 0x80;
	else
		idt[vector].type &= (u8)~0x80;
}

u32 tsc_khz(void)
{
	u32 a, b, c, d;

	cpuid(0x40000010, 0, &a, &b, &c, &d);
	return a ? a : 1000000;
}

int wait_for(volatile u32 *flag, u32 want, u32 ms)
{
	u64 end = rdtsc() + (u64)tsc_khz() * ms;

	while (*flag < want)
		if (rdtsc() > end)
			return 0;
	return 1;
}

void pic_init_masked(void)
{
	static const u8 seq[2][4] = { { 0x11, 0x20, 0x04, 0x01 },
				      { 0x11, 0x28, 0x02, 0x01 } };

	for (int i = 0; i < 2; i++) {
		u16 base = i ? 0xa0 : 0x20;

		outb(base, seq[i][0]);
		outb(base + 1, seq[i][1]);
		outb(base + 1, seq[i][2]);
		outb(base + 1, seq[i][3]);
		outb(base + 1, 0xff);
	}
}
