// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the hardware seam (include/vmci/vmci_hw.h, vmci/guest.c) with
 * a fake device: attaching brings up the guest personality with the
 * context ID the "hypervisor" gives, traffic for the hypervisor and the
 * host goes through the device ops, received datagrams and events are
 * delivered, doorbells are linked and rung through the device bitmap.
 */
#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <vv_compat.h>
#include <vmci/vmci_api.h>
#include <vmci/vmci_hw.h>

#include "../../vmci/vmci_core.h"

#define FAKE_CID	77

struct fake_dev {
	struct vmci_hw hw;
	u32 cid;
	int result;
	int sends;
	u32 last_rid;
	u32 last_dst_cid;
	struct vmci_handle last_handle;
	struct vmci_qp_alloc_msg last_alloc;
	u32 last_ppn0;
	u8 *bitmap;
};

static int fake_send(struct vmci_hw *hw, struct vmci_datagram *dg)
{
	struct fake_dev *f = container_of(hw, struct fake_dev, hw);

	f->sends++;
	f->last_rid = dg->dst.resource;
	f->last_dst_cid = dg->dst.context;
	if (dg->dst.context != VMCI_HYPERVISOR_CONTEXT_ID)
		return f->result;
	if (dg->dst.resource == VMCI_GET_CONTEXT_ID)
		return f->cid;
	if (dg->payload_size >= sizeof(struct vmci_handle))
		memcpy(&f->last_handle, vmci_dg_payload(dg), sizeof(f->last_handle));
	if (dg->dst.resource == VMCI_QUEUEPAIR_ALLOC &&
	    vmci_dg_size(dg) >= sizeof(f->last_alloc) + sizeof(u32)) {
		memcpy(&f->last_alloc, dg, sizeof(f->last_alloc));
		memcpy(&f->last_ppn0, (u8 *)dg + sizeof(f->last_alloc), sizeof(u32));
	}
	return f->result;
}

static const struct vmci_hw_ops fake_ops = {
	.send_datagram = fake_send,
};

static struct fake_dev *fake_new(struct kunit *test, u32 cid)
{
	struct fake_dev *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, f);
	f->bitmap = kunit_kzalloc(test, VMCI_MAX_GUEST_DOORBELL_COUNT, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, f->bitmap);
	f->hw.ops = &fake_ops;
	f->hw.caps = VMCI_CAPS_DATAGRAM | VMCI_CAPS_NOTIFICATIONS;
	f->hw.notify_bitmap = f->bitmap;
	f->cid = cid;
	return f;
}

static void fake_detach(void *data)
{
	vmci_guest_detach(data);
}

static struct fake_dev *fake_attach(struct kunit *test)
{
	struct fake_dev *f = fake_new(test, FAKE_CID);

	KUNIT_ASSERT_EQ(test, vmci_guest_attach(&f->hw), 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, fake_detach, &f->hw), 0);
	return f;
}

static int guest_suite_init(struct kunit *test)
{
	if (vmci_guest_active())
		kunit_skip(test, "a real guest device is attached");
	return 0;
}

static void vmci_guest_attach_sets_context_id(struct kunit *test)
{
	struct fake_dev *f = fake_attach(test);

	KUNIT_EXPECT_TRUE(test, vmci_guest_active());
	KUNIT_EXPECT_EQ(test, vmci_get_context_id(), FAKE_CID);
	KUNIT_EXPECT_EQ(test, f->last_rid, VMCI_GET_CONTEXT_ID);
	vmci_guest_detach(&f->hw);
	KUNIT_EXPECT_FALSE(test, vmci_guest_active());
	KUNIT_EXPECT_NE(test, vmci_get_context_id(), FAKE_CID);
}

static void vmci_guest_attach_second_device_is_ebusy(struct kunit *test)
{
	struct fake_dev *other = fake_new(test, FAKE_CID + 1);

	fake_attach(test);
	KUNIT_EXPECT_EQ(test, vmci_guest_attach(&other->hw), -EBUSY);
	KUNIT_EXPECT_EQ(test, vmci_get_context_id(), FAKE_CID);
	KUNIT_EXPECT_EQ(test, other->sends, 0);
}

