# SPDX-License-Identifier: GPL-2.0
# scxbench build. `make help` lists the targets.
#
# One static binary, build/scxbench (symlinked as ./scxbench): the same file
# runs on the host and inside the QEMU guest. Every object has -MMD -MP
# dependency files, BPF objects and skeletons included, so a header change
# rebuilds exactly what uses it.

.DELETE_ON_ERROR:
.SUFFIXES:

# SANITIZE=1: AddressSanitizer and UBSan, in build-asan, linked dynamically
# (ASan does not link statically), with the libbpf, bpftool and vmlinux.h
# of the normal build (make test-asan).
SANITIZE   ?= 0
ifeq ($(SANITIZE),1)
OUT        ?= build-asan
STATIC     := 0
LIBBPF_DIR ?= build/libbpf
BPFTOOL    ?= build/tools/bpftool
VMLINUX_H  := build/vmlinux.h
SAN_FLAGS  := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
CFLAGS     ?= -O2 -g
CFLAGS     += $(SAN_FLAGS)
LDFLAGS    ?=
LDFLAGS    += $(SAN_FLAGS)
endif
OUT        ?= build
V          ?= 0
ifeq ($(V),1)
Q =
msg =
else
Q = @
msg = @printf '  %-8s %s\n' $(1) $(2);
endif

CC         ?= cc
CLANG      ?= clang
BPFTOOL    ?= $(firstword $(wildcard $(OUT)/tools/bpftool) $(shell command -v bpftool 2>/dev/null) bpftool)
VERSION    := 0.1.0
GIT_SHA    := $(shell git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)$(shell git diff --quiet HEAD 2>/dev/null || echo -dirty)

# libbpf: a private static build (>= 1.2 for link-based struct_ops) made by
# scripts/build-libbpf.sh into $(OUT)/libbpf; the system one otherwise.
LIBBPF_DIR ?= $(OUT)/libbpf
LIBBPF_INC := $(if $(wildcard $(LIBBPF_DIR)/include/bpf/libbpf.h),-I$(LIBBPF_DIR)/include,)
LIBBPF_LIB := $(if $(wildcard $(LIBBPF_DIR)/lib/libbpf.a),$(LIBBPF_DIR)/lib/libbpf.a,-lbpf)

# Headers are named from the repo root ("harness/store/store.h"): a reader
# sees where each lives, and scripts/check-layers.sh can check who uses whom.
INCLUDES   := -iquote . -I$(OUT) -I$(OUT)/bpf \
              $(LIBBPF_INC) -I/usr/include/tracefs -I/usr/include/traceevent
CFLAGS     ?= -O2 -g
CFLAGS     += -std=gnu11 -Wall -Wextra -Werror -Wno-unused-parameter \
              -Wno-missing-field-initializers -Wno-format-truncation -D_GNU_SOURCE \
              $(INCLUDES) -MMD -MP
LDFLAGS    ?=
STATIC     ?= 1
ifeq ($(STATIC),1)
LDFLAGS    += -static
endif
LDLIBS     := $(LIBBPF_LIB) -ltracefs -ltraceevent -lsqlite3 -lelf -lz -lzstd -lmd -lm -lpthread -ldl

