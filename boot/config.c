// SPDX-License-Identifier: GPL-2.0
/*
 * tdpvisor.cfg and load-option parser.  Portable (no <efi.h>): host tests
 * drive it with valid files, every error path and malformed input.
 *
 * Every key is a row of config_keys[]: its type, where it lives in struct
 * tdp_config, and its accepted values.  Error messages are built from the
 * same rows, so what the error says is accepted is what is accepted.
 */
#include "config.h"
#include "boot_info.h"
#include "builtin_guests.h"
#include "errno_codes.h"
#include "fmt.h"
#include "log.h"
#include "string_util.h"

enum key_type { KEY_ENUM, KEY_UINT, KEY_SIZE, KEY_STR };

struct config_key {
	const char *name;
	enum key_type type;
	size_t offset;
	unsigned int width; /* bytes of the field (integers) */
	const char *const *names; /* KEY_ENUM: NULL-terminated */
	u64 min, max; /* KEY_UINT / KEY_SIZE; KEY_STR: max = buffer size */
	u64 align; /* KEY_SIZE: required alignment */
	const char *help; /* accepted values, for KEY_UINT/KEY_SIZE/KEY_STR */
};

static const char *const serial_names[] = { "auto", "com1", "com2", "com3",
					    "com4", "mmio", NULL };
static const char *const level_names[] = { "error", "warn", "info", "debug",
					   NULL };
static const char *const bool_names[] = { "no", "yes", NULL };
static const char *const vmentry_names[] = { "none", "guest_state", "control",
					     NULL };
static const char *const vmcheck_names[] = { "emul", "always", NULL };
static const char *const exc_names[] = CONFIG_EXCEPTION_NAMES;

#define FIELD(f) \
	offsetof(struct tdp_config, f), sizeof(((struct tdp_config *)0)->f)

static const struct config_key config_keys[] = {
	{ "serial", KEY_ENUM, FIELD(serial), serial_names, 0, 0, 0, NULL },
	{ "serial_baud", KEY_UINT, FIELD(serial_baud), NULL, 2, 115200, 0,
	  "an integer that divides 115200 (e.g. 9600, 38400, 57600, 115200)" },
	{ "serial_mmio_base", KEY_UINT, FIELD(serial_mmio_base), NULL, 1,
	  0xfffffffffffULL, 0, "a non-zero physical address, e.g. 0xfe032000" },
	{ "serial_mmio_stride", KEY_UINT, FIELD(serial_mmio_stride), NULL, 1, 4,
	  0, "1, 2 or 4 (bytes between UART registers)" },
	{ "log_level", KEY_ENUM, FIELD(log_level), level_names, 0, 0, 0, NULL },
	{ "guest_mem", KEY_SIZE, FIELD(guest_mem), NULL, 2ULL << 20,
	  64ULL << 30, 2ULL << 20,
	  "a size from 2M to 64G in whole MiB multiples of 2M (suffix K, M or G), e.g. 64M" },
	{ "hv_mem", KEY_SIZE, FIELD(hv_mem), NULL, 4ULL << 20, 4ULL << 30,
	  1ULL << 20, "a size from 4M to 4G in whole MiB (suffix K, M or G)" },
	{ "guest", KEY_STR, FIELD(guest), NULL, 1, CONFIG_STR_MAX, 0,
	  "a comma-separated list of built-in guest names ('tests' = all test guests) or ESP paths such as \\guests\\kernel.elf (1-127 characters)" },
	{ "guest_cmdline", KEY_STR, FIELD(guest_cmdline), NULL, 0,
	  CONFIG_CMDLINE_MAX, 0,
	  "a string of up to 4095 printable characters" },
	{ "guest_module", KEY_STR, FIELD(guest_module), NULL, 1, CONFIG_STR_MAX,
	  0, "an ESP path of up to 127 characters" },
	{ "run_limit_ms", KEY_UINT, FIELD(run_limit_ms), NULL, 0, 3600000, 0,
	  "0 (no limit) or milliseconds of guest run time up to 3600000" },
	{ "private_memory", KEY_ENUM, FIELD(private_memory), bool_names, 0, 0,
	  0, NULL },
	{ "shared_bit", KEY_UINT, FIELD(shared_bit), NULL, 0, 47, 0,
	  "0 (automatic: MAXPHYADDR - 1) or a GPA bit from 13 to 47" },
	{ "sept_busy_percent", KEY_UINT, FIELD(sept_busy_percent), NULL, 0, 50,
	  0,
	  "an integer from 0 to 50 (percent of S-EPT operations that fail with -EBUSY)" },
	{ "mmio_gen_start", KEY_UINT, FIELD(mmio_gen_start), NULL, 0,
	  (1ULL << 19) - 1, 0,
	  "a memslot generation from 0 to 524287 (19 bits), e.g. 524280 to cross the wrap" },
	{ "test_exception", KEY_ENUM, FIELD(test_exception), exc_names, 0, 0, 0,
	  NULL },
	{ "test_bad_spte_gpa", KEY_UINT, FIELD(test_bad_spte_gpa), NULL, 0,
	  (1ULL << 48) - 1, 0,
	  "0 (off) or a guest-physical address below 2^48 whose EPT leaf gets a reserved memory type once mapped" },
	{ "test_vmentry_fail", KEY_ENUM, FIELD(test_vmentry_fail),
	  vmentry_names, 0, 0, 0, NULL },
	{ "console_limit", KEY_SIZE, FIELD(console_limit), NULL, 0, 1ULL << 30,
	  0,
	  "0 (no limit) or the console output each guest may print, up to 1G (suffix K, M or G), e.g. 256K" },
	{ "vmentry_check", KEY_ENUM, FIELD(vmentry_check), vmcheck_names, 0, 0,
	  0, NULL },
};

