/* ingest-read.c: the loop from readers into an ingest, in threads. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"

#define MAX_JOBS 64
#define BATCH_BYTES (1u << 20)
#define QUEUE_BATCHES 8

/*
 * Items travel from the reading threads to the calling thread in batches:
 * a byte buffer of records, each a header followed by its strings.
 */
struct qitem {
	int type;		/* enum sl_item_type */
	int code;		/* REJECT: enum sl_reject_code */
	uint64_t line, offset;
	struct sl_log_stats st;
	struct sl_event ev;	/* EVENT; its strings follow, re-pointed by
				 * the reader of the batch */
	size_t len;		/* bytes of strings that follow */
};

struct batch {
	char *p;
	size_t n, cap;
	struct batch *next;
	int worker;		/* which worker filled it */
	int last;		/* the worker has finished */
	int file_end;		/* it ends with the end of a source file */
};

struct job;

struct worker {
	pthread_t thread;
	int id;
	struct job *job;
	struct sl_reader *reader;
	int failed;		/* -errno if the reader failed */
	/* Its batches, waiting for the calling thread (job->lock). */
	struct batch *head, *tail;
	int queued;
	int finished;		/* its last batch was taken */
	/* Which store log each of its logs became; the last is current. */
	int *ids;
	size_t nids, cids;
	char *name;		/* the current log's name, for its events */
};

struct job {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct batch *spare;	/* used batches, kept for their memory */
	int stop;		/* the calling thread wants no more */
};

/* A string in a batch is its length, then its bytes and a NUL, so that the
 * item's names can be pointed at in place, whatever their length. */
static size_t
str_len(struct sl_str s)
{
	return sizeof(size_t) + s.n + 1;
}

static void
put_str(char **w, struct sl_str s)
{
	memcpy(*w, &s.n, sizeof(size_t));
	*w += sizeof(size_t);
	if (s.n > 0)
		memcpy(*w, s.p, s.n);
	*w += s.n;
	*(*w)++ = '\0';
}

static struct sl_str
get_str(const char **r)
{
	struct sl_str s;

	memcpy(&s.n, *r, sizeof(size_t));
	*r += sizeof(size_t);
	s.p = *r;
	*r += s.n + 1;
	return s;
}

static struct sl_str
cstr(const char *s)
{
	struct sl_str r;

	r.p = s != NULL ? s : "";
	r.n = strlen(r.p);
	return r;
}

#define EV_STRINGS(X, e)						\
	X((e)->user) X((e)->session) X((e)->resource) X((e)->query)	\
	X((e)->purpose) X((e)->src) X((e)->trace) X((e)->kind)		\
	X((e)->key) X((e)->scope) X((e)->profile) X((e)->origin)	\
	X((e)->raw)

static int
batch_reserve(struct batch *b, size_t n)
{
	size_t cap;
	char *p;

	if (b->n + n <= b->cap)
		return 0;
	cap = b->cap ? b->cap : BATCH_BYTES;
	while (cap < b->n + n)
		cap *= 2;
	p = realloc(b->p, cap);
	if (p == NULL)
		return -ENOMEM;
	b->p = p;
	b->cap = cap;
	return 0;
}

static int
batch_item(struct batch *b, const struct sl_item *it)
{
	struct sl_str name, profile, reason, notes;
	struct qitem q;
	size_t len = 0;
	char *w;

	memset(&q, 0, sizeof(q));
	q.type = it->type;
	q.code = it->code;
	q.line = it->line;
	q.offset = it->offset;
	if (it->stats != NULL)
		q.st = *it->stats;
	name = cstr(it->name);
	profile = cstr(it->profile);
	reason = cstr(it->reason);
	notes = cstr(it->stats != NULL ? it->stats->notes : NULL);
	if (it->type == SL_ITEM_EVENT) {
		q.ev = *it->ev;
#define LEN(s) len += str_len(s);
		EV_STRINGS(LEN, it->ev)
#undef LEN
	} else {
		len = str_len(name) + str_len(profile) + str_len(reason) +
		    str_len(it->raw) + str_len(notes);
	}
	q.len = len;
	if (batch_reserve(b, sizeof(q) + len) < 0)
		return -ENOMEM;
	memcpy(b->p + b->n, &q, sizeof(q));
	w = b->p + b->n + sizeof(q);
	if (it->type == SL_ITEM_EVENT) {
#define PUT(s) put_str(&w, s);
		EV_STRINGS(PUT, it->ev)
#undef PUT
	} else {
		put_str(&w, name);
		put_str(&w, profile);
		put_str(&w, reason);
		put_str(&w, it->raw);
		put_str(&w, notes);
	}
	b->n = (size_t)(w - b->p);
	return 0;
}