static void vmci_guest_attach_bad_context_id_is_eio(struct kunit *test)
{
	const u32 bad[] = { VMCI_HYPERVISOR_CONTEXT_ID, VMCI_HOST_CONTEXT_ID,
			    VMCI_INVALID_ID };
	int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		struct fake_dev *f = fake_new(test, bad[i]);

		KUNIT_EXPECT_EQ(test, vmci_guest_attach(&f->hw), -EIO);
		KUNIT_EXPECT_FALSE(test, vmci_guest_active());
	}
}

static void vmci_send_datagram_reaches_device(struct kunit *test)
{
	struct fake_dev *f = fake_attach(test);
	struct vmci_datagram dg = {
		.dst = { VMCI_HYPERVISOR_CONTEXT_ID, VMCI_RPC_PRIVILEGED },
		.src = VMCI_ANON_SRC_HANDLE,
	};

	f->result = 5;
	KUNIT_EXPECT_EQ(test, vmci_send_datagram(&dg), 5);
	KUNIT_EXPECT_EQ(test, f->last_rid, VMCI_RPC_PRIVILEGED);
	f->result = VMCI_ERROR_NO_ACCESS;
	KUNIT_EXPECT_EQ(test, vmci_send_datagram(&dg), -EPERM);
	KUNIT_EXPECT_EQ(test, vmci_send_datagram(NULL), -EINVAL);
}

static void vmci_datagram_send_to_host_goes_down(struct kunit *test)
{
	struct fake_dev *f = fake_attach(test);
	struct vmci_datagram dg = {
		.dst = { VMCI_HOST_CONTEXT_ID, 1 },
		.src = VMCI_ANON_SRC_HANDLE,
	};

	/* In a guest, context 2 is the machine below: out through the device. */
	KUNIT_EXPECT_EQ(test, vmci_datagram_send(&dg), sizeof(dg));
	KUNIT_EXPECT_EQ(test, f->last_dst_cid, VMCI_HOST_CONTEXT_ID);
	KUNIT_EXPECT_EQ(test, dg.src.context, FAKE_CID);
}

static int guest_recv(void *data, struct vmci_datagram *dg)
{
	(*(int *)data)++;
	return 0;
}

static void vmci_guest_receive_delivers_and_validates(struct kunit *test)
{
	struct vmci_handle h;
	struct {
		struct vmci_datagram hdr;
		u8 payload[8];
	} m = { };
	int got = 0;

	fake_attach(test);
	KUNIT_ASSERT_EQ(test, vmci_datagram_create_handle(VMCI_INVALID_ID, 0, guest_recv,
							  &got, &h), 0);
	KUNIT_EXPECT_EQ(test, h.context, FAKE_CID);
	m.hdr.dst = h;
	m.hdr.src = vmci_make_handle(VMCI_HOST_CONTEXT_ID, 1);
	m.hdr.payload_size = sizeof(m.payload);
	KUNIT_EXPECT_EQ(test, vmci_guest_receive(&m.hdr, sizeof(m)), 0);
	KUNIT_EXPECT_EQ(test, got, 1);
	/* Lengths that do not cover the header or the payload. */
	KUNIT_EXPECT_EQ(test, vmci_guest_receive(&m.hdr, sizeof(m) - 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, vmci_guest_receive(&m.hdr, 3), -EINVAL);
	m.hdr.payload_size = U64_MAX;
	KUNIT_EXPECT_EQ(test, vmci_guest_receive(&m.hdr, sizeof(m)), -EINVAL);
	m.hdr.payload_size = 0;
	m.hdr.dst.resource ^= 1;
	KUNIT_EXPECT_EQ(test, vmci_guest_receive(&m.hdr, sizeof(m)), -EHOSTUNREACH);
	KUNIT_EXPECT_EQ(test, got, 1);
	KUNIT_EXPECT_EQ(test, vmci_datagram_destroy_handle(h), 0);
}

static void vmci_guest_receive_ctx_update_changes_cid(struct kunit *test)
{
	struct vmci_event_ctx ev = {
		.msg.hdr.dst = { FAKE_CID, VMCI_EVENT_HANDLER },
		.msg.hdr.src = { VMCI_HYPERVISOR_CONTEXT_ID, VMCI_CONTEXT_RESOURCE_ID },
		.msg.hdr.payload_size = sizeof(ev) - sizeof(ev.msg.hdr),
		.msg.event_data.event = VMCI_EVENT_CTX_ID_UPDATE,
		.payload.context_id = 88,
	};

	fake_attach(test);
	KUNIT_EXPECT_EQ(test, vmci_guest_receive(&ev.msg.hdr, sizeof(ev)), 0);
	KUNIT_EXPECT_EQ(test, vmci_get_context_id(), 88);
	/* A truncated event changes nothing. */
	ev.payload.context_id = 99;
	ev.msg.hdr.payload_size = sizeof(struct vmci_event_data);
	KUNIT_EXPECT_EQ(test, vmci_guest_receive(&ev.msg.hdr, sizeof(ev)), -EINVAL);
	KUNIT_EXPECT_EQ(test, vmci_get_context_id(), 88);
}

static void vmci_guest_receive_ctx_update_to_reserved_id_is_ignored(struct kunit *test)
{
	const u32 bad[] = { VMCI_HYPERVISOR_CONTEXT_ID, VMCI_WELL_KNOWN_CONTEXT_ID,
			    VMCI_HOST_CONTEXT_ID, VMCI_INVALID_ID };
	struct vmci_event_ctx ev = {
		.msg.hdr.dst = { FAKE_CID, VMCI_EVENT_HANDLER },
		.msg.hdr.src = { VMCI_HYPERVISOR_CONTEXT_ID, VMCI_CONTEXT_RESOURCE_ID },
		.msg.hdr.payload_size = sizeof(ev) - sizeof(ev.msg.hdr),
		.msg.event_data.event = VMCI_EVENT_CTX_ID_UPDATE,
	};
	int i;

	fake_attach(test);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		ev.payload.context_id = bad[i];
		vmci_guest_receive(&ev.msg.hdr, sizeof(ev));
		KUNIT_EXPECT_EQ(test, vmci_get_context_id(), FAKE_CID);
	}
}

