/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Error codes.  Fallible functions return 0 or a negative code from this
 * list.  The values are Linux's, so they agree with the host's <errno.h>
 * when host tests include both.
 */
#ifndef TDP_ERRNO_CODES_H
#define TDP_ERRNO_CODES_H

#ifndef EPERM
#define EPERM 1
#endif
#ifndef ENOENT
#define ENOENT 2
#endif
#ifndef EIO
#define EIO 5
#endif
#ifndef E2BIG
#define E2BIG 7
#endif
#ifndef ENOEXEC
#define ENOEXEC 8
#endif
#ifndef ENODEV
#define ENODEV 19
#endif
#ifndef EAGAIN
#define EAGAIN 11
#endif
#ifndef ENOMEM
#define ENOMEM 12
#endif
#ifndef EFAULT
#define EFAULT 14
#endif
#ifndef EBUSY
#define EBUSY 16
#endif
#ifndef EEXIST
#define EEXIST 17
#endif
#ifndef EINVAL
#define EINVAL 22
#endif
#ifndef ENOSPC
#define ENOSPC 28
#endif
#ifndef ERANGE
#define ERANGE 34
#endif
#ifndef ENOSYS
#define ENOSYS 38
#endif
#ifndef EOPNOTSUPP
#define EOPNOTSUPP 95
#endif

const char *errno_name(int err);

#endif /* TDP_ERRNO_CODES_H */
