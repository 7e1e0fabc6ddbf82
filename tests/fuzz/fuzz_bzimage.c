// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for the bzImage loader (hv/load/bzimage.c).  The input
 * picks the RAM size, holes in the e820 map, the initrd and command line
 * lengths, and the image: raw bytes, or a well-formed 2.15 setup header
 * (as a 6.1 kernel has it) whose fields are then overwritten from the input
 * (so the fuzzer reaches the placement code without first having to find
 * "HdrS").
 *
 * After a successful load it checks the boot contract: the kernel, initrd,
 * command line and zero page lie in e820 RAM entries inside RAM, clear of
 * each other; the kernel is at or above 1 MiB and aligned when it moved;
 * the kernel bytes, initrd and command line arrive intact; boot_params
 * carries the header magic, type_of_loader 0xff, the pointers and the e820
 * table.  A refusal returns -ENOEXEC, -E2BIG or -EINVAL with a message.
 * Any violation aborts.
 *   make fuzz && build/fuzz/fuzz_bzimage -max_total_time=600
 */
#include <stdlib.h>
#include <string.h>

#include "errno_codes.h"
#include "hv/load/bzimage.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

#define MIB (1ULL << 20)
#define RAM_MAX (48 * MIB)
#define IMAGE_MAX (64 << 10)

static u8 ram[RAM_MAX];
static u8 image[IMAGE_MAX];
static u8 initrd[256 << 10];
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

static u32 rd32(const u8 *b, u64 off)
{
	u32 v;

	memcpy(&v, b + off, 4);
	return v;
}

static u64 rd64(const u8 *b, u64 off)
{
	u64 v;

	memcpy(&v, b + off, 8);
	return v;
}

static void put32(u8 *b, size_t off, u32 v)
{
	memcpy(b + off, &v, 4);
}

static void put64(u8 *b, size_t off, u64 v)
{
	memcpy(b + off, &v, 8);
}

/* A 6.1-like header (offsets from the boot protocol), then input fields. */
static size_t build_image(struct input *in)
{
	u32 sects = take(in, 1) % 64,
	    setup_len = ((sects ? sects : 4) + 1) * 512;
	u32 klen = 0x201 + take(in, 2) % (IMAGE_MAX - 0x201 - setup_len);
	size_t n = setup_len + klen;

	memset(image, 0x5a, n);
	memset(image + 0x1f1, 0, 0x26c - 0x1f1);
	image[0x1f1] = (u8)sects;
	put32(image, 0x1f4, klen / 16);
	image[0x1fe] = 0x55;
	image[0x1ff] = 0xaa;
	image[0x200] = 0xeb;
	image[0x201] = 0x6a;
	memcpy(image + 0x202, "HdrS", 4);
	image[0x206] = 0x0f;
	image[0x207] = 0x02;
	image[0x211] = 0x01;
	put32(image, 0x22c, 0x7fffffff);
	put32(image, 0x230, 1u << (take(in, 1) % 26));
	image[0x234] = (u8)(take(in, 1) & 1);
	image[0x236] = (u8)(0x7d | (take(in, 1) & 2));
	put32(image, 0x238, 0x7ff);
	put64(image, 0x258, (u64)(take(in, 1) % 40) * MIB / 2);
	put32(image, 0x260, take(in, 4) % (40 * MIB));
	/* Up to four arbitrary header bytes. */
	for (u32 k = take(in, 1) % 5; k; k--) {
		u32 off = 0x1f1 + take(in, 1) % (0x270 - 0x1f1);

		image[off] = (u8)take(in, 1);
	}
	return n;
}

struct range {
	u64 start, end;
};

static bool in_ram(const struct bzimage_params *p, struct range r)
{
	for (u32 i = 0; i < p->e820_count; i++) {
		const struct bzimage_e820_entry *e = &p->e820[i];

		if (e->type == E820_TYPE_RAM && r.start >= e->addr &&
		    r.end <= e->addr + e->size)
			return true;
	}
	return false;
}

