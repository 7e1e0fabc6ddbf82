// SPDX-License-Identifier: GPL-2.0
/*
 * UEFI entry: configuration, serial console, TSC, ACPI,
 * memory, guest images, ExitBootServices, then hv_main() with a plain
 * struct boot_info.  The only other file with <efi.h> is efi_file.c.
 */
#include "efi_boot.h"
#include "acpi.h"
#include "console.h"
#include "errno_codes.h"
#include "fmt.h"
#include "status.h"
#include "string_util.h"
#include "smbios.h"
#include "uart.h"
#include "hv/cpu.h"
#include "x86.h"

#define TDP_VERSION "0.1"
#define CALIBRATE_US 50000
#define CFG_NAME "tdpvisor.cfg"

static struct boot_info bi;

/* The firmware's clock, for the guests' CMOS RTC. */
static void read_time(struct boot_time *t)
{
	EFI_TIME et;

	if (uefi_call_wrapper(RT->GetTime, 2, &et, NULL) != EFI_SUCCESS ||
	    et.Month < 1 || et.Month > 12 || et.Day < 1 || et.Day > 31) {
		t->valid = false;
		return;
	}
	t->year = et.Year;
	t->month = et.Month;
	t->day = et.Day;
	t->hour = et.Hour;
	t->minute = et.Minute;
	t->second = et.Second;
	t->valid = true;
}
static struct uart serial;
static EFI_HANDLE self_image;

static const u16 com_ports[] = { 0x3f8, 0x2f8, 0x3e8, 0x2e8 };

static u8 uart_pio_read(struct uart *u, u32 reg)
{
	return inb((u16)(u->base + reg));
}

static void uart_pio_write(struct uart *u, u32 reg, u8 v)
{
	outb((u16)(u->base + reg), v);
}

static u8 uart_mmio_read(struct uart *u, u32 reg)
{
	volatile u8 *p = (volatile u8 *)(uintptr_t)(u->base + reg * u->stride);

	return u->stride == 4 ? (u8) * (volatile u32 *)p : *p;
}

static void uart_mmio_write(struct uart *u, u32 reg, u8 v)
{
	volatile u8 *p = (volatile u8 *)(uintptr_t)(u->base + reg * u->stride);

	if (u->stride == 4)
		*(volatile u32 *)p = v;
	else
		*p = v;
}

static void efi_sink(const char *line)
{
	CHAR16 w[256];
	size_t o = 0;

	for (; *line && o + 3 < ARRAY_SIZE(w); line++) {
		if (*line == '\n')
			w[o++] = L'\r';
		w[o++] = (CHAR16)(u8)*line;
	}
	w[o] = 0;
	uefi_call_wrapper(ST->ConOut->OutputString, 2, ST->ConOut, w);
}

static void calibrate_tsc(void)
{
	u64 t0 = rdtsc();

	uefi_call_wrapper(BS->Stall, 1, CALIBRATE_US);
	bi.tsc_khz = (rdtsc() - t0) / (CALIBRATE_US / 1000);
	if (!bi.tsc_khz)
		bi.tsc_khz = 1;
}

static u64 find_rsdp(void)
{
	EFI_GUID acpi20 = ACPI_20_TABLE_GUID;
	u64 v1 = 0;

	for (UINTN i = 0; i < ST->NumberOfTableEntries; i++) {
		EFI_CONFIGURATION_TABLE *t = &ST->ConfigurationTable[i];

		if (!CompareGuid(&t->VendorGuid, &acpi20))
			return (u64)(uintptr_t)t->VendorTable;
		if (!CompareGuid(&t->VendorGuid, &AcpiTableGuid))
			v1 = (u64)(uintptr_t)t->VendorTable;
	}
	return v1;
}

/* The firmware's SMBIOS identification strings (empty when none). */
static void find_smbios(struct smbios_ids *ids)
{
	EFI_GUID g3 = SMBIOS3_TABLE_GUID, g2 = SMBIOS_TABLE_GUID;
	const u8 *ep = NULL;
	u64 addr;
	u32 size;

	memset(ids, 0, sizeof(*ids));
	for (UINTN i = 0; i < ST->NumberOfTableEntries; i++) {
		EFI_CONFIGURATION_TABLE *t = &ST->ConfigurationTable[i];

		if (!CompareGuid(&t->VendorGuid, &g3))
			ep = t->VendorTable;
		else if (!ep && !CompareGuid(&t->VendorGuid, &g2))
			ep = t->VendorTable;
	}
	if (ep && !smbios_entry_table(ep, 0x20, &addr, &size) && addr && size)
		smbios_parse_table((const u8 *)(uintptr_t)addr, size, ids);
}