void config_defaults(struct tdp_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->serial = SERIAL_AUTO;
	cfg->serial_baud = 115200;
	cfg->serial_mmio_stride = 1;
	cfg->log_level = LOG_INFO;
	cfg->guest_mem = 64ULL << 20;
	cfg->hv_mem = 32ULL << 20;
	cfg->run_limit_ms = 60000;
	cfg->console_limit = CONFIG_CONSOLE_LIMIT_DEFAULT;
	memcpy(cfg->guest, "demo", 5);
}

static const char *enum_name(const char *const *names, u32 v)
{
	for (u32 i = 0; names[i]; i++)
		if (i == v)
			return names[i];
	return "?";
}

const char *config_serial_name(u32 s)
{
	return enum_name(serial_names, s);
}

const char *config_log_level_name(u32 l)
{
	return enum_name(level_names, l);
}

/* Where the error happened: "tdpvisor.cfg:12" or "load options". */
struct parse_ctx {
	const char *src;
	unsigned int line; /* 0: no line numbers (load options) */
	struct config_error *err;
	struct tdp_config *cfg;
	u32 seen[(ARRAY_SIZE(config_keys) + 31) / 32];
};

static int __printf(2, 3) fail(struct parse_ctx *c, const char *fmt, ...)
{
	char loc[96];
	size_t n;
	va_list ap;

	if (c->line)
		fmt_snprintf(loc, sizeof(loc), "%s:%u: ", c->src, c->line);
	else
		fmt_snprintf(loc, sizeof(loc), "%s: ", c->src);
	n = (size_t)fmt_snprintf(c->err->msg, sizeof(c->err->msg), "%s", loc);
	if (n >= sizeof(c->err->msg))
		n = sizeof(c->err->msg) - 1;
	va_start(ap, fmt);
	fmt_vsnprintf(c->err->msg + n, sizeof(c->err->msg) - n, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static void list_names(char *buf, size_t size, const char *const *names)
{
	size_t n = 0;

	buf[0] = '\0';
	for (u32 i = 0; names[i] && n < size; i++)
		n += (size_t)fmt_snprintf(buf + n, size - n, "%s%s",
					  i ? ", " : "", names[i]);
}

static void list_keys(char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = '\0';
	for (u32 i = 0; i < ARRAY_SIZE(config_keys) && n < size; i++)
		n += (size_t)fmt_snprintf(buf + n, size - n, "%s%s",
					  i ? ", " : "", config_keys[i].name);
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static bool lower_eq(const char *a, size_t alen, const char *b)
{
	size_t i;

	for (i = 0; i < alen && b[i]; i++) {
		char x = a[i];

		if (x >= 'A' && x <= 'Z')
			x = (char)(x - 'A' + 'a');
		if (x != b[i])
			return false;
	}
	return i == alen && !b[i];
}

static void trim(const char **s, size_t *len)
{
	while (*len && is_space(**s))
		(*s)++, (*len)--;
	while (*len && is_space((*s)[*len - 1]))
		(*len)--;
}

/* Parse an unsigned decimal or 0x-hex number; no sign, no overflow. */
static bool parse_u64(const char *s, size_t len, u64 *out, size_t *used)
{
	unsigned int base = 10;
	size_t i = 0;
	u64 v = 0;

	if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		i = 2;
	}
	size_t start = i;

	for (; i < len; i++) {
		char ch = s[i];
		unsigned int d;

		if (ch >= '0' && ch <= '9')
			d = (unsigned int)(ch - '0');
		else if (base == 16 && ch >= 'a' && ch <= 'f')
			d = (unsigned int)(ch - 'a' + 10);
		else if (base == 16 && ch >= 'A' && ch <= 'F')
			d = (unsigned int)(ch - 'A' + 10);
		else
			break;
		if (v > (~0ULL - d) / base)
			return false;
		v = v * base + d;
	}
	if (i == start)
		return false;
	*out = v;
	*used = i;
	return true;
}

static void store_uint(void *field, unsigned int width, u64 v)
{
	if (width == 8)
		*(u64 *)field = v;
	else
		*(u32 *)field = (u32)v;
}

static int set_enum(struct parse_ctx *c, const struct config_key *k,
		    const char *v, size_t vlen, void *field)
{
	char list[256];

	for (u32 i = 0; k->names[i]; i++) {
		if (lower_eq(v, vlen, k->names[i])) {
			store_uint(field, k->width, i);
			return 0;
		}
	}
	list_names(list, sizeof(list), k->names);
	return fail(c, "key '%s': bad value '%.*s' (accepted: %s)", k->name,
		    (int)vlen, v, list);
}

static int set_number(struct parse_ctx *c, const struct config_key *k,
		      const char *v, size_t vlen, void *field)
{
	size_t used = 0;
	u64 x, mult = 1;

	if (!parse_u64(v, vlen, &x, &used))
		goto bad;
	if (k->type == KEY_SIZE && used < vlen) {
		char s = v[used++];

		if (s == 'k' || s == 'K')
			mult = 1ULL << 10;
		else if (s == 'm' || s == 'M')
			mult = 1ULL << 20;
		else if (s == 'g' || s == 'G')
			mult = 1ULL << 30;
		else
			goto bad;
		if (used < vlen && (v[used] == 'b' || v[used] == 'B'))
			used++;
		if (x > ~0ULL / mult)
			goto bad;
		x *= mult;
	}
	if (used != vlen || x < k->min || x > k->max)
		goto bad;
	if (k->align && (x % k->align))
		goto bad;
	if (k->offset == offsetof(struct tdp_config, serial_baud) && 115200 % x)
		goto bad;
	if (k->offset == offsetof(struct tdp_config, serial_mmio_stride) &&
	    x == 3)
		goto bad;
	store_uint(field, k->width, x);
	return 0;
bad:
	return fail(c, "key '%s': bad value '%.*s' (accepted: %s)", k->name,
		    (int)vlen, v, k->help);
}

#define GUEST_NAME(n, exp, t, p, w) #n,
static const char *const builtin_guest_names[] = { BUILTIN_GUESTS(GUEST_NAME)
							   NULL };

/* An ESP path, as the boot loads it: anything with '/', '\' or '.'. */
static bool is_esp_path(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] == '/' || s[i] == '\\' || s[i] == '.')
			return true;
	return false;
}

