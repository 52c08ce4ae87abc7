// SPDX-License-Identifier: GPL-2.0
/*
 * The queue-pair kernel API: endpoints, and the ring operations on them.
 *
 * An endpoint is what vmci_qpair_alloc() returns: a broker attachment,
 * which holds both queues (and so their sizes). The ring operations are
 * lockless (see queue.c): at most one enqueuer and one dequeuer per
 * endpoint at a time, which the caller guarantees (vsock holds the
 * socket lock), while the size queries may run anywhere, concurrently
 * with both.
 *
 * Queue pairs with a peer outside this kernel go through the broker on
 * the host; in a guest, through the hypervisor (guest_qp.c), with the
 * guest's own pages.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>
#include <linux/socket.h>
#include <linux/uio.h>
#include <vv_compat.h>

#include "vmci_core.h"

struct vmci_qp {
	struct vmci_qp_endpoint ep;
	bool guest;	/* a pair with the hypervisor (guest_qp.c) */
};

/* At unload, for an endpoint its client never detached. */
static void qp_release_leaked(struct vmci_qp_endpoint *ep)
{
	kfree(container_of(ep, struct vmci_qp, ep));
}

int vmci_qpair_alloc(struct vmci_qp **qpair, struct vmci_handle *handle,
		     u64 produce_qsize, u64 consume_qsize, u32 peer,
		     u32 flags, u32 priv_flags)
{
	u32 cid = vmci_get_context_id();
	struct vmci_qp *qp;
	int ret;

	if (!qpair || !handle)
		return -EINVAL;
	if (cid == VMCI_INVALID_ID)
		return -ENODEV;

	qp = kzalloc(sizeof(*qp), GFP_KERNEL);
	if (!qp)
		return -ENOMEM;
	qp->ep.release = qp_release_leaked;
	if (!(flags & VMCI_QPFLAG_LOCAL) && vmci_guest_active()) {
		/* In a guest, a pair with anyone but ourselves. */
		qp->guest = true;
		ret = vmci_guest_qp_alloc(handle, produce_qsize, consume_qsize,
					  peer, flags, &qp->ep);
		if (ret) {
			kfree(qp);
			return ret;
		}
		*qpair = qp;
		return 0;
	}
	ret = vmci_qp_broker_alloc(handle, peer, flags, priv_flags,
				   produce_qsize, consume_qsize, cid, &qp->ep);
	if (ret < VMCI_SUCCESS) {
		kfree(qp);
		return vmci_status_to_errno(ret);
	}
	*qpair = qp;
	return 0;
}
EXPORT_SYMBOL_VV(vmci_qpair_alloc);

int vmci_qpair_detach(struct vmci_qp **qpair)
{
	if (!qpair || !*qpair)
		return -EINVAL;
	if ((*qpair)->guest)
		vmci_guest_qp_detach(&(*qpair)->ep);
	else
		vmci_qp_broker_detach(&(*qpair)->ep);
	kfree(*qpair);
	*qpair = NULL;
	return 0;
}
EXPORT_SYMBOL_VV(vmci_qpair_detach);

static int qp_indexes(const struct vmci_queue *q, const struct vmci_queue *h,
		      u64 *tail, u64 *head)
{
	u64 t = READ_ONCE(q->q_header->producer_tail);
	u64 hd = READ_ONCE(h->q_header->consumer_head);

	if (t >= q->size || hd >= q->size)
		return -EINVAL;
	if (tail)
		*tail = t;
	if (head)
		*head = hd;
	return 0;
}

int vmci_qpair_get_produce_indexes(const struct vmci_qp *qpair,
				   u64 *producer_tail, u64 *consumer_head)
{
	if (!qpair)
		return -EINVAL;
	return qp_indexes(qpair->ep.produce_q, qpair->ep.consume_q,
			  producer_tail, consumer_head);
}
EXPORT_SYMBOL_VV(vmci_qpair_get_produce_indexes);

int vmci_qpair_get_consume_indexes(const struct vmci_qp *qpair,
				   u64 *consumer_tail, u64 *producer_head)
{
	if (!qpair)
		return -EINVAL;
	return qp_indexes(qpair->ep.consume_q, qpair->ep.produce_q,
			  consumer_tail, producer_head);
}
EXPORT_SYMBOL_VV(vmci_qpair_get_consume_indexes);

static s64 qp_result(s64 ret)
{
	return ret < VMCI_SUCCESS ? vmci_status_to_errno(ret) : ret;
}

