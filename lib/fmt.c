// SPDX-License-Identifier: GPL-2.0
/*
 * Freestanding vsnprintf.  Portable: the image's console and the host tests
 * both use it, so what the tests check is what the serial console prints.
 * Always NUL-terminates when size > 0; returns the length the full output
 * would have had (C99 semantics).
 */
#include "fmt.h"

struct fmt_out {
	char *buf;
	size_t size;
	size_t len;
};

static void out_char(struct fmt_out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void out_pad(struct fmt_out *o, char c, int n)
{
	while (n-- > 0)
		out_char(o, c);
}

struct fmt_spec {
	bool left;
	bool zero;
	bool plus;
	bool space;
	int width;
	int prec; /* -1: none */
};

static void out_str(struct fmt_out *o, const char *s, const struct fmt_spec *sp)
{
	int len = 0;

	if (!s)
		s = "(null)";
	while ((sp->prec < 0 || len < sp->prec) && s[len])
		len++;
	if (!sp->left)
		out_pad(o, ' ', sp->width - len);
	for (int i = 0; i < len; i++)
		out_char(o, s[i]);
	if (sp->left)
		out_pad(o, ' ', sp->width - len);
}

static void out_num(struct fmt_out *o, u64 v, bool neg, unsigned int base,
		    bool upper, const struct fmt_spec *sp, const char *prefix)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0, plen = 0, zeros, total;
	char sign = 0;

	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v);
	if (sp->prec == 0 && n == 1 && tmp[0] == '0')
		n = 0;
	if (neg)
		sign = '-';
	else if (sp->plus)
		sign = '+';
	else if (sp->space)
		sign = ' ';
	if (prefix)
		while (prefix[plen])
			plen++;
	zeros = sp->prec > n ? sp->prec - n : 0;
	total = n + zeros + plen + (sign ? 1 : 0);
	if (sp->zero && !sp->left && sp->prec < 0 && sp->width > total) {
		zeros += sp->width - total;
		total = sp->width;
	}
	if (!sp->left)
		out_pad(o, ' ', sp->width - total);
	if (sign)
		out_char(o, sign);
	for (int i = 0; i < plen; i++)
		out_char(o, prefix[i]);
	out_pad(o, '0', zeros);
	while (n)
		out_char(o, tmp[--n]);
	if (sp->left)
		out_pad(o, ' ', sp->width - total);
}

static const char *parse_spec(const char *f, struct fmt_spec *sp, va_list *ap)
{
	*sp = (struct fmt_spec){ .prec = -1 };
	for (;; f++) {
		if (*f == '-')
			sp->left = true;
		else if (*f == '0')
			sp->zero = true;
		else if (*f == '+')
			sp->plus = true;
		else if (*f == ' ')
			sp->space = true;
		else if (*f != '#')
			break;
	}
	if (*f == '*') {
		sp->width = va_arg(*ap, int);
		if (sp->width < 0) {
			sp->left = true;
			sp->width = -sp->width;
		}
		f++;
	} else {
		while (*f >= '0' && *f <= '9')
			sp->width = sp->width * 10 + (*f++ - '0');
	}
	if (*f == '.') {
		f++;
		sp->prec = 0;
		if (*f == '*') {
			sp->prec = va_arg(*ap, int);
			if (sp->prec < 0)
				sp->prec = -1;
			f++;
		} else {
			while (*f >= '0' && *f <= '9')
				sp->prec = sp->prec * 10 + (*f++ - '0');
		}
	}
	return f;
}

/* Length modifier: 0 int, 1 long, 2 long long; -1 short, -2 char. */
static const char *parse_len(const char *f, int *len)
{
	*len = 0;
	if (*f == 'h') {
		*len = f[1] == 'h' ? -2 : -1;
		f += f[1] == 'h' ? 2 : 1;
	} else if (*f == 'l') {
		*len = f[1] == 'l' ? 2 : 1;
		f += f[1] == 'l' ? 2 : 1;
	} else if (*f == 'z' || *f == 't' || *f == 'j') {
		*len = 2;
		f++;
	}
	return f;
}

static s64 arg_signed(va_list *ap, int len)
{
	if (len == 2)
		return va_arg(*ap, long long);
	if (len == 1)
		return va_arg(*ap, long);
	if (len == -1)
		return (short)va_arg(*ap, int);
	if (len == -2)
		return (signed char)va_arg(*ap, int);
	return va_arg(*ap, int);
}

static u64 arg_unsigned(va_list *ap, int len)
{
	if (len == 2)
		return va_arg(*ap, unsigned long long);
	if (len == 1)
		return va_arg(*ap, unsigned long);
	if (len == -1)
		return (unsigned short)va_arg(*ap, unsigned int);
	if (len == -2)
		return (unsigned char)va_arg(*ap, unsigned int);
	return va_arg(*ap, unsigned int);
}

static void format_one(struct fmt_out *o, char conv, struct fmt_spec *sp,
		       int len, va_list *ap)
{
	char c[2] = { 0, 0 };
	s64 sv;

	switch (conv) {
	case 'd':
	case 'i':
		sv = arg_signed(ap, len);
		out_num(o, sv < 0 ? -(u64)sv : (u64)sv, sv < 0, 10, false, sp,
			NULL);
		break;
	case 'u':
		out_num(o, arg_unsigned(ap, len), false, 10, false, sp, NULL);
		break;
	case 'x':
	case 'X':
		out_num(o, arg_unsigned(ap, len), false, 16, conv == 'X', sp,
			NULL);
		break;
	case 'o':
		out_num(o, arg_unsigned(ap, len), false, 8, false, sp, NULL);
		break;
	case 'p':
		out_num(o, (u64)(uintptr_t)va_arg(*ap, void *), false, 16,
			false, sp, "0x");
		break;
	case 's':
		out_str(o, va_arg(*ap, const char *), sp);
		break;
	case 'c':
		c[0] = (char)va_arg(*ap, int);
		sp->prec = -1;
		out_str(o, c, sp);
		break;
	default:
		/* Unknown conversion: print it literally so the bug shows. */
		out_char(o, '%');
		if (conv)
			out_char(o, conv);
		break;
	}
}

int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct fmt_out o = { .buf = buf, .size = size, .len = 0 };
	struct fmt_spec sp;
	va_list aq;
	int len;

	va_copy(aq, ap);
	while (*fmt) {
		if (*fmt != '%') {
			out_char(&o, *fmt++);
			continue;
		}
		fmt++;
		if (*fmt == '%') {
			out_char(&o, *fmt++);
			continue;
		}
		fmt = parse_spec(fmt, &sp, &aq);
		fmt = parse_len(fmt, &len);
		format_one(&o, *fmt, &sp, len, &aq);
		if (*fmt)
			fmt++;
	}
	va_end(aq);
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return (int)o.len;
}

int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fmt_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
