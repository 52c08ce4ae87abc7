// SPDX-License-Identifier: GPL-2.0
/*
 * Interrupts and the receive work.
 *
 * MSI-X with one vector per cause when the device has them (2, or 3 with
 * DMA datagrams), else one vector of MSI-X, MSI or INTx whose handler
 * reads ICR (read-to-clear) to learn the causes. Hard-irq handlers only
 * note the cause and queue the receive work, or wake a waiting DMA
 * receive; the work reads the datagrams and scans the bitmap, a bounded
 * number of batches per run, queueing itself again when there is more.
 * Plain (non-threaded) handlers: they work on INTx too, where the 6.12
 * driver's threaded request without IRQF_ONESHOT is refused.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/moduleparam.h>
#include <vv_compat.h>

#include "vmci_pci.h"

static bool disable_msi;
module_param(disable_msi, bool, 0444);
MODULE_PARM_DESC(disable_msi, "Do not use MSI for the VMCI device (default: false)");

static bool disable_msix;
module_param(disable_msix, bool, 0444);
MODULE_PARM_DESC(disable_msix, "Do not use MSI-X for the VMCI device (default: false)");

static void vmci_pci_kick(struct vmci_pci *vp, u32 causes)
{
	atomic_or(causes, &vp->pending);
	queue_work(system_highpri_wq, &vp->rx_work);
}

static irqreturn_t vmci_pci_irq_shared(int irq, void *data)
{
	struct vmci_pci *vp = data;
	u32 icr = ioread32(vp->regs + VMCI_ICR_ADDR);

	/* 0: not ours; all ones: the device is gone. */
	if (!icr || icr == ~0U)
		return IRQ_NONE;
	if (icr & VMCI_ICR_DMA_DATAGRAM)
		wake_up_all(&vp->dma_wq);
	icr &= VMCI_ICR_DATAGRAM | VMCI_ICR_NOTIFICATION;
	if (icr)
		vmci_pci_kick(vp, icr);
	return IRQ_HANDLED;
}

static irqreturn_t vmci_pci_irq_datagram(int irq, void *data)
{
	vmci_pci_kick(data, VMCI_ICR_DATAGRAM);
	return IRQ_HANDLED;
}

static irqreturn_t vmci_pci_irq_bitmap(int irq, void *data)
{
	vmci_pci_kick(data, VMCI_ICR_NOTIFICATION);
	return IRQ_HANDLED;
}

static irqreturn_t vmci_pci_irq_dma(int irq, void *data)
{
	struct vmci_pci *vp = data;

	wake_up_all(&vp->dma_wq);
	return IRQ_HANDLED;
}

/**
 * vmci_pci_rx_work() - drain what the interrupts announced
 * @work: &vmci_pci.rx_work
 *
 * Context: process context (system_highpri_wq).
 */
void vmci_pci_rx_work(struct work_struct *work)
{
	struct vmci_pci *vp = container_of(work, struct vmci_pci, rx_work);
	u32 pending = atomic_xchg(&vp->pending, 0);
	int i;

	if (READ_ONCE(vp->stopped))
		return;
	if (pending & VMCI_ICR_NOTIFICATION)
		vmci_guest_notify();
	if (!(pending & VMCI_ICR_DATAGRAM))
		return;
	for (i = 0; i < VMCI_PCI_RX_BUDGET; i++)
		if (vmci_pci_rx_batch(vp) <= 0)
			return;
	/* More than a run's share: let others in, then go on. */
	vmci_pci_kick(vp, VMCI_ICR_DATAGRAM);
}

static void vmci_pci_cancel_work(void *data)
{
	struct vmci_pci *vp = data;

	cancel_work_sync(&vp->rx_work);
}

static int vmci_pci_request(struct vmci_pci *vp, unsigned int nr,
			    irq_handler_t handler, unsigned long flags)
{
	return devm_request_irq(&vp->pdev->dev, pci_irq_vector(vp->pdev, nr),
				handler, flags, KBUILD_MODNAME, vp);
}

static int vmci_pci_request_exclusive(struct vmci_pci *vp)
{
	int ret;

	ret = vmci_pci_request(vp, VMCI_INTR_DATAGRAM, vmci_pci_irq_datagram, 0);
	if (!ret)
		ret = vmci_pci_request(vp, VMCI_INTR_NOTIFICATION,
				       vmci_pci_irq_bitmap, 0);
	if (!ret && vp->mmio)
		ret = vmci_pci_request(vp, VMCI_INTR_DMA_DATAGRAM,
				       vmci_pci_irq_dma, 0);
	return ret;
}

/**
 * vmci_pci_irq_init() - allocate vectors and request the interrupts
 * @vp: the device
 *
 * The interrupts stay quiet until IMR and CONTROL enable them. All of it
 * is device-managed; the receive work is cancelled after the interrupts
 * are freed.
 *
 * Return: 0 or a negative errno.
 * Context: process context (probe).
 */
int vmci_pci_irq_init(struct vmci_pci *vp)
{
	struct pci_dev *pdev = vp->pdev;
	int nvec = vp->mmio ? VMCI_MAX_INTRS : VMCI_MAX_INTRS - 1;
	unsigned int types = PCI_IRQ_INTX;
	int ret;

	INIT_WORK(&vp->rx_work, vmci_pci_rx_work);
	init_waitqueue_head(&vp->dma_wq);
	/* Registered first, so released last: after the interrupts. */
	ret = devm_add_action_or_reset(&pdev->dev, vmci_pci_cancel_work, vp);
	if (ret)
		return ret;

	if (!disable_msix)
		ret = pci_alloc_irq_vectors(pdev, nvec, nvec, PCI_IRQ_MSIX);
	else
		ret = -ENOSPC;
	if (ret == nvec) {
		vp->exclusive = true;
		return vmci_pci_request_exclusive(vp);
	}
	if (!disable_msix)
		types |= PCI_IRQ_MSIX;
	if (!disable_msi)
		types |= PCI_IRQ_MSI;
	ret = pci_alloc_irq_vectors(pdev, 1, 1, types);
	if (ret < 0)
		return ret;
	return vmci_pci_request(vp, 0, vmci_pci_irq_shared, IRQF_SHARED);
}
