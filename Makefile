# tdpvisor — one non-recursive Makefile.  All outputs go under build/.
#
#   make            build/tdpvisor.efi (+ .elf with symbols, .dis disassembly)
#   make run        set up dependencies, build, boot (KVM nested > Bochs > TCG)
#   make test       set up dependencies, host tests + QEMU TCG + Bochs tests
#   make bench      host MMU benchmarks
#   make usb        build/tdpvisor-usb.img (GPT + FAT32 ESP) for a USB stick
#   make format-check   clang-format --dry-run on every C source

.DEFAULT_GOAL := all
.SUFFIXES:
.DELETE_ON_ERROR:
.SECONDARY:

BUILD      := build
V          ?= 0
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
# The top-level make sets the job count; sub-makes share its job server.
ifeq ($(MAKELEVEL),0)
MAKEFLAGS  += -j$(JOBS)
endif
MAKEFLAGS  += --no-print-directory
Q          := $(if $(filter 1,$(V)),,@)

# ---------------------------------------------------------------------------
# Image (freestanding, GNU-EFI)
# ---------------------------------------------------------------------------
IMG_CC     ?= gcc
LD         ?= ld
OBJCOPY    ?= objcopy
OBJDUMP    ?= objdump
NASM       ?= nasm
EFI_INC    := /usr/include/efi
EFI_LIB    := /usr/lib
EFI_CRT0   := $(EFI_LIB)/crt0-efi-x86_64.o

IMG_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -MMD -MP \
	-ffreestanding -fpic -fno-stack-protector -fno-stack-check \
	-fshort-wchar -mno-red-zone -maccumulate-outgoing-args \
	-mno-mmx -mno-sse -mno-sse2 -mgeneral-regs-only \
	-fno-omit-frame-pointer -fno-strict-aliasing -fno-builtin \
	-Iinclude -I. -I$(BUILD)/gen
IMG_EFI_CFLAGS := -I$(EFI_INC) -I$(EFI_INC)/x86_64
IMG_LDFLAGS := -nostdlib -znocombreloc -shared -Bsymbolic --no-undefined \
	-T linker.ld -L$(EFI_LIB)
NASMFLAGS  := -f elf64 -g -F dwarf -Iinclude/ -I$(BUILD)/gen/

# Source folders.  The tree, not a file list, says what is portable:
# every C file of a portable folder executes no privileged instruction and
# is built twice, into the image and (whole folders) for the host tests.
#   lib/ boot/ drivers/   libc-free helpers, the config parser, UART/ACPI/
#                         SMBIOS/console-format logic
#   mmu/ mmu/sept/        the TDP MMU and the simulated S-EPT backend
#   hv/emul/ hv/dev/      x86 decoder, emulator and guest page walk; device
#   hv/load/              models; guest loaders
#   hv/vmx/check/         the SDM's VM-entry checks as a pure function
# The image-only folders hold what needs the machine:
#   boot/efi/             UEFI entry (the only code that sees <efi.h>)
#   drivers/hw/           host console and power-off (port I/O, TSC, HLT)
#   lib/libc/             the image's libc subset (the host has its own)
#   hv/                   VM and vCPU objects, run loop, hypercalls, guests
#   hv/vmx/               VMX glue: VMXON, VMCS, entry/exit, exit handlers
PORTABLE_DIRS := lib boot drivers mmu mmu/sept hv/emul hv/dev hv/load \
	hv/vmx/check
