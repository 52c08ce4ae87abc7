// SPDX-License-Identifier: GPL-2.0
/*
 * vsock_diag through its netlink ABI: a dump over thousands of sockets
 * in many messages, the state filter, network namespaces, our queue
 * length and memory attributes (none unless asked), and unloading the
 * module while dumps run. Peers over VV_PEER_CID (default the loopback).
 */
#include <pthread.h>
#include <sched.h>
#include <sys/syscall.h>
#include <netinet/tcp.h>

#include "vsock_diag_util.h"

#define ALL_STATES	(~(__u32)0)
#define DIAG_KO_DEFAULT	"/opt/vv/vsock/diag/vsock_diag.ko"

/* Replies without vdiag_show bits are the in-kernel ones, to the byte. */
static void dump_no_attrs_by_default(void)
{
	unsigned int port;
	int lfd = vt_listener(SOCK_STREAM, &port, 1);
	struct vd_dump d;
	const struct vd_entry *e;

	vd_dump(&d, ALL_STATES, 0);
	e = vd_get(&d, lfd);
	CHECK_EQ(e->len, NLMSG_LENGTH(sizeof(struct vsock_diag_msg)));
	CHECK_EQ(e->msg.vdiag_family, AF_VSOCK);
	CHECK_EQ(e->msg.vdiag_type, SOCK_STREAM);
	CHECK_EQ(e->msg.vdiag_state, TCP_LISTEN);
	CHECK_EQ(e->msg.vdiag_src_cid, VMADDR_CID_ANY);
	CHECK_EQ(e->msg.vdiag_src_port, port);
	CHECK_EQ(e->msg.vdiag_dst_cid, VMADDR_CID_ANY);
	CHECK_EQ(e->msg.vdiag_dst_port, VMADDR_PORT_ANY);
	CHECK(e->msg.vdiag_cookie[0] || e->msg.vdiag_cookie[1], "no cookie");
	vd_free(&d);
	close(lfd);
}

static int *open_many(int type, unsigned int n, bool bind)
{
	int *fds = calloc(n, sizeof(*fds));
	unsigned int i;

	CHECK(fds, "calloc");
	for (i = 0; i < n; i++) {
		fds[i] = CHECK_OK(socket(AF_VSOCK, type | SOCK_CLOEXEC, 0));
		if (bind)
			CHECK_OK(vt_bind(fds[i], VMADDR_CID_ANY,
					 VMADDR_PORT_ANY));
	}
	return fds;
}

static void close_many(int *fds, unsigned int n)
{
	while (n)
		close(fds[--n]);
	free(fds);
}

static int cmp_ulong(const void *a, const void *b)
{
	unsigned long x = *(const unsigned long *)a;
	unsigned long y = *(const unsigned long *)b;

	return x < y ? -1 : x > y;
}

/* Every socket of @fds appears exactly once in @d. */
static void check_once(const struct vd_dump *d, const int *fds, unsigned int n)
{
	unsigned long *seen = calloc(d->n ? d->n : 1, sizeof(*seen));
	unsigned int i, dup = 0;
	size_t j;

	CHECK(seen, "calloc");
	for (j = 0; j < d->n; j++)
		seen[j] = d->e[j].msg.vdiag_ino;
	qsort(seen, d->n, sizeof(*seen), cmp_ulong);
	for (j = 1; j < d->n; j++)
		dup += seen[j] && seen[j] == seen[j - 1];
	CHECK_EQ(dup, 0);
	for (i = 0; i < n; i++) {
		unsigned long ino = vd_ino(fds[i]);

		CHECK(bsearch(&ino, seen, d->n, sizeof(*seen), cmp_ulong),
		      "socket %u (ino %lu) missing from %zu", i, ino, d->n);
	}
	free(seen);
}

/*
 * 2,000 bound STREAM sockets, 300 unbound and 200 bound DGRAM sockets,
 * read 4 KiB at a time: many messages, each socket exactly once.
 */
