// SPDX-License-Identifier: GPL-2.0
/* Names for the error codes of include/errno_codes.h, for log messages. */
#include "errno_codes.h"
#include "compiler.h"

const char *errno_name(int err)
{
	static const struct {
		int code;
		const char *name;
	} names[] = {
		{ EPERM, "EPERM" },	{ ENOENT, "ENOENT" },
		{ EIO, "EIO" },		{ E2BIG, "E2BIG" },
		{ ENOEXEC, "ENOEXEC" }, { EAGAIN, "EAGAIN" },
		{ ENOMEM, "ENOMEM" },	{ EFAULT, "EFAULT" },
		{ EBUSY, "EBUSY" },	{ EEXIST, "EEXIST" },
		{ EINVAL, "EINVAL" },	{ ENOSPC, "ENOSPC" },
		{ ERANGE, "ERANGE" },	{ ENOSYS, "ENOSYS" },
		{ ENODEV, "ENODEV" },	{ EOPNOTSUPP, "EOPNOTSUPP" },
	};

	if (err < 0)
		err = -err;
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (names[i].code == err)
			return names[i].name;
	return err ? "E?" : "OK";
}
