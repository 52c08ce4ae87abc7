// SPDX-License-Identifier: GPL-2.0
/*
 * Parsing a batch of datagrams the device delivered.
 *
 * A batch is a run of datagrams, each padded to 8 bytes, ended by a
 * header whose destination resource is VMCI_INVALID_ID. On the I/O path
 * the device streams 4 KiB pages: a datagram starts only where it fits in
 * the rest of its page, or on a page boundary (then it may span pages),
 * and an end header ends only its page. Nothing here touches the device,
 * so that KUnit can feed it what a hostile device would.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/limits.h>
#include <linux/string.h>
#include <vv_compat.h>

#include "vmci_pci.h"

/**
 * vmci_pci_parse() - deliver the datagrams of a batch
 * @buf: the batch
 * @len: its length (a multiple of 4096 when @page_framed)
 * @page_framed: the I/O path's page rules apply
 * @deliver: called for each well-formed datagram, with its unpadded size
 * @partial: out: offset of a datagram that starts on a page boundary and
 *	runs past @len (the caller reads the rest and parses again from
 *	there), or SIZE_MAX
 *
 * A datagram over VMCI_MAX_DG_SIZE, or one that breaks the framing, ends
 * the batch: the device is not following the ABI, and what follows cannot
 * be trusted either.
 *
 * Return: the number of datagrams delivered.
 * Context: any; @deliver's context.
 */
int vmci_pci_parse(u8 *buf, size_t len, bool page_framed,
		   vmci_pci_deliver_fn deliver, size_t *partial)
{
	size_t off = 0, size;
	int count = 0;

	*partial = SIZE_MAX;
	while (len - off >= VMCI_DG_HEADERSIZE) {
		struct vmci_datagram *dg = (struct vmci_datagram *)(buf + off);

		if (dg->dst.resource == VMCI_INVALID_ID) {
			/* The end of this page's datagrams; more may follow. */
			off = round_up(off + 1, VMCI_PCI_IO_BATCH);
			if (!page_framed || off >= len)
				break;
			continue;
		}
		if (dg->payload_size > VMCI_MAX_DG_PAYLOAD_SIZE) {
			pr_err_ratelimited("device delivered a datagram of %llu bytes\n",
					   dg->payload_size);
			break;
		}
		size = vmci_dg_size_aligned(dg);
		if (size > len - off) {
			if (page_framed && IS_ALIGNED(off, VMCI_PCI_IO_BATCH))
				*partial = off;
			else
				pr_err_ratelimited("device datagram overruns its batch\n");
			break;
		}
		deliver(dg, vmci_dg_size(dg));
		count++;
		off += size;
	}
	return count;
}
EXPORT_SYMBOL_IF_KUNIT(vmci_pci_parse);

/**
 * vmci_pci_snapshot() - copy a DMA batch as far as its datagrams go
 * @dst: the private copy, at least @len bytes
 * @src: the buffer the device wrote (and may still write)
 * @len: bytes @src holds
 *
 * Each header is read once and decides how much more is copied, so the
 * copy is consistent for vmci_pci_parse() however @src changes, and a
 * batch of one control packet costs a hundred bytes, not the whole
 * buffer. A header that ends the batch, is over the size limit or
 * overruns @len is copied and ends the copy; the parser then stops there
 * for the same reason.
 *
 * Return: the bytes of @dst to parse.
 * Context: any.
 */
size_t vmci_pci_snapshot(u8 *dst, const u8 *src, size_t len)
{
	size_t off = 0, size;

	while (len - off >= VMCI_DG_HEADERSIZE) {
		struct vmci_datagram *dg = (struct vmci_datagram *)(dst + off);

		memcpy(dg, src + off, VMCI_DG_HEADERSIZE);
		if (dg->dst.resource == VMCI_INVALID_ID ||
		    dg->payload_size > VMCI_MAX_DG_PAYLOAD_SIZE)
			return off + VMCI_DG_HEADERSIZE;
		size = vmci_dg_size_aligned(dg);
		if (size > len - off)
			return off + VMCI_DG_HEADERSIZE;
		memcpy(dst + off + VMCI_DG_HEADERSIZE,
		       src + off + VMCI_DG_HEADERSIZE, size - VMCI_DG_HEADERSIZE);
		off += size;
	}
	return off;
}
EXPORT_SYMBOL_IF_KUNIT(vmci_pci_snapshot);
