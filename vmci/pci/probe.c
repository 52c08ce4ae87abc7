// SPDX-License-Identifier: GPL-2.0
/*
 * The VMCI guest PCI driver: 15ad:0740.
 *
 * Probe maps the registers (BAR1 + 128 KiB when BAR1 is the 256 KiB MMIO
 * window, else BAR0), agrees the capabilities, sets up the buffers and
 * the notification bitmap, checks that the hypervisor serves what the
 * core needs, enables the interrupts and attaches the core's guest
 * personality. Everything is device-managed, so probe has no unwinding:
 * what the device must stop doing on the way out, the reset action
 * (registered once the device may DMA) stops.
 *
 * Buffers: the TX and RX DMA buffers (MMIO) and the RX buffer (I/O) are
 * the driver's; the device reads the TX buffer during a send and writes
 * the RX buffer during a receive only. The bitmap page is written by the
 * device at any time while registered, and read and cleared by the core.
 *
 * Suspend detaches the core and resets the device; resume brings the
 * device back as probe left it and attaches the core again, which reads
 * the context ID afresh and links the doorbells again.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/dma-mapping.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/pci.h>
#include <vv_compat.h>

#include "vmci_pci.h"

#define PCI_DEVICE_ID_VMWARE_VMCI	0x0740

static const struct vmci_hw_ops vmci_pci_ops = {
	.send_datagram = vmci_pci_send,
};

static int vmci_pci_map(struct vmci_pci *vp)
{
	struct pci_dev *pdev = vp->pdev;
	int bar = 0, ret;

	if (pci_resource_len(pdev, 1) == VMCI_MMIO_BAR_SIZE &&
	    (pci_resource_flags(pdev, 1) & IORESOURCE_MEM)) {
		bar = 1;
		vp->mmio = true;
	} else if (!(pci_resource_flags(pdev, 0) & IORESOURCE_IO)) {
		dev_err(&pdev->dev, "no register BAR\n");
		return -ENXIO;
	}
	ret = pcim_iomap_regions(pdev, BIT(bar), KBUILD_MODNAME);
	if (ret)
		return ret;
	vp->regs = pcim_iomap_table(pdev)[bar];
	if (vp->mmio)
		vp->regs += VMCI_MMIO_REGS_OFFSET;
	return 0;
}

/* The capabilities to use, from what the device offers. */
static int vmci_pci_caps(struct vmci_pci *vp)
{
	struct device *dev = &vp->pdev->dev;
	u32 caps = ioread32(vp->regs + VMCI_CAPS_ADDR);
	int ret;

	if (!(caps & VMCI_CAPS_DATAGRAM)) {
		dev_err(dev, "device does not offer datagrams (caps 0x%x)\n", caps);
		return -ENXIO;
	}
	vp->caps = VMCI_CAPS_DATAGRAM;
	if (vp->mmio) {
		if (!(caps & VMCI_CAPS_DMA_DATAGRAM)) {
			dev_err(dev, "MMIO device without DMA datagrams (caps 0x%x)\n",
				caps);
			return -ENXIO;
		}
		vp->caps |= VMCI_CAPS_DMA_DATAGRAM;
	}
	if (caps & VMCI_CAPS_PPN64) {
		vp->caps |= VMCI_CAPS_PPN64;
		ret = dma_set_mask_and_coherent(dev, DMA_BIT_MASK(64));
	} else {
		/* 32-bit page numbers of 4 KiB pages. */
		ret = dma_set_mask_and_coherent(dev, DMA_BIT_MASK(32 + PAGE_SHIFT));
	}
	if (ret)
		return ret;
	if (caps & VMCI_CAPS_NOTIFICATIONS)
		vp->caps |= VMCI_CAPS_NOTIFICATIONS;
	return 0;
}

static int vmci_pci_buffers(struct vmci_pci *vp)
{
	struct device *dev = &vp->pdev->dev;

	if (vp->caps & VMCI_CAPS_NOTIFICATIONS) {
		vp->bitmap = dmam_alloc_coherent(dev, PAGE_SIZE, &vp->bitmap_dma,
						 GFP_KERNEL);
		if (!vp->bitmap)
			return -ENOMEM;
	}
	if (!vp->mmio) {
		vp->rx = devm_kzalloc(dev, VMCI_PCI_RX_SIZE, GFP_KERNEL);
		return vp->rx ? 0 : -ENOMEM;
	}
	vp->tx = dmam_alloc_coherent(dev, sizeof(struct vmci_data_in_out_header) +
				     VMCI_MAX_DG_SIZE, &vp->tx_dma, GFP_KERNEL);
	vp->rx = dmam_alloc_coherent(dev, PAGE_SIZE + VMCI_PCI_RX_SIZE,
				     &vp->rx_dma, GFP_KERNEL);
	vp->rx_copy = devm_kzalloc(dev, VMCI_PCI_RX_SIZE, GFP_KERNEL);
	return vp->tx && vp->rx && vp->rx_copy ? 0 : -ENOMEM;
}