IMAGE_DIRS    := boot/efi drivers/hw lib/libc hv hv/vmx
PORTABLE_SRCS := $(sort $(wildcard $(addsuffix /*.c,$(PORTABLE_DIRS))))
IMAGE_SRCS    := $(sort $(wildcard $(addsuffix /*.c,$(IMAGE_DIRS))))
HV_ASM        := $(wildcard hv/*.asm hv/vmx/*.asm)

# A C file in a folder that is in neither list would silently not be built.
UNLISTED := $(filter-out $(PORTABLE_SRCS) $(IMAGE_SRCS) hv/gen/%,\
	$(shell find boot drivers hv lib mmu -name '*.c'))
$(if $(UNLISTED),$(error $(UNLISTED): in no source folder of the Makefile (add its folder to PORTABLE_DIRS or IMAGE_DIRS)))

IMG_SRCS := $(PORTABLE_SRCS) $(IMAGE_SRCS)
IMG_OBJS := $(IMG_SRCS:%.c=$(BUILD)/img/%.o) $(HV_ASM:%.asm=$(BUILD)/img/%.o)

# Built-in guests: each guest/NAME.c is one multiboot ELF32 kernel, linked
# with guest/lib/, and linked into the image by a generated incbin file.
GUEST_NAMES  := $(patsubst guest/%.c,%,$(wildcard guest/*.c))
GUEST_ELFS   := $(GUEST_NAMES:%=$(BUILD)/guest/%.elf)
# The guests share the image's string functions (lib/libc/string.c,
# compiled a second time for 32 bits).
GUEST_LIB    := $(BUILD)/guest/lib/crt0.o $(BUILD)/guest/lib/lib.o \
	$(BUILD)/guest/lib/paging.o $(BUILD)/guest/libc/string.o
GUEST_CFLAGS := -m32 -std=gnu11 -O2 -g -Wall -Wextra -Werror -MMD -MP \
	-ffreestanding -fno-pic -fno-pie -fno-stack-protector -fno-builtin \
	-fno-delete-null-pointer-checks \
	-mno-sse -mno-mmx -mgeneral-regs-only -fno-asynchronous-unwind-tables \
	-Iinclude -Iguest/lib
IMG_OBJS += $(BUILD)/img/gen/guest_blobs.o

# Test images loaded from the ESP (guest/ext/*.asm): the loader's other
# formats.  NAME.asm -> NAME.bin (flat/a.out) or NAME.elf (elf64).
EXT_GUESTS := $(BUILD)/guest/ext/aout.bin $(BUILD)/guest/ext/flat.bin \
	$(BUILD)/guest/ext/badsum.bin $(BUILD)/guest/ext/elf64.elf \
	$(BUILD)/guest/ext/long64.elf $(BUILD)/guest/ext/kutstyle.flat \
	$(BUILD)/guest/ext/kutlow.flat

# Only boot/efi/ sees the GNU-EFI headers.
$(BUILD)/img/boot/efi/%.o: IMG_CFLAGS += $(IMG_EFI_CFLAGS)

# Debian packages are installed in one place: the dependency step
# (scripts/deps.sh STEP, as root through apt-get), which `make deps` and the
# top-level targets run, each before it builds anything.  A plain build
# installs nothing; without gnu-efi or nasm it says which step to run.
.PHONY: have-build-deps
have-build-deps:
	@test -e $(EFI_CRT0) && command -v $(NASM) >/dev/null || { \
	  echo "tdpvisor: gnu-efi or nasm is not installed: run 'make deps' (make run and make test install what they need)" >&2; exit 1; }

$(BUILD)/img/%.o: %.c | have-build-deps
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(IMG_CC) $(IMG_CFLAGS) -c $< -o $@

$(BUILD)/img/%.o: %.asm | $(BUILD)/gen/asm_offsets.inc have-build-deps
	@mkdir -p $(dir $@)
	@echo "  NASM    $<"
	$(Q)$(NASM) $(NASMFLAGS) -MD $(@:.o=.d) -MT $@ $< -o $@

# Struct offsets for NASM, generated from C (bhyve's genassym).
$(BUILD)/gen/asm_offsets.inc: hv/gen/asm_offsets.c $(wildcard include/*.h hv/*.h hv/vmx/*.h) | have-build-deps
	@mkdir -p $(dir $@)
	@echo "  GEN     $@"
	$(Q)$(IMG_CC) $(filter-out -MMD -MP -g,$(IMG_CFLAGS)) -S $< -o $@.s
	$(Q)sed -n 's/.*@@OFFSET@@ \([A-Za-z_0-9]*\) \$$\{0,1\}\([0-9-]*\).*/%define \1 \2/p' $@.s > $@

# The guest's DSDT: iasl (acpica-tools) compiles hv/load/dsdt.asl into
# $(BUILD)/gen/dsdt.hex, a C array that hv/load/acpi.c includes, in every
# build of it (image, host variants, fuzzers).
IASL       ?= iasl
DSDT_HEX   := $(BUILD)/gen/dsdt.hex
$(DSDT_HEX): hv/load/dsdt.asl
	@mkdir -p $(dir $@)
	@command -v $(IASL) >/dev/null || { \
	  echo "tdpvisor: iasl (acpica-tools) is not installed: run 'make deps'" >&2; exit 1; }
	@echo "  IASL    $<"
	$(Q)$(IASL) -vs -p $(basename $@) -tc $< >/dev/null
$(BUILD)/img/hv/load/acpi.o: | $(DSDT_HEX)

$(BUILD)/guest/%.o: guest/%.c Makefile | have-build-deps
	@mkdir -p $(dir $@)
	@echo "  CC32    $<"
	$(Q)$(IMG_CC) $(GUEST_CFLAGS) -c $< -o $@

$(BUILD)/guest/libc/%.o: lib/libc/%.c Makefile | have-build-deps
	@mkdir -p $(dir $@)
	@echo "  CC32    $<"
	$(Q)$(IMG_CC) $(GUEST_CFLAGS) -c $< -o $@

$(BUILD)/guest/lib/crt0.o: guest/lib/crt0.asm | have-build-deps
	@mkdir -p $(dir $@)
	@echo "  NASM    $<"
	$(Q)$(NASM) -f elf32 $< -o $@

$(BUILD)/guest/%.elf: $(BUILD)/guest/%.o $(GUEST_LIB) guest/lib/guest.ld
	@echo "  LD32    $@"
	$(Q)$(LD) -m elf_i386 -nostdlib --no-warn-rwx-segments -T guest/lib/guest.ld $(GUEST_LIB) $< -o $@

# The guest ABI constants for NASM, from the one C header.
$(BUILD)/gen/guest_abi.inc: include/guest_abi.h Makefile | have-build-deps
	@mkdir -p $(dir $@)
	@echo "  GEN     $@"
	$(Q)$(IMG_CC) -E -dM $< | grep -E '^#define (HC_|MULTIBOOT_|DEBUG_EXIT|COM1|TESTDEV_)' | \
		sed -E 's/^#define ([A-Z0-9_]+) +\(?(-?(0x[0-9a-fA-F]+|[0-9]+))[UL]*\)?.*/%define \1 \2/' | \
		grep '^%define' > $@

$(BUILD)/guest/ext/%.bin: guest/ext/%.asm guest/ext/common.inc $(BUILD)/gen/guest_abi.inc
	@mkdir -p $(dir $@)
	@echo "  NASM    $<"
	$(Q)$(NASM) -f bin -Iguest/ext/ -I$(BUILD)/gen/ $< -o $@

$(BUILD)/guest/ext/%.elf: guest/ext/%.asm guest/ext/common.inc $(BUILD)/gen/guest_abi.inc Makefile
	@mkdir -p $(dir $@)
	@echo "  NASM    $<"
	$(Q)$(NASM) -f elf64 -Iguest/ext/ -I$(BUILD)/gen/ $< -o $(@:.elf=.o)
	$(Q)$(LD) -m elf_x86_64 -nostdlib --no-warn-rwx-segments -N \
		-Ttext=0x100000 $(@:.elf=.o) -o $@

# kvm-unit-tests' way: an ELF64 linked by a script (kutstyle.lds, like its
# x86/flat.lds), then objcopy'd to ELF32 as its .flat files are; kutstyle at
# 4 MiB as its x86_64 tests, kutlow at 32 KiB as its realmode test.
KUT_BASE_kutstyle := 0x400000
KUT_BASE_kutlow := 0x8000
$(BUILD)/guest/ext/kutstyle.o: guest/ext/kutstyle.asm guest/ext/common.inc $(BUILD)/gen/guest_abi.inc
	@mkdir -p $(dir $@)
	@echo "  NASM    $<"
	$(Q)$(NASM) -f elf64 -Iguest/ext/ -I$(BUILD)/gen/ $< -o $@

$(BUILD)/guest/ext/kutstyle.flat $(BUILD)/guest/ext/kutlow.flat: $(BUILD)/guest/ext/%.flat: $(BUILD)/guest/ext/kutstyle.o guest/ext/kutstyle.lds Makefile
	@echo "  LD      $@"
	$(Q)$(LD) -m elf_x86_64 -nostdlib --no-warn-rwx-segments \
		--defsym=KUT_BASE=$(KUT_BASE_$*) -T guest/ext/kutstyle.lds $< -o $(@:.flat=.elf64)
	$(Q)$(OBJCOPY) -O elf32-i386 $(@:.flat=.elf64) $@

$(BUILD)/gen/guest_blobs.asm: $(GUEST_ELFS) Makefile
	@mkdir -p $(dir $@)
	@echo "  GEN     $@"
	$(Q){ echo "section .rodata"; \
	  for n in $(GUEST_NAMES); do \
	    echo "global guest_blob_$${n}_start, guest_blob_$${n}_end"; \
	    echo "align 16"; \
	    echo "guest_blob_$${n}_start: incbin \"$(BUILD)/guest/$$n.elf\""; \
	    echo "guest_blob_$${n}_end:"; \
	  done; \
	  echo "section .note.GNU-stack noalloc noexec nowrite progbits"; } > $@

$(BUILD)/img/gen/guest_blobs.o: $(BUILD)/gen/guest_blobs.asm
	@mkdir -p $(dir $@)
	@echo "  NASM    $<"
	$(Q)$(NASM) -f elf64 $< -o $@

$(BUILD)/tdpvisor.elf: $(IMG_OBJS) linker.ld
	@echo "  LD      $@"
	$(Q)$(LD) $(IMG_LDFLAGS) $(EFI_CRT0) $(IMG_OBJS) -o $@ -lefi -lgnuefi

$(BUILD)/tdpvisor.efi: $(BUILD)/tdpvisor.elf
	@echo "  OBJCOPY $@"
	$(Q)$(OBJCOPY) -j .text -j .sdata -j .data -j .dynamic -j .dynsym \
		-j .rel -j .rela -j .reloc --target efi-app-x86_64 \
		--subsystem=10 $< $@
	$(Q)$(OBJDUMP) -d -S $< > $(BUILD)/tdpvisor.dis 2>/dev/null

.PHONY: all
all: $(BUILD)/tdpvisor.efi $(EXT_GUESTS)

# ---------------------------------------------------------------------------
# Host builds of the portable code: tests (ASan+UBSan, TSan), fuzz, bench
# ---------------------------------------------------------------------------
HOST_CC      ?= gcc
FUZZ_CC      ?= clang
HOST_BASE    := -std=gnu11 -g -Wall -Wextra -Werror -MMD -MP -DTDP_HOSTED \
	-DTDP_DEBUG -Iinclude -I. -I$(BUILD)/gen -Itests/host -pthread \
	-fno-omit-frame-pointer
HOST_ASAN    := $(HOST_BASE) -O1 -fsanitize=address,undefined \
	-fno-sanitize-recover=undefined
HOST_TSAN    := $(HOST_BASE) -O1 -fsanitize=thread
HOST_BENCH   := $(filter-out -DTDP_DEBUG,$(HOST_BASE)) -O2

HOST_SUPPORT  := $(wildcard tests/host/*.c)

UNIT_TESTS := $(patsubst tests/unit/%.c,%,$(wildcard tests/unit/test_*.c))
CONC_TESTS := $(patsubst tests/conc/%.c,%,$(wildcard tests/conc/test_*.c))
FUZZERS    := $(patsubst tests/fuzz/%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
BENCHES    := $(patsubst bench/%.c,%,$(wildcard bench/bench_*.c))

define host_variant # $(1)=variant name, $(2)=flags
$(BUILD)/host/$(1)/%.o: %.c
	@mkdir -p $$(dir $$@)
	@echo "  HOSTCC  $$< [$(1)]"
	$(Q)$(HOST_CC) $(2) -c $$< -o $$@
HOST_OBJS_$(1) := $(patsubst %.c,$(BUILD)/host/$(1)/%.o,$(PORTABLE_SRCS) $(HOST_SUPPORT))
$(BUILD)/host/$(1)/bin/%: $(BUILD)/host/$(1)/tests/unit/%.o $$(HOST_OBJS_$(1))
	@mkdir -p $$(dir $$@)
	@echo "  HOSTLD  $$@"
	$(Q)$(HOST_CC) $(2) $$^ -o $$@ -lcmocka -lm
$(BUILD)/host/$(1)/cbin/%: $(BUILD)/host/$(1)/tests/conc/%.o $$(HOST_OBJS_$(1))
	@mkdir -p $$(dir $$@)
	@echo "  HOSTLD  $$@"
	$(Q)$(HOST_CC) $(2) $$^ -o $$@ -lcmocka -lm
endef
$(foreach v,asan tsan bench,$(BUILD)/host/$(v)/hv/load/acpi.o): | $(DSDT_HEX)
$(eval $(call host_variant,asan,$(HOST_ASAN)))
$(eval $(call host_variant,tsan,$(HOST_TSAN)))
$(eval $(call host_variant,bench,$(HOST_BENCH)))

$(BUILD)/host/bench/bbin/%: $(BUILD)/host/bench/bench/%.o $(HOST_OBJS_bench)
	@mkdir -p $(dir $@)
	@echo "  HOSTLD  $@"
	$(Q)$(HOST_CC) $(HOST_BENCH) $^ -o $@ -lm

FUZZ_FLAGS := $(filter-out -Werror -MMD -MP,$(HOST_BASE)) -O1 \
	-fsanitize=fuzzer,address,undefined
$(BUILD)/fuzz/%: tests/fuzz/%.c $(PORTABLE_SRCS) $(HOST_SUPPORT) | $(DSDT_HEX)
	@mkdir -p $(dir $@)
	@echo "  FUZZ    $@"
	$(Q)$(FUZZ_CC) $(FUZZ_FLAGS) $^ -o $@

UNIT_BINS := $(UNIT_TESTS:%=$(BUILD)/host/asan/bin/%) \
	$(CONC_TESTS:%=$(BUILD)/host/asan/cbin/%)
TSAN_BINS := $(CONC_TESTS:%=$(BUILD)/host/tsan/cbin/%)
BENCH_BINS := $(BENCHES:%=$(BUILD)/host/bench/bbin/%)
FUZZ_BINS := $(FUZZERS:%=$(BUILD)/fuzz/%)

.PHONY: host-tests host-bins fuzz
host-bins: $(UNIT_BINS) $(TSAN_BINS) $(FUZZ_BINS)
host-tests: host-bins
	$(Q)scripts/run-host-tests.sh $(BUILD)/host $(BUILD)/fuzz
fuzz: $(FUZZ_BINS)

# ---------------------------------------------------------------------------
# Images, run, test, bench
# ---------------------------------------------------------------------------
.PHONY: deps run test sys-tests bench usb format format-check clean

deps:
	$(Q)scripts/deps.sh all

run:
	$(Q)scripts/deps.sh run
	$(Q)$(MAKE) all
	$(Q)scripts/run.sh $(BUILD)/tdpvisor.efi

test:
	$(Q)scripts/deps.sh test
	$(Q)$(MAKE) all host-bins
	$(Q)scripts/test.sh

sys-tests:
	$(Q)scripts/deps.sh test
	$(Q)$(MAKE) all
	$(Q)scripts/sys-tests.sh

bench:
	$(Q)scripts/deps.sh bench
	$(Q)$(MAKE) $(BENCH_BINS)
	$(Q)scripts/bench.sh $(BUILD)

usb:
	$(Q)scripts/deps.sh usb
	$(Q)$(MAKE) all
	$(Q)scripts/mkusb.sh $(BUILD)/tdpvisor-usb.img $(BUILD)/tdpvisor.efi

FORMAT_SRCS = $(shell find boot hv drivers mmu lib include guest tests bench \
	-name '*.[ch]' 2>/dev/null | sort)
format:
	$(Q)clang-format -i $(FORMAT_SRCS)
format-check:
	$(Q)clang-format --dry-run --Werror $(FORMAT_SRCS) && echo "format-check: ok"

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
