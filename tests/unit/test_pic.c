// SPDX-License-Identifier: GPL-2.0
/*
 * hv/dev/pic.c against the Intel 8259A data sheet and the PIIX3/ICH ELCR
 * description.  Every test programs the pair through its ports the way a
 * guest does (Linux's and SeaBIOS's ICW sequences, OCW2 EOIs, OCW3
 * reads) and checks what the data sheet says the INTA cycle, the IRR,
 * the ISR and the INT output do.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "hv/dev/pic.h"
#include "errno_codes.h"

static struct pic p;

static void wr(u16 port, u8 val)
{
	assert_int_equal(pic_io_write(&p, port, val), 0);
}

static u8 rd(u16 port)
{
	u8 v = 0x5a;

	assert_int_equal(pic_io_read(&p, port, &v), 0);
	return v;
}

/* OCW3 "read ISR", read, then OCW3 "read IRR" again, as Linux does. */
static u8 isr(u16 cmd)
{
	u8 v;

	wr(cmd, 0x0b);
	v = rd(cmd);
	wr(cmd, 0x0a);
	return v;
}

static u8 irr(u16 cmd)
{
	wr(cmd, 0x0a);
	return rd(cmd);
}

static void eoi(u16 cmd)
{
	wr(cmd, 0x20); /* OCW2: non-specific EOI */
}

/* Linux's init_8259A(): master then slave, vectors 0x20 and 0x28. */
static void linux_init(void)
{
	pic_init(&p);
	wr(0x21, 0xff);
	wr(0xa1, 0xff);
	wr(0x20, 0x11); /* ICW1: edge, cascade, ICW4 needed */
	wr(0x21, 0x20); /* ICW2: IR0-7 -> 0x20-0x27 */
	wr(0x21, 0x04); /* ICW3: slave on IR2 */
	wr(0x21, 0x01); /* ICW4: 8086 mode, normal EOI */
	wr(0xa0, 0x11);
	wr(0xa1, 0x28);
	wr(0xa1, 0x02); /* ICW3: slave ID 2 */
	wr(0xa1, 0x01);
	wr(0x21, 0x00); /* OCW1: everything unmasked */
	wr(0xa1, 0x00);
}

static void pulse_up(unsigned int irq)
{
	pic_set_irq(&p, irq, false);
	pic_set_irq(&p, irq, true);
}

/* Power-on: no BIOS state is assumed; nothing is delivered before ICWs. */
static void test_power_on_state(void **state)
{
	(void)state;
	pic_init(&p);
	assert_int_equal(rd(0x21), 0xff);
	assert_int_equal(rd(0xa1), 0xff);
	assert_int_equal(rd(0x4d0), 0);
	assert_int_equal(rd(0x4d1), 0);
	assert_int_equal(p.intas, 0);
	assert_int_equal(p.spurious, 0);
	wr(0x21, 0x00); /* OCW1 before any ICW1 */
	pic_set_irq(&p, 0, true);
	assert_false(pic_intr(&p));
	/* An INTA anyway gets IR7 of the (zero) base, no ISR bit. */
	assert_int_equal(pic_inta(&p), 0x07);
	assert_int_equal(p.intas, 1);
	assert_int_equal(p.spurious, 1);
	assert_int_equal(isr(0x20), 0);
}

/* Linux init, IRQ0 through INTA -> 0x20, ISR set, EOI clears it. */
static void test_linux_init_irq0(void **state)
{
	(void)state;
	linux_init();
	assert_false(pic_intr(&p));
	pic_set_irq(&p, 0, true);
	assert_true(pic_intr(&p));
	assert_int_equal(irr(0x20), 0x01);
	assert_int_equal(pic_inta(&p), 0x20);
	assert_false(pic_intr(&p));
	assert_int_equal(isr(0x20), 0x01);
	/* The edge was consumed: IRR clear though the line is still high. */
	assert_int_equal(irr(0x20), 0x00);
	eoi(0x20);
	assert_int_equal(isr(0x20), 0x00);
	assert_false(pic_intr(&p)); /* no new edge, no new request */
	pulse_up(0);
	assert_true(pic_intr(&p));
	assert_int_equal(pic_inta(&p), 0x20);
	assert_int_equal(p.intas, 2);
	assert_int_equal(p.spurious, 0);
}

