// SPDX-License-Identifier: GPL-2.0
/*
 * Event subscriptions and dispatch.
 *
 * Events arrive as datagrams from the hypervisor context to
 * {local context, VMCI_EVENT_HANDLER}: from the guest device, or made
 * up locally by the queue-pair broker. Subscribers are kept in one RCU
 * list per event type and called under rcu_read_lock(); writers take
 * vmci_event_lock, which is never held while calling a subscriber.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mutex.h>
#include <linux/rculist.h>
#include <linux/slab.h>
#include <vv_compat.h>

#include "vmci_core.h"

struct vmci_subscription {
	struct list_head node;
	u32 id;
	u32 event;
	vmci_event_cb callback;
	void *callback_data;
};

/* Protects the lists' writers and vmci_event_next_id. */
static DEFINE_MUTEX(vmci_event_lock);
static struct list_head vmci_event_subs[VMCI_EVENT_MAX];
static u32 vmci_event_next_id;

static struct vmci_subscription *event_find(u32 id)
{
	struct vmci_subscription *s;
	int e;

	lockdep_assert_held(&vmci_event_lock);
	for (e = 0; e < VMCI_EVENT_MAX; e++)
		list_for_each_entry(s, &vmci_event_subs[e], node)
			if (s->id == id)
				return s;
	return NULL;
}

int vmci_event_subscribe(u32 event, vmci_event_cb callback,
			 void *callback_data, u32 *subid)
{
	struct vmci_subscription *s;

	if (!vmci_event_is_valid(event) || !callback || !subid)
		return -EINVAL;
	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	s->event = event;
	s->callback = callback;
	s->callback_data = callback_data;

	mutex_lock(&vmci_event_lock);
	do {
		s->id = vmci_event_next_id++;
	} while (s->id == VMCI_INVALID_ID || event_find(s->id));
	list_add_tail_rcu(&s->node, &vmci_event_subs[event]);
	mutex_unlock(&vmci_event_lock);

	*subid = s->id;
	return 0;
}
EXPORT_SYMBOL_VV(vmci_event_subscribe);

int vmci_event_unsubscribe(u32 subid)
{
	struct vmci_subscription *s;

	mutex_lock(&vmci_event_lock);
	s = event_find(subid);
	if (s)
		list_del_rcu(&s->node);
	mutex_unlock(&vmci_event_lock);
	if (!s)
		return -ENOENT;

	/* Wait for dispatchers that may still be calling it. */
	synchronize_rcu();
	kfree(s);
	return 0;
}
EXPORT_SYMBOL_VV(vmci_event_unsubscribe);

/* Payload bytes each event needs; beyond that, extra bytes are allowed. */
static size_t event_payload_size(u32 event)
{
	switch (event) {
	case VMCI_EVENT_CTX_ID_UPDATE:
	case VMCI_EVENT_CTX_REMOVED:
		return sizeof(struct vmci_event_payld_ctx);
	case VMCI_EVENT_QP_PEER_ATTACH:
	case VMCI_EVENT_QP_PEER_DETACH:
		return sizeof(struct vmci_event_payld_qp);
	default:
		return 0;
	}
}

/**
 * vmci_event_dispatch() - hand an event datagram to its subscribers
 * @msg: a struct vmci_event_msg, vmci_dg_size(@msg) readable bytes
 *
 * Return: VMCI_SUCCESS; VMCI_ERROR_INVALID_ARGS for a malformed event,
 * VMCI_ERROR_EVENT_UNKNOWN for an event kernel endpoints cannot have.
 * Context: any context but hardirq.
 */
int vmci_event_dispatch(struct vmci_datagram *msg)
{
	struct vmci_event_msg *ev = container_of(msg, struct vmci_event_msg, hdr);
	struct vmci_subscription *s;
	u64 len = msg->payload_size;
	u32 event;

	if (len < sizeof(ev->event_data) ||
	    len > sizeof(ev->event_data) + VMCI_EVENT_PAYLOAD_MAX)
		return VMCI_ERROR_INVALID_ARGS;
	event = ev->event_data.event;
	if (!vmci_event_is_valid(event))
		return VMCI_ERROR_EVENT_UNKNOWN;
	if (len < sizeof(ev->event_data) + event_payload_size(event))
		return VMCI_ERROR_INVALID_ARGS;

	rcu_read_lock();
	list_for_each_entry_rcu(s, &vmci_event_subs[event], node)
		s->callback(s->id, &ev->event_data, s->callback_data);
	rcu_read_unlock();
	return VMCI_SUCCESS;
}
EXPORT_SYMBOL_IF_KUNIT(vmci_event_dispatch);

void vmci_event_init(void)
{
	int e;

	for (e = 0; e < VMCI_EVENT_MAX; e++)
		INIT_LIST_HEAD(&vmci_event_subs[e]);
}

void vmci_event_exit(void)
{
	struct vmci_subscription *s, *tmp;
	int e;

	/* Our users are gone: what is left leaked. Free it, and say so. */
	for (e = 0; e < VMCI_EVENT_MAX; e++) {
		list_for_each_entry_safe(s, tmp, &vmci_event_subs[e], node) {
			pr_warn("event subscription %u leaked\n", s->id);
			list_del(&s->node);
			kfree(s);
		}
	}
}
