/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internal interfaces between the files of the VMCI core. Nothing here
 * crosses the module boundary except through EXPORT_SYMBOL_IF_KUNIT,
 * which makes a few internals reachable from the KUnit suites.
 */
#ifndef _VMCI_CORE_H
#define _VMCI_CORE_H

#include <linux/types.h>
#include <vmci/vmci_abi.h>

/* status.c */
int vmci_status_to_errno(int status);

#endif /* _VMCI_CORE_H */
