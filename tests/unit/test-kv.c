/* test-kv.c: key=value, auditd and syslog lines into named fields. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "check.h"

/* All fields as "name=value|name=value". */
static const char *
dump(const char *s, struct sl_fields *f, struct sl_buf *out)
{
	const char *err = NULL;
	size_t i;
	int r;

	sl_buf_reset(out);
	r = sl_kv_split(s, strlen(s), f, &err);
	if (r < 0) {
		sl_buf_printf(out, "error %d: %s", r, err ? err : "?");
		return out->p;
	}
	for (i = 0; i < f->n; i++) {
		if (i > 0)
			sl_buf_addc(out, '|');
		sl_buf_add(out, f->name[i].p, f->name[i].n);
		sl_buf_addc(out, '=');
		sl_buf_add(out, f->value[i].p, f->value[i].n);
	}
	sl_buf_addc(out, '\0');
	out->n--;
	return out->p;
}

static void
test_table(void)
{
	static const struct {
		const char *in, *want;
	} t[] = {
		{ "a=1 b=2", "a=1|b=2" },
		{ "", "" },
		{ "   ", "" },
		{ "a= b=", "a=|b=" },
		{ "k=\"v w\" j='x y' z=bare", "k=v w|j=x y|z=bare" },
		{ "k=\"a \\\"q\\\" \\\\ b\" n=1", "k=a \"q\" \\ b|n=1" },
		{ "path=\"C:\\dir\\\" x=1", "path=C:\\dir\\|x=1" },
		{ "hello world a=1 again", "a=1|_text=hello world again" },
		{ "=x", "_text==x" },
		{ "a/b=1", "_text=a/b=1" },
		{ "a=b=c", "a=b=c" },
		{ "k=\"\"", "k=" },
		{ "a=1\tb=2\r\n", "a=1|b=2" },
		{ "level=info msg=\"user logged in\" user=alice",
		    "level=info|msg=user logged in|user=alice" },
		{ "2024-03-01T07:17:12Z level=info user=bob",
		    "_time=2024-03-01T07:17:12Z|level=info|user=bob" },
		{ "proctitle=2F62696E2F7368", "proctitle=2F62696E2F7368" },
	};
	struct sl_fields f = { 0 };
	struct sl_buf out = { 0 };
	size_t i;

	for (i = 0; i < SL_ARRAY_LEN(t); i++)
		CHECK_STR(dump(t[i].in, &f, &out), t[i].want);
	sl_buf_release(&out);
	sl_fields_release(&f);
}

static void
test_auditd(void)
{
	struct sl_fields f = { 0 };
	struct sl_buf out = { 0 };

	CHECK_STR(dump("type=USER_LOGIN msg=audit(1364481363.243:24287): "
	    "pid=1234 uid=0 auid=1000 ses=3 msg='op=login acct=\"alice\" "
	    "exe=\"/usr/sbin/sshd\" hostname=10.0.0.5 addr=10.0.0.5 "
	    "terminal=ssh res=success'", &f, &out),
	    "type=USER_LOGIN|_time=1364481363.243|_serial=24287|pid=1234|"
	    "uid=0|auid=1000|ses=3|msg=op=login acct=\"alice\" "
	    "exe=\"/usr/sbin/sshd\" hostname=10.0.0.5 addr=10.0.0.5 "
	    "terminal=ssh res=success|op=login|acct=alice|"
	    "exe=/usr/sbin/sshd|hostname=10.0.0.5|addr=10.0.0.5|"
	    "terminal=ssh|res=success");
	CHECK_STR(dump("type=SYSCALL msg=audit(1364481363.243:24287): "
	    "arch=c000003e syscall=2 success=yes exit=3 a0=7fff a1=0 "
	    "items=1 ppid=1 pid=2 auid=1000 uid=0 tty=pts0 ses=3 "
	    "comm=\"cat\" exe=\"/usr/bin/cat\" key=\"secrets\"", &f, &out),
	    "type=SYSCALL|_time=1364481363.243|_serial=24287|arch=c000003e|"
	    "syscall=2|success=yes|exit=3|a0=7fff|a1=0|items=1|ppid=1|"
	    "pid=2|auid=1000|uid=0|tty=pts0|ses=3|comm=cat|"
	    "exe=/usr/bin/cat|key=secrets");
	/* log_format=ENRICHED: a GS-separated section of resolved names. */
	CHECK_STR(dump("type=USER_AUTH msg=audit(1700000000.001:7): pid=9 "
	    "uid=0 auid=1000 ses=1 msg='op=PAM:authentication "
	    "grantors=pam_unix acct=\"alice\" res=success'\x1d"
	    "UID=\"root\" AUID=\"alice\"", &f, &out),
	    "type=USER_AUTH|_time=1700000000.001|_serial=7|pid=9|uid=0|"
	    "auid=1000|ses=1|msg=op=PAM:authentication grantors=pam_unix "
	    "acct=\"alice\" res=success|op=PAM:authentication|"
	    "grantors=pam_unix|acct=alice|res=success|UID=root|AUID=alice");
	/* node= prefix, and an AVC with words that are not pairs. */
	CHECK_STR(dump("node=web1 type=AVC msg=audit(1.5:2): avc:  denied  "
	    "{ read } for pid=5 comm=\"x\"", &f, &out),
	    "node=web1|type=AVC|_time=1.5|_serial=2|pid=5|comm=x|"
	    "_text=avc: denied { read } for");
	/* A malformed header is kept as a plain value. */
	CHECK_STR(dump("type=X msg=audit(abc): a=1", &f, &out),
	    "type=X|msg=audit(abc):|a=1");
	/* Pairs inside a single-quoted value other than msg stay whole. */
	CHECK_STR(dump("x='a=1 b=2'", &f, &out), "x=a=1 b=2");
	sl_buf_release(&out);
	sl_fields_release(&f);
}

