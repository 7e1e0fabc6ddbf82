; SPDX-License-Identifier: GPL-2.0
; A flat binary (no multiboot header): loaded and entered at 1 MiB.
%include "common.inc"

bits 32
org 0x100000
	mov esp, 0x90000
	mov esi, hello
	call print_str
	EXIT_STATUS 0

DEFINE_PRINT
hello: db "flat guest: flat binary at 1 MiB running", 10, 0
