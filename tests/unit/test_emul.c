// SPDX-License-Identifier: GPL-2.0
/*
 * hv/emul/ and hv/dev/: the test device's register semantics, MMIO
 * emulation from instruction bytes (what the EPT-misconfig handler runs),
 * and port I/O dispatch.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "errno_codes.h"
#include "guest_abi.h"
#include "hv/emul/emul.h"

static void test_testdev_registers(void **state)
{
	struct testdev d = { 0 };
	u64 v;

	(void)state;
	v = 0x1122334455667788ULL;
	assert_int_equal(
		testdev_access(&d, TESTDEV_GPA + TESTDEV_REG1, 8, true, &v), 0);
	v = 0xab;
	assert_int_equal(testdev_access(&d, TESTDEV_GPA + TESTDEV_REG1 + 2, 1,
					true, &v),
			 0);
	assert_int_equal(d.regs[1], 0x1122334455ab7788ULL);
	assert_int_equal(testdev_access(&d, TESTDEV_GPA + TESTDEV_REG1 + 4, 4,
					false, &v),
			 0);
	assert_int_equal(v, 0x11223344);
	/* straddling two registers, bad sizes, outside the device */
	assert_int_equal(testdev_access(&d, TESTDEV_GPA + 6, 4, false, &v),
			 -EINVAL);
	assert_int_equal(testdev_access(&d, TESTDEV_GPA, 3, false, &v),
			 -EINVAL);
	assert_int_equal(testdev_access(&d, TESTDEV_GPA + TESTDEV_SIZE - 2, 4,
					false, &v),
			 -EINVAL);
	assert_int_equal(testdev_access(&d, TESTDEV_GPA - 4, 4, false, &v),
			 -EINVAL);
	/* doorbell counts writes; ID; window returns the GPA */
	for (int i = 0; i < 5; i++)
		assert_int_equal(testdev_access(&d,
						TESTDEV_GPA + TESTDEV_DOORBELL,
						4, true, &v),
				 0);
	assert_int_equal(testdev_access(&d, TESTDEV_GPA + TESTDEV_DOORBELL, 4,
					false, &v),
			 0);
	assert_int_equal(v, 5);
	assert_int_equal(
		testdev_access(&d, TESTDEV_GPA + TESTDEV_ID, 8, false, &v), 0);
	assert_int_equal(v, TESTDEV_ID_VALUE);
	assert_int_equal(testdev_access(&d, TESTDEV_GPA + TESTDEV_ID + 4, 2,
					false, &v),
			 0);
	assert_int_equal(v, (TESTDEV_ID_VALUE >> 32) & 0xffff);
	assert_int_equal(testdev_access(&d, TESTDEV_GPA + 0xabc, 2, false, &v),
			 0);
	assert_int_equal(v, (TESTDEV_GPA + 0xabc) & 0xffff);
	assert_int_equal(testdev_access(&d, TESTDEV_GPA + 0x40, 4, false, &v),
			 0);
	assert_int_equal(v, 0);
}

static enum mmio_emul_status emul(struct testdev *d, struct x86_gprs *g,
				  const char *bytes, size_t n,
				  enum x86_cpu_mode mode, gpa_t gpa,
				  struct mmio_emul *e)
{
	struct mmio_bus bus;

	testdev_bus(d, &bus);
	return mmio_emulate(&bus, g, (const u8 *)bytes, n, mode, 0x2, gpa, e);
}