/* SeaBIOS interleaves the two chips' ICWs; vectors 0x08 and 0x70. */
static void test_seabios_interleaved_init(void **state)
{
	(void)state;
	pic_init(&p);
	wr(0x20, 0x11);
	wr(0xa0, 0x11);
	wr(0x21, 0x08);
	wr(0xa1, 0x70);
	wr(0x21, 0x04);
	wr(0xa1, 0x02);
	wr(0x21, 0x01);
	wr(0xa1, 0x01);
	/* ICW1 cleared both IMRs. */
	assert_int_equal(rd(0x21), 0x00);
	assert_int_equal(rd(0xa1), 0x00);
	pic_set_irq(&p, 8, true);
	assert_true(pic_intr(&p));
	assert_int_equal(pic_inta(&p), 0x70);
	eoi(0xa0);
	eoi(0x20);
	pic_set_irq(&p, 1, true);
	assert_int_equal(pic_inta(&p), 0x09);
}

/* ICW2 T2-T0 are not part of the base in 8086 mode. */
static void test_icw2_low_bits_ignored(void **state)
{
	(void)state;
	pic_init(&p);
	wr(0x20, 0x11);
	wr(0x21, 0x27);
	wr(0x21, 0x04);
	wr(0x21, 0x01);
	pic_set_irq(&p, 3, true);
	assert_int_equal(pic_inta(&p), 0x23);
}

/* No INT while the chip is between ICW1 and its last ICW. */
static void test_no_int_during_init(void **state)
{
	(void)state;
	linux_init();
	wr(0x20, 0x11);
	pic_set_irq(&p, 5, true);
	assert_false(pic_intr(&p));
	wr(0x21, 0x20);
	assert_false(pic_intr(&p));
	wr(0x21, 0x04);
	assert_false(pic_intr(&p));
	wr(0x21, 0x01);
	assert_true(pic_intr(&p));
	assert_int_equal(pic_inta(&p), 0x25);
}

/* IR0 has the highest priority after ICW1, IR7 the lowest. */
static void test_priority_irq0_before_irq1(void **state)
{
	(void)state;
	linux_init();
	pic_set_irq(&p, 1, true);
	pic_set_irq(&p, 0, true);
	assert_int_equal(pic_inta(&p), 0x20);
	/* IRQ1 is lower than the IRQ0 in service: held off. */
	assert_false(pic_intr(&p));
	assert_int_equal(irr(0x20), 0x02);
	eoi(0x20);
	assert_true(pic_intr(&p));
	assert_int_equal(pic_inta(&p), 0x21);
}

/* Fully nested: a higher request interrupts a lower one in service. */
static void test_higher_priority_nests(void **state)
{
	(void)state;
	linux_init();
	pic_set_irq(&p, 1, true);
	assert_int_equal(pic_inta(&p), 0x21);
	pic_set_irq(&p, 0, true);
	assert_true(pic_intr(&p));
	assert_int_equal(pic_inta(&p), 0x20);
	assert_int_equal(isr(0x20), 0x03);
	/* A non-specific EOI ends the highest IR in service: IR0. */
	eoi(0x20);
	assert_int_equal(isr(0x20), 0x02);
	eoi(0x20);
	assert_int_equal(isr(0x20), 0x00);
}

