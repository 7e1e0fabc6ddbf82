// SPDX-License-Identifier: GPL-2.0
/*
 * Port I/O exits (every port exits: unconditional I/O exiting).  The port
 * map (dev/ports.c) says which device answers; this file completes the
 * access: COM1 bytes are collected per line and printed on the host
 * console as "[guest NAME] text", an isa-debug-exit write ends the guest
 * with the value as status, and absent ports are counted.  String and REP
 * I/O is refused with a clear error.
 */
#include "hv/dev/ports.h"
#include "hv/vm.h"
#include "hv/vmx/vmx_ops.h"
#include "guest_abi.h"

static void console_byte(struct vm *vm, u8 c)
{
	/* Past the limit: count the byte, skip the line buffer. */
	if (vm->con_limit && vm->con_bytes >= vm->con_limit) {
		vm_console_admit(vm, 1);
		return;
	}
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

void vm_handle_io(struct vm *vm, u64 q)
{
	unsigned int size = IO_QUAL_SIZE(q);
	u16 port = IO_QUAL_PORT(q);
	u64 *rax = &vm->vcpu.regs.regs[X86_GPR_RAX];
	u64 mask = size == 4 ? 0xffffffffULL : size == 2 ? 0xffff : 0xff;

	if (q & (IO_QUAL_STRING | IO_QUAL_REP)) {
		vm_stop(vm, VM_GUEST_ERROR,
			"string/REP I/O (%s) on port 0x%x is not supported",
			q & IO_QUAL_IN ? "INS" : "OUTS", port);
		return;
	}
	u64 v = *rax & mask;
	bool in = q & IO_QUAL_IN;

	vcpu_advance_rip(vm);
	switch (pio_access(port, size, in, &v)) {
	case PIO_NONE:
		break;
	case PIO_CONSOLE_BYTE:
		console_byte(vm, (u8)v);
		break;
	case PIO_EXIT:
		vm_console_flush(vm);
		vm->exit_status = v;
		vm_stop(vm, VM_EXITED, "isa-debug-exit: status %llu", v);
		break;
	case PIO_UNHANDLED:
		vm->stats.io_unhandled++;
		break;
	}
	/* A 32-bit IN zero-extends into RAX; 8/16-bit ones merge. */
	if (in)
		*rax = size == 4 ? v : (*rax & ~mask) | v;
}
