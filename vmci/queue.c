// SPDX-License-Identifier: GPL-2.0
/*
 * The queue-pair ring engine: one queue's memory, the free-space and
 * ready-bytes arithmetic, and the copies in and out.
 *
 * A queue is a header page followed by @size data bytes used as a ring.
 * In the header of the queue it produces into, an endpoint writes
 * producer_tail (next byte it writes) and consumer_head (next byte it
 * reads from its *consume* queue). So for a queue Q of size S:
 *
 *	tail = Q.header.producer_tail		(written by Q's producer)
 *	head = peer(Q).header.consumer_head	(written by Q's consumer)
 *	ready = (tail - head) mod S
 *	free  = S - 1 - ready			(one byte stays free so that
 *						 tail == head means empty)
 *
 * Both offsets live in memory the peer can write (another VM, or
 * another kernel thread), so they are read once per operation and
 * checked against S: out-of-range offsets are an error, never an
 * out-of-bounds access.
 *
 * Ordering. Each offset has one writer, and is published with
 * smp_store_release() after the data it covers, read with
 * smp_load_acquire() before the data it covers:
 *  - producer: copy data in, then release(tail); consumer:
 *    acquire(tail), then copy data out. The data is visible before the
 *    tail that announces it.
 *  - consumer: copy data out, then release(head); producer:
 *    acquire(head), then overwrite. Reads of old data complete before
 *    the space is handed back and rewritten.
 * The offsets are 64-bit, so this file assumes a 64-bit kernel, as the
 * VMCI device exists only on x86_64 and arm64.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/uio.h>
#include <linux/vmalloc.h>
#include <vv_compat.h>

#include "vmci_core.h"

/**
 * vmci_ring_free_space() - bytes a producer may write
 * @tail: producer tail
 * @head: consumer head
 * @size: ring size
 *
 * Return: free bytes, or VMCI_ERROR_INVALID_SIZE if an offset is out of
 * range (a corrupt or hostile peer).
 * Context: any context.
 */
s64 vmci_ring_free_space(u64 tail, u64 head, u64 size)
{
	if (tail >= size || head >= size) {
		pr_warn_ratelimited("queue offsets %llu/%llu out of range %llu\n",
				    tail, head, size);
		return VMCI_ERROR_INVALID_SIZE;
	}
	if (tail >= head)
		return size - (tail - head) - 1;
	return head - tail - 1;
}
EXPORT_SYMBOL_IF_KUNIT(vmci_ring_free_space);

/**
 * vmci_ring_buf_ready() - bytes a consumer may read
 * @tail: producer tail
 * @head: consumer head
 * @size: ring size
 *
 * Return: bytes ready, or VMCI_ERROR_INVALID_SIZE.
 * Context: any context.
 */
s64 vmci_ring_buf_ready(u64 tail, u64 head, u64 size)
{
	s64 free = vmci_ring_free_space(tail, head, size);

	return free < 0 ? free : size - free - 1;
}
EXPORT_SYMBOL_IF_KUNIT(vmci_ring_buf_ready);

/**
 * vmci_ring_advance() - move an offset forward, wrapping at @size
 * @pos: offset in [0, @size)
 * @add: bytes, at most @size
 * @size: ring size
 *
 * Return: (@pos + @add) mod @size, without overflow.
 * Context: any context.
 */
u64 vmci_ring_advance(u64 pos, u64 add, u64 size)
{
	return pos >= size - add ? pos - (size - add) : pos + add;
}
EXPORT_SYMBOL_IF_KUNIT(vmci_ring_advance);

static u64 q_tail(const struct vmci_queue *q)
{
	/* Pairs with the producer's release in vmci_queue_enqueue(). */
	return smp_load_acquire(&q->q_header->producer_tail);
}

static u64 q_head(const struct vmci_queue *q)
{
	/* Pairs with the consumer's release in vmci_queue_dequeue(). */
	return smp_load_acquire(&q->q_header->consumer_head);
}

