/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The VMCI guest PCI driver: what its files share.
 *
 * probe.c  PCI glue: BARs, capabilities, buffers, power management
 * io.c     datagrams to and from the device, on either register path
 * irq.c    interrupts and the receive work
 * rx.c     parsing what the device delivers (no device access: KUnit)
 *
 * Only this driver touches PCI, interrupts, DMA and registers; it reaches
 * the core through <vmci/vmci_hw.h> alone.
 */
#ifndef _VMCI_PCI_H
#define _VMCI_PCI_H

#include <linux/pci.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <vmci/vmci_hw.h>

/* Bytes the receive buffer holds: the largest datagram. */
#define VMCI_PCI_RX_SIZE	VMCI_MAX_DG_SIZE
/* I/O path: the device streams DATA_IN in pages of this size. */
#define VMCI_PCI_IO_BATCH	4096
/* Receive batches per run of the work; more, and it runs again. */
#define VMCI_PCI_RX_BUDGET	16

/**
 * struct vmci_pci - one VMCI device
 * @hw: what the core sees; its ops send through this device
 * @pdev: the PCI device
 * @regs: the register file: BAR0 (I/O path) or BAR1 + 128 KiB (MMIO)
 * @mmio: registers in memory space, datagrams by DMA
 * @caps: VMCI_CAPS_* in use
 * @send_lock: protects the send path (DATA_OUT, the TX buffer and
 *	RESULT_LOW), taken with interrupts off as sends come from any context
 * @tx: MMIO: DMA buffer of a send, in/out header then the datagram
 * @tx_dma: its bus address
 * @rx: receive buffer; MMIO: in/out header and s/g list in the first page,
 *	datagrams after it; I/O: datagrams only
 * @rx_dma: its bus address (MMIO)
 * @bitmap: the notification bitmap page, or NULL
 * @bitmap_dma: its bus address
 * @rx_work: drains received datagrams and the bitmap outside hard-irq
 *	context; only it touches @rx and DATA_IN
 * @pending: VMCI_ICR_* causes the interrupt handlers saw for @rx_work
 * @dma_wq: where @rx_work waits for a DMA receive to complete
 * @exclusive: one MSI-X vector per cause (no ICR reads)
 * @stopped: the device is (being) reset; @rx_work leaves it alone
 * @dead: a DMA send never completed: the device may still read the TX
 *	buffer, so nothing is sent any more
 * @rx_copy: MMIO: a private copy of what a DMA receive delivered, parsed
 *	instead of the buffer the device can still write
 */
struct vmci_pci {
	struct vmci_hw hw;
	struct pci_dev *pdev;
	void __iomem *regs;
	bool mmio;
	u32 caps;
	spinlock_t send_lock;	/* see @send_lock above */
	u8 *tx;
	dma_addr_t tx_dma;
	u8 *rx;
	dma_addr_t rx_dma;
	u8 *bitmap;
	dma_addr_t bitmap_dma;
	struct work_struct rx_work;
	atomic_t pending;
	wait_queue_head_t dma_wq;
	bool exclusive;
	bool stopped;
	bool dead;
	u8 *rx_copy;
};

/* io.c */
int vmci_pci_send(struct vmci_hw *hw, struct vmci_datagram *dg);
int vmci_pci_rx_batch(struct vmci_pci *vp);

/* irq.c */
int vmci_pci_irq_init(struct vmci_pci *vp);
void vmci_pci_rx_work(struct work_struct *work);

/* rx.c */
typedef int (*vmci_pci_deliver_fn)(struct vmci_datagram *dg, size_t len);
int vmci_pci_parse(u8 *buf, size_t len, bool page_framed,
		   vmci_pci_deliver_fn deliver, size_t *need);
size_t vmci_pci_snapshot(u8 *dst, const u8 *src, size_t len);

/* probe.c */
int vmci_pci_init(void);
void vmci_pci_exit(void);

#endif /* _VMCI_PCI_H */