/*
 * Each reader queues its own batches, and the calling thread takes them
 * one source file of each reader in turn.  The files are dealt to the
 * readers in turn (sl_reader_opts.part), so the items are fed in the order
 * of the files, as one reader would give them; a file that gives no end
 * (it could not be opened) only moves the next one of its reader forward.
 * A reader waits only for its own queue, never for another's.
 */
static void
queue_push(struct worker *wk, struct batch *b)
{
	struct job *job = wk->job;

	pthread_mutex_lock(&job->lock);
	while (wk->queued >= QUEUE_BATCHES)
		pthread_cond_wait(&job->cond, &job->lock);
	if (wk->tail != NULL)
		wk->tail->next = b;
	else
		wk->head = b;
	wk->tail = b;
	wk->queued++;
	pthread_cond_broadcast(&job->cond);
	pthread_mutex_unlock(&job->lock);
}

static struct batch *
queue_pop(struct worker *wk)
{
	struct job *job = wk->job;
	struct batch *b;

	pthread_mutex_lock(&job->lock);
	while (wk->head == NULL)
		pthread_cond_wait(&job->cond, &job->lock);
	b = wk->head;
	wk->head = b->next;
	if (wk->head == NULL)
		wk->tail = NULL;
	wk->queued--;
	pthread_cond_broadcast(&job->cond);
	pthread_mutex_unlock(&job->lock);
	return b;
}

/* A batch to fill: a spare one if there is one, so that the big buffers are
 * not given back to the system and faulted in again for every megabyte. */
static struct batch *
batch_get(struct job *job)
{
	struct batch *b;

	pthread_mutex_lock(&job->lock);
	b = job->spare;
	if (b != NULL)
		job->spare = b->next;
	pthread_mutex_unlock(&job->lock);
	if (b == NULL)
		return calloc(1, sizeof(*b));
	b->next = NULL;
	b->n = 0;
	b->last = 0;
	b->file_end = 0;
	return b;
}

static void
batch_put_back(struct job *job, struct batch *b)
{
	pthread_mutex_lock(&job->lock);
	b->next = job->spare;
	job->spare = b;
	pthread_mutex_unlock(&job->lock);
}

static int
stopped(struct job *job)
{
	int stop;

	pthread_mutex_lock(&job->lock);
	stop = job->stop;
	pthread_mutex_unlock(&job->lock);
	return stop;
}

static void *
worker_main(void *arg)
{
	struct worker *wk = arg;
	struct sl_item it;
	struct batch *b;
	int rc;

	b = batch_get(wk->job);
	for (;;) {
		if (b == NULL) {
			wk->failed = -ENOMEM;
			break;
		}
		rc = sl_reader_next(wk->reader, &it);
		if (rc <= 0) {
			if (rc < 0)
				wk->failed = rc;
			break;
		}
		b->worker = wk->id;
		if (batch_item(b, &it) < 0) {
			wk->failed = -ENOMEM;
			break;
		}
		if (it.stats != NULL && it.stats->is_source &&
		    (it.type == SL_ITEM_LOG_END ||
		    it.type == SL_ITEM_SKIPPED))
			b->file_end = 1;
		if (b->n >= BATCH_BYTES || b->file_end) {
			queue_push(wk, b);
			b = NULL;
			if (stopped(wk->job))
				break;
			b = batch_get(wk->job);
		}
	}
	if (b == NULL)
		b = batch_get(wk->job);
	if (b == NULL)
		abort();	/* cannot even say that we are done */
	b->worker = wk->id;
	b->last = 1;
	queue_push(wk, b);
	return NULL;
}

struct loop {
	struct sl_ingest *in;
	sl_ingest_report_fn *report;
	void *arg;
};

static int
push_id(struct worker *wk, int id)
{
	if (wk->nids == wk->cids) {
		size_t cap = wk->cids ? wk->cids * 2 : 64;
		int *p = realloc(wk->ids, cap * sizeof(*p));

		if (p == NULL)
			return -ENOMEM;
		wk->ids = p;
		wk->cids = cap;
	}
	wk->ids[wk->nids++] = id;
	return 0;
}