/**
 * vmci_queue_free_space() - free bytes in an endpoint's produce queue
 * @produce_q: the endpoint's produce queue
 * @consume_q: its consume queue, whose header holds the peer's head
 *
 * Return: bytes, or VMCI_ERROR_INVALID_SIZE.
 * Context: any context.
 */
s64 vmci_queue_free_space(const struct vmci_queue *produce_q,
			  const struct vmci_queue *consume_q)
{
	return vmci_ring_free_space(q_tail(produce_q), q_head(consume_q),
				    produce_q->size);
}
EXPORT_SYMBOL_IF_KUNIT(vmci_queue_free_space);

/**
 * vmci_queue_buf_ready() - ready bytes in an endpoint's consume queue
 * @consume_q: the endpoint's consume queue
 * @produce_q: its produce queue, whose header holds its own head
 *
 * Return: bytes, or VMCI_ERROR_INVALID_SIZE.
 * Context: any context.
 */
s64 vmci_queue_buf_ready(const struct vmci_queue *consume_q,
			 const struct vmci_queue *produce_q)
{
	return vmci_ring_buf_ready(q_tail(consume_q), q_head(produce_q),
				   consume_q->size);
}
EXPORT_SYMBOL_IF_KUNIT(vmci_queue_buf_ready);

/* Copy @len bytes between @iter and @q at @offset, no wrap. */
static size_t q_copy(const struct vmci_queue *q, u64 offset,
		     struct iov_iter *iter, size_t len, bool to_queue)
{
	size_t done = 0;

	while (done < len) {
		u64 pos = offset + done;
		size_t in_page = offset_in_page(pos);
		size_t chunk = min_t(size_t, len - done, PAGE_SIZE - in_page);
		void *va = q->pages[pos >> PAGE_SHIFT] + in_page;
		size_t copied;

		copied = to_queue ? copy_from_iter(va, chunk, iter) :
				    copy_to_iter(va, chunk, iter);
		done += copied;
		if (copied != chunk)
			break;
	}
	return done;
}

/* Copy up to @len bytes at ring offset @pos, wrapping once. */
static size_t q_copy_ring(const struct vmci_queue *q, u64 pos,
			  struct iov_iter *iter, size_t len, bool to_queue)
{
	size_t first = min_t(u64, len, q->size - pos);
	size_t done = q_copy(q, pos, iter, first, to_queue);

	if (done == first && len > first)
		done += q_copy(q, 0, iter, len - first, to_queue);
	return done;
}

/**
 * vmci_queue_enqueue() - copy from @from into an endpoint's produce queue
 * @produce_q: the queue written
 * @consume_q: the endpoint's consume queue (holds the peer's head)
 * @from: source
 * @len: bytes wanted
 *
 * Return: bytes written; VMCI_ERROR_QUEUEPAIR_NOSPACE if full;
 * VMCI_ERROR_INVALID_SIZE for corrupt offsets; VMCI_ERROR_INVALID_ARGS
 * if nothing could be read from @from.
 * Context: any context; the caller serializes producers.
 */
ssize_t vmci_queue_enqueue(struct vmci_queue *produce_q,
			   const struct vmci_queue *consume_q,
			   struct iov_iter *from, size_t len)
{
	u64 tail = q_tail(produce_q);
	s64 free = vmci_ring_free_space(tail, q_head(consume_q),
					produce_q->size);
	size_t n;

	if (free < 0)
		return free;
	if (free == 0)
		return VMCI_ERROR_QUEUEPAIR_NOSPACE;
	n = q_copy_ring(produce_q, tail, from, min_t(u64, len, free), true);
	if (n == 0 && len)
		return VMCI_ERROR_INVALID_ARGS;
	/* Pairs with the consumer's acquire in q_tail(): data before tail. */
	smp_store_release(&produce_q->q_header->producer_tail,
			  vmci_ring_advance(tail, n, produce_q->size));
	return n;
}
EXPORT_SYMBOL_IF_KUNIT(vmci_queue_enqueue);

