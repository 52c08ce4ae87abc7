/*
 * VMware VMCI device model: the PCI device.
 *
 * 15ad:0740, class 0x0880.  BAR0 is the register file in I/O space; BAR1
 * holds the MSI-X table and PBA, 8 KiB on the I/O-port flavour, 256 KiB
 * with the same register file at +128 KiB on the MMIO flavour (mmio=on),
 * whose datagrams move by DMA.  Interrupts: MSI-X with one vector per
 * cause (2 vectors, 3 with DMA datagrams), else MSI, else INTx; in the
 * single-vector modes ICR says which causes are pending.
 *
 * Copyright (c) 2026 The vsock-vmci authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/log.h"
#include "qemu/error-report.h"
#include "qemu/units.h"
#include "qemu/module.h"
#include "qapi/error.h"
#include "qapi/visitor.h"
#include "hw/pci/pci.h"
#include "hw/pci/msi.h"
#include "hw/pci/msix.h"
#include "hw/qdev-properties.h"
#include "migration/vmstate.h"
#include "exec/memory.h"
#include "exec/address-spaces.h"
#include "vmw-vmci.h"

uint32_t vmci_page_size(VMCIState *s)
{
    return 1u << s->page_shift;
}

/* A guest page the device may touch: RAM, writable, wholly inside it. */
bool vmci_guest_page_ok(VMCIState *s, uint64_t ppn)
{
    AddressSpace *as = pci_get_address_space(PCI_DEVICE(s));
    hwaddr addr, xlat, len = vmci_page_size(s);
    MemoryRegion *mr;

    if (ppn == 0 || ppn >= (1ull << (52 - s->page_shift))) {
        return false;
    }
    addr = ppn << s->page_shift;
    RCU_READ_LOCK_GUARD();
    mr = address_space_translate(as, addr, &xlat, &len, true,
                                 MEMTXATTRS_UNSPECIFIED);
    return memory_region_is_ram(mr) && !memory_region_is_rom(mr) &&
           len >= vmci_page_size(s);
}

/* Interrupts. */

static bool vmci_intx_mode(VMCIState *s)
{
    PCIDevice *pdev = PCI_DEVICE(s);

    return !msix_enabled(pdev) && !msi_enabled(pdev);
}

static void vmci_update_intx(VMCIState *s)
{
    PCIDevice *pdev = PCI_DEVICE(s);

    if (vmci_intx_mode(s)) {
        pci_set_irq(pdev, s->int_enabled && (s->icr & s->imr));
    } else {
        pci_set_irq(pdev, 0);
    }
}

static void vmci_signal(VMCIState *s, uint32_t cause)
{
    PCIDevice *pdev = PCI_DEVICE(s);
    unsigned vector = ctz32(cause);

    if (msix_enabled(pdev)) {
        /*
         * One vector per cause (exclusive mode); a vector the guest never
         * set up means it took a single vector and reads ICR.  A vector
         * masked for a while keeps its cause pending in the PBA.
         */
        if (vector >= s->msix_vectors ||
            (msix_is_masked(pdev, vector) &&
             !msix_get_message(pdev, vector).address)) {
            vector = VMCI_VECTOR_DATAGRAM;
        }
        msix_notify(pdev, vector);
    } else if (msi_enabled(pdev)) {
        msi_notify(pdev, 0);
    } else {
        vmci_update_intx(s);
    }
}

/* Note a pending cause and signal it if the guest enabled it. */
void vmci_raise(VMCIState *s, uint32_t cause)
{
    s->icr |= cause;
    if (s->int_enabled && (s->imr & cause)) {
        vmci_signal(s, cause);
    }
}

static void vmci_raise_pending(VMCIState *s)
{
    uint32_t pending = s->icr & s->imr;

    if (!s->int_enabled) {
        vmci_update_intx(s);
        return;
    }
    while (pending) {
        uint32_t cause = pending & -pending;

        vmci_signal(s, cause);
        pending &= ~cause;
    }
}

