// SPDX-License-Identifier: GPL-2.0
/*
 * Port I/O exits (all port I/O exits: unconditional I/O exiting).
 * COM1 (0x3f8-0x3ff): output only; bytes are collected per line and
 * printed on the host console as "[guest NAME] text".  LSR always reads
 * THR-empty, so a guest polling driver never waits.
 * isa-debug-exit (0xf4): a write ends the guest with the value as status.
 * Other ports read as all-ones and ignore writes (an absent device), and
 * are counted.  String and REP I/O is refused with a clear error.
 */
#include "hv/vm.h"
#include "hv/vmx_ops.h"
#include "guest_abi.h"

#define COM1_LSR (COM1_PORT + 5)
#define COM1_LAST (COM1_PORT + 7)

void vm_console_flush(struct vm *vm)
{
	if (!vm->con_len)
		return;
	vm->con_line[vm->con_len] = '\0';
	pr_info("[guest %s] %s", vm->name, vm->con_line);
	vm->con_len = 0;
}

static void console_byte(struct vm *vm, u8 c)
{
	if (c == '\n') {
		vm_console_flush(vm);
		return;
	}
	if (c == '\r')
		return;
	if (c < 0x20 || c > 0x7e)
		c = '?';
	vm->con_line[vm->con_len++] = (char)c;
	if (vm->con_len >= VM_CON_LINE_MAX - 1)
		vm_console_flush(vm);
}

static u64 io_read(struct vm *vm, u16 port, unsigned int size)
{
	u64 ones = size == 4 ? 0xffffffffULL : size == 2 ? 0xffff : 0xff;

	if (port == COM1_LSR)
		return 0x60; /* THR empty, transmitter empty */
	if (port >= COM1_PORT && port <= COM1_LAST)
		return 0;
	vm->stats.io_unhandled++;
	return ones;
}

static void io_write(struct vm *vm, u16 port, unsigned int size, u64 v)
{
	if (port == COM1_PORT) {
		console_byte(vm, (u8)v);
		return;
	}
	if (port > COM1_PORT && port <= COM1_LAST)
		return; /* line set-up: accepted and ignored */
	if (port == DEBUG_EXIT_PORT) {
		vm_console_flush(vm);
		vm->exit_status = v;
		vm_stop(vm, VM_EXITED, "isa-debug-exit: status %llu",
			(unsigned long long)v);
		return;
	}
	(void)size;
	vm->stats.io_unhandled++;
}

void vm_handle_io(struct vm *vm, u64 q)
{
	unsigned int size = IO_QUAL_SIZE(q);
	u16 port = IO_QUAL_PORT(q);
	u64 *rax = &vm->vcpu.regs.regs[X86_GPR_RAX];
	u64 mask = size == 4 ? 0xffffffffULL : size == 2 ? 0xffff : 0xff;

	if (q & (IO_QUAL_STRING | IO_QUAL_REP)) {
		vm_stop(vm, VM_GUEST_ERROR, "string/REP I/O (%s) on port 0x%x "
			"is not supported", q & IO_QUAL_IN ? "INS" : "OUTS",
			port);
		return;
	}
	vcpu_advance_rip(vm);
	if (q & IO_QUAL_IN) {
		u64 v = io_read(vm, port, size) & mask;

		/* A 32-bit IN zero-extends into RAX; 8/16-bit ones merge. */
		*rax = size == 4 ? v : (*rax & ~mask) | v;
	} else {
		io_write(vm, port, size, *rax & mask);
	}
}