static void dump_2000_bound_listed_once(void)
{
	bool dgram = !vt_impl_kernel() || vt_module_loaded("vmw_vsock_vmci_transport");
	unsigned int nb = 2000, nu = 300, nd = dgram ? 200 : 0;
	int *bound, *unbound, *dg = NULL;
	struct vd_dump d;

	vd_raise_nofile(8192);
	bound = open_many(SOCK_STREAM, nb, true);
	unbound = open_many(SOCK_STREAM, nu, false);
	if (nd)
		dg = open_many(SOCK_DGRAM, nd, true);

	CHECK_EQ(vd_dump_buf(&d, ALL_STATES, 0, 4096), 0);
	ktap_diag("%zu sockets in %u messages", d.n, d.batches);
	CHECK(d.batches > 10, "only %u messages", d.batches);
	CHECK(d.n >= nb + nu + nd, "%zu listed", d.n);
	check_once(&d, bound, nb);
	check_once(&d, unbound, nu);
	if (nd)
		check_once(&d, dg, nd);
	vd_free(&d);

	/* The same with every attribute: replies grow, resumption holds. */
	if (!vt_impl_kernel()) {
		CHECK_EQ(vd_dump_buf(&d, ALL_STATES, VSOCK_DIAG_SHOW_RQLEN |
				     VSOCK_DIAG_SHOW_MEMINFO, 4096), 0);
		check_once(&d, bound, nb);
		check_once(&d, unbound, nu);
		vd_free(&d);
	}
	if (nd)
		close_many(dg, nd);
	close_many(unbound, nu);
	close_many(bound, nb);
}

static void dump_states_filter(void)
{
	unsigned int port;
	int lfd = vt_listener(SOCK_STREAM, &port, 1);
	int cfd = vt_connected(SOCK_STREAM, port);
	int sfd = CHECK_OK(accept(lfd, NULL, NULL));
	int ufd = vt_socket(SOCK_STREAM);
	struct vd_dump d;

	vd_dump(&d, 1 << TCP_LISTEN, 0);
	CHECK_EQ(vd_get(&d, lfd)->msg.vdiag_state, TCP_LISTEN);
	CHECK(!vd_find(&d, cfd) && !vd_find(&d, sfd) && !vd_find(&d, ufd),
	      "non-listener in a LISTEN dump");
	vd_free(&d);

	vd_dump(&d, 1 << TCP_ESTABLISHED, 0);
	CHECK_EQ(vd_get(&d, cfd)->msg.vdiag_state, TCP_ESTABLISHED);
	CHECK_EQ(vd_get(&d, sfd)->msg.vdiag_dst_port,
		 vt_sockname(cfd).svm_port);
	CHECK(!vd_find(&d, lfd) && !vd_find(&d, ufd), "listed");
	vd_free(&d);

	vd_dump(&d, 1 << TCP_CLOSE, 0);
	CHECK_EQ(vd_get(&d, ufd)->msg.vdiag_src_port, VMADDR_PORT_ANY);
	CHECK(!vd_find(&d, lfd) && !vd_find(&d, cfd), "listed");
	vd_free(&d);

	vd_dump(&d, 0, 0);
	CHECK(!vd_find(&d, lfd) && !vd_find(&d, cfd) && !vd_find(&d, ufd),
	      "listed with no state asked");
	vd_free(&d);
	close(ufd);
	close(sfd);
	close(cfd);
	close(lfd);
}

static const struct vsock_diag_rqlen *rqlen_of(const struct vd_dump *d,
					       int fd)
{
	const struct vd_entry *e = vd_get(d, fd);

	CHECK(e->has_rqlen, "no VSOCK_DIAG_RQLEN for fd %d", fd);
	return &e->rqlen;
}

