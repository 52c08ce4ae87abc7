// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the VMCI resource table (vmci/resource.c): handle allocation,
 * collision detection with any-context handles, type separation,
 * reference counting, and removal racing with lookups.
 */
#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/sched/task.h>
#include <vv_compat.h>

#include "../../vmci/vmci_core.h"

/* Test-private context, so nothing here collides with real endpoints. */
#define T_CID	0x7e57

struct res_holder {
	struct kunit *test;
	struct vmci_resource res;
	bool added;
};

static void res_holder_cleanup(void *data)
{
	struct res_holder *h = data;

	if (h->added)
		vmci_resource_remove(vmci_resource_get(&h->res));
}

static struct res_holder *res_new(struct kunit *test)
{
	struct res_holder *h = kunit_kzalloc(test, sizeof(*h), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, h);
	h->test = test;
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, res_holder_cleanup, h), 0);
	return h;
}

static int res_add(struct res_holder *h, enum vmci_resource_type type,
		   struct vmci_handle handle)
{
	int ret = vmci_resource_add(&h->res, type, handle);

	h->added = ret == VMCI_SUCCESS;
	return ret;
}

static void vmci_resource_add_allocates_above_reserved(struct kunit *test)
{
	struct res_holder *a = res_new(test), *b = res_new(test);

	KUNIT_ASSERT_EQ(test, res_add(a, VMCI_RESOURCE_TYPE_DATAGRAM,
				      vmci_make_handle(T_CID, VMCI_INVALID_ID)), 0);
	KUNIT_ASSERT_EQ(test, res_add(b, VMCI_RESOURCE_TYPE_DATAGRAM,
				      vmci_make_handle(T_CID, VMCI_INVALID_ID)), 0);
	KUNIT_EXPECT_GT(test, a->res.handle.resource, VMCI_RESERVED_RESOURCE_ID_MAX);
	KUNIT_EXPECT_NE(test, a->res.handle.resource, VMCI_INVALID_ID);
	KUNIT_EXPECT_NE(test, a->res.handle.resource, b->res.handle.resource);
	KUNIT_EXPECT_EQ(test, a->res.handle.context, T_CID);
}

static void vmci_resource_add_detects_exact_collision(struct kunit *test)
{
	struct res_holder *a = res_new(test), *b = res_new(test);
	struct vmci_handle h = vmci_make_handle(T_CID, 77);

	KUNIT_ASSERT_EQ(test, res_add(a, VMCI_RESOURCE_TYPE_DATAGRAM, h), 0);
	KUNIT_EXPECT_EQ(test, res_add(b, VMCI_RESOURCE_TYPE_DATAGRAM, h),
			VMCI_ERROR_ALREADY_EXISTS);
}

static void vmci_resource_add_detects_anycid_collision(struct kunit *test)
{
	struct res_holder *a = res_new(test), *b = res_new(test);
	struct res_holder *c = res_new(test);

	KUNIT_ASSERT_EQ(test, res_add(a, VMCI_RESOURCE_TYPE_DATAGRAM,
				      vmci_make_handle(VMCI_INVALID_ID, 78)), 0);
	/* A per-context handle with the same ID is shadowed: refused. */
	KUNIT_EXPECT_EQ(test, res_add(b, VMCI_RESOURCE_TYPE_DATAGRAM,
				      vmci_make_handle(T_CID, 78)),
			VMCI_ERROR_ALREADY_EXISTS);
	/* Another kind of resource may reuse the ID. */
	KUNIT_EXPECT_EQ(test, res_add(c, VMCI_RESOURCE_TYPE_DOORBELL,
				      vmci_make_handle(T_CID, 78)), 0);
}

