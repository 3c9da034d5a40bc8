#include "textflag.h"

// The kernel computes the 6×16 block sum over p < depth of
// a[p*6+r] * b[p*16+j] from packed panels (see packA, packB). Y0..Y11
// hold the block, two registers of 8 per row; Y12 and Y13 one row of the B
// panel; Y14 and Y15 a value of the A panel broadcast.

// func kernel6x16c(depth int, a, b, c *float32, ldc int, add bool)
//
// Writes the block into c (rows ldc apart), or adds it to c with add.
TEXT ·kernel6x16c(SB), NOSPLIT, $0-41
	MOVQ   depth+0(FP), CX
	MOVQ   a+8(FP), SI
	MOVQ   b+16(FP), DI
	MOVQ   c+24(FP), DX
	MOVQ   ldc+32(FP), R8
	SHLQ   $2, R8
	MOVBLZX add+40(FP), R9
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	VXORPS Y8, Y8, Y8
	VXORPS Y9, Y9, Y9
	VXORPS Y10, Y10, Y10
	VXORPS Y11, Y11, Y11
	TESTQ CX, CX
	JE    donec

loopc:
	VMOVUPS (DI), Y12
	VMOVUPS 32(DI), Y13
	VBROADCASTSS 0(SI), Y14
	VFMADD231PS  Y12, Y14, Y0
	VFMADD231PS  Y13, Y14, Y1
	VBROADCASTSS 4(SI), Y15
	VFMADD231PS  Y12, Y15, Y2
	VFMADD231PS  Y13, Y15, Y3
	VBROADCASTSS 8(SI), Y14
	VFMADD231PS  Y12, Y14, Y4
	VFMADD231PS  Y13, Y14, Y5
	VBROADCASTSS 12(SI), Y15
	VFMADD231PS  Y12, Y15, Y6
	VFMADD231PS  Y13, Y15, Y7
	VBROADCASTSS 16(SI), Y14
	VFMADD231PS  Y12, Y14, Y8
	VFMADD231PS  Y13, Y14, Y9
	VBROADCASTSS 20(SI), Y15
	VFMADD231PS  Y12, Y15, Y10
	VFMADD231PS  Y13, Y15, Y11
	ADDQ $24, SI
	ADDQ $64, DI
	DECQ CX
	JNZ  loopc

donec:
	MOVQ  DX, R10
	TESTQ R9, R9
	JE    storec
	VADDPS  (R10), Y0, Y0
	VADDPS  32(R10), Y1, Y1
	ADDQ    R8, R10
	VADDPS  (R10), Y2, Y2
	VADDPS  32(R10), Y3, Y3
	ADDQ    R8, R10
	VADDPS  (R10), Y4, Y4
	VADDPS  32(R10), Y5, Y5
	ADDQ    R8, R10
	VADDPS  (R10), Y6, Y6
	VADDPS  32(R10), Y7, Y7
	ADDQ    R8, R10
	VADDPS  (R10), Y8, Y8
	VADDPS  32(R10), Y9, Y9
	ADDQ    R8, R10
	VADDPS  (R10), Y10, Y10
	VADDPS  32(R10), Y11, Y11
	ADDQ    R8, R10
	MOVQ  DX, R10

storec:
	VMOVUPS Y0, (R10)
	VMOVUPS Y1, 32(R10)
	ADDQ    R8, R10
	VMOVUPS Y2, (R10)
	VMOVUPS Y3, 32(R10)
	ADDQ    R8, R10
	VMOVUPS Y4, (R10)
	VMOVUPS Y5, 32(R10)
	ADDQ    R8, R10
	VMOVUPS Y6, (R10)
	VMOVUPS Y7, 32(R10)
	ADDQ    R8, R10
	VMOVUPS Y8, (R10)
	VMOVUPS Y9, 32(R10)
	ADDQ    R8, R10
	VMOVUPS Y10, (R10)
	VMOVUPS Y11, 32(R10)
	ADDQ    R8, R10
	VZEROUPPER
	RET

// func axpy8(n int, alpha float32, x, y *float32)
//
// y[i] += alpha * x[i] for i < n; n is a multiple of 32.
TEXT ·axpy8(SB), NOSPLIT, $0-32
	MOVQ         n+0(FP), CX
	VBROADCASTSS alpha+8(FP), Y15
	MOVQ         x+16(FP), SI
	MOVQ         y+24(FP), DI
	SHRQ         $5, CX
	JE           axpydone

axpyloop:
	VMOVUPS     (DI), Y0
	VMOVUPS     32(DI), Y1
	VMOVUPS     64(DI), Y2
	VMOVUPS     96(DI), Y3
	VFMADD231PS (SI), Y15, Y0
	VFMADD231PS 32(SI), Y15, Y1
	VFMADD231PS 64(SI), Y15, Y2
	VFMADD231PS 96(SI), Y15, Y3
	VMOVUPS     Y0, (DI)
	VMOVUPS     Y1, 32(DI)
	VMOVUPS     Y2, 64(DI)
	VMOVUPS     Y3, 96(DI)
	ADDQ        $128, SI
	ADDQ        $128, DI
	DECQ        CX
	JNZ         axpyloop