/*
 * `guest`: a comma-separated list, each entry a built-in guest, `tests`,
 * or an ESP path; at most BOOT_MAX_IMAGES paths.  Every entry is checked
 * here, so an unknown name stops the boot before any guest runs.  Blanks
 * around an entry are dropped; the list is stored as "a,b,c".
 */
static int set_guest_list(struct parse_ctx *c, const struct config_key *k,
			  const char *v, size_t vlen, char *field)
{
	char names[256];
	size_t out = 0, pos = 0;
	unsigned int n = 0, paths = 0;

	while (pos <= vlen) {
		size_t end = pos, len;
		const char *e;

		while (end < vlen && v[end] != ',')
			end++;
		e = v + pos;
		len = end - pos;
		trim(&e, &len);
		n++;
		if (!len)
			return fail(
				c,
				"key '%s': entry %u of '%.*s' is empty (separate guest names with single commas)",
				k->name, n, (int)MIN(vlen, 64), v);
		if (is_esp_path(e, len)) {
			if (++paths > BOOT_MAX_IMAGES)
				return fail(
					c,
					"key '%s': more than %d ESP paths (guest images) in the list",
					k->name, BOOT_MAX_IMAGES);
		} else if (!lower_eq(e, len, "tests")) {
			u32 i;

			for (i = 0; builtin_guest_names[i]; i++)
				if (len == strlen(builtin_guest_names[i]) &&
				    !memcmp(e, builtin_guest_names[i], len))
					break;
			if (!builtin_guest_names[i]) {
				list_names(names, sizeof(names),
					   builtin_guest_names);
				return fail(
					c,
					"key '%s': unknown guest '%.*s' (built-in guests: %s; 'tests' for every test guest; or an ESP path such as \\guests\\kernel.elf)",
					k->name, (int)MIN(len, 64), e, names);
			}
		}
		if (out)
			field[out++] = ',';
		memcpy(field + out, e, len);
		out += len;
		pos = end + 1;
	}
	field[out] = '\0';
	return 0;
}

