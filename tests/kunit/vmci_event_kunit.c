// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: VMCI event subscriptions and dispatch (vmci/event.c), with
 * well-formed and malformed event datagrams.
 */
#include <kunit/test.h>
#include <linux/module.h>
#include <vv_compat.h>
#include <vmci/vmci_api.h>

#include "../../vmci/vmci_core.h"

struct ev_sink {
	u32 subid;
	int count;
	u32 last_event;
	u32 last_sub;
	struct vmci_event_payld_qp last_qp;
	bool in_rcu;
};

static void ev_sink_cb(u32 sub_id, const struct vmci_event_data *ed, void *data)
{
	struct ev_sink *s = data;

	s->count++;
	s->last_sub = sub_id;
	s->last_event = ed->event;
	s->in_rcu = rcu_read_lock_held();
	if (ed->event == VMCI_EVENT_QP_PEER_ATTACH || ed->event == VMCI_EVENT_QP_PEER_DETACH)
		memcpy(&s->last_qp, vmci_event_data_const_payload(ed), sizeof(s->last_qp));
}

static void ev_sink_unsubscribe(void *data)
{
	struct ev_sink *s = data;

	if (s->subid != VMCI_INVALID_ID)
		vmci_event_unsubscribe(s->subid);
}

static struct ev_sink *ev_sink_new(struct kunit *test, u32 event)
{
	struct ev_sink *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_ASSERT_EQ(test, vmci_event_subscribe(event, ev_sink_cb, s, &s->subid), 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, ev_sink_unsubscribe, s), 0);
	return s;
}

static void ev_make_qp(struct vmci_event_qp *ev, u32 event, u32 peer)
{
	memset(ev, 0, sizeof(*ev));
	ev->msg.hdr.dst = vmci_make_handle(VMCI_HOST_CONTEXT_ID, VMCI_EVENT_HANDLER);
	ev->msg.hdr.src = vmci_make_handle(VMCI_HYPERVISOR_CONTEXT_ID,
					   VMCI_CONTEXT_RESOURCE_ID);
	ev->msg.hdr.payload_size = sizeof(*ev) - sizeof(ev->msg.hdr);
	ev->msg.event_data.event = event;
	ev->payload.handle = vmci_make_handle(peer, 4242);
	ev->payload.peer_id = peer;
}

static void vmci_event_subscribe_rejects_bad_args(struct kunit *test)
{
	u32 id;

	KUNIT_EXPECT_EQ(test, vmci_event_subscribe(VMCI_EVENT_MAX, ev_sink_cb, NULL, &id),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, vmci_event_subscribe(VMCI_EVENT_MEM_ACCESS_ON, ev_sink_cb,
						   NULL, &id), -EINVAL);
	KUNIT_EXPECT_EQ(test, vmci_event_subscribe(~0U, ev_sink_cb, NULL, &id), -EINVAL);
	KUNIT_EXPECT_EQ(test, vmci_event_subscribe(VMCI_EVENT_QP_PEER_ATTACH, NULL, NULL,
						   &id), -EINVAL);
	KUNIT_EXPECT_EQ(test, vmci_event_subscribe(VMCI_EVENT_QP_PEER_ATTACH, ev_sink_cb,
						   NULL, NULL), -EINVAL);
}

static void vmci_event_unsubscribe_unknown_is_enoent(struct kunit *test)
{
	struct ev_sink *s = ev_sink_new(test, VMCI_EVENT_CTX_REMOVED);

	KUNIT_EXPECT_EQ(test, vmci_event_unsubscribe(VMCI_INVALID_ID), -ENOENT);
	KUNIT_EXPECT_EQ(test, vmci_event_unsubscribe(s->subid), 0);
	KUNIT_EXPECT_EQ(test, vmci_event_unsubscribe(s->subid), -ENOENT);
	s->subid = VMCI_INVALID_ID;
}

static void vmci_event_dispatch_reaches_only_subscribers(struct kunit *test)
{
	struct ev_sink *a = ev_sink_new(test, VMCI_EVENT_QP_PEER_DETACH);
	struct ev_sink *b = ev_sink_new(test, VMCI_EVENT_QP_PEER_DETACH);
	struct ev_sink *other = ev_sink_new(test, VMCI_EVENT_QP_PEER_ATTACH);
	struct vmci_event_qp ev;

	KUNIT_EXPECT_NE(test, a->subid, b->subid);
	ev_make_qp(&ev, VMCI_EVENT_QP_PEER_DETACH, 9);
	KUNIT_EXPECT_EQ(test, vmci_event_dispatch(&ev.msg.hdr), VMCI_SUCCESS);
	KUNIT_EXPECT_EQ(test, a->count, 1);
	KUNIT_EXPECT_EQ(test, b->count, 1);
	KUNIT_EXPECT_EQ(test, other->count, 0);
	KUNIT_EXPECT_EQ(test, a->last_sub, a->subid);
	KUNIT_EXPECT_EQ(test, a->last_qp.peer_id, 9);
	KUNIT_EXPECT_EQ(test, a->last_qp.handle.resource, 4242);
	KUNIT_EXPECT_TRUE(test, a->in_rcu);
}

