// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the queue-pair ring engine (vmci/queue.c): free-space and
 * ready-bytes math at every wrap-around position, copies across the
 * ring end and page boundaries, hostile offsets in the shared header,
 * and one producer and one consumer running on two CPUs.
 *
 * Two queues P and C form a pair: endpoint A produces into P and
 * consumes from C, endpoint B the reverse. A's calls take (P, C),
 * B's take (C, P).
 */
#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/uio.h>
#include <vv_compat.h>

#include "../../vmci/vmci_core.h"

struct ring_math_case {
	u64 tail, head, size;
	s64 free, ready;
};

static const struct ring_math_case ring_math_cases[] = {
	{ 0, 0, 16, 15, 0 },			/* empty at start */
	{ 7, 7, 16, 15, 0 },			/* empty in the middle */
	{ 15, 15, 16, 15, 0 },			/* empty at the last byte */
	{ 10, 3, 16, 8, 7 },			/* tail ahead of head */
	{ 15, 0, 16, 0, 15 },			/* full, no wrap */
	{ 4, 5, 16, 0, 15 },			/* full, wrapped */
	{ 2, 10, 16, 7, 8 },			/* tail wrapped behind head */
	{ 0, 15, 16, 14, 1 },			/* one byte across the end */
	{ 0, 0, 1, 0, 0 },			/* one-byte ring holds nothing */
	{ 1, 0, 2, 0, 1 },			/* two-byte ring, full */
	{ 0, 1, 1 << 20, 0, (1 << 20) - 1 },	/* large ring, full */
	{ 16, 0, 16, VMCI_ERROR_INVALID_SIZE, VMCI_ERROR_INVALID_SIZE },
	{ 0, 16, 16, VMCI_ERROR_INVALID_SIZE, VMCI_ERROR_INVALID_SIZE },
	{ U64_MAX, U64_MAX, 16, VMCI_ERROR_INVALID_SIZE, VMCI_ERROR_INVALID_SIZE },
	{ 0, 0, 0, VMCI_ERROR_INVALID_SIZE, VMCI_ERROR_INVALID_SIZE },
};

static void ring_math_desc(const struct ring_math_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "tail %llu head %llu size %llu",
		 c->tail, c->head, c->size);
}

KUNIT_ARRAY_PARAM(ring_math, ring_math_cases, ring_math_desc);

static void vmci_ring_free_space_matches_table(struct kunit *test)
{
	const struct ring_math_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, vmci_ring_free_space(c->tail, c->head, c->size), c->free);
	KUNIT_EXPECT_EQ(test, vmci_ring_buf_ready(c->tail, c->head, c->size), c->ready);
}

static void vmci_ring_free_space_plus_ready_is_size_minus_one(struct kunit *test)
{
	const u64 size = 13;
	u64 t, h;

	for (t = 0; t < size; t++)
		for (h = 0; h < size; h++)
			KUNIT_ASSERT_EQ(test, vmci_ring_free_space(t, h, size) +
					vmci_ring_buf_ready(t, h, size), size - 1);
}

static void vmci_ring_advance_wraps(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, vmci_ring_advance(0, 5, 16), 5);
	KUNIT_EXPECT_EQ(test, vmci_ring_advance(10, 5, 16), 15);
	KUNIT_EXPECT_EQ(test, vmci_ring_advance(10, 6, 16), 0);
	KUNIT_EXPECT_EQ(test, vmci_ring_advance(10, 7, 16), 1);
	KUNIT_EXPECT_EQ(test, vmci_ring_advance(15, 16, 16), 15);
	KUNIT_EXPECT_EQ(test, vmci_ring_advance(3, 0, 16), 3);
	/* No overflow near the top of the u64 range. */
	KUNIT_EXPECT_EQ(test, vmci_ring_advance(U64_MAX - 1, 5, U64_MAX), 4);
}

struct ring_pair {
	struct vmci_queue *p, *c;
};

static void ring_pair_free(void *data)
{
	struct ring_pair *rp = data;

	vmci_queue_free(rp->p);
	vmci_queue_free(rp->c);
}

static struct ring_pair *ring_pair_new(struct kunit *test, u64 psize, u64 csize)
{
	struct ring_pair *rp = kunit_kzalloc(test, sizeof(*rp), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, rp);
	rp->p = vmci_queue_alloc(psize, vmci_make_handle(2, 1));
	rp->c = vmci_queue_alloc(csize, vmci_make_handle(2, 1));
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, ring_pair_free, rp), 0);
	KUNIT_ASSERT_NOT_NULL(test, rp->p);
	KUNIT_ASSERT_NOT_NULL(test, rp->c);
	return rp;
}

