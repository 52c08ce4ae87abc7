// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: VMCI queue pairs through the kernel API (vmci/qpair.c,
 * vmci/broker.c): local queue pairs between two host endpoints, attach
 * and detach events, data in both directions, iov_iter variants,
 * hostile sizes, flags and handles, and a two-CPU stream.
 */
#include <kunit/test.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/socket.h>
#include <linux/uio.h>
#include <vv_compat.h>
#include <vmci/vmci_api.h>

#include "../../vmci/vmci_core.h"

#define QP_SIZE	(4 * PAGE_SIZE)
#define LOCAL	VMCI_QPFLAG_LOCAL

struct qp_pair {
	struct vmci_qp *a, *b;
	struct vmci_handle handle;
};

static void qp_pair_detach(void *data)
{
	struct qp_pair *p = data;

	if (p->b)
		vmci_qpair_detach(&p->b);
	if (p->a)
		vmci_qpair_detach(&p->a);
}

static struct qp_pair *qp_pair_new(struct kunit *test, u64 asize, u64 bsize)
{
	struct qp_pair *p = kunit_kzalloc(test, sizeof(*p), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, qp_pair_detach, p), 0);
	p->handle = VMCI_INVALID_HANDLE;
	KUNIT_ASSERT_EQ(test, vmci_qpair_alloc(&p->a, &p->handle, asize, bsize,
					       VMCI_INVALID_ID, LOCAL, 0), 0);
	KUNIT_ASSERT_EQ(test, vmci_qpair_alloc(&p->b, &p->handle, bsize, asize,
					       VMCI_INVALID_ID,
					       LOCAL | VMCI_QPFLAG_ATTACH_ONLY, 0), 0);
	return p;
}

struct qp_events {
	u32 sub[2];
	int attach, detach;
	struct vmci_handle last;
	u32 last_peer;
};

static void qp_event_cb(u32 sub, const struct vmci_event_data *ed, void *data)
{
	const struct vmci_event_payld_qp *qp = vmci_event_data_const_payload(ed);
	struct qp_events *ev = data;

	if (ed->event == VMCI_EVENT_QP_PEER_ATTACH)
		ev->attach++;
	else
		ev->detach++;
	ev->last = qp->handle;
	ev->last_peer = qp->peer_id;
}

static void qp_events_stop(void *data)
{
	struct qp_events *ev = data;

	vmci_event_unsubscribe(ev->sub[0]);
	vmci_event_unsubscribe(ev->sub[1]);
}

static struct qp_events *qp_events_new(struct kunit *test)
{
	struct qp_events *ev = kunit_kzalloc(test, sizeof(*ev), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, ev);
	KUNIT_ASSERT_EQ(test, vmci_event_subscribe(VMCI_EVENT_QP_PEER_ATTACH, qp_event_cb,
						   ev, &ev->sub[0]), 0);
	KUNIT_ASSERT_EQ(test, vmci_event_subscribe(VMCI_EVENT_QP_PEER_DETACH, qp_event_cb,
						   ev, &ev->sub[1]), 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, qp_events_stop, ev), 0);
	return ev;
}

static int qp_suite_init(struct kunit *test)
{
	if (!vmci_host_active() || vmci_guest_active())
		kunit_skip(test, "needs the host personality alone");
	return 0;
}

static void vmci_qpair_alloc_local_attach_sends_events(struct kunit *test)
{
	struct qp_events *ev = qp_events_new(test);
	struct qp_pair *p = qp_pair_new(test, QP_SIZE, QP_SIZE);

	KUNIT_EXPECT_EQ(test, p->handle.context, VMCI_HOST_CONTEXT_ID);
	KUNIT_EXPECT_GT(test, p->handle.resource, VMCI_RESERVED_RESOURCE_ID_MAX);
	KUNIT_EXPECT_EQ(test, ev->attach, 1);
	KUNIT_EXPECT_TRUE(test, vmci_handle_is_equal(ev->last, p->handle));
	KUNIT_EXPECT_EQ(test, ev->last_peer, VMCI_HOST_CONTEXT_ID);
	KUNIT_EXPECT_EQ(test, vmci_qpair_detach(&p->b), 0);
	KUNIT_EXPECT_NULL(test, p->b);
	KUNIT_EXPECT_EQ(test, ev->detach, 1);
	KUNIT_EXPECT_EQ(test, vmci_qpair_detach(&p->a), 0);
	/* Nobody is left to tell. */
	KUNIT_EXPECT_EQ(test, ev->detach, 1);
}

