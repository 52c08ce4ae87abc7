// SPDX-License-Identifier: GPL-2.0
/*
 * The guest personality as seen from the core: the far side of the
 * hardware seam in <vmci/vmci_hw.h>. Only the PCI driver (or a KUnit
 * fake) calls in here; the core reaches the device only through
 * vmci_guest_send().
 *
 * vmci_guest_dev is published with RCU: senders dereference it under
 * rcu_read_lock() (device ops do not sleep), and detach waits for a
 * grace period before the driver may free the device.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/device.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <vmci/vmci_hw.h>
#include <vv_compat.h>

#include "vmci_core.h"

static bool disable_guest;
module_param(disable_guest, bool, 0444);
MODULE_PARM_DESC(disable_guest, "Disable the guest personality (default: false)");

/* Serializes attach and detach; outside vmci_personality_lock. */
static DEFINE_MUTEX(vmci_guest_lock);
static struct vmci_hw __rcu *vmci_guest_dev;
static u32 vmci_guest_cid_sub = VMCI_INVALID_ID;

/**
 * vmci_guest_send() - send a datagram to the hypervisor
 * @dg: the datagram
 *
 * Return: the device's result (VMCI status or a request-specific value),
 * VMCI_ERROR_DEVICE_NOT_FOUND without a device.
 * Context: any context.
 */
int vmci_guest_send(struct vmci_datagram *dg)
{
	struct vmci_hw *hw;
	int ret = VMCI_ERROR_DEVICE_NOT_FOUND;

	rcu_read_lock();
	hw = rcu_dereference(vmci_guest_dev);
	if (hw)
		ret = hw->ops->send_datagram(hw, dg);
	rcu_read_unlock();
	return ret;
}

/**
 * vmci_guest_dma_device() - what queue-pair pages must be DMA-able for
 * @dev: out: the device, with a reference (NULL for a fake device)
 * @caps: out: the capabilities in use
 *
 * Return: false without a device.
 * Context: any context.
 */
bool vmci_guest_dma_device(struct device **dev, u32 *caps)
{
	struct vmci_hw *hw;

	rcu_read_lock();
	hw = rcu_dereference(vmci_guest_dev);
	if (hw) {
		*dev = get_device(hw->dev);
		*caps = hw->caps;
	}
	rcu_read_unlock();
	return hw;
}

int vmci_send_datagram(struct vmci_datagram *dg)
{
	int ret;

	if (!dg)
		return -EINVAL;
	ret = vmci_guest_send(dg);
	return ret < VMCI_SUCCESS ? vmci_status_to_errno(ret) : ret;
}
EXPORT_SYMBOL_VV(vmci_send_datagram);

static void guest_cid_update(u32 sub_id, const struct vmci_event_data *ed,
			     void *data)
{
	const struct vmci_event_payld_ctx *p = vmci_event_data_const_payload(ed);

	/* The payload comes from the device: a reserved ID would strand us. */
	if (!vmci_context_is_vm(p->context_id) || p->context_id > S32_MAX) {
		pr_warn_ratelimited("ignoring context ID update to %u\n",
				    p->context_id);
		return;
	}
	vmci_guest_set_context_id(p->context_id);
}

/* The CID travels as a signed result: an error must not become an ID. */
static u32 guest_query_cid(void)
{
	struct vmci_datagram dg = {
		.dst = vmci_make_handle(VMCI_HYPERVISOR_CONTEXT_ID,
					VMCI_GET_CONTEXT_ID),
		.src = VMCI_ANON_SRC_HANDLE,
	};
	int ret = vmci_guest_send(&dg);

	return ret < 0 ? VMCI_INVALID_ID : ret;
}

int vmci_guest_attach(struct vmci_hw *hw)
{
	u32 cid;
	int ret;

	if (disable_guest)
		return -EPERM;
	mutex_lock(&vmci_guest_lock);
	ret = -EBUSY;
	if (rcu_dereference_protected(vmci_guest_dev,
				      lockdep_is_held(&vmci_guest_lock)))
		goto out;
	rcu_assign_pointer(vmci_guest_dev, hw);
	cid = guest_query_cid();
	ret = -EIO;
	if (!vmci_context_is_vm(cid))
		goto err_unpublish;
	vmci_guest_set_context_id(cid);
	ret = vmci_event_subscribe(VMCI_EVENT_CTX_ID_UPDATE, guest_cid_update,
				   NULL, &vmci_guest_cid_sub);
	if (ret)
		goto err_unpublish;
	vmci_personality_set(false, true);
	vmci_doorbell_link_all();
	goto out;

err_unpublish:
	RCU_INIT_POINTER(vmci_guest_dev, NULL);
	synchronize_rcu();
out:
	mutex_unlock(&vmci_guest_lock);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(vmci_guest_attach);

void vmci_guest_detach(struct vmci_hw *hw)
{
	mutex_lock(&vmci_guest_lock);
	if (rcu_dereference_protected(vmci_guest_dev,
				      lockdep_is_held(&vmci_guest_lock)) != hw)
		goto out;
	vmci_personality_set(false, false);
	vmci_doorbell_unlink_all();
	vmci_guest_qp_orphan_all();
	vmci_event_unsubscribe(vmci_guest_cid_sub);
	vmci_guest_cid_sub = VMCI_INVALID_ID;
	RCU_INIT_POINTER(vmci_guest_dev, NULL);
	synchronize_rcu();
	vmci_guest_set_context_id(VMCI_INVALID_ID);
out:
	mutex_unlock(&vmci_guest_lock);
}
EXPORT_SYMBOL_IF_KUNIT(vmci_guest_detach);

int vmci_guest_receive(struct vmci_datagram *dg, size_t len)
{
	if (len < VMCI_DG_HEADERSIZE ||
	    dg->payload_size > len - VMCI_DG_HEADERSIZE ||
	    dg->payload_size > VMCI_MAX_DG_PAYLOAD_SIZE) {
		pr_warn_ratelimited("dropping malformed datagram from the device\n");
		return -EINVAL;
	}
	if (dg->src.context == VMCI_HYPERVISOR_CONTEXT_ID &&
	    dg->dst.resource == VMCI_EVENT_HANDLER) {
		int ret = vmci_event_dispatch(dg);

		if (ret < VMCI_SUCCESS)
			pr_warn_ratelimited("dropping malformed event from the device\n");
		return vmci_status_to_errno(ret);
	}
	return vmci_status_to_errno(vmci_datagram_deliver_guest(dg));
}
EXPORT_SYMBOL_IF_KUNIT(vmci_guest_receive);

void vmci_guest_notify(void)
{
	struct vmci_hw *hw;

	rcu_read_lock();
	hw = rcu_dereference(vmci_guest_dev);
	if (hw && hw->notify_bitmap)
		vmci_doorbell_scan(hw->notify_bitmap);
	rcu_read_unlock();
}
EXPORT_SYMBOL_IF_KUNIT(vmci_guest_notify);

int vmci_guest_init(void)
{
	return 0;
}

void vmci_guest_exit(void)
{
	/* The device driver detaches before the core goes away. */
	WARN_ON_ONCE(rcu_access_pointer(vmci_guest_dev));
	vmci_guest_qp_exit();
}
