// SPDX-License-Identifier: GPL-2.0
/*
 * The PC platform of one VM: the device models, the wires between them
 * (the routing diagram is in platform.h), the port, MMIO and MSR maps,
 * and the event the vCPU takes next.  Portable.
 *
 * Every wire is recomputed after anything that can move it (an access, an
 * INTA, time passing: platform_sync()), so a model only ever reports its
 * output level and never calls another model itself.  The PIT's output is
 * the one pulse: its rising edges since the last look become one pulse on
 * IRQ0, and the extra ones are counted as coalesced ticks (a guest that
 * sleeps through several periods sees one interrupt, as with a lost tick
 * on hardware; KVM re-injects them instead, which only helps guests that
 * count ticks to keep time, and none of ours do).
 */
#include "hv/dev/platform.h"
#include "guest_abi.h"
#include "errno_codes.h"
#include "string_util.h"

#define MSR_IA32_APIC_BASE 0x1b
#define MSR_IA32_TSC_DEADLINE 0x6e0
#define MSR_X2APIC_FIRST 0x800
#define MSR_X2APIC_LAST 0x8ff
#define POST_PORT 0x80

static void route(struct platform *p, const struct apic_msg *m)
{
	if (lapic_match_dest(&p->lapic, m))
		lapic_accept(&p->lapic, m, p->now);
}

static void lapic_send(void *ctx, const struct apic_msg *m)
{
	struct platform *p = ctx;

	p->stats.ipis++;
	route(p, m);
}

static void lapic_eoi_level(void *ctx, u8 vector)
{
	struct platform *p = ctx;

	ioapic_eoi(&p->ioapic, vector);
}

static void ioapic_deliver(void *ctx, const struct apic_msg *m)
{
	route(ctx, m);
}

/* An ISA line: the PIC's IRn and the IOAPIC pin the MADT names for it. */
static void set_isa(struct platform *p, unsigned int irq, bool level)
{
	if (p->isa[irq] == level)
		return;
	p->isa[irq] = level;
	pic_set_irq(&p->pic, irq, level);
	ioapic_set_irq(&p->ioapic, irq ? irq : 2, level);
}

/* Recompute every wire from the models' outputs at p->now. */
static void platform_sync(struct platform *p)
{
	u64 edges = pit_irq0_edges(&p->pit, p->now);
	bool intr;

	/*
	 * An edge-triggered 8259A input must stay high until INTA takes the
	 * request, so OUT0's pulse is stretched: IRQ0 rises at the edge and
	 * falls once the PIC has taken it (platform_ack_intr()) or just
	 * before the next edge, which the IOAPIC's pin 2 then sees rise.
	 */
	if (edges) {
		set_isa(p, 0, false);
		set_isa(p, 0, true);
		p->stats.pit_ticks++;
		p->stats.pit_ticks_coalesced += edges - 1;
	}
	set_isa(p, 1, i8042_irq1(&p->kbd));
	set_isa(p, 4, uart16550_irq(&p->com1));
	set_isa(p, 12, i8042_irq12(&p->kbd));
	if (rtc_irq(&p->rtc, p->now) && !p->isa[8])
		p->stats.rtc_irqs++;
	set_isa(p, 8, rtc_irq(&p->rtc, p->now));
	set_isa(p, 9, acpi_pm_sci(&p->pm, p->now));
	intr = pic_intr(&p->pic);
	if (intr != p->pic_intr) {
		p->pic_intr = intr;
		lapic_set_lint(&p->lapic, 0, intr, p->now);
	}
}

/**
 * platform_init() - power on: every device in its reset state.
 * @p: the platform.
 * @cfg: clocks, RAM, CPU count, the RTC's start time.
 * @now: the guest TSC at power-on.
 *
 * Context: any.
 */
void platform_init(struct platform *p, const struct platform_config *cfg,
		   u64 now)
{
	memset(p, 0, sizeof(*p));
	p->cfg = *cfg;
	p->now = now;
	p->lapic_ops.ctx = p;
	p->lapic_ops.send = lapic_send;
	p->lapic_ops.eoi_level = lapic_eoi_level;
	p->ioapic_ops.ctx = p;
	p->ioapic_ops.deliver = ioapic_deliver;
	lapic_init(&p->lapic, 0, true, cfg->tsc_hz, cfg->lapic_timer_hz,
		   &p->lapic_ops);
	ioapic_init(&p->ioapic, 1, &p->ioapic_ops);
	pic_init(&p->pic);
	pit_init(&p->pit, cfg->tsc_hz, now);
	rtc_init(&p->rtc, cfg->tsc_hz, &cfg->time, now);
	acpi_pm_init(&p->pm, cfg->tsc_hz, now);
	uart16550_init(&p->com1);
	i8042_init(&p->kbd);
	pci_host_init(&p->pci);
	fw_cfg_init(&p->fw_cfg, cfg->nr_cpus, cfg->nr_cpus, cfg->ram_size);
	platform_sync(p);
}