static int
tell(const struct loop *lp, const struct sl_item *it, int log)
{
	return lp->report != NULL ? lp->report(lp->arg, it, log) : 0;
}

/*
 * One item, in the order the caller sees them: into the store, and told.
 * The events and rejects of a reader belong to the log it began last.
 */
static int
feed(const struct loop *lp, struct worker *wk, const struct sl_item *it)
{
	int cur = wk->nids > 0 ? wk->ids[wk->nids - 1] : -1;
	struct sl_item e;
	int id, rc;

	switch (it->type) {
	case SL_ITEM_EVENT:
		if (cur < 0)
			return sl_ingest_fail(lp->in, -EINVAL, "an event "
			    "outside any log");
		/* Events travel without their log's name. */
		e = *it;
		if (e.name == NULL)
			e.name = wk->name;
		if (e.profile == NULL)
			e.profile = it->ev->profile.p;
		rc = tell(lp, &e, cur);
		if (rc != 0)
			return rc < 0 ? rc : 0;
		if ((rc = sl_ingest_event(lp->in, cur, it->ev)) != 1)
			return rc;
		/* Kept as a reject: told as one, the same record again. */
		e.type = SL_ITEM_REJECT;
		e.code = SL_REJECT_TOO_LONG;
		e.reason = sl_ingest_error(lp->in);
		e.line = it->ev->line;
		e.offset = it->ev->offset;
		e.raw = it->ev->raw;
		rc = tell(lp, &e, cur);
		return rc < 0 ? rc : 0;
	case SL_ITEM_REJECT:
		if (cur < 0)
			return sl_ingest_fail(lp->in, -EINVAL, "a reject "
			    "outside any log");
		if ((rc = tell(lp, it, cur)) < 0)
			return rc;
		return sl_ingest_reject(lp->in, cur, it);
	case SL_ITEM_LOG_BEGIN:
		if ((id = sl_ingest_log(lp->in, it->name, it->profile)) < 0)
			return id;
		free(wk->name);
		if ((rc = push_id(wk, id)) < 0 ||
		    (wk->name = strdup(it->name)) == NULL)
			return sl_ingest_fail(lp->in, -ENOMEM,
			    "out of memory");
		rc = tell(lp, it, id);
		return rc < 0 ? rc : 0;
	case SL_ITEM_LOG_END:
		if (it->stats != NULL && it->stats->container) {
			/* An archive: a manifest row of its own. */
			if ((id = sl_ingest_log(lp->in, it->name, "")) < 0)
				return id;
		} else {
			id = cur;
		}
		if (id < 0)
			return sl_ingest_fail(lp->in, -EINVAL, "the end of a "
			    "log never begun");
		if (it->stats != NULL &&
		    (rc = sl_ingest_log_end(lp->in, id, it->stats)) < 0)
			return rc;
		rc = tell(lp, it, id);
		return rc < 0 ? rc : 0;
	default:
		rc = tell(lp, it, -1);
		return rc < 0 ? rc : 0;
	}
}

/* An item back out of a batch; its strings stay in the batch. */
static const char *
unbatch(const char *p, struct sl_item *it, struct sl_event *ev,
    struct sl_log_stats *st)
{
	struct qitem q;
	struct sl_str s;

	memcpy(&q, p, sizeof(q));
	p += sizeof(q);
	memset(it, 0, sizeof(*it));
	it->type = q.type;
	it->line = q.line;
	it->offset = q.offset;
	it->code = q.code;
	if (q.type == SL_ITEM_EVENT) {
		*ev = q.ev;
#define GET(f) f = get_str(&p);
		EV_STRINGS(GET, ev)
#undef GET
		it->ev = ev;
		return p;
	}
	*st = q.st;
	it->name = get_str(&p).p;
	it->profile = get_str(&p).p;
	it->reason = get_str(&p).p;
	it->raw = get_str(&p);
	s = get_str(&p);
	/* The notes travelled with the item: the reader's own text is gone
	 * by now. */
	st->notes = s.p;
	if (q.type == SL_ITEM_LOG_END || q.type == SL_ITEM_SKIPPED)
		it->stats = st;
	/* A skip by opts.skip has no reason; one with a reason was not
	 * read at all (sl_item). */
	if (q.type == SL_ITEM_SKIPPED && it->reason[0] == '\0')
		it->reason = NULL;
	return p;
}

