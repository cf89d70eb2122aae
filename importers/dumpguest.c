/*
 * Hypervisor guest memory dumps of Windows VMs (QEMU/libvirt
 * `dump-guest-memory`, `virsh dump --memory-only --format elf`).
 * libkdumpfile reads the container's physical memory; the ELF notes give
 * what it does not expose: the QEMU CPU state (CR3, GS base) and, when the
 * guest ran the virtio-win fwcfg driver with -device vmcoreinfo, a complete
 * Windows DUMP_HEADER64 inside the "VMCOREINFO" note (bugcheck, DTB,
 * PsLoadedModuleList).  Everything after that is the kernel-dump path of
 * dumpfile.c through dump_open_phys().
 */
#include <errno.h>
#include <fcntl.h>
#include <libkdumpfile/kdumpfile.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dumpfile.h"

#define NOTES_MAX (16u << 20)
/* QEMUCPUState (target/i386/arch_dump.c, version 1) */
#define QEMU_RSP 0x38
#define QEMU_RIP 0x88
#define QEMU_GS_BASE 0x108
#define QEMU_IDT_BASE 0x180
#define QEMU_CR3 0x1A0
#define WIN_HEADER_SIZE 0x2000

struct guest {
	kdump_ctx_t *ctx;
	int fd;
};

static int
guest_read(void *ctx, uint64_t pa, void *buf, size_t n)
{
	struct guest *g = ctx;
	size_t len = n;

	if (kdump_read(g->ctx, KDUMP_MACHPHYSADDR, pa, buf, &len) != KDUMP_OK || len != n)
		return -1;
	return 0;
}

static void
guest_free(void *ctx)
{
	struct guest *g = ctx;

	kdump_free(g->ctx);
	close(g->fd);
	free(g);
}