/* The slave's IRQs rank at the master's IR2: above IRQ3, below IRQ1. */
static void test_cascade_priority(void **state)
{
	(void)state;
	linux_init();
	pic_set_irq(&p, 3, true);
	pic_set_irq(&p, 8, true);
	assert_int_equal(pic_inta(&p), 0x28);
	assert_int_equal(isr(0x20), 0x04);
	assert_int_equal(isr(0xa0), 0x01);
	/* IRQ3 stays behind the cascade in service. */
	assert_false(pic_intr(&p));
	eoi(0xa0);
	eoi(0x20);
	assert_int_equal(pic_inta(&p), 0x23);
	eoi(0x20);

	linux_init();
	pic_set_irq(&p, 8, true);
	pic_set_irq(&p, 1, true);
	assert_int_equal(pic_inta(&p), 0x21);
	/* IR2 is below IR1 in service: no INT until the EOI. */
	assert_false(pic_intr(&p));
	eoi(0x20);
	assert_int_equal(pic_inta(&p), 0x28);
}

/* Both chips need their EOI; a lower slave IRQ waits for both. */
static void test_slave_needs_both_eois(void **state)
{
	(void)state;
	linux_init();
	pic_set_irq(&p, 9, true);
	assert_int_equal(pic_inta(&p), 0x29);
	pic_set_irq(&p, 8, true); /* higher than IRQ9 on the slave */
	/* Not special fully nested: the master's IR2 in service blocks. */
	assert_false(pic_intr(&p));
	eoi(0x20);
	assert_true(pic_intr(&p));
	assert_int_equal(pic_inta(&p), 0x28);
	assert_int_equal(isr(0xa0), 0x03);
	pic_set_irq(&p, 10, true); /* lower than both in service */
	eoi(0xa0); /* ends IRQ8 */
	eoi(0x20);
	assert_false(pic_intr(&p)); /* IRQ9 still in service on the slave */
	eoi(0xa0);
	assert_true(pic_intr(&p));
	assert_int_equal(pic_inta(&p), 0x2a);
}

/* ICW4 SFNM: the master lets a higher slave request through IR2. */
static void test_special_fully_nested(void **state)
{
	(void)state;
	linux_init();
	wr(0x20, 0x11);
	wr(0x21, 0x20);
	wr(0x21, 0x04);
	wr(0x21, 0x11); /* ICW4: SFNM, 8086 */
	pic_set_irq(&p, 10, true);
	assert_int_equal(pic_inta(&p), 0x2a);
	pic_set_irq(&p, 8, true);
	assert_true(pic_intr(&p));
	assert_int_equal(pic_inta(&p), 0x28);
	assert_int_equal(isr(0xa0), 0x05);
	assert_int_equal(isr(0x20), 0x04);
	/* A lower slave request still waits for the slave's own ISR. */
	pic_set_irq(&p, 11, true);
	assert_false(pic_intr(&p));
}

/* OCW2 rotate on non-specific EOI: the ended IR becomes the lowest. */
static void test_rotate_on_nonspecific_eoi(void **state)
{
	(void)state;
	linux_init();
	pic_set_irq(&p, 0, true);
	assert_int_equal(pic_inta(&p), 0x20);
	wr(0x20, 0xa0);
	assert_int_equal(isr(0x20), 0);
	/* Now IR1 is highest and IR0 lowest: IR7 beats IR0. */
	pulse_up(0);
	pic_set_irq(&p, 7, true);
	assert_int_equal(pic_inta(&p), 0x27);
	assert_int_equal(isr(0x20), 0x80); /* a real IR7: ISR bit set */
	assert_false(pic_intr(&p)); /* IR0 is below IR7 now */
	wr(0x20, 0xa0); /* IR7 ends, becomes lowest */
	assert_int_equal(pic_inta(&p), 0x20);
	assert_int_equal(p.spurious, 0);
}

/* OCW2 set priority: IR L becomes the lowest, L+1 the highest. */
static void test_set_priority(void **state)
{
	(void)state;
	linux_init();
	wr(0x20, 0xc4); /* IR4 lowest: order 5 6 7 0 1 2 3 4 */
	pic_set_irq(&p, 3, true);
	pic_set_irq(&p, 4, true);
	pic_set_irq(&p, 6, true);
	assert_int_equal(pic_inta(&p), 0x26);
	eoi(0x20);
	assert_int_equal(pic_inta(&p), 0x23);
	eoi(0x20);
	assert_int_equal(pic_inta(&p), 0x24);
	eoi(0x20);
	assert_int_equal(isr(0x20), 0);
}