static int set_value(struct parse_ctx *c, const struct config_key *k,
		     const char *v, size_t vlen)
{
	void *field = (char *)c->cfg + k->offset;

	switch (k->type) {
	case KEY_ENUM:
		return set_enum(c, k, v, vlen, field);
	case KEY_UINT:
	case KEY_SIZE:
		return set_number(c, k, v, vlen, field);
	case KEY_STR:
		/* Too long: say by how much, not just "bad value". */
		if (vlen >= k->max)
			return fail(
				c,
				"key '%s': value of %zu characters is too long (at most %llu; accepted: %s)",
				k->name, vlen, k->max - 1, k->help);
		if (vlen < k->min)
			return fail(c,
				    "key '%s': bad value '%.*s' (accepted: %s)",
				    k->name, (int)MIN(vlen, 64), v, k->help);
		for (size_t i = 0; i < vlen; i++)
			if ((u8)v[i] < 0x20 || (u8)v[i] > 0x7e)
				return fail(
					c,
					"key '%s': value has a control or non-ASCII byte at column %zu",
					k->name, i + 1);
		if (k->offset == offsetof(struct tdp_config, guest))
			return set_guest_list(c, k, v, vlen, field);
		memcpy(field, v, vlen);
		((char *)field)[vlen] = '\0';
		return 0;
	}
	return fail(c, "key '%s': internal error (bad key type)", k->name);
}

