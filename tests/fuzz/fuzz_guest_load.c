// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for the multiboot / flat loader (hv/load/guest_load.c).
 * The input picks the RAM size, a module, an image name and a command line,
 * and the image: raw bytes, or an a.out-kludge or ELF32 image whose load
 * addresses come from the input (so the fuzzer reaches the placement code
 * without first having to find a checksum).
 *
 * After a successful load it follows EBX like a guest and checks the boot
 * contract: every structure the loader placed (info block, memory map,
 * module list, strings, module) lies inside RAM below 4 GiB, outside the
 * reserved [0x9fc00, 0x100000), clear of the image and of each other; the
 * module and command line arrive intact; an a.out image is intact after
 * the placement.  A refusal returns -ENOEXEC, -E2BIG or -EINVAL with a
 * message.  Any violation aborts.
 *   make fuzz && build/fuzz/fuzz_guest_load -max_total_time=600
 */
#include <stdlib.h>
#include <string.h>

#include "errno_codes.h"
#include "guest_abi.h"
#include "hv/load/guest_load.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

#define MIB (1ULL << 20)
#define RAM_MAX (8 * MIB)
#define HOLE_START 0x9fc00ULL

static u8 ram[RAM_MAX];
static u8 image[64 << 10];
static u8 module[1 << 20];
static char cmdline[4200];

struct input {
	const u8 *p;
	size_t left;
};

static u32 take(struct input *in, unsigned int bytes)
{
	u32 v = 0;

	for (unsigned int i = 0; i < bytes && in->left; i++, in->left--)
		v |= (u32)*in->p++ << (8 * i);
	return v;
}

static void check(bool ok)
{
	if (!ok)
		abort();
}

struct range {
	u64 start, end;
};

static bool overlaps(struct range a, struct range b)
{
	return a.start < b.end && b.start < a.end;
}

/* Length of the string at @gpa; its NUL must lie below @lim. */
static u64 str_len(u64 gpa, u64 lim)
{
	const u8 *nul;

	check(gpa < lim);
	nul = memchr(ram + gpa, 0, lim - gpa);
	check(nul != NULL);
	return (u64)(nul - (ram + gpa));
}

static u32 rd32(u64 gpa)
{
	u32 v;

	memcpy(&v, ram + gpa, 4);
	return v;
}

static void put32(u8 *b, size_t off, u32 v)
{
	memcpy(b + off, &v, 4);
}

/* An a.out-kludge image: header at offset 0, load addresses from input. */
static size_t build_aout(struct input *in, u64 ram_size, u32 *want_load,
			 u32 *want_len)
{
	u32 load = take(in, 4) % (u32)(ram_size + MIB);
	u32 len = 32 + take(in, 2) % 0x4000;
	u32 bss = take(in, 2) % 0x20000;
	u32 entry = take(in, 2);
	u32 flags = 0x10003;
	size_t n = 32;

	while (in->left && n < sizeof(image) && n < len)
		image[n++] = (u8)take(in, 1);
	len = (u32)n;
	put32(image, 0, MULTIBOOT_HEADER_MAGIC);
	put32(image, 4, flags);
	put32(image, 8, 0u - (MULTIBOOT_HEADER_MAGIC + flags));
	put32(image, 12, load); /* header_addr: the header is at offset 0 */
	put32(image, 16, load);
	put32(image, 20, load + len);
	put32(image, 24, bss ? load + len + bss : 0);
	put32(image, 28, load + entry % (len + bss));
	*want_load = load;
	*want_len = len;
	return n;
}

/* An ELF32 with 1-4 PT_LOADs at input-chosen addresses. */
static size_t build_elf32(struct input *in, u64 ram_size)
{
	u32 phnum = 1 + take(in, 1) % 4, first = 0, flags = 0;
	size_t n = 0x200;

	memset(image, 0, n);
	memcpy(image,
	       "\x7f"
	       "ELF\x01\x01\x01",
	       7);
	image[16] = 2; /* ET_EXEC */
	image[18] = 3; /* EM_386 */
	put32(image, 20, 1);
	put32(image, 28, 52); /* phoff */
	image[42] = 32; /* phentsize */
	image[44] = (u8)phnum;
	for (u32 i = 0; i < phnum; i++) {
		u8 *ph = image + 52 + 32 * i;
		u32 paddr = take(in, 4) % (u32)(ram_size + MIB);
		u32 filesz = take(in, 2) % 0x2000;
		u32 memsz = filesz + take(in, 2) % 0x4000;

		if (!i)
			first = paddr;
		put32(ph, 0, 1); /* PT_LOAD */
		put32(ph, 4, 0); /* offset: the file from its start */
		put32(ph, 12, paddr);
		put32(ph, 16, filesz);
		put32(ph, 20, memsz);
	}
	put32(image, 24, first + take(in, 1)); /* entry */
	put32(image, 0x100, MULTIBOOT_HEADER_MAGIC);
	put32(image, 0x104, flags);
	put32(image, 0x108, 0u - MULTIBOOT_HEADER_MAGIC);
	while (in->left && n < sizeof(image))
		image[n++] = (u8)take(in, 1);
	if (n < 0x2000) /* zero-padded so every filesz fits */
		memset(image + n, 0, 0x2000 - n);
	return n < 0x2000 ? 0x2000 : n;
}

