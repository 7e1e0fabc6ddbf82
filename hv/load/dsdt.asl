/*
 * SPDX-License-Identifier: GPL-2.0
 *
 * The guest's DSDT, compiled by iasl at build time into a C array that
 * hv/load/acpi.c copies into guest RAM (see the layout in acpi.h).
 *
 * \_S5: SLP_TYP 5 for both PM1a and PM1b; the guest powers off by writing
 * (5 << 10) | SLP_EN (bit 13) = 0x3400 to PM1a control (port 0x604).
 * ACPI_S5_SLP_TYP in acpi.h must say the same; a unit test compares them.
 *
 * The devices are those the platform models (hv/dev/): the i440FX host
 * bridge behind configuration mechanism #1, COM1, the CMOS RTC and the
 * i8042.  They sit directly under \_SB: there is no PCI-to-ISA bridge
 * function to hang them from.  The host bridge has no _CRS, so Linux
 * takes bus 0 from _BBN and its default I/O and memory windows.
 */
DefinitionBlock ("", "DSDT", 2, "TDPVSR", "TDPVISOR", 1)
{
    Name (\_S5, Package (0x04) { 0x05, 0x05, Zero, Zero })

    Scope (\_SB)
    {
        Device (PCI0)
        {
            Name (_HID, EisaId ("PNP0A03"))
            Name (_UID, Zero)
            Name (_BBN, Zero)
            Name (_SEG, Zero)
        }

        Device (COM1)
        {
            Name (_HID, EisaId ("PNP0501"))
            Name (_UID, One)
            Name (_CRS, ResourceTemplate ()
            {
                IO (Decode16, 0x03F8, 0x03F8, 0x08, 0x08)
                IRQNoFlags () {4}
            })
        }

        Device (RTC)
        {
            Name (_HID, EisaId ("PNP0B00"))
            Name (_CRS, ResourceTemplate ()
            {
                IO (Decode16, 0x0070, 0x0070, 0x01, 0x02)
                IRQNoFlags () {8}
            })
        }

        Device (KBD)
        {
            Name (_HID, EisaId ("PNP0303"))
            Name (_CRS, ResourceTemplate ()
            {
                IO (Decode16, 0x0060, 0x0060, 0x01, 0x01)
                IO (Decode16, 0x0064, 0x0064, 0x01, 0x01)
                IRQNoFlags () {1}
            })
        }
    }
}