static void vmci_qpair_alloc_creator_alone_gets_no_event(struct kunit *test)
{
	struct qp_events *ev = qp_events_new(test);
	struct vmci_handle h = VMCI_INVALID_HANDLE;
	struct vmci_qp *qp = NULL;

	KUNIT_ASSERT_EQ(test, vmci_qpair_alloc(&qp, &h, 64, 64, VMCI_INVALID_ID, LOCAL, 0),
			0);
	KUNIT_EXPECT_EQ(test, vmci_qpair_detach(&qp), 0);
	KUNIT_EXPECT_EQ(test, ev->attach + ev->detach, 0);
	/* The queue pair is gone with its only endpoint. */
	KUNIT_EXPECT_EQ(test, vmci_qpair_alloc(&qp, &h, 64, 64, VMCI_INVALID_ID,
					       LOCAL | VMCI_QPFLAG_ATTACH_ONLY, 0), -ENOENT);
}

static void vmci_qpair_enqueue_dequeue_both_ways(struct kunit *test)
{
	struct qp_pair *p = qp_pair_new(test, QP_SIZE, 2 * PAGE_SIZE);
	char out[16] = { 0 };

	KUNIT_EXPECT_EQ(test, vmci_qpair_enqueue(p->a, "ping", 4, 0), 4);
	KUNIT_EXPECT_EQ(test, vmci_qpair_produce_buf_ready(p->a), 4);
	KUNIT_EXPECT_EQ(test, vmci_qpair_consume_buf_ready(p->b), 4);
	KUNIT_EXPECT_EQ(test, vmci_qpair_produce_free_space(p->a), QP_SIZE - 5);
	KUNIT_EXPECT_EQ(test, vmci_qpair_consume_free_space(p->b), QP_SIZE - 5);
	KUNIT_EXPECT_EQ(test, vmci_qpair_dequeue(p->b, out, sizeof(out), 0), 4);
	KUNIT_EXPECT_EQ(test, memcmp(out, "ping", 4), 0);
	KUNIT_EXPECT_EQ(test, vmci_qpair_enqueue(p->b, "pong!", 5, 0), 5);
	KUNIT_EXPECT_EQ(test, vmci_qpair_produce_free_space(p->b), 2 * PAGE_SIZE - 6);
	KUNIT_EXPECT_EQ(test, vmci_qpair_peek(p->a, out, 2, 0), 2);
	KUNIT_EXPECT_EQ(test, vmci_qpair_dequeue(p->a, out, sizeof(out), 0), 5);
	KUNIT_EXPECT_EQ(test, memcmp(out, "pong!", 5), 0);
	KUNIT_EXPECT_EQ(test, vmci_qpair_dequeue(p->a, out, sizeof(out), 0), -EAGAIN);
}

static void vmci_qpair_indexes_track_wrap(struct kunit *test)
{
	struct qp_pair *p = qp_pair_new(test, 100, 100);
	u8 buf[90] = { 0 };
	u64 tail, head;

	KUNIT_ASSERT_EQ(test, vmci_qpair_enqueue(p->a, buf, 90, 0), 90);
	KUNIT_ASSERT_EQ(test, vmci_qpair_dequeue(p->b, buf, 90, 0), 90);
	KUNIT_ASSERT_EQ(test, vmci_qpair_enqueue(p->a, buf, 20, 0), 20);
	KUNIT_EXPECT_EQ(test, vmci_qpair_get_produce_indexes(p->a, &tail, &head), 0);
	KUNIT_EXPECT_EQ(test, tail, 10);
	KUNIT_EXPECT_EQ(test, head, 90);
	KUNIT_EXPECT_EQ(test, vmci_qpair_get_consume_indexes(p->b, &tail, &head), 0);
	KUNIT_EXPECT_EQ(test, tail, 10);
	KUNIT_EXPECT_EQ(test, head, 90);
	KUNIT_EXPECT_EQ(test, vmci_qpair_get_consume_indexes(p->b, NULL, NULL), 0);
	KUNIT_EXPECT_EQ(test, vmci_qpair_consume_buf_ready(p->b), 20);
}