# ---- BPF schedulers (bpf/*.bpf.c -> $(OUT)/bpf/*.skel.h) ----
VMLINUX_H  ?= $(OUT)/vmlinux.h
BPF_SRCS   := $(wildcard bpf/*.bpf.c)
BPF_OBJS   := $(patsubst bpf/%.bpf.c,$(OUT)/bpf/%.bpf.o,$(BPF_SRCS))
BPF_SKELS  := $(patsubst bpf/%.bpf.c,$(OUT)/bpf/%.skel.h,$(BPF_SRCS))
# tracing programs the collectors load (not schedulers: no schedulers.def line)
BPF_TRACE_SRCS  := $(wildcard bpf/trace/*.bpf.c)
BPF_TRACE_OBJS  := $(patsubst bpf/%.bpf.c,$(OUT)/bpf/%.bpf.o,$(BPF_TRACE_SRCS))
BPF_TRACE_SKELS := $(patsubst bpf/%.bpf.c,$(OUT)/bpf/%.skel.h,$(BPF_TRACE_SRCS))
BPF_CFLAGS := -target bpf -O2 -g -D__TARGET_ARCH_x86 -mcpu=v3 \
              -fms-extensions -Wno-microsoft-anon-tag -Wall -Werror \
              -I$(OUT) -I$(dir $(VMLINUX_H)) -Ibpf $(LIBBPF_INC) -MMD -MP

# ---- userspace ----
SRCS       := $(wildcard harness/*/*.c workloads/*.c collectors/*.c reports/*.c)
OBJS       := $(patsubst %.c,$(OUT)/obj/%.o,$(SRCS))
LIB_OBJS   := $(filter-out $(OUT)/obj/harness/cli/main.o,$(OBJS))
BIN        := $(OUT)/scxbench

UNIT_SRCS  := $(wildcard tests/unit/*.c)
UNIT_OBJS  := $(patsubst %.c,$(OUT)/obj/%.o,$(UNIT_SRCS))
UNIT_BIN   := $(OUT)/tests/unit_tests
# test programs of the host tier (drivers, generators), linked against the
# very objects of this build
HELPER_SRCS := $(wildcard tests/host/*.c)
HELPERS    := $(patsubst tests/host/%.c,$(OUT)/tests/%,$(HELPER_SRCS))

.PHONY: FORCE all deps test test-unit test-host test-vm test-faults test-asan bench clean help \
	vmlinux fetch-kernel helpers
all: $(BIN) scxbench

scxbench: $(BIN)
	$(Q)ln -sf $(BIN) scxbench

$(BIN): $(OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(OUT)/obj/%.o: %.c | $(BPF_SKELS) $(BPF_TRACE_SKELS) $(OUT)/bpf/skels.h $(OUT)/scx_exit_kinds.h $(OUT)/scx_ops_flags.h $(OUT)/version.h
	$(call msg,CC,$<)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -c -o $@ $<

# The objects are intermediates of the skeletons: keep them (no rebuild loop).
.SECONDARY: $(BPF_OBJS) $(BPF_SKELS) $(BPF_TRACE_OBJS) $(BPF_TRACE_SKELS)

# The private libbpf/bpftool pair (link-based struct_ops needs libbpf >= 1.2,
# bookworm ships 1.1.2): say how to get it rather than fail in the skeleton.
$(LIBBPF_DIR)/lib/libbpf.a:
	@echo "scxbench build: $@ missing: run 'make deps' (or scripts/build-libbpf.sh)" >&2; exit 1

$(OUT)/bpf/%.bpf.o: bpf/%.bpf.c $(VMLINUX_H) | $(LIBBPF_DIR)/lib/libbpf.a
	$(call msg,BPF,$<)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c -o $@ $<

$(OUT)/bpf/%.skel.h: $(OUT)/bpf/%.bpf.o
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $(subst .bpf.o,,$(notdir $<))_bpf > $@

# Every skeleton, for harness/sched/bpf.c; a scheduler file without its
# line in bpf/schedulers.def is refused here rather than silently unused.
$(OUT)/bpf/skels.h: $(BPF_SKELS) bpf/schedulers.def
	$(call msg,GEN,$@)
	$(Q)for s in $(patsubst bpf/%.bpf.c,%,$(BPF_SRCS)); do \
		grep -q "^SCXB_SCHEDULER($$s," bpf/schedulers.def || \
			{ echo "bpf/$$s.bpf.c has no line in bpf/schedulers.def" >&2; exit 1; }; \
		echo "#include \"$$s.skel.h\""; done > $@

# The kernel's exit kinds, read from its BTF (vmlinux.h), for userspace.
$(OUT)/scx_exit_kinds.h: $(VMLINUX_H)
	$(call msg,GEN,$@)
	$(Q)awk '/^enum scx_exit_kind \{/ { on = 1; next } on && /^\};/ { exit } \
		on { gsub(/[ \t,]/, ""); split($$0, kv, "="); \
		     printf "#define SCXB_%s %s\n", kv[1], kv[2] }' $< > $@.tmp && \
		grep -q SCXB_SCX_EXIT_ERROR $@.tmp && mv $@.tmp $@ || \
		{ rm -f $@.tmp; echo "$<: no enum scx_exit_kind" >&2; exit 1; }

# The ops flags userspace sets before load (SCX_OPS_SWITCH_PARTIAL for
# --partial), from the same BTF.
$(OUT)/scx_ops_flags.h: $(VMLINUX_H)
	$(call msg,GEN,$@)
	$(Q)awk '/^enum scx_ops_flags \{/ { on = 1; next } on && /^\};/ { exit } \
		on && /^\tSCX_OPS_/ { gsub(/[ \t,]/, ""); split($$0, kv, "="); \
		     printf "#define SCXB_%s %s\n", kv[1], kv[2] }' $< > $@.tmp && \
		grep -q SCXB_SCX_OPS_SWITCH_PARTIAL $@.tmp && mv $@.tmp $@ || \
		{ rm -f $@.tmp; echo "$<: no SCX_OPS_SWITCH_PARTIAL in enum scx_ops_flags" >&2; exit 1; }

# vmlinux.h from a sched_ext kernel's BTF: the running kernel's when it has
# sched_ext, else the cached Debian kernel's (scripts/vmlinux-h.sh says which).
$(VMLINUX_H):
	$(call msg,GEN,$@)
	$(Q)mkdir -p $(@D)
	$(Q)BPFTOOL=$(BPFTOOL) scripts/vmlinux-h.sh $@

vmlinux: $(VMLINUX_H)

# Rewritten only when the version or git sha changes, so that -MMD rebuilds
# exactly the objects that print it.
$(OUT)/version.h: FORCE
	$(Q)mkdir -p $(@D)
	$(Q)printf '#define SCXB_VERSION "%s"\n#define SCXB_GIT_SHA "%s"\n' '$(VERSION)' '$(GIT_SHA)' > $@.tmp
	$(Q)if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; fi

FORCE:

# one object per test source, so that -MMD keeps every source's dependencies
$(OUT)/obj/tests/%.o: tests/%.c | $(BPF_SKELS) $(BPF_TRACE_SKELS) $(OUT)/bpf/skels.h $(OUT)/scx_exit_kinds.h $(OUT)/scx_ops_flags.h $(OUT)/version.h
	$(call msg,CC,$<)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -Itests/unit -c -o $@ $<

$(UNIT_BIN): $(UNIT_OBJS) $(LIB_OBJS)
	$(call msg,LINK,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(UNIT_OBJS) $(LIB_OBJS) $(LDLIBS)

$(OUT)/tests/%: $(OUT)/obj/tests/host/%.o $(LIB_OBJS)
	$(call msg,LINK,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIB_OBJS) $(LDLIBS)

helpers: $(HELPERS)

# ---- set-up, tests, benchmarks ----
deps:
	scripts/deps.sh
	$(MAKE) all

fetch-kernel:
	scripts/fetch-kernel.sh

test: all $(UNIT_BIN) $(HELPERS)
	tests/run.sh unit host vm faults

test-unit: $(UNIT_BIN)
	tests/run.sh unit

test-host: all $(HELPERS)
	tests/run.sh host

test-vm: all
	tests/run.sh vm

# faults: tests/faults/ (signals at every phase of a run, kills, full disks,
# read-only and locked databases, hostile names; on this host, and across
# the VM boundary: vm.t boots guests, under the VM lock)
test-faults: all $(HELPERS)
	tests/run.sh faults

# the unit tier and every host test against a sanitized build (build-asan):
# any report of ASan, LSan or UBSan, in scxbench or a child, fails it.
# ASAN_T=substring[,substring...] runs only the host tests it names (as T=
# does for tests/run.sh); empty (the default) runs the whole host tier.
ASAN_T ?=
# (tests/asan.supp: leaks of libraries that are not ours, by the library
# function: the slow unwinder sees through libraries built without frame
# pointers)
test-asan:
	$(MAKE) SANITIZE=1 build-asan/scxbench build-asan/tests/unit_tests helpers
	rm -rf build-asan/san-logs && mkdir -p build-asan/san-logs
	SCXB_BUILD=build-asan SCXB_MAKE_VARS=SANITIZE=1 \
	ASAN_OPTIONS=log_path=$(CURDIR)/build-asan/san-logs/asan:detect_leaks=1:exitcode=86:fast_unwind_on_malloc=0 \
	LSAN_OPTIONS=suppressions=$(CURDIR)/tests/asan.supp:print_suppressions=0 \
	UBSAN_OPTIONS=log_path=$(CURDIR)/build-asan/san-logs/ubsan:print_stacktrace=1:halt_on_error=1:exitcode=87 \
		T=$(ASAN_T) tests/run.sh unit host; rc=$$?; \
	if ls build-asan/san-logs/* >/dev/null 2>&1; then \
		echo "sanitizer reports ($$(ls build-asan/san-logs | wc -l)):"; \
		head -n 40 build-asan/san-logs/*; exit 1; fi; exit $$rc

bench: all
	scripts/bench.sh

clean:
	rm -rf $(OUT) build-asan scxbench

help:
	@echo 'scxbench make targets:'
	@echo '  deps          install Debian packages, libbpf, kernel for the VM; then build (run once, as root)'
	@echo '  all           build build/scxbench (static) and the ./scxbench link'
	@echo '  test          every test tier: unit, host, vm, faults (ends in "N passed, N failed")'
	@echo '  test-unit     unprivileged C unit tests only'
	@echo '  test-host     integration tests on this host (root: tracefs, workloads)'
	@echo '  test-vm       tests inside the QEMU guest with a sched_ext kernel'
	@echo '  test-faults   the fault suite: signals at every phase, kills, full disks, locks, hostile names'
	@echo '  test-asan     unit and host tiers (ASAN_T= to pick tests) on an ASan+UBSan build (build-asan)'
	@echo '  bench         benchmarks side by side with the peer tools'
	@echo '  fetch-kernel  fetch a Debian sched_ext kernel into the cache'
	@echo '  clean         remove build/'
	@echo 'Variables: V=1 (show commands), OUT=dir (build dir), STATIC=0 (dynamic binary),'
	@echo '           SANITIZE=1 (ASan+UBSan build in build-asan)'

-include $(OBJS:.o=.d) $(BPF_OBJS:.o=.d) $(BPF_TRACE_OBJS:.o=.d) $(UNIT_OBJS:.o=.d) \
	$(patsubst tests/host/%.c,$(OUT)/obj/tests/host/%.d,$(HELPER_SRCS))