static void vmci_resource_by_handle_matches_type_and_anycid(struct kunit *test)
{
	struct res_holder *a = res_new(test);
	struct vmci_resource *r;

	KUNIT_ASSERT_EQ(test, res_add(a, VMCI_RESOURCE_TYPE_DATAGRAM,
				      vmci_make_handle(VMCI_INVALID_ID, 79)), 0);
	r = vmci_resource_by_handle(vmci_make_handle(T_CID + 1, 79),
				    VMCI_RESOURCE_TYPE_DATAGRAM);
	KUNIT_EXPECT_PTR_EQ(test, r, &a->res);
	if (r)
		vmci_resource_put(r);
	r = vmci_resource_by_handle(vmci_make_handle(T_CID, 79),
				    VMCI_RESOURCE_TYPE_ANY);
	KUNIT_EXPECT_PTR_EQ(test, r, &a->res);
	if (r)
		vmci_resource_put(r);
	KUNIT_EXPECT_NULL(test, vmci_resource_by_handle(vmci_make_handle(T_CID, 79),
							VMCI_RESOURCE_TYPE_QPAIR));
	KUNIT_EXPECT_NULL(test, vmci_resource_by_handle(vmci_make_handle(T_CID, 80),
							VMCI_RESOURCE_TYPE_ANY));
}

static void vmci_resource_add_rejects_type_any(struct kunit *test)
{
	struct res_holder *a = res_new(test);

	KUNIT_EXPECT_EQ(test, res_add(a, VMCI_RESOURCE_TYPE_ANY,
				      vmci_make_handle(T_CID, 81)),
			VMCI_ERROR_INVALID_ARGS);
}

static void vmci_resource_remove_makes_handle_reusable(struct kunit *test)
{
	struct res_holder *a = res_new(test), *b = res_new(test);
	struct vmci_handle h = vmci_make_handle(T_CID, 82);

	KUNIT_ASSERT_EQ(test, res_add(a, VMCI_RESOURCE_TYPE_DATAGRAM, h), 0);
	KUNIT_EXPECT_TRUE(test, vmci_resource_remove(vmci_resource_get(&a->res)));
	a->added = false;
	KUNIT_EXPECT_NULL(test, vmci_resource_by_handle(h, VMCI_RESOURCE_TYPE_ANY));
	KUNIT_EXPECT_EQ(test, res_add(b, VMCI_RESOURCE_TYPE_DATAGRAM, h), 0);
}

/* Removal waits for a reference held elsewhere. */
struct res_waiter {
	struct vmci_resource *res;
	struct completion started;
	bool removed;
	bool returned;
};

static int res_remover(void *data)
{
	struct res_waiter *w = data;

	complete(&w->started);
	w->removed = vmci_resource_remove(vmci_resource_get(w->res));
	WRITE_ONCE(w->returned, true);
	return 0;
}

static void vmci_resource_remove_waits_for_references(struct kunit *test)
{
	struct res_holder *a = res_new(test);
	struct res_waiter *w = kunit_kzalloc(test, sizeof(*w), GFP_KERNEL);
	struct vmci_resource *ref;
	struct task_struct *t;

	KUNIT_ASSERT_NOT_NULL(test, w);
	KUNIT_ASSERT_EQ(test, res_add(a, VMCI_RESOURCE_TYPE_DATAGRAM,
				      vmci_make_handle(T_CID, 83)), 0);
	ref = vmci_resource_by_handle(a->res.handle, VMCI_RESOURCE_TYPE_DATAGRAM);
	KUNIT_ASSERT_NOT_NULL(test, ref);
	a->added = false;
	w->res = &a->res;
	init_completion(&w->started);
	t = kthread_run(res_remover, w, "vmci-res-rm");
	KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	wait_for_completion(&w->started);
	msleep(100);
	KUNIT_EXPECT_FALSE(test, READ_ONCE(w->returned));
	vmci_resource_put(ref);
	while (!READ_ONCE(w->returned))
		usleep_range(10000, 20000);
	KUNIT_EXPECT_TRUE(test, w->removed);
}

/* Whether @h is still in the table (a lookup that drops its reference). */
static bool res_is_hashed(struct vmci_handle h)
{
	struct vmci_resource *r = vmci_resource_by_handle(h, VMCI_RESOURCE_TYPE_ANY);

	if (r)
		vmci_resource_put(r);
	return r;
}