/* Handle one "key = value" pair (already split and trimmed). */
static int apply_pair(struct parse_ctx *c, const char *key, size_t klen,
		      const char *v, size_t vlen, bool no_dup)
{
	char keys[512];

	if (vlen && (v[0] == '"' || v[vlen - 1] == '"')) {
		if (vlen < 2 || v[0] != '"' || v[vlen - 1] != '"')
			return fail(
				c,
				"key '%.*s': unbalanced double quote in value '%.*s' (quote the whole value or none of it)",
				(int)MIN(klen, 64), key, (int)MIN(vlen, 64), v);
		v++;
		vlen -= 2;
	}
	for (u32 i = 0; i < ARRAY_SIZE(config_keys); i++) {
		const struct config_key *k = &config_keys[i];

		if (!lower_eq(key, klen, k->name))
			continue;
		if (no_dup && (c->seen[i / 32] & (1u << (i % 32))))
			return fail(c, "key '%s' given twice", k->name);
		c->seen[i / 32] |= 1u << (i % 32);
		return set_value(c, k, v, vlen);
	}
	list_keys(keys, sizeof(keys));
	return fail(c, "unknown key '%.*s' (accepted keys: %s)",
		    (int)MIN(klen, 64), key, keys);
}

static int parse_line(struct parse_ctx *c, const char *s, size_t len)
{
	const char *eq;
	size_t klen;

	for (size_t i = 0; i < len; i++) {
		if (s[i] == '#') {
			len = i;
			break;
		}
	}
	trim(&s, &len);
	if (!len)
		return 0;
	eq = NULL;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '=') {
			eq = s + i;
			break;
		}
	}
	if (!eq)
		return fail(c, "expected 'key = value', got '%.*s'",
			    (int)MIN(len, 64), s);
	klen = (size_t)(eq - s);
	const char *v = eq + 1;
	size_t vlen = len - klen - 1;

	trim(&s, &klen);
	trim(&v, &vlen);
	if (!klen)
		return fail(c, "missing key before '='");
	return apply_pair(c, s, klen, v, vlen, true);
}

int config_parse_file(struct tdp_config *cfg, const char *name,
		      const char *text, size_t len, struct config_error *err)
{
	struct parse_ctx c = { .src = name, .line = 1, .err = err, .cfg = cfg };
	size_t start = 0;

	err->msg[0] = '\0';
	/* A UTF-8 byte-order mark (Windows editors add one) is skipped. */
	if (len >= 3 && (u8)text[0] == 0xef && (u8)text[1] == 0xbb &&
	    (u8)text[2] == 0xbf)
		start = 3;
	while (start < len) {
		size_t end = start;
		int r;

		while (end < len && text[end] != '\n') {
			if (!text[end])
				return fail(
					&c,
					"NUL byte at column %zu (is this a text file?)",
					end - start + 1);
			end++;
		}
		if (end - start > CONFIG_LINE_MAX)
			return fail(
				&c,
				"line of %zu characters is longer than %d characters",
				end - start, CONFIG_LINE_MAX);
		r = parse_line(&c, text + start, end - start);
		if (r)
			return r;
		start = end + 1;
		c.line++;
	}
	return 0;
}

int config_parse_options(struct tdp_config *cfg, const char *text,
			 struct config_error *err)
{
	struct parse_ctx c = { .src = "load options", .err = err, .cfg = cfg };
	bool first = true;

	err->msg[0] = '\0';
	while (*text) {
		const char *w, *eq = NULL;
		size_t wlen = 0;
		int r;

		while (*text && (is_space(*text) || *text == '\n'))
			text++;
		if (!*text)
			break;
		w = text;
		while (w[wlen] && !is_space(w[wlen]) && w[wlen] != '\n') {
			if (!eq && w[wlen] == '=')
				eq = w + wlen;
			wlen++;
		}
		text = w + wlen;
		if (!eq) {
			if (first)
				continue; /* argv[0]: the image path */
			return fail(&c, "expected key=value, got '%.*s'",
				    (int)MIN(wlen, 64), w);
		}
		first = false;
		r = apply_pair(&c, w, (size_t)(eq - w), eq + 1,
			       wlen - (size_t)(eq - w) - 1, false);
		if (r)
			return r;
	}
	return 0;
}

int config_check(const struct tdp_config *cfg, unsigned int maxphyaddr,
		 struct config_error *err)
{
	struct parse_ctx c = { .src = "configuration", .err = err };
	unsigned int width = MIN(maxphyaddr, 48u);