static void check_success(const struct bzimage_params *p,
			  const struct bzimage_result *res, u32 setup_len)
{
	struct range r[4] = {
		{ res->kernel.start, res->kernel.end },
		{ res->initrd.start, res->initrd.end },
		{ res->cmdline.start, res->cmdline.end },
		{ res->zero_page.start, res->zero_page.end },
	};
	const u8 *bp = ram + res->boot_params;
	u64 align = rd32(p->image, 0x230);

	check(res->error[0] == '\0');
	check(res->kernel.start >= MIB);
	check(res->entry64 == res->kernel.start + 0x200);
	check(res->kernel_bytes == p->image_size - setup_len);
	check(res->kernel.end - res->kernel.start >= res->kernel_bytes);
	check(res->kernel.end - res->kernel.start >= rd32(p->image, 0x260));
	if (res->kernel.start != rd64(p->image, 0x258))
		check(p->image[0x234] && res->kernel.start % align == 0);
	for (int i = 0; i < 4; i++) {
		if (r[i].start == r[i].end)
			continue;
		check(r[i].end <= p->ram_size && in_ram(p, r[i]));
		for (int j = 0; j < i; j++)
			check(r[j].start == r[j].end ||
			      r[i].end <= r[j].start || r[j].end <= r[i].start);
	}
	check(!memcmp(ram + res->kernel.start, p->image + setup_len,
		      res->kernel_bytes));
	check(res->initrd.end - res->initrd.start ==
	      (p->initrd ? p->initrd_size : 0));
	if (p->initrd)
		check(!memcmp(ram + res->initrd.start, p->initrd,
			      p->initrd_size));
	check(res->initrd.end <= (u64)rd32(p->image, 0x22c) + 1);
	check(!strcmp((const char *)ram + res->cmdline.start, p->cmdline));
	check(!memcmp(bp + 0x202, "HdrS", 4));
	check(bp[0x210] == 0xff);
	check(rd32(bp, 0x228) == res->cmdline.start);
	check(rd32(bp, 0x218) == res->initrd.start);
	check(rd32(bp, 0x21c) == res->initrd.end - res->initrd.start);
	check(rd64(bp, 0x070) == p->rsdp_gpa);
	check(bp[0x1e8] == p->e820_count);
	for (u32 i = 0; i < p->e820_count; i++) {
		check(rd64(bp, 0x2d0 + 20 * i) == p->e820[i].addr);
		check(rd64(bp, 0x2d0 + 20 * i + 8) == p->e820[i].size);
		check(rd32(bp, 0x2d0 + 20 * i + 16) == p->e820[i].type);
	}
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct input in = { data, size };
	struct bzimage_params p = { 0 };
	struct bzimage_e820_entry e820[6];
	struct bzimage_result res;
	u32 mode = take(&in, 1), n = 0, setup_len = 0;
	u64 ram_size = 2 * MIB + (u64)(take(&in, 2) % 2048) * 23 * 1024;
	u64 hole = (u64)(take(&in, 1) % 48) * MIB;
	size_t clen, len;
	int r;

	ram_size = ram_size > RAM_MAX ? RAM_MAX : ram_size;
	e820[n++] = (struct bzimage_e820_entry){ 0, 0x9fc00, E820_TYPE_RAM };
	e820[n++] = (struct bzimage_e820_entry){ 0xf0000, 0x10000,
						 E820_TYPE_RESERVED };
	if ((mode & 8) && hole > MIB && hole + MIB < ram_size) {
		/* A reserved MiB in the middle of high RAM. */
		e820[n++] = (struct bzimage_e820_entry){ MIB, hole - MIB,
							 E820_TYPE_RAM };
		e820[n++] = (struct bzimage_e820_entry){ hole, MIB,
							 E820_TYPE_RESERVED };
		e820[n++] = (struct bzimage_e820_entry){ hole + MIB,
							 ram_size - hole - MIB,
							 E820_TYPE_RAM };
	} else {
		e820[n++] = (struct bzimage_e820_entry){ MIB, ram_size - MIB,
							 E820_TYPE_RAM };
	}
	e820[n++] = (struct bzimage_e820_entry){ 0xfec00000, 0x1000,
						 E820_TYPE_RESERVED };
	p.ram = ram;
	p.ram_size = ram_size;
	p.e820 = e820;
	p.e820_count = n;
	p.rsdp_gpa = (mode & 0x10) ? 0xe0000 : 0;
	if (mode & 0x20) {
		p.initrd = initrd;
		p.initrd_size = 1 + take(&in, 3) % sizeof(initrd);
		memset(initrd, 0xa5, p.initrd_size);
	}
	clen = take(&in, 2) % sizeof(cmdline);
	memset(cmdline, 'c', clen);
	cmdline[clen] = '\0';
	p.cmdline = cmdline;

	if (mode & 1) {
		len = build_image(&in);
	} else {
		len = in.left < sizeof(image) ? in.left : sizeof(image);
		memcpy(image, in.p, len);
	}
	p.image = image;
	p.image_size = len;
	r = bzimage_load(&p, &res);
	check(memchr(res.error, 0, sizeof(res.error)) != NULL);
	if (r) {
		check(r == -ENOEXEC || r == -E2BIG || r == -EINVAL);
		check(!strncmp(res.error, "bzImage: ", 9));
		return 0;
	}
	setup_len = ((image[0x1f1] ? image[0x1f1] : 4) + 1) * 512;
	check(clen <= rd32(image, 0x238));
	check_success(&p, &res, setup_len);
	return 0;
}