static void guest_db_cb(void *data)
{
	(*(int *)data)++;
}

static void vmci_guest_doorbell_links_and_rings_by_bitmap(struct kunit *test)
{
	struct fake_dev *f = fake_attach(test);
	struct vmci_handle h = VMCI_INVALID_HANDLE;
	int rung = 0, i, idx = -1;

	KUNIT_ASSERT_EQ(test, vmci_doorbell_create(&h, 0, 0, guest_db_cb, &rung), 0);
	KUNIT_EXPECT_EQ(test, f->last_rid, VMCI_DOORBELL_LINK);
	KUNIT_EXPECT_TRUE(test, vmci_handle_is_equal(f->last_handle, h));
	/* Find its index: ring each byte until it fires. */
	for (i = 0; i < VMCI_MAX_GUEST_DOORBELL_COUNT && !rung; i++) {
		f->bitmap[i] = 1;
		vmci_guest_notify();
		KUNIT_ASSERT_EQ(test, f->bitmap[i], 0);
		idx = i;
	}
	KUNIT_EXPECT_EQ(test, rung, 1);
	KUNIT_EXPECT_GE(test, idx, 0);
	/* Ringing a remote doorbell is a hypercall. */
	KUNIT_EXPECT_EQ(test, vmci_doorbell_notify(vmci_make_handle(VMCI_HOST_CONTEXT_ID,
								    4444), 0), 0);
	KUNIT_EXPECT_EQ(test, f->last_rid, VMCI_DOORBELL_NOTIFY);
	KUNIT_EXPECT_EQ(test, f->last_handle.resource, 4444);
	KUNIT_EXPECT_EQ(test, vmci_doorbell_destroy(h), 0);
	KUNIT_EXPECT_EQ(test, f->last_rid, VMCI_DOORBELL_UNLINK);
}

static void vmci_guest_doorbell_link_failure_fails_create(struct kunit *test)
{
	struct fake_dev *f = fake_attach(test);
	struct vmci_handle h = VMCI_INVALID_HANDLE;
	int rung = 0;

	f->result = VMCI_ERROR_NO_RESOURCES;
	KUNIT_EXPECT_EQ(test, vmci_doorbell_create(&h, 0, 0, guest_db_cb, &rung), -ENOBUFS);
	KUNIT_EXPECT_TRUE(test, vmci_handle_is_invalid(h));
}