/* Recv-Q: unread bytes at the receiver, none at the sender. */
static void rqlen_stream_unread(void)
{
	char buf[1234];
	int cfd, sfd;
	struct vd_dump d;

	vd_skip_unless_ours();
	vt_pair(SOCK_STREAM, &cfd, &sfd);
	vt_fill(buf, sizeof(buf), 3);
	vt_send_all(cfd, buf, sizeof(buf));
	vt_wait_bytes(sfd, sizeof(buf));
	vd_dump(&d, ALL_STATES, VSOCK_DIAG_SHOW_RQLEN);
	CHECK_EQ(rqlen_of(&d, sfd)->vdiag_rqueue, sizeof(buf));
	CHECK_EQ(rqlen_of(&d, sfd)->vdiag_wqueue, 0);
	CHECK_EQ(rqlen_of(&d, cfd)->vdiag_rqueue, 0);
	CHECK_EQ(vd_get(&d, sfd)->meminfo_len, -1);
	vd_free(&d);

	vt_recv_all(sfd, buf, 1000);
	vd_dump(&d, ALL_STATES, VSOCK_DIAG_SHOW_RQLEN);
	CHECK_EQ(rqlen_of(&d, sfd)->vdiag_rqueue, sizeof(buf) - 1000);
	vd_free(&d);
	close(sfd);
	close(cfd);
}

/* SEQPACKET: the next message's length, as SIOCINQ. */
static void rqlen_seqpacket_next_message(void)
{
	char buf[100] = { 0 };
	int cfd, sfd;
	struct vd_dump d;

	vd_skip_unless_ours();
	vt_pair(SOCK_SEQPACKET, &cfd, &sfd);
	CHECK_EQ(CHECK_OK(send(cfd, buf, 100, 0)), 100);
	CHECK_EQ(CHECK_OK(send(cfd, buf, 50, 0)), 50);
	vt_wait_bytes(sfd, 100);
	vd_dump(&d, ALL_STATES, VSOCK_DIAG_SHOW_RQLEN);
	CHECK_EQ(vd_get(&d, sfd)->msg.vdiag_type, SOCK_SEQPACKET);
	CHECK_EQ(rqlen_of(&d, sfd)->vdiag_rqueue, 100);
	vd_free(&d);
	close(sfd);
	close(cfd);
}

/* A listener: children waiting for accept(), and its backlog. */
static void rqlen_listener_backlog(void)
{
	double deadline = ktap_now() + 5;
	unsigned int port, children = 0;
	int lfd, c1, c2;
	struct vd_dump d;
	size_t i;

	vd_skip_unless_ours();
	lfd = vt_listener(SOCK_STREAM, &port, 5);
	c1 = vt_connected(SOCK_STREAM, port);
	c2 = vt_connected(SOCK_STREAM, port);
	/* Over VMCI the listener sees the second child a little later. */
	for (;;) {
		vd_dump(&d, ALL_STATES, VSOCK_DIAG_SHOW_RQLEN);
		if (rqlen_of(&d, lfd)->vdiag_rqueue == 2 || ktap_now() > deadline)
			break;
		vd_free(&d);
		ktap_msleep(10);
	}
	CHECK_EQ(rqlen_of(&d, lfd)->vdiag_rqueue, 2);
	CHECK_EQ(rqlen_of(&d, lfd)->vdiag_wqueue, 5);
	/* The children are listed, established, on the listener's port. */
	for (i = 0; i < d.n; i++)
		children += d.e[i].msg.vdiag_src_port == port &&
			    d.e[i].msg.vdiag_state == TCP_ESTABLISHED &&
			    !d.e[i].msg.vdiag_ino;
	CHECK_EQ(children, 2);
	vd_free(&d);
	close(c2);
	close(c1);
	close(lfd);
}

/* DGRAM: the bytes of the queued datagrams. */
static void rqlen_dgram_queued(void)
{
	char buf[100] = { 0 };
	int rfd, sfd = -1;
	struct sockaddr_vm to;
	struct vd_dump d;

	vd_skip_unless_ours();
	rfd = socket(AF_VSOCK, SOCK_DGRAM, 0);
	if (rfd < 0 && errno == ENODEV)
		ktap_skip("no datagram transport");
	CHECK_OK(rfd);
	CHECK_OK(vt_bind(rfd, VMADDR_CID_ANY, VMADDR_PORT_ANY));
	to = vt_addr(vt_peer_cid(), vt_sockname(rfd).svm_port);
	sfd = vt_socket(SOCK_DGRAM);
	CHECK_EQ(CHECK_OK(sendto(sfd, buf, 100, 0, (struct sockaddr *)&to,
				 sizeof(to))), 100);
	CHECK_EQ(CHECK_OK(sendto(sfd, buf, 50, 0, (struct sockaddr *)&to,
				 sizeof(to))), 50);
	vt_wait_bytes(rfd, 1);
	ktap_msleep(50);
	vd_dump(&d, ALL_STATES, VSOCK_DIAG_SHOW_RQLEN);
	CHECK_EQ(vd_get(&d, rfd)->msg.vdiag_type, SOCK_DGRAM);
	CHECK_EQ(vd_get(&d, rfd)->msg.vdiag_state, TCP_CLOSE);
	CHECK_EQ(rqlen_of(&d, rfd)->vdiag_rqueue, 150);
	CHECK_EQ(rqlen_of(&d, sfd)->vdiag_rqueue, 0);
	vd_free(&d);
	close(sfd);
	close(rfd);
}