/* OCW2 specific EOI clears exactly IR L, whatever its priority. */
static void test_specific_eoi(void **state)
{
	(void)state;
	linux_init();
	pic_set_irq(&p, 1, true);
	assert_int_equal(pic_inta(&p), 0x21);
	pic_set_irq(&p, 0, true);
	assert_int_equal(pic_inta(&p), 0x20);
	assert_int_equal(isr(0x20), 0x03);
	wr(0x20, 0x61); /* specific EOI IR1: not the highest in service */
	assert_int_equal(isr(0x20), 0x01);
	wr(0x20, 0x65); /* IR5 is not in service: no change */
	assert_int_equal(isr(0x20), 0x01);
	wr(0x20, 0x60);
	assert_int_equal(isr(0x20), 0x00);
}

/* OCW2 rotate on specific EOI: clear IR L and make it the lowest. */
static void test_rotate_on_specific_eoi(void **state)
{
	(void)state;
	linux_init();
	pic_set_irq(&p, 3, true);
	assert_int_equal(pic_inta(&p), 0x23);
	wr(0x20, 0xe3);
	assert_int_equal(isr(0x20), 0);
	/* Order now 4 5 6 7 0 1 2 3. */
	pic_set_irq(&p, 1, true);
	pic_set_irq(&p, 5, true);
	assert_int_equal(pic_inta(&p), 0x25);
}

/* OCW2 0x40 is a no-operation. */
static void test_ocw2_nop(void **state)
{
	(void)state;
	linux_init();
	pic_set_irq(&p, 1, true);
	assert_int_equal(pic_inta(&p), 0x21);
	wr(0x20, 0x40);
	assert_int_equal(isr(0x20), 0x02);
}

/* ICW4 AEOI: no ISR bit, so the next request needs no EOI. */
static void test_auto_eoi(void **state)
{
	(void)state;
	linux_init();
	wr(0x20, 0x11);
	wr(0x21, 0x20);
	wr(0x21, 0x04);
	wr(0x21, 0x03); /* ICW4: AEOI, 8086 */
	pic_set_irq(&p, 3, true);
	assert_int_equal(pic_inta(&p), 0x23);
	assert_int_equal(isr(0x20), 0);
	pic_set_irq(&p, 5, true); /* lower, yet nothing in service */
	assert_true(pic_intr(&p));
	assert_int_equal(pic_inta(&p), 0x25);
	/* Without rotation the order is still 0..7. */
	pic_set_irq(&p, 0, true);
	pic_set_irq(&p, 7, true);
	assert_int_equal(pic_inta(&p), 0x20);
	assert_int_equal(pic_inta(&p), 0x27);
	assert_int_equal(p.spurious, 0);
}

/* OCW2 rotate in AEOI mode: each acknowledged IR becomes the lowest. */
static void test_rotate_in_auto_eoi(void **state)
{
	(void)state;
	linux_init();
	wr(0x20, 0x11);
	wr(0x21, 0x20);
	wr(0x21, 0x04);
	wr(0x21, 0x03);
	wr(0x20, 0x80); /* rotate in AEOI mode: set */
	pic_set_irq(&p, 0, true);
	assert_int_equal(pic_inta(&p), 0x20);
	pulse_up(0);
	pic_set_irq(&p, 7, true);
	assert_int_equal(pic_inta(&p), 0x27); /* IR0 is the lowest now */
	assert_int_equal(pic_inta(&p), 0x20);
	wr(0x20, 0x00); /* rotate in AEOI mode: clear */
	pic_set_irq(&p, 6, true);
	assert_int_equal(pic_inta(&p), 0x26);
	/* IR0 is still the lowest, not IR6: IR6 beats IR7. */
	pulse_up(6);
	pulse_up(7);
	assert_int_equal(pic_inta(&p), 0x26);
	assert_int_equal(pic_inta(&p), 0x27);
}

