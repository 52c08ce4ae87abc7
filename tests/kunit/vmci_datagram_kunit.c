// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: VMCI datagram endpoints, routing and delivery under the host
 * personality (vmci/datagram.c, vmci/route.c): where a datagram goes,
 * in which context its callback runs, the bounded deferred queue,
 * privileges, and hostile headers and handles.
 */
#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <vv_compat.h>
#include <vmci/vmci_api.h>

#include "../../vmci/vmci_core.h"

struct dg_sink {
	struct vmci_handle handle;
	atomic_t count;
	struct completion got;
	struct completion release;	/* a blocking sink waits on it */
	bool block;
	bool in_bh;
	bool in_worker;
	struct task_struct *task;
	u64 last_payload;
	struct vmci_handle last_src;
};

static int dg_sink_recv(void *data, struct vmci_datagram *dg)
{
	struct dg_sink *s = data;

	s->in_bh = in_softirq();
	s->in_worker = in_task() && (current->flags & PF_WQ_WORKER);
	s->task = current;
	s->last_src = dg->src;
	if (dg->payload_size >= sizeof(u64))
		memcpy(&s->last_payload, vmci_dg_payload(dg), sizeof(u64));
	/* Only a deferred callback may block; never the sender itself. */
	if (s->block && s->in_worker)
		wait_for_completion(&s->release);
	atomic_inc(&s->count);
	complete(&s->got);
	return 0;
}

static void dg_sink_destroy(void *data)
{
	struct dg_sink *s = data;

	if (s->block)
		complete_all(&s->release);
	vmci_datagram_destroy_handle(s->handle);
}

static struct dg_sink *dg_sink_new(struct kunit *test, u32 rid, u32 flags,
				   u32 priv)
{
	struct dg_sink *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, s);
	init_completion(&s->got);
	init_completion(&s->release);
	KUNIT_ASSERT_EQ(test, vmci_datagram_create_handle_priv(rid, flags, priv,
							       dg_sink_recv, s,
							       &s->handle), 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, dg_sink_destroy, s), 0);
	return s;
}

struct dg_msg {
	struct vmci_datagram hdr;
	u64 payload;
};

static int dg_send(struct vmci_handle dst, struct vmci_handle src, u64 payload)
{
	struct dg_msg m = {
		.hdr.dst = dst, .hdr.src = src,
		.hdr.payload_size = sizeof(u64), .payload = payload,
	};

	return vmci_datagram_send(&m.hdr);
}

static void dg_suite_check(struct kunit *test)
{
	if (!vmci_host_active() || vmci_guest_active())
		kunit_skip(test, "needs the host personality alone");
}

static void vmci_get_context_id_is_host(struct kunit *test)
{
	dg_suite_check(test);
	KUNIT_EXPECT_EQ(test, vmci_get_context_id(), VMCI_HOST_CONTEXT_ID);
	KUNIT_EXPECT_EQ(test, vmci_context_get_priv_flags(VMCI_HOST_CONTEXT_ID),
			VMCI_NO_PRIVILEGE_FLAGS);
	KUNIT_EXPECT_EQ(test, vmci_context_get_priv_flags(1234),
			VMCI_PRIVILEGE_FLAG_RESTRICTED);
}

static void vmci_datagram_send_host_to_host_is_deferred(struct kunit *test)
{
	struct dg_sink *s;

	dg_suite_check(test);
	s = dg_sink_new(test, VMCI_INVALID_ID, 0, 0);
	KUNIT_EXPECT_EQ(test, s->handle.context, VMCI_HOST_CONTEXT_ID);
	KUNIT_EXPECT_EQ(test, dg_send(s->handle, VMCI_ANON_SRC_HANDLE, 0xabc),
			sizeof(struct dg_msg));
	/*
	 * Never inside the send, even without DELAYED_CB: the sender may
	 * hold locks the receiver's callback takes.
	 */
	KUNIT_ASSERT_NE(test, wait_for_completion_timeout(&s->got, 10 * HZ), 0);
	KUNIT_EXPECT_PTR_NE(test, s->task, current);
	KUNIT_EXPECT_TRUE(test, s->in_worker);
	KUNIT_EXPECT_FALSE(test, s->in_bh);
	KUNIT_EXPECT_EQ(test, s->last_payload, 0xabc);
	/* An anonymous source is stamped with the host context. */
	KUNIT_EXPECT_EQ(test, s->last_src.context, VMCI_HOST_CONTEXT_ID);
}

