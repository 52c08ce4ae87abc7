/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The seam between the VMCI core and the guest device driver.
 *
 * The core never touches PCI, interrupts or registers. A guest device
 * driver (the PCI driver, or a KUnit fake) fills a struct vmci_hw and
 * calls vmci_guest_attach(); from then on the core sends hypervisor
 * datagrams through @ops, and the driver hands what the device delivers
 * to vmci_guest_receive() and vmci_guest_notify(). vmci_guest_detach()
 * ends it. One device at most is attached at a time.
 */
#ifndef _VMCI_HW_H
#define _VMCI_HW_H

#include <linux/types.h>
#include <vmci/vmci_abi.h>

struct vmci_hw;

/**
 * struct vmci_hw_ops - what the core needs from a guest device
 * @send_datagram: send @dg (header and payload, vmci_dg_size() bytes) to
 *	the hypervisor and return its result: a VMCI status code, or a
 *	non-negative value whose meaning depends on the request (the
 *	context ID for VMCI_GET_CONTEXT_ID). Context: any, including
 *	softirq and with spinlocks held; must not sleep.
 */
struct vmci_hw_ops {
	int (*send_datagram)(struct vmci_hw *hw, struct vmci_datagram *dg);
};

/**
 * struct vmci_hw - a guest device as the core sees it
 * @ops: the device's operations
 * @caps: VMCI_CAPS_* the driver negotiated with the device
 * @notify_bitmap: the doorbell notification bitmap page the driver
 *	registered with the device (VMCI_SET_NOTIFY_BITMAP), or NULL
 *	without VMCI_CAPS_NOTIFICATIONS; the device sets byte i when
 *	doorbell index i rings
 * @dev: the device queue-pair pages are made DMA-able for (the core
 *	allocates them with dma_alloc_coherent() and hands their page
 *	numbers to the hypervisor); NULL for a fake device, whose pages are
 *	plain memory
 */
struct vmci_hw {
	const struct vmci_hw_ops *ops;
	u32 caps;
	u8 *notify_bitmap;
	struct device *dev;
};

/**
 * vmci_guest_attach() - bring up the guest personality on a device
 * @hw: the device; must stay valid until vmci_guest_detach()
 *
 * Asks the hypervisor for the context ID, links existing doorbells and
 * tells a registered vsock callback.
 *
 * Return: 0; -EBUSY if a device is attached already; -EPERM with
 * vmw_vmci.disable_guest=1; -EIO if the hypervisor gives no valid
 * context ID.
 * Context: process context, may sleep.
 */
int vmci_guest_attach(struct vmci_hw *hw);

/**
 * vmci_guest_detach() - take down the guest personality
 * @hw: the device given to vmci_guest_attach()
 *
 * On return the core no longer calls @hw->ops.
 *
 * Context: process context, sleeps.
 */
void vmci_guest_detach(struct vmci_hw *hw);

/**
 * vmci_guest_receive() - deliver a datagram the device received
 * @dg: the datagram; @len bytes are readable at @dg
 * @len: bytes available, checked against the header's payload_size
 *
 * Event datagrams from the hypervisor go to event subscribers, others to
 * the registered handle. Malformed datagrams are dropped.
 *
 * Return: 0, or a negative errno if the datagram was dropped.
 * Context: softirq or process context.
 */
int vmci_guest_receive(struct vmci_datagram *dg, size_t len);

/**
 * vmci_guest_notify() - the device signalled the notification bitmap
 *
 * Clears each set byte of @hw->notify_bitmap and rings its doorbell.
 *
 * Context: softirq or process context.
 */
void vmci_guest_notify(void);

#endif /* _VMCI_HW_H */