/* A masked IRQ is not delivered; unmasking it while held delivers it. */
static void test_masked_until_unmasked(void **state)
{
	(void)state;
	linux_init();
	wr(0x4d0, 0x20); /* IRQ5 level */
	wr(0x21, 0x20); /* mask IRQ5 */
	pic_set_irq(&p, 5, true);
	assert_false(pic_intr(&p));
	assert_int_equal(irr(0x20), 0x20); /* the IMR acts after the IRR */
	wr(0x21, 0x00);
	assert_true(pic_intr(&p));
	assert_int_equal(pic_inta(&p), 0x25);
	/* Mask the still-high level IRQ5 before its EOI re-requests it. */
	wr(0x21, 0x30);
	eoi(0x20);
	assert_false(pic_intr(&p));

	/* An edge latched while masked is requested once unmasked. */
	pic_set_irq(&p, 4, true);
	assert_false(pic_intr(&p));
	wr(0x21, 0x20);
	assert_true(pic_intr(&p));
	assert_int_equal(pic_inta(&p), 0x24);
	eoi(0x20);
	assert_false(pic_intr(&p));
	/* A masked slave IRQ does not reach the master's IR2. */
	wr(0xa1, 0x02);
	pic_set_irq(&p, 9, true);
	assert_false(pic_intr(&p));
	assert_int_equal(irr(0x20), 0x20); /* IR2 not requested */
	wr(0xa1, 0x00);
	assert_int_equal(pic_inta(&p), 0x29);
}

/* An edge request that falls before the INTA: IR7, ISR untouched. */
static void test_vanished_edge_is_spurious_7(void **state)
{
	(void)state;
	linux_init();
	pic_set_irq(&p, 3, true);
	assert_true(pic_intr(&p));
	pic_set_irq(&p, 3, false);
	assert_int_equal(irr(0x20), 0x00);
	/* INT was already raised: it stays until the INTA. */
	assert_true(pic_intr(&p));
	assert_int_equal(pic_inta(&p), 0x27);
	assert_int_equal(isr(0x20), 0x00);
	assert_int_equal(p.spurious, 1);
	assert_false(pic_intr(&p));
	/* A genuine IRQ7 sets ISR bit 7: how a guest tells them apart. */
	pic_set_irq(&p, 7, true);
	assert_int_equal(pic_inta(&p), 0x27);
	assert_int_equal(isr(0x20), 0x80);
	assert_int_equal(p.spurious, 1);
	assert_int_equal(p.intas, 2);
}

/* A request masked after INT rose is also answered with IR7. */
static void test_masked_after_int_is_spurious(void **state)
{
	(void)state;
	linux_init();
	pic_set_irq(&p, 4, true);
	assert_true(pic_intr(&p));
	wr(0x21, 0x10);
	assert_int_equal(pic_inta(&p), 0x27);
	assert_int_equal(isr(0x20), 0x00);
	assert_int_equal(p.spurious, 1);
	/* Still latched: unmasking brings the request back. */
	wr(0x21, 0x00);
	assert_int_equal(pic_inta(&p), 0x24);
}

/* Via the slave: IRQ15's vector, the master's IR2 left in service. */
static void test_vanished_slave_is_spurious_15(void **state)
{
	(void)state;
	linux_init();
	pic_set_irq(&p, 10, true);
	assert_true(pic_intr(&p));
	pic_set_irq(&p, 10, false);
	assert_int_equal(pic_inta(&p), 0x2f);
	assert_int_equal(isr(0x20), 0x04);
	assert_int_equal(isr(0xa0), 0x00);
	assert_int_equal(p.spurious, 1);
	/* The guest's handler sends the master its EOI. */
	eoi(0x20);
	assert_int_equal(isr(0x20), 0x00);
	assert_false(pic_intr(&p));
}

