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
MAKEFLAGS  += -j$(JOBS) --no-print-directory
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
	-Iinclude -I.
IMG_EFI_CFLAGS := -I$(EFI_INC) -I$(EFI_INC)/x86_64
IMG_LDFLAGS := -nostdlib -znocombreloc -shared -Bsymbolic --no-undefined \
	-T linker.ld -L$(EFI_LIB)
NASMFLAGS  := -f elf64 -g -F dwarf -Iinclude/ -I$(BUILD)/gen/

# Per-directory source lists.  mmu/ and lib/ (except lib/string.c) and the
# portable parts of boot/, hv/ and drivers/ are also built for the host.
BOOT_SRCS    := $(wildcard boot/*.c)
HV_SRCS      := $(wildcard hv/*.c)
HV_ASM       := $(wildcard hv/*.asm)
DRIVERS_SRCS := $(wildcard drivers/*.c)
MMU_SRCS     := $(wildcard mmu/*.c mmu/sept/*.c)
LIB_SRCS     := $(wildcard lib/*.c)

IMG_SRCS := $(BOOT_SRCS) $(HV_SRCS) $(DRIVERS_SRCS) $(MMU_SRCS) $(LIB_SRCS)
IMG_OBJS := $(IMG_SRCS:%.c=$(BUILD)/img/%.o) $(HV_ASM:%.asm=$(BUILD)/img/%.o)

# Built-in guests: each guest/NAME.c is one multiboot ELF32 kernel, linked
# with guest/lib/, and linked into the image by a generated incbin file.
GUEST_NAMES  := $(patsubst guest/%.c,%,$(wildcard guest/*.c))
GUEST_ELFS   := $(GUEST_NAMES:%=$(BUILD)/guest/%.elf)
GUEST_LIB    := $(BUILD)/guest/lib/crt0.o $(BUILD)/guest/lib/lib.o \
	$(BUILD)/guest/lib/paging.o
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
	$(BUILD)/guest/ext/long64.elf

# Only boot/efi_*.c may include <efi.h> (DESIGN.md §1).
$(BUILD)/img/boot/efi_%.o: IMG_CFLAGS += $(IMG_EFI_CFLAGS)

# Dependency stamps: every compile waits for scripts/deps.sh (which installs
# missing Debian packages as root), even under -j.
$(BUILD)/.deps-%: scripts/deps.sh
	@mkdir -p $(dir $@)
	$(Q)scripts/deps.sh $* && touch $@
# One apt-get at a time: the others wait for the build set.
$(BUILD)/.deps-test $(BUILD)/.deps-run $(BUILD)/.deps-usb $(BUILD)/.deps-bench: \
	$(BUILD)/.deps-build

$(BUILD)/img/%.o: %.c | $(BUILD)/.deps-build
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(IMG_CC) $(IMG_CFLAGS) -c $< -o $@

$(BUILD)/img/%.o: %.asm | $(BUILD)/gen/asm_offsets.inc $(BUILD)/.deps-build
	@mkdir -p $(dir $@)
	@echo "  NASM    $<"
	$(Q)$(NASM) $(NASMFLAGS) -MD $(@:.o=.d) -MT $@ $< -o $@

# Struct offsets for NASM, generated from C (bhyve's genassym).
$(BUILD)/gen/asm_offsets.inc: hv/gen/asm_offsets.c $(wildcard include/*.h hv/*.h) | $(BUILD)/.deps-build
	@mkdir -p $(dir $@)
	@echo "  GEN     $@"
	$(Q)$(IMG_CC) $(filter-out -MMD -MP -g,$(IMG_CFLAGS)) -S $< -o $@.s
	$(Q)sed -n 's/.*@@OFFSET@@ \([A-Za-z_0-9]*\) \$$\{0,1\}\([0-9-]*\).*/%define \1 \2/p' $@.s > $@

$(BUILD)/guest/%.o: guest/%.c Makefile | $(BUILD)/.deps-build
	@mkdir -p $(dir $@)
	@echo "  CC32    $<"
	$(Q)$(IMG_CC) $(GUEST_CFLAGS) -c $< -o $@

$(BUILD)/guest/lib/crt0.o: guest/lib/crt0.asm | $(BUILD)/.deps-build
	@mkdir -p $(dir $@)
	@echo "  NASM    $<"
	$(Q)$(NASM) -f elf32 $< -o $@

$(BUILD)/guest/%.elf: $(BUILD)/guest/%.o $(GUEST_LIB) guest/lib/guest.ld
	@echo "  LD32    $@"
	$(Q)$(LD) -m elf_i386 -nostdlib --no-warn-rwx-segments -T guest/lib/guest.ld $(GUEST_LIB) $< -o $@

# The guest ABI constants for NASM, from the one C header.
$(BUILD)/gen/guest_abi.inc: include/guest_abi.h Makefile | $(BUILD)/.deps-build
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
	-DTDP_DEBUG -Iinclude -I. -Itests/host -pthread -fno-omit-frame-pointer
HOST_ASAN    := $(HOST_BASE) -O1 -fsanitize=address,undefined \
	-fno-sanitize-recover=undefined
HOST_TSAN    := $(HOST_BASE) -O1 -fsanitize=thread
HOST_BENCH   := $(filter-out -DTDP_DEBUG,$(HOST_BASE)) -O2

# Portable sources: everything that executes no privileged instruction.
# Issues add their portable files here.
PORTABLE_SRCS := $(MMU_SRCS) $(filter-out lib/string.c,$(LIB_SRCS)) \
	boot/config.c drivers/console_fmt.c drivers/uart.c drivers/acpi.c \
	drivers/smbios.c \
	$(wildcard hv/x86_decode.c) hv/guest_load.c hv/emul.c hv/testdev.c \
	hv/vmentry_check.c
HOST_SUPPORT  := $(wildcard tests/host/*.c)

UNIT_TESTS := $(patsubst tests/unit/%.c,%,$(wildcard tests/unit/test_*.c))
CONC_TESTS := $(patsubst tests/conc/%.c,%,$(wildcard tests/conc/test_*.c))
FUZZERS    := $(patsubst tests/fuzz/%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
BENCHES    := $(patsubst bench/%.c,%,$(wildcard bench/bench_*.c))

define host_variant # $(1)=variant name, $(2)=flags
$(BUILD)/host/$(1)/%.o: %.c | $(BUILD)/.deps-test
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
$(eval $(call host_variant,asan,$(HOST_ASAN)))
$(eval $(call host_variant,tsan,$(HOST_TSAN)))
$(eval $(call host_variant,bench,$(HOST_BENCH)))

$(BUILD)/host/bench/bbin/%: $(BUILD)/host/bench/bench/%.o $(HOST_OBJS_bench) | $(BUILD)/.deps-test
	@mkdir -p $(dir $@)
	@echo "  HOSTLD  $@"
	$(Q)$(HOST_CC) $(HOST_BENCH) $^ -o $@ -lm

FUZZ_FLAGS := $(filter-out -Werror -MMD -MP,$(HOST_BASE)) -O1 \
	-fsanitize=fuzzer,address,undefined
$(BUILD)/fuzz/%: tests/fuzz/%.c $(PORTABLE_SRCS) $(HOST_SUPPORT) | $(BUILD)/.deps-test
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

run: all | $(BUILD)/.deps-run
	$(Q)scripts/run.sh $(BUILD)/tdpvisor.efi

test: all host-bins | $(BUILD)/.deps-test
	$(Q)scripts/test.sh

sys-tests: all | $(BUILD)/.deps-test
	$(Q)scripts/sys-tests.sh

bench: $(BENCH_BINS) | $(BUILD)/.deps-bench
	$(Q)scripts/bench.sh $(BUILD)

usb: all | $(BUILD)/.deps-usb
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