/* Serial port choice: config, else ACPI SPCR, else COM1. */
static const char *setup_serial(const struct tdp_config *cfg, u32 *baud)
{
	struct acpi_spcr_info spcr;
	static char desc[64];

	*baud = cfg->serial_baud;
	serial.stride = 1;
	if (cfg->serial == SERIAL_MMIO) {
		serial.mmio = true;
		serial.base = cfg->serial_mmio_base;
		serial.stride = cfg->serial_mmio_stride;
	} else if (cfg->serial == SERIAL_AUTO &&
		   !acpi_parse_spcr(bi.acpi_rsdp, &spcr)) {
		serial.mmio = spcr.mmio;
		serial.base = spcr.base;
		serial.stride = spcr.mmio ? spcr.stride : 1;
		if (spcr.baud && cfg->serial_baud == 115200)
			*baud = spcr.baud;
	} else {
		u32 idx = cfg->serial == SERIAL_AUTO
				  ? 0
				  : cfg->serial - SERIAL_COM1;

		serial.base = com_ports[idx];
	}
	serial.read = serial.mmio ? uart_mmio_read : uart_pio_read;
	serial.write = serial.mmio ? uart_mmio_write : uart_pio_write;
	fmt_snprintf(desc, sizeof(desc), "%s 0x%llx%s",
		     serial.mmio ? "MMIO" : "port", serial.base,
		     cfg->serial == SERIAL_AUTO ? " (auto)" : "");
	return desc;
}

static void load_options_ascii(EFI_LOADED_IMAGE *li, char *out, size_t max)
{
	const CHAR16 *w = li->LoadOptions;
	size_t n = li->LoadOptionsSize / sizeof(CHAR16), o = 0;

	for (size_t i = 0; w && i < n && w[i] && o + 1 < max; i++)
		out[o++] = w[i] < 0x80 ? (char)w[i] : '?';
	out[o] = '\0';
}

/*
 * Reads tdpvisor.cfg (root of the ESP) and the load options.  Returns 0, or
 * -EINVAL with @err filled in.
 */
static int read_config(EFI_LOADED_IMAGE *li, struct config_error *err)
{
	static char opts[512];
	void *text;
	UINTN len;
	EFI_STATUS st;
	int r;

	config_defaults(&bi.cfg);
	fmt_snprintf(bi.cfg_source, sizeof(bi.cfg_source), "defaults");
	st = efi_read_file(self_image, CFG_NAME, &text, &len);
	if (!EFI_ERROR(st)) {
		fmt_snprintf(bi.cfg_source, sizeof(bi.cfg_source),
			     "\\" CFG_NAME);
		r = config_parse_file(&bi.cfg, CFG_NAME, text, len, err);
		FreePool(text);
		if (r)
			return r;
	}
	load_options_ascii(li, opts, sizeof(opts));
	r = config_parse_options(&bi.cfg, opts, err);
	if (r)
		return r;
	return config_check(&bi.cfg, cpu_phys_addr_bits(), err);
}

static bool is_builtin_name(const char *s)
{
	for (; *s; s++)
		if (*s == '/' || *s == '\\' || *s == '.')
			return false;
	return true;
}

static int load_blob(const char *path, struct boot_blob *b, const char *what)
{
	void *data;
	UINTN len;
	EFI_STATUS st;

	st = efi_read_file(self_image, path, &data, &len);
	if (EFI_ERROR(st)) {
		pr_err("boot: cannot read %s '%s' from the ESP: EFI status 0x%llx%s",
		       what, path, (u64)st,
		       st == EFI_NOT_FOUND ? " (file not found)" : "");
		return -ENOENT;
	}
	b->data = data;
	b->size = len;
	fmt_snprintf(b->name, sizeof(b->name), "%s", path);
	pr_info("boot: loaded %s '%s' (%llu bytes)", what, path, (u64)len);
	return 0;
}

/*
 * Guest RAM of 1 GiB or more is placed on a 1 GiB boundary when one is
 * free, so the TDP MMU can map it with 1 GiB leaves (the host frame must be
 * as aligned as the guest frame).  Tries each 1 GiB-aligned address below
 * the top of memory; the caller falls back to 2 MiB alignment.
 */
static int alloc_pages_1g(u64 bytes, u64 limit, u64 *out)
{
	for (u64 pa = 1ULL << 30; pa + bytes <= limit; pa += 1ULL << 30) {
		EFI_PHYSICAL_ADDRESS a = pa;

		if (!EFI_ERROR(uefi_call_wrapper(BS->AllocatePages, 4,
						 AllocateAddress, EfiLoaderData,
						 bytes >> PAGE_SHIFT, &a))) {
			*out = pa;
			return 0;
		}
	}
	return -ENOMEM;
}