static int dg_send_unlocked(struct vmci_handle dst, u64 payload)
{
	struct dg_msg m = {
		.hdr.dst = dst, .hdr.src = VMCI_ANON_SRC_HANDLE,
		.hdr.payload_size = sizeof(u64), .payload = payload,
	};

	return vmci_datagram_send_unlocked(&m.hdr);
}

/* An unlocked sender's datagram runs the callback inside the send. */
static void vmci_datagram_send_unlocked_runs_inside(struct kunit *test)
{
	struct dg_sink *s;

	dg_suite_check(test);
	s = dg_sink_new(test, VMCI_INVALID_ID, 0, 0);
	KUNIT_EXPECT_EQ(test, dg_send_unlocked(s->handle, 0x77),
			sizeof(struct dg_msg));
	KUNIT_EXPECT_EQ(test, atomic_read(&s->count), 1);
	KUNIT_EXPECT_PTR_EQ(test, s->task, current);
	KUNIT_EXPECT_TRUE(test, s->in_bh);
	KUNIT_EXPECT_EQ(test, s->last_payload, 0x77);
}

/*
 * Behind deferred datagrams an unlocked one waits its turn: with the
 * first deferred callback blocked, it is not delivered inside the send,
 * and it arrives last.
 */
static void vmci_datagram_send_unlocked_keeps_order(struct kunit *test)
{
	struct dg_sink *s;
	int i;

	dg_suite_check(test);
	s = dg_sink_new(test, VMCI_INVALID_ID, 0, 0);
	s->block = true;
	for (i = 1; i <= 3; i++)
		KUNIT_ASSERT_GT(test, dg_send(s->handle, VMCI_ANON_SRC_HANDLE, i), 0);
	for (i = 0; i < 250 && !READ_ONCE(s->task); i++)
		msleep(20);
	KUNIT_ASSERT_NOT_NULL(test, READ_ONCE(s->task));
	KUNIT_EXPECT_GT(test, dg_send_unlocked(s->handle, 4), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&s->count), 0);
	complete_all(&s->release);
	for (i = 0; i < 4; i++)
		KUNIT_ASSERT_GT(test, wait_for_completion_timeout(&s->got, 10 * HZ), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&s->count), 4);
	KUNIT_EXPECT_EQ(test, s->last_payload, 4);
	KUNIT_EXPECT_TRUE(test, s->in_worker);
}

/* DELAYED_CB is a promise of process context: unlocked sends keep it. */
static void vmci_datagram_send_unlocked_delayed_stays_deferred(struct kunit *test)
{
	struct dg_sink *s;

	dg_suite_check(test);
	s = dg_sink_new(test, VMCI_INVALID_ID, VMCI_FLAG_DG_DELAYED_CB, 0);
	KUNIT_EXPECT_GT(test, dg_send_unlocked(s->handle, 9), 0);
	KUNIT_ASSERT_NE(test, wait_for_completion_timeout(&s->got, 10 * HZ), 0);
	KUNIT_EXPECT_TRUE(test, s->in_worker);
	KUNIT_EXPECT_FALSE(test, s->in_bh);
}

static void vmci_datagram_send_delayed_runs_in_worker(struct kunit *test)
{
	struct dg_sink *s;

	dg_suite_check(test);
	s = dg_sink_new(test, VMCI_INVALID_ID, VMCI_FLAG_DG_DELAYED_CB, 0);
	KUNIT_EXPECT_EQ(test, dg_send(s->handle, s->handle, 7), sizeof(struct dg_msg));
	KUNIT_ASSERT_NE(test, wait_for_completion_timeout(&s->got, 10 * HZ), 0);
	KUNIT_EXPECT_FALSE(test, s->in_bh);
	KUNIT_EXPECT_TRUE(test, s->in_worker);
	KUNIT_EXPECT_EQ(test, s->last_payload, 7);
}

