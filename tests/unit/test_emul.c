// SPDX-License-Identifier: GPL-2.0
/*
 * hv/emul.c and hv/testdev.c: the test device's register semantics, MMIO
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
#include "hv/emul.h"

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
	return mmio_emulate(d, g, (const u8 *)bytes, n, mode, 0x2, gpa, e);
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

static void test_pio(void **state)
{
	u64 v;

	(void)state;
	v = 0;
	assert_int_equal(pio_access(COM1_PORT + 5, 1, true, &v), PIO_NONE);
	assert_int_equal(v, 0x60);
	v = 0x141;
	assert_int_equal(pio_access(COM1_PORT, 1, false, &v), PIO_CONSOLE_BYTE);
	assert_int_equal(v, 0x41);
	v = 0x1234567;
	assert_int_equal(pio_access(DEBUG_EXIT_PORT, 4, false, &v), PIO_EXIT);
	assert_int_equal(v, 0x1234567);
	v = 0x1234567;
	assert_int_equal(pio_access(DEBUG_EXIT_PORT, 1, false, &v), PIO_EXIT);
	assert_int_equal(v, 0x67);
	assert_int_equal(pio_access(0x80, 2, true, &v), PIO_UNHANDLED);
	assert_int_equal(v, 0xffff);
	assert_int_equal(pio_access(COM1_PORT + 3, 1, false, &v), PIO_NONE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_testdev_registers),
		cmocka_unit_test(test_mmio_emulate_forms),
		cmocka_unit_test(test_mmio_emulate_errors),
		cmocka_unit_test(test_decode_cache),
		cmocka_unit_test(test_pio),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