/**
 * vmci_queue_dequeue() - copy from an endpoint's consume queue to @to
 * @produce_q: the endpoint's produce queue (holds its consumer head)
 * @consume_q: the queue read
 * @to: destination
 * @len: bytes wanted
 * @consume: advance the head (dequeue) or not (peek)
 *
 * Return: bytes read; VMCI_ERROR_QUEUEPAIR_NODATA if empty;
 * VMCI_ERROR_INVALID_SIZE; VMCI_ERROR_INVALID_ARGS if nothing could be
 * written to @to.
 * Context: any context; the caller serializes consumers.
 */
ssize_t vmci_queue_dequeue(struct vmci_queue *produce_q,
			   const struct vmci_queue *consume_q,
			   struct iov_iter *to, size_t len, bool consume)
{
	u64 head = q_head(produce_q);
	s64 ready = vmci_ring_buf_ready(q_tail(consume_q), head,
					consume_q->size);
	size_t n;

	if (ready < 0)
		return ready;
	if (ready == 0)
		return VMCI_ERROR_QUEUEPAIR_NODATA;
	n = q_copy_ring(consume_q, head, to, min_t(u64, len, ready), false);
	if (n == 0 && len)
		return VMCI_ERROR_INVALID_ARGS;
	if (!consume)
		return n;
	/* Pairs with the producer's acquire in q_head(): reads before reuse. */
	smp_store_release(&produce_q->q_header->consumer_head,
			  vmci_ring_advance(head, n, consume_q->size));
	return n;
}
EXPORT_SYMBOL_IF_KUNIT(vmci_queue_dequeue);

/**
 * vmci_queue_alloc() - allocate a queue in kernel memory
 * @size: data bytes, 1 .. VMCI_MAX_GUEST_QP_MEMORY
 * @handle: queue pair handle written to the header
 *
 * Only the header page is zeroed. The data pages are not: both ends of a
 * local pair are this kernel, and a consumer reads only bytes its
 * producer wrote (below its published tail), so nothing stale is ever
 * read; zeroing them would be most of the cost of a connection (256 KiB
 * each way by default).
 *
 * Return: the queue, or NULL.
 * Context: process context, may sleep.
 */
struct vmci_queue *vmci_queue_alloc(u64 size, struct vmci_handle handle)
{
	size_t i, num_pages = DIV_ROUND_UP(size, PAGE_SIZE);
	struct vmci_queue *q;

	if (!size || size > VMCI_MAX_GUEST_QP_MEMORY)
		return NULL;
	q = kzalloc(sizeof(*q), GFP_KERNEL);
	if (!q)
		return NULL;
	q->pages = kvcalloc(num_pages, sizeof(*q->pages), GFP_KERNEL);
	q->mem = vmalloc((num_pages + 1) * PAGE_SIZE);
	if (!q->pages || !q->mem) {
		vmci_queue_free(q);
		return NULL;
	}
	memset(q->mem, 0, PAGE_SIZE);
	q->size = size;
	q->num_pages = num_pages;
	q->q_header = q->mem;
	for (i = 0; i < num_pages; i++)
		q->pages[i] = q->mem + (i + 1) * PAGE_SIZE;
	q->q_header->handle = handle;
	return q;
}
EXPORT_SYMBOL_IF_KUNIT(vmci_queue_alloc);

/**
 * vmci_queue_free() - free a queue from vmci_queue_alloc()
 * @q: the queue, or NULL
 *
 * Context: process context.
 */
void vmci_queue_free(struct vmci_queue *q)
{
	if (!q)
		return;
	vfree(q->mem);
	kvfree(q->pages);
	kfree(q);
}
EXPORT_SYMBOL_IF_KUNIT(vmci_queue_free);
