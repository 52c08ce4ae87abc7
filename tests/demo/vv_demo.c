// SPDX-License-Identifier: GPL-2.0
/*
 * The `make run` demo, as a short transcript of what it did.
 *
 *   vv_demo        two processes of this guest talk over AF_VSOCK on the
 *                  local CID: a stream echo, then a datagram exchange
 *   vv_demo host   this guest talks to a program on the host (CID 2)
 *                  through the VMCI device (tests/demo/vv_demo_host.py
 *                  beside the QEMU model): a stream echo and a datagram
 *                  exchange started by the guest, then a stream started
 *                  by the host
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>
#include <linux/vm_sockets.h>

#define STREAM_PORT	5000
#define DGRAM_PORT	5001
#define INBOUND_PORT	6000

static struct sockaddr_vm addr(unsigned int cid, unsigned int port)
{
	struct sockaddr_vm sa;

	memset(&sa, 0, sizeof(sa));
	sa.svm_family = AF_VSOCK;
	sa.svm_cid = cid;
	sa.svm_port = port;
	return sa;
}

static void die(const char *what)
{
	printf("    error: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* Child: accept one connection and echo until the peer closes. */
static void stream_server(int lfd)
{
	struct sockaddr_vm peer;
	socklen_t len = sizeof(peer);
	char buf[256];
	ssize_t n;
	int fd;

	fd = accept(lfd, (struct sockaddr *)&peer, &len);
	if (fd < 0)
		die("accept");
	printf("  server: accepted a connection from %u:%u\n",
	       peer.svm_cid, peer.svm_port);
	while ((n = recv(fd, buf, sizeof(buf), 0)) > 0) {
		printf("  server: echoing %zd bytes\n", n);
		if (send(fd, buf, n, 0) != n)
			die("send");
	}
	printf("  server: peer closed, bye\n");
	close(fd);
	exit(0);
}

static int stream_demo(void)
{
	struct sockaddr_vm sa = addr(VMADDR_CID_ANY, STREAM_PORT);
	const char *msg = "hello over AF_VSOCK";
	char buf[256];
	int lfd, fd, status;
	ssize_t n;
	pid_t pid;

	printf("stream echo (SOCK_STREAM, port %u):\n", STREAM_PORT);
	lfd = socket(AF_VSOCK, SOCK_STREAM, 0);
	if (lfd < 0)
		die("socket");
	if (bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) || listen(lfd, 1))
		die("bind/listen");
	printf("  server: listening on *:%u\n", STREAM_PORT);
	pid = fork();
	if (pid == 0)
		stream_server(lfd);
	close(lfd);

	fd = socket(AF_VSOCK, SOCK_STREAM, 0);
	sa = addr(VMADDR_CID_LOCAL, STREAM_PORT);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)))
		die("connect");
	printf("  client: connected to %u:%u\n", VMADDR_CID_LOCAL, STREAM_PORT);
	printf("  client: sending \"%s\"\n", msg);
	if (send(fd, msg, strlen(msg), 0) != (ssize_t)strlen(msg))
		die("send");
	n = recv(fd, buf, strlen(msg), MSG_WAITALL);
	if (n < 0)
		die("recv");
	buf[n] = '\0';
	printf("  client: received \"%s\"\n", buf);
	close(fd);
	waitpid(pid, &status, 0);
	return strcmp(buf, msg) || !WIFEXITED(status) || WEXITSTATUS(status);
}

static int dgram_demo(void)
{
	struct sockaddr_vm sa = addr(VMADDR_CID_ANY, DGRAM_PORT), from;
	socklen_t len = sizeof(from);
	const char *msg = "ping", *reply = "pong";
	char buf[64];
	int sfd, cfd, status;
	ssize_t n;
	pid_t pid;

	printf("datagram exchange (SOCK_DGRAM, port %u):\n", DGRAM_PORT);
	sfd = socket(AF_VSOCK, SOCK_DGRAM, 0);
	if (sfd < 0)
		die("socket(SOCK_DGRAM)");
	if (bind(sfd, (struct sockaddr *)&sa, sizeof(sa)))
		die("bind");
	pid = fork();
	if (pid == 0) {
		n = recvfrom(sfd, buf, sizeof(buf) - 1, 0,
			     (struct sockaddr *)&from, &len);
		if (n < 0)
			die("recvfrom");
		buf[n] = '\0';
		printf("  server: got \"%s\" from %u:%u, replying \"%s\"\n",
		       buf, from.svm_cid, from.svm_port, reply);
		if (sendto(sfd, reply, strlen(reply), 0,
			   (struct sockaddr *)&from, len) < 0)
			die("sendto");
		exit(0);
	}
	close(sfd);

	cfd = socket(AF_VSOCK, SOCK_DGRAM, 0);
	sa = addr(VMADDR_CID_LOCAL, DGRAM_PORT);
	printf("  client: sending \"%s\" to %u:%u\n", msg, VMADDR_CID_LOCAL,
	       DGRAM_PORT);
	if (cfd < 0 || sendto(cfd, msg, strlen(msg), 0,
			      (struct sockaddr *)&sa, sizeof(sa)) < 0)
		die("sendto");
	n = recv(cfd, buf, sizeof(buf) - 1, 0);
	if (n < 0)
		die("recv");
	buf[n] = '\0';
	printf("  client: received \"%s\"\n", buf);
	close(cfd);
	waitpid(pid, &status, 0);
	return strcmp(buf, reply) || !WIFEXITED(status) || WEXITSTATUS(status);
}