/* Program the device as probe (or resume) needs it; no interrupts yet. */
static void vmci_pci_program(struct vmci_pci *vp)
{
	iowrite32(vp->caps, vp->regs + VMCI_CAPS_ADDR);
	if (!vp->mmio)
		return;
	iowrite32(PAGE_SHIFT, vp->regs + VMCI_GUEST_PAGE_SHIFT);
	iowrite32(upper_32_bits(vp->rx_dma), vp->regs + VMCI_DATA_IN_HIGH_ADDR);
	iowrite32(upper_32_bits(vp->tx_dma), vp->regs + VMCI_DATA_OUT_HIGH_ADDR);
}

/* The hypervisor must answer the context ID query the core relies on. */
static int vmci_pci_check_resources(struct vmci_pci *vp)
{
	struct {
		struct vmci_resource_query_hdr q;
		u32 resource;
	} msg = {
		.q.hdr.dst = vmci_make_handle(VMCI_HYPERVISOR_CONTEXT_ID,
					      VMCI_RESOURCES_QUERY),
		.q.hdr.src = VMCI_ANON_SRC_HANDLE,
		.q.hdr.payload_size = sizeof(msg) - sizeof(msg.q.hdr),
		.q.num_resources = 1,
		.resource = VMCI_GET_CONTEXT_ID,
	};
	int ret = vmci_pci_send(&vp->hw, &msg.q.hdr);

	if (ret != 1) {
		dev_err(&vp->pdev->dev, "hypervisor lacks GET_CONTEXT_ID (%d)\n",
			ret);
		return -ENXIO;
	}
	return 0;
}

/* Without a registered bitmap the driver goes on, without doorbells. */
static void vmci_pci_register_bitmap(struct vmci_pci *vp)
{
	struct vmci_notify_bm_set_msg msg = {
		.hdr.dst = vmci_make_handle(VMCI_HYPERVISOR_CONTEXT_ID,
					    VMCI_SET_NOTIFY_BITMAP),
		.hdr.src = VMCI_ANON_SRC_HANDLE,
		.hdr.payload_size = sizeof(msg) - sizeof(msg.hdr),
	};
	u64 ppn = vp->bitmap_dma >> PAGE_SHIFT;
	int ret;

	vp->hw.notify_bitmap = NULL;
	if (!vp->bitmap)
		return;
	memset(vp->bitmap, 0, PAGE_SIZE);
	if (vp->caps & VMCI_CAPS_PPN64)
		msg.bitmap_ppn64 = ppn;
	else
		msg.bitmap_ppn32 = ppn;
	ret = vmci_pci_send(&vp->hw, &msg.hdr);
	if (ret != VMCI_SUCCESS) {
		dev_warn(&vp->pdev->dev, "notification bitmap refused (%d): no doorbells\n",
			 ret);
		return;
	}
	vp->hw.notify_bitmap = vp->bitmap;
}

static void vmci_pci_enable_irqs(struct vmci_pci *vp)
{
	u32 imr = VMCI_IMR_DATAGRAM;

	if (vp->hw.notify_bitmap)
		imr |= VMCI_IMR_NOTIFICATION;
	if (vp->mmio)
		imr |= VMCI_IMR_DMA_DATAGRAM;
	iowrite32(imr, vp->regs + VMCI_IMR_ADDR);
	iowrite32(VMCI_CONTROL_INT_ENABLE, vp->regs + VMCI_CONTROL_ADDR);
}

/*
 * Quiet the device, then reset it (it forgets the bitmap, stops DMA):
 * interrupts off, the receive work stopped and done first, so that
 * nothing touches the device during or after the reset.
 */
static void vmci_pci_reset(void *data)
{
	struct vmci_pci *vp = data;

	iowrite32(VMCI_CONTROL_INT_DISABLE, vp->regs + VMCI_CONTROL_ADDR);
	iowrite32(0, vp->regs + VMCI_IMR_ADDR);
	WRITE_ONCE(vp->stopped, true);
	cancel_work_sync(&vp->rx_work);
	iowrite32(VMCI_CONTROL_RESET, vp->regs + VMCI_CONTROL_ADDR);
}