static void vmci_event_unsubscribe_stops_delivery(struct kunit *test)
{
	struct ev_sink *a = ev_sink_new(test, VMCI_EVENT_QP_PEER_ATTACH);
	struct vmci_event_qp ev;

	ev_make_qp(&ev, VMCI_EVENT_QP_PEER_ATTACH, 3);
	KUNIT_ASSERT_EQ(test, vmci_event_dispatch(&ev.msg.hdr), VMCI_SUCCESS);
	KUNIT_ASSERT_EQ(test, vmci_event_unsubscribe(a->subid), 0);
	a->subid = VMCI_INVALID_ID;
	KUNIT_EXPECT_EQ(test, vmci_event_dispatch(&ev.msg.hdr), VMCI_SUCCESS);
	KUNIT_EXPECT_EQ(test, a->count, 1);
}

struct ev_bad_case {
	const char *name;
	u32 event;
	u64 payload_size;
	int ret;
};

static const struct ev_bad_case ev_bad_cases[] = {
	{ "no event type", VMCI_EVENT_QP_PEER_ATTACH, 4, VMCI_ERROR_INVALID_ARGS },
	{ "qp event without payload", VMCI_EVENT_QP_PEER_ATTACH, 8, VMCI_ERROR_INVALID_ARGS },
	{ "qp event short payload", VMCI_EVENT_QP_PEER_DETACH, 20, VMCI_ERROR_INVALID_ARGS },
	{ "oversized", VMCI_EVENT_QP_PEER_ATTACH, 25, VMCI_ERROR_INVALID_ARGS },
	{ "huge", VMCI_EVENT_QP_PEER_ATTACH, U64_MAX, VMCI_ERROR_INVALID_ARGS },
	{ "vmx-only event", VMCI_EVENT_MEM_ACCESS_OFF, 8, VMCI_ERROR_EVENT_UNKNOWN },
	{ "unknown event", 77, 8, VMCI_ERROR_EVENT_UNKNOWN },
	{ "ctx event short payload", VMCI_EVENT_CTX_REMOVED, 12, VMCI_ERROR_INVALID_ARGS },
};

static void ev_bad_desc(const struct ev_bad_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(ev_bad, ev_bad_cases, ev_bad_desc);

static void vmci_event_dispatch_malformed_is_rejected(struct kunit *test)
{
	const struct ev_bad_case *c = test->param_value;
	struct ev_sink *s = ev_sink_new(test, VMCI_EVENT_QP_PEER_ATTACH);
	struct vmci_event_qp ev;

	ev_make_qp(&ev, c->event, 1);
	ev.msg.hdr.payload_size = c->payload_size;
	KUNIT_EXPECT_EQ(test, vmci_event_dispatch(&ev.msg.hdr), c->ret);
	KUNIT_EXPECT_EQ(test, s->count, 0);
}

static void vmci_event_dispatch_via_datagram_route(struct kunit *test)
{
	struct ev_sink *s = ev_sink_new(test, VMCI_EVENT_QP_PEER_ATTACH);
	struct vmci_event_qp ev;

	if (!vmci_host_active())
		kunit_skip(test, "needs the host personality");
	ev_make_qp(&ev, VMCI_EVENT_QP_PEER_ATTACH, 5);
	/* From the hypervisor context to the host's event handler. */
	KUNIT_EXPECT_EQ(test, vmci_datagram_dispatch(VMCI_HYPERVISOR_CONTEXT_ID,
						     &ev.msg.hdr, false),
			(int)sizeof(ev));
	KUNIT_EXPECT_EQ(test, s->count, 1);
	KUNIT_EXPECT_EQ(test, s->last_event, VMCI_EVENT_QP_PEER_ATTACH);
}

/* Only the core speaks for the hypervisor: a client's forgery is refused. */
static void vmci_datagram_send_forged_hypervisor_event_is_refused(struct kunit *test)
{
	struct ev_sink *s = ev_sink_new(test, VMCI_EVENT_QP_PEER_DETACH);
	struct vmci_event_qp ev;

	ev_make_qp(&ev, VMCI_EVENT_QP_PEER_DETACH, 5);
	KUNIT_EXPECT_EQ(test, vmci_datagram_send(&ev.msg.hdr), -EPERM);
	/* Nor can a kernel client claim to be some VM. */
	ev.msg.hdr.src = vmci_make_handle(4321, 1);
	KUNIT_EXPECT_EQ(test, vmci_datagram_send(&ev.msg.hdr), -EPERM);
	KUNIT_EXPECT_EQ(test, s->count, 0);
}

static struct kunit_case vmci_event_cases[] = {
	KUNIT_CASE(vmci_event_subscribe_rejects_bad_args),
	KUNIT_CASE(vmci_event_unsubscribe_unknown_is_enoent),
	KUNIT_CASE(vmci_event_dispatch_reaches_only_subscribers),
	KUNIT_CASE(vmci_event_unsubscribe_stops_delivery),
	KUNIT_CASE_PARAM(vmci_event_dispatch_malformed_is_rejected, ev_bad_gen_params),
	KUNIT_CASE(vmci_event_dispatch_via_datagram_route),
	KUNIT_CASE(vmci_datagram_send_forged_hypervisor_event_is_refused),
	{}
};

static struct kunit_suite vmci_event_suite = {
	.name = "vmci_event",
	.test_cases = vmci_event_cases,
};

kunit_test_suite(vmci_event_suite);

MODULE_DESCRIPTION("KUnit tests for VMCI events");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
VV_IMPORT_NS();