/**
 * platform_advance() - move the platform's clock to @now (never back) and
 * fire what is due: LAPIC timer, PIT, RTC.
 *
 * Context: the vCPU's thread.
 */
void platform_advance(struct platform *p, u64 now)
{
	u64 fires = p->lapic.timer_fires;

	if (now > p->now)
		p->now = now;
	lapic_advance(&p->lapic, p->now);
	p->stats.lapic_timer_fires += p->lapic.timer_fires - fires;
	platform_sync(p);
}

static u64 min_u64(u64 a, u64 b)
{
	return a < b ? a : b;
}

/**
 * platform_next_deadline() - the guest TSC of the next timer event of any
 * device, DEV_NO_DEADLINE if none is armed.
 *
 * Context: any.
 */
u64 platform_next_deadline(const struct platform *p)
{
	u64 d = lapic_next_deadline(&p->lapic);

	d = min_u64(d, pit_next_deadline(&p->pit, p->now));
	d = min_u64(d, acpi_pm_next_deadline(&p->pm, p->now));
	return min_u64(d, rtc_next_deadline(&p->rtc, p->now));
}

/* One byte of an 8-bit ISA device; -EINVAL: no such register. */
static int isa8(struct platform *p, u16 port, bool in, u8 *b,
		enum platform_io *act)
{
	switch (port) {
	case 0x20:
	case 0x21:
	case 0xa0:
	case 0xa1:
	case PIC_ELCR1:
	case PIC_ELCR2:
		return in ? pic_io_read(&p->pic, port, b)
			  : pic_io_write(&p->pic, port, *b);
	case 0x40 ... 0x43:
	case 0x61:
		return in ? pit_io_read(&p->pit, port, b, p->now)
			  : pit_io_write(&p->pit, port, *b, p->now);
	case 0x70:
	case 0x71:
		return in ? rtc_io_read(&p->rtc, port, b, p->now)
			  : rtc_io_write(&p->rtc, port, *b, p->now);
	case 0x60:
	case 0x64:
		if (in)
			return i8042_io_read(&p->kbd, port, b);
		if (i8042_io_write(&p->kbd, port, *b) == I8042_RESET)
			*act = PLATFORM_IO_RESET;
		return 0;
	case PLATFORM_COM1 ... PLATFORM_COM1 + 7:
		if (in)
			return uart16550_io_read(&p->com1, port - PLATFORM_COM1,
						 b);
		if (uart16550_io_write(&p->com1, port - PLATFORM_COM1, *b, b) ==
		    UART16550_OUT_TX)
			*act = PLATFORM_IO_TX;
		return 0;
	case POST_PORT:
		/* The POST code port: Linux writes it as an I/O delay. */
		if (in)
			*b = 0xff;
		return 0;
	}
	return -EINVAL;
}

/**
 * platform_pio() - one port access of @size (1, 2, 4) bytes.
 * @p: the platform.
 * @port: the first port.
 * @size: bytes.
 * @in: a read (IN): *@val is set, the bytes above @size zero.
 * @val: the value written, or read.
 * @byte: out, for PLATFORM_IO_TX: the byte the guest's COM1 sent.
 *
 * An access wider than an 8-bit device's register reaches the next ports
 * byte by byte, as the ISA bus splits it; PCI configuration and fw_cfg
 * take their own widths.
 *
 * Context: the vCPU's thread.
 * Return: what the caller must do besides completing the access.
 */
