/*
 * bcryptprimitives.dll for Wine 8.0, which lacks it. Go 1.24 and later
 * Windows programs load it at start for ProcessPrng (their source of random
 * bytes) and die at once without it. This shim fills the buffer from
 * RtlGenRandom (advapi32's SystemFunction036), which Wine has.
 *
 * Used only by CI, to run artlens.exe under Wine (scripts/wine/check.sh);
 * real Windows has its own bcryptprimitives.dll. Build:
 *   x86_64-w64-mingw32-gcc -O2 -shared -o bcryptprimitives.dll bcryptprimitives.c -ladvapi32
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
	/* RtlGenRandom takes a ULONG: fill in pieces for larger requests. */
	while (length > 0) {
		ULONG n = length > 0x40000000 ? 0x40000000 : (ULONG)length;
		SystemFunction036(data, n);
		data += n;
		length -= n;
	}
	return TRUE;
}