/*
 * A handle of the host personality, made before the device came, keeps
 * context 2: what it sends to host endpoints stays here, never goes out
 * through the device (whose hypervisor would refuse the source).
 */
static void vmci_datagram_send_host_handle_stays_local(struct kunit *test)
{
	struct vmci_handle src, dst;
	struct vmci_datagram dg = {};
	int got = 0, sends, i;
	struct fake_dev *f;

	if (!vmci_host_active())
		kunit_skip(test, "needs the host personality");
	KUNIT_ASSERT_EQ(test, vmci_datagram_create_handle(VMCI_INVALID_ID, 0, guest_recv,
							  &got, &dst), 0);
	KUNIT_ASSERT_EQ(test, vmci_datagram_create_handle(VMCI_INVALID_ID, 0, guest_recv,
							  &got, &src), 0);
	KUNIT_EXPECT_EQ(test, src.context, VMCI_HOST_CONTEXT_ID);
	f = fake_attach(test);
	sends = f->sends;
	dg.src = src;
	dg.dst = dst;
	KUNIT_EXPECT_EQ(test, vmci_datagram_send(&dg), sizeof(dg));
	KUNIT_EXPECT_EQ(test, f->sends, sends);
	/* Host to host is deferred: wait for it. */
	for (i = 0; i < 50 && !READ_ONCE(got); i++)
		msleep(20);
	KUNIT_EXPECT_EQ(test, vmci_datagram_destroy_handle(src), 0);
	KUNIT_EXPECT_EQ(test, vmci_datagram_destroy_handle(dst), 0);
	KUNIT_EXPECT_EQ(test, got, 1);
	/* And a VM is reached only through /dev/vmci, not the device. */
	dg.dst = vmci_make_handle(FAKE_CID + 1, 5);
	KUNIT_EXPECT_LT(test, vmci_datagram_send(&dg), 0);
	KUNIT_EXPECT_EQ(test, f->sends, sends);
}

/* Records the doorbells DOORBELL_LINK named, in order. */
#define RACE_MAX_LINKS 8

struct race_links {
	spinlock_t lock;	/* protects the fields below */
	u32 rid[RACE_MAX_LINKS];
	int n;
};

static struct race_links *race_links;

static int race_send(struct vmci_hw *hw, struct vmci_datagram *dg)
{
	struct vmci_doorbell_link_msg *m = (void *)dg;
	unsigned long flags;

	if (dg->dst.context == VMCI_HYPERVISOR_CONTEXT_ID &&
	    dg->dst.resource == VMCI_DOORBELL_LINK) {
		spin_lock_irqsave(&race_links->lock, flags);
		if (race_links->n < RACE_MAX_LINKS)
			race_links->rid[race_links->n++] = m->handle.resource;
		spin_unlock_irqrestore(&race_links->lock, flags);
	}
	return fake_send(hw, dg);
}

static const struct vmci_hw_ops race_ops = {
	.send_datagram = race_send,
};

struct race_create {
	struct completion go;
	struct completion done;
	struct vmci_handle h;
	int ret;
	int rung;
};

static int race_create_fn(void *data)
{
	struct race_create *c = data;

	wait_for_completion(&c->go);
	c->h = VMCI_INVALID_HANDLE;
	c->ret = vmci_doorbell_create(&c->h, 0, 0, guest_db_cb, &c->rung);
	complete(&c->done);
	return 0;
}

static int race_links_of(u32 rid)
{
	int i, n = 0;

	for (i = 0; i < race_links->n; i++)
		n += race_links->rid[i] == rid;
	return n;
}

/*
 * A doorbell created while a device attaches is linked exactly once:
 * not missed (created before the attach saw it), not twice (linked by
 * both). Many rounds, the create and the attach started together.
 */