static void test_mmio_emulate_forms(void **state)
{
	struct testdev d = { 0 };
	struct x86_gprs g = { 0 };
	struct mmio_emul e;

	(void)state;
	/* mov [rdi], eax (89 07) in 64-bit mode */
	g.regs[X86_GPR_RAX] = 0xffffffff11223344ULL;
	assert_int_equal(emul(&d, &g, "\x89\x07", 2, X86_MODE_64, TESTDEV_GPA,
			      &e),
			 MMIO_EMUL_DONE);
	assert_int_equal(e.insn.len, 2);
	assert_int_equal(d.regs[0], 0x11223344);
	/* mov rbx, [rdi] (48 8b 1f): 64-bit read */
	d.regs[0] = 0x8877665544332211ULL;
	assert_int_equal(emul(&d, &g, "\x48\x8b\x1f", 3, X86_MODE_64,
			      TESTDEV_GPA, &e),
			 MMIO_EMUL_DONE);
	assert_int_equal(g.regs[X86_GPR_RBX], 0x8877665544332211ULL);
	/* movzx ecx, byte [rdi] (0f b6 0f): zero-extends to 64 */
	g.regs[X86_GPR_RCX] = ~0ULL;
	assert_int_equal(emul(&d, &g, "\x0f\xb6\x0f", 3, X86_MODE_64,
			      TESTDEV_GPA, &e),
			 MMIO_EMUL_DONE);
	assert_int_equal(g.regs[X86_GPR_RCX], 0x11);
	/* mov dword [edi], imm32 (c7 07 imm) in 32-bit mode */
	assert_int_equal(emul(&d, &g, "\xc7\x07\x78\x56\x34\x12", 6,
			      X86_MODE_32, TESTDEV_GPA + 8, &e),
			 MMIO_EMUL_DONE);
	assert_int_equal(d.regs[1], 0x12345678);
	/* rep stosd with ECX=2: one element per call */
	g.regs[X86_GPR_RCX] = 2;
	g.regs[X86_GPR_RDI] = TESTDEV_GPA + 16;
	g.regs[X86_GPR_RAX] = 0xaabbccdd;
	assert_int_equal(emul(&d, &g, "\xf3\xab", 2, X86_MODE_32,
			      TESTDEV_GPA + 16, &e),
			 MMIO_EMUL_REPEAT);
	assert_int_equal(g.regs[X86_GPR_RCX], 1);
	assert_int_equal(emul(&d, &g, "\xf3\xab", 2, X86_MODE_32,
			      TESTDEV_GPA + 20, &e),
			 MMIO_EMUL_DONE);
	assert_int_equal(g.regs[X86_GPR_RCX], 0);
	assert_int_equal(d.regs[2], 0xaabbccddaabbccddULL);
	/* rep with ECX=0 retires without an access */
	assert_int_equal(emul(&d, &g, "\xf3\xab", 2, X86_MODE_32,
			      TESTDEV_GPA + 24, &e),
			 MMIO_EMUL_DONE);
	assert_int_equal(d.regs[3], 0);
}

static void test_mmio_emulate_errors(void **state)
{
	struct testdev d = { 0 };
	struct x86_gprs g = { 0 };
	struct mmio_emul e;

	(void)state;
	/* add [edi], 1 (83 07 01): unsupported */
	assert_int_equal(emul(&d, &g, "\x83\x07\x01", 3, X86_MODE_32,
			      TESTDEV_GPA, &e),
			 MMIO_EMUL_DECODE_ERROR);
	assert_int_equal(e.err, -EOPNOTSUPP);
	/* truncated fetch */
	assert_int_equal(emul(&d, &g, "\x8b", 1, X86_MODE_32, TESTDEV_GPA, &e),
			 MMIO_EMUL_DECODE_ERROR);
	assert_int_equal(e.err, -EFAULT);
	/* a valid access that hits no device */
	assert_int_equal(emul(&d, &g, "\x8b\x07", 2, X86_MODE_32, 0x1000, &e),
			 MMIO_EMUL_NO_DEVICE);
	/* a 4-byte access straddling two device registers */
	assert_int_equal(emul(&d, &g, "\x8b\x07", 2, X86_MODE_32,
			      TESTDEV_GPA + 6, &e),
			 MMIO_EMUL_DEVICE_ERROR);
	assert_int_equal(e.err, -EINVAL);
}

struct fake_code {
	u8 bytes[16];
	int fetches;
};

static size_t fake_fetch(void *ctx, u8 *buf, size_t max)
{
	struct fake_code *c = ctx;

	c->fetches++;
	memcpy(buf, c->bytes, max);
	return max;
}

/* The decode cache hits only on the same RIP, mode and bytes. */
static void test_decode_cache(void **state)
{
	struct mmio_insn_cache cache = { 0 };
	struct fake_code code = { { 0x89, 0x07 }, 0 };
	const struct x86_insn *insn;

	(void)state;
	assert_int_equal(mmio_decode_cached(&cache, 0x1000, X86_MODE_32,
					    fake_fetch, &code, &insn),
			 0);
	assert_int_equal(insn->len, 2);
	assert_int_equal(insn->kind, X86_INSN_WRITE);
	assert_int_equal(cache.misses, 1);
	assert_int_equal(mmio_decode_cached(&cache, 0x1000, X86_MODE_32,
					    fake_fetch, &code, &insn),
			 0);
	assert_int_equal(cache.hits, 1);
	/* the code changed under the same RIP: decoded again */
	code.bytes[0] = 0x8b;
	assert_int_equal(mmio_decode_cached(&cache, 0x1000, X86_MODE_32,
					    fake_fetch, &code, &insn),
			 0);
	assert_int_equal(insn->kind, X86_INSN_READ);
	assert_int_equal(cache.misses, 2);
	/* another mode or RIP: decoded again */
	assert_int_equal(mmio_decode_cached(&cache, 0x1000, X86_MODE_64,
					    fake_fetch, &code, &insn),
			 0);
	assert_int_equal(mmio_decode_cached(&cache, 0x2000, X86_MODE_64,
					    fake_fetch, &code, &insn),
			 0);
	assert_int_equal(cache.misses, 4);
	assert_int_equal(cache.hits, 1);
	/* an undecodable instruction is reported and not cached */
	code.bytes[0] = 0x83;
	assert_int_equal(mmio_decode_cached(&cache, 0x3000, X86_MODE_32,
					    fake_fetch, &code, &insn),
			 -EOPNOTSUPP);
	assert_false(cache.valid);
}