static void
test_syslog(void)
{
	struct sl_fields f = { 0 };
	struct sl_buf out = { 0 };

	CHECK_STR(dump("Mar  1 07:17:12 host sshd[1234]: Accepted password "
	    "for alice from 10.0.0.5 port 22 ssh2", &f, &out),
	    "_time=Mar  1 07:17:12|_host=host|_prog=sshd|_pid=1234|"
	    "_proc=host:sshd[1234]|_msg=Accepted password for alice from "
	    "10.0.0.5 port 22 ssh2|_text=Accepted password for alice from 10.0.0.5 port 22 ssh2");
	CHECK_STR(dump("Mar 11 07:17:12 host kernel: a=1 b=\"two\"", &f,
	    &out), "_time=Mar 11 07:17:12|_host=host|_prog=kernel|"
	    "_proc=host:kernel|_msg=a=1 b=\"two\"|a=1|b=two");
	CHECK_STR(dump("<34>Mar  1 07:17:12 host su: x=y", &f, &out),
	    "_time=Mar  1 07:17:12|_host=host|_prog=su|_proc=host:su|"
	    "_msg=x=y|x=y");
	CHECK_STR(dump("Mar  1 07:17:12 sudo: bob : TTY=pts/0 ; "
	    "USER=root ; COMMAND=/bin/ls", &f, &out),
	    "_time=Mar  1 07:17:12|_prog=sudo|_proc=sudo|_msg=bob : "
	    "TTY=pts/0 ; USER=root ; COMMAND=/bin/ls|TTY=pts/0|USER=root|"
	    "COMMAND=/bin/ls|_text=bob : ; ;");
	CHECK_STR(dump("2024-03-01T07:17:12.123+01:00 host app[7]: done",
	    &f, &out), "_time=2024-03-01T07:17:12.123+01:00|_host=host|"
	    "_prog=app|_pid=7|_proc=host:app[7]|_msg=done|_text=done");
	CHECK_STR(dump("Mar  1 07:17:12 host audispd: node=h type=USER_END "
	    "msg=audit(1364481363.243:24287): pid=1", &f, &out),
	    "_time=Mar  1 07:17:12|_host=host|_prog=audispd|"
	    "_proc=host:audispd|_msg=node=h type=USER_END "
	    "msg=audit(1364481363.243:24287): pid=1|node=h|"
	    "type=USER_END|_time=1364481363.243|_serial=24287|pid=1");
	CHECK_STR(dump("<34>1 2024-03-01T07:17:12.123Z host app 42 ID47 - "
	    "user=alice action=login", &f, &out),
	    "_time=2024-03-01T07:17:12.123Z|_host=host|_prog=app|_pid=42|"
	    "_msgid=ID47|_proc=host:app[42]|_msg=user=alice action=login|"
	    "user=alice|action=login");
	CHECK_STR(dump("<165>1 2003-10-11T22:14:15.003Z mymachine evntslog - "
	    "ID47 [exampleSDID@32473 iut=\"3\" eventSource=\"App\\]x\"]"
	    "[ex@1 a=\"b c\"] \xef\xbb\xbf" "An application event", &f, &out),
	    "_time=2003-10-11T22:14:15.003Z|_host=mymachine|_prog=evntslog|"
	    "_msgid=ID47|iut=3|eventSource=App]x|a=b c|"
	    "_proc=mymachine:evntslog|_msg=An application event|"
	    "_text=An application event");
	/* No program, no _proc or _msg: a time and key=value pairs. */
	CHECK_STR(dump("2024-03-01T07:17:12Z user=alice", &f, &out),
	    "_time=2024-03-01T07:17:12Z|user=alice");
	CHECK_STR(dump("<34>1 2024-03-01T07:17:12Z h - - - -  x", &f, &out),
	    "_time=2024-03-01T07:17:12Z|_host=h|_text=x");
	CHECK_STR(dump("<34>1 - - - - - -", &f, &out), "");
	CHECK_STR(dump("<34>1 - - - - - [unterminated a=\"b", &f, &out),
	    "");
	sl_buf_release(&out);
	sl_fields_release(&f);
}