static int alloc_pages(u64 bytes, u64 align, u64 *out)
{
	EFI_PHYSICAL_ADDRESS pa = 0;
	UINTN pages = (bytes + align) >> PAGE_SHIFT;
	EFI_STATUS st;

	st = uefi_call_wrapper(BS->AllocatePages, 4, AllocateAnyPages,
			       EfiLoaderData, pages, &pa);
	if (EFI_ERROR(st))
		return -ENOMEM;
	*out = ALIGN_UP((u64)pa, align);
	return 0;
}

static void summarize_memmap(EFI_MEMORY_DESCRIPTOR *map, UINTN size,
			     UINTN dsize)
{
	struct boot_mem_summary *m = &bi.mem;

	*m = (struct boot_mem_summary){ 0 };
	for (UINTN off = 0; off + dsize <= size; off += dsize) {
		EFI_MEMORY_DESCRIPTOR *d = (void *)((u8 *)map + off);
		u64 bytes = d->NumberOfPages << PAGE_SHIFT;

		m->entries++;
		m->total_bytes += bytes;
		if (d->Type == EfiConventionalMemory ||
		    d->Type == EfiBootServicesCode ||
		    d->Type == EfiBootServicesData)
			m->usable_bytes += bytes;
		if (d->PhysicalStart + bytes > m->highest_addr)
			m->highest_addr = d->PhysicalStart + bytes;
	}
}

static EFI_STATUS exit_boot_services(void)
{
	UINTN size = 0, key, dsize;
	UINT32 dver;
	EFI_MEMORY_DESCRIPTOR *map = NULL;
	EFI_STATUS st;

	for (int tries = 0; tries < 4; tries++) {
		size = 0;
		st = uefi_call_wrapper(BS->GetMemoryMap, 5, &size, map, &key,
				       &dsize, &dver);
		if (st != EFI_BUFFER_TOO_SMALL)
			return st;
		size += 8 * sizeof(EFI_MEMORY_DESCRIPTOR);
		st = uefi_call_wrapper(BS->AllocatePool, 3, EfiLoaderData, size,
				       (void **)&map);
		if (EFI_ERROR(st))
			return st;
		st = uefi_call_wrapper(BS->GetMemoryMap, 5, &size, map, &key,
				       &dsize, &dver);
		if (EFI_ERROR(st))
			return st;
		summarize_memmap(map, size, dsize);
		/* No console output between GetMemoryMap and EBS. */
		st = uefi_call_wrapper(BS->ExitBootServices, 2, self_image,
				       key);
		if (!EFI_ERROR(st))
			return st;
		map = NULL; /* the pool buffer is lost if EBS half-failed */
	}
	return st;
}

static __noreturn void stop_boot(int status)
{
	/* Show the message on a screen for a while on real hardware. */
	if (platform_detect() == PLATFORM_HARDWARE) {
		pr_info("boot: real hardware: keeping this on the screen for 10 s before power-off");
		uefi_call_wrapper(BS->Stall, 1, 10 * 1000 * 1000);
	}
	power_off(status);
}

/* Every key and the value in force, a few per line. */
static void print_config(void)
{
	static char text[2048];
	char *line = text;

	config_format(&bi.cfg, text, sizeof(text), 96);
	pr_info("config: from %s; every key, with the value in force:",
		bi.cfg_source);
	while (line && *line) {
		char *nl = strchr(line, '\n');

		if (nl)
			*nl = '\0';
		pr_info("config:   %s", line);
		line = nl ? nl + 1 : NULL;
	}
}

/* Loads every ESP path in the comma-separated `guest` list. */
static void load_guests(void)
{
	char list[CONFIG_STR_MAX], *p = list;
	u32 n = 0;

	fmt_snprintf(list, sizeof(list), "%s", bi.cfg.guest);
	while (p && *p) {
		char *comma = strchr(p, ',');

		if (comma)
			*comma = '\0';
		if (!is_builtin_name(p)) {
			if (n == BOOT_MAX_IMAGES) {
				pr_err("boot: more than %d guest images in 'guest'",
				       BOOT_MAX_IMAGES);
				stop_boot(TDP_STATUS_CONFIG);
			}
			if (load_blob(p, &bi.guest_images[n++], "guest image"))
				stop_boot(TDP_STATUS_CONFIG);
		}
		p = comma ? comma + 1 : NULL;
	}
	if (bi.cfg.guest_module[0] &&
	    load_blob(bi.cfg.guest_module, &bi.guest_module, "guest module"))
		stop_boot(TDP_STATUS_CONFIG);
}