/* OCW3 poll: the next read returns I + level and acknowledges it. */
static void test_poll_mode(void **state)
{
	(void)state;
	linux_init();
	pic_set_irq(&p, 4, true);
	pic_set_irq(&p, 6, true);
	wr(0x20, 0x0c); /* OCW3: poll */
	assert_int_equal(rd(0x20), 0x84);
	assert_int_equal(isr(0x20), 0x10);
	assert_false(pic_intr(&p));
	assert_int_equal(p.polls, 1);
	assert_int_equal(p.intas, 0);
	/* Only one read is a poll; the next returns the IRR again. */
	assert_int_equal(rd(0x20), 0x40);
	eoi(0x20);
	/* The data port answers a poll too. */
	wr(0x20, 0x0c);
	assert_int_equal(rd(0x21), 0x86);
	eoi(0x20);
	/* Nothing requested: bit 7 clear. */
	wr(0x20, 0x0c);
	assert_int_equal(rd(0x20), 0x00);
	assert_int_equal(isr(0x20), 0x00);
	/* The slave is polled on its own ports. */
	pic_set_irq(&p, 13, true);
	wr(0xa0, 0x0c);
	assert_int_equal(rd(0xa0), 0x85);
	assert_int_equal(isr(0xa0), 0x20);
	assert_int_equal(isr(0x20), 0x00); /* the master was not acked */
	/* Poll overrides a status read in the same OCW3 (P=RR=RIS=1). */
	pic_set_irq(&p, 1, true);
	wr(0x20, 0x0f);
	assert_int_equal(rd(0x20), 0x81);
	assert_int_equal(rd(0x20), 0x02); /* ... and RR/RIS still took */
}

/* OCW3 RR/RIS select what the command port reads, until changed. */
static void test_read_irr_isr(void **state)
{
	(void)state;
	linux_init();
	wr(0x21, 0x08); /* IMR: only IRQ3 masked */
	pic_set_irq(&p, 5, true);
	pic_set_irq(&p, 3, true);
	assert_int_equal(pic_inta(&p), 0x25);
	pic_set_irq(&p, 6, true);
	wr(0x20, 0x0a);
	assert_int_equal(rd(0x20), 0x48); /* IRR: 3 and 6 (5 consumed) */
	assert_int_equal(rd(0x20), 0x48);
	wr(0x20, 0x0b);
	assert_int_equal(rd(0x20), 0x20); /* ISR */
	assert_int_equal(rd(0x20), 0x20);
	assert_int_equal(rd(0x21), 0x08); /* data port: IMR either way */
	wr(0x20, 0x08); /* OCW3 with RR=0: no change */
	assert_int_equal(rd(0x20), 0x20);
	wr(0x20, 0x0a);
	assert_int_equal(rd(0x20), 0x48);
}

/* Special mask mode: a masked IR in service stops blocking lower ones. */
static void test_special_mask_mode(void **state)
{
	(void)state;
	linux_init();
	pic_set_irq(&p, 3, true);
	assert_int_equal(pic_inta(&p), 0x23);
	pic_set_irq(&p, 5, true);
	assert_false(pic_intr(&p));
	wr(0x20, 0x68); /* OCW3: set special mask */
	assert_false(pic_intr(&p)); /* IR3 is not masked yet */
	wr(0x21, 0x08);
	assert_true(pic_intr(&p));
	assert_int_equal(pic_inta(&p), 0x25);
	assert_int_equal(isr(0x20), 0x28);
	/* A non-specific EOI skips the masked IR3 in special mask mode. */
	eoi(0x20);
	assert_int_equal(isr(0x20), 0x08);
	eoi(0x20);
	assert_int_equal(isr(0x20), 0x08);
	wr(0x20, 0x48); /* OCW3: reset special mask */
	eoi(0x20);
	assert_int_equal(isr(0x20), 0x00);
	/* OCW3 with ESMM clear leaves the mode alone. */
	wr(0x20, 0x68);
	wr(0x20, 0x28);
	assert_true(p.chip[0].smm);
}

