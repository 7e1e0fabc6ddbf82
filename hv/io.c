// SPDX-License-Identifier: GPL-2.0
/*
 * Port I/O exits (every port exits: unconditional I/O exiting) and the
 * host console's input.  The platform (dev/platform.c) says which device
 * answers a port; this file completes the access: bytes the guest's COM1
 * sends are collected per line and printed on the host console as
 * "[guest NAME] text", an isa-debug-exit write ends the guest with the
 * value as status, a reset request (i8042 0xFE, port 0xcf9) ends it as
 * "reset requested", and absent ports are counted.  String and REP I/O is
 * refused with a clear error.
 *
 * Bytes typed on the host's serial console go to the guest's COM1
 * receiver (a 16550, dev/uart16550.c), except the escape key, Ctrl-A
 * (0x01), which tdpvisor keeps: Ctrl-A then x stops the guest, Ctrl-A
 * then h prints this list, and Ctrl-A twice sends one Ctrl-A.
 */
#include "console.h"
#include "hv/vm.h"
#include "hv/vmx/vmx_ops.h"
#include "guest_abi.h"
#include "x86.h"

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

	u8 byte = 0;

	vcpu_advance_rip(vm);
	switch (platform_pio(&vm->plat, port, size, in, &v, &byte)) {
	case PLATFORM_IO_DONE:
		break;
	case PLATFORM_IO_TX:
		console_byte(vm, byte);
		break;
	case PLATFORM_IO_EXIT:
		vm_console_flush(vm);
		vm->exit_status = v;
		vm_stop(vm, VM_EXITED, "isa-debug-exit: status %llu", v);
		break;
	case PLATFORM_IO_RESET:
		vm_console_flush(vm);
		vm_stop(vm, VM_RESET, "reset requested (port 0x%x)", port);
		break;
	case PLATFORM_IO_POWEROFF:
		vm_console_flush(vm);
		vm_stop(vm, VM_POWEROFF, "ACPI S5 through PM1a_CNT (port 0x%x)",
			port);
		break;
	case PLATFORM_IO_UNHANDLED:
		vm->stats.io_unhandled++;
		break;
	}
	/* A 32-bit IN zero-extends into RAX; 8/16-bit ones merge. */
	if (in)
		*rax = size == 4 ? v : (*rax & ~mask) | v;
}

#define ESCAPE_KEY 0x01 /* Ctrl-A */
#define INPUT_POLL_MAX 64 /* bytes taken per poll */

static void escape_command(struct vm *vm, u8 c)
{
	switch (c) {
	case ESCAPE_KEY:
		platform_uart_rx(&vm->plat, c);
		break;
	case 'x':
	case 'X':
		vm_console_flush(vm);
		vm_stop(vm, VM_STOPPED, "Ctrl-A x typed");
		break;
	case 'h':
	case 'H':
	case '?':
		pr_info("console escape: Ctrl-A x stops the guest, Ctrl-A Ctrl-A sends Ctrl-A, Ctrl-A h prints this");
		break;
	default:
		pr_info("console escape: unknown command 0x%02x after Ctrl-A (Ctrl-A h for help)",
			c);
		break;
	}
}

/**
 * vm_console_poll() - move bytes typed on the host console to the guest's
 * COM1 receiver (at most once a millisecond of host time, since each look
 * is a port access on the host UART), handling the escape key.
 *
 * Context: the vCPU's thread.
 */
void vm_console_poll(struct vm *vm)
{
	u64 now = rdtsc();
	int c;

	if (now - vm->input_poll_tsc < console_tsc_khz())
		return;
	vm->input_poll_tsc = now;
	for (int i = 0; i < INPUT_POLL_MAX; i++) {
		/* Leave bytes in the host UART while COM1 is full. */
		if (!vm->escape && !uart16550_rx_room(&vm->plat.com1))
			return;
		c = console_read_byte();
		if (c < 0)
			return;
		if (vm->escape) {
			vm->escape = false;
			escape_command(vm, (u8)c);
			if (vm->outcome != VM_RUNNING)
				return;
		} else if (c == ESCAPE_KEY) {
			vm->escape = true;
		} else {
			platform_uart_rx(&vm->plat, (u8)c);
		}
	}
}
