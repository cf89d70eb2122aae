/* Unit tests for importers/regfacts.h: key normal form, UTF-16 decoding, type names. */
#include <string.h>

#include "../../importers/regfacts.h"
#include "../tap.h"

/* norm(path): the normal form, or "error: <message>". */
static const char *
norm(const char *path)
{
	static struct wb_buf out;
	struct wb_err err;

	if (regfacts_normalise_key(path, strlen(path), &out, &err) < 0) {
		buf_reset(&out);
		buf_printf(&out, "error: %s", err.msg);
	}
	return out.data;
}

static void
test_normalise(void)
{
	is_str(norm("HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\VSS\\Diag"),
	       "HKLM\\SYSTEM\\CurrentControlSet\\Services\\VSS\\Diag", "root abbreviated");
	is_str(norm("hkey_local_machine\\system\\currentcontrolset\\services"),
	       "HKLM\\SYSTEM\\CurrentControlSet\\services", "hive and CurrentControlSet spelt one way");
	is_str(norm("HKLM\\Software\\Microsoft"), "HKLM\\SOFTWARE\\Microsoft", "HKLM abbreviation accepted");
	is_str(norm("HKEY_CURRENT_USER\\Software\\x\\"), "HKCU\\Software\\x", "trailing backslash dropped");
	is_str(norm("HKEY_USERS\\\\.DEFAULT\\\\a"), "HKU\\.DEFAULT\\a", "empty segments dropped");
	is_str(norm("HKEY_CLASSES_ROOT"), "HKCR", "a bare root");
	is_str(norm("HKEY_CURRENT_CONFIG\\System"), "HKCC\\System", "HKCC");
	is_str(norm("HKEY_LOCAL_MACHINE\\SOFTWARE\\System"), "HKLM\\SOFTWARE\\System",
	       "only the segment under HKLM is a hive name");
	ok(!strncmp(norm("HKEY_NOWHERE\\x"), "error: unknown root key 'HKEY_NOWHERE'", 38),
	   "unknown root named");
	ok(!strncmp(norm(""), "error: unknown root key ''", 26), "empty path refused");
}

static const char *
utf16(const char *bytes, size_t len)
{
	static struct wb_buf out;

	buf_reset(&out);
	buf_puts(&out, "");
	reg_utf16_to_utf8((const unsigned char *)bytes, len, &out);
	return out.data;
}

static void
test_utf16(void)
{
	is_str(utf16("a\0b\0\0\0junk", 10), "ab", "stops at the first NUL unit");
	is_str(utf16("a\0b\0", 4), "ab", "no terminator needed");
	is_str(utf16("a\0b", 3), "a", "an odd last byte is ignored");
	is_str(utf16("\xe5\x65\x2c\x67", 4), "\xe6\x97\xa5\xe6\x9c\xac", "BMP characters (日本)");
	is_str(utf16("\x3d\xd8\x00\xde", 4), "\xf0\x9f\x98\x80", "a surrogate pair (U+1F600)");
	is_str(utf16("\x3d\xd8" "a\0", 4), "\xef\xbf\xbd" "a", "an unpaired high surrogate is U+FFFD");
	is_str(utf16("\x00\xde", 2), "\xef\xbf\xbd", "a lone low surrogate is U+FFFD");
	is_str(utf16("", 0), "", "empty data");
}

static void
test_types(void)
{
	is_str(reg_type_name(REG_SZ), "REG_SZ", "REG_SZ");
	is_str(reg_type_name(REG_QWORD), "REG_QWORD", "REG_QWORD (11)");
	is_str(reg_type_name(REG_RESOURCE_REQUIREMENTS_LIST), "REG_RESOURCE_REQUIREMENTS_LIST", "10");
	ok(reg_type_name(12) == NULL, "12 has no name");
	ok(reg_type_name(0x1234abcd) == NULL, "nor has any large number");
}

int
main(void)
{
	test_normalise();
	test_utf16();
	test_types();
	return tap_done();
}