static void
test_errors(void)
{
	struct sl_fields f = { 0 };
	const char *err;
	struct sl_buf rec = { 0 };
	char want[32];
	int i;

	CHECK_INT(sl_kv_split("a=\"open", 7, &f, &err), -EBADMSG);
	CHECK_STR(err, "unterminated quoted value");
	CHECK_INT(f.n, 0);
	CHECK_INT(sl_kv_split("msg='a=\"b' c=1", 14, &f, &err), 0);
	CHECK_INT(f.n, 2);
	CHECK_SLSTR(f.value[0], "a=\"b");
	CHECK_SLSTR(f.value[1], "1");
	CHECK_INT(sl_kv_split(NULL, 0, &f, &err), 0);
	CHECK_INT(f.n, 0);
	/* Many escaped values and text words: buf moves, values stay. */
	for (i = 0; i < 1000; i++)
		sl_buf_printf(&rec, "k%d=\"v\\\"%d\" w%d ", i, i, i);
	CHECK_INT(sl_kv_split(rec.p, rec.n, &f, &err), 0);
	CHECK_INT(f.n, 1001);
	for (i = 0; i < 1000; i += 99) {
		snprintf(want, sizeof(want), "v\"%d", i);
		CHECK_SLSTR(f.value[i], want);
	}
	CHECK_SLSTR(f.name[1000], "_text");
	CHECK(f.value[1000].n > 4000);
	CHECK_MEM(f.value[1000].p, 6, "w0 w1 ");
	/* After csv used the struct, names come back. */
	CHECK_INT(sl_csv_split("a,b,c", 5, ',', &f, NULL, NULL), 0);
	CHECK(f.name == NULL);
	CHECK_INT(sl_kv_split("x=1 y=2", 7, &f, &err), 0);
	CHECK_INT(f.n, 2);
	CHECK_SLSTR(f.name[1], "y");
	sl_buf_release(&rec);
	sl_fields_release(&f);
}

static void
test_audit_head(void)
{
	struct sl_audit_head h;
	const char *s;

	s = "node=db02 type=SYSCALL msg=audit(1772445609.012:6020): arch=c0";
	CHECK_INT(sl_audit_head(s, strlen(s), &h), 1);
	CHECK_SLSTR(h.node, "db02");
	CHECK_SLSTR(h.type, "SYSCALL");
	CHECK_SLSTR(h.time, "1772445609.012");
	CHECK_SLSTR(h.serial, "6020");
	CHECK(h.ms == INT64_C(1772445609012));
	s = "type=EOE msg=audit(1364481363.2:24287):";
	CHECK_INT(sl_audit_head(s, strlen(s), &h), 1);
	CHECK_SLSTR(h.node, "");
	CHECK_SLSTR(h.type, "EOE");
	CHECK(h.ms == INT64_C(1364481363200));
	s = "type=EOE msg=audit(7:1): ";
	CHECK_INT(sl_audit_head(s, strlen(s), &h), 1);
	CHECK(h.ms == 7000);
	/* not a head */
	CHECK_INT(sl_audit_head("", 0, &h), 0);
	s = "node= type=EOE msg=audit(7:1): ";
	CHECK_INT(sl_audit_head(s, strlen(s), &h), 0);
	s = "type=EOE msg=audit(7:1) x";
	CHECK_INT(sl_audit_head(s, strlen(s), &h), 0);
	s = "type=EOE msg=audit(7:): ";
	CHECK_INT(sl_audit_head(s, strlen(s), &h), 0);
	s = "type=EOE msg=audit(.5:1): ";
	CHECK_INT(sl_audit_head(s, strlen(s), &h), 0);
	s = "msg=audit(7:1): type=EOE";
	CHECK_INT(sl_audit_head(s, strlen(s), &h), 0);
	s = "type=EOE msg=audit(99999999999999999999:1): ";
	CHECK_INT(sl_audit_head(s, strlen(s), &h), 0);
}

int
main(void)
{
	test_table();
	test_auditd();
	test_audit_head();
	test_syslog();
	test_errors();
	return check_done("kv");
}