/* Registers. */

/*
 * A guest that did not take DMA datagrams (an older driver on the newer
 * device) uses the byte streams, as on the I/O-port device.
 */
static bool vmci_dma_in_use(VMCIState *s)
{
    return s->caps_in_use & VMCI_CAPS_DMA_DATAGRAM;
}

static void vmci_device_reset(VMCIState *s)
{
    s->caps_in_use = 0;
    s->icr = 0;
    s->imr = 0;
    s->int_enabled = false;
    s->result = 0;
    s->out_addr_lo = s->out_addr_hi = 0;
    s->in_addr_lo = s->in_addr_hi = 0;
    s->page_shift = 12;
    vmci_vsock_reset(s);
    vmci_qp_reset(s);
    vmci_hyp_reset(s);
    vmci_dgram_reset(s);
    vmci_update_intx(s);
}

static void vmci_write_control(VMCIState *s, uint32_t val)
{
    if (val & VMCI_CONTROL_RESET) {
        vmci_device_reset(s);
    }
    if (val & VMCI_CONTROL_INT_ENABLE) {
        s->int_enabled = true;
        vmci_raise_pending(s);
    }
    if (val & VMCI_CONTROL_INT_DISABLE) {
        s->int_enabled = false;
        vmci_update_intx(s);
    }
}

static void vmci_write_caps(VMCIState *s, uint32_t val)
{
    if (val & ~s->caps) {
        qemu_log_mask(LOG_GUEST_ERROR,
                      "vmw-vmci: CAPS write 0x%x uses unoffered bits 0x%x\n",
                      val, val & ~s->caps);
        val &= s->caps;
    }
    s->caps_in_use = val;
}

static uint64_t vmci_reg_read(void *opaque, hwaddr addr, unsigned size)
{
    VMCIState *s = opaque;
    uint32_t val;

    switch (addr) {
    case VMCI_REG_STATUS:
        return s->int_enabled ? VMCI_STATUS_INT_ON : 0;
    case VMCI_REG_ICR:
        val = s->icr;
        s->icr = 0;
        vmci_update_intx(s);
        return val;
    case VMCI_REG_IMR:
        return s->imr;
    case VMCI_REG_DATA_IN:
        if (!vmci_dma_in_use(s)) {
            return vmci_data_in_byte(s);
        }
        break;
    case VMCI_REG_CAPS:
        return s->caps;
    case VMCI_REG_RESULT_LOW:
        if (!vmci_dma_in_use(s)) {
            vmci_data_out_sync(s);
        }
        return (uint32_t)s->result;
    case VMCI_REG_RESULT_HIGH:
        return (uint32_t)(s->result >> 32);
    case VMCI_REG_GUEST_PAGE_SHIFT:
        return s->page_shift;
    case VMCI_REG_DATA_OUT_HIGH:
        return s->out_addr_hi;
    case VMCI_REG_DATA_IN_HIGH:
        return s->in_addr_hi;
    }
    qemu_log_mask(LOG_GUEST_ERROR, "vmw-vmci: read of register 0x%"
                  HWADDR_PRIx "\n", addr);
    return 0;
}