static void vmci_qpair_enquev_dequev_use_msg_iter(struct kunit *test)
{
	struct qp_pair *p = qp_pair_new(test, QP_SIZE, QP_SIZE);
	char a[] = "hello, ", b[] = "world", out[32] = { 0 };
	struct kvec in_vec[2] = { { a, 7 }, { b, 5 } };
	struct kvec out_vec = { out, sizeof(out) };
	struct msghdr msg = { };

	iov_iter_kvec(&msg.msg_iter, ITER_SOURCE, in_vec, 2, 12);
	KUNIT_EXPECT_EQ(test, vmci_qpair_enquev(p->a, &msg, 12, 0), 12);
	KUNIT_EXPECT_EQ(test, iov_iter_count(&msg.msg_iter), 0);
	iov_iter_kvec(&msg.msg_iter, ITER_DEST, &out_vec, 1, sizeof(out));
	KUNIT_EXPECT_EQ(test, vmci_qpair_peekv(p->b, &msg, 5, 0), 5);
	iov_iter_kvec(&msg.msg_iter, ITER_DEST, &out_vec, 1, sizeof(out));
	KUNIT_EXPECT_EQ(test, vmci_qpair_dequev(p->b, &msg, sizeof(out), 0), 12);
	KUNIT_EXPECT_STREQ(test, out, "hello, world");
	KUNIT_EXPECT_EQ(test, vmci_qpair_enquev(p->a, NULL, 1, 0), -EINVAL);
}

static void vmci_qpair_enqueue_full_is_eagain(struct kunit *test)
{
	struct qp_pair *p = qp_pair_new(test, 64, 64);
	u8 buf[100] = { 0 };

	KUNIT_EXPECT_EQ(test, vmci_qpair_enqueue(p->a, buf, sizeof(buf), 0), 63);
	KUNIT_EXPECT_EQ(test, vmci_qpair_enqueue(p->a, buf, 1, 0), -EAGAIN);
	KUNIT_EXPECT_EQ(test, vmci_qpair_produce_free_space(p->a), 0);
	KUNIT_EXPECT_EQ(test, vmci_qpair_enqueue(p->a, NULL, 1, 0), -EINVAL);
}

struct qp_bad_case {
	const char *name;
	u64 psize, csize;
	u32 peer, flags, priv;
	int err;
};

static const struct qp_bad_case qp_bad_cases[] = {
	{ "zero produce", 0, 64, VMCI_INVALID_ID, LOCAL, 0, -EINVAL },
	{ "zero consume", 64, 0, VMCI_INVALID_ID, LOCAL, 0, -EINVAL },
	{ "over 128 MiB", VMCI_MAX_GUEST_QP_MEMORY, 1, VMCI_INVALID_ID, LOCAL, 0, -ENOBUFS },
	{ "sum overflows", U64_MAX, 2, VMCI_INVALID_ID, LOCAL, 0, -ENOBUFS },
	{ "nonblock", 64, 64, VMCI_INVALID_ID, LOCAL | VMCI_QPFLAG_NONBLOCK, 0, -EINVAL },
	{ "pinned", 64, 64, VMCI_INVALID_ID, LOCAL | VMCI_QPFLAG_PINNED, 0, -EINVAL },
	{ "unknown flag", 64, 64, VMCI_INVALID_ID, LOCAL | BIT(9), 0, -EINVAL },
	{ "bad privilege", 64, 64, VMCI_INVALID_ID, LOCAL, BIT(8), -EINVAL },
	{ "local with remote peer", 64, 64, 77, LOCAL, 0, -EINVAL },
	{ "attach-only without handle", 64, 64, VMCI_INVALID_ID,
	  LOCAL | VMCI_QPFLAG_ATTACH_ONLY, 0, -EINVAL },
};

