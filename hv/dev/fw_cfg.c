// SPDX-License-Identifier: GPL-2.0
/*
 * QEMU fw_cfg, traditional I/O interface (items and behaviour in
 * fw_cfg.h).  Portable.
 */
#include "hv/dev/fw_cfg.h"
#include "errno_codes.h"

/* The longest item is RAM_SIZE (8 bytes). */
#define ITEM_MAX 8

/*
 * Fills @buf with the bytes of item @key.
 * Return: the item's length, or -1 if there is no such item.
 */
static int item_bytes(const struct fw_cfg *f, u16 key, u8 buf[ITEM_MAX])
{
	unsigned int i;

	if (key & FW_CFG_ARCH_LOCAL)
		return -1; /* no architecture-local items */
	switch (key & ~FW_CFG_WRITE_CHANNEL) {
	case FW_CFG_SIGNATURE:
		buf[0] = 'Q';
		buf[1] = 'E';
		buf[2] = 'M';
		buf[3] = 'U';
		return 4;
	case FW_CFG_ID:
		buf[0] = FW_CFG_ID_TRADITIONAL;
		buf[1] = buf[2] = buf[3] = 0;
		return 4;
	case FW_CFG_RAM_SIZE:
		for (i = 0; i < 8; i++)
			buf[i] = (u8)(f->ram_size >> (i * 8));
		return 8;
	case FW_CFG_NB_CPUS:
		buf[0] = (u8)f->nr_cpus;
		buf[1] = (u8)(f->nr_cpus >> 8);
		return 2;
	case FW_CFG_MAX_CPUS:
		buf[0] = (u8)f->max_cpus;
		buf[1] = (u8)(f->max_cpus >> 8);
		return 2;
	case FW_CFG_FILE_DIR:
		/* A big-endian count of zero files, and no entries. */
		buf[0] = buf[1] = buf[2] = buf[3] = 0;
		return 4;
	default:
		return -1;
	}
}

/**
 * fw_cfg_init() - the device with its items, selector 0, offset 0.
 * @f:        the device; every field is overwritten.
 * @nr_cpus:  FW_CFG_NB_CPUS, the CPUs the guest has at boot.
 * @max_cpus: FW_CFG_MAX_CPUS.
 * @ram_size: FW_CFG_RAM_SIZE, guest RAM in bytes.
 *
 * Context: any.
 */
void fw_cfg_init(struct fw_cfg *f, u16 nr_cpus, u16 max_cpus, u64 ram_size)
{
	*f = (struct fw_cfg){
		.ram_size = ram_size,
		.nr_cpus = nr_cpus,
		.max_cpus = max_cpus,
	};
}

/**
 * fw_cfg_io_read() - a guest read of the data port.
 * @f:    the device.
 * @port: FW_CFG_PORT_DATA.
 * @size: 1.
 * @val:  the byte read.
 *
 * Returns the selected item's byte at the data offset and advances the
 * offset; 0 past the end and for an unknown key.
 *
 * Context: any.
 * Return: 0; -EINVAL (*val 0xff, nothing changes) for any other port or
 * size, the selector included (it is write-only).
 */
int fw_cfg_io_read(struct fw_cfg *f, u16 port, unsigned int size, u8 *val)
{
	u8 buf[ITEM_MAX];
	int len;

	if (port != FW_CFG_PORT_DATA || size != 1) {
		f->stats.bad_access++;
		*val = 0xff;
		return -EINVAL;
	}
	f->stats.data_reads++;
	len = item_bytes(f, f->selector, buf);
	if (len < 0) {
		f->stats.unknown_reads++;
		*val = 0;
		return 0;
	}
	if (f->offset < (u32)len) {
		*val = buf[f->offset];
		f->offset++;
	} else {
		*val = 0; /* past the end; the offset stays put */
	}
	return 0;
}

/**
 * fw_cfg_io_write() - a guest write of the selector or the data port.
 * @f:    the device.
 * @port: FW_CFG_PORT_SEL (size 2: select item @val, offset 0) or
 *        FW_CFG_PORT_DATA (size 1: ignored, nothing is writable).
 * @size: 2 or 1 as above.
 * @val:  the key, or the data byte.
 *
 * Context: any.
 * Return: 0; -EINVAL for any other port or size (ignored).
 */
int fw_cfg_io_write(struct fw_cfg *f, u16 port, unsigned int size, u32 val)
{
	if (port == FW_CFG_PORT_SEL && size == 2) {
		f->stats.selects++;
		f->selector = (u16)val;
		f->offset = 0;
		return 0;
	}
	if (port == FW_CFG_PORT_DATA && size == 1) {
		f->stats.data_writes++;
		return 0;
	}
	f->stats.bad_access++;
	return -EINVAL;
}
