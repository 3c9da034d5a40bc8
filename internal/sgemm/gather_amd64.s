#include "textflag.h"

// Gather's panels with AVX-512 (see gather.go).

// func copy16(depth int, src *float32, base int, rows *int32, dst *float32)
//
// For p < depth: the 16 values from src[rows[p]+base] to dst[16p:].
TEXT ·copy16(SB), NOSPLIT, $0-40
	MOVQ depth+0(FP), CX
	MOVQ src+8(FP), SI
	MOVQ base+16(FP), R10
	MOVQ rows+24(FP), DX
	MOVQ dst+32(FP), DI
	LEAQ (SI)(R10*4), SI
	TESTQ CX, CX
	JE   copy16done

copy16loop:
	MOVLQSX (DX), AX
	VMOVUPS (SI)(AX*4), Z0
	VMOVUPS Z0, (DI)
	ADDQ    $4, DX
	ADDQ    $64, DI
	DECQ    CX
	JNZ     copy16loop

copy16done:
	VZEROUPPER
	RET

// func gather16(depth int, src *float32, rows *int32, idx *[16]int32, mask uint16, dst *float32)
//
// For p < depth and j < 16: dst[16p+j] = src[rows[p]+idx[j]] where bit j
// of mask is set, 0 where it is not.
TEXT ·gather16(SB), NOSPLIT, $0-48
	MOVQ      depth+0(FP), CX
	MOVQ      src+8(FP), SI
	MOVQ      rows+16(FP), DX
	MOVQ      idx+24(FP), R8
	MOVWLZX   mask+32(FP), R9
	MOVQ      dst+40(FP), DI
	VMOVDQU32 (R8), Z1
	KMOVW     R9, K2
	TESTQ     CX, CX
	JE        gather16done

gather16loop:
	MOVLQSX    (DX), AX
	LEAQ       (SI)(AX*4), BX
	KMOVW      K2, K1
	VPXORD     Z0, Z0, Z0
	VPGATHERDD (BX)(Z1*4), K1, Z0
	VMOVDQU32  Z0, (DI)
	ADDQ       $4, DX
	ADDQ       $64, DI
	DECQ       CX
	JNZ        gather16loop

gather16done:
	VZEROUPPER
	RET

// func runs16(depth int, src *float32, rows *int32, offs *[4]int, masks *[8][8]int32, n int, dst *float32)
//
// For p < depth: a panel row of 16 values made of n (1 to 4) runs of
// neighbours: lane j of run i is src[rows[p]+offs[i]+j], the lanes of run
// i those from its first on (masks[2i], masks[2i+1] set there), the later
// runs blended over the earlier. AVX2: two loads and two blends a run.
TEXT ·runs16(SB), NOSPLIT, $0-56
	MOVQ depth+0(FP), CX
	MOVQ src+8(FP), SI
	MOVQ rows+16(FP), DX
	MOVQ offs+24(FP), AX
	MOVQ 0(AX), R8
	MOVQ 8(AX), R9
	MOVQ 16(AX), R10
	MOVQ 24(AX), R11
	SHLQ $2, R8
	SHLQ $2, R9
	SHLQ $2, R10
	SHLQ $2, R11
	MOVQ masks+32(FP), AX
	VMOVDQU 64(AX), Y4
	VMOVDQU 96(AX), Y5
	VMOVDQU 128(AX), Y6
	VMOVDQU 160(AX), Y7
	VMOVDQU 192(AX), Y8
	VMOVDQU 224(AX), Y9
	MOVQ n+40(FP), R12
	MOVQ dst+48(FP), DI
	TESTQ CX, CX
	JE   runs16done

runs16loop:
	MOVLQSX (DX), AX
	LEAQ    (SI)(AX*4), BX
	VMOVUPS (BX)(R8*1), Y0
	VMOVUPS 32(BX)(R8*1), Y1
	CMPQ    R12, $2
	JLT     runs16store
	VMOVUPS (BX)(R9*1), Y2
	VMOVUPS 32(BX)(R9*1), Y3
	VBLENDVPS Y4, Y2, Y0, Y0
	VBLENDVPS Y5, Y3, Y1, Y1
	CMPQ    R12, $3
	JLT     runs16store
	VMOVUPS (BX)(R10*1), Y2
	VMOVUPS 32(BX)(R10*1), Y3
	VBLENDVPS Y6, Y2, Y0, Y0
	VBLENDVPS Y7, Y3, Y1, Y1
	CMPQ    R12, $4
	JLT     runs16store
	VMOVUPS (BX)(R11*1), Y2
	VMOVUPS 32(BX)(R11*1), Y3
	VBLENDVPS Y8, Y2, Y0, Y0
	VBLENDVPS Y9, Y3, Y1, Y1