static void allocate_memory(void)
{
	if (alloc_pages(bi.cfg.hv_mem, PAGE_SIZE, &bi.hv_pool_base)) {
		pr_err("boot: cannot allocate hv_mem=%llu MiB for the hypervisor pool; lower hv_mem in tdpvisor.cfg",
		       (bi.cfg.hv_mem >> 20));
		stop_boot(TDP_STATUS_CONFIG);
	}
	bi.hv_pool_size = bi.cfg.hv_mem;
	if ((bi.cfg.guest_mem < (1ULL << 30) ||
	     alloc_pages_1g(bi.cfg.guest_mem, 1ULL << 46,
			    &bi.guest_ram_base)) &&
	    alloc_pages(bi.cfg.guest_mem, 2ULL << 20, &bi.guest_ram_base)) {
		pr_err("boot: cannot allocate guest_mem=%llu MiB of guest RAM; lower guest_mem in tdpvisor.cfg",
		       (bi.cfg.guest_mem >> 20));
		stop_boot(TDP_STATUS_CONFIG);
	}
	bi.guest_ram_size = bi.cfg.guest_mem;
	pr_info("boot: hypervisor pool %llu MiB at 0x%llx, guest RAM %llu MiB at 0x%llx",
		(bi.hv_pool_size >> 20), bi.hv_pool_base,
		(bi.guest_ram_size >> 20), bi.guest_ram_base);
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab)
{
	struct config_error cerr;
	struct smbios_ids smbios;
	EFI_LOADED_IMAGE *li = NULL;
	const char *sdesc;
	int cfg_r, ur;
	u32 baud;

	InitializeLib(image, systab);
	self_image = image;
	uefi_call_wrapper(BS->HandleProtocol, 3, image, &LoadedImageProtocol,
			  (void **)&li);
	bi.image_base = (u64)(uintptr_t)li->ImageBase;
	bi.image_size = li->ImageSize;
	bi.tsc_base = rdtsc();
	console_set_tsc(bi.tsc_base, 0);
	bi.acpi_rsdp = find_rsdp();
	power_set_acpi(bi.acpi_rsdp);
	find_smbios(&smbios);
	platform_set_firmware_ids(&smbios);
	power_set_reset_fn((void *)systab->RuntimeServices->ResetSystem);
	read_time(&bi.time);

	/* Serial first: with a bad config, fall back to the defaults' port. */
	cfg_r = read_config(li, &cerr);
	if (cfg_r)
		config_defaults(&bi.cfg);
	sdesc = setup_serial(&bi.cfg, &baud);
	ur = uart_init(&serial, baud);
	console_attach_uart(&serial);
	console_set_level(bi.cfg.log_level);
	if (!efi_conout_is_serial())
		console_set_efi_sink(efi_sink);
	calibrate_tsc();
	console_set_tsc(bi.tsc_base, bi.tsc_khz);

	pr_info("tdpvisor %s: TDP MMU testbed hypervisor (UEFI, VMX/EPT)",
		TDP_VERSION);
	pr_info("boot: image at 0x%llx (%llu KiB), serial %s %u 8N1%s",
		bi.image_base, (bi.image_size >> 10), sdesc, baud,
		ur ? " (no UART answered there)" : "");
	pr_info("boot: platform %s, TSC %llu.%03llu MHz, ACPI RSDP 0x%llx",
		platform_name(platform_detect()), (bi.tsc_khz / 1000),
		(bi.tsc_khz % 1000), bi.acpi_rsdp);
	pr_info("boot: SMBIOS: BIOS vendor '%s', system '%s' '%s'",
		smbios.bios_vendor, smbios.sys_vendor, smbios.product);
	if (cfg_r) {
		pr_err("config: %s", cerr.msg);
		pr_err("config: boot stopped; fix the file or the load options (see README, 'Configuration')");
		stop_boot(TDP_STATUS_CONFIG);
	}
	print_config();
	load_guests();
	allocate_memory();

	console_set_efi_sink(NULL);
	if (EFI_ERROR(exit_boot_services())) {
		pr_err("boot: ExitBootServices failed");
		stop_boot(TDP_STATUS_PANIC);
	}
	pr_info("boot: ExitBootServices done; memory map: %u entries, %llu MiB total, %llu MiB usable, highest address 0x%llx",
		bi.mem.entries, (bi.mem.total_bytes >> 20),
		(bi.mem.usable_bytes >> 20), bi.mem.highest_addr);
	hv_main(&bi);
}