/*
 * A 4-byte store and load straddling the end of RAM and the device page
 * are split at the boundary: RAM bytes in RAM, device bytes at device
 * offset 0, never all four to the device.
 */
static void test_straddle_split(void **state)
{
	struct testdev d = { 0 };
	struct mmio_bus bus;
	struct x86_gprs g = { 0 };
	struct mmio_emul e;
	const struct x86_insn *insn = &e.insn;
	u8 ram[2] = { 0xee, 0xee };
	struct mmio_span sp[2] = {
		{ TESTDEV_GPA - 2, 2, ram },
		{ TESTDEV_GPA, 2, NULL },
	};

	(void)state;
	testdev_bus(&d, &bus);
	/* mov [edi], eax */
	assert_int_equal(x86_decode_insn((const u8 *)"\x89\x07", 2, X86_MODE_32,
					 &e.insn),
			 0);
	g.regs[X86_GPR_RAX] = 0x44332211;
	assert_int_equal(mmio_perform_spans(&bus, &g, insn, 2, sp, 2, &e),
			 MMIO_EMUL_DONE);
	assert_int_equal(ram[0], 0x11);
	assert_int_equal(ram[1], 0x22);
	assert_int_equal(d.regs[0], 0x4433);
	/* mov eax, [edi] */
	assert_int_equal(x86_decode_insn((const u8 *)"\x8b\x07", 2, X86_MODE_32,
					 &e.insn),
			 0);
	d.regs[0] = 0xbbaa;
	ram[0] = 1;
	ram[1] = 2;
	assert_int_equal(mmio_perform_spans(&bus, &g, insn, 2, sp, 2, &e),
			 MMIO_EMUL_DONE);
	assert_int_equal(g.regs[X86_GPR_RAX], 0xbbaa0201);
	/* 3 device bytes (byte by byte) after 1 RAM byte */
	sp[0] = (struct mmio_span){ TESTDEV_GPA - 1, 1, ram };
	sp[1] = (struct mmio_span){ TESTDEV_GPA, 3, NULL };
	d.regs[0] = 0x030201;
	ram[0] = 0xaa;
	assert_int_equal(mmio_perform_spans(&bus, &g, insn, 2, sp, 2, &e),
			 MMIO_EMUL_DONE);
	assert_int_equal(g.regs[X86_GPR_RAX], 0x030201aa);
	/* parts that do not add up to the access size */
	sp[1].len = 1;
	assert_int_equal(mmio_perform_spans(&bus, &g, insn, 2, sp, 2, &e),
			 MMIO_EMUL_DEVICE_ERROR);
	/* a device part outside the device */
	sp[1] = (struct mmio_span){ 0x1000, 3, NULL };
	assert_int_equal(mmio_perform_spans(&bus, &g, insn, 2, sp, 2, &e),
			 MMIO_EMUL_NO_DEVICE);
}

/* The operand's effective address, for the forms the decoder accepts. */
static void test_insn_ea(void **state)
{
	struct x86_insn in;
	struct x86_gprs g = { 0 };

	(void)state;
	g.regs[X86_GPR_RDI] = 0xfdfffffe;
	g.regs[X86_GPR_RBX] = 0x1000;
	g.regs[X86_GPR_RSI] = 0x20;
	/* mov [edi], eax */
	assert_int_equal(x86_decode_insn((const u8 *)"\x89\x07", 2, X86_MODE_32,
					 &in),
			 0);
	assert_int_equal(mmio_insn_ea(&in, &g, 0), 0xfdfffffe);
	/* mov eax, [ebx+esi*4+0x10] (8b 44 b3 10) */
	assert_int_equal(x86_decode_insn((const u8 *)"\x8b\x44\xb3\x10", 4,
					 X86_MODE_32, &in),
			 0);
	assert_int_equal(mmio_insn_ea(&in, &g, 0), 0x1000 + 0x80 + 0x10);
	/* moffs: mov eax, [0xfe000008] (a1) */
	assert_int_equal(x86_decode_insn((const u8 *)"\xa1\x08\x00\x00\xfe", 5,
					 X86_MODE_32, &in),
			 0);
	assert_int_equal(mmio_insn_ea(&in, &g, 0), 0xfe000008);
	/* RIP-relative: mov eax, [rip+0x100] (8b 05 00 01 00 00) */
	assert_int_equal(x86_decode_insn((const u8 *)"\x8b\x05\x00\x01\x00\x00",
					 6, X86_MODE_64, &in),
			 0);
	assert_int_equal(mmio_insn_ea(&in, &g, 0x401006), 0x401106);
	/* 16-bit: mov ax, [bx+si] (8b 00) */
	assert_int_equal(x86_decode_insn((const u8 *)"\x8b\x00", 2, X86_MODE_16,
					 &in),
			 0);
	assert_int_equal(mmio_insn_ea(&in, &g, 0), 0x1020);
	/* stosd: ES:EDI */
	assert_int_equal(
		x86_decode_insn((const u8 *)"\xab", 1, X86_MODE_32, &in), 0);
	assert_int_equal(mmio_insn_ea(&in, &g, 0), 0xfdfffffe);
}