/* Endpoint A writes @len bytes of @buf into P. */
static ssize_t a_enqueue(struct ring_pair *rp, const void *buf, size_t len)
{
	struct kvec kv = { .iov_base = (void *)buf, .iov_len = len };
	struct iov_iter it;

	iov_iter_kvec(&it, ITER_SOURCE, &kv, 1, len);
	return vmci_queue_enqueue(rp->p, rp->c, &it, len);
}

/* Endpoint B reads up to @len bytes from P (its consume queue). */
static ssize_t b_dequeue(struct ring_pair *rp, void *buf, size_t len, bool consume)
{
	struct kvec kv = { .iov_base = buf, .iov_len = len };
	struct iov_iter it;

	iov_iter_kvec(&it, ITER_DEST, &kv, 1, len);
	return vmci_queue_dequeue(rp->c, rp->p, &it, len, consume);
}

/* Make P empty with both offsets at @pos. */
static void ring_park(struct ring_pair *rp, u64 pos)
{
	rp->p->q_header->producer_tail = pos;
	rp->c->q_header->consumer_head = pos;
}

static void vmci_queue_alloc_rejects_bad_sizes(struct kunit *test)
{
	KUNIT_EXPECT_NULL(test, vmci_queue_alloc(0, VMCI_INVALID_HANDLE));
	KUNIT_EXPECT_NULL(test, vmci_queue_alloc(VMCI_MAX_GUEST_QP_MEMORY + 1,
						 VMCI_INVALID_HANDLE));
	KUNIT_EXPECT_NULL(test, vmci_queue_alloc(U64_MAX, VMCI_INVALID_HANDLE));
}

static void vmci_queue_alloc_writes_header(struct kunit *test)
{
	struct ring_pair *rp = ring_pair_new(test, 3 * PAGE_SIZE + 1, 10);

	KUNIT_EXPECT_EQ(test, rp->p->num_pages, 4);
	KUNIT_EXPECT_EQ(test, rp->c->num_pages, 1);
	KUNIT_EXPECT_TRUE(test, vmci_handle_is_equal(rp->p->q_header->handle,
						     vmci_make_handle(2, 1)));
	KUNIT_EXPECT_EQ(test, rp->p->q_header->producer_tail, 0);
	KUNIT_EXPECT_EQ(test, vmci_queue_free_space(rp->p, rp->c), 3 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, vmci_queue_buf_ready(rp->p, rp->c), 0);
}

/* Ring start offsets: both ends, both sides of a page boundary. */
static const u64 ring_wrap_starts[] = {
	0, 1, PAGE_SIZE - 1, PAGE_SIZE, PAGE_SIZE + 1,
	2 * PAGE_SIZE + 2, 2 * PAGE_SIZE + 3, 2 * PAGE_SIZE + 4,
};

#define RING_WRAP_SIZE (2 * PAGE_SIZE + 5)

static void ring_wrap_desc(const u64 *start, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "start %llu of %lu", *start,
		 RING_WRAP_SIZE);
}

KUNIT_ARRAY_PARAM(ring_wrap, ring_wrap_starts, ring_wrap_desc);

static void vmci_queue_enqueue_dequeue_across_wrap(struct kunit *test)
{
	const u64 start = *(const u64 *)test->param_value;
	const size_t lens[] = { 1, 7, PAGE_SIZE, RING_WRAP_SIZE - 1 };
	struct ring_pair *rp = ring_pair_new(test, RING_WRAP_SIZE, 64);
	u8 *in = kunit_kmalloc(test, RING_WRAP_SIZE, GFP_KERNEL);
	u8 *out = kunit_kmalloc(test, RING_WRAP_SIZE, GFP_KERNEL);
	size_t i, k;

	KUNIT_ASSERT_NOT_NULL(test, in);
	KUNIT_ASSERT_NOT_NULL(test, out);
	for (k = 0; k < ARRAY_SIZE(lens); k++) {
		for (i = 0; i < lens[k]; i++)
			in[i] = (u8)(i * 31 + k + start);
		ring_park(rp, start);
		KUNIT_ASSERT_EQ(test, a_enqueue(rp, in, lens[k]), lens[k]);
		KUNIT_EXPECT_EQ(test, rp->p->q_header->producer_tail,
				(start + lens[k]) % RING_WRAP_SIZE);
		KUNIT_EXPECT_EQ(test, vmci_queue_buf_ready(rp->p, rp->c), lens[k]);
		memset(out, 0, lens[k]);
		KUNIT_ASSERT_EQ(test, b_dequeue(rp, out, lens[k], true), lens[k]);
		KUNIT_EXPECT_EQ(test, memcmp(in, out, lens[k]), 0);
		KUNIT_EXPECT_EQ(test, rp->c->q_header->consumer_head,
				rp->p->q_header->producer_tail);
	}
}

