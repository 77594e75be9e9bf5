# smelt — build, test, demo.  See README.md.
#
#   make            libsmelt.a, libsmelt.so, smelt, the examples (build/)
#   make test       install missing Debian packages, build, run every test
#                   (then again under AddressSanitizer + UBSan in build-asan/)
#   make demo       install, build, run the example job file on the bundled data
#                   (smelt run examples/drivendata/job.yaml; build/drivendata is
#                   the same job in C)
#   make SAN=1      a sanitizer build in build-asan/
#   make fuzz       libFuzzer targets (clang) in build-fuzz/; make test runs
#                   each for a short smoke run (tests/fuzz/run_fuzz.sh)
#   make install    PREFIX=/usr/local: library, header, pkg-config file
#   make MPI=1|0    with / without the MPI backend of the exchange layer
#                   (default: with it when mpicc is found; docs/mpi.md)

CC      ?= cc
PREFIX  ?= /usr/local
SAN     ?= 0
WERROR  ?= 0

ifeq ($(SAN),1)
BUILD   ?= build-asan
OPT     := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
else
BUILD   ?= build
OPT     ?= -O2 -g
endif

WARN    := -Wall -Wextra -Wno-unused-parameter -Wno-sign-compare
ifeq ($(WERROR),1)
WARN    += -Werror
endif
# MPI (Open MPI or MPICH): found through mpicc; MPI=0 builds threads only.
MPI     ?= $(shell command -v mpicc >/dev/null 2>&1 && echo 1 || echo 0)
ifeq ($(MPI),1)
MPI_CFLAGS := -DSMELT_MPI $(shell mpicc --showme:compile 2>/dev/null || mpicc -compile_info 2>/dev/null | tr ' ' '\n' | grep '^-I' | tr '\n' ' ')
MPI_LIBS   := $(shell mpicc --showme:link 2>/dev/null || mpicc -link_info 2>/dev/null | tr ' ' '\n' | grep '^-[lLW]' | tr '\n' ' ')
endif
CFLAGS_ALL := -std=gnu17 $(OPT) $(WARN) -fPIC -pthread -Iinclude -Isrc $(MPI_CFLAGS) $(CFLAGS)
LIBS    := -lpcre2-8 -lz -lbz2 -lcrypto -lsqlite3 -lyaml -ledit -lsnappy -lzstd -llz4 -lbrotlienc -lbrotlidec $(MPI_LIBS) -lpthread -lm

LAYERS  := common types fs formats expr plan exec exchange catalog api sql job
LIB_SRC := $(foreach d,$(LAYERS),$(wildcard src/$(d)/*.c))
LIB_OBJ := $(patsubst %.c,$(BUILD)/obj/%.o,$(LIB_SRC))
CLI_SRC := $(wildcard src/cli/*.c)
CLI_OBJ := $(patsubst %.c,$(BUILD)/obj/%.o,$(CLI_SRC))
TEST_SRC := $(wildcard tests/unit/test_*.c)
TEST_BIN := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(TEST_SRC))
GOLDEN_BIN := $(BUILD)/tests/golden_run

.PHONY: all lib test test-only test-asan demo deps fuzz install clean check-format print-libs
all: lib $(BUILD)/smelt $(BUILD)/drivendata $(TEST_BIN) $(GOLDEN_BIN)

lib: $(BUILD)/libsmelt.a $(BUILD)/libsmelt.so

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -MMD -MP -c $< -o $@

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d)

$(BUILD)/libsmelt.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/libsmelt.so: $(LIB_OBJ)
	$(CC) $(CFLAGS_ALL) -shared -o $@ $^ $(LIBS)

$(BUILD)/smelt: $(CLI_OBJ) $(BUILD)/libsmelt.a
	$(CC) $(CFLAGS_ALL) -o $@ $(CLI_OBJ) $(BUILD)/libsmelt.a $(LIBS)

$(BUILD)/drivendata: examples/drivendata/drivendata.c $(BUILD)/libsmelt.a include/smelt.h
	$(CC) $(CFLAGS_ALL) -o $@ $< $(BUILD)/libsmelt.a $(LIBS)

$(BUILD)/tests/%: tests/unit/%.c tests/unit/test.h $(BUILD)/libsmelt.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -Itests/unit -o $@ $< $(BUILD)/libsmelt.a $(LIBS)

$(BUILD)/tests/golden_run: tests/golden/golden_run.c $(BUILD)/libsmelt.a include/smelt.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -o $@ $< $(BUILD)/libsmelt.a $(LIBS)

deps:
	@scripts/deps.sh

# The whole suite: unit tests, golden tests, conformance, then the same under
# ASan+UBSan.  Ends with one line "N passed, N failed".
test:
	@scripts/deps.sh --test
	@$(MAKE) --no-print-directory WERROR=1 all
	@$(MAKE) --no-print-directory WERROR=1 SAN=1 all
	@$(MAKE) --no-print-directory fuzz
	@tests/run.sh build build-asan

test-only: all
	@tests/run.sh build

test-asan:
	@$(MAKE) --no-print-directory SAN=1 all
	@tests/run.sh build-asan

demo: deps
	@$(MAKE) --no-print-directory all
	@examples/drivendata/demo.sh build

# libFuzzer targets: the library once with coverage instrumentation, then
# one program per tests/fuzz/fuzz_*.c.  Needs clang (scripts/deps.sh --test).
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BIN := $(patsubst tests/fuzz/%.c,build-fuzz/%,$(FUZZ_SRC))
FUZZ_OBJ := $(patsubst %.c,build-fuzz/obj/%.o,$(LIB_SRC))
FUZZ_CFLAGS := -std=gnu17 -g -O1 -fsanitize=fuzzer-no-link,address,undefined -Iinclude -Isrc
fuzz: $(FUZZ_BIN)

build-fuzz/obj/%.o: %.c
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -MMD -MP -c $< -o $@

-include $(FUZZ_OBJ:.o=.d)

build-fuzz/libsmelt-fuzz.a: $(FUZZ_OBJ)
	@rm -f $@
	ar rcs $@ $^

build-fuzz/fuzz_%: tests/fuzz/fuzz_%.c build-fuzz/libsmelt-fuzz.a
	clang -std=gnu17 -g -O1 -fsanitize=fuzzer,address,undefined -Iinclude -Isrc \
	  -o $@ $< build-fuzz/libsmelt-fuzz.a $(LIBS)

install: lib $(BUILD)/smelt
	install -d $(DESTDIR)$(PREFIX)/lib $(DESTDIR)$(PREFIX)/include $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib/pkgconfig
	install -m 644 $(BUILD)/libsmelt.a $(BUILD)/libsmelt.so $(DESTDIR)$(PREFIX)/lib/
	install -m 644 include/smelt.h $(DESTDIR)$(PREFIX)/include/
	install -m 755 $(BUILD)/smelt $(DESTDIR)$(PREFIX)/bin/
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBS@|$(LIBS)|' smelt.pc.in > $(DESTDIR)$(PREFIX)/lib/pkgconfig/smelt.pc

# The libraries a program linking libsmelt.a needs (scripts use it).
print-libs:
	@echo $(LIBS)

clean:
	rm -rf build build-asan build-fuzz
