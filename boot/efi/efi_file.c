// SPDX-License-Identifier: GPL-2.0
/*
 * Files on the ESP and the console-routing check.  Only boot/ includes
 * <efi.h>.
 */
#include "efi_boot.h"
#include "string_util.h"

#define EFI_PATH_MAX 256

static bool ascii_to_efi_path(const char *path, CHAR16 *out, size_t max)
{
	size_t i = 0, o = 0;

	if (path[0] != '/' && path[0] != '\\')
		out[o++] = L'\\';
	for (; path[i]; i++) {
		if (o + 1 >= max || (unsigned char)path[i] >= 0x80)
			return false;
		out[o++] = path[i] == '/' ? L'\\' : (CHAR16)path[i];
	}
	out[o] = 0;
	return true;
}

EFI_STATUS efi_read_file(EFI_HANDLE image, const char *path, void **out,
			 UINTN *size)
{
	EFI_LOADED_IMAGE *li = NULL;
	EFI_FILE_HANDLE root, file;
	EFI_FILE_INFO *info;
	CHAR16 wpath[EFI_PATH_MAX];
	EFI_STATUS st;
	UINTN len;
	void *buf;

	if (!ascii_to_efi_path(path, wpath, EFI_PATH_MAX))
		return EFI_INVALID_PARAMETER;
	st = uefi_call_wrapper(BS->HandleProtocol, 3, image,
			       &LoadedImageProtocol, (void **)&li);
	if (EFI_ERROR(st))
		return st;
	root = LibOpenRoot(li->DeviceHandle);
	if (!root)
		return EFI_NOT_FOUND;
	st = uefi_call_wrapper(root->Open, 5, root, &file, wpath,
			       EFI_FILE_MODE_READ, 0ULL);
	uefi_call_wrapper(root->Close, 1, root);
	if (EFI_ERROR(st))
		return st;
	info = LibFileInfo(file);
	if (!info) {
		uefi_call_wrapper(file->Close, 1, file);
		return EFI_DEVICE_ERROR;
	}
	len = info->FileSize;
	FreePool(info);
	st = uefi_call_wrapper(BS->AllocatePool, 3, EfiLoaderData, len + 1,
			       &buf);
	if (EFI_ERROR(st)) {
		uefi_call_wrapper(file->Close, 1, file);
		return st;
	}
	*size = len;
	st = uefi_call_wrapper(file->Read, 3, file, size, buf);
	uefi_call_wrapper(file->Close, 1, file);
	if (EFI_ERROR(st) || *size != len) {
		FreePool(buf);
		return EFI_ERROR(st) ? st : EFI_DEVICE_ERROR;
	}
	((char *)buf)[len] = '\0';
	*out = buf;
	return EFI_SUCCESS;
}

bool efi_conout_is_serial(void)
{
	EFI_DEVICE_PATH *dp, *p;
	UINTN size = 0;
	bool serial = false;

	dp = LibGetVariableAndSize(L"ConOut", &EfiGlobalVariable, &size);
	if (!dp)
		return false;
	for (p = dp; (UINT8 *)p < (UINT8 *)dp + size;
	     p = NextDevicePathNode(p)) {
		if (DevicePathNodeLength(p) < 4)
			break;
		if (DevicePathType(p) == MESSAGING_DEVICE_PATH &&
		    DevicePathSubType(p) == MSG_UART_DP)
			serial = true;
		if (IsDevicePathEnd(p))
			break;
	}
	FreePool(dp);
	return serial;
}
