/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The built-in guests, one row each: the one list that the config parser
 * (which rejects unknown names when it reads `guest`) and the guest runner
 * (hv/guests.c) both take.  Each NAME is guest/NAME.c, built into the image.
 *
 * X(NAME, EXPECT, TEST, PRIVATE, WHAT):
 *   EXPECT   how it must end: a vm_outcome without its VM_ prefix
 *            (EXITED means exit status 0)
 *   TEST     part of `guest = tests`
 *   PRIVATE  runs with private memory (mirror root, S-EPT)
 *   WHAT     one line for the list of built-ins
 */
#ifndef TDPVISOR_BUILTIN_GUESTS_H
#define TDPVISOR_BUILTIN_GUESTS_H

#define BUILTIN_GUESTS(X)                                                      \
	X(demo, EXITED, false, true, "the `make run` demo")                    \
	X(cpuid, EXITED, true, false, "CPUID exits and the filtered leaves")   \
	X(hlt, HALTED, true, false,                                            \
	  "HLT woken by the LAPIC timer; ends with HLT, IF=0")                 \
	X(lapictimer, EXITED, false, false,                                    \
	  "LAPIC timer one-shot, periodic, TSC-deadline, masked")              \
	X(irqwin, EXITED, false, false,                                        \
	  "an interrupt pending at IF=0 is delivered after STI's shadow")      \
	X(nmi, EXITED, false, false,                                           \
	  "NMI self-IPI; NMIs held while in service")                          \
	X(pit, EXITED, false, false,                                           \
	  "periodic PIT via PIC + LINT0 ExtINT, then via IOAPIC pin 2")        \
	X(rtc, EXITED, false, false,                                           \
	  "RTC periodic interrupt on IRQ8 via IOAPIC pin 8")                   \
	X(dfault, TRIPLE_FAULT, false, false,                                  \
	  "#GP in delivery -> #DF; a fault delivering #DF: triple fault")      \
	X(io, EXITED, true, false, "port I/O: COM1, absent ports, debug-exit") \
	X(msr, EXITED, true, false, "RDMSR/WRMSR allow-list and #GP")          \
	X(insn, EXITED, true, false, "VMX insns/XSETBV #UD, INVD, CR #GP")     \
	X(acpipm, POWEROFF, false, false,                                      \
	  "ACPI PM timer rate, SCI_EN, power-off through PM1a_CNT (S5)")       \
	X(echo, EXITED, false, false,                                          \
	  "console input echoed through COM1's receive interrupt")             \
	X(xsave, EXITED, false, false,                                         \
	  "XSETBV/XCR0 rules, XSAVE/XRSTOR, clean vector state per VM")        \
	X(memtest, EXITED, true, false,                                        \
	  "demand faulting, data read back, 2M leaves")                        \
	X(memslot, EXITED, true, false,                                        \
	  "memslot add/remove hypercalls and refault")                         \
	X(badhc, EXITED, true, false,                                          \
	  "bad hypercalls get errors, not a crash")                            \
	X(oob, GUEST_ERROR, true, false,                                       \
	  "access outside every memslot stops it")                             \
	X(triplefault, TRIPLE_FAULT, true, false,                              \
	  "a triple fault stops only it")                                      \
	X(mmio, EXITED, true, false,                                           \
	  "test device through MMIO SPTEs, many forms")                        \
	X(mmiobad, GUEST_ERROR, true, false,                                   \
	  "unsupported MMIO instruction stops it")                             \
	X(mmioslot, EXITED, true, false,                                       \
	  "memslot over an MMIO GPA; generation")                              \
	X(spin, TIMEOUT, false, false, "spins: the run-time limit stops it")   \
	X(convert, EXITED, true, true,                                         \
	  "private/shared conversion through the mirror root and S-EPT")       \
	X(privwrong, GUEST_ERROR, true, true,                                  \
	  "shared access to a private page stops it")                          \
	X(hcuser, EXITED, false, false, "hypercalls from CPL 3 get EPERM")     \
	X(flood, EXITED, false, false,                                         \
	  "console flood: warnings rate-limited, output capped")               \
	X(hcalias, EXITED, false, true,                                        \
	  "hypercall buffers obey the private/shared side (shared_bit 30)")    \
	X(efer, EXITED, false, false, "WRMSR EFER: LMA read-only, LME #GP")    \
	X(longmode, EXITED, false, false,                                      \
	  "Linux-style entry to IA-32e mode by MOV CR0")                       \
	X(straddle, EXITED, false, false,                                      \
	  "an access straddling RAM and MMIO is split")                        \
	X(ptmmio, GUEST_ERROR, false, false,                                   \
	  "a guest page table in MMIO stops it by name")                       \
	X(x2apic, EXITED, false, false,                                        \
	  "x2APIC mode: MSR registers, IPIs, timer, IA32_APIC_BASE #GPs")

#endif