axpydone:
	VZEROUPPER
	RET

// func reluGrad8(n int, y, dy, dst *float32)
//
// dst[i] = dy[i] where the bits of y[i] are not all zero, +0 elsewhere, for
// i < n; n is a multiple of 8.
TEXT ·reluGrad8(SB), NOSPLIT, $0-32
	MOVQ   n+0(FP), CX
	MOVQ   y+8(FP), SI
	MOVQ   dy+16(FP), DX
	MOVQ   dst+24(FP), DI
	VPXOR  Y14, Y14, Y14
	SHRQ   $3, CX
	JE     rgdone

rgloop:
	VMOVDQU  (SI), Y0
	VPCMPEQD Y14, Y0, Y1   // Y1 = all ones where y's bits are zero
	VPANDN   (DX), Y1, Y2  // Y2 = dy &^ Y1
	VMOVDQU  Y2, (DI)
	ADDQ     $32, SI
	ADDQ     $32, DX
	ADDQ     $32, DI
	DECQ     CX
	JNZ      rgloop

rgdone:
	VZEROUPPER
	RET

// func add8(n int, x, y *float32)
//
// y[i] += x[i] for i < n; n is a multiple of 8.
TEXT ·add8(SB), NOSPLIT, $0-24
	MOVQ n+0(FP), CX
	MOVQ x+8(FP), SI
	MOVQ y+16(FP), DI
	SHRQ $3, CX
	JE   adddone

addloop:
	VMOVUPS (DI), Y0
	VADDPS  (SI), Y0, Y0
	VMOVUPS Y0, (DI)
	ADDQ    $32, SI
	ADDQ    $32, DI
	DECQ    CX
	JNZ     addloop

adddone:
	VZEROUPPER
	RET

// func scaleShift8(n int, scale, shift float32, x, y *float32, relu bool)
//
// y[i] = x[i]*scale + shift (the product rounded first), then max(y[i], 0)
// as Go's max computes it with relu, for i < n; n is a multiple of 8.
TEXT ·scaleShift8(SB), NOSPLIT, $0-33
	MOVQ         n+0(FP), CX
	VBROADCASTSS scale+8(FP), Y15
	VBROADCASTSS shift+12(FP), Y14
	MOVQ         x+16(FP), SI
	MOVQ         y+24(FP), DI
	MOVBLZX      relu+32(FP), R9
	VXORPS       Y13, Y13, Y13
	SHRQ         $3, CX
	JE           ssdone
	TESTQ        R9, R9
	JNE          ssreluloop

ssloop:
	VMULPS  (SI), Y15, Y0
	VADDPS  Y14, Y0, Y0
	VMOVUPS Y0, (DI)
	ADDQ    $32, SI
	ADDQ    $32, DI
	DECQ    CX
	JNZ     ssloop
	JMP     ssdone

ssreluloop:
	VMULPS    (SI), Y15, Y0
	VADDPS    Y14, Y0, Y0
	VMAXPS    Y13, Y0, Y1     // Y1 = Y0 > 0 ? Y0 : +0
	VCMPPS    $3, Y0, Y0, Y2  // Y2 = Y0 is NaN
	VBLENDVPS Y2, Y0, Y1, Y1  // NaN stays NaN
	VMOVUPS   Y1, (DI)
	ADDQ      $32, SI
	ADDQ      $32, DI
	DECQ      CX
	JNZ       ssreluloop

ssdone:
	VZEROUPPER
	RET

// func clip8(n int, lo, hi float32, x, y *float32)
//
// y[i] = min(max(x[i], lo), hi) as Go's min and max compute them, for
// i < n (a multiple of 8), where lo and hi are numbers, lo is not -0 and hi
// not zero (see Clip): NaN stays NaN.
TEXT ·clip8(SB), NOSPLIT, $0-32
	MOVQ         n+0(FP), CX
	VBROADCASTSS lo+8(FP), Y15
	VBROADCASTSS hi+12(FP), Y14
	MOVQ         x+16(FP), SI
	MOVQ         y+24(FP), DI
	SHRQ         $3, CX
	JE           clipdone

cliploop:
	VMOVUPS   (SI), Y0
	VMAXPS    Y15, Y0, Y1     // Y1 = Y0 > lo ? Y0 : lo
	VMINPS    Y14, Y1, Y1     // Y1 = Y1 < hi ? Y1 : hi
	VCMPPS    $3, Y0, Y0, Y2  // Y2 = Y0 is NaN
	VBLENDVPS Y2, Y0, Y1, Y1  // NaN stays NaN
	VMOVUPS   Y1, (DI)
	ADDQ      $32, SI
	ADDQ      $32, DI
	DECQ      CX
	JNZ       cliploop

clipdone:
	VZEROUPPER
	RET