static void vmci_doorbell_create_racing_attach_links_once(struct kunit *test)
{
	struct race_create *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);
	struct fake_dev *f = fake_new(test, FAKE_CID);
	int round, bad = 0, links;

	KUNIT_ASSERT_NOT_NULL(test, c);
	race_links = kunit_kzalloc(test, sizeof(*race_links), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, race_links);
	spin_lock_init(&race_links->lock);
	f->hw.ops = &race_ops;
	for (round = 0; round < 200; round++) {
		struct task_struct *t;

		init_completion(&c->go);
		init_completion(&c->done);
		c->ret = -EINPROGRESS;
		race_links->n = 0;
		t = kthread_create(race_create_fn, c, "vmci-race");
		KUNIT_ASSERT_FALSE(test, IS_ERR(t));
		get_task_struct(t);
		wake_up_process(t);
		complete(&c->go);
		KUNIT_ASSERT_EQ(test, vmci_guest_attach(&f->hw), 0);
		/* kthread_stop() before it ran would skip the create. */
		wait_for_completion(&c->done);
		kthread_stop(t);
		put_task_struct(t);
		KUNIT_ASSERT_EQ(test, c->ret, 0);
		links = race_links_of(c->h.resource);
		if (links != 1) {
			kunit_info(test, "round %d: doorbell linked %d times\n",
				   round, links);
			bad++;
		}
		vmci_guest_detach(&f->hw);
		KUNIT_ASSERT_EQ(test, vmci_doorbell_destroy(c->h), 0);
	}
	KUNIT_EXPECT_EQ(test, bad, 0);
}

/* A pair with the host: the guest's pages, listed in one hypercall. */
static void vmci_qpair_alloc_guest_goes_through_hypervisor(struct kunit *test)
{
	struct fake_dev *f = fake_attach(test);
	struct vmci_handle h = VMCI_INVALID_HANDLE;
	struct vmci_qp *qp = NULL;
	u8 buf[10] = "0123456789";

	KUNIT_ASSERT_EQ(test, vmci_qpair_alloc(&qp, &h, 64, 5000, VMCI_HOST_CONTEXT_ID,
					       0, 0), 0);
	KUNIT_EXPECT_EQ(test, f->last_rid, VMCI_QUEUEPAIR_ALLOC);
	KUNIT_EXPECT_EQ(test, h.context, FAKE_CID);
	KUNIT_EXPECT_TRUE(test, vmci_handle_is_equal(f->last_alloc.handle, h));
	KUNIT_EXPECT_EQ(test, f->last_alloc.peer, VMCI_HOST_CONTEXT_ID);
	KUNIT_EXPECT_EQ(test, f->last_alloc.flags, 0);
	KUNIT_EXPECT_EQ(test, f->last_alloc.produce_size, 64);
	KUNIT_EXPECT_EQ(test, f->last_alloc.consume_size, 5000);
	/* Header + 1 page, header + 2 pages; 32-bit PPNs without PPN64. */
	KUNIT_EXPECT_EQ(test, f->last_alloc.num_ppns, 5);
	KUNIT_EXPECT_EQ(test, f->last_alloc.hdr.payload_size,
			sizeof(f->last_alloc) - sizeof(struct vmci_datagram) + 5 * 4);
	KUNIT_EXPECT_NE(test, f->last_ppn0, 0);
	KUNIT_EXPECT_EQ(test, vmci_qpair_enqueue(qp, buf, sizeof(buf), 0), sizeof(buf));
	KUNIT_EXPECT_EQ(test, vmci_qpair_produce_buf_ready(qp), sizeof(buf));
	KUNIT_EXPECT_EQ(test, vmci_qpair_produce_free_space(qp), 64 - 1 - sizeof(buf));
	KUNIT_EXPECT_EQ(test, vmci_qpair_detach(&qp), 0);
	KUNIT_EXPECT_EQ(test, f->last_rid, VMCI_QUEUEPAIR_DETACH);
	KUNIT_EXPECT_TRUE(test, vmci_handle_is_equal(f->last_handle, h));
}