/* Program, register and enable: what probe and resume share. */
static int vmci_pci_start(struct vmci_pci *vp)
{
	int ret;

	WRITE_ONCE(vp->stopped, false);
	vmci_pci_program(vp);
	ret = vmci_pci_check_resources(vp);
	if (ret)
		return ret;
	vmci_pci_register_bitmap(vp);
	vp->hw.caps = vp->caps;
	vmci_pci_enable_irqs(vp);
	ret = vmci_guest_attach(&vp->hw);
	if (ret) {
		dev_err(&vp->pdev->dev, "cannot attach the guest personality (%d)\n",
			ret);
		vmci_pci_reset(vp);
	}
	return ret;
}

static int vmci_pci_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct device *dev = &pdev->dev;
	struct vmci_pci *vp;
	int ret;

	vp = devm_kzalloc(dev, sizeof(*vp), GFP_KERNEL);
	if (!vp)
		return -ENOMEM;
	vp->pdev = pdev;
	vp->hw.ops = &vmci_pci_ops;
	vp->hw.dev = &pdev->dev;
	vp->stopped = true;
	spin_lock_init(&vp->send_lock);
	atomic_set(&vp->pending, 0);

	ret = pcim_enable_device(pdev);
	if (ret)
		return ret;
	ret = vmci_pci_map(vp);
	if (ret)
		return ret;
	/* A previous kernel (kexec) may have left it running. */
	iowrite32(VMCI_CONTROL_RESET, vp->regs + VMCI_CONTROL_ADDR);
	ret = vmci_pci_caps(vp);
	if (ret)
		return ret;
	ret = vmci_pci_buffers(vp);
	if (ret)
		return ret;
	ret = vmci_pci_irq_init(vp);
	if (ret)
		return ret;
	pci_set_master(pdev);
	/* From here the device may DMA: stop it before the buffers go. */
	ret = devm_add_action_or_reset(dev, vmci_pci_reset, vp);
	if (ret)
		return ret;
	pci_set_drvdata(pdev, vp);
	ret = vmci_pci_start(vp);
	if (ret)
		return ret;
	dev_info(dev, "%s registers, %s interrupts, caps 0x%x\n",
		 vp->mmio ? "MMIO" : "I/O port",
		 vp->exclusive ? "exclusive MSI-X" :
		 pdev->msix_enabled ? "one MSI-X" :
		 pdev->msi_enabled ? "MSI" : "INTx", vp->caps);
	return 0;
}

static void vmci_pci_remove(struct pci_dev *pdev)
{
	struct vmci_pci *vp = pci_get_drvdata(pdev);

	/* The core sends nothing more; devres then resets and frees. */
	vmci_guest_detach(&vp->hw);
}

static void vmci_pci_shutdown(struct pci_dev *pdev)
{
	struct vmci_pci *vp = pci_get_drvdata(pdev);

	/* Pairs are given back; nothing writes into memory the next kernel has. */
	vmci_guest_detach(&vp->hw);
	vmci_pci_reset(vp);
}

static int vmci_pci_suspend(struct device *dev)
{
	struct vmci_pci *vp = dev_get_drvdata(dev);

	vmci_guest_detach(&vp->hw);
	vmci_pci_reset(vp);
	return 0;
}

static int vmci_pci_resume(struct device *dev)
{
	struct vmci_pci *vp = dev_get_drvdata(dev);

	return vmci_pci_start(vp);
}

static DEFINE_SIMPLE_DEV_PM_OPS(vmci_pci_pm, vmci_pci_suspend, vmci_pci_resume);

static const struct pci_device_id vmci_pci_ids[] = {
	{ PCI_DEVICE(PCI_VENDOR_ID_VMWARE, PCI_DEVICE_ID_VMWARE_VMCI) },
	{ }
};
MODULE_DEVICE_TABLE(pci, vmci_pci_ids);

static struct pci_driver vmci_pci_driver = {
	.name = KBUILD_MODNAME,
	.id_table = vmci_pci_ids,
	.probe = vmci_pci_probe,
	.remove = vmci_pci_remove,
	.shutdown = vmci_pci_shutdown,
	.driver.pm = pm_sleep_ptr(&vmci_pci_pm),
};

int vmci_pci_init(void)
{
	return pci_register_driver(&vmci_pci_driver);
}

void vmci_pci_exit(void)
{
	pci_unregister_driver(&vmci_pci_driver);
}