static void vmci_resource_remove_twice_only_one_wins(struct kunit *test)
{
	struct res_holder *a = res_new(test);
	struct res_waiter *w = kunit_kzalloc(test, sizeof(*w), GFP_KERNEL);
	struct vmci_resource *mine;
	struct task_struct *t;

	KUNIT_ASSERT_NOT_NULL(test, w);
	KUNIT_ASSERT_EQ(test, res_add(a, VMCI_RESOURCE_TYPE_DATAGRAM,
				      vmci_make_handle(T_CID, 84)), 0);
	mine = vmci_resource_by_handle(a->res.handle, VMCI_RESOURCE_TYPE_DATAGRAM);
	KUNIT_ASSERT_NOT_NULL(test, mine);
	a->added = false;
	w->res = &a->res;
	init_completion(&w->started);
	t = kthread_run(res_remover, w, "vmci-res-rm2");
	KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	wait_for_completion(&w->started);
	/* Wait until the other remover has unhashed the entry. */
	while (res_is_hashed(a->res.handle))
		usleep_range(5000, 10000);
	/* The loser returns at once, dropping the reference it passed in. */
	KUNIT_EXPECT_FALSE(test, vmci_resource_remove(mine));
	while (!READ_ONCE(w->returned))
		usleep_range(10000, 20000);
	KUNIT_EXPECT_TRUE(test, w->removed);
}

/* Lookups on one CPU while another adds and removes the same handle. */
struct res_race {
	struct res_holder *h;
	atomic_t stop;
	unsigned long hits;
	bool bad;
};

static int res_looker(void *data)
{
	struct res_race *rr = data;
	struct vmci_handle h = vmci_make_handle(T_CID, 85);
	struct vmci_resource *r;

	while (!atomic_read(&rr->stop)) {
		r = vmci_resource_by_handle(h, VMCI_RESOURCE_TYPE_DATAGRAM);
		if (r) {
			if (r != &rr->h->res || !vmci_handle_is_equal(r->handle, h))
				rr->bad = true;
			rr->hits++;
			vmci_resource_put(r);
		}
		cond_resched();
	}
	return 0;
}

static void vmci_resource_lookup_races_remove(struct kunit *test)
{
	struct res_race *rr = kunit_kzalloc(test, sizeof(*rr), GFP_KERNEL);
	struct task_struct *t;
	int i;

	KUNIT_ASSERT_NOT_NULL(test, rr);
	rr->h = res_new(test);
	t = kthread_create(res_looker, rr, "vmci-res-look");
	KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	get_task_struct(t);
	kthread_bind(t, num_online_cpus() > 1 ? 1 : 0);
	wake_up_process(t);
	for (i = 0; i < 200; i++) {
		KUNIT_ASSERT_EQ(test, res_add(rr->h, VMCI_RESOURCE_TYPE_DATAGRAM,
					      vmci_make_handle(T_CID, 85)), 0);
		usleep_range(50, 100);
		rr->h->added = false;
		KUNIT_ASSERT_TRUE(test, vmci_resource_remove(vmci_resource_get(&rr->h->res)));
	}
	atomic_set(&rr->stop, 1);
	kthread_stop(t);
	put_task_struct(t);
	KUNIT_EXPECT_FALSE(test, rr->bad);
	kunit_info(test, "%lu lookups hit a live entry\n", rr->hits);
}

static struct kunit_case vmci_resource_cases[] = {
	KUNIT_CASE(vmci_resource_add_allocates_above_reserved),
	KUNIT_CASE(vmci_resource_add_detects_exact_collision),
	KUNIT_CASE(vmci_resource_add_detects_anycid_collision),
	KUNIT_CASE(vmci_resource_by_handle_matches_type_and_anycid),
	KUNIT_CASE(vmci_resource_add_rejects_type_any),
	KUNIT_CASE(vmci_resource_remove_makes_handle_reusable),
	KUNIT_CASE(vmci_resource_remove_waits_for_references),
	KUNIT_CASE(vmci_resource_remove_twice_only_one_wins),
	KUNIT_CASE_SLOW(vmci_resource_lookup_races_remove),
	{}
};

static struct kunit_suite vmci_resource_suite = {
	.name = "vmci_resource",
	.test_cases = vmci_resource_cases,
};

kunit_test_suite(vmci_resource_suite);

MODULE_DESCRIPTION("KUnit tests for the VMCI resource table");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