static int
read_here(const struct loop *lp, struct sl_reader *r)
{
	struct worker wk;
	struct sl_item it;
	int rc;

	memset(&wk, 0, sizeof(wk));
	while ((rc = sl_reader_next(r, &it)) > 0)
		if ((rc = feed(lp, &wk, &it)) < 0)
			goto out;
	if (rc < 0)
		sl_ingest_fail(lp->in, rc, "reading failed: %s",
		    strerror(-rc));
out:
	free(wk.ids);
	free(wk.name);
	return rc < 0 ? rc : 0;
}

int
sl_ingest_read(struct sl_ingest *in, const char *const *sources, size_t n,
    const struct sl_profileset *ps, const struct sl_reader_opts *ro,
    int jobs, sl_ingest_report_fn *report, void *arg)
{
	struct worker *workers = NULL;
	struct sl_reader_opts o;
	struct loop lp;
	struct job job;
	sigset_t all, saved;
	char err[512];
	int i, rc = 0, started = 0, running, turn;

	lp.in = in;
	lp.report = report;
	lp.arg = arg;
	if (jobs > MAX_JOBS)
		jobs = MAX_JOBS;
	if (jobs <= 1) {
		struct sl_reader *r = sl_reader_new(sources, n, ps, ro, err,
		    sizeof(err));

		if (r == NULL)
			return sl_ingest_fail(in, -EINVAL, "%s", err);
		rc = read_here(&lp, r);
		sl_reader_free(r);
		return rc;
	}

	memset(&job, 0, sizeof(job));
	if ((workers = calloc((size_t)jobs, sizeof(*workers))) == NULL)
		return sl_ingest_fail(in, -ENOMEM, "out of memory");
	for (i = 0; i < jobs; i++) {
		o = *ro;
		o.part = (unsigned)i;
		o.nparts = (unsigned)jobs;
		workers[i].id = i;
		workers[i].job = &job;
		workers[i].reader = sl_reader_new(sources, n, ps, &o, err,
		    sizeof(err));
		if (workers[i].reader == NULL) {
			rc = sl_ingest_fail(in, -EINVAL, "%s", err);
			goto out;
		}
	}
	pthread_mutex_init(&job.lock, NULL);
	pthread_cond_init(&job.cond, NULL);
	/* The process's signals are for the calling thread: the readers
	 * start with them all blocked. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &saved);
	for (i = 0; i < jobs; i++) {
		if (pthread_create(&workers[i].thread, NULL, worker_main,
		    &workers[i]) != 0)
			break;
		started++;
	}
	pthread_sigmask(SIG_SETMASK, &saved, NULL);
	if (started < jobs)
		rc = sl_ingest_fail(in, -EAGAIN, "cannot start a thread");

	/* After a failure the batches are still taken, unread, until every
	 * reader has stopped. */
	running = started;
	turn = 0;
	while (running > 0) {
		struct batch *b;
		const char *p, *end;

		while (workers[turn].finished)
			turn = (turn + 1) % started;
		b = queue_pop(&workers[turn]);
		/* A worker that read nothing sends its last batch empty, with
		 * no buffer: NULL + 0 is undefined, so do not add to it. */
		p = b->p;
		end = b->n > 0 ? b->p + b->n : b->p;

		while (p < end && rc >= 0) {
			struct sl_item it;
			struct sl_event ev;
			struct sl_log_stats st;

			p = unbatch(p, &it, &ev, &st);
			rc = feed(&lp, &workers[b->worker], &it);
		}
		if (rc < 0) {
			pthread_mutex_lock(&job.lock);
			job.stop = 1;
			pthread_mutex_unlock(&job.lock);
		}
		if (b->last) {
			workers[turn].finished = 1;
			running--;
		}
		if (b->last || b->file_end)
			turn = (turn + 1) % started;
		batch_put_back(&job, b);
	}
	for (i = 0; i < started; i++) {
		pthread_join(workers[i].thread, NULL);
		if (workers[i].failed < 0 && rc >= 0)
			rc = sl_ingest_fail(in, workers[i].failed,
			    "reading failed: %s",
			    strerror(-workers[i].failed));
	}
	while (job.spare != NULL) {
		struct batch *b = job.spare;

		job.spare = b->next;
		free(b->p);
		free(b);
	}
	pthread_mutex_destroy(&job.lock);
	pthread_cond_destroy(&job.cond);
out:
	for (i = 0; i < jobs; i++) {
		sl_reader_free(workers[i].reader);
		free(workers[i].ids);
		free(workers[i].name);
	}
	free(workers);
	return rc < 0 ? rc : 0;
}