static void vmci_reg_write(void *opaque, hwaddr addr, uint64_t val,
                           unsigned size)
{
    VMCIState *s = opaque;

    switch (addr) {
    case VMCI_REG_CONTROL:
        vmci_write_control(s, val);
        return;
    case VMCI_REG_IMR:
        s->imr = val & (VMCI_ICR_DATAGRAM | VMCI_ICR_NOTIFICATION |
                        VMCI_ICR_DMA_DATAGRAM);
        vmci_raise_pending(s);
        return;
    case VMCI_REG_DATA_OUT:
        if (!vmci_dma_in_use(s)) {
            vmci_data_out_byte(s, val);
            return;
        }
        break;
    case VMCI_REG_CAPS:
        vmci_write_caps(s, val);
        return;
    case VMCI_REG_DATA_OUT_LOW:
        if (s->caps_in_use & VMCI_CAPS_DMA_DATAGRAM) {
            s->out_addr_lo = val;
            vmci_dma_send(s);
            return;
        }
        break;
    case VMCI_REG_DATA_OUT_HIGH:
        s->out_addr_hi = val;
        return;
    case VMCI_REG_DATA_IN_LOW:
        if (s->caps_in_use & VMCI_CAPS_DMA_DATAGRAM) {
            s->in_addr_lo = val;
            vmci_dma_receive(s);
            return;
        }
        break;
    case VMCI_REG_DATA_IN_HIGH:
        s->in_addr_hi = val;
        return;
    case VMCI_REG_GUEST_PAGE_SHIFT:
        if (val >= 12 && val <= 21) {
            s->page_shift = val;
            return;
        }
        break;
    }
    qemu_log_mask(LOG_GUEST_ERROR, "vmw-vmci: write of 0x%" PRIx64
                  " to register 0x%" HWADDR_PRIx " ignored\n", val, addr);
}

/*
 * DATA_OUT and DATA_IN are byte streams (rep outsb/insb): one byte per
 * access, so the region takes 1-byte accesses as they come; the other
 * registers are 32-bit.
 */
static bool vmci_reg_accepts(void *opaque, hwaddr addr, unsigned size,
                             bool is_write, MemTxAttrs attrs)
{
    if (addr == VMCI_REG_DATA_OUT || addr == VMCI_REG_DATA_IN) {
        return size == 1;
    }
    return size == 4 && !(addr & 3);
}

static const MemoryRegionOps vmci_reg_ops = {
    .read = vmci_reg_read,
    .write = vmci_reg_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = {
        .min_access_size = 1,
        .max_access_size = 4,
        .accepts = vmci_reg_accepts,
    },
    .impl = {
        .min_access_size = 1,
        .max_access_size = 4,
    },
};

/* The context ID, settable at run time (qom-set): a migration's view. */
static void vmci_get_cid(Object *obj, Visitor *v, const char *name,
                         void *opaque, Error **errp)
{
    VMCIState *s = VMW_VMCI(obj);

    visit_type_uint32(v, name, &s->cid, errp);
}

static void vmci_set_cid(Object *obj, Visitor *v, const char *name,
                         void *opaque, Error **errp)
{
    VMCIState *s = VMW_VMCI(obj);
    uint32_t cid;

    if (!visit_type_uint32(v, name, &cid, errp)) {
        return;
    }
    if (cid <= VMCI_HOST_CID || cid >= 0x80000000u) {
        error_setg(errp, "vmw-vmci: cid must be in 3..0x7fffffff");
        return;
    }
    if (!DEVICE(obj)->realized || cid == s->cid) {
        s->cid = cid;
        return;
    }
    /*
     * As a resume on another host: the host's ends of every pair are
     * gone, the guest learns its new ID, then that its pairs must be
     * re-established.
     */
    vmci_vsock_reset(s);
    s->cid = cid;
    vmci_send_ctx_event(s, VMCI_EVENT_CTX_ID_UPDATE, cid);
    vmci_send_ctx_event(s, VMCI_EVENT_QP_RESUMED, VMCI_INVALID_ID);
}