static uint64_t
rd64(const unsigned char *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static uint32_t
rd32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static int
read_at(int fd, uint64_t off, void *buf, size_t n)
{
	return pread(fd, buf, n, (off_t)off) == (ssize_t)n ? 0 : -1;
}

/* Walk the PT_NOTE segments of a little-endian ELF64 core for the QEMU CPU
 * notes and the Windows header.  *cpu: the first CPU in kernel mode (GS base
 * with bit 63 set, as elf2dmp decides), else CPU 0.  *linux: the
 * VMCOREINFO note is a Linux kernel's. */
static void
elf_notes(int fd, unsigned char **header, struct dump_phys_cpu *cpu, bool *linux_guest)
{
	unsigned char eh[64], ph[56];
	uint64_t phoff;
	uint16_t phnum, phentsize;
	bool kernel_cr3 = false;

	*header = NULL;
	*cpu = (struct dump_phys_cpu){0};
	*linux_guest = false;
	if (read_at(fd, 0, eh, sizeof eh) < 0 || eh[4] != 2 || eh[5] != 1)
		return;
	phoff = rd64(eh + 0x20);
	phentsize = (uint16_t)(eh[0x36] | eh[0x37] << 8);
	phnum = (uint16_t)(eh[0x38] | eh[0x39] << 8);
	if (phentsize < sizeof ph)
		return;
	for (uint16_t i = 0; i < phnum; i++) {
		uint64_t off, size, at = 0;
		unsigned char *notes;

		if (read_at(fd, phoff + (uint64_t)i * phentsize, ph, sizeof ph) < 0)
			return;
		if (rd32(ph) != 4)	/* PT_NOTE */
			continue;
		off = rd64(ph + 8);
		size = rd64(ph + 0x20);
		if (size > NOTES_MAX)
			continue;
		notes = malloc(size ? size : 1);
		if (!notes || read_at(fd, off, notes, size) < 0) {
			free(notes);
			continue;
		}
		while (at + 12 <= size) {
			uint32_t namesz = rd32(notes + at), descsz = rd32(notes + at + 4), type = rd32(notes + at + 8);
			uint64_t name = at + 12, desc = name + ((namesz + 3u) & ~3u);

			if (desc > size || descsz > size - desc)
				break;
			if (namesz == 5 && !memcmp(notes + name, "QEMU", 5) && type == 0 && descsz >= QEMU_CR3 + 8) {
				bool kernel = notes[desc + QEMU_GS_BASE + 7] & 0x80;

				if (!cpu->cr3 || (kernel && !kernel_cr3)) {
					cpu->cr3 = rd64(notes + desc + QEMU_CR3);
					cpu->pc = rd64(notes + desc + QEMU_RIP);
					cpu->sp = rd64(notes + desc + QEMU_RSP);
					cpu->idt = rd64(notes + desc + QEMU_IDT_BASE);
					kernel_cr3 = kernel;
				}
			} else if (namesz == 11 && !memcmp(notes + name, "VMCOREINFO", 11)) {
				if (descsz >= WIN_HEADER_SIZE && !memcmp(notes + desc, "PAGEDU64", 8) && !*header) {
					*header = malloc(WIN_HEADER_SIZE);
					if (*header)
						memcpy(*header, notes + desc, WIN_HEADER_SIZE);
				} else if (descsz >= 10 && !memcmp(notes + desc, "OSRELEASE=", 10))
					*linux_guest = true;
			}
			at = desc + ((descsz + 3u) & ~(uint64_t)3);
		}
		free(notes);
	}
}

int
dump_open_guest(const char *path, struct dump **out, struct wb_err *err)
{
	struct guest *g;
	struct dump_phys_source src;
	unsigned char head[16] = {0}, *header = NULL;
	const char *arch = NULL, *format = NULL;
	struct dump_phys_cpu cpu = {0};
	bool linux_guest = false;
	int rc;

	*out = NULL;
	g = xcalloc(1, sizeof *g);
	if ((g->fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		free(g);
		return wb_errf(err, "%s", strerror(errno));
	}
	if (read_at(g->fd, 0, head, sizeof head) == 0 && !memcmp(head, "makedumpfile", 12)) {
		close(g->fd);
		free(g);
		return wb_errf(err, _("offset 0: a flattened kdump (\"makedumpfile\", QEMU's default kdump-zlib/lzo/snappy); "
				      "libkdumpfile 0.5.1 cannot read it: dump again with --format elf or kdump-raw-*, "
				      "or reassemble it with makedumpfile -R"));
	}
	g->ctx = kdump_new();
	if (!g->ctx || kdump_open_fd(g->ctx, g->fd) != KDUMP_OK) {
		wb_errf(err, _("offset 0: libkdumpfile cannot open this guest dump: %s"),
			g->ctx ? kdump_get_err(g->ctx) : "out of memory");
		guest_free(g);
		return -1;
	}
	if (kdump_get_string_attr(g->ctx, "arch.name", &arch) != KDUMP_OK || strcmp(arch, "x86_64")) {
		wb_errf(err, _("offset 0: a guest memory dump of architecture %s; wb reads x86_64 Windows guests only"),
			arch ? arch : "(unknown)");
		guest_free(g);
		return -1;
	}
	kdump_get_string_attr(g->ctx, "file.format", &format);
	if (format && !strcmp(format, "elf"))
		elf_notes(g->fd, &header, &cpu, &linux_guest);
	if (linux_guest || kdump_get_string_attr(g->ctx, "linux.uts.sysname", &arch) == KDUMP_OK) {
		wb_errf(err, _("a Linux kernel dump (its VMCOREINFO names a Linux release): wb reads Windows guests"));
		free(header);
		guest_free(g);
		return -1;
	}
	if (!header && !cpu.cr3) {
		wb_errf(err, _("no Windows dump header and no QEMU CPU note with CR3 in this %s dump: "
			       "wb cannot find the guest's page tables (dump it with QEMU's dump-guest-memory "
			       "or virsh dump --memory-only --format elf)"),
			format ? format : "guest");
		guest_free(g);
		return -1;
	}
	src = (struct dump_phys_source){.read = guest_read, .ctx = g, .free = guest_free};
	/* the header, written by the guest itself, wins over the CPU note */
	rc = dump_open_phys(header, header ? WIN_HEADER_SIZE : 0, &cpu, &src, out, err);
	free(header);
	return rc;
}
