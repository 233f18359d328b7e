# hutch: build, install, test, demo, bench. `make` publishes bin/hutch (Native AOT).
PREFIX ?= /usr/local
DOTNET ?= dotnet
CONFIGURATION ?= Release
RID ?= linux-x64
COMMIT := $(shell git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
# Packages the tests and the demo use (podman and containerd drive hutch in the client tests;
# runc runs beside hutch in the rootless tests; uidmap gives rootless podman newuidmap;
# qemu, mmdebstrap and e2fsprogs build and boot the cgroup v2 guest; mmdebstrap also the systemd
# node's rootfs), and those the bench adds;
# installed only when one is missing.
APT_PACKAGES := busybox-static iproute2 jq libseccomp2 python3 podman containerd runc uidmap \
	qemu-system-x86 mmdebstrap e2fsprogs
BENCH_PACKAGES := hyperfine runc crun time strace gnuplot-nox

.PHONY: all build native install test test-stress demo bench deps deps-bench apt-install clean

all: build

native:
	$(MAKE) -C native

build: native
	$(DOTNET) publish src/Hutch/Hutch.csproj -c $(CONFIGURATION) -r $(RID) \
		-p:HutchCommit=$(COMMIT) -o .tmp/publish --nologo -v quiet
	mkdir -p bin
	install -m 0755 .tmp/publish/hutch bin/hutch

install: build
	install -D -m 0755 bin/hutch $(DESTDIR)$(PREFIX)/bin/hutch

# Installs the Debian packages the tests and demo need, only when one is missing.
deps:
	@$(MAKE) --no-print-directory apt-install PACKAGES="$(APT_PACKAGES)"

deps-bench:
	@$(MAKE) --no-print-directory apt-install PACKAGES="$(APT_PACKAGES) $(BENCH_PACKAGES)"

apt-install:
	@missing=""; for p in $(PACKAGES); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

# Every test project; prints one closing line "N passed, N failed, N skipped".
test: deps build
	bash tests/run-all.sh

# The spawn stress test (1000 spawns under allocation load); slow, not in `make test`.
test-stress: native
	HUTCH_STRESS=1 $(DOTNET) test tests/Hutch.Linux.Tests --filter "Category=Stress" --nologo

demo: deps build
	bash docs/demo/netdevices-walkthrough.sh

# The runtimes side by side, then the netDevices figures (bench/results/{runtimes,netdevices}.md).
bench: deps-bench build
	bash bench/run.sh
	bash bench/netdevices.sh

clean:
	$(MAKE) -C native clean
	rm -rf bin .tmp
	find src tests -type d \( -name bin -o -name obj \) -prune -exec rm -rf {} +