static void vmci_qpair_alloc_guest_refused_by_hypervisor(struct kunit *test)
{
	struct fake_dev *f = fake_attach(test);
	struct vmci_handle h = vmci_make_handle(VMCI_HOST_CONTEXT_ID, 4321);
	struct vmci_qp *qp = NULL;

	f->result = VMCI_ERROR_NOT_FOUND;
	KUNIT_EXPECT_EQ(test, vmci_qpair_alloc(&qp, &h, 4096, 4096, VMCI_HOST_CONTEXT_ID,
					       VMCI_QPFLAG_ATTACH_ONLY, 0), -ENOENT);
	KUNIT_EXPECT_NULL(test, qp);
	/* Nothing kept: the same handle can be tried again. */
	f->result = VMCI_SUCCESS;
	KUNIT_ASSERT_EQ(test, vmci_qpair_alloc(&qp, &h, 4096, 4096, VMCI_HOST_CONTEXT_ID,
					       VMCI_QPFLAG_ATTACH_ONLY, 0), 0);
	KUNIT_EXPECT_EQ(test, f->last_alloc.flags, VMCI_QPFLAG_ATTACH_ONLY);
	KUNIT_EXPECT_EQ(test, vmci_qpair_detach(&qp), 0);
}

/* The page list must fit one datagram: checked before any allocation. */
static void vmci_qpair_alloc_guest_too_large_is_enobufs(struct kunit *test)
{
	struct fake_dev *f = fake_attach(test);
	struct vmci_handle h = VMCI_INVALID_HANDLE;
	struct vmci_qp *qp = NULL;
	int sends = f->sends;

	KUNIT_EXPECT_EQ(test, vmci_qpair_alloc(&qp, &h, 32 << 20, 32 << 20,
					       VMCI_HOST_CONTEXT_ID, 0, 0), -ENOBUFS);
	KUNIT_EXPECT_EQ(test, f->sends, sends);
	KUNIT_EXPECT_EQ(test, vmci_qpair_alloc(&qp, &h, 0, 64, VMCI_HOST_CONTEXT_ID, 0, 0),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, vmci_qpair_alloc(&qp, &h, 64, 64, VMCI_HOST_CONTEXT_ID,
					       VMCI_QPFLAG_NONBLOCK, 0), -EINVAL);
	/* Attaching needs the peer's handle. */
	KUNIT_EXPECT_EQ(test, vmci_qpair_alloc(&qp, &h, 64, 64, VMCI_HOST_CONTEXT_ID,
					       VMCI_QPFLAG_ATTACH_ONLY, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, f->sends, sends);
}

static int orphan_events;
static struct vmci_handle orphan_handle;

static void orphan_cb(u32 sub_id, const struct vmci_event_data *ed, void *data)
{
	const struct vmci_event_payld_qp *p = vmci_event_data_const_payload(ed);

	orphan_events++;
	orphan_handle = p->handle;
}

/* The device leaves: its pairs' peers are gone, no hypercall at detach. */
static void vmci_guest_detach_orphans_queue_pairs(struct kunit *test)
{
	struct fake_dev *f = fake_attach(test);
	struct vmci_handle h = VMCI_INVALID_HANDLE;
	struct vmci_qp *qp = NULL;
	u32 sub;
	int sends;

	KUNIT_ASSERT_EQ(test, vmci_event_subscribe(VMCI_EVENT_QP_PEER_DETACH, orphan_cb,
						   NULL, &sub), 0);
	orphan_events = 0;
	KUNIT_ASSERT_EQ(test, vmci_qpair_alloc(&qp, &h, 4096, 4096, VMCI_HOST_CONTEXT_ID,
					       0, 0), 0);
	vmci_guest_detach(&f->hw);
	/* Given back while the device still worked: a reset would not. */
	KUNIT_EXPECT_EQ(test, f->last_rid, VMCI_QUEUEPAIR_DETACH);
	KUNIT_EXPECT_TRUE(test, vmci_handle_is_equal(f->last_handle, h));
	KUNIT_EXPECT_EQ(test, orphan_events, 1);
	KUNIT_EXPECT_TRUE(test, vmci_handle_is_equal(orphan_handle, h));
	sends = f->sends;
	KUNIT_EXPECT_EQ(test, vmci_qpair_detach(&qp), 0);
	KUNIT_EXPECT_EQ(test, f->sends, sends);
	KUNIT_EXPECT_EQ(test, vmci_event_unsubscribe(sub), 0);
}

static void vmci_qpair_alloc_guest_local_still_works(struct kunit *test)
{
	struct vmci_handle h = VMCI_INVALID_HANDLE, same;
	struct vmci_qp *qp = NULL, *gqp = NULL;

	fake_attach(test);
	/* Local queue pairs work in a guest too, in the guest's context. */
	KUNIT_ASSERT_EQ(test, vmci_qpair_alloc(&qp, &h, 64, 64, VMCI_INVALID_ID,
					       VMCI_QPFLAG_LOCAL, 0), 0);
	KUNIT_EXPECT_EQ(test, h.context, FAKE_CID);
	/* One handle space: a pair with the hypervisor cannot take it. */
	same = h;
	KUNIT_EXPECT_EQ(test, vmci_qpair_alloc(&gqp, &same, 64, 64, VMCI_HOST_CONTEXT_ID,
					       0, 0), -EADDRINUSE);
	KUNIT_EXPECT_EQ(test, vmci_qpair_detach(&qp), 0);
}

struct vsock_seen {
	int host_up, guest_up, guest_down;
};

static struct vsock_seen *vsock_seen;

static void guest_vsock_cb(bool is_host, bool active)
{
	if (is_host && active)
		vsock_seen->host_up++;
	else if (!is_host && active)
		vsock_seen->guest_up++;
	else if (!is_host)
		vsock_seen->guest_down++;
}

static void vsock_cb_unregister(void *data)
{
	vmci_register_vsock_callback(NULL);
}

static void vmci_register_vsock_callback_sees_personalities(struct kunit *test)
{
	struct fake_dev *f;

	vsock_seen = kunit_kzalloc(test, sizeof(*vsock_seen), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, vsock_seen);
	if (vmci_register_vsock_callback(guest_vsock_cb) == -EBUSY)
		kunit_skip(test, "a vsock transport holds the callback");
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, vsock_cb_unregister, NULL), 0);
	KUNIT_EXPECT_EQ(test, vsock_seen->host_up, vmci_host_active() ? 1 : 0);
	KUNIT_EXPECT_EQ(test, vmci_register_vsock_callback(guest_vsock_cb), -EBUSY);
	f = fake_attach(test);
	KUNIT_EXPECT_EQ(test, vsock_seen->guest_up, 1);
	vmci_guest_detach(&f->hw);
	KUNIT_EXPECT_EQ(test, vsock_seen->guest_down, 1);
}

