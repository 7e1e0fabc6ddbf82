// SPDX-License-Identifier: GPL-2.0
/*
 * PCI configuration mechanism #1 with an i440FX host bridge and the reset
 * control register (what is modelled: pci_host.h).  Portable.
 */
#include "hv/dev/pci_host.h"
#include "errno_codes.h"

/* CONFIG_ADDRESS fields. */
#define ADDR_BUS(a) (((a) >> 16) & 0xff)
#define ADDR_DEVFN(a) (((a) >> 8) & 0xff)
#define ADDR_REG(a) ((a)&0xfc)

/* Bits 1:0 of CONFIG_ADDRESS are reserved and read 0. */
#define ADDR_WRITABLE 0xfffffffcu

static u32 size_mask(unsigned int size)
{
	return size == 4 ? ~0u : (1u << (size * 8)) - 1;
}

static bool host_bridge_selected(const struct pci_host *h)
{
	return ADDR_BUS(h->config_address) == 0 &&
	       ADDR_DEVFN(h->config_address) == 0;
}

/* The host bridge's configuration dword at @reg (a multiple of 4). */
static u32 bridge_read_dword(const struct pci_host *h, unsigned int reg)
{
	switch (reg) {
	case 0x00:
		return I440FX_VENDOR | (u32)I440FX_DEVICE << 16;
	case 0x04:
		return h->command | (u32)I440FX_STATUS << 16;
	case 0x08:
		return I440FX_REVISION | (u32)I440FX_CLASS << 8;
	case 0x0c:
		return 0; /* cache line, latency, header type 0, no BIST */
	default:
		/*
		 * No BARs, subsystem 0, no capabilities, no interrupt pin;
		 * the chipset registers are not modelled.
		 */
		return 0;
	}
}

static void bridge_write(struct pci_host *h, unsigned int reg,
			 unsigned int shift, u32 val, u32 mask)
{
	u32 dword = bridge_read_dword(h, reg);

	if (reg != 0x04)
		return; /* everything else is read-only */
	dword = (dword & ~(mask << shift)) | ((val & mask) << shift);
	h->command = (u16)((h->command & ~I440FX_COMMAND_WMASK) |
			   (dword & I440FX_COMMAND_WMASK));
}

/* Can @size bytes be accessed at @port? */
static bool access_ok(u16 port, unsigned int size)
{
	if (size != 1 && size != 2 && size != 4)
		return false;
	if (port < PCI_CONFIG_ADDRESS || port > PCI_CONFIG_DATA + 3)
		return false;
	return port + size <= PCI_CONFIG_DATA + 4;
}

/*
 * The data port makes a configuration cycle only with CONFIG_ADDRESS bit
 * 31 set.  (access_ok() keeps the access inside the data dword.)
 */
static bool config_cycle(const struct pci_host *h, u16 port)
{
	return port >= PCI_CONFIG_DATA &&
	       (h->config_address & PCI_CONFIG_ENABLE);
}

/**
 * pci_host_init() - the state after reset.
 * @h: the host; every field is overwritten.
 *
 * CONFIG_ADDRESS 0, reset control 0, host bridge command 0x0006; counters
 * zeroed.
 *
 * Context: any.
 */
void pci_host_init(struct pci_host *h)
{
	*h = (struct pci_host){ .command = I440FX_COMMAND_INIT };
}

/**
 * pci_host_io_read() - a guest read of @size bytes at @port.
 * @h:    the host.
 * @port: 0xcf8-0xcff.
 * @size: 1, 2 or 4.
 * @val:  the value read (zero-extended).
 *
 * A dword at 0xcf8 reads CONFIG_ADDRESS, a byte at 0xcf9 the reset control
 * register, 0xcfc-0xcff the configuration register CONFIG_ADDRESS selects
 * (the byte lanes given by port & 3).  Anything else reads all-ones.
 *
 * Context: any.
 * Return: 0; -EINVAL (and all-ones) for a bad size or a port outside the
 * range.
 */
int pci_host_io_read(struct pci_host *h, u16 port, unsigned int size, u32 *val)
{
	unsigned int shift;

	if (!access_ok(port, size)) {
		h->stats.bad_access++;
		*val = ~0u;
		return -EINVAL;
	}
	if (port == PCI_CONFIG_ADDRESS && size == 4) {
		*val = h->config_address;
		return 0;
	}
	if (port == PCI_RESET_CONTROL && size == 1) {
		*val = h->reset_control;
		return 0;
	}
	if (!config_cycle(h, port)) {
		h->stats.undecoded++;
		*val = size_mask(size);
		return 0;
	}
	h->stats.config_reads++;
	if (!host_bridge_selected(h)) {
		h->stats.absent_reads++;
		*val = size_mask(size);
		return 0;
	}
	shift = (port & 3) * 8;
	*val = (bridge_read_dword(h, ADDR_REG(h->config_address)) >> shift) &
	       size_mask(size);
	return 0;
}

/**
 * pci_host_io_write() - a guest write of @size bytes at @port.
 * @h:    the host.
 * @port: 0xcf8-0xcff.
 * @size: 1, 2 or 4.
 * @val:  the value (the low @size bytes count).
 *
 * A dword at 0xcf8 sets CONFIG_ADDRESS; a byte at 0xcf9 the reset control
 * register; 0xcfc-0xcff writes the selected configuration register.  Other
 * accesses are dropped (counted).
 *
 * Context: any.
 * Return: PCI_RESET when the reset control write sets bit 2 (hard or soft
 * as bit 1 says: the guest is reset either way), else PCI_NONE.
 */
enum pci_action pci_host_io_write(struct pci_host *h, u16 port,
				  unsigned int size, u32 val)
{
	if (!access_ok(port, size)) {
		h->stats.bad_access++;
		return PCI_NONE;
	}
	if (port == PCI_CONFIG_ADDRESS && size == 4) {
		h->config_address = val & ADDR_WRITABLE;
		return PCI_NONE;
	}
	if (port == PCI_RESET_CONTROL && size == 1) {
		/* Bit 2 starts the reset and is not kept. */
		h->reset_control = val & (PCI_RC_SYS_RST | PCI_RC_FULL_RST);
		return (val & PCI_RC_RST_CPU) ? PCI_RESET : PCI_NONE;
	}
	if (!config_cycle(h, port)) {
		h->stats.undecoded++;
		return PCI_NONE;
	}
	h->stats.config_writes++;
	if (host_bridge_selected(h))
		bridge_write(h, ADDR_REG(h->config_address), (port & 3) * 8,
			     val, size_mask(size));
	return PCI_NONE;
}