static void vmci_queue_enqueue_stops_when_full(struct kunit *test)
{
	struct ring_pair *rp = ring_pair_new(test, 100, 100);
	u8 buf[128] = { 0 };

	ring_park(rp, 90);
	KUNIT_EXPECT_EQ(test, a_enqueue(rp, buf, sizeof(buf)), 99);
	KUNIT_EXPECT_EQ(test, a_enqueue(rp, buf, 1), VMCI_ERROR_QUEUEPAIR_NOSPACE);
	KUNIT_EXPECT_EQ(test, vmci_queue_free_space(rp->p, rp->c), 0);
	KUNIT_EXPECT_EQ(test, b_dequeue(rp, buf, 10, true), 10);
	KUNIT_EXPECT_EQ(test, a_enqueue(rp, buf, sizeof(buf)), 10);
}

static void vmci_queue_dequeue_empty_is_nodata(struct kunit *test)
{
	struct ring_pair *rp = ring_pair_new(test, 100, 100);
	u8 buf[8];

	KUNIT_EXPECT_EQ(test, b_dequeue(rp, buf, sizeof(buf), true),
			VMCI_ERROR_QUEUEPAIR_NODATA);
	KUNIT_EXPECT_EQ(test, a_enqueue(rp, buf, 0), 0);
	KUNIT_EXPECT_EQ(test, vmci_queue_buf_ready(rp->p, rp->c), 0);
}

static void vmci_queue_peek_leaves_data(struct kunit *test)
{
	struct ring_pair *rp = ring_pair_new(test, 100, 100);
	u8 out[4] = { 0 };

	ring_park(rp, 98);
	KUNIT_ASSERT_EQ(test, a_enqueue(rp, "wxyz", 4), 4);
	KUNIT_EXPECT_EQ(test, b_dequeue(rp, out, 4, false), 4);
	KUNIT_EXPECT_EQ(test, memcmp(out, "wxyz", 4), 0);
	KUNIT_EXPECT_EQ(test, vmci_queue_buf_ready(rp->p, rp->c), 4);
	KUNIT_EXPECT_EQ(test, b_dequeue(rp, out, 2, true), 2);
	KUNIT_EXPECT_EQ(test, b_dequeue(rp, out, 4, true), 2);
	KUNIT_EXPECT_EQ(test, memcmp(out, "yz", 2), 0);
}

static void vmci_queue_hostile_offsets_are_errors(struct kunit *test)
{
	struct ring_pair *rp = ring_pair_new(test, 100, 100);
	u8 buf[8] = { 0 };

	rp->p->q_header->producer_tail = 100;
	KUNIT_EXPECT_EQ(test, a_enqueue(rp, buf, 8), VMCI_ERROR_INVALID_SIZE);
	KUNIT_EXPECT_EQ(test, b_dequeue(rp, buf, 8, true), VMCI_ERROR_INVALID_SIZE);
	KUNIT_EXPECT_EQ(test, vmci_queue_free_space(rp->p, rp->c), VMCI_ERROR_INVALID_SIZE);
	rp->p->q_header->producer_tail = 0;
	rp->c->q_header->consumer_head = U64_MAX;
	KUNIT_EXPECT_EQ(test, a_enqueue(rp, buf, 8), VMCI_ERROR_INVALID_SIZE);
	KUNIT_EXPECT_EQ(test, vmci_queue_buf_ready(rp->p, rp->c), VMCI_ERROR_INVALID_SIZE);
}

/* One producer and one consumer on different CPUs. */
#define RING_STREAM_BYTES	(512 * 1024)
#define RING_STREAM_SIZE	(PAGE_SIZE + 17)