static void vmci_datagram_create_handle_anycid_matches_host(struct kunit *test)
{
	struct dg_sink *s;

	dg_suite_check(test);
	s = dg_sink_new(test, 4000, VMCI_FLAG_ANYCID_DG_HND, 0);
	KUNIT_EXPECT_EQ(test, s->handle.context, VMCI_INVALID_ID);
	KUNIT_EXPECT_EQ(test, s->handle.resource, 4000);
	KUNIT_EXPECT_EQ(test, dg_send(vmci_make_handle(VMCI_HOST_CONTEXT_ID, 4000),
				      VMCI_ANON_SRC_HANDLE, 1), sizeof(struct dg_msg));
	KUNIT_EXPECT_NE(test, wait_for_completion_timeout(&s->got, 10 * HZ), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&s->count), 1);
}

static void vmci_datagram_create_handle_reserved_rid_on_request(struct kunit *test)
{
	struct dg_sink *s;

	dg_suite_check(test);
	/* vsock's control endpoint: any context, resource 1. */
	s = dg_sink_new(test, 1, VMCI_FLAG_ANYCID_DG_HND, 0);
	KUNIT_EXPECT_EQ(test, s->handle.resource, 1);
	KUNIT_EXPECT_EQ(test, dg_send(vmci_make_handle(VMCI_HOST_CONTEXT_ID, 1),
				      VMCI_ANON_SRC_HANDLE, 2), sizeof(struct dg_msg));
	KUNIT_EXPECT_NE(test, wait_for_completion_timeout(&s->got, 10 * HZ), 0);
	KUNIT_EXPECT_EQ(test, s->last_payload, 2);
}