s64 vmci_qpair_produce_free_space(const struct vmci_qp *qpair)
{
	if (!qpair)
		return -EINVAL;
	return qp_result(vmci_queue_free_space(qpair->ep.produce_q,
					       qpair->ep.consume_q));
}
EXPORT_SYMBOL_VV(vmci_qpair_produce_free_space);

s64 vmci_qpair_produce_buf_ready(const struct vmci_qp *qpair)
{
	if (!qpair)
		return -EINVAL;
	/* The produce queue as its reader, the peer, sees it. */
	return qp_result(vmci_queue_buf_ready(qpair->ep.produce_q,
					      qpair->ep.consume_q));
}
EXPORT_SYMBOL_VV(vmci_qpair_produce_buf_ready);

s64 vmci_qpair_consume_free_space(const struct vmci_qp *qpair)
{
	if (!qpair)
		return -EINVAL;
	return qp_result(vmci_queue_free_space(qpair->ep.consume_q,
					       qpair->ep.produce_q));
}
EXPORT_SYMBOL_VV(vmci_qpair_consume_free_space);

s64 vmci_qpair_consume_buf_ready(const struct vmci_qp *qpair)
{
	if (!qpair)
		return -EINVAL;
	return qp_result(vmci_queue_buf_ready(qpair->ep.consume_q,
					      qpair->ep.produce_q));
}
EXPORT_SYMBOL_VV(vmci_qpair_consume_buf_ready);

static ssize_t qp_enqueue(struct vmci_qp *qpair, struct iov_iter *from,
			  size_t len)
{
	if (!qpair)
		return -EINVAL;
	return qp_result(vmci_queue_enqueue(qpair->ep.produce_q,
					    qpair->ep.consume_q, from, len));
}

static ssize_t qp_dequeue(struct vmci_qp *qpair, struct iov_iter *to,
			  size_t len, bool consume)
{
	if (!qpair)
		return -EINVAL;
	return qp_result(vmci_queue_dequeue(qpair->ep.produce_q,
					    qpair->ep.consume_q, to, len,
					    consume));
}

ssize_t vmci_qpair_enqueue(struct vmci_qp *qpair, const void *buf,
			   size_t buf_size, int mode)
{
	struct kvec kv = { .iov_base = (void *)buf, .iov_len = buf_size };
	struct iov_iter from;

	if (!buf && buf_size)
		return -EINVAL;
	iov_iter_kvec(&from, ITER_SOURCE, &kv, 1, buf_size);
	return qp_enqueue(qpair, &from, buf_size);
}
EXPORT_SYMBOL_VV(vmci_qpair_enqueue);

static ssize_t qp_dequeue_buf(struct vmci_qp *qpair, void *buf,
			      size_t buf_size, bool consume)
{
	struct kvec kv = { .iov_base = buf, .iov_len = buf_size };
	struct iov_iter to;

	if (!buf && buf_size)
		return -EINVAL;
	iov_iter_kvec(&to, ITER_DEST, &kv, 1, buf_size);
	return qp_dequeue(qpair, &to, buf_size, consume);
}

ssize_t vmci_qpair_dequeue(struct vmci_qp *qpair, void *buf, size_t buf_size,
			   int mode)
{
	return qp_dequeue_buf(qpair, buf, buf_size, true);
}
EXPORT_SYMBOL_VV(vmci_qpair_dequeue);

ssize_t vmci_qpair_peek(struct vmci_qp *qpair, void *buf, size_t buf_size,
			int mode)
{
	return qp_dequeue_buf(qpair, buf, buf_size, false);
}
EXPORT_SYMBOL_VV(vmci_qpair_peek);

ssize_t vmci_qpair_enquev(struct vmci_qp *qpair, struct msghdr *msg,
			  size_t iov_size, int mode)
{
	if (!msg)
		return -EINVAL;
	return qp_enqueue(qpair, &msg->msg_iter, iov_size);
}
EXPORT_SYMBOL_VV(vmci_qpair_enquev);

ssize_t vmci_qpair_dequev(struct vmci_qp *qpair, struct msghdr *msg,
			  size_t iov_size, int mode)
{
	if (!msg)
		return -EINVAL;
	return qp_dequeue(qpair, &msg->msg_iter, iov_size, true);
}
EXPORT_SYMBOL_VV(vmci_qpair_dequev);

ssize_t vmci_qpair_peekv(struct vmci_qp *qpair, struct msghdr *msg,
			 size_t iov_size, int mode)
{
	if (!msg)
		return -EINVAL;
	return qp_dequeue(qpair, &msg->msg_iter, iov_size, false);
}
EXPORT_SYMBOL_VV(vmci_qpair_peekv);
