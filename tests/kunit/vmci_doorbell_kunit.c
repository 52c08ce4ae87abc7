// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: VMCI doorbells under the host personality (vmci/doorbell.c):
 * creation, ringing in bottom-half and process context, privileges,
 * destruction while rung, and scans of a device-style bitmap.
 */
#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <vv_compat.h>
#include <vmci/vmci_api.h>

#include "../../vmci/vmci_core.h"

struct db_sink {
	struct vmci_handle handle;
	atomic_t count;
	struct completion rung;
	bool in_bh;
	bool in_worker;
};

static void db_sink_cb(void *data)
{
	struct db_sink *s = data;

	s->in_bh = in_softirq();
	s->in_worker = in_task() && (current->flags & PF_WQ_WORKER);
	atomic_inc(&s->count);
	complete(&s->rung);
}

static void db_sink_destroy(void *data)
{
	struct db_sink *s = data;

	if (!vmci_handle_is_invalid(s->handle))
		vmci_doorbell_destroy(s->handle);
}

static struct db_sink *db_sink_new(struct kunit *test, u32 flags, u32 priv)
{
	struct db_sink *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, s);
	init_completion(&s->rung);
	s->handle = VMCI_INVALID_HANDLE;
	KUNIT_ASSERT_EQ(test, vmci_doorbell_create(&s->handle, flags, priv, db_sink_cb, s),
			0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, db_sink_destroy, s), 0);
	return s;
}

static int db_suite_init(struct kunit *test)
{
	if (!vmci_host_active() || vmci_guest_active())
		kunit_skip(test, "needs the host personality alone");
	return 0;
}

static void vmci_doorbell_notify_runs_callback_in_bh(struct kunit *test)
{
	struct db_sink *s = db_sink_new(test, 0, 0);

	KUNIT_EXPECT_EQ(test, s->handle.context, VMCI_HOST_CONTEXT_ID);
	KUNIT_EXPECT_GT(test, s->handle.resource, VMCI_RESERVED_RESOURCE_ID_MAX);
	KUNIT_EXPECT_EQ(test, vmci_doorbell_notify(s->handle, 0), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&s->count), 1);
	KUNIT_EXPECT_TRUE(test, s->in_bh);
	KUNIT_EXPECT_EQ(test, vmci_doorbell_notify(s->handle, 0), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&s->count), 2);
}

static void vmci_doorbell_notify_delayed_runs_in_worker(struct kunit *test)
{
	struct db_sink *s = db_sink_new(test, VMCI_FLAG_DELAYED_CB, 0);

	KUNIT_EXPECT_EQ(test, vmci_doorbell_notify(s->handle, 0), 0);
	KUNIT_ASSERT_NE(test, wait_for_completion_timeout(&s->rung, 10 * HZ), 0);
	KUNIT_EXPECT_TRUE(test, s->in_worker);
	KUNIT_EXPECT_FALSE(test, s->in_bh);
}

static void vmci_doorbell_create_rejects_bad_args(struct kunit *test)
{
	struct vmci_handle h = VMCI_INVALID_HANDLE;

	KUNIT_EXPECT_EQ(test, vmci_doorbell_create(NULL, 0, 0, db_sink_cb, NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, vmci_doorbell_create(&h, 0, 0, NULL, NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, vmci_doorbell_create(&h, BIT(3), 0, db_sink_cb, NULL),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, vmci_doorbell_create(&h, 0, BIT(4), db_sink_cb, NULL),
			-EINVAL);
	/* Only the local context can own a doorbell. */
	h = vmci_make_handle(77, 5000);
	KUNIT_EXPECT_EQ(test, vmci_doorbell_create(&h, 0, 0, db_sink_cb, NULL), -EINVAL);
}

static void vmci_doorbell_create_duplicate_is_eaddrinuse(struct kunit *test)
{
	struct db_sink *s = db_sink_new(test, 0, 0);
	struct vmci_handle h = s->handle;

	KUNIT_EXPECT_EQ(test, vmci_doorbell_create(&h, 0, 0, db_sink_cb, s), -EADDRINUSE);
}

static void vmci_doorbell_create_with_chosen_handle(struct kunit *test)
{
	struct db_sink *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, s);
	init_completion(&s->rung);
	s->handle = vmci_make_handle(VMCI_HOST_CONTEXT_ID, 5001);
	KUNIT_ASSERT_EQ(test, vmci_doorbell_create(&s->handle, 0, 0, db_sink_cb, s), 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, db_sink_destroy, s), 0);
	KUNIT_EXPECT_EQ(test, s->handle.resource, 5001);
	KUNIT_EXPECT_EQ(test, vmci_doorbell_notify(vmci_make_handle(VMCI_HOST_CONTEXT_ID,
								    5001), 0), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&s->count), 1);
}

