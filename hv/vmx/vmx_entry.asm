; SPDX-License-Identifier: GPL-2.0
; VM entry and exit (SDM Vol. 3, 28 "VM Entries", 29 "VM Exits").
;
; int vmx_enter(struct vcpu *vcpu)
;   Saves the host's callee-saved registers, points HOST_RSP at this frame,
;   loads the guest GPRs from *vcpu (RSP comes from the VMCS), and executes
;   VMLAUNCH (first run) or VMRESUME.  A VM exit lands at vmx_exit (the
;   VMCS HOST_RIP), which stores the guest GPRs back into *vcpu and returns
;   0.  A failed VMLAUNCH/VMRESUME returns 1 (VMfailInvalid) or 2
;   (VMfailValid; the reason is in the VM-instruction error field).
; Offsets come from build/gen/asm_offsets.inc (struct vcpu in hv/vm.h).

%include "asm_offsets.inc"

bits 64
default rel
section .text

global vmx_enter
global vmx_exit

vmx_enter:
	push rbp
	mov rbp, rsp
	push rbx
	push r12
	push r13
	push r14
	push r15
	push rdi			; the vcpu pointer, found again at exit
	mov rax, VMCS_HOST_RSP_ASM
	vmwrite rax, rsp
	jbe .write_failed		; CF or ZF: VMfailInvalid/VMfailValid

	mov rax, [rdi + VCPU_CR2]
	mov cr2, rax
	mov rax, [rdi + VCPU_RAX]
	mov rbx, [rdi + VCPU_RBX]
	mov rcx, [rdi + VCPU_RCX]
	mov rdx, [rdi + VCPU_RDX]
	mov rsi, [rdi + VCPU_RSI]
	mov rbp, [rdi + VCPU_RBP]
	mov r8, [rdi + VCPU_R8]
	mov r9, [rdi + VCPU_R9]
	mov r10, [rdi + VCPU_R10]
	mov r11, [rdi + VCPU_R11]
	mov r12, [rdi + VCPU_R12]
	mov r13, [rdi + VCPU_R13]
	mov r14, [rdi + VCPU_R14]
	mov r15, [rdi + VCPU_R15]
	cmp byte [rdi + VCPU_LAUNCHED], 0
	mov rdi, [rdi + VCPU_RDI]	; mov leaves the flags alone
	je .launch
	vmresume
	jmp .failed
.launch:
	vmlaunch
.failed:
	; Only reached when the instruction failed; the flags say how.
	mov eax, 1
	jc .out
	mov eax, 2
	jmp .out
.write_failed:
	mov eax, 1
	jc .out
	mov eax, 2
.out:
	pop rdi
	pop r15
	pop r14
	pop r13
	pop r12
	pop rbx
	pop rbp
	ret

vmx_exit:
	; RSP = HOST_RSP: [rsp] is the vcpu pointer pushed above.
	push rdi			; guest RDI
	mov rdi, [rsp + 8]
	mov [rdi + VCPU_RAX], rax
	mov [rdi + VCPU_RBX], rbx
	mov [rdi + VCPU_RCX], rcx
	mov [rdi + VCPU_RDX], rdx
	mov [rdi + VCPU_RSI], rsi
	mov [rdi + VCPU_RBP], rbp
	mov [rdi + VCPU_R8], r8
	mov [rdi + VCPU_R9], r9
	mov [rdi + VCPU_R10], r10
	mov [rdi + VCPU_R11], r11
	mov [rdi + VCPU_R12], r12
	mov [rdi + VCPU_R13], r13
	mov [rdi + VCPU_R14], r14
	mov [rdi + VCPU_R15], r15
	pop rax
	mov [rdi + VCPU_RDI], rax
	mov rax, cr2
	mov [rdi + VCPU_CR2], rax
	mov byte [rdi + VCPU_LAUNCHED], 1
	xor eax, eax
	pop rdi
	pop r15
	pop r14
	pop r13
	pop r12
	pop rbx
	pop rbp
	ret

section .note.GNU-stack noalloc noexec nowrite progbits
