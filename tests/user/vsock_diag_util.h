/* SPDX-License-Identifier: GPL-2.0 */
/*
 * AF_VSOCK sock_diag requests from the user-space tests: the in-kernel
 * ABI of <linux/vm_sockets_diag.h> and our attributes
 * (include/vsock/diag_abi.h).
 *
 * vd_dump() runs one dump and keeps every reply; vd_open(), vd_request()
 * and vd_recv() do the same in steps, for a test that acts while a dump
 * is half read.
 */
#ifndef VV_VSOCK_DIAG_UTIL_H
#define VV_VSOCK_DIAG_UTIL_H

#include <sys/resource.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/vm_sockets_diag.h>

#include "../../include/vsock/diag_abi.h"
#include "vsock_util.h"

/**
 * struct vd_entry - one socket of a dump
 * @msg: the fixed reply
 * @len: its nlmsg_len
 * @has_rqlen: a VSOCK_DIAG_RQLEN attribute came with it
 * @rqlen: that attribute
 * @meminfo_len: payload length of VSOCK_DIAG_MEMINFO, -1 if absent
 */
struct vd_entry {
	struct vsock_diag_msg msg;
	unsigned int len;
	bool has_rqlen;
	struct vsock_diag_rqlen rqlen;
	int meminfo_len;
};

/**
 * struct vd_dump - what a dump returned
 * @e: the sockets, in reply order
 * @n: how many
 * @cap: room in @e
 * @batches: recv() calls that returned replies (netlink messages)
 * @done: NLMSG_DONE was seen
 * @error: errno of an NLMSG_ERROR reply, else 0
 */
struct vd_dump {
	struct vd_entry *e;
	size_t n, cap;
	unsigned int batches;
	bool done;
	int error;
};

static inline void vd_free(struct vd_dump *d)
{
	free(d->e);
	memset(d, 0, sizeof(*d));
}

static inline int vd_open(void)
{
	return CHECK_OK(socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC,
			       NETLINK_SOCK_DIAG));
}

static inline void vd_request(int fd, __u32 states, __u32 show)
{
	struct {
		struct nlmsghdr nlh;
		struct vsock_diag_req req;
	} r = {
		.nlh = {
			.nlmsg_len = sizeof(r),
			.nlmsg_type = SOCK_DIAG_BY_FAMILY,
			.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP,
		},
		.req = {
			.sdiag_family = AF_VSOCK,
			.vdiag_states = states,
			.vdiag_show = show,
		},
	};

	CHECK_EQ(CHECK_OK(send(fd, &r, sizeof(r), 0)), sizeof(r));
}

static inline void vd_add(struct vd_dump *d, const struct nlmsghdr *h)
{
	const struct rtattr *a;
	struct vd_entry *e;
	int left;

	CHECK(h->nlmsg_len >= NLMSG_LENGTH(sizeof(struct vsock_diag_msg)),
	      "short reply of %u bytes", h->nlmsg_len);
	if (d->n == d->cap) {
		d->cap = d->cap ? 2 * d->cap : 64;
		d->e = realloc(d->e, d->cap * sizeof(*d->e));
		CHECK(d->e, "realloc");
	}
	e = &d->e[d->n++];
	memset(e, 0, sizeof(*e));
	memcpy(&e->msg, NLMSG_DATA(h), sizeof(e->msg));
	e->len = h->nlmsg_len;
	e->meminfo_len = -1;
	a = (const struct rtattr *)((const char *)NLMSG_DATA(h) +
				    NLMSG_ALIGN(sizeof(e->msg)));
	left = h->nlmsg_len - NLMSG_LENGTH(NLMSG_ALIGN(sizeof(e->msg)));
	for (; RTA_OK(a, left); a = RTA_NEXT(a, left)) {
		if (a->rta_type == VSOCK_DIAG_RQLEN) {
			CHECK_EQ(RTA_PAYLOAD(a), sizeof(e->rqlen));
			memcpy(&e->rqlen, RTA_DATA(a), sizeof(e->rqlen));
			e->has_rqlen = true;
		} else if (a->rta_type == VSOCK_DIAG_MEMINFO) {
			e->meminfo_len = RTA_PAYLOAD(a);
		}
	}
}

/*
 * One recv() of at most @bufsize bytes (at least 4096: netlink fills a
 * page per message for a reader that never asked for more, and cuts what
 * does not fit); false once the dump is over.
 */
static inline bool vd_recv(int fd, struct vd_dump *d, size_t bufsize)
{
	char *buf = malloc(bufsize);
	struct iovec iov = { .iov_len = bufsize };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct nlmsghdr *h;
	ssize_t n;

	CHECK(buf, "malloc");
	iov.iov_base = buf;
	do {
		n = recvmsg(fd, &msg, 0);
	} while (n < 0 && errno == EINTR);
	CHECK(n > 0, "recv = %zd errno %d (%s)", n, errno, strerror(errno));
	CHECK(!(msg.msg_flags & MSG_TRUNC), "reply cut at %zu bytes", bufsize);
	for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
		if (h->nlmsg_type == NLMSG_DONE) {
			d->done = true;
		} else if (h->nlmsg_type == NLMSG_ERROR) {
			d->error = -((struct nlmsgerr *)NLMSG_DATA(h))->error;
			d->done = true;
		} else {
			CHECK_EQ(h->nlmsg_type, SOCK_DIAG_BY_FAMILY);
			CHECK(h->nlmsg_flags & NLM_F_MULTI, "flags %#x",
			      h->nlmsg_flags);
			vd_add(d, h);
		}
	}
	d->batches++;
	free(buf);
	return !d->done;
}

/* A whole dump, read @bufsize bytes at a time; returns its NLMSG_ERROR. */
static inline int vd_dump_buf(struct vd_dump *d, __u32 states, __u32 show,
			      size_t bufsize)
{
	int fd = vd_open();

	memset(d, 0, sizeof(*d));
	vd_request(fd, states, show);
	while (vd_recv(fd, d, bufsize))
		;
	close(fd);
	return d->error;
}

static inline void vd_dump(struct vd_dump *d, __u32 states, __u32 show)
{
	int err = vd_dump_buf(d, states, show, 32768);

	CHECK(!err, "dump failed: %s", strerror(err));
}

static inline unsigned long vd_ino(int fd)
{
	struct stat st;

	CHECK_OK(fstat(fd, &st));
	return st.st_ino;
}

/* The entry of the socket @fd, NULL if the dump did not list it. */
static inline const struct vd_entry *vd_find(const struct vd_dump *d, int fd)
{
	unsigned long ino = vd_ino(fd);
	size_t i;

	for (i = 0; i < d->n; i++)
		if (d->e[i].msg.vdiag_ino == ino)
			return &d->e[i];
	return NULL;
}

static inline const struct vd_entry *vd_get(const struct vd_dump *d, int fd)
{
	const struct vd_entry *e = vd_find(d, fd);

	CHECK(e, "socket fd %d (ino %lu) not in the dump of %zu", fd,
	      vd_ino(fd), d->n);
	return e;
}

/* Our attributes exist only with our vsock_diag. */
static inline void vd_skip_unless_ours(void)
{
	if (vt_impl_kernel())
		ktap_skip("the in-kernel vsock_diag has no attributes");
}

static inline void vd_raise_nofile(rlim_t n)
{
	struct rlimit rl = { n, n };

	CHECK_OK(setrlimit(RLIMIT_NOFILE, &rl));
}

#endif /* VV_VSOCK_DIAG_UTIL_H */
