# SPDX-License-Identifier: GPL-2.0
#
# make                 build every module against KDIR (default: running kernel)
# make install         install them (modules_install, then depmod)
# make run / shell     boot the test VM with our modules: demo / interactive shell
# make test            the one test command: KUnit + user-space tests in QEMU
# make check           sparse (C=2), W=1 and checkpatch --strict
# make bench           benchmarks against the in-kernel vsock and AF_UNIX

KRELEASE ?= $(shell uname -r)
KDIR ?= /lib/modules/$(KRELEASE)/build

all: modules

modules:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

modules_install install: modules
	$(MAKE) -C $(KDIR) M=$(CURDIR) INSTALL_MOD_DIR=updates modules_install
	depmod -a $(KRELEASE)

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	rm -rf tests/out

test run shell bench:
	tests/run.sh $@

check:
	tests/check.sh

.PHONY: all modules modules_install install clean test run shell bench check