static void vmci_datagram_create_handle_rejects_bad_args(struct kunit *test)
{
	struct vmci_handle h;

	dg_suite_check(test);
	KUNIT_EXPECT_EQ(test, vmci_datagram_create_handle(1, VMCI_FLAG_WELLKNOWN_DG_HND,
							  dg_sink_recv, NULL, &h), -EINVAL);
	KUNIT_EXPECT_EQ(test, vmci_datagram_create_handle(1, BIT(7), dg_sink_recv,
							  NULL, &h), -EINVAL);
	KUNIT_EXPECT_EQ(test, vmci_datagram_create_handle(1, 0, NULL, NULL, &h), -EINVAL);
	KUNIT_EXPECT_EQ(test, vmci_datagram_create_handle(1, 0, dg_sink_recv, NULL,
							  NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, vmci_datagram_create_handle_priv(1, 0, BIT(5), dg_sink_recv,
							       NULL, &h), -EINVAL);
}

static void vmci_datagram_create_handle_duplicate_is_eaddrinuse(struct kunit *test)
{
	struct vmci_handle h;
	struct dg_sink *s;

	dg_suite_check(test);
	s = dg_sink_new(test, 4001, 0, 0);
	KUNIT_EXPECT_EQ(test, vmci_datagram_create_handle(4001, 0, dg_sink_recv, s, &h),
			-EADDRINUSE);
	KUNIT_EXPECT_EQ(test, vmci_datagram_create_handle(4001, VMCI_FLAG_ANYCID_DG_HND,
							  dg_sink_recv, s, &h),
			-EADDRINUSE);
}

static void vmci_datagram_destroy_handle_unknown_is_enoent(struct kunit *test)
{
	struct dg_sink *s;

	dg_suite_check(test);
	KUNIT_EXPECT_EQ(test, vmci_datagram_destroy_handle(VMCI_INVALID_HANDLE), -ENOENT);
	KUNIT_EXPECT_EQ(test, vmci_datagram_destroy_handle(vmci_make_handle(2, 4002)),
			-ENOENT);
	s = dg_sink_new(test, 4003, 0, 0);
	KUNIT_EXPECT_EQ(test, vmci_datagram_destroy_handle(s->handle), 0);
	KUNIT_EXPECT_EQ(test, vmci_datagram_destroy_handle(s->handle), -ENOENT);
	KUNIT_EXPECT_EQ(test, dg_send(s->handle, VMCI_ANON_SRC_HANDLE, 0), -EHOSTUNREACH);
	s->handle = VMCI_INVALID_HANDLE;
}

struct dg_route_case {
	const char *name;
	struct vmci_handle dst;
	int err;
};

static const struct dg_route_case dg_route_cases[] = {
	{ "invalid context", { VMCI_INVALID_ID, 1 }, -EINVAL },
	{ "hypervisor without device", { VMCI_HYPERVISOR_CONTEXT_ID, 1 }, -ENODEV },
	{ "unknown VM", { 1234, 1 }, -EHOSTUNREACH },
	{ "unregistered host resource", { VMCI_HOST_CONTEXT_ID, 0x7fff1234 }, -EHOSTUNREACH },
	{ "well-known context", { VMCI_WELL_KNOWN_CONTEXT_ID, 1 }, -EHOSTUNREACH },
};

static void dg_route_desc(const struct dg_route_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(dg_route, dg_route_cases, dg_route_desc);

static void vmci_datagram_send_unroutable_fails(struct kunit *test)
{
	const struct dg_route_case *c = test->param_value;

	dg_suite_check(test);
	KUNIT_EXPECT_EQ(test, dg_send(c->dst, VMCI_ANON_SRC_HANDLE, 0), c->err);
}

static void vmci_route_host_fills_anonymous_source(struct kunit *test)
{
	struct vmci_handle src = VMCI_ANON_SRC_HANDLE;
	struct vmci_handle dst = vmci_make_handle(VMCI_HOST_CONTEXT_ID, 5000);
	enum vmci_route route;

	dg_suite_check(test);
	KUNIT_EXPECT_EQ(test, vmci_route(&src, &dst, false, &route), VMCI_SUCCESS);
	KUNIT_EXPECT_EQ(test, route, VMCI_ROUTE_AS_HOST);
	KUNIT_EXPECT_EQ(test, src.context, VMCI_HOST_CONTEXT_ID);
	/* A VM must name itself. */
	src = VMCI_ANON_SRC_HANDLE;
	KUNIT_EXPECT_EQ(test, vmci_route(&src, &dst, true, &route), VMCI_ERROR_INVALID_ARGS);
	/* VMs never reach the hypervisor through the host. */
	dst = vmci_make_handle(VMCI_HYPERVISOR_CONTEXT_ID, 1);
	KUNIT_EXPECT_EQ(test, vmci_route(&src, &dst, true, &route),
			VMCI_ERROR_DST_UNREACHABLE);
	KUNIT_EXPECT_EQ(test, route, VMCI_ROUTE_NONE);
}

static void vmci_datagram_send_hostile_sizes_fail(struct kunit *test)
{
	struct dg_sink *s;
	struct dg_msg m = { };

	dg_suite_check(test);
	s = dg_sink_new(test, VMCI_INVALID_ID, 0, 0);
	m.hdr.dst = s->handle;
	m.hdr.src = VMCI_ANON_SRC_HANDLE;
	m.hdr.payload_size = VMCI_MAX_DG_PAYLOAD_SIZE + 1;
	KUNIT_EXPECT_EQ(test, vmci_datagram_send(&m.hdr), -EMSGSIZE);
	m.hdr.payload_size = U64_MAX;
	KUNIT_EXPECT_EQ(test, vmci_datagram_send(&m.hdr), -EMSGSIZE);
	m.hdr.payload_size = U64_MAX - VMCI_DG_HEADERSIZE + 1;
	KUNIT_EXPECT_EQ(test, vmci_datagram_send(&m.hdr), -EMSGSIZE);
	KUNIT_EXPECT_EQ(test, vmci_datagram_send(NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, atomic_read(&s->count), 0);
}

static void vmci_datagram_send_max_payload_is_delivered(struct kunit *test)
{
	struct vmci_datagram *dg;
	struct dg_sink *s;

	dg_suite_check(test);
	s = dg_sink_new(test, VMCI_INVALID_ID, VMCI_FLAG_DG_DELAYED_CB, 0);
	dg = kunit_kzalloc(test, VMCI_MAX_DG_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, dg);
	dg->dst = s->handle;
	dg->src = VMCI_ANON_SRC_HANDLE;
	dg->payload_size = VMCI_MAX_DG_PAYLOAD_SIZE;
	KUNIT_EXPECT_EQ(test, vmci_datagram_send(dg), VMCI_MAX_DG_SIZE);
	KUNIT_EXPECT_NE(test, wait_for_completion_timeout(&s->got, 10 * HZ), 0);
}

static void vmci_datagram_send_restricted_needs_trusted(struct kunit *test)
{
	struct dg_sink *restricted, *plain, *trusted;

	dg_suite_check(test);
	restricted = dg_sink_new(test, VMCI_INVALID_ID, 0, VMCI_PRIVILEGE_FLAG_RESTRICTED);
	plain = dg_sink_new(test, VMCI_INVALID_ID, 0, 0);
	trusted = dg_sink_new(test, VMCI_INVALID_ID, 0, VMCI_PRIVILEGE_FLAG_TRUSTED);
	KUNIT_EXPECT_EQ(test, dg_send(restricted->handle, plain->handle, 0), -EPERM);
	KUNIT_EXPECT_EQ(test, dg_send(plain->handle, restricted->handle, 0), -EPERM);
	KUNIT_EXPECT_EQ(test, dg_send(restricted->handle, trusted->handle, 0),
			sizeof(struct dg_msg));
	KUNIT_EXPECT_NE(test, wait_for_completion_timeout(&restricted->got, 10 * HZ), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&restricted->count), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&plain->count), 0);
}

static void vmci_deny_interaction_truth_table(struct kunit *test)
{
	const u32 r = VMCI_PRIVILEGE_FLAG_RESTRICTED, t = VMCI_PRIVILEGE_FLAG_TRUSTED;

	KUNIT_EXPECT_FALSE(test, vmci_deny_interaction(0, 0));
	KUNIT_EXPECT_TRUE(test, vmci_deny_interaction(r, 0));
	KUNIT_EXPECT_TRUE(test, vmci_deny_interaction(0, r));
	KUNIT_EXPECT_TRUE(test, vmci_deny_interaction(r, r));
	KUNIT_EXPECT_FALSE(test, vmci_deny_interaction(r, t));
	KUNIT_EXPECT_FALSE(test, vmci_deny_interaction(t, r));
	KUNIT_EXPECT_FALSE(test, vmci_deny_interaction(r | t, r | t));
}

static void vmci_datagram_send_delayed_queue_is_bounded(struct kunit *test)
{
	struct dg_sink *s;
	int i, ret = 0, sent = 0;

	dg_suite_check(test);
	s = dg_sink_new(test, VMCI_INVALID_ID, VMCI_FLAG_DG_DELAYED_CB, 0);
	s->block = true;
	for (i = 0; i < VMCI_MAX_DELAYED_DG_QUEUE + 8; i++) {
		ret = dg_send(s->handle, VMCI_ANON_SRC_HANDLE, i);
		if (ret < 0)
			break;
		sent++;
	}
	KUNIT_EXPECT_EQ(test, ret, -ENOBUFS);
	/*
	 * The first callback blocks its endpoint's queue: all others wait,
	 * up to the bound (the first one may have left the queue already).
	 */
	KUNIT_EXPECT_GE(test, sent, VMCI_MAX_DELAYED_DG_QUEUE);
	KUNIT_EXPECT_LE(test, sent, VMCI_MAX_DELAYED_DG_QUEUE + 1);
	complete_all(&s->release);
	/* Destroy waits for every queued callback. */
	KUNIT_EXPECT_EQ(test, vmci_datagram_destroy_handle(s->handle), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&s->count), sent);
	s->handle = VMCI_INVALID_HANDLE;
	s->block = false;
}