static void print_local(int fd, const char *what)
{
	struct sockaddr_vm sa;
	socklen_t len = sizeof(sa);

	if (getsockname(fd, (struct sockaddr *)&sa, &len))
		die("getsockname");
	if (sa.svm_cid == VMADDR_CID_ANY)
		printf("  guest: %s *:%u\n", what, sa.svm_port);
	else
		printf("  guest: %s %u:%u\n", what, sa.svm_cid, sa.svm_port);
}

/* Guest -> host stream: the host program echoes what it gets. */
static int host_stream_demo(void)
{
	struct sockaddr_vm sa = addr(VMADDR_CID_HOST, STREAM_PORT);
	const char *msg = "hello host, this is the guest";
	char buf[256];
	ssize_t n;
	int fd;

	printf("stream echo (SOCK_STREAM, guest -> host %u:%u):\n",
	       VMADDR_CID_HOST, STREAM_PORT);
	fd = socket(AF_VSOCK, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)))
		die("connect");
	print_local(fd, "connected to the host from");
	printf("  guest: sending \"%s\"\n", msg);
	if (send(fd, msg, strlen(msg), 0) != (ssize_t)strlen(msg))
		die("send");
	n = recv(fd, buf, strlen(msg), MSG_WAITALL);
	if (n < 0)
		die("recv");
	buf[n] = '\0';
	printf("  guest: received \"%s\"\n", buf);
	close(fd);
	return strcmp(buf, msg);
}

/* Guest -> host datagram: the host program answers "pong". */
static int host_dgram_demo(void)
{
	struct sockaddr_vm sa = addr(VMADDR_CID_ANY, VMADDR_PORT_ANY), from;
	socklen_t len = sizeof(from);
	const char *msg = "ping";
	char buf[64];
	ssize_t n;
	int fd;

	printf("datagram exchange (SOCK_DGRAM, guest -> host %u:%u):\n",
	       VMADDR_CID_HOST, DGRAM_PORT);
	fd = socket(AF_VSOCK, SOCK_DGRAM, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)))
		die("socket/bind(SOCK_DGRAM)");
	print_local(fd, "bound to");
	sa = addr(VMADDR_CID_HOST, DGRAM_PORT);
	printf("  guest: sending \"%s\" to %u:%u\n", msg, VMADDR_CID_HOST,
	       DGRAM_PORT);
	if (sendto(fd, msg, strlen(msg), 0, (struct sockaddr *)&sa,
		   sizeof(sa)) < 0)
		die("sendto");
	n = recvfrom(fd, buf, sizeof(buf) - 1, 0, (struct sockaddr *)&from,
		     &len);
	if (n < 0)
		die("recvfrom");
	buf[n] = '\0';
	printf("  guest: received \"%s\" from %u:%u\n", buf, from.svm_cid,
	       from.svm_port);
	close(fd);
	return strcmp(buf, "pong") || from.svm_cid != VMADDR_CID_HOST ||
	       from.svm_port != DGRAM_PORT;
}

/* Host -> guest stream: the host program connects, the guest answers. */
static int host_inbound_demo(void)
{
	struct sockaddr_vm sa = addr(VMADDR_CID_ANY, INBOUND_PORT), peer;
	socklen_t len = sizeof(peer);
	const char *reply = "hello host, the guest heard you";
	char buf[256];
	int lfd, fd;
	ssize_t n;

	printf("stream (SOCK_STREAM, host -> guest port %u):\n", INBOUND_PORT);
	lfd = socket(AF_VSOCK, SOCK_STREAM, 0);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    listen(lfd, 1))
		die("bind/listen");
	printf("  guest: listening on *:%u\n", INBOUND_PORT);
	fd = accept(lfd, (struct sockaddr *)&peer, &len);
	if (fd < 0)
		die("accept");
	printf("  guest: accepted a connection from %u:%u\n", peer.svm_cid,
	       peer.svm_port);
	n = recv(fd, buf, sizeof(buf) - 1, 0);
	if (n <= 0)
		die("recv");
	buf[n] = '\0';
	printf("  guest: received \"%s\", answering \"%s\"\n", buf, reply);
	if (send(fd, reply, strlen(reply), 0) != (ssize_t)strlen(reply))
		die("send");
	/* The host closes first: then the answer has been read. */
	n = recv(fd, buf, sizeof(buf), 0);
	printf("  guest: %s\n", n == 0 ? "the host closed, bye" :
	       "the host did not close");
	close(fd);
	close(lfd);
	return n != 0 || peer.svm_cid != VMADDR_CID_HOST;
}

int main(int argc, char **argv)
{
	bool host = argc > 1 && !strcmp(argv[1], "host");
	unsigned int cid = VMADDR_CID_ANY;
	int fd, rc;

	setvbuf(stdout, NULL, _IOLBF, 0);
	alarm(60);	/* a demo that hangs is a failed demo */
	fd = open("/dev/vsock", O_RDONLY);
	if (fd >= 0 && ioctl(fd, IOCTL_VM_SOCKETS_GET_LOCAL_CID, &cid) == 0)
		printf("/dev/vsock: local CID %u\n", cid);
	if (fd >= 0)
		close(fd);
	if (host) {
		rc = host_stream_demo();
		rc |= host_dgram_demo();
		rc |= host_inbound_demo();
	} else {
		rc = stream_demo();
		rc |= dgram_demo();
	}
	printf("%s\n", rc ? "demo FAILED" : "demo ok");
	return rc;
}