static void vmci_doorbell_notify_bad_handles_fail(struct kunit *test)
{
	struct db_sink *s = db_sink_new(test, 0, 0);
	struct vmci_handle h = s->handle;

	KUNIT_EXPECT_EQ(test, vmci_doorbell_notify(VMCI_INVALID_HANDLE, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, vmci_doorbell_notify(h, BIT(6)), -EINVAL);
	KUNIT_EXPECT_EQ(test, vmci_doorbell_notify(vmci_make_handle(2, 0x7ffffff0), 0),
			-EHOSTUNREACH);
	KUNIT_EXPECT_EQ(test, vmci_doorbell_notify(vmci_make_handle(1234, h.resource), 0),
			-EHOSTUNREACH);
	KUNIT_EXPECT_EQ(test, vmci_doorbell_notify(vmci_make_handle(0, 1), 0), -ENODEV);
	KUNIT_EXPECT_EQ(test, vmci_doorbell_destroy(h), 0);
	s->handle = VMCI_INVALID_HANDLE;
	KUNIT_EXPECT_EQ(test, vmci_doorbell_notify(h, 0), -EHOSTUNREACH);
	KUNIT_EXPECT_EQ(test, vmci_doorbell_destroy(h), -ENOENT);
	KUNIT_EXPECT_EQ(test, atomic_read(&s->count), 0);
}

static void vmci_doorbell_notify_restricted_is_eperm(struct kunit *test)
{
	struct db_sink *plain = db_sink_new(test, 0, 0);
	struct db_sink *trusted = db_sink_new(test, 0, VMCI_PRIVILEGE_FLAG_TRUSTED);

	KUNIT_EXPECT_EQ(test, vmci_doorbell_notify(plain->handle,
						   VMCI_PRIVILEGE_FLAG_RESTRICTED), -EPERM);
	KUNIT_EXPECT_EQ(test, vmci_doorbell_notify(trusted->handle,
						   VMCI_PRIVILEGE_FLAG_RESTRICTED), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&plain->count), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&trusted->count), 1);
}

static void vmci_doorbell_scan_fires_set_bytes_once(struct kunit *test)
{
	u8 *bitmap = kunit_kzalloc(test, VMCI_MAX_GUEST_DOORBELL_COUNT, GFP_KERNEL);
	struct db_sink *s[3];
	int i;

	KUNIT_ASSERT_NOT_NULL(test, bitmap);
	for (i = 0; i < ARRAY_SIZE(s); i++)
		s[i] = db_sink_new(test, 0, 0);
	/* Ring the second; the others stay quiet. */
	KUNIT_ASSERT_EQ(test, vmci_doorbell_notify(s[1]->handle, 0), 0);
	KUNIT_ASSERT_EQ(test, atomic_read(&s[1]->count), 1);
	/* A bitmap with every byte set rings each doorbell once, and clears. */
	memset(bitmap, 1, VMCI_MAX_GUEST_DOORBELL_COUNT);
	vmci_doorbell_scan(bitmap);
	for (i = 0; i < ARRAY_SIZE(s); i++)
		KUNIT_EXPECT_EQ(test, atomic_read(&s[i]->count), i == 1 ? 2 : 1);
	KUNIT_EXPECT_NULL(test, memchr_inv(bitmap, 0, VMCI_MAX_GUEST_DOORBELL_COUNT));
	vmci_doorbell_scan(bitmap);
	KUNIT_EXPECT_EQ(test, atomic_read(&s[0]->count), 1);
}

static void vmci_doorbell_destroy_while_delayed_pending(struct kunit *test)
{
	struct db_sink *s = db_sink_new(test, VMCI_FLAG_DELAYED_CB, 0);
	int i;

	for (i = 0; i < 50; i++)
		KUNIT_ASSERT_EQ(test, vmci_doorbell_notify(s->handle, 0), 0);
	KUNIT_EXPECT_EQ(test, vmci_doorbell_destroy(s->handle), 0);
	s->handle = VMCI_INVALID_HANDLE;
	/* Coalesced, but at least one ran, and none runs after destroy. */
	i = atomic_read(&s->count);
	KUNIT_EXPECT_GE(test, i, 1);
	msleep(20);
	KUNIT_EXPECT_EQ(test, atomic_read(&s->count), i);
}

static void vmci_doorbell_create_many_get_distinct_handles(struct kunit *test)
{
	struct db_sink *s[16];
	int i, j;

	for (i = 0; i < ARRAY_SIZE(s); i++)
		s[i] = db_sink_new(test, 0, 0);
	for (i = 0; i < ARRAY_SIZE(s); i++)
		for (j = i + 1; j < ARRAY_SIZE(s); j++)
			KUNIT_EXPECT_FALSE(test, vmci_handle_is_equal(s[i]->handle,
								      s[j]->handle));
	for (i = 0; i < ARRAY_SIZE(s); i++)
		KUNIT_EXPECT_EQ(test, vmci_doorbell_notify(s[i]->handle, 0), 0);
	for (i = 0; i < ARRAY_SIZE(s); i++)
		KUNIT_EXPECT_EQ(test, atomic_read(&s[i]->count), 1);
}

static struct kunit_case vmci_doorbell_cases[] = {
	KUNIT_CASE(vmci_doorbell_notify_runs_callback_in_bh),
	KUNIT_CASE(vmci_doorbell_notify_delayed_runs_in_worker),
	KUNIT_CASE(vmci_doorbell_create_rejects_bad_args),
	KUNIT_CASE(vmci_doorbell_create_duplicate_is_eaddrinuse),
	KUNIT_CASE(vmci_doorbell_create_with_chosen_handle),
	KUNIT_CASE(vmci_doorbell_notify_bad_handles_fail),
	KUNIT_CASE(vmci_doorbell_notify_restricted_is_eperm),
	KUNIT_CASE(vmci_doorbell_scan_fires_set_bytes_once),
	KUNIT_CASE(vmci_doorbell_destroy_while_delayed_pending),
	KUNIT_CASE(vmci_doorbell_create_many_get_distinct_handles),
	{}
};

static struct kunit_suite vmci_doorbell_suite = {
	.name = "vmci_doorbell",
	.init = db_suite_init,
	.test_cases = vmci_doorbell_cases,
};

kunit_test_suite(vmci_doorbell_suite);

MODULE_DESCRIPTION("KUnit tests for VMCI doorbells");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
VV_IMPORT_NS();
