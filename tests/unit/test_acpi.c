// SPDX-License-Identifier: GPL-2.0
/*
 * hv/load/acpi.c read back the way an OS reads ACPI: a reader written here
 * from the specification's byte offsets (it shares no code or struct with
 * the builder) starts at the RSDP, checks every signature, length,
 * revision and checksum, walks the XSDT to the FADT and MADT and follows
 * the FADT to the DSDT and FACS.  Also: the host's own power-off parser
 * (drivers/acpi.c) finds PM1a control and \_S5 in the tables, iasl
 * disassembles the DSDT bytes, and a short buffer is refused untouched.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <cmocka.h>
#include "acpi.h"
#include "errno_codes.h"
#include "hv/load/acpi.h"

#define POISON 0xa5
#define GUARD 4096 /* bytes on each side of the buffer handed to the builder */

/* The guest's view: a GPA window onto a host buffer. */
struct mem {
	u8 *host;
	u64 gpa, size;
};

static const u8 *at(const struct mem *m, u64 gpa, u64 len)
{
	assert_true(gpa >= m->gpa && len <= m->size &&
		    gpa - m->gpa <= m->size - len);
	return m->host + (gpa - m->gpa);
}

static u32 le(const u8 *p, int n)
{
	u32 v = 0;

	for (int i = n - 1; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static u64 le64(const u8 *p)
{
	return (u64)le(p + 4, 4) << 32 | le(p, 4);
}

static u8 sum(const u8 *p, u64 n)
{
	u8 s = 0;

	while (n--)
		s = (u8)(s + *p++);
	return s;
}

/* A system description table at @gpa: signature, length, checksum. */
static const u8 *table(const struct mem *m, u64 gpa, const char *sig)
{
	const u8 *h = at(m, gpa, 36);
	u32 len = le(h + 4, 4);

	assert_memory_equal(h, sig, 4);
	assert_true(len >= 36);
	h = at(m, gpa, len);
	assert_int_equal(sum(h, len), 0);
	return h;
}

struct walk {
	const u8 *rsdp, *xsdt, *rsdt, *fadt, *facs, *madt, *dsdt;
	u64 fadt_gpa, madt_gpa, dsdt_gpa, facs_gpa;
};

static void walk_rsdp(const struct mem *m, u64 rsdp_gpa, struct walk *w)
{
	const u8 *r;

	assert_int_equal(rsdp_gpa % 16, 0);
	r = w->rsdp = at(m, rsdp_gpa, 36);
	assert_memory_equal(r, "RSD PTR ", 8);
	assert_int_equal(sum(r, 20), 0);
	assert_int_equal(r[15], 2); /* revision */
	assert_int_equal(le(r + 20, 4), 36);
	assert_int_equal(sum(r, 36), 0);
	w->xsdt = table(m, le64(r + 24), "XSDT");
	w->rsdt = table(m, le(r + 16, 4), "RSDT");
}

/* XSDT and RSDT list the same tables: exactly one FADT and one MADT. */
static void walk_sdts(const struct mem *m, struct walk *w)
{
	u32 xn = (le(w->xsdt + 4, 4) - 36) / 8,
	    rn = (le(w->rsdt + 4, 4) - 36) / 4;

	assert_int_equal(le(w->xsdt + 4, 4), 36 + 8 * xn);
	assert_int_equal(rn, xn);
	for (u32 i = 0; i < xn; i++) {
		u64 gpa = le64(w->xsdt + 36 + 8 * i);
		const u8 *h = at(m, gpa, 36);

		assert_int_equal(le(w->rsdt + 36 + 4 * i, 4), gpa);
		if (!memcmp(h, "FACP", 4)) {
			assert_null(w->fadt);
			w->fadt = table(m, gpa, "FACP");
			w->fadt_gpa = gpa;
		} else if (!memcmp(h, "APIC", 4)) {
			assert_null(w->madt);
			w->madt = table(m, gpa, "APIC");
			w->madt_gpa = gpa;
		}
	}
	assert_non_null(w->fadt);
	assert_non_null(w->madt);
}

/* A Generic Address Structure in I/O space. */
static void check_io_gas(const u8 *g, u32 port, int bits)
{
	assert_int_equal(g[0], 1); /* system I/O */
	assert_int_equal(g[1], bits);
	assert_int_equal(g[2], 0);
	assert_int_equal(le64(g + 4), port);
}

static void walk_fadt(const struct mem *m, struct walk *w)
{
	const u8 *f = w->fadt;
	u32 flags = le(f + 112, 4);

	assert_int_equal(f[8], 6); /* revision */
	assert_int_equal(le(f + 4, 4), 276);
	assert_int_equal(flags & (1u << 20), 0); /* HW_REDUCED_ACPI clear */
	assert_int_not_equal(flags & (1u << 10), 0); /* RESET_REG_SUP */
	assert_int_not_equal(flags & (1u << 8), 0); /* TMR_VAL_EXT: 32 bits */
	assert_int_equal(le(f + 46, 2), 9); /* SCI_INT */
	assert_int_equal(le(f + 48, 4), 0); /* SMI_CMD: always in ACPI mode */
	assert_int_equal(le(f + 56, 4), ACPI_PM1A_EVT_PORT);
	assert_int_equal(le(f + 64, 4), ACPI_PM1A_CNT_PORT);
	assert_int_equal(le(f + 76, 4), ACPI_PM_TMR_PORT);
	assert_int_equal(f[88], 4); /* PM1_EVT_LEN */
	assert_int_equal(f[89], 2); /* PM1_CNT_LEN */
	assert_int_equal(f[91], 4); /* PM_TMR_LEN */
	assert_int_not_equal(le(f + 109, 2) & 2, 0); /* 8042 present */
	assert_int_equal(le(f + 109, 2) & (1u << 5), 0); /* CMOS RTC there */
	assert_int_equal(f[108], 0x32); /* CENTURY: the RTC's century byte */
	/* Three I/O ports that must not overlap: 4 + 2 + 4 bytes. */
	assert_true(ACPI_PM1A_EVT_PORT + 4 <= ACPI_PM1A_CNT_PORT);
	assert_true(ACPI_PM1A_CNT_PORT + 2 <= ACPI_PM_TMR_PORT);

	check_io_gas(f + 116, 0xcf9, 8); /* RESET_REG */
	assert_int_equal(f[116 + 3], 1); /* byte access */
	assert_int_equal(f[128], 0x06); /* RESET_VALUE */
	check_io_gas(f + 148, ACPI_PM1A_EVT_PORT, 32);
	check_io_gas(f + 172, ACPI_PM1A_CNT_PORT, 16);
	check_io_gas(f + 208, ACPI_PM_TMR_PORT, 32);

	w->dsdt_gpa = le(f + 40, 4);
	assert_int_equal(le64(f + 140), w->dsdt_gpa); /* X_DSDT */
	w->dsdt = table(m, w->dsdt_gpa, "DSDT");
	w->facs_gpa = le(f + 36, 4);
	assert_int_equal(le64(f + 132), 0); /* X_FIRMWARE_CTRL */
	assert_int_equal(w->facs_gpa % 64, 0);
	w->facs = at(m, w->facs_gpa, 64);
	assert_memory_equal(w->facs, "FACS", 4);
	assert_int_equal(le(w->facs + 4, 4), 64);
}

struct madt_seen {
	unsigned int lapics, ioapics, irq0, irq9, nmis, others;
	u8 apic_id_seen[256];
};

static void madt_entry(const u8 *e, unsigned int nr_cpus, struct madt_seen *s)
{
	switch (e[0]) {
	case 0: /* processor local APIC */
		assert_int_equal(e[1], 8);
		assert_int_equal(e[2], e[3]); /* UID = APIC ID */
		assert_true(e[3] < nr_cpus);
		assert_int_equal(s->apic_id_seen[e[3]]++, 0);
		assert_int_equal(le(e + 4, 4) & 1, 1); /* enabled */
		s->lapics++;
		break;
	case 1: /* I/O APIC */
		assert_int_equal(e[1], 12);
		assert_int_equal(e[2], nr_cpus);
		assert_int_equal(le(e + 4, 4), 0xfec00000u);
		assert_int_equal(le(e + 8, 4), 0);
		s->ioapics++;
		break;
	case 2: /* interrupt source override */
		assert_int_equal(e[1], 10);
		assert_int_equal(e[2], 0); /* ISA */
		if (e[3] == 0) {
			assert_int_equal(le(e + 4, 4), 2);
			assert_int_equal(le(e + 8, 2), 0); /* conforming */
			s->irq0++;
		} else {
			assert_int_equal(e[3], 9);
			assert_int_equal(le(e + 4, 4), 9);
			/* active high (01), level triggered (11 << 2) */
			assert_int_equal(le(e + 8, 2), 0x0d);
			s->irq9++;
		}
		break;
	case 4: /* local APIC NMI */
		assert_int_equal(e[1], 6);
		assert_int_equal(e[2], 0xff);
		assert_int_equal(e[5], 1); /* LINT1 */
		s->nmis++;
		break;
	default:
		s->others++;
	}
}

static void walk_madt(const struct walk *w, unsigned int nr_cpus)
{
	const u8 *t = w->madt;
	u32 len = le(t + 4, 4), off = 44;
	struct madt_seen s = { 0 };

	assert_int_equal(le(t + 36, 4), 0xfee00000u);
	assert_int_equal(le(t + 40, 4) & 1, 1); /* PCAT_COMPAT */
	while (off < len) {
		assert_true(len - off >= 2 && t[off + 1] >= 2 &&
			    t[off + 1] <= len - off);
		madt_entry(t + off, nr_cpus, &s);
		off += t[off + 1];
	}
	assert_int_equal(off, len);
	assert_int_equal(s.lapics, nr_cpus);
	assert_int_equal(s.ioapics, 1);
	assert_int_equal(s.irq0, 1);
	assert_int_equal(s.irq9, 1);
	assert_int_equal(s.nmis, 1);
	assert_int_equal(s.others, 0);
}

/* Every table the result names is where the walk found it, and no two overlap. */
static void check_ranges(const struct acpi_result *r, const struct walk *w,
			 const struct mem *m)
{
	const struct acpi_range *rg[] = { &r->rsdp, &r->rsdt, &r->xsdt,
					  &r->fadt, &r->facs, &r->madt,
					  &r->dsdt };

	assert_int_equal(r->rsdp.gpa, r->rsdp_gpa);
	assert_int_equal(r->fadt.gpa, w->fadt_gpa);
	assert_int_equal(r->madt.gpa, w->madt_gpa);
	assert_int_equal(r->dsdt.gpa, w->dsdt_gpa);
	assert_int_equal(r->dsdt.len, le(w->dsdt + 4, 4));
	assert_int_equal(r->madt.len, le(w->madt + 4, 4));
	assert_int_equal(r->facs.gpa, w->facs_gpa);
	for (size_t i = 0; i < sizeof(rg) / sizeof(rg[0]); i++) {
		at(m, rg[i]->gpa, rg[i]->len);
		assert_true(rg[i]->gpa + rg[i]->len <= r->end_gpa);
		for (size_t j = 0; j < i; j++)
			assert_true(rg[i]->gpa >= rg[j]->gpa + rg[j]->len ||
				    rg[j]->gpa >= rg[i]->gpa + rg[i]->len);
	}
}

/* A poisoned allocation with GUARD bytes either side of the buffer. */
static u8 *poisoned(u64 size)
{
	u8 *a = malloc(size + 2 * GUARD);

	assert_non_null(a);
	memset(a, POISON, size + 2 * GUARD);
	return a;
}

static void assert_poison(const u8 *p, u64 from, u64 to)
{
	for (u64 i = from; i < to; i++)
		if (p[i] != POISON)
			fail_msg("byte %llu of [%llu, %llu) written: %#x", i,
				 from, to, p[i]);
}

static void build_and_walk(u16 nr_cpus, u64 gpa, u64 size)
{
	struct acpi_config cfg = { .nr_cpus = nr_cpus };
	struct acpi_result res;
	struct walk w = { 0 };
	u8 *a = poisoned(size);
	struct mem m = { a + GUARD, gpa, size };
	u64 start, end;

	assert_int_equal(acpi_build(m.host, gpa, size, &cfg, &res), 0);
	walk_rsdp(&m, res.rsdp_gpa, &w);
	walk_sdts(&m, &w);
	walk_fadt(&m, &w);
	walk_madt(&w, nr_cpus);
	check_ranges(&res, &w, &m);
	/* Only [RSDP, end) is written: not the guards, nor the slack. */
	start = GUARD + (res.rsdp_gpa - gpa);
	end = GUARD + (res.end_gpa - gpa);
	assert_int_equal(res.end_gpa - res.rsdp_gpa, acpi_size(nr_cpus));
	assert_poison(a, 0, start);
	assert_poison(a, end, size + 2 * GUARD);
	free(a);
}

static void test_walk(void **state)
{
	(void)state;
	build_and_walk(1, 0xf0000, 0x10000);
	build_and_walk(4, 0xf0000, 0x10000);
	build_and_walk(ACPI_MAX_CPUS, 0xf0000, 0x10000);
	/* An unaligned start: the RSDP moves up to a 64-byte boundary. */
	build_and_walk(2, 0xe0008, 0x1000);
	build_and_walk(3, 0xfffff000ULL - 0x2000, 0x2000 + 0xfff);
}

static void test_too_small(void **state)
{
	struct acpi_config cfg = { .nr_cpus = 8 };
	struct acpi_result res;
	u64 need = acpi_size(8);
	u8 *a = poisoned(need + 64);

	(void)state;
	assert_true(need > 0);
	assert_int_equal(acpi_build(a + GUARD, 0xf0000, need - 1, &cfg, &res),
			 -ENOSPC);
	/* 0xf0010: 48 bytes to the first 64-byte boundary count too. */
	assert_int_equal(acpi_build(a + GUARD, 0xf0010, need + 47, &cfg, &res),
			 -ENOSPC);
	assert_int_equal(acpi_build(a + GUARD, 0xf0000, 0, &cfg, &res),
			 -ENOSPC);
	assert_poison(a, 0, need + 64 + 2 * GUARD);
	assert_int_equal(acpi_build(a + GUARD, 0xf0010, need + 48, &cfg, &res),
			 0);
	assert_int_equal(res.end_gpa, 0xf0010 + need + 48);
	assert_poison(a, 0, GUARD + 48);
	assert_poison(a, GUARD + need + 48, need + 64 + 2 * GUARD);
	free(a);
}

static void test_bad_args(void **state)
{
	struct acpi_config cfg = { .nr_cpus = 2 };
	struct acpi_result res;
	u8 buf[4096];

	(void)state;
	assert_int_equal(acpi_size(0), 0);
	assert_int_equal(acpi_size(ACPI_MAX_CPUS + 1), 0);
	assert_int_equal(acpi_build(NULL, 0xf0000, 4096, &cfg, &res), -EINVAL);
	assert_int_equal(acpi_build(buf, 0xf0000, 4096, NULL, &res), -EINVAL);
	assert_int_equal(acpi_build(buf, 0xf0000, 4096, &cfg, NULL), -EINVAL);
	/* Must end at or below 4 GiB, for the 32-bit pointers. */
	assert_int_equal(acpi_build(buf, 0xfffff800ULL, 4096, &cfg, &res),
			 -EINVAL);
	assert_int_equal(acpi_build(buf, 0x100000000ULL, 4096, &cfg, &res),
			 -EINVAL);
	assert_int_equal(acpi_build(buf, 0xfffff000ULL, 4096, &cfg, &res), 0);
	cfg.nr_cpus = 0;
	assert_int_equal(acpi_build(buf, 0xf0000, 4096, &cfg, &res), -EINVAL);
	cfg.nr_cpus = ACPI_MAX_CPUS + 1;
	assert_int_equal(acpi_build(buf, 0xf0000, 4096, &cfg, &res), -EINVAL);
}

/*
 * The host's ACPI walk (drivers/acpi.c, what tdpvisor itself uses to power
 * off) reads physical == virtual: build the tables at their own host
 * address, below 2 GiB with MAP_32BIT, and let it find PM1a control and
 * \_S5 — whose SLP_TYP must be the one acpi.h tells the device models.
 */
static void test_host_parser_agrees(void **state)
{
	struct acpi_config cfg = { .nr_cpus = 2 };
	struct acpi_power_info pw;
	struct acpi_result res;
	u8 *p = mmap(NULL, 0x10000, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);

	(void)state;
	assert_true(p != MAP_FAILED);
	assert_int_equal(acpi_build(p, (u64)(uintptr_t)p, 0x10000, &cfg, &res),
			 0);
	assert_int_equal(acpi_parse_power(res.rsdp_gpa, &pw), 0);
	assert_int_equal(pw.pm1a_cnt, ACPI_PM1A_CNT_PORT);
	assert_int_equal(pw.pm1b_cnt, 0);
	assert_true(pw.have_s5);
	assert_int_equal(pw.slp_typa, ACPI_S5_SLP_TYP);
	assert_int_equal(pw.slp_typb, ACPI_S5_SLP_TYP);
	munmap(p, 0x10000);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *s = calloc(1, 1 << 20);
	size_t n;

	assert_non_null(f);
	assert_non_null(s);
	n = fread(s, 1, (1 << 20) - 1, f);
	s[n] = 0;
	fclose(f);
	return s;
}

/*
 * iasl disassembles the DSDT bytes the builder wrote (found through the
 * FADT) back into the objects of dsdt.asl.  The build needs iasl, so it is
 * there wherever this test was built.
 */
static void test_dsdt_disassembles(void **state)
{
	struct acpi_config cfg = { .nr_cpus = 1 };
	char dir[] = "/tmp/tdpvisor-acpi.XXXXXX", cmd[512], path[256];
	const char *want[] = { "_S5_",	 "PNP0A03", "PNP0501",
			       "0x03F8", "PNP0B00", "PNP0303" };
	struct acpi_result res;
	struct walk w = { 0 };
	u8 buf[4096];
	struct mem m = { buf, 0xf0000, sizeof(buf) };
	FILE *f;
	char *dsl;

	(void)state;
	assert_int_equal(acpi_build(buf, m.gpa, m.size, &cfg, &res), 0);
	walk_rsdp(&m, res.rsdp_gpa, &w);
	walk_sdts(&m, &w);
	walk_fadt(&m, &w);
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/dsdt.aml", dir);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(w.dsdt, 1, le(w.dsdt + 4, 4), f),
			 le(w.dsdt + 4, 4));
	fclose(f);
	snprintf(cmd, sizeof(cmd), "iasl -vs -p %s/dis -d %s >%s/log 2>&1", dir,
		 path, dir);
	if (system(cmd) != 0) {
		snprintf(path, sizeof(path), "%s/log", dir);
		fail_msg("'%s' failed (is acpica-tools installed?):\n%s", cmd,
			 slurp(path));
	}
	snprintf(path, sizeof(path), "%s/dis.dsl", dir);
	dsl = slurp(path);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		if (!strstr(dsl, want[i]))
			fail_msg("'%s' not in the disassembly:\n%s", want[i],
				 dsl);
	free(dsl);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_walk),
		cmocka_unit_test(test_too_small),
		cmocka_unit_test(test_bad_args),
		cmocka_unit_test(test_host_parser_agrees),
		cmocka_unit_test(test_dsdt_disassembles),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
