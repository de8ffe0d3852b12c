/* names.c: file names of user names, a reversible encoding safe on every
 * file system (sessionlog(5)). */
#include <errno.h>
#include <string.h>

#include "store.h"

/* ---- names in origins ---------------------------------------------------- */

/*
 * An origin is names joined by '!' (path!member!member), so a '!' inside a
 * name is written "%21", and a '%' that would read as the start of "%21"
 * or "%25" is written "%25"; every other byte is itself (sessionlog(5)).
 * A name without '!' is unchanged by this, and so are the origins older
 * cases stored for them.
 */
static int
pct_escape(const char *p, size_t i, size_t n)
{
	return p[i] == '%' && i + 2 < n && p[i + 1] == '2' &&
	    (p[i + 2] == '1' || p[i + 2] == '5');
}

int
sl_origin_escape(const char *name, size_t n, struct sl_buf *out)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < n && rc == 0; i++) {
		if (name[i] == '!')
			rc = sl_buf_adds(out, "%21");
		else if (pct_escape(name, i, n))
			rc = sl_buf_adds(out, "%25");
		else
			rc = sl_buf_addc(out, name[i]);
	}
	return rc < 0 ? -ENOMEM : 0;
}

int
sl_origin_next(const char *o, size_t n, size_t *pos, struct sl_buf *name)
{
	size_t i = *pos;

	if (i > n)
		return 0;
	sl_buf_reset(name);
	if (sl_buf_grow(name, 0) < 0)
		return -ENOMEM;
	for (; i < n && o[i] != '!'; i++) {
		char c = o[i];

		if (pct_escape(o, i, n)) {
			c = o[i + 2] == '1' ? '!' : '%';
			i += 2;
		}
		if (sl_buf_addc(name, c) < 0)
			return -ENOMEM;
	}
	*pos = i + 1;
	return 1;
}

/* ---- file names of users ------------------------------------------------- */

static int
keep_byte(unsigned char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
	    ch == '.' || ch == '_' || ch == '@' || ch == '+' || ch == '-';
}

static int
is_device(const char *p, size_t n)
{
	static const char *const dev3[] = { "con", "prn", "aux", "nul" };
	size_t i, len = 0;

	while (len < n && p[len] != '.')
		len++;
	if (len == 3) {
		for (i = 0; i < SL_ARRAY_LEN(dev3); i++)
			if (memcmp(p, dev3[i], 3) == 0)
				return 1;
		return 0;
	}
	return len == 4 && (memcmp(p, "com", 3) == 0 ||
	    memcmp(p, "lpt", 3) == 0) && p[3] >= '1' && p[3] <= '9';
}

#define NAME_MAX_ENC 200
#define NAME_CUT 160

int
sl_name_encode(const char *name, size_t n, struct sl_buf *out)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)name;
	size_t i, start = out->n, k;
	struct sl_sha256 *h;
	char dg[65];

	if (n == 0)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		int enc = !keep_byte(s[i]);

		/* A leading or trailing dot, or the first byte of a device
		 * name, is escaped even though it is a kept byte. */
		if ((i == 0 && (s[0] == '.' || is_device(name, n))) ||
		    (i == n - 1 && s[i] == '.'))
			enc = 1;
		if (!enc) {
			if (sl_buf_addc(out, s[i]) < 0)
				return -ENOMEM;
			continue;
		}
		if (sl_buf_addc(out, '%') < 0 ||
		    sl_buf_addc(out, hex[s[i] >> 4]) < 0 ||
		    sl_buf_addc(out, hex[s[i] & 15]) < 0)
			return -ENOMEM;
	}
	if (out->n - start <= NAME_MAX_ENC)
		return 0;
	k = NAME_CUT;
	if (out->p[start + k - 1] == '%')
		k -= 1;
	else if (out->p[start + k - 2] == '%')
		k -= 2;
	out->n = start + k;
	h = sl_sha256_new();
	if (h == NULL)
		return -ENOMEM;
	sl_sha256_update(h, name, n);
	sl_sha256_final(h, dg);
	sl_sha256_free(h);
	if (sl_buf_addc(out, '~') < 0 || sl_buf_add(out, dg, 32) < 0)
		return -ENOMEM;
	return 0;
}

int
sl_name_decode(const char *file, size_t n, struct sl_buf *out)
{
	struct sl_buf re = { 0 };
	size_t i, start = out->n;
	int hi, lo, rc;

	if (n == 0 || n > NAME_MAX_ENC + 1 + 32 || file[0] == '.')
		return -EBADMSG;
	if (memchr(file, '~', n) != NULL) {
		for (i = 0; i < n; i++)
			if (!keep_byte((unsigned char)file[i]) &&
			    file[i] != '%' && file[i] != '~')
				return -EBADMSG;
		return 1;
	}
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)file[i];

		if (ch != '%') {
			if (!keep_byte(ch))
				goto bad;
			if (sl_buf_addc(out, ch) < 0)
				return -ENOMEM;
			continue;
		}
		if (i + 2 >= n)
			goto bad;
		hi = file[i + 1];
		lo = file[i + 2];
		hi = hi >= '0' && hi <= '9' ? hi - '0' :
		    hi >= 'a' && hi <= 'f' ? hi - 'a' + 10 : -1;
		lo = lo >= '0' && lo <= '9' ? lo - '0' :
		    lo >= 'a' && lo <= 'f' ? lo - 'a' + 10 : -1;
		if (hi < 0 || lo < 0)
			goto bad;
		if (sl_buf_addc(out, hi << 4 | lo) < 0)
			return -ENOMEM;
		i += 2;
	}
	/* Only the one canonical spelling of each name is ours. */
	rc = sl_name_encode(out->p + start, out->n - start, &re);
	if (rc == -ENOMEM) {
		sl_buf_release(&re);
		return rc;
	}
	if (rc < 0 || re.n != n || memcmp(re.p, file, n) != 0) {
		sl_buf_release(&re);
		goto bad;
	}
	sl_buf_release(&re);
	return 0;
bad:
	out->n = start;
	if (out->cap > 0)
		out->p[start] = '\0';
	return -EBADMSG;
}

/* A path the store itself would write: "NAME" or "users/NAME". */
int
sl_case_safe_rel(const char *p)
{
	size_t i;

	if (strncmp(p, "users/", 6) == 0)
		p += 6;
	if (p[0] == '\0' || p[0] == '.')
		return 0;
	for (i = 0; p[i] != '\0'; i++)
		if (!keep_byte((unsigned char)p[i]) && p[i] != '%' &&
		    p[i] != '~')
			return 0;
	return i < 256;
}
