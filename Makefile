# nutgraf — the whole developer interface:
#   make, make demo, make check, make asan, make bench, make fuzz, make eval, make install
.SUFFIXES:

PREFIX  ?= /usr/local
DESTDIR ?=
BUILD   ?= build
CC      ?= cc

PKGS    := libcmark yaml-0.1 lua5.4 libutf8proc jansson libxxhash sqlite3 libmicrohttpd
WARN    := -Wall -Wextra -Wpedantic -Wshadow -Wno-unused-parameter -Wstrict-prototypes
CFLAGS  ?= -O2 -g
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARN) $(CFLAGS) -fPIC -fvisibility=hidden \
             -Iplugin/include -Iplugin/src $(shell pkg-config --cflags $(PKGS) 2>/dev/null) \
             -DNG_DATADIR='"$(PREFIX)/share/nutgraf"'
LIBS    = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lpthread -lm

LIB_SRC := $(sort $(wildcard plugin/src/*.c))
LIB_OBJ := $(LIB_SRC:plugin/src/%.c=$(BUILD)/obj/%.o)
CLI_SRC := $(sort $(wildcard plugin/cli/*.c))
CLI_OBJ := $(CLI_SRC:plugin/cli/%.c=$(BUILD)/obj/cli/%.o)
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
SOVER   := 0
VERSION := $(shell sed -n 's/^#define NG_VERSION_STRING "\(.*\)"/\1/p' plugin/include/nutgraf.h)

.PHONY: all deps check-deps demo check suite unit lint e2e asan bench fuzz eval install clean format

all: deps $(BUILD)/nutgraf $(BUILD)/libnutgraf.a $(BUILD)/libnutgraf.so

deps:
	@tools/deps.sh build

check-deps:
	@tools/deps.sh check

$(BUILD)/obj/%.o: plugin/src/%.c plugin/include/nutgraf.h $(wildcard plugin/src/*.h)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/obj/cli/%.o: plugin/cli/%.c plugin/include/nutgraf.h $(wildcard plugin/src/*.h)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/libnutgraf.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $(LIB_OBJ)

$(BUILD)/libnutgraf.so: $(LIB_OBJ)
	$(CC) -shared -Wl,-soname,libnutgraf.so.$(SOVER) $(CFLAGS) $(LDFLAGS) -o $@ $(LIB_OBJ) $(LIBS)

$(BUILD)/nutgraf: $(CLI_OBJ) $(BUILD)/libnutgraf.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(CLI_OBJ) $(BUILD)/libnutgraf.a $(LIBS)

# Unit tests link the static library and may use its internal headers.
$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libnutgraf.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -fvisibility=default -DNG_TEST_DIR='"$(CURDIR)/tests"' -DNG_SRC_DIR='"$(CURDIR)"' \
	  -o $@ $< $(BUILD)/libnutgraf.a $(LIBS) -lcriterion

demo: all
	$(BUILD)/nutgraf build sample-site

# The whole suite, then the whole suite again under ASan + UBSan (so CI,
# which runs make check, runs both).
check: check-deps
	$(MAKE) suite
	$(MAKE) asan

suite: all $(UNIT_BIN)
	@tools/run-tests.sh $(BUILD)

unit: all $(UNIT_BIN)
	@for t in $(UNIT_BIN); do $$t --jobs 2 || exit 1; done

eval: all
	python3 tools/eval.py --nutgraf $(BUILD)/nutgraf

lint:
	luacheck --quiet --config .luacheckrc lua sample-site/rules tests/e2e/rules tests/e2e/fixtures/patterns

asan: check-deps
	$(MAKE) BUILD=build/asan CC=clang \
	  CFLAGS='-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined' \
	  LDFLAGS='-fsanitize=address,undefined' suite

# Site builds at 10k and 100k articles (BENCH_SIZES="10000 100000"): cmark
# floor, cold/warm/one-changed builds, related stage, Hugo. See bench/run.sh.
bench: all
	BUILD=$(BUILD) CC=$(CC) sh bench/run.sh

# libFuzzer targets (tests/fuzz/), FUZZ_SECONDS each, one after another;
# needs clang. See docs/fuzzing.md.
FUZZ_SECONDS ?= 60
fuzz:
	tools/fuzz.sh $(FUZZ_SECONDS)

format:
	clang-format -i plugin/include/*.h plugin/src/*.[ch] plugin/cli/*.c tests/unit/*.c tests/fuzz/*.[ch]

# Installs the command, the libraries (libnutgraf.so.$(SOVER) with a
# libnutgraf.so link), the header, nutgraf.pc (written for this PREFIX), and
# the default rules and templates under share/nutgraf/. DESTDIR stages.
install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib/pkgconfig \
	  $(DESTDIR)$(PREFIX)/include $(DESTDIR)$(PREFIX)/share/nutgraf
	install -m 755 $(BUILD)/nutgraf $(DESTDIR)$(PREFIX)/bin/nutgraf
	install -m 644 $(BUILD)/libnutgraf.a $(DESTDIR)$(PREFIX)/lib/libnutgraf.a
	install -m 755 $(BUILD)/libnutgraf.so $(DESTDIR)$(PREFIX)/lib/libnutgraf.so.$(SOVER)
	ln -sf libnutgraf.so.$(SOVER) $(DESTDIR)$(PREFIX)/lib/libnutgraf.so
	install -m 644 plugin/include/nutgraf.h $(DESTDIR)$(PREFIX)/include/nutgraf.h
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(VERSION)|' -e 's|@PKGS@|$(PKGS)|' \
	  tools/nutgraf.pc.in >$(DESTDIR)$(PREFIX)/lib/pkgconfig/nutgraf.pc
	chmod 644 $(DESTDIR)$(PREFIX)/lib/pkgconfig/nutgraf.pc
	rm -rf $(DESTDIR)$(PREFIX)/share/nutgraf/lua $(DESTDIR)$(PREFIX)/share/nutgraf/templates
	cp -R lua templates $(DESTDIR)$(PREFIX)/share/nutgraf/
	find $(DESTDIR)$(PREFIX)/share/nutgraf -name node_modules -prune -exec rm -rf {} +
	chmod -R u=rwX,go=rX $(DESTDIR)$(PREFIX)/share/nutgraf

clean:
	rm -rf build sample-site/public-content
