// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/vsock: IOCTL_VM_SOCKETS_GET_LOCAL_CID, and VMware's VMCI Sockets
 * compatibility ioctls (vmci_sockets.h: GET_AF_VALUE 0x7b8, VERSION 0x7b4),
 * which our family implements and the in-kernel one answers with ENOTTY.
 */
#include <sys/sysmacros.h>

#include "vsock_util.h"

#define VMCI_SOCKETS_GET_AF_VALUE	0x7b8	/* _IO(7, 0xb8) */
#define VMCI_SOCKETS_VERSION		0x7b4	/* _IO(7, 0xb4) */
#define VMCI_SOCKETS_INVALID_VERSION	0xffffffffu
#define MISC_MAJOR			10

static int open_dev(void)
{
	return CHECK_OK(open("/dev/vsock", O_RDONLY | O_CLOEXEC));
}

static void dev_node(void)
{
	struct stat st;

	CHECK_OK(stat("/dev/vsock", &st));
	CHECK(S_ISCHR(st.st_mode), "mode %#o", st.st_mode);
	CHECK_EQ(major(st.st_rdev), MISC_MAJOR);
	close(CHECK_OK(open("/dev/vsock", O_RDWR)));
}

static void local_cid(void)
{
	int fd = open_dev();
	unsigned int cid = 0;

	CHECK_EQ(IOCTL_VM_SOCKETS_GET_LOCAL_CID, 0x7b9);
	CHECK_OK(ioctl(fd, IOCTL_VM_SOCKETS_GET_LOCAL_CID, &cid));
	CHECK(cid != VMADDR_CID_ANY, "no local CID");
	/* With only the loopback transport, the local CID is 1. */
	if (!vt_module_loaded("vmw_vsock_vmci_transport") &&
	    !vt_module_loaded("vmw_vsock_virtio_transport") &&
	    !vt_module_loaded("vhost_vsock"))
		CHECK_EQ(cid, VMADDR_CID_LOCAL);
	CHECK_ERRNO(ioctl(fd, IOCTL_VM_SOCKETS_GET_LOCAL_CID, NULL), EFAULT);
	close(fd);
}

static void unknown_ioctls(void)
{
	unsigned long cmds[] = { 0x7ba, 0x7b5, 0x7b0, _IO(8, 0xb9),
				 _IOR(7, 0xb9, int), 0x5401 /* TCGETS */ };
	int fd = open_dev(), v;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cmds); i++)
		CHECK_ERRNO(ioctl(fd, cmds[i], &v), ENOTTY);
	close(fd);
}

static void vmware_get_af_value(void)
{
	int fd = open_dev(), af = -1, s;

	if (vt_impl_kernel()) {
		CHECK_ERRNO(ioctl(fd, VMCI_SOCKETS_GET_AF_VALUE, &af), ENOTTY);
		close(fd);
		return;
	}
	CHECK_OK(ioctl(fd, VMCI_SOCKETS_GET_AF_VALUE, &af));
	CHECK_EQ(af, AF_VSOCK);
	CHECK_ERRNO(ioctl(fd, VMCI_SOCKETS_GET_AF_VALUE, NULL), EFAULT);
	/* What VMCISock_GetAFValueFd() callers do next. */
	s = CHECK_OK(socket(af, SOCK_STREAM, 0));
	close(s);
	close(fd);
}

static void vmware_version(void)
{
	unsigned int version = VMCI_SOCKETS_INVALID_VERSION;
	int fd = open_dev();

	if (vt_impl_kernel()) {
		CHECK_ERRNO(ioctl(fd, VMCI_SOCKETS_VERSION, &version), ENOTTY);
		close(fd);
		return;
	}
	CHECK_OK(ioctl(fd, VMCI_SOCKETS_VERSION, &version));
	CHECK(version != VMCI_SOCKETS_INVALID_VERSION && version != 0,
	      "version %#x", version);
	ktap_diag("VMCI Sockets version %u.%u.%u", version >> 24,
		  (version >> 16) & 0xff, version & 0xffff);
	CHECK_ERRNO(ioctl(fd, VMCI_SOCKETS_VERSION, NULL), EFAULT);
	close(fd);
}

/* Open/ioctl/close per request, as some VMCI Sockets users do: no leak. */
static void open_close_loop(void)
{
	int first = open_dev(), fd, i;
	unsigned int cid;

	close(first);
	for (i = 0; i < 2000; i++) {
		fd = open_dev();
		CHECK_EQ(fd, first);
		CHECK_OK(ioctl(fd, IOCTL_VM_SOCKETS_GET_LOCAL_CID, &cid));
		close(fd);
	}
}

static const struct ktap_case cases[] = {
	KTAP_CASE(dev_node),
	KTAP_CASE(local_cid),
	KTAP_CASE(unknown_ioctls),
	KTAP_CASE(vmware_get_af_value),
	KTAP_CASE(vmware_version),
	KTAP_CASE(open_close_loop),
};

int main(void)
{
	return ktap_run(cases, ARRAY_SIZE(cases));
}
