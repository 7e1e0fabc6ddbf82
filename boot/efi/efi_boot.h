/* SPDX-License-Identifier: GPL-2.0 */
/* Internal to boot/: helpers shared by the efi_*.c files. */
#ifndef TDP_EFI_BOOT_H
#define TDP_EFI_BOOT_H

#include <efi.h>
#include <efilib.h>
#include "boot_info.h"

/*
 * efi_read_file() - read a whole file from the ESP the image came from.
 * @path: ASCII path; '/' is accepted for '\'; relative paths start at the
 *        root of the ESP.
 * @out/@size: receive a pool buffer (EfiLoaderData, survives EBS), NUL-
 *        terminated one byte past @size.
 * Return: EFI_SUCCESS, EFI_NOT_FOUND, or the failing EFI status.
 */
EFI_STATUS efi_read_file(EFI_HANDLE image, const char *path, void **out,
			 UINTN *size);

/* Returns true when ConOut also feeds a serial terminal (OVMF default). */
bool efi_conout_is_serial(void);

#endif /* TDP_EFI_BOOT_H */
