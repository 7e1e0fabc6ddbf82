/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The PC's pair of 8259A programmable interrupt controllers, as the
 * PIIX3/ICH south bridges integrate them: the master at 0x20/0x21, the
 * slave at 0xa0/0xa1 with its INT output wired to the master's IR2, and
 * the two edge/level control registers (ELCR) at 0x4d0/0x4d1.  Portable.
 *
 * The wires.  pic_set_irq() drives the electrical level of ISA IRQ 0-15.
 * As on the 8259A, a request is only valid while its line is high: an
 * edge-triggered IRQ is latched on the rising edge and stays requested
 * while the line stays high, until the INTA cycle takes it; a line that
 * falls before the INTA withdraws the request.  A source must therefore
 * hold its line high until the interrupt is acknowledged (as the 8254's
 * OUT does); a pulse that falls before pic_inta() is not lost silently
 * but answered with the spurious vector, exactly like a glitch on a real
 * board.  Level-triggered IRQs (ELCR, or LTIM in ICW1) are requested for
 * as long as the line is high, also after their INTA.
 *
 * The INT output.  Once a chip has raised INT it holds it until the next
 * INTA (or poll) cycle or ICW1, even if the request behind it is masked or
 * withdrawn meanwhile: the processor has already been told, and the INTA
 * that follows is answered with the spurious IRQ7 vector (IRQ15 via the
 * slave, with the master's IR2 in service).  This is how the 8259A's
 * spurious interrupts arise and why guests handle them.
 *
 * Board wiring, as in PIIX: the cascade is fixed.  The slave's INT is the
 * master's IR2 whatever ICW3 says (sensed by level, whatever the master's
 * trigger mode), and pic_set_irq(2) is not a wire (it is ignored and
 * counted).  ICW3 values other than 04h/02h, single mode, the
 * MCS-80/85 mode and buffered mode are recorded, counted in
 * pic.unsupported, and otherwise have no effect: the vectors are always
 * the 8086 ones (ICW2 base | IR).
 *
 * Power-on.  The model assumes nothing a BIOS would have done: until a
 * chip has received its ICW1..ICW4 sequence it raises no INT, its vector
 * base is 0, its IMR reads 0xff and the ELCRs read 0 (all edge).
 */
#ifndef TDP_HV_DEV_PIC_H
#define TDP_HV_DEV_PIC_H

#include "types.h"
#include "compiler.h"

#define PIC_MASTER_CMD 0x20
#define PIC_MASTER_DATA 0x21
#define PIC_SLAVE_CMD 0xa0
#define PIC_SLAVE_DATA 0xa1
#define PIC_ELCR1 0x4d0
#define PIC_ELCR2 0x4d1

/* The slave's INT drives this input of the master. */
#define PIC_CASCADE_IRQ 2

/*
 * ELCR bits that PIIX/ICH let software set: IRQ 0, 1, 2 (master) and
 * IRQ 8, 13 (slave) are always edge triggered; their bits read 0.
 */
#define PIC_ELCR1_WRITABLE 0xf8
#define PIC_ELCR2_WRITABLE 0xde

/**
 * struct pic_chip - one 8259A.
 * @line: the level of each IR input (the master's bit 2 is the slave's INT).
 * @latch: edge-sense latches: set by a rising edge, cleared by the line
 *         falling, by the INTA of that IR and by ICW1.
 * @isr: in-service register.
 * @imr: interrupt mask register (OCW1).
 * @elcr: edge/level control (1 = level), only the writable bits.
 * @base: ICW2 & 0xf8, the vector of IR0.
 * @icw3: the last ICW3 (recorded only: the cascade is fixed).
 * @lowest: the IR with the lowest priority (7 after ICW1; rotation moves it).
 * @init_next: the ICW the data port expects next (2, 3, 4), 0 outside the
 *             initialisation sequence.
 * @ready: an ICW sequence has completed (the chip may raise INT).
 * @ic4: ICW1 said an ICW4 follows.
 * @single: ICW1 single mode (recorded; the cascade stays wired).
 * @ltim: ICW1 level-triggered mode for every IR.
 * @upm: ICW4 8086 mode (clear: MCS-80/85 mode, not modelled).
 * @aeoi: ICW4 automatic EOI.
 * @sfnm: ICW4 special fully nested mode.
 * @rotate_aeoi: OCW2 rotate in automatic EOI mode.
 * @smm: OCW3 special mask mode.
 * @read_isr: OCW3 read register select: ISR (else IRR).
 * @poll: OCW3 poll command pending for the next read of this chip.
 * @int_out: the INT output, held from its rising until INTA/poll/ICW1.
 * @master: this is the master (its IR2 is the cascade, sensed by level).
 */
struct pic_chip {
	u8 line;
	u8 latch;
	u8 isr;
	u8 imr;
	u8 elcr;
	u8 base;
	u8 icw3;
	u8 lowest;
	u8 init_next;
	bool ready;
	bool ic4;
	bool single;
	bool ltim;
	bool upm;
	bool aeoi;
	bool sfnm;
	bool rotate_aeoi;
	bool smm;
	bool read_isr;
	bool poll;
	bool int_out;
	bool master;
};

/**
 * struct pic - the master/slave pair and its counters.
 * @chip: [0] master, [1] slave.
 * @intas: INTA cycles run by pic_inta().
 * @polls: poll-mode reads (each acknowledges like an INTA).
 * @spurious: INTA cycles answered with a spurious IR7 vector (either chip).
 * @unsupported: programming the model records but does not act on
 *               (single mode, MCS-80 mode, no ICW4, buffered mode,
 *               ICW3 other than the PC's 04h/02h).
 * @bad_irq: pic_set_irq() calls for IRQ 2 or above 15 (ignored).
 */
struct pic {
	struct pic_chip chip[2];
	u64 intas;
	u64 polls;
	u64 spurious;
	u64 unsupported;
	u64 bad_irq;
};

void pic_init(struct pic *p);
int pic_io_read(struct pic *p, u16 port, u8 *val);
int pic_io_write(struct pic *p, u16 port, u8 val);
void pic_set_irq(struct pic *p, unsigned int irq, bool level);
bool pic_intr(const struct pic *p);
u8 pic_inta(struct pic *p);
u8 pic_irr(const struct pic_chip *c);

#endif /* TDP_HV_DEV_PIC_H */
