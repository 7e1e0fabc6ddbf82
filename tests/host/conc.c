// SPDX-License-Identifier: GPL-2.0
/*
 * The concurrency tests' thread harness (see conc.h).  No main().
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include "errno_codes.h"
#include "conc.h"

struct conc_thread {
	const struct conc_role *role;
	int idx;
	pthread_t th;
};

void conc_init(struct conc_ctl *ctl, struct tdp_mmu *mmu)
{
	ctl->mmu = mmu;
	pthread_mutex_init(&ctl->root_lock, NULL);
}

void conc_fini(struct conc_ctl *ctl)
{
	pthread_mutex_destroy(&ctl->root_lock);
}

static void *conc_thread_main(void *arg)
{
	struct conc_thread *t = arg;

	t->role->fn(t->role->arg, t->idx);
	return NULL;
}

/* Join the started threads of @t[0, n) whose role runs until @until_stop. */
static void conc_join(struct conc_thread *t, int n, bool until_stop)
{
	int i;

	for (i = 0; i < n; i++)
		if (t[i].role->until_stop == until_stop)
			pthread_join(t[i].th, NULL);
}

int conc_run(struct conc_ctl *ctl, const struct conc_role *roles, int nr)
{
	struct conc_thread *t;
	int i, k, n = 0, total = 0, r = 0;

	for (i = 0; i < nr; i++)
		total += roles[i].nr;
	t = calloc((size_t)total, sizeof(*t));
	if (!t)
		abort();
	for (i = 0; i < nr && !r; i++)
		for (k = 0; k < roles[i].nr && !r; k++) {
			t[n] = (struct conc_thread){ .role = &roles[i],
						     .idx = k };
			r = pthread_create(&t[n].th, NULL, conc_thread_main,
					   &t[n]);
			n += !r;
		}
	conc_join(t, n, false);
	__atomic_store_n(&ctl->stop, 1, __ATOMIC_RELEASE);
	conc_join(t, n, true);
	free(t);
	return r;
}

bool conc_stopped(struct conc_ctl *ctl)
{
	return __atomic_load_n(&ctl->stop, __ATOMIC_ACQUIRE);
}

void conc_error(struct conc_ctl *ctl, const char *fmt, ...)
{
	va_list ap;

	if (__atomic_fetch_add(&ctl->errors, 1, __ATOMIC_RELAXED))
		return;
	va_start(ap, fmt);
	vsnprintf(ctl->err, sizeof(ctl->err), fmt, ap);
	va_end(ap);
}

u64 conc_rnd(u64 *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

struct tdp_mmu_page *conc_get_direct(struct conc_ctl *ctl)
{
	struct tdp_mmu_page *root;

	pthread_mutex_lock(&ctl->root_lock);
	if (!tdp_mmu_root_is_valid(ctl->direct)) {
		tdp_mmu_put_root(ctl->mmu, ctl->direct);
		if (tdp_mmu_get_root(ctl->mmu, TDP_ROOT_DIRECT, &ctl->direct))
			abort();
	}
	root = ctl->direct;
	/* Hold our own reference while we use it. */
	__atomic_fetch_add(&root->root_refcount, 1, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&ctl->root_lock);
	return root;
}

int conc_fault(struct conc_ctl *ctl, struct tdp_mmu_page *root,
	       struct tdp_mmu_cache *cache, gpa_t gpa, u64 acc,
	       struct tdp_fault *f)
{
	bool direct = !root;
	int r, tries = 0;

	if (direct)
		root = conc_get_direct(ctl);
	for (;;) {
		f->gpa = gpa;
		f->access = acc;
		r = tdp_mmu_page_fault(ctl->mmu, root, cache, f);
		if (r != -EBUSY && r != -EAGAIN)
			break;
		__atomic_fetch_add(&ctl->retries, 1, __ATOMIC_RELAXED);
		if (r == -EAGAIN && direct && !tdp_mmu_root_is_valid(root)) {
			tdp_mmu_put_root(ctl->mmu, root);
			root = conc_get_direct(ctl);
		}
		if (++tries > 1000000) {
			conc_error(ctl, "fault never completes (%d)", r);
			break;
		}
	}
	if (direct)
		tdp_mmu_put_root(ctl->mmu, root);
	return r;
}

void conc_cpu_done(struct conc_ctl *ctl, const struct mmu_fake_cpu *cpu,
		   u64 walks, u64 mapped)
{
	__atomic_fetch_add(&ctl->cpu_walks, walks, __ATOMIC_RELAXED);
	__atomic_fetch_add(&ctl->cpu_hits, cpu->hits, __ATOMIC_RELAXED);
	__atomic_fetch_add(&ctl->cpu_mapped, mapped, __ATOMIC_RELAXED);
}