/*
 * Each endpoint has its own deferred queue: one whose callback blocks
 * (and whose queue is full) stalls neither the delivery to another nor
 * the other's senders.
 */
static void vmci_datagram_delayed_stall_is_per_handle(struct kunit *test)
{
	struct dg_sink *slow, *fast;
	int i, ret, sent = 0;

	dg_suite_check(test);
	slow = dg_sink_new(test, VMCI_INVALID_ID, VMCI_FLAG_DG_DELAYED_CB, 0);
	fast = dg_sink_new(test, VMCI_INVALID_ID, VMCI_FLAG_DG_DELAYED_CB, 0);
	slow->block = true;
	KUNIT_ASSERT_GT(test, dg_send(slow->handle, VMCI_ANON_SRC_HANDLE, 0), 0);
	/* Wait until its callback runs (and blocks): the queue is empty. */
	for (i = 0; i < 250 && !READ_ONCE(slow->task); i++)
		msleep(20);
	KUNIT_ASSERT_NOT_NULL(test, READ_ONCE(slow->task));
	for (i = 0; i < VMCI_MAX_DELAYED_DG_QUEUE + 8; i++) {
		ret = dg_send(slow->handle, VMCI_ANON_SRC_HANDLE, i);
		if (ret < 0)
			break;
		sent++;
	}
	KUNIT_EXPECT_EQ(test, ret, -ENOBUFS);
	KUNIT_EXPECT_EQ(test, sent, VMCI_MAX_DELAYED_DG_QUEUE);
	/* The other endpoint still gets all of its datagrams, in order. */
	for (i = 0; i < 64; i++)
		KUNIT_ASSERT_GT(test, dg_send(fast->handle, VMCI_ANON_SRC_HANDLE,
					      1000 + i), 0);
	for (i = 0; i < 64; i++)
		KUNIT_ASSERT_GT(test, wait_for_completion_timeout(&fast->got,
								  10 * HZ), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&fast->count), 64);
	KUNIT_EXPECT_EQ(test, fast->last_payload, 1063);
	KUNIT_EXPECT_EQ(test, atomic_read(&slow->count), 0);
	complete_all(&slow->release);
	KUNIT_EXPECT_EQ(test, vmci_datagram_destroy_handle(slow->handle), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&slow->count), sent + 1);
	slow->handle = VMCI_INVALID_HANDLE;
	slow->block = false;
}