	err->msg[0] = '\0';
	if (cfg->serial == SERIAL_MMIO && !cfg->serial_mmio_base)
		return fail(
			&c,
			"serial = mmio needs serial_mmio_base (the UART's physical address)");
	if (cfg->shared_bit && cfg->shared_bit < 13)
		return fail(
			&c,
			"shared_bit = %u: the shared bit must be a GPA bit from 13 to 47 (or 0 for MAXPHYADDR - 1)",
			cfg->shared_bit);
	if (cfg->shared_bit && maxphyaddr && cfg->shared_bit >= width)
		return fail(
			&c,
			"key 'shared_bit': %u is not below this CPU's guest-physical width (MAXPHYADDR %u bits); use a bit from 13 to %u, or 0 for %u",
			cfg->shared_bit, maxphyaddr, width - 1, width - 1);
	if (cfg->serial != SERIAL_MMIO && cfg->serial_mmio_base)
		return fail(
			&c,
			"serial_mmio_base is set but serial = %s; set serial = mmio to use it",
			config_serial_name(cfg->serial));
	return 0;
}

/* Keys that hold an address are shown in hex. */
static bool is_address_key(const char *name)
{
	size_t n = strlen(name);

	return (n > 5 && !memcmp(name + n - 5, "_base", 5)) ||
	       (n > 4 && !memcmp(name + n - 4, "_gpa", 4));
}

/* One "key=value" for config_format(); strings are quoted when empty or
 * when they hold a blank. */
static size_t format_key(char *buf, size_t size, const struct config_key *k,
			 const struct tdp_config *cfg)
{
	const void *field = (const char *)cfg + k->offset;
	unsigned long long v = 0;

	if (k->type != KEY_STR)
		v = k->width == 8 ? *(const u64 *)field : *(const u32 *)field;
	switch (k->type) {
	case KEY_ENUM:
		return (size_t)fmt_snprintf(buf, size, "%s=%s", k->name,
					    enum_name(k->names, (u32)v));
	case KEY_SIZE: {
		static const char suffix[] = "GMK";

		for (int i = 0; v && i < 3; i++) {
			unsigned int shift = 30 - 10 * i;

			if (!(v % (1ULL << shift)))
				return (size_t)fmt_snprintf(buf, size,
							    "%s=%llu%c",
							    k->name, v >> shift,
							    suffix[i]);
		}
		return (size_t)fmt_snprintf(buf, size, "%s=%llu", k->name, v);
	}
	case KEY_UINT:
		if (is_address_key(k->name))
			return (size_t)fmt_snprintf(buf, size, "%s=0x%llx",
						    k->name, v);
		return (size_t)fmt_snprintf(buf, size, "%s=%llu", k->name, v);
	case KEY_STR: {
		const char *str = field;
		bool q = !str[0] || strchr(str, ' ');

		return (size_t)fmt_snprintf(buf, size, "%s=%s%s%s", k->name,
					    q ? "\"" : "", str, q ? "\"" : "");
	}
	}
	return 0;
}

int config_format(const struct tdp_config *cfg, char *buf, size_t size,
		  size_t line_max)
{
	size_t n = 0, line = 0;
	int lines = 1;

	if (!size)
		return 0;
	buf[0] = '\0';
	for (u32 i = 0; i < ARRAY_SIZE(config_keys) && n + 1 < size; i++) {
		char one[CONFIG_CMDLINE_MAX + 64]; /* longest pair */
		size_t len = format_key(one, sizeof(one), &config_keys[i], cfg);

		if (line && line + 1 + len > line_max) {
			n += (size_t)fmt_snprintf(buf + n, size - n, "\n");
			line = 0;
			lines++;
		} else if (line) {
			n += (size_t)fmt_snprintf(buf + n, size - n, " ");
			line++;
		}
		if (n < size)
			n += (size_t)fmt_snprintf(buf + n, size - n, "%s", one);
		line += len;
	}
	return lines;
}