static struct kunit_case vmci_guest_cases[] = {
	KUNIT_CASE(vmci_guest_attach_sets_context_id),
	KUNIT_CASE(vmci_guest_attach_second_device_is_ebusy),
	KUNIT_CASE(vmci_guest_attach_bad_context_id_is_eio),
	KUNIT_CASE(vmci_send_datagram_reaches_device),
	KUNIT_CASE(vmci_datagram_send_to_host_goes_down),
	KUNIT_CASE(vmci_guest_receive_delivers_and_validates),
	KUNIT_CASE(vmci_guest_receive_ctx_update_changes_cid),
	KUNIT_CASE(vmci_guest_receive_ctx_update_to_reserved_id_is_ignored),
	KUNIT_CASE(vmci_guest_doorbell_links_and_rings_by_bitmap),
	KUNIT_CASE(vmci_guest_doorbell_link_failure_fails_create),
	KUNIT_CASE(vmci_datagram_send_host_handle_stays_local),
	KUNIT_CASE(vmci_doorbell_create_racing_attach_links_once),
	KUNIT_CASE(vmci_qpair_alloc_guest_goes_through_hypervisor),
	KUNIT_CASE(vmci_qpair_alloc_guest_refused_by_hypervisor),
	KUNIT_CASE(vmci_qpair_alloc_guest_too_large_is_enobufs),
	KUNIT_CASE(vmci_guest_detach_orphans_queue_pairs),
	KUNIT_CASE(vmci_qpair_alloc_guest_local_still_works),
	KUNIT_CASE(vmci_register_vsock_callback_sees_personalities),
	{}
};

static struct kunit_suite vmci_guest_suite = {
	.name = "vmci_guest",
	.init = guest_suite_init,
	.test_cases = vmci_guest_cases,
};

kunit_test_suite(vmci_guest_suite);

MODULE_DESCRIPTION("KUnit tests for the VMCI hardware seam, with a fake device");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
VV_IMPORT_NS();
