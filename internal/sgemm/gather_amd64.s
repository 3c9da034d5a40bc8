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
