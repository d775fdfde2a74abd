# SPDX-License-Identifier: GPL-2.0
# spisock-dkms: DKMS builds the modules with `make KVER=<kernel>` in a copy
# of /usr/src/spisock-VERSION. The conftest probes first (the kernel's APIs,
# scripts/conftest.sh), then Kbuild.
KVER ?= $(shell uname -r)
KDIR ?= /lib/modules/$(KVER)/build

all:
	bash scripts/conftest.sh $(KDIR) $(CURDIR)/include/generated/spisock_conftest.h
	$(MAKE) -C $(KDIR) M=$(CURDIR) SPISOCK_TOP=$(CURDIR) modules

clean:
	rm -rf include/generated
	find . \( -name '*.o' -o -name '*.ko' -o -name '*.mod' -o -name '*.mod.c' \
		-o -name '.*.cmd' -o -name Module.symvers -o -name modules.order \) -delete

.PHONY: all clean