/* PIIX: IRQ0, 1, 2, 8, 13 cannot be made level; the bits read 0. */
static void test_elcr_writable_bits(void **state)
{
	(void)state;
	pic_init(&p);
	wr(0x4d0, 0xff);
	wr(0x4d1, 0xff);
	assert_int_equal(rd(0x4d0), 0xf8);
	assert_int_equal(rd(0x4d1), 0xde);
	wr(0x4d0, 0x00);
	wr(0x4d1, 0x00);
	assert_int_equal(rd(0x4d0), 0x00);
	assert_int_equal(rd(0x4d1), 0x00);

	/* IRQ0 stays edge: held high, it is not re-requested after EOI. */
	linux_init();
	wr(0x4d0, 0xff);
	pic_set_irq(&p, 0, true);
	assert_int_equal(pic_inta(&p), 0x20);
	eoi(0x20);
	assert_false(pic_intr(&p));
}

/* ELCR level: requested while high, again after EOI, gone when low. */
static void test_elcr_level(void **state)
{
	(void)state;
	linux_init();
	wr(0x4d1, 0x02); /* IRQ9 level, ICW1 said edge */
	pic_set_irq(&p, 9, true);
	assert_int_equal(pic_inta(&p), 0x29);
	assert_int_equal(irr(0xa0), 0x02); /* still requested */
	eoi(0xa0);
	assert_false(pic_intr(&p)); /* master IR2 still in service */
	eoi(0x20);
	assert_true(pic_intr(&p));
	assert_int_equal(pic_inta(&p), 0x29);
	pic_set_irq(&p, 9, false);
	assert_int_equal(irr(0xa0), 0x00);
	eoi(0xa0);
	eoi(0x20);
	assert_false(pic_intr(&p));
	/* Withdrawn before the INTA: the slave answers IR7. */
	pic_set_irq(&p, 9, true);
	pic_set_irq(&p, 9, false);
	assert_int_equal(pic_inta(&p), 0x2f);
}

/* ICW1 LTIM makes every IR of that chip level triggered. */
static void test_icw1_ltim(void **state)
{
	(void)state;
	linux_init();
	wr(0x20, 0x19); /* ICW1: LTIM */
	wr(0x21, 0x20);
	wr(0x21, 0x04);
	wr(0x21, 0x01);
	pic_set_irq(&p, 0, true); /* even IRQ0, whatever the ELCR */
	assert_int_equal(pic_inta(&p), 0x20);
	eoi(0x20);
	assert_true(pic_intr(&p));
	assert_int_equal(pic_inta(&p), 0x20);
}

/* ICW1 resets the IMR, ISR, priority, read select and edge sense. */
static void test_icw1_resets(void **state)
{
	(void)state;
	linux_init();
	pic_set_irq(&p, 1, true);
	assert_int_equal(pic_inta(&p), 0x21);
	wr(0x20, 0xc5); /* set priority */
	wr(0x20, 0x6b); /* special mask on, read ISR */
	wr(0x21, 0x55); /* IMR */
	pic_set_irq(&p, 3, true);
	wr(0x20, 0x11);
	wr(0x21, 0x20);
	wr(0x21, 0x04);
	wr(0x21, 0x01);
	assert_int_equal(rd(0x21), 0x00);
	assert_false(p.chip[0].smm);
	assert_int_equal(rd(0x20), 0x00); /* IRR selected, and empty: */
	/* lines 1 and 3 are high, but the edge sense was reset. */
	assert_false(pic_intr(&p));
	assert_int_equal(isr(0x20), 0x00);
	pulse_up(3);
	pulse_up(1);
	assert_int_equal(pic_inta(&p), 0x21); /* IR7 lowest again */
}

/*
 * The slave holds INT until its INTA; a master re-initialised meanwhile
 * (edge sense reset) still sees the cascade and runs the slave's cycle.
 */