static void meminfo_attr(void)
{
	unsigned int port;
	struct vd_dump d;
	int lfd;

	vd_skip_unless_ours();
	lfd = vt_listener(SOCK_STREAM, &port, 1);
	vd_dump(&d, ALL_STATES, VSOCK_DIAG_SHOW_MEMINFO);
	CHECK_EQ(vd_get(&d, lfd)->meminfo_len, SK_MEMINFO_VARS * 4);
	CHECK(!vd_get(&d, lfd)->has_rqlen, "RQLEN not asked");
	vd_free(&d);
	close(lfd);
}

/* A socket is listed only to a requester of its network namespace. */
static void dump_netns(void)
{
	int ready[2], done[2];
	unsigned long child_ino = 0;
	struct vd_dump d;
	pid_t pid;
	int status;
	size_t i;

	CHECK_OK(pipe(ready));
	CHECK_OK(pipe(done));
	pid = CHECK_OK(fork());
	if (!pid) {
		unsigned int port;
		unsigned long ino;
		int lfd;

		if (unshare(CLONE_NEWNET))
			_exit(KTAP_SKIP_STATUS);
		lfd = vt_listener(SOCK_STREAM, &port, 1);
		vd_dump(&d, ALL_STATES, 0);
		CHECK_EQ(d.n, 1);
		CHECK_EQ(d.e[0].msg.vdiag_ino, vd_ino(lfd));
		ino = vd_ino(lfd);
		CHECK_EQ(write(ready[1], &ino, sizeof(ino)), sizeof(ino));
		CHECK_EQ(read(done[0], &ino, 1), 1);
		_exit(0);
	}
	close(ready[1]);
	close(done[0]);
	if (read(ready[0], &child_ino, sizeof(child_ino)) == sizeof(child_ino)) {
		vd_dump(&d, ALL_STATES, 0);
		for (i = 0; i < d.n; i++)
			CHECK(d.e[i].msg.vdiag_ino != child_ino,
			      "socket of another namespace listed");
		vd_free(&d);
	}
	CHECK_EQ(write(done[1], "x", 1), 1);
	CHECK_OK(waitpid(pid, &status, 0));
	if (WIFEXITED(status) && WEXITSTATUS(status) == KTAP_SKIP_STATUS)
		ktap_skip("no network namespaces (CONFIG_NET_NS)");
	CHECK(WIFEXITED(status) && !WEXITSTATUS(status), "child status %#x",
	      status);
	CHECK(child_ino, "child listed nothing");
}

static const char *diag_ko(void)
{
	const char *ko = getenv("VV_DIAG_KO");

	return ko ? ko : DIAG_KO_DEFAULT;
}

static int diag_unload(void)
{
	return syscall(__NR_delete_module, "vsock_diag", O_NONBLOCK);
}

static int diag_load(void)
{
	int fd = open(diag_ko(), O_RDONLY | O_CLOEXEC);
	int ret;

	if (fd < 0)
		return -1;
	ret = syscall(__NR_finit_module, fd, "", 0);
	close(fd);
	return ret;
}

/*
 * Run @body in a child; whatever it did, vsock_diag is loaded again
 * afterwards, so that a failure cannot leave the boot without it.
 */
