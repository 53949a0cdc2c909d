# libpq-rs: build and install a drop-in libpq.so.5.
#
#   make                          release build (cargo build --release)
#   make install [PREFIX=/usr/local] [DESTDIR=...]
#                                 build, then install lib/libpq.so.5.18 (+ the
#                                 libpq.so.5 and libpq.so links), lib/libpq.a,
#                                 include/{libpq-fe.h,libpq-events.h,postgres_ext.h,
#                                 libpq/libpq-fs.h}, lib/pkgconfig/libpq.pc
#   make install-only ...         install what is already built (no cargo run)
#   make uninstall [PREFIX=...]
#   make headers                  refresh include/*.h from the Rust source
#                                 (same as LIBPQRS_WRITE_HEADERS=1 cargo build)
#   make check                    cargo test
#
# PROFILE=dev installs the debug build; CARGO_TARGET_DIR is honoured as by cargo.

PREFIX       ?= /usr/local
EXEC_PREFIX  ?= $(PREFIX)
LIBDIR       ?= $(EXEC_PREFIX)/lib
INCLUDEDIR   ?= $(PREFIX)/include
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
DESTDIR      ?=

CARGO            ?= cargo
PROFILE          ?= release
CARGO_TARGET_DIR ?= target
BUILDDIR         ?= $(CARGO_TARGET_DIR)/$(if $(filter dev,$(PROFILE)),debug,$(PROFILE))

INSTALL      ?= install
SED          ?= sed

# libpq's numbering: keep in step with LIB_VERSION in src/lib.rs (a test checks).
VERSION      = 18.4
SO_MAJOR     = 5
SO_MINOR     = 18
SONAME       = libpq.so.$(SO_MAJOR)
SOFILE       = libpq.so.$(SO_MAJOR).$(SO_MINOR)

HEADERS      = include/libpq-fe.h include/libpq-events.h include/postgres_ext.h
FS_HEADER    = include/libpq/libpq-fs.h

# What a static link against the Rust staticlib needs besides libpq.a
# (`cargo rustc --lib --crate-type staticlib -- --print native-static-libs`).
LIBS_PRIVATE = -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc

.PHONY: all build install install-only uninstall headers check clean

all: build

build:
	$(CARGO) build --lib --profile $(PROFILE)

headers:
	LIBPQRS_WRITE_HEADERS=1 $(CARGO) build --lib

install: build
	$(MAKE) install-only

install-only:
	$(INSTALL) -d '$(DESTDIR)$(LIBDIR)' '$(DESTDIR)$(INCLUDEDIR)/libpq' '$(DESTDIR)$(PKGCONFIGDIR)'
	$(INSTALL) -m 755 '$(BUILDDIR)/libpq.so' '$(DESTDIR)$(LIBDIR)/$(SOFILE)'
	ln -sf '$(SOFILE)' '$(DESTDIR)$(LIBDIR)/$(SONAME)'
	ln -sf '$(SONAME)' '$(DESTDIR)$(LIBDIR)/libpq.so'
	$(INSTALL) -m 644 '$(BUILDDIR)/libpq.a' '$(DESTDIR)$(LIBDIR)/libpq.a'
	$(INSTALL) -m 644 $(HEADERS) '$(DESTDIR)$(INCLUDEDIR)/'
	$(INSTALL) -m 644 $(FS_HEADER) '$(DESTDIR)$(INCLUDEDIR)/libpq/'
	$(SED) -e 's|@prefix@|$(PREFIX)|' \
	       -e 's|@libdir@|$(LIBDIR)|' \
	       -e 's|@includedir@|$(INCLUDEDIR)|' \
	       -e 's|@version@|$(VERSION)|' \
	       -e 's|@libs_private@|$(LIBS_PRIVATE)|' \
	       libpq.pc.in > '$(DESTDIR)$(PKGCONFIGDIR)/libpq.pc'
	chmod 644 '$(DESTDIR)$(PKGCONFIGDIR)/libpq.pc'

uninstall:
	rm -f '$(DESTDIR)$(LIBDIR)/$(SOFILE)' '$(DESTDIR)$(LIBDIR)/$(SONAME)' \
	      '$(DESTDIR)$(LIBDIR)/libpq.so' '$(DESTDIR)$(LIBDIR)/libpq.a' \
	      '$(DESTDIR)$(PKGCONFIGDIR)/libpq.pc' \
	      '$(DESTDIR)$(INCLUDEDIR)/libpq-fe.h' '$(DESTDIR)$(INCLUDEDIR)/libpq-events.h' \
	      '$(DESTDIR)$(INCLUDEDIR)/postgres_ext.h' '$(DESTDIR)$(INCLUDEDIR)/libpq/libpq-fs.h'
	-rmdir '$(DESTDIR)$(INCLUDEDIR)/libpq' 2>/dev/null

check:
	$(CARGO) test

clean:
	$(CARGO) clean