static void check_success(const struct guest_load_params *p,
			  const struct guest_load_result *res)
{
	u64 lim = p->ram_size < (4ULL << 30) ? p->ram_size : (4ULL << 30);
	struct range r[8], img = { res->load_start, res->load_end };
	struct range hole = { HOLE_START, MIB };
	u64 mbi = res->ebx, len, want;
	int n = 0;

	check(res->eax == MULTIBOOT_BOOTLOADER_MAGIC);
	check(res->error[0] == '\0');
	check(img.start < img.end && img.end <= lim);
	check(res->entry >= img.start && res->entry < img.end);
	check(mbi + 88 <= lim);
	r[n++] = (struct range){ mbi, mbi + 88 };
	check(rd32(mbi) == 0x24d); /* mem, cmdline, mods, mmap, name */
	check(rd32(mbi + 4) == 639);
	check(rd32(mbi + 8) == (lim - MIB) >> 10);
	check(rd32(mbi + 44) == 96);
	check(rd32(mbi + 48) + 96ULL <= lim);
	r[n++] = (struct range){ rd32(mbi + 48), rd32(mbi + 48) + 96ULL };

	len = str_len(rd32(mbi + 16), lim);
	r[n++] = (struct range){ rd32(mbi + 16), rd32(mbi + 16) + len + 1 };
	want = strlen(p->cmdline);
	if (p->image_name)
		want += strlen(p->image_name) + 1;
	check(len == want);
	check(!memcmp(ram + rd32(mbi + 16) + len - strlen(p->cmdline),
		      p->cmdline, strlen(p->cmdline)));
	len = str_len(rd32(mbi + 64), lim);
	check(len == 8 && !memcmp(ram + rd32(mbi + 64), "tdpvisor", 8));
	r[n++] = (struct range){ rd32(mbi + 64), rd32(mbi + 64) + len + 1 };

	check(rd32(mbi + 20) == (p->module ? 1u : 0u));
	if (p->module) {
		u64 list = rd32(mbi + 24), start, end, s;

		check(list + 16 <= lim);
		r[n++] = (struct range){ list, list + 16 };
		start = rd32(list);
		end = rd32(list + 4);
		s = rd32(list + 8);
		check(start % 4096 == 0 && end - start == p->module_size);
		check(end <= lim && start == res->module_gpa);
		check(!memcmp(ram + start, p->module, p->module_size));
		if (end > start)
			r[n++] = (struct range){ start, end };
		len = str_len(s, lim);
		check(len == strlen(p->module_name));
		r[n++] = (struct range){ s, s + len + 1 };
	}
	for (int i = 0; i < n; i++) {
		check(r[i].end <= lim);
		check(!overlaps(r[i], img));
		check(!overlaps(r[i], hole));
		for (int j = 0; j < i; j++)
			check(!overlaps(r[i], r[j]));
	}
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct input in = { data, size };
	struct guest_load_params p = { 0 };
	struct guest_load_result res;
	u32 mode = take(&in, 1), aout_load = 0, aout_len = 0;
	size_t clen, n;
	int r;

	p.ram = ram;
	p.ram_size = 2 * MIB + (u64)(take(&in, 2) % 1537) * 4096;
	p.flat_ok = mode & 4;
	if (mode & 8) {
		p.module = module;
		p.module_size = (u64)take(&in, 2) * 16;
		p.module_name = (mode & 0x40) ? "env NR_CPUS=1" : "";
	}
	if (mode & 0x10)
		p.image_name = "\\guests\\k.elf";
	clen = (mode & 0x20) ? take(&in, 2) % sizeof(cmdline) : 0;
	memset(cmdline, 'c', clen);
	cmdline[clen] = '\0';
	p.cmdline = cmdline;

	switch (mode % 4) {
	case 1:
		n = build_aout(&in, p.ram_size, &aout_load, &aout_len);
		break;
	case 2:
		n = build_elf32(&in, p.ram_size);
		break;
	default:
		n = in.left < sizeof(image) ? in.left : sizeof(image);
		memcpy(image, in.p, n);
		break;
	}
	if (!n)
		return 0;
	p.image = image;
	p.image_size = n;
	r = guest_load(&p, &res);
	check(memchr(res.error, 0, sizeof(res.error)) != NULL);
	if (r) {
		check(r == -ENOEXEC || r == -E2BIG || r == -EINVAL);
		check(res.error[0] != '\0');
		check(clen < GUEST_CMDLINE_MAX || r != 0);
		return 0;
	}
	check(clen < GUEST_CMDLINE_MAX);
	check_success(&p, &res);
	/* The image is whole after everything was placed. */
	if (mode % 4 == 1 && res.kind == GUEST_IMAGE_MULTIBOOT_AOUT)
		check(!memcmp(ram + aout_load, image, aout_len));
	return 0;
}