static void test_master_reinit_sees_held_cascade(void **state)
{
	(void)state;
	linux_init();
	pic_set_irq(&p, 12, true);
	assert_true(pic_intr(&p));
	wr(0x20, 0x11);
	assert_false(pic_intr(&p)); /* ICW1 drops the master's INT */
	wr(0x21, 0x20);
	wr(0x21, 0x04);
	wr(0x21, 0x01);
	assert_true(pic_intr(&p));
	assert_int_equal(pic_inta(&p), 0x2c);
	assert_int_equal(isr(0x20), 0x04);
	assert_int_equal(isr(0xa0), 0x10);
}

/* Only the pair's ports decode; IRQ 2 and > 15 are not wires. */
static void test_bad_ports_and_irqs(void **state)
{
	u8 v = 0;

	(void)state;
	linux_init();
	assert_int_equal(pic_io_read(&p, 0x22, &v), -EINVAL);
	assert_int_equal(v, 0xff);
	assert_int_equal(pic_io_write(&p, 0x4d2, 0), -EINVAL);
	assert_int_equal(pic_io_write(&p, 0xa2, 0), -EINVAL);
	pic_set_irq(&p, 2, true);
	pic_set_irq(&p, 16, true);
	assert_int_equal(p.bad_irq, 2);
	assert_false(pic_intr(&p));
}

/* Single mode skips ICW3; no ICW4 means MCS-80 mode: counted. */
static void test_single_mode_sequence(void **state)
{
	(void)state;
	pic_init(&p);
	wr(0x20, 0x13); /* ICW1: single, ICW4 */
	wr(0x21, 0x40);
	wr(0x21, 0x03); /* this is ICW4 (AEOI), not ICW3 */
	assert_true(p.chip[0].aeoi);
	assert_true(p.chip[0].ready);
	assert_int_equal(p.unsupported, 1);
	pic_set_irq(&p, 1, true);
	assert_int_equal(pic_inta(&p), 0x41);
	assert_int_equal(isr(0x20), 0x00);

	pic_init(&p);
	wr(0x20, 0x10); /* no ICW4 */
	wr(0x21, 0x30);
	wr(0x21, 0x04);
	assert_true(p.chip[0].ready);
	wr(0x21, 0xfe); /* OCW1 now */
	assert_int_equal(rd(0x21), 0xfe);
	assert_int_equal(p.unsupported, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_power_on_state),
		cmocka_unit_test(test_linux_init_irq0),
		cmocka_unit_test(test_seabios_interleaved_init),
		cmocka_unit_test(test_icw2_low_bits_ignored),
		cmocka_unit_test(test_no_int_during_init),
		cmocka_unit_test(test_priority_irq0_before_irq1),
		cmocka_unit_test(test_higher_priority_nests),
		cmocka_unit_test(test_cascade_priority),
		cmocka_unit_test(test_slave_needs_both_eois),
		cmocka_unit_test(test_special_fully_nested),
		cmocka_unit_test(test_rotate_on_nonspecific_eoi),
		cmocka_unit_test(test_set_priority),
		cmocka_unit_test(test_specific_eoi),
		cmocka_unit_test(test_rotate_on_specific_eoi),
		cmocka_unit_test(test_ocw2_nop),
		cmocka_unit_test(test_auto_eoi),
		cmocka_unit_test(test_rotate_in_auto_eoi),
		cmocka_unit_test(test_masked_until_unmasked),
		cmocka_unit_test(test_vanished_edge_is_spurious_7),
		cmocka_unit_test(test_masked_after_int_is_spurious),
		cmocka_unit_test(test_vanished_slave_is_spurious_15),
		cmocka_unit_test(test_poll_mode),
		cmocka_unit_test(test_read_irr_isr),
		cmocka_unit_test(test_special_mask_mode),
		cmocka_unit_test(test_elcr_writable_bits),
		cmocka_unit_test(test_elcr_level),
		cmocka_unit_test(test_icw1_ltim),
		cmocka_unit_test(test_icw1_resets),
		cmocka_unit_test(test_master_reinit_sees_held_cascade),
		cmocka_unit_test(test_bad_ports_and_irqs),
		cmocka_unit_test(test_single_mode_sequence),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