static void with_reload(void (*body)(void))
{
	pid_t pid;
	int status;

	if (vt_impl_kernel())
		ktap_skip("unloads our vsock_diag");
	if (access(diag_ko(), R_OK))
		ktap_skip("%s missing", diag_ko());
	CHECK(vt_module_loaded("vsock_diag"), "vsock_diag not loaded");
	pid = CHECK_OK(fork());
	if (!pid) {
		body();
		_exit(0);
	}
	CHECK_OK(waitpid(pid, &status, 0));
	if (!vt_module_loaded("vsock_diag"))
		CHECK_OK(diag_load());
	CHECK(WIFEXITED(status) && !WEXITSTATUS(status), "status %#x", status);
}

static void unload_mid_dump_body(void)
{
	int *fds, fd;
	struct vd_dump d;

	fds = open_many(SOCK_STREAM, 300, true);
	fd = vd_open();
	memset(&d, 0, sizeof(d));
	vd_request(fd, ALL_STATES, 0);
	CHECK(vd_recv(fd, &d, 4096), "one message held all");
	/* netlink holds the module until the dump is done. */
	CHECK_ERRNO(diag_unload(), EWOULDBLOCK);
	while (vd_recv(fd, &d, 4096))
		;
	CHECK_EQ(d.error, 0);
	check_once(&d, fds, 300);
	vd_free(&d);
	close(fd);

	CHECK_OK(diag_unload());
	CHECK(!vt_module_loaded("vsock_diag"), "still loaded");
	CHECK_EQ(vd_dump_buf(&d, ALL_STATES, 0, 4096), ENOENT);
	vd_free(&d);
	CHECK_OK(diag_load());
	vd_dump(&d, ALL_STATES, 0);
	check_once(&d, fds, 300);
	vd_free(&d);
	close_many(fds, 300);
}

static void unload_mid_dump(void)
{
	with_reload(unload_mid_dump_body);
}

static volatile int racing;

static void *dump_loop(void *arg)
{
	unsigned int *counts = arg;
	struct vd_dump d;
	int err;

	while (racing) {
		err = vd_dump_buf(&d, ALL_STATES, VSOCK_DIAG_SHOW_RQLEN, 4096);
		CHECK(!err || err == ENOENT, "dump: %s", strerror(err));
		counts[!!err]++;
		vd_free(&d);
	}
	return NULL;
}

/* Dumps racing with rmmod/insmod: each one whole or ENOENT, no splat. */
static void unload_race_body(void)
{
	unsigned int counts[2] = { 0, 0 };
	pthread_t t;
	int *fds, i;

	fds = open_many(SOCK_STREAM, 200, true);
	racing = 1;
	CHECK(!pthread_create(&t, NULL, dump_loop, counts), "pthread");
	for (i = 0; i < 20; i++) {
		ktap_msleep(20);
		/* Busy while a dump holds it: try again. */
		while (diag_unload() && errno == EWOULDBLOCK)
			ktap_msleep(1);
		ktap_msleep(5);
		CHECK_OK(diag_load());
	}
	racing = 0;
	pthread_join(t, NULL);
	ktap_diag("%u whole dumps, %u while unloaded", counts[0], counts[1]);
	CHECK(counts[0] > 0, "no dump completed");
	close_many(fds, 200);
}

static void unload_race(void)
{
	with_reload(unload_race_body);
}

static const struct ktap_case cases[] = {
	KTAP_CASE(dump_no_attrs_by_default),
	KTAP_CASE_TIMEOUT(dump_2000_bound_listed_once, 300),
	KTAP_CASE(dump_states_filter),
	KTAP_CASE(rqlen_stream_unread),
	KTAP_CASE(rqlen_seqpacket_next_message),
	KTAP_CASE(rqlen_listener_backlog),
	KTAP_CASE(rqlen_dgram_queued),
	KTAP_CASE(meminfo_attr),
	KTAP_CASE(dump_netns),
	KTAP_CASE_TIMEOUT(unload_mid_dump, 120),
	KTAP_CASE_TIMEOUT(unload_race, 120),
};

int main(void)
{
	return ktap_run(cases, ARRAY_SIZE(cases));
}
