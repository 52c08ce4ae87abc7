// SPDX-License-Identifier: GPL-2.0
/*
 * Datagrams to and from the device.
 *
 * I/O path: a send is a byte string written to DATA_OUT, a receive a
 * 4 KiB page read from DATA_IN (more when a datagram spans pages). MMIO
 * path: a send writes the address of an in/out header followed by the
 * datagram to DATA_OUT_LOW and the device clears busy when done; a
 * receive writes the address of a header and one s/g element to
 * DATA_IN_LOW and the device sets busy when the datagrams are in. Either
 * way RESULT_LOW holds the send's result.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/io.h>
#include <linux/minmax.h>
#include <vv_compat.h>

#include "vmci_pci.h"

/* A DMA send the device has not finished in this long is lost. */
#define VMCI_PCI_SEND_SPIN_US	(1000 * 1000)

static int vmci_pci_send_dma(struct vmci_pci *vp, struct vmci_datagram *dg,
			     size_t size)
{
	struct vmci_data_in_out_header *hdr = (void *)vp->tx;
	unsigned int us;

	hdr->opcode = 0;
	hdr->size = size;
	hdr->result = 0;
	WRITE_ONCE(hdr->busy, 1);
	memcpy(hdr + 1, dg, size);
	/* writel orders the buffer before the doorbell write. */
	iowrite32(lower_32_bits(vp->tx_dma), vp->regs + VMCI_DATA_OUT_LOW_ADDR);
	for (us = 0; READ_ONCE(hdr->busy); us++) {
		if (us == VMCI_PCI_SEND_SPIN_US) {
			dev_err(&vp->pdev->dev, "DMA send timed out: device disabled\n");
			vp->dead = true;
			return VMCI_ERROR_TIMEOUT;
		}
		udelay(1);
	}
	/* The device's result is read after it said it is done. */
	dma_rmb();
	return (int)ioread32(vp->regs + VMCI_RESULT_LOW_ADDR);
}

/**
 * vmci_pci_send() - &vmci_hw_ops.send_datagram: send to the hypervisor
 * @hw: the device, as the core sees it
 * @dg: the datagram; the device reads it during the call only
 *
 * Return: the device's result, a VMCI status or a request's value.
 * Context: any context; takes @send_lock with interrupts off.
 */
int vmci_pci_send(struct vmci_hw *hw, struct vmci_datagram *dg)
{
	struct vmci_pci *vp = container_of(hw, struct vmci_pci, hw);
	size_t size = vmci_dg_size(dg);
	unsigned long flags;
	int ret;

	/* The TX buffer holds the largest datagram; hypercalls fit it too. */
	if (dg->payload_size > VMCI_MAX_DG_PAYLOAD_SIZE)
		return VMCI_ERROR_INVALID_ARGS;
	spin_lock_irqsave(&vp->send_lock, flags);
	if (vp->dead) {
		ret = VMCI_ERROR_DEVICE_NOT_FOUND;
	} else if (vp->mmio) {
		ret = vmci_pci_send_dma(vp, dg, size);
	} else {
		iowrite8_rep(vp->regs + VMCI_DATA_OUT_ADDR, dg, size);
		ret = (int)ioread32(vp->regs + VMCI_RESULT_LOW_ADDR);
	}
	spin_unlock_irqrestore(&vp->send_lock, flags);
	return ret;
}

static int vmci_pci_rx_dma(struct vmci_pci *vp)
{
	struct vmci_data_in_out_header *hdr = (void *)vp->rx;
	struct vmci_sg_elem *sg = (void *)(hdr + 1);
	size_t partial, len;

	hdr->opcode = 1;
	hdr->size = 1;
	sg->addr = vp->rx_dma + PAGE_SIZE;
	sg->size = VMCI_PCI_RX_SIZE;
	WRITE_ONCE(hdr->busy, 0);
	iowrite32(lower_32_bits(vp->rx_dma), vp->regs + VMCI_DATA_IN_LOW_ADDR);
	if (!wait_event_timeout(vp->dma_wq, READ_ONCE(hdr->busy), HZ)) {
		dev_err_ratelimited(&vp->pdev->dev, "DMA receive timed out\n");
		return 0;
	}
	/* The datagrams are read after the device said they are in. */
	dma_rmb();
	/*
	 * Parse a private copy: the device can still write its buffer, and
	 * a length read twice from it could differ the second time.
	 */
	len = vmci_pci_snapshot(vp->rx_copy, vp->rx + PAGE_SIZE,
				VMCI_PCI_RX_SIZE);
	return vmci_pci_parse(vp->rx_copy, len, false, vmci_guest_receive,
			      &partial);
}

/* At most this many refills for datagrams spanning pages, per batch. */
#define VMCI_PCI_MAX_REFILLS	(VMCI_PCI_RX_SIZE / VMCI_PCI_IO_BATCH)

static int vmci_pci_rx_io(struct vmci_pci *vp)
{
	void __iomem *port = vp->regs + VMCI_DATA_IN_ADDR;
	size_t len = VMCI_PCI_IO_BATCH, partial, keep;
	int count = 0, refills;

	ioread8_rep(port, vp->rx, len);
	for (refills = 0; refills <= VMCI_PCI_MAX_REFILLS; refills++) {
		count += vmci_pci_parse(vp->rx, len, true, vmci_guest_receive,
					&partial);
		if (partial == SIZE_MAX)
			break;
		/*
		 * A datagram spans pages: bring it to the front and read the
		 * rest of the largest buffer, which keeps the stream page
		 * aligned (what is kept is whole pages).
		 */
		keep = len - partial;
		memmove(vp->rx, vp->rx + partial, keep);
		len = VMCI_PCI_RX_SIZE;
		ioread8_rep(port, vp->rx + keep, len - keep);
	}
	return count;
}

/**
 * vmci_pci_rx_batch() - receive and deliver one batch of datagrams
 * @vp: the device
 *
 * Return: the number of datagrams delivered; 0 when none was waiting.
 * Context: process context (the receive work), may sleep on the MMIO path.
 */
int vmci_pci_rx_batch(struct vmci_pci *vp)
{
	return vp->mmio ? vmci_pci_rx_dma(vp) : vmci_pci_rx_io(vp);
}