static void qp_bad_desc(const struct qp_bad_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(qp_bad, qp_bad_cases, qp_bad_desc);

static void vmci_qpair_alloc_hostile_args_fail(struct kunit *test)
{
	const struct qp_bad_case *c = test->param_value;
	struct vmci_handle h = VMCI_INVALID_HANDLE;
	struct vmci_qp *qp = NULL;

	KUNIT_EXPECT_EQ(test, vmci_qpair_alloc(&qp, &h, c->psize, c->csize, c->peer,
					       c->flags, c->priv), c->err);
	KUNIT_EXPECT_NULL(test, qp);
	KUNIT_EXPECT_TRUE(test, vmci_handle_is_invalid(h));
}

static void vmci_qpair_alloc_attach_mismatch_fails(struct kunit *test)
{
	struct vmci_handle h = VMCI_INVALID_HANDLE;
	struct vmci_qp *a = NULL, *b = NULL;

	KUNIT_ASSERT_EQ(test, vmci_qpair_alloc(&a, &h, 128, 64, VMCI_INVALID_ID, LOCAL, 0),
			0);
	/* Same sizes, not swapped. */
	KUNIT_EXPECT_EQ(test, vmci_qpair_alloc(&b, &h, 128, 64, VMCI_INVALID_ID, LOCAL, 0),
			-EINVAL);
	/* Local queue pair, non-local attach. */
	KUNIT_EXPECT_EQ(test, vmci_qpair_alloc(&b, &h, 64, 128, VMCI_INVALID_ID, 0, 0),
			-EINVAL);
	/* A handle of another context that does not exist. */
	h.context = 1234;
	KUNIT_EXPECT_EQ(test, vmci_qpair_alloc(&b, &h, 64, 128, VMCI_INVALID_ID,
					       LOCAL | VMCI_QPFLAG_ATTACH_ONLY, 0), -ENOENT);
	KUNIT_EXPECT_EQ(test, vmci_qpair_alloc(&b, &h, 64, 128, VMCI_INVALID_ID, LOCAL, 0),
			-EPERM);
	KUNIT_EXPECT_NULL(test, b);
	KUNIT_EXPECT_EQ(test, vmci_qpair_detach(&a), 0);
}

static void vmci_qpair_alloc_third_endpoint_is_ebusy(struct kunit *test)
{
	struct qp_pair *p = qp_pair_new(test, 64, 64);
	struct vmci_handle h = p->handle;
	struct vmci_qp *c = NULL;

	KUNIT_EXPECT_EQ(test, vmci_qpair_alloc(&c, &h, 64, 64, VMCI_INVALID_ID, LOCAL, 0),
			-EBUSY);
	/* Once one endpoint left, nobody can take its place. */
	KUNIT_ASSERT_EQ(test, vmci_qpair_detach(&p->b), 0);
	KUNIT_EXPECT_EQ(test, vmci_qpair_alloc(&c, &h, 64, 64, VMCI_INVALID_ID, LOCAL, 0),
			-EBUSY);
	KUNIT_EXPECT_NULL(test, c);
}

static void vmci_qpair_survives_peer_detach(struct kunit *test)
{
	struct qp_pair *p = qp_pair_new(test, 64, 64);
	char out[8];

	KUNIT_ASSERT_EQ(test, vmci_qpair_enqueue(p->b, "bye", 3, 0), 3);
	KUNIT_ASSERT_EQ(test, vmci_qpair_detach(&p->b), 0);
	/* The remaining endpoint drains what the peer left. */
	KUNIT_EXPECT_EQ(test, vmci_qpair_dequeue(p->a, out, sizeof(out), 0), 3);
	KUNIT_EXPECT_EQ(test, vmci_qpair_enqueue(p->a, "x", 1, 0), 1);
}

static void vmci_qpair_null_endpoint_is_einval(struct kunit *test)
{
	struct vmci_qp *none = NULL;
	struct vmci_handle h = VMCI_INVALID_HANDLE;
	u8 b;

	KUNIT_EXPECT_EQ(test, vmci_qpair_detach(NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, vmci_qpair_detach(&none), -EINVAL);
	KUNIT_EXPECT_EQ(test, vmci_qpair_alloc(NULL, &h, 64, 64, VMCI_INVALID_ID, LOCAL, 0),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, vmci_qpair_alloc(&none, NULL, 64, 64, VMCI_INVALID_ID, LOCAL,
					       0), -EINVAL);
	KUNIT_EXPECT_EQ(test, vmci_qpair_enqueue(NULL, &b, 1, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, vmci_qpair_dequeue(NULL, &b, 1, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, vmci_qpair_produce_free_space(NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, vmci_qpair_consume_buf_ready(NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, vmci_qpair_get_produce_indexes(NULL, NULL, NULL), -EINVAL);
}

static void vmci_qp_sizes_valid_limits(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, vmci_qp_sizes_valid(1, 1));
	KUNIT_EXPECT_TRUE(test, vmci_qp_sizes_valid(VMCI_MAX_GUEST_QP_MEMORY / 2,
						    VMCI_MAX_GUEST_QP_MEMORY / 2));
	KUNIT_EXPECT_FALSE(test, vmci_qp_sizes_valid(VMCI_MAX_GUEST_QP_MEMORY / 2 + 1,
						     VMCI_MAX_GUEST_QP_MEMORY / 2));
	KUNIT_EXPECT_FALSE(test, vmci_qp_sizes_valid(0, 1));
	KUNIT_EXPECT_FALSE(test, vmci_qp_sizes_valid(U64_MAX, U64_MAX));
	KUNIT_EXPECT_FALSE(test, vmci_qp_sizes_valid(1ULL << 63, 1ULL << 63));
}

/* A stream from one endpoint to the other across two CPUs. */
#define QP_STREAM_BYTES	(256 * 1024)

struct qp_stream {
	struct qp_pair *p;
	struct completion done;
	unsigned long deadline;
	size_t consumed;
	bool corrupt, timed_out;
};

static int qp_stream_reader(void *data)
{
	struct qp_stream *s = data;
	u8 buf[333];
	ssize_t n, i;

	while (s->consumed < QP_STREAM_BYTES) {
		n = vmci_qpair_dequeue(s->p->b, buf, sizeof(buf), 0);
		if (n <= 0) {
			if (time_after(jiffies, s->deadline)) {
				s->timed_out = true;
				break;
			}
			cond_resched();
			continue;
		}
		for (i = 0; i < n; i++)
			s->corrupt |= buf[i] != (u8)((s->consumed + i) % 253);
		s->consumed += n;
	}
	complete(&s->done);
	return 0;
}

static void vmci_qpair_stream_two_cpus(struct kunit *test)
{
	struct qp_stream *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	size_t produced = 0, i;
	struct task_struct *t;
	u8 buf[777];
	ssize_t n;

	KUNIT_ASSERT_NOT_NULL(test, s);
	s->p = qp_pair_new(test, 3 * PAGE_SIZE + 3, 64);
	s->deadline = jiffies + 60 * HZ;
	init_completion(&s->done);
	t = kthread_create(qp_stream_reader, s, "vmci-qp-reader");
	KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	kthread_bind(t, num_online_cpus() > 1 ? 1 : 0);
	wake_up_process(t);
	while (produced < QP_STREAM_BYTES && !time_after(jiffies, s->deadline)) {
		size_t len = min_t(size_t, sizeof(buf), QP_STREAM_BYTES - produced);

		for (i = 0; i < len; i++)
			buf[i] = (u8)((produced + i) % 253);
		n = vmci_qpair_enqueue(s->p->a, buf, len, 0);
		if (n > 0)
			produced += n;
		else
			cond_resched();
	}
	wait_for_completion(&s->done);
	KUNIT_EXPECT_EQ(test, produced, QP_STREAM_BYTES);
	KUNIT_EXPECT_EQ(test, s->consumed, QP_STREAM_BYTES);
	KUNIT_EXPECT_FALSE(test, s->corrupt);
	KUNIT_EXPECT_FALSE(test, s->timed_out);
}

static struct kunit_case vmci_qpair_cases[] = {
	KUNIT_CASE(vmci_qpair_alloc_local_attach_sends_events),
	KUNIT_CASE(vmci_qpair_alloc_creator_alone_gets_no_event),
	KUNIT_CASE(vmci_qpair_enqueue_dequeue_both_ways),
	KUNIT_CASE(vmci_qpair_indexes_track_wrap),
	KUNIT_CASE(vmci_qpair_enquev_dequev_use_msg_iter),
	KUNIT_CASE(vmci_qpair_enqueue_full_is_eagain),
	KUNIT_CASE_PARAM(vmci_qpair_alloc_hostile_args_fail, qp_bad_gen_params),
	KUNIT_CASE(vmci_qpair_alloc_attach_mismatch_fails),
	KUNIT_CASE(vmci_qpair_alloc_third_endpoint_is_ebusy),
	KUNIT_CASE(vmci_qpair_survives_peer_detach),
	KUNIT_CASE(vmci_qpair_null_endpoint_is_einval),
	KUNIT_CASE(vmci_qp_sizes_valid_limits),
	KUNIT_CASE_SLOW(vmci_qpair_stream_two_cpus),
	{}
};

static struct kunit_suite vmci_qpair_suite = {
	.name = "vmci_qpair",
	.init = qp_suite_init,
	.test_cases = vmci_qpair_cases,
};

kunit_test_suite(vmci_qpair_suite);

MODULE_DESCRIPTION("KUnit tests for VMCI queue pairs");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
VV_IMPORT_NS();
