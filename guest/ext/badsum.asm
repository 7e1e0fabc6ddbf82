; SPDX-License-Identifier: GPL-2.0
; A malformed image: a multiboot header whose checksum is wrong.  The
; loader must refuse it with an error that says so, and the run goes on.
bits 32
	dd 0x1badb002
	dd 0
	dd 0x12345678
	hlt