/* Guest memory for the walker: 4 KiB pages at GPA 0..; the rest is MMIO. */
static u8 gmem[16 << 12];

static int fake_read(void *ctx, gpa_t gpa, u32 size, u64 *val)
{
	(void)ctx;
	if (gpa + size > sizeof(gmem))
		return -EIO;
	*val = 0;
	memcpy(val, gmem + gpa, size);
	return 0;
}

static void put32(gpa_t gpa, u32 v)
{
	memcpy(gmem + gpa, &v, 4);
}

static void put64(gpa_t gpa, u64 v)
{
	memcpy(gmem + gpa, &v, 8);
}

/*
 * A page table in the MMIO page: the walk reports the entry's GPA and
 * fails with -EIO instead of reading something and going on.
 */
static void test_walk_mmio_table(void **state)
{
	struct gwalk_regs r = { .cr0 = 0x80000011, .cr3 = 0x1000, .cr4 = 0 };
	gpa_t gpa = 0, bad = 0;

	(void)state;
	memset(gmem, 0, sizeof(gmem));
	put32(0x1000 + 0 * 4, 0x2000 | 3); /* PDE 0 -> PT at 0x2000 */
	put32(0x2000 + 5 * 4, 0x7000 | 3); /* PTE 5 -> page 0x7000 */
	put32(0x1000 + 1 * 4, (u32)TESTDEV_GPA | 3); /* PDE 1 -> MMIO */
	assert_int_equal(
		gwalk_translate(&r, 0x5123, fake_read, NULL, &gpa, &bad), 0);
	assert_int_equal(gpa, 0x7123);
	assert_int_equal(gwalk_translate(&r, 0x400000, fake_read, NULL, &gpa,
					 &bad),
			 -EIO);
	assert_int_equal(bad, TESTDEV_GPA);
	/* not present: -EFAULT */
	assert_int_equal(gwalk_translate(&r, 0x800000, fake_read, NULL, &gpa,
					 &bad),
			 -EFAULT);
	/* 4 MiB page with CR4.PSE */
	put32(0x1000 + 3 * 4, 0x00c00000 | 0x83);
	r.cr4 = 0x10;
	assert_int_equal(
		gwalk_translate(&r, 0xc12345, fake_read, NULL, &gpa, &bad), 0);
	assert_int_equal(gpa, 0xc12345);
	/* 4-level: PML4 at 0x3000 -> PDPT 0x4000 -> PD 0x5000 (2 MiB page);
	 * PD entry 1 points at a PT in MMIO */
	r = (struct gwalk_regs){
		.cr0 = 0x80000011, .cr3 = 0x3000, .cr4 = 0x20, .lma = true
	};
	put64(0x3000, 0x4000 | 3);
	put64(0x4000, 0x5000 | 3);
	put64(0x5000, 0x200000 | 0x83);
	put64(0x5008, TESTDEV_GPA | 3);
	assert_int_equal(
		gwalk_translate(&r, 0x1234, fake_read, NULL, &gpa, &bad), 0);
	assert_int_equal(gpa, 0x201234);
	assert_int_equal(gwalk_translate(&r, 0x200000, fake_read, NULL, &gpa,
					 &bad),
			 -EIO);
	assert_int_equal(bad, TESTDEV_GPA);
	/* the PML4 itself in MMIO */
	r.cr3 = TESTDEV_GPA;
	assert_int_equal(gwalk_translate(&r, 0, fake_read, NULL, &gpa, &bad),
			 -EIO);
	assert_int_equal(bad, TESTDEV_GPA);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_testdev_registers),
		cmocka_unit_test(test_mmio_emulate_forms),
		cmocka_unit_test(test_mmio_emulate_errors),
		cmocka_unit_test(test_decode_cache),
		cmocka_unit_test(test_straddle_split),
		cmocka_unit_test(test_insn_ea),
		cmocka_unit_test(test_walk_mmio_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