runs16store:
	VMOVUPS Y0, (DI)
	VMOVUPS Y1, 32(DI)
	ADDQ    $4, DX
	ADDQ    $64, DI
	DECQ    CX
	JNZ     runs16loop

runs16done:
	VZEROUPPER
	RET

// func runs16s2(depth int, src *float32, rows *int32, offs *[4]int, masks *[8][8]int32, n int, dst *float32)
//
// runs16 for runs of every other cell (a convolution with stride 2): lane
// j of run i is src[rows[p]+offs[i]+2j], the even values of four loads of
// eight, shuffled and permuted into place.
TEXT ·runs16s2(SB), NOSPLIT, $0-56
	MOVQ depth+0(FP), CX
	MOVQ src+8(FP), SI
	MOVQ rows+16(FP), DX
	MOVQ offs+24(FP), AX
	MOVQ 0(AX), R8
	MOVQ 8(AX), R9
	MOVQ 16(AX), R10
	MOVQ 24(AX), R11
	SHLQ $2, R8
	SHLQ $2, R9
	SHLQ $2, R10
	SHLQ $2, R11
	MOVQ masks+32(FP), AX
	VMOVDQU 64(AX), Y4
	VMOVDQU 96(AX), Y5
	VMOVDQU 128(AX), Y6
	VMOVDQU 160(AX), Y7
	VMOVDQU 192(AX), Y8
	VMOVDQU 224(AX), Y9
	MOVQ n+40(FP), R12
	MOVQ dst+48(FP), DI
	TESTQ CX, CX
	JE   s2done

s2loop:
	MOVLQSX (DX), AX
	LEAQ    (SI)(AX*4), BX
	VMOVUPS (BX)(R8*1), Y10
	VMOVUPS 32(BX)(R8*1), Y11
	VMOVUPS 64(BX)(R8*1), Y12
	VMOVUPS 96(BX)(R8*1), Y13
	VSHUFPS $0x88, Y11, Y10, Y0
	VSHUFPS $0x88, Y13, Y12, Y1
	VPERMPD $0xD8, Y0, Y0
	VPERMPD $0xD8, Y1, Y1
	CMPQ    R12, $2
	JLT     s2store
	VMOVUPS (BX)(R9*1), Y10
	VMOVUPS 32(BX)(R9*1), Y11
	VMOVUPS 64(BX)(R9*1), Y12
	VMOVUPS 96(BX)(R9*1), Y13
	VSHUFPS $0x88, Y11, Y10, Y2
	VSHUFPS $0x88, Y13, Y12, Y3
	VPERMPD $0xD8, Y2, Y2
	VPERMPD $0xD8, Y3, Y3
	VBLENDVPS Y4, Y2, Y0, Y0
	VBLENDVPS Y5, Y3, Y1, Y1
	CMPQ    R12, $3
	JLT     s2store
	VMOVUPS (BX)(R10*1), Y10
	VMOVUPS 32(BX)(R10*1), Y11
	VMOVUPS 64(BX)(R10*1), Y12
	VMOVUPS 96(BX)(R10*1), Y13
	VSHUFPS $0x88, Y11, Y10, Y2
	VSHUFPS $0x88, Y13, Y12, Y3
	VPERMPD $0xD8, Y2, Y2
	VPERMPD $0xD8, Y3, Y3
	VBLENDVPS Y6, Y2, Y0, Y0
	VBLENDVPS Y7, Y3, Y1, Y1
	CMPQ    R12, $4
	JLT     s2store
	VMOVUPS (BX)(R11*1), Y10
	VMOVUPS 32(BX)(R11*1), Y11
	VMOVUPS 64(BX)(R11*1), Y12
	VMOVUPS 96(BX)(R11*1), Y13
	VSHUFPS $0x88, Y11, Y10, Y2
	VSHUFPS $0x88, Y13, Y12, Y3
	VPERMPD $0xD8, Y2, Y2
	VPERMPD $0xD8, Y3, Y3
	VBLENDVPS Y8, Y2, Y0, Y0
	VBLENDVPS Y9, Y3, Y1, Y1

s2store:
	VMOVUPS Y0, (DI)
	VMOVUPS Y1, 32(DI)
	ADDQ    $4, DX
	ADDQ    $64, DI
	DECQ    CX
	JNZ     s2loop

s2done:
	VZEROUPPER
	RET