static void vmci_realize(PCIDevice *pdev, Error **errp)
{
    VMCIState *s = VMW_VMCI(pdev);
    uint64_t bar1_size = s->mmio ? VMCI_MMIO_BAR_SIZE : VMCI_MSIX_BAR_SIZE;
    Error *err = NULL;

    if (s->cid <= VMCI_HOST_CID || s->cid >= 0x80000000u) {
        error_setg(errp, "vmw-vmci: cid must be in 3..0x7fffffff");
        return;
    }
    if (s->mmio && !s->dma_datagram) {
        /* The guest refuses this combination; allow it, to test that. */
        warn_report("vmw-vmci: mmio=on without dma-datagram");
    }
    if (s->seqpacket && !s->hairpin) {
        /* Only a guest of ours speaks it: a host never does. */
        error_setg(errp, "vmw-vmci: seqpacket=on needs hairpin=on");
        return;
    }

    s->caps = VMCI_CAPS_DATAGRAM;
    s->caps |= s->notifications ? VMCI_CAPS_NOTIFICATIONS : 0;
    s->caps |= s->ppn64 ? VMCI_CAPS_PPN64 : 0;
    s->caps |= s->dma_datagram ? VMCI_CAPS_DMA_DATAGRAM : 0;
    s->page_shift = 12;
    s->next_host_rid = 1024;
    QSIMPLEQ_INIT(&s->rxq);
    QTAILQ_INIT(&s->doorbells);
    QTAILQ_INIT(&s->qps);
    s->out_buf = g_malloc(VMCI_MAX_HYPERCALL_SIZE);

    pci_config_set_interrupt_pin(pdev->config, 1);
    pci_set_word(pdev->config + PCI_SUBSYSTEM_VENDOR_ID, PCI_VENDOR_ID_VMWARE);
    pci_set_word(pdev->config + PCI_SUBSYSTEM_ID, VMCI_PCI_DEVICE_ID);

    memory_region_init_io(&s->io_bar, OBJECT(s), &vmci_reg_ops, s,
                          "vmw-vmci-io", VMCI_IO_BAR_SIZE);
    pci_register_bar(pdev, 0, PCI_BASE_ADDRESS_SPACE_IO, &s->io_bar);

    if (s->use_msi &&
        msi_init(pdev, VMCI_MSI_CAP_OFFSET, 1, true, false, &err) < 0) {
        error_propagate(errp, err);
        goto err_msi;
    }

    memory_region_init(&s->mmio_bar, OBJECT(s), "vmw-vmci-bar1", bar1_size);
    if (s->mmio) {
        memory_region_init_io(&s->mmio_regs, OBJECT(s), &vmci_reg_ops, s,
                              "vmw-vmci-mmio", VMCI_MMIO_REGS_SIZE);
        memory_region_add_subregion(&s->mmio_bar, VMCI_MMIO_REGS_OFFSET,
                                    &s->mmio_regs);
    }
    if (s->use_msix) {
        unsigned i;

        s->msix_vectors = s->mmio ? 3 : 2;
        if (msix_init(pdev, s->msix_vectors, &s->mmio_bar, 1, 0, &s->mmio_bar,
                      1, s->mmio ? VMCI_MSIX_PBA_MMIO : VMCI_MSIX_PBA_SMALL,
                      VMCI_MSIX_CAP_OFFSET, &err) < 0) {
            error_propagate(errp, err);
            s->use_msix = false;
            goto err_msi;
        }
        for (i = 0; i < s->msix_vectors; i++) {
            msix_vector_use(pdev, i);
        }
    }
    if (s->mmio || s->use_msix) {
        pci_register_bar(pdev, 1, PCI_BASE_ADDRESS_SPACE_MEMORY |
                         PCI_BASE_ADDRESS_MEM_TYPE_64, &s->mmio_bar);
    }

    vmci_vsock_init(s, &err);
    if (err) {
        error_propagate(errp, err);
        goto err_msix;
    }
    vmci_dgram_reset(s);
    return;

err_msix:
    if (s->use_msix) {
        msix_uninit(pdev, &s->mmio_bar, &s->mmio_bar);
    }
err_msi:
    msi_uninit(pdev);
    vmci_vsock_exit(s);
    g_free(s->out_buf);
    s->out_buf = NULL;
}

static void vmci_exit(PCIDevice *pdev)
{
    VMCIState *s = VMW_VMCI(pdev);

    vmci_vsock_exit(s);
    vmci_qp_reset(s);
    vmci_hyp_reset(s);
    vmci_dgram_reset(s);
    g_free(s->out_buf);
    if (s->use_msix) {
        msix_uninit(pdev, &s->mmio_bar, &s->mmio_bar);
    }
    msi_uninit(pdev);
}