enum platform_io platform_pio(struct platform *p, u16 port, unsigned int size,
			      bool in, u64 *val, u8 *byte)
{
	enum platform_io act = PLATFORM_IO_DONE;
	u64 mask = size == 4 ? 0xffffffffULL : size == 2 ? 0xffff : 0xff;
	int r = 0;

	if (!in)
		*val &= mask;
	if (port >= 0xcf8 && port + size <= 0xd00) {
		u32 v32 = (u32)*val;

		if (in) {
			r = pci_host_io_read(&p->pci, port, size, &v32);
			*val = v32 & mask;
		} else if (pci_host_io_write(&p->pci, port, size, v32) ==
			   PCI_RESET) {
			act = PLATFORM_IO_RESET;
		}
	} else if (port == 0x510 || port == 0x511) {
		if (in) {
			u8 b = 0;

			r = fw_cfg_io_read(&p->fw_cfg, port, size, &b);
			*val = b;
		} else {
			r = fw_cfg_io_write(&p->fw_cfg, port, size, (u32)*val);
		}
	} else if (port == DEBUG_EXIT_PORT && !in) {
		act = PLATFORM_IO_EXIT;
	} else if (acpi_pm_port(port) && acpi_pm_port((u16)(port + size - 1))) {
		if (in) {
			u64 acc = 0;

			for (unsigned int i = 0; i < size; i++)
				acc |= (u64)acpi_pm_read(
					       &p->pm, (u16)(port + i), p->now)
				       << (8 * i);
			*val = acc;
		} else if (acpi_pm_write(&p->pm, port, size, (u32)*val,
					 p->now) == ACPI_PM_IO_POWEROFF) {
			act = PLATFORM_IO_POWEROFF;
		}
	} else {
		u64 acc = 0;

		for (unsigned int i = 0; i < size && !r; i++) {
			u8 b = (u8)(*val >> (8 * i));

			r = isa8(p, (u16)(port + i), in, &b, &act);
			acc |= (u64)b << (8 * i);
			if (act == PLATFORM_IO_TX)
				*byte = b;
		}
		if (in)
			*val = acc;
	}
	if (r) {
		if (in)
			*val = mask;
		act = PLATFORM_IO_UNHANDLED;
	}
	/* Only the ISA devices move a wire. */
	if ((port < 0x100 && port != POST_PORT) ||
	    (port >= PLATFORM_COM1 && port <= PLATFORM_COM1 + 7) ||
	    acpi_pm_port(port))
		platform_sync(p);
	return act;
}

static bool ioapic_page(gpa_t gpa, u64 len)
{
	return gpa >= IOAPIC_DEFAULT_BASE && len <= 0x1000 &&
	       gpa - IOAPIC_DEFAULT_BASE <= 0x1000 - len;
}

static bool bus_contains(void *ctx, gpa_t gpa, u64 len)
{
	struct platform *p = ctx;

	return testdev_contains(gpa, len) ||
	       lapic_mmio_covers_range(&p->lapic, gpa, len) ||
	       ioapic_page(gpa, len);
}

/* One 32-bit-or-narrower access to the LAPIC (@lapic) or IOAPIC page. */
static int apic_access(struct platform *p, bool lapic, u32 off, u32 size,
		       bool write, u32 *v)
{
	if (lapic)
		return write ? lapic_mmio_write(&p->lapic, off, size, *v,
						p->now)
			     : lapic_mmio_read(&p->lapic, off, size, v, p->now);
	return write ? ioapic_mmio_write(&p->ioapic, off, size, *v)
		     : ioapic_mmio_read(&p->ioapic, off, size, v);
}

/* The bus's one look-up per access: which device, if any (-ENODEV). */
static int bus_access(void *ctx, gpa_t gpa, u32 size, bool write, u64 *val)
{
	struct platform *p = ctx;
	u32 lo = (u32)*val, hi = (u32)(*val >> 32), off = (u32)(gpa & 0xfff);
	bool lapic;
	int r;

	if (lapic_mmio_covers_range(&p->lapic, gpa, size)) {
		lapic = true;
		p->stats.lapic_mmio++;
	} else if (ioapic_page(gpa, size)) {
		lapic = false;
		p->stats.ioapic_mmio++;
	} else if (testdev_contains(gpa, size)) {
		return testdev_access(&p->testdev, gpa, size, write, val);
	} else {
		return -ENODEV;
	}
	/* The APICs' registers are 32 bits wide: a 64-bit access is two. */
	if (size == 8) {
		r = apic_access(p, lapic, off, 4, write, &lo);
		if (!r)
			r = apic_access(p, lapic, off + 4, 4, write, &hi);
	} else {
		r = apic_access(p, lapic, off, size, write, &lo);
	}
	if (!write)
		*val = size == 8 ? ((u64)hi << 32 | lo) : lo;
	platform_sync(p);
	return r;
}

/**
 * platform_mmio_bus() - the MMIO bus of @p: the test device, the LAPIC
 * page (xAPIC mode, at IA32_APIC_BASE) and the IOAPIC page.
 *
 * Context: any.
 */