struct ring_stream {
	struct ring_pair *rp;
	struct completion done[2];
	unsigned long deadline;
	size_t produced, consumed;
	bool corrupt, timed_out;
};

static int ring_producer(void *data)
{
	struct ring_stream *s = data;
	u8 buf[509];
	ssize_t n;
	size_t i;

	while (s->produced < RING_STREAM_BYTES && !s->timed_out) {
		size_t len = min_t(size_t, sizeof(buf), RING_STREAM_BYTES - s->produced);

		for (i = 0; i < len; i++)
			buf[i] = (u8)((s->produced + i) % 251);
		n = a_enqueue(s->rp, buf, len);
		if (n > 0)
			s->produced += n;
		else if (time_after(jiffies, s->deadline))
			s->timed_out = true;
		else
			cond_resched();
	}
	complete(&s->done[0]);
	return 0;
}

static int ring_consumer(void *data)
{
	struct ring_stream *s = data;
	u8 buf[401];
	ssize_t n, i;

	while (s->consumed < RING_STREAM_BYTES && !s->timed_out) {
		n = b_dequeue(s->rp, buf, sizeof(buf), true);
		if (n <= 0) {
			if (time_after(jiffies, s->deadline))
				s->timed_out = true;
			cond_resched();
			continue;
		}
		for (i = 0; i < n; i++)
			if (buf[i] != (u8)((s->consumed + i) % 251))
				s->corrupt = true;
		s->consumed += n;
	}
	complete(&s->done[1]);
	return 0;
}

static void vmci_queue_stream_two_cpus_keeps_order(struct kunit *test)
{
	struct ring_stream *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	struct task_struct *t[2];
	int cpu_b;

	KUNIT_ASSERT_NOT_NULL(test, s);
	s->rp = ring_pair_new(test, RING_STREAM_SIZE, 64);
	s->deadline = jiffies + 60 * HZ;
	init_completion(&s->done[0]);
	init_completion(&s->done[1]);
	t[0] = kthread_create(ring_producer, s, "vmci-ring-p");
	KUNIT_ASSERT_FALSE(test, IS_ERR(t[0]));
	t[1] = kthread_create(ring_consumer, s, "vmci-ring-c");
	if (IS_ERR(t[1])) {
		kthread_stop(t[0]);
		KUNIT_FAIL(test, "kthread_create");
		return;
	}
	cpu_b = num_online_cpus() > 1 ? 1 : 0;
	kthread_bind(t[0], 0);
	kthread_bind(t[1], cpu_b);
	wake_up_process(t[0]);
	wake_up_process(t[1]);
	wait_for_completion(&s->done[0]);
	wait_for_completion(&s->done[1]);

	KUNIT_EXPECT_FALSE(test, s->timed_out);
	KUNIT_EXPECT_FALSE(test, s->corrupt);
	KUNIT_EXPECT_EQ(test, s->produced, RING_STREAM_BYTES);
	KUNIT_EXPECT_EQ(test, s->consumed, RING_STREAM_BYTES);
	KUNIT_EXPECT_EQ(test, vmci_queue_buf_ready(s->rp->p, s->rp->c), 0);
}

static struct kunit_case vmci_ring_cases[] = {
	KUNIT_CASE_PARAM(vmci_ring_free_space_matches_table, ring_math_gen_params),
	KUNIT_CASE(vmci_ring_free_space_plus_ready_is_size_minus_one),
	KUNIT_CASE(vmci_ring_advance_wraps),
	KUNIT_CASE(vmci_queue_alloc_rejects_bad_sizes),
	KUNIT_CASE(vmci_queue_alloc_writes_header),
	KUNIT_CASE_PARAM(vmci_queue_enqueue_dequeue_across_wrap, ring_wrap_gen_params),
	KUNIT_CASE(vmci_queue_enqueue_stops_when_full),
	KUNIT_CASE(vmci_queue_dequeue_empty_is_nodata),
	KUNIT_CASE(vmci_queue_peek_leaves_data),
	KUNIT_CASE(vmci_queue_hostile_offsets_are_errors),
	KUNIT_CASE_SLOW(vmci_queue_stream_two_cpus_keeps_order),
	{}
};

static struct kunit_suite vmci_ring_suite = {
	.name = "vmci_ring",
	.test_cases = vmci_ring_cases,
};

kunit_test_suite(vmci_ring_suite);

MODULE_DESCRIPTION("KUnit tests for the VMCI queue-pair ring engine");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