static void vmci_datagram_destroy_handle_waits_for_delayed(struct kunit *test)
{
	struct dg_sink *s;
	int i;

	dg_suite_check(test);
	s = dg_sink_new(test, VMCI_INVALID_ID, VMCI_FLAG_DG_DELAYED_CB, 0);
	for (i = 0; i < 32; i++)
		KUNIT_ASSERT_GT(test, dg_send(s->handle, VMCI_ANON_SRC_HANDLE, i), 0);
	KUNIT_EXPECT_EQ(test, vmci_datagram_destroy_handle(s->handle), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&s->count), 32);
	s->handle = VMCI_INVALID_HANDLE;
}

static struct kunit_case vmci_datagram_cases[] = {
	KUNIT_CASE(vmci_get_context_id_is_host),
	KUNIT_CASE(vmci_datagram_send_host_to_host_is_deferred),
	KUNIT_CASE(vmci_datagram_send_delayed_runs_in_worker),
	KUNIT_CASE(vmci_datagram_send_unlocked_runs_inside),
	KUNIT_CASE(vmci_datagram_send_unlocked_keeps_order),
	KUNIT_CASE(vmci_datagram_send_unlocked_delayed_stays_deferred),
	KUNIT_CASE(vmci_datagram_create_handle_anycid_matches_host),
	KUNIT_CASE(vmci_datagram_create_handle_reserved_rid_on_request),
	KUNIT_CASE(vmci_datagram_create_handle_rejects_bad_args),
	KUNIT_CASE(vmci_datagram_create_handle_duplicate_is_eaddrinuse),
	KUNIT_CASE(vmci_datagram_destroy_handle_unknown_is_enoent),
	KUNIT_CASE_PARAM(vmci_datagram_send_unroutable_fails, dg_route_gen_params),
	KUNIT_CASE(vmci_route_host_fills_anonymous_source),
	KUNIT_CASE(vmci_datagram_send_hostile_sizes_fail),
	KUNIT_CASE(vmci_datagram_send_max_payload_is_delivered),
	KUNIT_CASE(vmci_datagram_send_restricted_needs_trusted),
	KUNIT_CASE(vmci_deny_interaction_truth_table),
	KUNIT_CASE(vmci_datagram_send_delayed_queue_is_bounded),
	KUNIT_CASE(vmci_datagram_delayed_stall_is_per_handle),
	KUNIT_CASE(vmci_datagram_destroy_handle_waits_for_delayed),
	{}
};

static struct kunit_suite vmci_datagram_suite = {
	.name = "vmci_datagram",
	.test_cases = vmci_datagram_cases,
};

kunit_test_suite(vmci_datagram_suite);

MODULE_DESCRIPTION("KUnit tests for VMCI datagrams and routing");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
VV_IMPORT_NS();