void platform_mmio_bus(struct platform *p, struct mmio_bus *bus)
{
	bus->ctx = p;
	bus->contains = bus_contains;
	bus->access = bus_access;
}

static bool lapic_msr(u32 msr)
{
	return msr == MSR_IA32_TSC_DEADLINE ||
	       (msr >= MSR_X2APIC_FIRST && msr <= MSR_X2APIC_LAST);
}

/**
 * platform_msr_read() - RDMSR of a platform MSR: IA32_APIC_BASE,
 * IA32_TSC_DEADLINE and the x2APIC range.
 *
 * Context: the vCPU's thread.
 * Return: 0; -EINVAL: #GP; -ENOENT: not a platform MSR.
 */
int platform_msr_read(struct platform *p, u32 msr, u64 *val)
{
	if (msr == MSR_IA32_APIC_BASE) {
		*val = lapic_read_base(&p->lapic);
		return 0;
	}
	if (!lapic_msr(msr))
		return -ENOENT;
	if (msr != MSR_IA32_TSC_DEADLINE)
		p->stats.x2apic_msr++;
	return lapic_msr_read(&p->lapic, msr, val, p->now);
}

/**
 * platform_msr_write() - WRMSR of a platform MSR (see platform_msr_read()).
 *
 * Context: the vCPU's thread.
 * Return: 0; -EINVAL: #GP; -ENOENT: not a platform MSR.
 */
int platform_msr_write(struct platform *p, u32 msr, u64 val)
{
	int r;

	if (msr == MSR_IA32_APIC_BASE)
		r = lapic_write_base(&p->lapic, val, p->cfg.maxphyaddr);
	else if (!lapic_msr(msr))
		return -ENOENT;
	else {
		if (msr != MSR_IA32_TSC_DEADLINE)
			p->stats.x2apic_msr++;
		r = lapic_msr_write(&p->lapic, msr, val, p->now);
	}
	platform_sync(p);
	return r;
}

/* The CPU's INTR pin comes straight from the PIC: no LAPIC in between. */
static bool pic_direct(const struct platform *p)
{
	return lapic_mode(&p->lapic) == LAPIC_DISABLED;
}

/**
 * platform_pending() - the event the vCPU should take next: an NMI before
 * a maskable interrupt (SDM "Priority Among Concurrent Events").
 *
 * Context: any.
 */
enum platform_event platform_pending(const struct platform *p)
{
	if (lapic_nmi_pending(&p->lapic))
		return PLATFORM_EV_NMI;
	if (pic_direct(p) ? pic_intr(&p->pic)
			  : lapic_extint_pending(&p->lapic) ||
				    lapic_pending_vector(&p->lapic) >= 0)
		return PLATFORM_EV_INTR;
	return PLATFORM_EV_NONE;
}

/**
 * platform_ack_intr() - the vCPU takes the pending maskable interrupt:
 * the PIC's INTA cycle (ExtINT), or the LAPIC's IRR to ISR.
 *
 * Context: the vCPU's thread, right after platform_pending() said
 * PLATFORM_EV_INTR.
 * Return: the vector to inject.
 */
u8 platform_ack_intr(struct platform *p)
{
	u8 vector;

	if (pic_direct(p) || lapic_extint_pending(&p->lapic)) {
		if (!pic_direct(p))
			lapic_take_extint(&p->lapic);
		vector = pic_inta(&p->pic);
		/* IRQ0's stretched pulse ends once its request is taken. */
		if (p->isa[0] && !(pic_irr(&p->pic.chip[0]) & 1))
			set_isa(p, 0, false);
	} else {
		vector = (u8)lapic_pending_vector(&p->lapic);
		lapic_ack(&p->lapic, vector);
	}
	platform_sync(p);
	return vector;
}

/* Context: the vCPU's thread, after platform_pending() said NMI. */
void platform_ack_nmi(struct platform *p)
{
	lapic_take_nmi(&p->lapic);
}

/**
 * platform_uart_rx() - a byte typed on the host console for the guest's
 * COM1.
 *
 * Context: the vCPU's thread.
 * Return: false if COM1's receiver was full (the byte is lost, and the
 * UART reports an overrun, as hardware does).
 */
bool platform_uart_rx(struct platform *p, u8 byte)
{
	bool ok = uart16550_rx_push(&p->com1, byte);

	if (ok)
		p->stats.uart_rx++;
	else
		p->stats.uart_rx_dropped++;
	platform_sync(p);
	return ok;
}