static void vmci_qdev_reset(DeviceState *dev)
{
    VMCIState *s = VMW_VMCI(dev);
    PCIDevice *pdev = PCI_DEVICE(dev);
    unsigned i;

    vmci_device_reset(s);
    /* msix_reset keeps use counts, but be explicit after a reset. */
    for (i = 0; s->use_msix && i < s->msix_vectors; i++) {
        msix_vector_unuse(pdev, i);
        msix_vector_use(pdev, i);
    }
}

/* Host sockets and guest memory mapped into queue pairs do not migrate. */
static const VMStateDescription vmstate_vmci = {
    .name = TYPE_VMW_VMCI,
    .unmigratable = 1,
};

static Property vmci_properties[] = {
    DEFINE_PROP_BOOL("mmio", VMCIState, mmio, true),
    DEFINE_PROP_BOOL("dma-datagram", VMCIState, dma_datagram, true),
    DEFINE_PROP_BOOL("notifications", VMCIState, notifications, true),
    DEFINE_PROP_BOOL("ppn64", VMCIState, ppn64, true),
    DEFINE_PROP_BOOL("msix", VMCIState, use_msix, true),
    DEFINE_PROP_BOOL("msi", VMCIState, use_msi, true),
    DEFINE_PROP_BOOL("hairpin", VMCIState, hairpin, false),
    DEFINE_PROP_BOOL("trace", VMCIState, trace, false),
    DEFINE_PROP_BOOL("old-protocol", VMCIState, old_protocol, false),
    DEFINE_PROP_BOOL("request2", VMCIState, request2, true),
    DEFINE_PROP_BOOL("seqpacket", VMCIState, seqpacket, false),
    DEFINE_PROP_UINT32("silent-port", VMCIState, silent_port, 0),
    DEFINE_PROP_STRING("uds", VMCIState, uds),
    DEFINE_PROP_UINT32("queue-limit", VMCIState, queue_limit,
                       2 * VMCI_MAX_DG_SIZE),
    DEFINE_PROP_END_OF_LIST(),
};

static void vmci_instance_init(Object *obj)
{
    VMCIState *s = VMW_VMCI(obj);

    s->cid = 3;
    object_property_add(obj, "cid", "uint32", vmci_get_cid, vmci_set_cid,
                        NULL, NULL);
}

static void vmci_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    PCIDeviceClass *k = PCI_DEVICE_CLASS(klass);

    k->realize = vmci_realize;
    k->exit = vmci_exit;
    k->vendor_id = PCI_VENDOR_ID_VMWARE;
    k->device_id = VMCI_PCI_DEVICE_ID;
    k->revision = VMCI_PCI_REVISION;
    k->class_id = PCI_CLASS_SYSTEM_OTHER;
    k->subsystem_vendor_id = PCI_VENDOR_ID_VMWARE;
    k->subsystem_id = VMCI_PCI_DEVICE_ID;
    dc->desc = "VMware VMCI device (model: hypervisor and host)";
    dc->reset = vmci_qdev_reset;
    dc->vmsd = &vmstate_vmci;
    device_class_set_props(dc, vmci_properties);
    set_bit(DEVICE_CATEGORY_MISC, dc->categories);
}

static const TypeInfo vmci_info = {
    .name = TYPE_VMW_VMCI,
    .parent = TYPE_PCI_DEVICE,
    .instance_size = sizeof(VMCIState),
    .instance_init = vmci_instance_init,
    .class_init = vmci_class_init,
    .interfaces = (InterfaceInfo[]) {
        { INTERFACE_CONVENTIONAL_PCI_DEVICE },
        { },
    },
};

static void vmci_register_types(void)
{
    type_register_static(&vmci_info);
}

type_init(vmci_register_types)
